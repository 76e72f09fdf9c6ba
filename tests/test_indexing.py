"""Focused indexing tests beyond the op records (tests/records/indexing.py): IR shape of basic vs
advanced indexing, error messages, out-of-bounds derivatives, `.at` on tracers, second order, and
the NaN-safe double-where pattern."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.lax as flax
import fungrad.numpy as fnp

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 5, 3))


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12)


def test_basic_indexing_is_static_slices():
    text = str(fungrad.make_ir(lambda x: x[1:3, ::-2, None, 0])(X))
    assert "gather" not in text
    assert "slice" in text and "rev" in text


def test_advanced_indexing_is_one_gather():
    text = str(fungrad.make_ir(lambda x: x[np.array([0, 2]), 1:4, np.array([[1], [2]])])(X))
    assert text.count("gather") == 1


def test_advanced_placement_matches_jax():
    idx = (np.array([0, 1]), None, np.array([1, 2]))
    got = fungrad.jvp(lambda x: x[idx], (X,), (X,))[0]
    assert got.shape == jnp.asarray(X)[idx].shape == (2, 1, 3)


def test_traced_bool_mask_is_an_error():
    # Under grad the primal is concrete (so `x[x > 0]` works); under vmap or jit the mask is traced.
    with pytest.raises(fungrad.FungradTypeError, match="boolean mask index must be concrete"):
        fungrad.vmap(lambda x: x[x > 0].sum())(X)


def test_list_index_is_an_error_like_jax():
    with pytest.raises(fungrad.FungradTypeError, match="non-tuple sequence"):
        fungrad.grad(lambda x: x[[0, 1]].sum())(X)


def test_list_inside_a_tuple_index_is_an_array_index_like_numpy():
    x = np.arange(12.0).reshape(3, 4)
    want = jax.grad(lambda x: jnp.sum(x[:, jnp.array([0, 2, 2])] ** 2))(x)
    np.testing.assert_allclose(fungrad.jit(fungrad.grad(lambda x: fnp.sum(x[:, [0, 2, 2]] ** 2)))(x), want)
    np.testing.assert_allclose(fungrad.jit(lambda x: x[:, [True, False, True, True]])(x), x[:, [0, 2, 3]])


def test_float_index_array_is_an_error():
    with pytest.raises(fungrad.FungradTypeError, match="must be integers or booleans"):
        fungrad.grad(lambda x: x[np.array([0.0])].sum())(X)


def test_too_many_indices():
    with pytest.raises(fungrad.FungradTypeError, match="too many indices"):
        fungrad.grad(lambda x: x[0, 0, 0, 0].sum())(X)


def test_setitem_points_to_at():
    def f(x):
        x[0] = 1.0
        return x.sum()

    with pytest.raises(TypeError, match=r"x.at\[idx\].set"):
        fungrad.grad(f)(X)


def test_at_on_tracers_inside_grad_matches_jax():
    idx = (np.array([0, 3, 0]), slice(1, 4))

    def f(x, m):
        y = x.at[idx].set(x[idx] * 2.0).at[1].add(3.0).at[..., 0].max(0.5)
        return m.sum() * (m.at[2:].multiply(y[0, :, 1:2].T).sum() + y.sum() ** 2)

    def g(x, m):
        y = x.at[idx].set(x[idx] * 2.0).at[1].add(3.0).at[..., 0].max(0.5)
        return m.sum() * (m.at[2:].multiply(y[0, :, 1:2].T).sum() + y.sum() ** 2)

    m = RNG.normal(size=(3, 5))
    for a, b in zip(fungrad.grad(f, (0, 1))(X, m), jax.grad(g, (0, 1))(jnp.asarray(X), jnp.asarray(m))):
        close(a, b)


def test_out_of_bounds_read_has_zero_gradient():
    idx = np.array([7, -9, 1])
    got = fungrad.grad(lambda x: (fnp.sin(x[idx]) * 2).sum())(X)
    want = jax.grad(lambda x: (jnp.sin(x[idx]) * 2).sum())(X)
    close(got, want)
    assert np.all(np.asarray(got)[[0, 2, 3]] == 0)  # only row 1 is read in bounds


def test_traced_scalar_index_clamps_like_dynamic_slice():
    f = fungrad.vmap(fungrad.grad(lambda x, i: (x[i] ** 2).sum()), (None, 0))
    g = jax.vmap(jax.grad(lambda x, i: (x[i] ** 2).sum()), (None, 0))
    i = np.array([0, 3, 9, -2, -11])
    close(f(X, i), g(jnp.asarray(X), i))


def test_dynamic_update_slice_gradients_with_clamped_starts():
    u = RNG.normal(size=(3, 2, 3))
    for starts in [(0, 0, 0), (3, 4, 1), (-1, -9, 0)]:
        f = lambda x, u, s=starts: (flax.dynamic_update_slice(x, u, s) ** 2).sum()
        g = lambda x, u, s=starts: (jax.lax.dynamic_update_slice(x, u, s) ** 2).sum()
        for a, b in zip(fungrad.grad(f, (0, 1))(X, u), jax.grad(g, (0, 1))(X, u)):
            close(a, b)


@pytest.mark.parametrize(
    "updates", [[1.5, 2.0, -0.7, 3.0], [0.0, 2.0, -0.7, 3.0], [0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 0.0, 3.0]]
)
def test_scatter_mul_repeated_indices_differentiates_updates_through_zeros(updates):
    # JAX refuses d/du of .at[].multiply without unique_indices; the product rule over repeated indices
    # needs the product of the *other* updates at a position, which stays exact when some are zero.
    idx = np.array([0, 2, 0, 0])
    x, u = np.array([1.0, 2.0, 3.0, 4.0]), np.array(updates)
    f = lambda x, u: (fnp.asarray(x).at[idx].multiply(u) ** 2).sum()
    ref = lambda x, u: ((x * jnp.stack([u[0] * u[2] * u[3], 1.0, u[1], 1.0])) ** 2).sum()
    for a, b in zip(fungrad.grad(f, (0, 1))(x, u), jax.grad(ref, (0, 1))(x, u)):
        close(a, b)
    close(fungrad.hessian(f, 1)(x, u), jax.hessian(ref, 1)(x, u))
    close(fungrad.jacfwd(fungrad.grad(f, 1), 1)(x, u), jax.hessian(ref, 1)(x, u))


def test_concrete_jax_array_indexed_and_updated_by_fungrad_tracers():
    table = jnp.array([10.0, 20.0, 30.0, 40.0])
    # a closed-over jax.Array indexed by a traced integer, under vmap, jit and grad
    assert fungrad.vmap(lambda i: table[i])(jnp.array([2, 0])).tolist() == [30.0, 10.0]
    assert float(fungrad.jit(lambda i: table[i] + table[i, None][0])(3)) == 80.0
    # .at[] updates of a concrete array (fnp.zeros gives one, as jnp.zeros does) with traced values
    build = lambda x: fnp.zeros(3).at[1].set(x).at[jnp.array([0, 0])].add(x**2)
    close(fungrad.vmap(build)(jnp.array([1.0, 2.0])), np.array([[2.0, 1.0, 0.0], [8.0, 2.0, 0.0]]))
    close(fungrad.grad(lambda x: build(x).sum())(3.0), 1.0 + 4 * 3.0)
    close(fungrad.grad(lambda w: table.at[jnp.array([1, 1])].multiply(w).sum())(2.0), 20.0 * 2 * 2.0)
    # without a fungrad tracer, JAX's own indexing runs, unchanged
    assert table[1] == 20.0 and table.at[1].set(5.0).tolist() == [10.0, 5.0, 30.0, 40.0]
    assert float(jax.jit(lambda t, i: t[i])(table, 2)) == 30.0
    assert float(jax.grad(lambda t: t.at[0].multiply(3.0).sum())(table)[0]) == 3.0


def test_second_order_through_gather_and_scatter():
    idx = np.array([[0, 2], [2, 1]])

    def f(x):
        y = x.at[idx].add(x[idx[::-1]] ** 2)
        return (fnp.sin(y)[idx] * y[idx[::-1]]).sum()

    def g(x):
        y = x.at[idx].add(x[idx[::-1]] ** 2)
        return (jnp.sin(y)[idx] * y[idx[::-1]]).sum()

    x = RNG.normal(size=(3,))
    close(fungrad.hessian(f)(x), jax.hessian(g)(x))


def test_vmap_of_grad_with_batched_indices():
    table = RNG.normal(size=(6, 2))
    ids = RNG.integers(0, 6, size=(4, 3))
    f = fungrad.vmap(fungrad.grad(lambda t, i: (fnp.take(t, i, axis=0) ** 3).sum()), (None, 0))
    g = jax.vmap(jax.grad(lambda t, i: (jnp.take(t, i, axis=0) ** 3).sum()), (None, 0))
    close(f(table, ids), g(table, ids))


def test_jit_of_indexing_matches_jax():
    # The same code runs on fungrad tracers and on jax arrays (each with its own `.at`).
    f = lambda x, i: (x[i, ::2] * x.at[i].get(mode="fill", fill_value=0.0)[:, ::2]).sum()
    i = np.array([0, 5, 2])
    close(fungrad.jit(f)(X, i), jax.jit(f)(X, i))
    close(fungrad.jit(fungrad.grad(f))(X, i), jax.jit(jax.grad(f))(X, i))


def test_double_where_keeps_gradients_finite():
    naive = lambda x: fnp.where(x > 0, fnp.log(x), 0.0)

    def safe(x):
        ok = x > 0
        return fnp.where(ok, fnp.log(fnp.where(ok, x, 1.0)), 0.0)

    assert np.isnan(float(fungrad.grad(naive)(0.0)))
    assert float(fungrad.grad(safe)(0.0)) == 0.0
    assert float(fungrad.grad(safe)(2.0)) == 0.5
    xs = np.array([-1.0, 0.0, 3.0])
    close(fungrad.vmap(fungrad.grad(safe))(xs), [0.0, 0.0, 1 / 3])
