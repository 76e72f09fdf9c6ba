"""Tests of the checkers themselves: fungrad.testing must pass correct derivatives and catch wrong ones.

Wrong derivatives are planted in throwaway primitives (created inside the tests, so the registry test
never sees them): a wrong jvp, a jvp that is right only to first order, a wrong transpose.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import fungrad
import fungrad.numpy as fnp
from fungrad._src import ad, batching
from fungrad._src.core import Primitive, bind, def_lowering
from fungrad._src.primitives import elementwise as ew
from fungrad.testing import check_against_jax, check_grads

X = np.array([0.3, -1.2, 2.0])
Y = np.array([[0.5, 1.5, -0.7], [1.1, -0.4, 0.9]])


def _unary_primitive(name, lowering, jvp_term):
    prim = Primitive(f"test_testing_{name}")
    def_lowering(prim, lowering)
    ad.defjvp(prim, jvp_term)
    batching.batching_rules[prim] = batching.vectorized_rule(prim)
    return lambda x: bind(prim, x)


@pytest.fixture(scope="module")
def wrong_sin():
    """sin whose derivative is claimed to be sin (it is cos)."""
    return _unary_primitive("wrong_sin", lax.sin, lambda t, ans, x: ew.mul(t, ew.sin(x)))


@pytest.fixture(scope="module")
def first_order_sin():
    """sin whose jvp is right, but whose derivative's derivative is zero (stop_gradient on cos)."""
    return _unary_primitive("first_order_sin", lax.sin, lambda t, ans, x: ew.mul(t, ew.stop_gradient(ew.cos(x))))


@pytest.fixture(scope="module")
def wrong_transpose_double():
    """2 x with a correct jvp (it is linear) but a transpose that gives 3 ct."""
    prim = Primitive("test_testing_wrong_transpose_double")
    def_lowering(prim, lambda x: 2 * x)
    ad.deflinear(prim, lambda ct, x: [ew.mul(ct, ew.scalar(3.0, ct))])
    batching.batching_rules[prim] = batching.vectorized_rule(prim)
    return lambda x: bind(prim, x)


# ---- check_grads ---------------------------------------------------------------------------------------


def test_check_grads_passes_correct_functions():
    check_grads(lambda x, y: fnp.sin(x) * fnp.sum(y**2), (X, Y), order=3)
    check_grads(lambda p: fnp.tanh(p["w"] @ p["b"]), ({"w": Y, "b": X},), order=2)
    check_grads(lambda x: (fnp.exp(x), [fnp.sum(x)]), (X,), order=2, modes=("rev",))


def test_check_grads_holds_integer_arguments_fixed():
    check_grads(lambda x, n: x * n, (X, np.array([1, 2, 3], np.int32)), order=2)


def test_check_grads_catches_a_wrong_jvp_in_forward_mode(wrong_sin):
    with pytest.raises(AssertionError, match=r"forward \(jvp\) mode, order 1 .*max abs err"):
        check_grads(wrong_sin, (X,), order=1, modes=("fwd",))


def test_check_grads_catches_a_wrong_jvp_in_reverse_mode(wrong_sin):
    with pytest.raises(AssertionError, match=r"reverse \(vjp\) mode, order 1 .*<ct, J t>"):
        check_grads(wrong_sin, (X,), order=1, modes=("rev",))


def test_check_grads_catches_a_wrong_second_derivative(first_order_sin):
    check_grads(first_order_sin, (X,), order=1)  # first derivatives are right
    with pytest.raises(AssertionError, match=r"forward \(jvp\) mode, order 2 \(checking jvp of f\)"):
        check_grads(first_order_sin, (X,), order=2, modes=("fwd",))
    with pytest.raises(AssertionError, match=r"order 2 \(checking vjp of f\)"):
        check_grads(first_order_sin, (X,), order=2, modes=("rev",))


