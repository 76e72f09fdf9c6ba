"""Behaviour the op records cannot express for the round-two breadth names: errors for data-dependent
shapes under transformations, empty inputs, result types, and the derivative of the eager set routines."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad._src.core import ConcretizationError
from fungrad.testing import assert_trees_close


def test_unique_without_size_under_jit_names_the_fix():
    with pytest.raises(ConcretizationError, match=r"unique: the input is traced.*size="):
        fungrad.jit(fnp.unique)(np.array([1.0, 2.0, 1.0]))


@pytest.mark.parametrize("name", ["intersect1d", "setdiff1d", "setxor1d", "union1d"])
def test_two_set_ops_without_size_under_vmap_raise(name):
    fn = getattr(fnp, name)
    with pytest.raises(ConcretizationError, match="size="):
        fungrad.vmap(lambda a: fn(a, np.array([1.0, 2.0])))(np.ones((2, 3)))


def test_unique_eager_derivative_matches_the_size_form():
    x = np.array([3.0, 1.0, 3.0, 2.0])
    weights = np.array([1.0, 2.0, 3.0])
    eager = fungrad.grad(lambda v: fnp.sum(fnp.unique(v) * weights))(x)
    sized = fungrad.grad(lambda v: fnp.sum(fnp.unique(v, size=3) * weights))(x)
    assert_trees_close(eager, sized)
    assert eager.tolist() == [3.0, 1.0, 0.0, 2.0]  # first occurrences only


def test_unique_zero_size_input():
    empty = np.zeros((0,))
    assert_trees_close(fnp.unique(empty), jnp.unique(empty))
    assert_trees_close(fnp.unique(empty, size=2, fill_value=5.0), jnp.unique(empty, size=2, fill_value=5.0))
    with pytest.raises(ValueError, match="fill_value must be specified"):
        fnp.unique(empty, size=2)


def test_unique_result_types_are_named_tuples():
    x = np.array([2, 1, 2])
    assert fnp.unique_all(x)._fields == jnp.unique_all(x)._fields
    assert fnp.unique_counts(x)._fields == jnp.unique_counts(x)._fields
    assert fnp.unique_inverse(x)._fields == jnp.unique_inverse(x)._fields


def test_empty_set_operands():
    a, e = np.array([1.0, 2.0]), np.zeros((0,))
    for name in ["intersect1d", "union1d", "setdiff1d", "setxor1d"]:
        assert_trees_close(getattr(fnp, name)(a, e), getattr(jnp, name)(a, e))
        assert_trees_close(getattr(fnp, name)(e, a), getattr(jnp, name)(e, a))
    assert_trees_close(fnp.isin(a, e), jnp.isin(a, e))


@pytest.mark.parametrize("fn", [fnp.place, fnp.put])
def test_in_place_updates_are_refused(fn):
    with pytest.raises(ValueError, match="inplace=False"):
        fn(np.zeros(3), np.array([True, False, True]) if fn is fnp.place else np.array([0]), np.array([1.0]))


def test_compress_size_out_of_range():
    with pytest.raises(ValueError, match="size must be positive"):
        fnp.compress(np.array([True, False]), np.arange(2.0), size=3)


def test_trim_zeros_needs_a_concrete_input():
    with pytest.raises(ConcretizationError, match="trim_zeros"):
        fungrad.jit(fnp.trim_zeros)(np.array([0.0, 1.0, 0.0]))


def test_roots_strip_zeros_needs_a_concrete_input_but_no_strip_works_under_jit():
    p = np.array([0.0, 1.0, -3.0, 2.0])
    with pytest.raises(ConcretizationError):
        fungrad.jit(fnp.roots)(p)
    got = fungrad.jit(lambda q: fnp.roots(q, strip_zeros=False))(p)
    want = jnp.roots(p, strip_zeros=False)
    assert_trees_close(np.sort_complex(np.asarray(got)), np.sort_complex(np.asarray(want)))


def test_partition_rejects_complex_and_bad_kth():
    with pytest.raises(NotImplementedError, match="complex"):
        fnp.partition(np.array([1j, 2.0]), 0)
    with pytest.raises(TypeError, match="kth=5"):
        fnp.partition(np.arange(3.0), 5)


def test_einsum_path_matches_jax_and_is_accepted_back():
    shapes = [(2, 3), (3, 40), (40, 2)]
    xs = [np.ones(s) for s in shapes]
    path, _ = fnp.einsum_path("ij,jk,kl", *xs, optimize="optimal")
    assert path == jnp.einsum_path("ij,jk,kl", *xs, optimize="optimal")[0]
    assert_trees_close(fnp.einsum("ij,jk,kl", *xs, optimize=path), jnp.einsum("ij,jk,kl", *xs))


def test_einsum_sublists_under_vmap_and_grad():
    a, b = np.random.default_rng(0).normal(size=(2, 3, 4)), np.random.default_rng(1).normal(size=(4, 2))

    def f(m):
        return lambda x, y: m.einsum(x, [0, 1], y, [1, 2], [2, 0])

    got = fungrad.vmap(fungrad.grad(lambda x, y: fnp.sum(f(fnp)(x, y) ** 2), argnums=1), in_axes=(0, None))(a, b)
    want = jax.vmap(jax.grad(lambda x, y: jnp.sum(f(jnp)(x, y) ** 2), argnums=1), in_axes=(0, None))(a, b)
    assert_trees_close(got, want)


def test_einsum_out_is_refused():
    with pytest.raises(NotImplementedError, match="out"):
        fnp.einsum("i->", np.ones(2), out=np.zeros(()))
