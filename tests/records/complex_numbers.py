"""Op records for complex numbers: parts, conjugate, angle, predicates, and complex dtypes flowing
through the elementwise, reduction and dot primitives (JAX's complex derivatives are the oracle)."""

from __future__ import annotations

import jax.numpy as jnp

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes=((2, 3),), domain="complex", **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), domain, **kw))


for name in ["real", "imag", "conj", "conjugate", "angle"]:
    rec(f"numpy.{name}-complex", getattr(fnp, name), getattr(jnp, name))
    rec(f"numpy.{name}-of-real", getattr(fnp, name), getattr(jnp, name), shapes=[(3,)], domain="nonzero")
rec("numpy.angle-deg", lambda z: fnp.angle(z, deg=True), lambda z: jnp.angle(z, deg=True), shapes=[(3,)])
for name in ["iscomplex", "isreal"]:
    rec(f"numpy.{name}", getattr(fnp, name), getattr(jnp, name), shapes=[(3,)], grad=False)
for name in ["iscomplexobj", "isrealobj"]:
    rec(f"numpy.{name}", getattr(fnp, name), getattr(jnp, name), shapes=[(3,)], grad=False, vmap=False, jit=False)

# complex dtypes through the arithmetic primitives (holomorphic: JAX's transposes are unconjugated)
rec(
    "complex.add-mul-sub",
    lambda a, b: (a + b) * a - b / (a + 3.0),
    lambda a, b: (a + b) * a - b / (a + 3.0),
    shapes=[(2, 3), (2, 3)],
)
rec(
    "complex.exp-log-sum",
    lambda z: fnp.sum(fnp.exp(z) * fnp.log(z + 4.0), axis=0),
    lambda z: jnp.sum(jnp.exp(z) * jnp.log(z + 4.0), axis=0),
)
rec(
    "complex.mixed-promotion",
    lambda x, z: x * z + 2.0,
    lambda x, z: x * z + 2.0,
    shapes=[(3,), (3,)],
    domain=["real", "complex"],
)
rec("complex.matmul", fnp.matmul, jnp.matmul, shapes=[(2, 3), (3, 2)])
rec("numpy.abs-complex", fnp.abs, jnp.abs)
rec(
    "complex.abs-sum-of-fft",
    lambda x: fnp.sum(fnp.abs(fnp.fft.rfft(x))),
    lambda x: jnp.sum(jnp.abs(jnp.fft.rfft(x))),
    shapes=[(5,)],
    domain="real",
)
rec(
    "complex.astype-complex",
    lambda x: fnp.real(fnp.exp(x.astype(fnp.complex128) * 1j)),
    lambda x: jnp.real(jnp.exp(x.astype(jnp.complex128) * 1j)),
    shapes=[(3,)],
    domain="real",
)
