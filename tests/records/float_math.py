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
for name, domain in [("acos", "unit"), ("asin", "unit"), ("atan", "real"), ("asinh", "real"), ("atanh", "unit")]:
    rec(name, domain=domain)
rec("acosh", make_args=lambda rng: (rng.uniform(1.2, 3.0, size=(3,)),))
rec("atan2", shapes=((3,), (3,)), domain="nonzero")
rec("pow", shapes=((3,), (3,)), domain="positive")
rec("i0", domain="real")
rec("ldexp", make_args=lambda rng: (rng.normal(size=3), np.array([0, 1, -2], np.int32)), grad_argnums=(0,))
rec("modf", domain="nonzero", fd=False)
rec("divmod", shapes=((3,), (3,)), domain="nonzero", grad=False)
for name in ["bitwise_not", "bitwise_invert"]:
    rec(name, domain="int", grad=False)
for name in ["left_shift", "bitwise_left_shift"]:
    rec(
        name,
        make_args=lambda rng: (rng.integers(-5, 5, size=3).astype(np.int32), np.array([0, 1, 3], np.int32)),
        grad=False,
    )
for name in ["right_shift", "bitwise_right_shift"]:
    rec(
        name,
        make_args=lambda rng: (rng.integers(-50, 50, size=3).astype(np.int32), np.array([0, 1, 3], np.int32)),
        grad=False,
    )
rec(
    "isclose",
    make_args=lambda rng: (
        np.array([1.0, 1.1, np.inf, np.nan, -np.inf]),
        np.array([1.0 + 1e-9, 1.0, np.inf, np.nan, np.inf]),
    ),
    grad=False,
)
rec(
    "isclose-equal_nan",
    fun=lambda a, b: fnp.isclose(a, b, equal_nan=True),
    ref=lambda a, b: jnp.isclose(a, b, equal_nan=True),
    make_args=lambda rng: (np.array([1.0, np.nan]), np.array([1.0, np.nan])),
    grad=False,
)
rec("allclose", shapes=((2, 3), (3,)), grad=False)
rec("array_equal", make_args=lambda rng: (np.array([1.0, 2.0]), np.array([1.0, 2.0])), grad=False)
rec("array_equal-shapes", fun=fnp.array_equal, ref=jnp.array_equal, shapes=((2,), (3,)), grad=False, vmap=False)
rec("array_equiv", make_args=lambda rng: (np.ones((2, 2)), np.ones(2)), grad=False)
