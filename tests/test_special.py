"""Special functions, inverse trig/hyperbolics and ``power`` semantics against JAX (float64)."""

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
import fungrad.scipy.special as fsp
from tests.oracle_checks import check_all

RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(3,))
UNIT = RNG.uniform(-0.9, 0.9, size=(3,))
POS = RNG.uniform(0.5, 3.0, size=(3,))
ABOVE_ONE = RNG.uniform(1.2, 3.0, size=(3,))

# Values and derivatives of every function here are op records (tests/records/special.py); these
# tests cover what the records cannot: power dtype semantics, special values, non-elementwise args.


def test_polygamma_and_gammainc():
    check_all(lambda x: fsp.polygamma(1, x), lambda x: jsp.polygamma(1, x), (POS,), order=1)
    a = np.array([0.7, 1.5, 3.0])
    check_all(fsp.gammainc, jsp.gammainc, (a, POS), order=1, vmap=False)


def test_integer_power_semantics():
    # concrete integer exponents: exact repeated multiplication, negative bases allowed
    assert float(fnp.power(-2.0, 3)) == -8.0
    x = np.array([-1.5, 0.0, 2.0])
    np.testing.assert_array_equal(fnp.power(x, 3), jnp.power(x, 3))
    np.testing.assert_array_equal(x**3, jnp.asarray(x) ** 3)
    assert float(fungrad.grad(lambda x: x**3)(-2.0)) == 12.0
    # integer ** integer arrays (binary exponentiation), dtypes as jax.numpy
    a, b = np.array([2, -3, 0, 5], np.int32), np.array([3, 2, 0, 1], np.int32)
    for y in (b, np.int32(2), 2):
        got, want = fnp.power(a, y), jnp.power(a, y)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype and got.weak_type == want.weak_type
    # float base, integer array exponent: the exponent stays integer; derivative at 0 is finite
    e = np.array([0, 1, 2])
    f_fg = lambda x: fnp.sum(fnp.power(x, e))  # noqa: E731
    f_jax = lambda x: jnp.sum(jnp.power(x, e))  # noqa: E731
    z = np.zeros(3)
    np.testing.assert_allclose(fungrad.grad(f_fg)(z), jax.grad(f_jax)(z))
    np.testing.assert_allclose(fungrad.grad(f_fg)(x), jax.grad(f_jax)(x))
    for args in [
        (2.0, e),
        (x, 2.5),
        (True, 2),
        (np.float32(2.0), e),
        (np.array([True, False]), np.array([True, True])),
    ]:
        got, want = fnp.power(*args), jnp.power(*args)
        np.testing.assert_allclose(got, want)
        assert got.dtype == want.dtype and got.weak_type == want.weak_type, args
    with pytest.raises(TypeError):
        fnp.power(a, -1)


def test_special_values():
    x = np.array([0.0, np.inf, -np.inf])
    np.testing.assert_allclose(fsp.erf(x), jsp.erf(x))
    np.testing.assert_allclose(fnp.hypot(x, 1.0), jnp.hypot(x, 1.0))
    np.testing.assert_allclose(fnp.arctan2(x, 0.0), jnp.arctan2(x, 0.0))
    np.testing.assert_allclose(
        fungrad.grad(lambda v: fnp.hypot(v, 2.0))(0.0), jax.grad(lambda v: jnp.hypot(v, 2.0))(0.0)
    )
    np.testing.assert_allclose(fnp.arcsin(2.0), jnp.arcsin(2.0))  # nan


def test_scipy_logsumexp_is_reexported():
    x = RNG.normal(size=(4,))
    np.testing.assert_allclose(fsp.logsumexp(x), jsp.logsumexp(x))


def test_betainc_shape_parameter_derivatives_raise_clearly():
    with pytest.raises(NotImplementedError, match="differentiable only in x"):
        fungrad.grad(lambda a: fsp.betainc(a, 3.0, 0.4))(2.0)
    # x-derivative: the beta density
    assert abs(float(fungrad.grad(lambda x: fsp.betainc(2.0, 3.0, x))(0.4)) - 12 * 0.4 * 0.6**2) < 1e-12
