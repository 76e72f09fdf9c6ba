"""A fungrad tracer is a ``jax.Array`` (as JAX's tracers are), while JAX's arrays and tracers still hand
operators with a fungrad operand back to fungrad (docs/reliability.md, "JAX arrays meet fungrad tracers")."""

from __future__ import annotations

import operator

import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp

X = np.array([0.5, 1.5, 2.0])


def _seen_types(transform):
    seen = []

    def f(x):
        seen.append((isinstance(x, jax.Array), isinstance(x, fnp.ndarray), isinstance(x, jnp.ndarray)))
        return fnp.sum(fnp.sin(x))

    transform(f)
    return seen


@pytest.mark.parametrize(
    "transform",
    [
        lambda f: fungrad.grad(f)(X),
        lambda f: fungrad.jvp(f, (X,), (X,)),
        lambda f: fungrad.vmap(f)(np.stack([X, X])),
        lambda f: fungrad.jit(f)(X),
        lambda f: fungrad.hessian(f)(X),
        lambda f: jax.jit(fungrad.grad(f))(X),
    ],
    ids=["grad", "jvp", "vmap", "jit", "hessian", "jax.jit-of-grad"],
)
def test_tracers_are_jax_arrays_under_every_transformation(transform):
    seen = _seen_types(transform)
    assert seen and all(all(flags) for flags in seen)


def test_chex_array_checks_accept_tracers():
    def loss(params):
        chex.assert_tree_has_only_ndarrays(params)
        chex.assert_shape(params["w"], (3,))
        return fnp.sum(params["w"] ** 2)

    np.testing.assert_allclose(fungrad.grad(loss)({"w": X})["w"], 2 * X)


BINARY = [
    *(operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.matmul),
    *(operator.floordiv, operator.mod, operator.lt, operator.le, operator.gt, operator.ge),
    *(operator.eq, operator.ne),
]


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.__name__)
def test_jax_array_operators_defer_to_fungrad_tracers_on_either_side(op):
    table = jnp.array([1.25, 0.75, 2.5])

    def f(x):
        left, right = op(table, x), op(x, table)
        return fnp.sum(fnp.asarray(left, float) * 1.5 + fnp.asarray(right, float))

    def g(x):
        left, right = op(table, x), op(x, table)
        return jnp.sum(jnp.asarray(left, float) * 1.5 + jnp.asarray(right, float))

    np.testing.assert_allclose(fungrad.grad(f)(X), jax.grad(g)(X), rtol=1e-12)
    np.testing.assert_allclose(fungrad.jit(fungrad.grad(f))(X), jax.grad(g)(X), rtol=1e-12)


def test_jax_tracer_operators_defer_to_fungrad_tracers():
    """Inside jax.jit the closed-over array is a JAX tracer; a fungrad tracer meets it in an operator."""

    def outer(w):
        return fungrad.grad(lambda x: fnp.sum(w * x + x / w - (w > x)))(X)

    np.testing.assert_allclose(jax.jit(outer)(jnp.ones(3) * 2), 2 + 1 / 2, rtol=1e-12)


def test_jax_functions_on_tracers_still_stop_with_the_fix():
    with pytest.raises(fungrad.ForeignTracerError, match="fungrad ops"):
        fungrad.grad(lambda x: fnp.sum(jnp.sin(x)))(X)


def test_concrete_jax_operators_are_unchanged():
    a = jnp.arange(3.0)
    np.testing.assert_array_equal(a * 2 + a @ a, [5.0, 7.0, 9.0])
    assert (a == a).all() and type(a + 1) is type(a)
    with pytest.raises(TypeError):
        a + "x"