def test_check_grads_catches_a_wrong_transpose_and_names_the_argument(wrong_transpose_double):
    f = lambda x, y: wrong_transpose_double(x) + fnp.sin(y)
    check_grads(f, (X, X), order=1, modes=("fwd",))  # forward mode does not use the transpose
    with pytest.raises(AssertionError, match=r"reverse \(vjp\).*argument\(s\) responsible: args\[0\]$"):
        check_grads(f, (X, X), order=1, modes=("rev",))


def test_check_grads_names_tangent_arguments_of_higher_orders(first_order_sin):
    with pytest.raises(AssertionError, match=r"order 2 \(checking jvp of f\).*responsible: args\[0\]"):
        check_grads(lambda x, y: first_order_sin(x) * y, (X, X), order=2, modes=("fwd",))


def test_check_grads_names_pytree_arguments(wrong_sin):
    with pytest.raises(AssertionError, match=r"responsible: args\[0\]\['b'\]"):
        check_grads(lambda p: p["a"] * wrong_sin(p["b"]), ({"a": X, "b": X},), order=1, modes=("fwd",))


def test_check_grads_rejects_bad_options():
    with pytest.raises(ValueError, match="unknown modes"):
        check_grads(fnp.sin, (X,), modes=("backward",))
    with pytest.raises(TypeError, match="tuple of positional arguments"):
        check_grads(fnp.sin, X)


# ---- check_against_jax ---------------------------------------------------------------------------------


def test_check_against_jax_passes_the_same_program():
    check_against_jax(
        lambda p, x: {"y": fnp.tanh(p["w"] @ x), "s": fnp.sum(x**2)},
        lambda p, x: {"y": jnp.tanh(p["w"] @ x), "s": jnp.sum(x**2)},
        ({"w": Y}, X),
        atol=1e-12,
        rtol=1e-12,
    )
    nan_in = np.array([np.nan, 1.0, np.inf])
    check_against_jax(fnp.exp, jnp.exp, (nan_in,), grad=False)  # nan == nan, inf == inf


def test_check_against_jax_reports_a_wrong_value():
    with pytest.raises(AssertionError, match=r"value disagrees at output\['b'\] \(shape \(3,\) float64\)"):
        check_against_jax(lambda x: {"a": x, "b": fnp.sin(x)}, lambda x: {"a": x, "b": jnp.cos(x)}, (X,))


def test_check_against_jax_reports_a_wrong_gradient(wrong_sin):
    with pytest.raises(AssertionError, match=r"grad disagrees at args\[0\] .*max abs err"):
        check_against_jax(lambda x: fnp.sum(wrong_sin(x)), lambda x: jnp.sum(jnp.sin(x)), (X,))


def test_check_against_jax_reports_a_wrong_jvp_and_vjp(wrong_sin, wrong_transpose_double):
    with pytest.raises(AssertionError, match=r"jvp tangent output disagrees at output"):
        check_against_jax(wrong_sin, jnp.sin, (X,))
    with pytest.raises(AssertionError, match=r"vjp cotangent disagrees at args\[0\]"):
        check_against_jax(wrong_transpose_double, lambda x: 2 * x, (X,))


def test_check_against_jax_reports_structure_shape_and_dtype():
    with pytest.raises(AssertionError, match="different structure"):
        check_against_jax(lambda x: (x, x), lambda x: [x, x], (X,))
    with pytest.raises(AssertionError, match=r"fungrad gives shape \(3,\) float64 but jax gives shape \(1, 3\)"):
        check_against_jax(lambda x: x, lambda x: x[None], (X,))
    with pytest.raises(AssertionError, match="float32"):
        check_against_jax(lambda x: fnp.asarray(x, np.float32), lambda x: x, (X,))
    check_against_jax(lambda x: fnp.asarray(x, np.float32), lambda x: x, (X,), check_dtypes=False, atol=1e-6)


def test_check_against_jax_skips_grad_for_non_scalar_outputs_and_handles_integers():
    check_against_jax(lambda x, n: x * n, lambda x, n: x * n, (X, np.arange(3)))
    check_against_jax(fnp.argmax, jnp.argmax, (X,))


def test_checkers_are_public():
    assert fungrad.testing.check_grads is check_grads
    assert fungrad.testing.check_against_jax is check_against_jax
