"""Op records for polynomials (fungrad/numpy/_polynomial.py) and discrete calculus (_calculus.py)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes=(), **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


rec("polyval", lambda m, p, x: m.polyval(p, x), [(3,), (2, 2)])
rec("polyadd", lambda m, a, b: m.polyadd(a, b), [(2,), (3,)])
rec("polysub", lambda m, a, b: m.polysub(a, b), [(3,), (2,)])
rec("polymul", lambda m, a, b: m.polymul(a, b), [(3,), (2,)])
rec("polyder", lambda m, p: m.polyder(p, 2), [(4,)])
rec("polyint", lambda m, p: m.polyint(p, 2, k=np.array([1.0, 2.0])), [(3,)])
rec("vander", lambda m, x: m.vander(x, 3), [(4,)])
rec("vander-increasing", lambda m, x: m.vander(x, increasing=True), [(3,)])
rec(
    "polyfit",
    lambda m, x, y: m.polyfit(x, y, 2),
    make_args=lambda rng: (np.linspace(-1, 1, 5), rng.normal(size=5)),
    atol=1e-8,
    rtol=1e-8,
    grad=False,  # JAX's derivative of its SVD-based least squares is NaN on these inputs; fungrad's is finite
)
rec(
    "polyfit-2d-weights",
    lambda m, x, y, w: m.polyfit(x, y, 1, w=w),
    make_args=lambda rng: (np.linspace(0, 1, 4), rng.normal(size=(4, 2)), rng.uniform(0.5, 2, size=4)),
    atol=1e-8,
    rtol=1e-8,
    grad=False,  # JAX's derivative of its SVD-based least squares is NaN on these inputs; fungrad's is finite
)
rec("gradient", lambda m, f: m.gradient(f), [(5,)])
rec("gradient-2d-spacing", lambda m, f: m.gradient(f, 0.5, 2.0), [(3, 4)])
rec("gradient-axis", lambda m, f: m.gradient(f, axis=1), [(2, 3)])
rec("ediff1d", lambda m, a: m.ediff1d(a, to_end=np.array([9.0, 8.0]), to_begin=np.array(-1.0)), [(2, 2)])
rec("trapezoid", lambda m, y: m.trapezoid(y, dx=0.5), [(2, 4)])
rec("trapezoid-x", lambda m, y, x: m.trapezoid(y, x, axis=0), [(4, 2), (4,)])
rec(
    "interp",
    lambda m, x, xp, fp: m.interp(x, xp, fp),
    make_args=lambda rng: (rng.uniform(-0.5, 3.5, size=6), np.array([0.0, 1.0, 2.5, 3.0]), rng.normal(size=4)),
    grad_argnums=(0, 2),
)
rec(
    "interp-left-right",
    lambda m, x, xp, fp: m.interp(x, xp, fp, left=-1.0, right=2.0),
    make_args=lambda rng: (np.array([-1.0, 0.3, 4.0]), np.array([0.0, 1.0, 2.0]), rng.normal(size=3)),
    grad_argnums=(2,),
)
rec("cross", lambda m, a, b: m.cross(a, b), [(2, 3), (3,)])
rec("cross-2d-axis", lambda m, a, b: m.cross(a, b, axisa=0), [(2, 2), (2, 2)])
