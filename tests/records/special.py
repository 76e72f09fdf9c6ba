"""Op records for special functions, inverse trig/hyperbolics, and ``power`` with integer exponents."""

from __future__ import annotations

import jax.lax as jlax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

import fungrad.lax as flax
import fungrad.numpy as fnp
import fungrad.scipy.special as fsp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes=((2, 3),), domain="real", **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), domain, **kw))


def above_one(rng):
    return (rng.uniform(1.2, 3.0, size=(2, 3)),)


for name, domain in [
    ("erf", "real"),
    ("erfc", "real"),
    ("erfinv", "unit"),
    ("gammaln", "positive"),
    ("digamma", "positive"),
]:
    rec(f"scipy.special.{name}", getattr(fsp, name), getattr(jsp, name), domain=domain)
rec(
    "scipy.special.polygamma1", lambda x: fsp.polygamma(1, x), lambda x: jsp.polygamma(1, x), domain="positive", order=1
)
rec(
    "scipy.special.gammainc",
    fsp.gammainc,
    jsp.gammainc,
    shapes=((3,), (3,)),
    domain="positive",
    order=1,
)
for name, domain in [
    ("arcsin", "unit"),
    ("arccos", "unit"),
    ("arctan", "real"),
    ("sinh", "real"),
    ("cosh", "real"),
    ("arcsinh", "real"),
    ("arctanh", "unit"),
    ("log2", "positive"),
    ("log10", "positive"),
    ("exp2", "real"),
]:
    rec(f"numpy.{name}", getattr(fnp, name), getattr(jnp, name), domain=domain)
rec("numpy.arccosh", fnp.arccosh, jnp.arccosh, make_args=above_one)
rec("numpy.arctan2", fnp.arctan2, jnp.arctan2, shapes=((2, 3), (2, 3)), domain="nonzero")
rec("numpy.hypot", fnp.hypot, jnp.hypot, shapes=((2, 3), (3,)), domain="nonzero")
for name, domain in [("erf", "real"), ("lgamma", "positive"), ("digamma", "positive"), ("asinh", "real")]:
    rec(f"lax.{name}", getattr(flax, name), getattr(jlax, name), domain=domain)
rec(
    "lax.atan2",
    flax.atan2,
    jlax.atan2,
    shapes=((3,), (3,)),
    domain="nonzero",
)
rec("numpy.power-cube-negative-base", lambda x: fnp.power(x, 3), lambda x: jnp.power(x, 3), domain="nonzero")
rec(
    "numpy.power-int-array-exponent",
    lambda x: fnp.power(x, np.array([0, 1, 2])),
    lambda x: jnp.power(x, np.array([0, 1, 2])),
    shapes=((2, 3),),
)
rec(
    "numpy.power-int-int",
    fnp.power,
    jnp.power,
    make_args=lambda rng: (
        rng.integers(-3, 4, size=(2, 3)).astype(np.int32),
        rng.integers(0, 4, size=(3,)).astype(np.int32),
    ),
    grad=False,
)
