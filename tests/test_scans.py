"""Focused tests for products, scans and sorting beyond the op records (tests/records/scans.py):
exact derivatives at zeros, ties, second order, stability, associative_scan, logsumexp."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.lax as flax
import fungrad.nn as fnn
import fungrad.numpy as fnp

RNG = np.random.default_rng(1)


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "x, want",
    [([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]), ([0.0, 0.0, 3.0], [0.0, 0.0, 0.0]), ([2.0, 4.0], [4.0, 2.0])],
)
def test_prod_gradient_is_exact_at_zeros(x, want):
    assert fungrad.grad(fnp.prod)(np.array(x)).tolist() == want


def test_prod_hessian_with_zeros_matches_jax():
    x = np.array([[1.5, 0.0, 2.0], [0.0, 0.0, -1.0]])
    close(fungrad.hessian(lambda x: fnp.prod(x, 1).sum())(x), jax.hessian(lambda x: jnp.prod(x, 1).sum())(x))


def test_prod_over_empty_axis():
    x = np.zeros((0, 3))
    close(fnp.prod(x, 0), np.ones(3))
    close(fungrad.grad(lambda x: fnp.prod(x, 0).sum())(x), np.zeros((0, 3)))


def test_cumprod_hessian_with_zeros_matches_jax():
    x = np.array([1.5, 0.0, -2.0, 0.5])
    f = lambda x: (fnp.cumprod(x) * np.arange(1.0, 5.0)).sum()
    g = lambda x: (jnp.cumprod(x) * np.arange(1.0, 5.0)).sum()
    close(fungrad.hessian(f)(x), jax.hessian(g)(x))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_running_extremum_ties_split_like_jax(name):
    x = np.array([1.0, 3.0, 3.0, 2.0, 3.0, -1.0, 3.0])
    w = np.arange(1.0, 8.0)
    f = lambda x: (getattr(flax, name)(x, 0) * w).sum()
    g = lambda x: (getattr(jax.lax, name)(x, 0) * w).sum()
    close(fungrad.grad(f)(x), jax.grad(g)(x))
    close(fungrad.grad(f)(-x), jax.grad(g)(-x))


def test_sort_second_order_matches_jax():
    x = RNG.normal(size=(3, 5))
    w = RNG.normal(size=(3, 5))
    f = lambda x: (fnp.sort(x, axis=1) ** 3 * w).sum()
    g = lambda x: (jnp.sort(x, axis=1) ** 3 * w).sum()
    close(fungrad.hessian(f)(x), jax.hessian(g)(x))


def test_argsort_is_stable_both_ways():
    x = np.array([2.0, 1.0, 2.0, 0.0, 1.0, 2.0])
    assert fnp.argsort(x).tolist() == np.argsort(x, kind="stable").tolist()
    assert fnp.argsort(x, descending=True).tolist() == [0, 2, 5, 1, 4, 3]


def test_top_k_gradient_with_ties_matches_jax():
    x = np.array([[1.0, 3.0, 3.0, 2.0], [0.5, 0.5, 0.5, -1.0]])
    f = lambda x: (flax.top_k(x, 2)[0] * np.array([1.0, 10.0])).sum()
    g = lambda x: (jax.lax.top_k(x, 2)[0] * np.array([1.0, 10.0])).sum()
    close(fungrad.grad(f)(x), jax.grad(g)(x))


def test_sort_nan_goes_last_and_keeps_its_gradient():
    x = np.array([1.0, np.nan, -1.0])
    out = fnp.sort(x)
    assert np.isnan(out[2]) and out[:2].tolist() == [-1.0, 1.0]
    close(fungrad.grad(lambda x: (fnp.sort(x) * np.array([1.0, 2.0, 0.0])).sum())(x), [2.0, 0.0, 1.0])


@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_matches_jax_for_a_non_commutative_combine(reverse):
    # Composition of affine maps t -> a t + b is associative but not commutative.
    def combine(first, second):
        (a1, b1), (a2, b2) = first, second
        return [a1 * a2, b1 * a2 + b2]

    a, b = RNG.normal(size=(7, 2)), RNG.normal(size=(7, 2))
    got = flax.associative_scan(lambda p, q: combine(p, q), [a, b], axis=0, reverse=reverse)
    want = jax.lax.associative_scan(lambda p, q: tuple(combine(p, q)), (a, b), axis=0, reverse=reverse)
    for x, y in zip(got, want):
        close(x, y)


def test_cumsum_transposes_to_reverse_cumsum():
    x = RNG.normal(size=(5,))
    _, f_vjp = fungrad.vjp(lambda x: fnp.cumsum(x), x)
    close(f_vjp(np.ones(5))[0], [5.0, 4.0, 3.0, 2.0, 1.0])


def test_logsumexp_exists_and_matches_jax():
    x = RNG.normal(size=(3, 4))
    close(fnn.logsumexp(x, axis=1), jax.scipy.special.logsumexp(x, axis=1))
    close(
        fungrad.grad(lambda x: fnn.logsumexp(x).sum())(x), jax.grad(lambda x: jax.scipy.special.logsumexp(x).sum())(x)
    )


def test_any_all_have_no_derivative_and_stage():
    text = str(fungrad.make_ir(lambda x: fnp.where(fnp.all(x > 0), x, -x).sum())(np.ones(3)))
    assert "reduce_and" in text
    close(fungrad.grad(lambda x: fnp.where(fnp.any(x > 2), x, -x).sum())(np.ones(3)), -np.ones(3))
