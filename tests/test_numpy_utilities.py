"""fungrad.numpy's non-array utilities (dtype queries, shape queries, printing) against jax.numpy's, on
concrete values and on the tracers a transformed function sees. (They return Python values, not arrays,
so they are tested here rather than by op records.)"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp

DTYPES = [np.bool_, np.int8, np.int32, np.uint8, np.float16, np.float32, np.float64, np.complex64, jnp.bfloat16]
VALUES = [1, 2.5, 1j, True, np.float32(1.0), np.arange(3), np.ones((2, 2), np.float32)]


@pytest.mark.parametrize("name", ["can_cast", "promote_types", "issubdtype"])
def test_dtype_pair_queries_match_jax(name):
    for a in DTYPES:
        for b in DTYPES:
            assert getattr(fnp, name)(a, b) == getattr(jnp, name)(a, b), (name, a, b)


def test_isdtype_matches_jax():
    kinds = ["bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating"]
    for dtype in DTYPES:
        for kind in [*kinds, "numeric", (np.float32, "bool"), np.float64]:
            assert fnp.isdtype(dtype, kind) == jnp.isdtype(dtype, kind), (dtype, kind)


def test_result_type_matches_jax_including_weak_python_scalars():
    cases = [(1, 2.0), (np.float32(1), 2.0), (np.int8(1), 3), (np.ones(2, np.float32), 1j), (np.int32, np.float16)]
    for args in cases:
        assert fnp.result_type(*args) == jnp.result_type(*args), args


@pytest.mark.parametrize("name", ["isscalar", "iterable", "shape", "ndim", "size"])
def test_value_queries_match_jax(name):
    for value in VALUES:
        assert getattr(fnp, name)(value) == getattr(jnp, name)(value), (name, value)


def test_queries_on_tracers_read_the_abstract_value():
    seen = {}

    def f(x):
        seen.update(
            shape=fnp.shape(x),
            ndim=fnp.ndim(x),
            size=fnp.size(x),
            size0=fnp.size(x, 0),
            isscalar=fnp.isscalar(x[0, 0]),  # a 0-d array counts, as in jax.numpy
            iterable=fnp.iterable(x),
            dtype=fnp.result_type(x, 1.0),
        )
        return fnp.sum(x)

    fungrad.grad(f)(np.ones((2, 3)))
    assert seen == dict(shape=(2, 3), ndim=2, size=6, size0=2, isscalar=True, iterable=True, dtype=np.float64)


def test_broadcast_shapes_matches_jax_and_names_the_shapes():
    for shapes in [((2, 1), (3,)), ((), (4, 1, 2)), ((1,), (5, 1))]:
        assert fnp.broadcast_shapes(*shapes) == jnp.broadcast_shapes(*shapes)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)|\(3,\).*\(2,\)"):
        fnp.broadcast_shapes((2,), (3,))


def test_printing_matches_jax():
    x = jnp.array([[1.0, 2.5], [3.0, 1e-9]])
    assert fnp.array_str(x) == jnp.array_str(x)
    assert fnp.array_repr(x) == jnp.array_repr(x)
    assert fnp.array_str(x, precision=2, suppress_small=True) == jnp.array_str(x, precision=2, suppress_small=True)
    before = fnp.get_printoptions()
    with fnp.printoptions(precision=1):
        assert fnp.get_printoptions()["precision"] == 1
        assert fnp.array_str(x) == jnp.array_str(x)
    assert fnp.get_printoptions() == before
    try:
        fnp.set_printoptions(precision=3)
        assert jnp.get_printoptions()["precision"] == 3  # one NumPy setting, shared
    finally:
        fnp.set_printoptions(**before)
