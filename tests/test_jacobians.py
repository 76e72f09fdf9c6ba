"""Per-example gradients, Jacobians and Hessians of pytree functions vs JAX, and ``chunk_size``."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import tree_util

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp
from tests.helpers import assert_trees_close, assert_trees_equal, make_rand

rand = make_rand(7)


# ----------------------------------------------------------------------------------------------
# Per-example gradients


def mlp_loss(np_, nn):
    def loss(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = np_.tanh(h)
        return -np_.sum(nn.log_softmax(h, axis=-1) * y)

    return loss


def mlp_args(batch=6, sizes=(4, 5, 3)):
    params = [(rand(m, n) / np.sqrt(m), rand(n) * 0.1) for m, n in zip(sizes[:-1], sizes[1:])]
    xs = rand(batch, sizes[0])
    ys = jax.nn.one_hot(jnp.arange(batch) % sizes[-1], sizes[-1], dtype=jnp.float64)
    return params, xs, ys


def test_per_example_gradients_equal_a_loop_of_grad():
    params, xs, ys = mlp_args()
    loss = mlp_loss(fnp, fnn)
    batched = fungrad.vmap(fungrad.grad(loss), in_axes=(None, 0, 0))(params, xs, ys)
    for i in range(xs.shape[0]):
        single = fungrad.grad(loss)(params, xs[i], ys[i])
        assert_trees_close(tree_util.tree_map(lambda g: g[i], batched), single, rtol=1e-12)
    want = jax.vmap(jax.grad(mlp_loss(jnp, jax.nn)), in_axes=(None, 0, 0))(params, xs, ys)
    assert_trees_close(batched, want)


def test_per_example_gradients_chunked_and_dict_in_axes():
    params, xs, ys = mlp_args(batch=5)
    loss = mlp_loss(fnp, fnn)
    as_dict = lambda p, b: loss(p, b["x"], b["y"])
    batch = {"x": xs, "y": ys}
    full = fungrad.vmap(fungrad.grad(as_dict), in_axes=(None, {"x": 0, "y": 0}))(params, batch)
    chunked = fungrad.vmap(fungrad.grad(as_dict), in_axes=(None, 0), chunk_size=2)(params, batch)
    assert_trees_close(chunked, full, rtol=1e-14)


def test_per_example_value_and_grad_with_batch_axis_last():
    params, xs, ys = mlp_args(batch=4)
    vg = lambda np_, nn, t: t.value_and_grad(mlp_loss(np_, nn))
    got = fungrad.vmap(vg(fnp, fnn, fungrad), in_axes=(None, 1, 1), out_axes=(0, -1))(params, xs.T, ys.T)
    want = jax.vmap(vg(jnp, jax.nn, jax), in_axes=(None, 1, 1), out_axes=(0, -1))(params, xs.T, ys.T)
    assert_trees_close(got, want)


# ----------------------------------------------------------------------------------------------
# Jacobians and Hessians of pytree functions


def pytree_fn(np_):
    """dict in, tuple out."""

    def f(p):
        a, b = p["a"], p["b"]
        return (np_.sin(a) * np_.sum(b**2), {"m": np_.tanh(b * a[0]), "s": np_.sum(a * a[::-1])})

    return f


def pytree_args():
    return {"a": rand(3), "b": rand(2)}


@pytest.mark.parametrize("jac", ["jacfwd", "jacrev"])
def test_jacobian_of_dict_to_tuple_function(jac):
    p = pytree_args()
    assert_trees_close(getattr(fungrad, jac)(pytree_fn(fnp))(p), getattr(jax, jac)(pytree_fn(jnp))(p))


def two_arg_fn(np_):
    def f(x, y, scale):
        return {"u": np_.exp(x[:, None] * y[None, :]) * scale, "v": np_.sum(x) * y}, np_.max(x)

    return f


@pytest.mark.parametrize("jac", ["jacfwd", "jacrev"])
@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1, 0)])
def test_jacobian_argnums_and_has_aux(jac, argnums):
    x, y = rand(3), rand(2)
    got = getattr(fungrad, jac)(two_arg_fn(fnp), argnums=argnums, has_aux=True)(x, y, 0.5)
    want = getattr(jax, jac)(two_arg_fn(jnp), argnums=argnums, has_aux=True)(x, y, 0.5)
    assert_trees_close(got, want)


@pytest.mark.parametrize("jac", ["jacfwd", "jacrev"])
def test_jacobian_of_matrix_function(jac):
    f = lambda np_: lambda m: np_.tanh(m @ m.T) * 2.0
    m = rand(2, 3)
    assert_trees_close(getattr(fungrad, jac)(f(fnp))(m), getattr(jax, jac)(f(jnp))(m))


def test_hessian_of_pytree_function():
    f = lambda np_: lambda p: np_.sum(np_.sin(p["a"]) * p["b"][0]) + p["b"][1] ** 2 * np_.sum(p["a"] ** 3)
    p = {"a": rand(3), "b": rand(2)}
    assert_trees_close(fungrad.hessian(f(fnp))(p), jax.hessian(f(jnp))(p))


def test_hessian_argnums_tuple_and_has_aux():
    f = lambda np_: lambda x, y: (np_.sum(np_.exp(x) * y[0]) + np_.sum(x**2) * np_.sum(y**3), x * 2)
    x, y = rand(2), rand(2)
    got = fungrad.hessian(f(fnp), argnums=(0, 1), has_aux=True)(x, y)
    want = jax.hessian(f(jnp), argnums=(0, 1), has_aux=True)(x, y)
    assert_trees_close(got, want)


def test_hessian_of_mlp_loss_wrt_last_layer():
    params, xs, ys = mlp_args(batch=3, sizes=(3, 4, 2))

    def f(np_, nn):
        loss = mlp_loss(np_, nn)
        return lambda w: loss([params[0], (w, params[1][1])], xs, ys)

    w = params[1][0]
    assert_trees_close(fungrad.hessian(f(fnp, fnn))(w), jax.hessian(f(jnp, jax.nn))(w), rtol=1e-9)


def test_jacobians_compose_jacfwd_of_jacrev_and_vmap():
    f = lambda np_: lambda x: np_.sin(x) * np_.sum(x**2)
    x = rand(3)
    assert_trees_close(fungrad.jacrev(fungrad.jacfwd(f(fnp)))(x), jax.jacrev(jax.jacfwd(f(jnp)))(x))
    xs = rand(4, 3)
    assert_trees_close(fungrad.vmap(fungrad.jacrev(f(fnp)))(xs), jax.vmap(jax.jacrev(f(jnp)))(xs))


# ----------------------------------------------------------------------------------------------
# chunk_size gives identical results


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_vmap_chunk_size_identical(chunk):
    f = lambda x, w, c: (fnp.tanh(x @ w) * c, fnp.sum(x))
    xs, w, cs = rand(7, 3), rand(3, 2), rand(2, 7)
    full = fungrad.vmap(f, in_axes=(0, None, 1), out_axes=(1, 0))(xs, w, cs)
    chunked = fungrad.vmap(f, in_axes=(0, None, 1), out_axes=(1, 0), chunk_size=chunk)(xs, w, cs)
    # equal up to rounding: XLA may sum a dot product in another order for another batch size
    assert_trees_close(chunked, full, rtol=1e-14, atol=1e-15)


def test_vmap_chunk_size_with_unbatched_output():
    f = lambda x, w: (x * 2.0, w + 1.0)
    xs, w = rand(5), rand(3)
    full = fungrad.vmap(f, in_axes=(0, None), out_axes=(0, None))(xs, w)
    chunked = fungrad.vmap(f, in_axes=(0, None), out_axes=(0, None), chunk_size=2)(xs, w)
    assert_trees_equal(chunked, full)


@pytest.mark.parametrize("jac", ["jacfwd", "jacrev"])
@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_jacobian_chunk_size_identical(jac, chunk):
    p = pytree_args()
    full = getattr(fungrad, jac)(pytree_fn(fnp))(p)
    chunked = getattr(fungrad, jac)(pytree_fn(fnp), chunk_size=chunk)(p)
    assert_trees_equal(chunked, full)


def test_chunked_per_example_grads_match_unchunked_mlp():
    params, xs, ys = mlp_args(batch=7)
    g = fungrad.grad(mlp_loss(fnp, fnn))
    full = fungrad.vmap(g, in_axes=(None, 0, 0))(params, xs, ys)
    chunked = fungrad.vmap(g, in_axes=(None, 0, 0), chunk_size=3)(params, xs, ys)
    assert_trees_close(chunked, full, rtol=1e-14)
