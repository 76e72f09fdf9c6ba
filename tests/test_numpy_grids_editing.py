"""fungrad.numpy grids and editing functions beyond the op-record table: argument-free constructors
(mgrid/ogrid/indices/windows), the errors JAX raises (concreteness, bad modes), and behaviours the
record drivers do not reach (string directives, callable pad modes under transformations)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad.testing import assert_trees_close


def _same(got, want):
    assert_trees_close(got, want, rtol=1e-12, atol=1e-12, check_dtypes=True, what="fungrad vs jax.numpy")


@pytest.mark.parametrize(
    "key",
    [np.s_[0:4], np.s_[0:1:5j], np.s_[0:3, 1:5:2], np.s_[-1:1:4j, 0:3], np.s_[0.5:2:0.5, 0:2]],
    ids=str,
)
@pytest.mark.parametrize("grid", ["mgrid", "ogrid"])
def test_mgrid_ogrid(grid, key):
    _same(getattr(fnp, grid)[key], getattr(jnp, grid)[key])


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.indices((2, 3)),
        lambda m: m.indices((2, 3), sparse=True),
        lambda m: m.indices((3,), dtype=np.int32),
        lambda m: m.indices(()),
        lambda m: m.identity(3),
        lambda m: m.identity(2, dtype=int),
        lambda m: m.empty((2, 3)),
        lambda m: m.empty(3, dtype=np.int32),
        lambda m: m.mask_indices(3, m.triu, 1),
        lambda m: m.mask_indices(3, m.tril, size=7),
        lambda m: m.fromfunction(lambda i, j: i * 10 + j, (2, 3)),
        lambda m: m.ravel_multi_index((np.array([0, 2]), np.array([1, 3])), (3, 4)),
        lambda m: m.r_[np.array([1, 2]), 0:3, 7],
        lambda m: m.c_[np.array([1, 2]), np.array([3, 4])],
        lambda m: m.r_["0,2,1", np.array([1, 2]), np.array([3, 4])],
    ],
)
def test_constructors_match_jax(call):
    _same(call(fnp), call(jnp))


@pytest.mark.parametrize("window", ["bartlett", "blackman", "hamming", "hanning"])
@pytest.mark.parametrize("M", [0, 1, 2, 5, 8])
def test_windows(window, M):
    _same(getattr(fnp, window)(M), getattr(jnp, window)(M))


@pytest.mark.parametrize("M", [0, 1, 7])
def test_kaiser(M):
    _same(fnp.kaiser(M, 2.5), jnp.kaiser(M, 2.5))


def test_pad_wide_pads_and_weak_types():
    x = np.arange(1.0, 4.0)
    for mode in ["reflect", "symmetric", "wrap", "edge", "linear_ramp", "mean", "median", "maximum"]:
        _same(fnp.pad(x, (9, 7), mode=mode), jnp.pad(x, (9, 7), mode=mode))
    _same(fnp.pad(2.0 * fnp.ones(2), 1), jnp.pad(2.0 * jnp.ones(2), 1))  # weakly typed stays weak
    _same(fnp.pad(np.arange(4), 2, mode="mean"), jnp.pad(np.arange(4), 2, mode="mean"))  # integer rounding
    _same(fnp.pad(np.ones((2, 2)), jnp.array([1, 2])), jnp.pad(np.ones((2, 2)), jnp.array([1, 2])))


def test_pad_under_transformations():
    x = np.arange(6.0).reshape(2, 3)

    def f(m, v):
        return m.sum(m.pad(v, ((1, 2), (3, 1)), mode="reflect", reflect_type="odd") ** 2)

    _same(fungrad.jit(fungrad.grad(lambda v: f(fnp, v)))(x), jax.grad(lambda v: f(jnp, v))(x))
    xs = np.arange(18.0).reshape(3, 2, 3)
    _same(fungrad.vmap(fungrad.grad(lambda v: f(fnp, v)))(xs), jax.vmap(jax.grad(lambda v: f(jnp, v)))(xs))
    g = fungrad.grad(lambda c: fnp.sum(fnp.pad(x, 2, constant_values=c)), argnums=0)
    assert float(g(1.5)) == jnp.pad(x, 2).size - x.size


def test_pad_callable_mode_under_jit():
    def ends(row, pad_width, iaxis, kwargs):
        before, after = pad_width
        row = row.at[:before].set(kwargs["lo"])
        return row.at[row.shape[0] - after :].set(kwargs["hi"])

    x = np.arange(6.0).reshape(2, 3)
    got = fungrad.jit(lambda v: fnp.pad(v, 2, ends, lo=-1.0, hi=9.0))(x)
    _same(got, jnp.pad(x, 2, ends, lo=-1.0, hi=9.0))


def test_pad_errors():
    x = np.ones(3)
    with pytest.raises(NotImplementedError, match="Unimplemented padding mode"):
        fnp.pad(x, 1, mode="nope")
    with pytest.raises(ValueError, match="unsupported keyword"):
        fnp.pad(x, 1, mode="edge", constant_values=2)
    with pytest.raises(ValueError, match="negative"):
        fnp.pad(x, -1)
    with pytest.raises(TypeError, match="integral"):
        fnp.pad(x, 1.5)
    with pytest.raises(ValueError, match="empty axis"):
        fnp.pad(np.ones((0,)), 1, mode="wrap")
    with pytest.raises(TypeError, match="concrete"):
        fungrad.jit(lambda w: fnp.pad(x, w))(1)


def test_errors_that_need_concrete_indices():
    i = np.array([0, 1])
    with pytest.raises(fungrad.ConcretizationError, match="mode='wrap' or mode='clip'"):
        fungrad.jit(lambda i: fnp.ravel_multi_index((i, i), (2, 2)))(i)
    with pytest.raises(fungrad.ConcretizationError, match="mode='wrap' or mode='clip'"):
        fungrad.jit(lambda i: fnp.choose(i, [np.ones(2), np.zeros(2)]))(i)
    with pytest.raises(fungrad.ConcretizationError, match="assume_unique_indices"):
        fungrad.jit(lambda i: fnp.delete(np.arange(4.0), i))(i)
    with pytest.raises(ValueError, match="invalid entry"):
        fnp.ravel_multi_index((np.array([3]), np.array([0])), (2, 2))
    with pytest.raises(ValueError, match="invalid entry"):
        fnp.choose(np.array([2]), [np.ones(1), np.zeros(1)])


def test_other_errors():
    with pytest.raises(NotImplementedError, match="inplace=False"):
        fnp.fill_diagonal(np.zeros((2, 2)), 1.0)
    with pytest.raises(ValueError, match="copy=True"):
        fnp.meshgrid(np.ones(2), copy=False)
    with pytest.raises(ValueError, match="1D"):
        fnp.meshgrid(np.ones((2, 2)))
    with pytest.raises(ValueError, match="string directive"):
        fnp.r_[np.ones(2), "0"]
    with pytest.raises(ValueError, match="could not understand directive"):
        fnp.r_["a,b", np.ones(2)]
    with pytest.raises(ValueError, match="integers"):
        fnp.gcd(1.0, 2.0)
    with pytest.raises(ValueError, match="not a valid gufunc signature"):
        fnp.vectorize(lambda x: x, signature="(n->()")(np.ones(2))
    with pytest.raises(ValueError, match="core dimension"):
        fnp.vectorize(lambda x, y: x @ y, signature="(n),(n)->()")(np.ones(2), np.ones(3))


def test_insert_delete_under_jit_with_static_indices():
    x = np.arange(12.0).reshape(3, 4)
    _same(fungrad.jit(lambda v: fnp.insert(v, [1, 1], 5.0, axis=1))(x), jnp.insert(x, np.array([1, 1]), 5.0, axis=1))
    _same(
        fungrad.jit(lambda v: fnp.delete(v, slice(None, None, 2), axis=1))(x),
        jnp.delete(x, slice(None, None, 2), axis=1),
    )


def test_vectorize_none_argument_and_grad():
    f = fnp.vectorize(lambda x, y: x * 2.0 if y is None else x * y)
    _same(f(np.arange(3.0), None), np.arange(3.0) * 2.0)
    g = fungrad.grad(lambda v: fnp.sum(fnp.vectorize(lambda a, b: fnp.sin(a) * b)(v, v)))
    x = np.linspace(0.1, 1.0, 4)
    _same(g(x), jax.grad(lambda v: jnp.sum(jnp.vectorize(lambda a, b: jnp.sin(a) * b)(v, v)))(x))


def test_logspace_geomspace_endpoint_gradients():
    for fn in ("logspace", "geomspace"):

        def total(m, a, b, fn=fn):
            return m.sum(getattr(m, fn)(a, b, 6) ** 0.5)

        got = fungrad.grad(lambda a, b: total(fnp, a, b), argnums=(0, 1))(0.5, 2.0)
        want = jax.grad(lambda a, b: total(jnp, a, b), argnums=(0, 1))(0.5, 2.0)
        _same(got, want)


def test_frexp_roundtrip_and_bit_helpers():
    x = np.array([3.5, -0.1, 1e300, 1e-300, 0.0, np.inf])
    m, e = fnp.frexp(x)
    _same((m, e), jnp.frexp(x))
    _same(fnp.ldexp(m, e), x)
    _same(
        fnp.unpackbits(fnp.packbits(np.array([1, 0, 1, 1, 1]))), jnp.unpackbits(jnp.packbits(np.array([1, 0, 1, 1, 1])))
    )
