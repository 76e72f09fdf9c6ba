"""Op records for fungrad.numpy's set routines and size-taking selections (fungrad/numpy/_sets.py).

Inputs are small integers (as floats where a derivative is checked) so values repeat and sets overlap.
Records with ``size=`` run every check (vmap and jit need it); without ``size`` the function is eager
only, so those records check values alone. Finite differences are off for the set operations: a
perturbation splits equal values and changes which elements are unique.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes=(), **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


def ints(*shapes, high=4, as_float=True):
    def make(rng):
        out = tuple(rng.integers(0, high, size=s) for s in shapes)
        return tuple(x.astype(np.float64) for x in out) if as_float else out

    return make


EAGER = dict(grad=False, vmap=False, jit=False)  # data-dependent output shape: concrete inputs only
ALL = dict(return_index=True, return_inverse=True, return_counts=True)

# unique: values (differentiable, the derivative goes to the first occurrence) and integer extras
rec("unique-size", lambda m, x: m.unique(x, size=5), make_args=ints((7,)), fd=False)
rec("unique-size-fill", lambda m, x: m.unique(x, size=6, fill_value=-1.0), make_args=ints((2, 3)), fd=False)
rec("unique-size-all", lambda m, x: m.unique(x, size=4, **ALL), make_args=ints((3, 3)), fd=False)
rec("unique-axis0-size", lambda m, x: m.unique(x, axis=0, size=4), make_args=ints((5, 2), high=2), fd=False)
rec(
    "unique-axis1-size-all",
    lambda m, x: m.unique(x, axis=1, size=3, fill_value=0.0, **ALL),
    make_args=ints((2, 5), high=2),
    fd=False,
)
rec("unique-eager-all", lambda m, x: m.unique(x, **ALL), make_args=ints((8,)), **EAGER)
rec("unique-eager-axis0", lambda m, x: m.unique(x, axis=0, **ALL), make_args=ints((6, 2), high=2), **EAGER)
rec(
    "unique-nan",
    lambda m, x: m.unique(x, size=4, **ALL),
    make_args=lambda rng: (np.array([1.0, np.nan, 2.0, np.nan, 1.0]),),
    grad=False,
)
rec(
    "unique-nan-not-equal",
    lambda m, x: m.unique(x, equal_nan=False, **ALL),
    make_args=lambda rng: (np.array([1.0, np.nan, 2.0, np.nan, 1.0]),),
    **EAGER,
)
rec("unique_all-size", lambda m, x: tuple(m.unique_all(x, size=4)), make_args=ints((6,)), fd=False)
rec("unique_counts-size", lambda m, x: tuple(m.unique_counts(x, size=4)), make_args=ints((6,)), fd=False)
rec("unique_inverse-size", lambda m, x: tuple(m.unique_inverse(x, size=4)), make_args=ints((2, 3)), fd=False)
rec("unique_values-size", lambda m, x: m.unique_values(x, size=5, fill_value=9.0), make_args=ints((6,)), fd=False)
rec("unique_all-eager", lambda m, x: tuple(m.unique_all(x)), make_args=ints((7,)), **EAGER)
rec("unique_values-eager", lambda m, x: m.unique_values(x), make_args=ints((7,)), **EAGER)

# membership
for method in ["auto", "compare_all", "binary_search", "sort"]:
    rec(f"isin-{method}", lambda m, x, t, k=method: m.isin(x, t, method=k), make_args=ints((2, 3), (4,)), grad=False)
rec("isin-invert", lambda m, x, t: m.isin(x, t, invert=True), make_args=ints((5,), (2, 2)), grad=False)

# two-set operations
rec("union1d-size", lambda m, a, b: m.union1d(a, b, size=6), make_args=ints((5,), (4,)), fd=False)
rec("union1d-eager", lambda m, a, b: m.union1d(a, b), make_args=ints((5,), (4,)), **EAGER)
rec("intersect1d-size", lambda m, a, b: m.intersect1d(a, b, size=4), make_args=ints((5,), (4,)), fd=False)
rec(
    "intersect1d-size-indices",
    lambda m, a, b: m.intersect1d(a, b, return_indices=True, size=4, fill_value=-2.0),
    make_args=ints((6,), (2, 3)),
    fd=False,
)
rec(
    "intersect1d-eager-indices",
    lambda m, a, b: m.intersect1d(a, b, return_indices=True),
    make_args=ints((6,), (5,)),
    **EAGER,
)
rec(
    "intersect1d-assume-unique",
    lambda m, a, b: m.intersect1d(a, b, assume_unique=True, return_indices=True, size=3),
    make_args=lambda rng: (rng.permutation(6)[:4].astype(float), rng.permutation(6)[:3].astype(float)),
    fd=False,
)
rec("setdiff1d-size", lambda m, a, b: m.setdiff1d(a, b, size=4), make_args=ints((6,), (2,)), fd=False)
rec(
    "setdiff1d-size-fill",
    lambda m, a, b: m.setdiff1d(a, b, size=5, fill_value=7.0),
    make_args=ints((6,), (3,)),
    fd=False,
)
rec("setdiff1d-eager", lambda m, a, b: m.setdiff1d(a, b), make_args=ints((6,), (2,)), **EAGER)
rec("setxor1d-size", lambda m, a, b: m.setxor1d(a, b, size=5), make_args=ints((5,), (4,), high=6), fd=False)
rec(
    "setxor1d-size-fill-unique",
    lambda m, a, b: m.setxor1d(a, b, assume_unique=True, size=6, fill_value=-1.0),
    make_args=lambda rng: (rng.permutation(6)[:3].astype(float), rng.permutation(6)[:4].astype(float)),
    fd=False,
)
rec("setxor1d-eager", lambda m, a, b: m.setxor1d(a, b), make_args=ints((5,), (4,), high=6), **EAGER)

# selections by a mask or flat indices
rec(
    "compress-axis1-size",
    lambda m, c, x: m.compress(c, x, axis=1, size=2, fill_value=5.0),
    make_args=lambda rng: (rng.random(4) < 0.5, rng.normal(size=(2, 4))),
    grad_argnums=(1,),
)
rec(
    "compress-eager",
    lambda m, c, x: m.compress(c, x, axis=0),
    make_args=lambda rng: (np.array([True, False, True]), rng.normal(size=(3, 2))),
    vmap=False,
    jit=False,
    grad_argnums=(1,),
)
rec(
    "extract-size",
    lambda m, c, x: m.extract(c, x, size=4),
    make_args=lambda rng: (rng.random((2, 3)) < 0.5, rng.normal(size=(2, 3))),
    grad_argnums=(1,),
)
rec(
    "place",
    lambda m, x, c, v: m.place(x, c, v, inplace=False),
    make_args=lambda rng: (rng.normal(size=(2, 3)), rng.random((2, 3)) < 0.5, rng.normal(size=(2,))),
    grad_argnums=(0, 2),
)
for mode in [None, "clip", "wrap"]:
    rec(
        f"put-{mode}",
        lambda m, x, v, k=mode: m.put(x, np.array([0, 4, 9, -1]), v, mode=k, inplace=False),
        [(2, 3), (2,)],
    )
rec(
    "trim_zeros",
    lambda m, x: m.trim_zeros(x),
    make_args=lambda rng: (np.array([0.0, 0.0, 1.5, 0.0, -2.0, 0.0]),),
    vmap=False,
    jit=False,
    fd=False,
)
rec(
    "trim_zeros-2d-f",
    lambda m, x: m.trim_zeros(x, "f", axis=1),
    make_args=lambda rng: (np.array([[0.0, 0.0, 1.0], [0.0, 2.0, 0.0]]),),
    vmap=False,
    jit=False,
    fd=False,
)
