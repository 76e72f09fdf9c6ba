"""Op records for ``fungrad.numpy``'s floating-point math (fungrad/numpy/_float_math.py)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, shapes=((2, 3),), domain="real", fun=None, ref=None, **kw):
    fun = fun or getattr(fnp, name.split("-")[0])
    ref = ref or getattr(jnp, name.split("-")[0])
    RECORDS.append(OpRecord(f"numpy.{name}", fun, ref, tuple(shapes), domain, **kw))


def special_values(rng):
    return (np.array([0.0, -0.0, 1.5, -2.5, np.inf, -np.inf, np.nan]),)


rec("logaddexp", shapes=((2, 3), (3,)))
rec("logaddexp-ties", make_args=lambda rng: (np.array([1.0, -np.inf, 2.0]), np.array([1.0, -np.inf, -1.0])), fd=False)
rec("logaddexp2", shapes=((3,), (3,)))
for name in ["degrees", "radians", "deg2rad", "rad2deg", "sinc", "fabs"]:
    rec(name, domain="nonzero")
rec("cbrt", domain="nonzero", atol=1e-8, rtol=1e-8)
rec("copysign", shapes=((3,), (3,)), domain="nonzero")
rec("fmod", shapes=((3,), (3,)), domain="nonzero", fd=False)
rec("heaviside", shapes=((3,), (3,)), domain="nonzero")
rec("float_power", shapes=((3,), (3,)), domain="positive")
rec(
    "fmax",
    make_args=lambda rng: (np.array([1.0, np.nan, 3.0, np.nan]), np.array([np.nan, 2.0, -3.0, np.nan])),
    fd=False,
)
rec(
    "fmin",
    make_args=lambda rng: (np.array([1.0, np.nan, 3.0, np.nan]), np.array([np.nan, 2.0, -3.0, np.nan])),
    fd=False,
)
for name in ["isnan", "isinf", "isposinf", "isneginf", "signbit", "trunc", "rint"]:
    rec(f"{name}-special", make_args=special_values, grad=False, fun=getattr(fnp, name), ref=getattr(jnp, name))
rec("isnan-int", domain="int", grad=False)
rec("logical_xor", shapes=((3,), (3,)), domain="bool", grad=False)
