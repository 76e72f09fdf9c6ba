"""Higher-order derivatives, nesting, perturbation confusion and closures over outer tracers, vs JAX."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import tree_util

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp
from tests.helpers import assert_trees_close, make_rand

rand = make_rand(1)


def nth_grad(grad, f, n):
    for _ in range(n):
        f = grad(f)
    return f


@pytest.mark.parametrize("x", [0.0, 0.3, -1.2])
def test_fifth_derivative_of_tanh(x):
    got = nth_grad(fungrad.grad, fnp.tanh, 5)(x)
    want = nth_grad(jax.grad, jnp.tanh, 5)(x)
    assert float(got) == pytest.approx(float(want), rel=1e-10, abs=1e-12)


def test_higher_derivatives_of_composites():
    f = lambda np_: lambda x: np_.sin(x) * np_.exp(-(x**2)) / (1.0 + x**2)
    for n in range(1, 5):
        got = nth_grad(fungrad.grad, f(fnp), n)(0.7)
        want = nth_grad(jax.grad, f(jnp), n)(0.7)
        assert float(got) == pytest.approx(float(want), rel=1e-9), n


def test_forward_over_forward_third_derivative():
    def d(f):  # derivative by jvp
        return lambda x: fungrad.jvp(f, (x,), (1.0,))[1]

    got = d(d(d(fnp.sin)))(0.4)
    assert float(got) == pytest.approx(-np.cos(0.4), rel=1e-12)


# ----------------------------------------------------------------------------------------------
# Perturbation confusion


def test_perturbation_confusion_grad_of_closure():
    assert float(fungrad.grad(lambda x: x * fungrad.grad(lambda y: x)(0.0))(1.0)) == 0.0


def test_perturbation_confusion_inner_grad_uses_outer_value():
    # d/dx [x * d/dy (x*y)] = d/dx x^2 = 2x
    f = lambda g: g(lambda x: x * g(lambda y: x * y)(2.0))
    assert float(f(fungrad.grad)(3.0)) == pytest.approx(float(f(jax.grad)(3.0))) == 6.0


def test_perturbation_confusion_nested_jvp():
    # Siskind & Pearlmutter's example: d/dx [x * (d/dy (x + y))] at y=x is 1.
    def f(jvp):
        def outer(x):
            inner = jvp(lambda y: x + y, (x,), (1.0,))[1]
            return x * inner

        return jvp(outer, (2.0,), (1.0,))[1]

    assert float(f(fungrad.jvp)) == float(f(jax.jvp)) == 1.0


def test_perturbation_confusion_jvp_classic():
    # f(x) = x * jvp(lambda y: x * y, (x,), (1,))[1] = x * x, so f'(x) = 2x.
    def outer(jvp, x):
        return x * jvp(lambda y: x * y, (x,), (1.0,))[1]

    for x in (0.5, 2.0):
        got = fungrad.jvp(lambda x: outer(fungrad.jvp, x), (x,), (1.0,))[1]
        want = jax.jvp(lambda x: outer(jax.jvp, x), (x,), (1.0,))[1]
        assert float(got) == pytest.approx(float(want)) == pytest.approx(2 * x)


def test_perturbation_confusion_mixed_modes():
    # reverse over forward and forward over reverse, closures both ways
    def f(grad, jvp):
        def outer(x):
            g = grad(lambda y: y * x**2)
            return jvp(lambda z: z * g(x), (x,), (1.0,))[1] * x

        return grad(outer)

    got = f(fungrad.grad, fungrad.jvp)(0.8)
    want = f(jax.grad, jax.jvp)(0.8)
    assert float(got) == pytest.approx(float(want), rel=1e-12)


def test_grad_of_function_that_takes_grad_of_itself_inside_vmap():
    def f(grad, vmap, np_):
        def loss(w):
            per_example = vmap(lambda x: grad(lambda v: np_.sum(np_.tanh(v * w) ** 2))(x))
            return np_.sum(per_example(np_.ones((3, 2)) * w) ** 2)

        return grad(loss)

    assert_trees_close(f(fungrad.grad, fungrad.vmap, fnp)(0.7), f(jax.grad, jax.vmap, jnp)(0.7))


# ----------------------------------------------------------------------------------------------
# Closures over outer tracers


def test_closure_over_outer_tracer_in_inner_grad():
    def f(grad, np_):
        def outer(a):
            inner = lambda x: np_.sum(np_.sin(a * x) * a)
            return np_.sum(grad(inner)(np_.ones(3) * 0.5) ** 2)

        return grad(outer)

    a = rand(3)
    assert_trees_close(f(fungrad.grad, fnp)(a), f(jax.grad, jnp)(a))


def test_closure_over_outer_tracer_in_vmap_and_jvp():
    def f(grad, vmap, jvp, np_):
        def outer(w):
            g = vmap(lambda x: np_.tanh(x @ w))
            h = lambda v: jvp(g, (v,), (np_.ones_like(v),))[1]
            return np_.sum(h(np_.ones((4, 3)) * 0.1) ** 2)

        return grad(outer)

    w = rand(3, 2)
    assert_trees_close(f(fungrad.grad, fungrad.vmap, fungrad.jvp, fnp)(w), f(jax.grad, jax.vmap, jax.jvp, jnp)(w))


def test_inner_linearize_closure():
    def f(grad, linearize, np_):
        def outer(a):
            _, lin = linearize(lambda x: np_.exp(a * x), 0.5)
            return lin(2.0) * a

        return grad(outer)

    assert float(f(fungrad.grad, fungrad.linearize, fnp)(0.9)) == pytest.approx(
        float(f(jax.grad, jax.linearize, jnp)(0.9)), rel=1e-12
    )


# ----------------------------------------------------------------------------------------------
# Hessian-vector products and higher order on an MLP


def mlp(np_, nn):
    def loss(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = np_.tanh(h)
        return -np_.mean(np_.sum(nn.log_softmax(h, axis=-1) * y, axis=-1))

    return loss


def mlp_args(sizes=(5, 8, 6, 3), batch=7, seed=0):
    rng = np.random.default_rng(seed)
    params = [
        (jnp.asarray(rng.standard_normal((m, n)) / np.sqrt(m)), jnp.asarray(rng.standard_normal(n) * 0.1))
        for m, n in zip(sizes[:-1], sizes[1:])
    ]
    x = jnp.asarray(rng.standard_normal((batch, sizes[0])))
    y = jax.nn.one_hot(jnp.asarray(rng.integers(0, sizes[-1], batch)), sizes[-1], dtype=jnp.float64)
    return params, x, y


FLOSS, JLOSS = mlp(fnp, fnn), mlp(jnp, jax.nn)


def rel_err(got, want):
    got, want = np.asarray(got), np.asarray(want)
    return np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-300)


def test_mlp_softmax_cross_entropy_grad_matches_jax_to_1e_10():
    params, x, y = mlp_args()
    got = fungrad.grad(FLOSS)(params, x, y)
    want = jax.grad(JLOSS)(params, x, y)
    assert tree_util.tree_structure(got) == tree_util.tree_structure(want)
    for g, w in zip(tree_util.tree_leaves(got), tree_util.tree_leaves(want)):
        assert g.dtype == np.float64
        assert rel_err(g, w) < 1e-10


def test_mlp_grad_with_dict_params_matches_jax():
    params, x, y = mlp_args(seed=3)
    as_dict = {f"layer{i}": {"w": w, "b": b} for i, (w, b) in enumerate(params)}

    def dict_loss(np_, nn):
        base = mlp(np_, nn)
        return lambda p, x, y: base([(p[k]["w"], p[k]["b"]) for k in sorted(p)], x, y)

    got = fungrad.value_and_grad(dict_loss(fnp, fnn))(as_dict, x, y)
    want = jax.value_and_grad(dict_loss(jnp, jax.nn))(as_dict, x, y)
    assert abs(float(got[0]) - float(want[0])) < 1e-12
    for g, w in zip(tree_util.tree_leaves(got[1]), tree_util.tree_leaves(want[1])):
        assert rel_err(g, w) < 1e-10


def test_hessian_vector_product_jvp_of_grad():
    params, x, y = mlp_args(sizes=(4, 5, 3), batch=5, seed=4)
    v = tree_util.tree_map(lambda p: rand(*p.shape), params)
    got = fungrad.jvp(lambda p: fungrad.grad(FLOSS)(p, x, y), (params,), (v,))[1]
    want = jax.jvp(lambda p: jax.grad(JLOSS)(p, x, y), (params,), (v,))[1]
    assert_trees_close(got, want, rtol=1e-9, atol=1e-12)

    # reverse-over-reverse gives the same HVP
    def grad_dot_v(p):
        g = tree_util.tree_leaves(fungrad.grad(FLOSS)(p, x, y))
        return sum(fnp.sum(a * b) for a, b in zip(g, tree_util.tree_leaves(v)))

    rr = fungrad.grad(grad_dot_v)(params)
    assert_trees_close(rr, want, rtol=1e-9, atol=1e-12)


def test_hvp_by_linearize_of_grad():
    f = lambda np_: lambda x: np_.sum(np_.tanh(x) ** 3 * x)
    x, v = rand(4), rand(4)
    _, lin = fungrad.linearize(fungrad.grad(f(fnp)), x)
    want = jax.jvp(jax.grad(f(jnp)), (x,), (v,))[1]
    assert_trees_close(lin(v), want, rtol=1e-10)


def test_third_order_on_small_mlp():
    params, x, y = mlp_args(sizes=(3, 4, 2), batch=3, seed=5)
    w0 = params[0][0]

    def scalar_of(np_, nn, grad):
        loss = mlp(np_, nn)

        def s(t):  # loss along a line through the first weight matrix
            p = [(params[0][0] + t * w0, params[0][1]), *params[1:]]
            return loss(p, x, y)

        return grad(grad(grad(s)))

    got = scalar_of(fnp, fnn, fungrad.grad)(0.3)
    want = scalar_of(jnp, jax.nn, jax.grad)(0.3)
    assert float(got) == pytest.approx(float(want), rel=1e-9)


def test_grad_of_grad_of_grad_with_respect_to_params():
    params, x, y = mlp_args(sizes=(3, 3, 2), batch=2, seed=6)

    def g3(np_, nn, grad):
        loss = mlp(np_, nn)
        g1 = lambda p: np_.sum(grad(loss)(p, x, y)[0][0] ** 2)
        g2 = lambda p: np_.sum(grad(g1)(p)[1][0] ** 2)
        return grad(g2)

    assert_trees_close(g3(fnp, fnn, fungrad.grad)(params), g3(jnp, jax.nn, jax.grad)(params), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_higher_order_reductions_and_broadcasting(order):
    """``grad`` of ``sum(grad(...))`` nested ``order`` times, through max-reductions and broadcasting."""
    f = lambda np_: lambda x: np_.sum(np_.max(np_.exp(x) * x[:, None], axis=0) ** 2) + np_.mean(x**4)
    x = jnp.asarray([0.3, -0.2, 0.9])

    def nested(grad, f):
        for _ in range(order):
            f = (lambda g: lambda z: grad(g)(z).sum())(f)
        return grad(f)

    assert_trees_close(nested(fungrad.grad, f(fnp))(x), nested(jax.grad, f(jnp))(x), rtol=1e-9)
