"""Special functions: error functions, log-gamma and its derivatives, inverse trig and hyperbolics.

Each is an elementwise primitive lowered to its jax.lax counterpart, with a jvp written in fungrad
ops (so every derivative is itself differentiable). The derivative formulas are textbook calculus;
the non-obvious ones cite where they come from. ``fungrad.numpy`` and ``fungrad.scipy.special``
wrap these with NumPy semantics (integer promotion, broadcasting).
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src.ad import defjvp_zero
from fungrad._src.core import bind
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives.elementwise import add, div, exp, mul, neg, scalar, sub

_unary, _nary = ew._unary, ew._nary
_TWO_OVER_SQRT_PI = 2.0 / np.sqrt(np.pi)


def _one_minus_square(x):
    return sub(scalar(1, x), mul(x, x))


# ---- error functions -------------------------------------------------------------------------------

# d erf = 2/sqrt(pi) exp(-x^2); erfc = 1 - erf
erf_p = _unary("erf", lax.erf, lambda t, ans, x: mul(t, mul(scalar(_TWO_OVER_SQRT_PI, x), exp(neg(mul(x, x))))))
erfc_p = _unary("erfc", lax.erfc, lambda t, ans, x: mul(t, mul(scalar(-_TWO_OVER_SQRT_PI, x), exp(neg(mul(x, x))))))
# inverse function rule: d erfinv(x) = 1 / erf'(erfinv x) = sqrt(pi)/2 exp(erfinv(x)^2)
erf_inv_p = _unary(
    "erf_inv", lax.erf_inv, lambda t, ans, x: mul(t, mul(scalar(1 / _TWO_OVER_SQRT_PI, x), exp(mul(ans, ans))))
)


erf = ew._unary_function(erf_p, "erf", "The error function elementwise.", "flax.erf(0.0).tolist()", "0.0")


erfc = ew._unary_function(
    erfc_p, "erfc", "The complementary error function ``1 - erf(x)`` elementwise.", "flax.erfc(0.0).tolist()", "1.0"
)


erf_inv = ew._unary_function(
    erf_inv_p, "erf_inv", "The inverse error function elementwise.", "flax.erf_inv(0.0).tolist()", "0.0"
)


# ---- log-gamma, digamma, polygamma -----------------------------------------------------------------

# d lgamma = digamma; d digamma = polygamma(1, .); d polygamma(m, .) = polygamma(m + 1, .)
lgamma_p = _unary("lgamma", lax.lgamma, lambda t, ans, x: mul(t, digamma(x)))
digamma_p = _unary("digamma", lax.digamma, lambda t, ans, x: mul(t, polygamma(1, x)))
# The order ``m`` is a static integer (lax takes it as an array; we build it in the lowering).
polygamma_p = _unary(
    "polygamma",
    lambda x, *, m: lax.polygamma(lax.full_like(x, m), x),
    lambda t, ans, x, *, m: mul(t, polygamma(m + 1, x)),
)


lgamma = ew._unary_function(
    lgamma_p, "lgamma", "``log |Gamma(x)|`` elementwise.", "round(float(flax.lgamma(3.0)), 4)", "0.6931"
)


digamma = ew._unary_function(
    digamma_p,
    "digamma",
    "The digamma function (derivative of ``lgamma``) elementwise.",
    "round(float(flax.digamma(1.0)), 4)",
    "-0.5772",
)


def polygamma(m: int, x):
    """The ``m``-th derivative of the digamma function, elementwise.

    Args:
        m: a static non-negative int.
        x: an array.

    Returns:
        ``psi^(m)(x)``.

    >>> import fungrad.lax as flax
    >>> round(float(flax.polygamma(1, 1.0)), 4)
    1.6449
    """
    return bind(polygamma_p, x, m=int(m))


# ---- inverse trigonometric and hyperbolic functions ------------------------------------------------

asin_p = _unary("asin", lax.asin, lambda t, ans, x: mul(t, ew.rsqrt(_one_minus_square(x))))
acos_p = _unary("acos", lax.acos, lambda t, ans, x: neg(mul(t, ew.rsqrt(_one_minus_square(x)))))
atan_p = _unary("atan", lax.atan, lambda t, ans, x: div(t, add(scalar(1, x), mul(x, x))))
sinh_p = _unary("sinh", lax.sinh, lambda t, ans, x: mul(t, cosh(x)))
cosh_p = _unary("cosh", lax.cosh, lambda t, ans, x: mul(t, sinh(x)))
asinh_p = _unary("asinh", lax.asinh, lambda t, ans, x: mul(t, ew.rsqrt(add(mul(x, x), scalar(1, x)))))
# d acosh = 1/sqrt(x^2 - 1), written as (x-1)(x+1) to keep precision near x = 1
acosh_p = _unary(
    "acosh", lax.acosh, lambda t, ans, x: mul(t, ew.rsqrt(mul(sub(x, scalar(1, x)), add(x, scalar(1, x)))))
)
atanh_p = _unary("atanh", lax.atanh, lambda t, ans, x: div(t, _one_minus_square(x)))


asin = ew._unary_function(asin_p, "asin", "Arc sine elementwise.", "flax.asin(0.0).tolist()", "0.0")


acos = ew._unary_function(acos_p, "acos", "Arc cosine elementwise.", "flax.acos(1.0).tolist()", "0.0")


atan = ew._unary_function(atan_p, "atan", "Arc tangent elementwise.", "flax.atan(0.0).tolist()", "0.0")


sinh = ew._unary_function(sinh_p, "sinh", "Hyperbolic sine elementwise.", "flax.sinh(0.0).tolist()", "0.0")


cosh = ew._unary_function(cosh_p, "cosh", "Hyperbolic cosine elementwise.", "flax.cosh(0.0).tolist()", "1.0")


asinh = ew._unary_function(asinh_p, "asinh", "Inverse hyperbolic sine elementwise.", "flax.asinh(0.0).tolist()", "0.0")


acosh = ew._unary_function(
    acosh_p, "acosh", "Inverse hyperbolic cosine elementwise.", "flax.acosh(1.0).tolist()", "0.0"
)


atanh = ew._unary_function(
    atanh_p, "atanh", "Inverse hyperbolic tangent elementwise.", "flax.atanh(0.0).tolist()", "0.0"
)


# d 2^x = 2^x log 2
exp2_p = _unary("exp2", lax.exp2, lambda t, ans, x: mul(t, mul(ans, scalar(np.log(2.0), ans))))


exp2 = ew._unary_function(exp2_p, "exp2", "``2 ** x`` elementwise.", "flax.exp2(0.0).tolist()", "1.0")


# ---- atan2 -------------------------------------------------------------------------------------------


def _atan2_denominator(x, y):
    return add(mul(x, x), mul(y, y))


# atan2(x, y) = angle of the point (y, x): d/dx = y / (x^2 + y^2), d/dy = -x / (x^2 + y^2)
atan2_p = _nary(
    "atan2",
    lax.atan2,
    lambda t, ans, x, y: mul(t, div(y, _atan2_denominator(x, y))),
    lambda t, ans, x, y: mul(t, div(neg(x), _atan2_denominator(x, y))),
)


atan2 = ew._binary_function(
    atan2_p,
    "atan2",
    "The angle of the point ``(y, x)``: ``atan(x / y)`` in the right quadrant.",
    "flax.atan2(0.0, 1.0).tolist()",
    "0.0",
)


# ---- regularized incomplete gamma P(a, x) ---------------------------------------------------------


def _igamma_dx(a, x):
    # d/dx P(a, x) = x^(a-1) e^(-x) / Gamma(a): the normalized integrand
    return exp(sub(sub(mul(sub(a, scalar(1, a)), ew.log(x)), x), lgamma(a)))


# d/da has no closed form: lax evaluates it with a dedicated kernel, ``igamma_grad_a``.
igamma_p = _nary(
    "igamma",
    lax.igamma,
    lambda t, ans, a, x: mul(t, igamma_grad_a(a, x)),
    lambda t, ans, a, x: mul(t, _igamma_dx(a, x)),
)
# Its own x-derivative is d/da of the integrand above: dx * (log x - digamma(a)); no a-derivative.
igamma_grad_a_p = _nary(
    "igamma_grad_a",
    lax.igamma_grad_a,
    None,
    lambda t, ans, a, x: mul(t, mul(_igamma_dx(a, x), sub(ew.log(x), digamma(a)))),
)


def igamma(a, x):
    """The regularized lower incomplete gamma function ``P(a, x)``, elementwise.

    Args:
        a: the shape parameter (positive).
        x: the upper limit of integration, of ``a``'s dtype and shape.

    Returns:
        ``P(a, x)``, in ``[0, 1]``.

    >>> import fungrad.lax as flax
    >>> round(float(flax.igamma(1.0, 1.0)), 4)
    0.6321
    """
    return bind(igamma_p, a, x)


def igamma_grad_a(a, x):
    """``d/da P(a, x)``, the derivative of :func:`igamma` in its shape parameter (lax's kernel).

    Args:
        a: the shape parameter (positive).
        x: the upper limit of integration, of ``a``'s dtype and shape.

    Returns:
        The derivative, elementwise.

    >>> from fungrad._src.primitives.special import igamma_grad_a
    >>> round(float(igamma_grad_a(1.0, 1.0)), 4)
    -0.4317
    """
    return bind(igamma_grad_a_p, a, x)


# ---- regularized incomplete beta I_x(a, b) ------------------------------------------------------


def _betainc_dx(t, ans, a, b, x):
    # d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b), the normalized integrand
    log_beta = sub(add(lgamma(a), lgamma(b)), lgamma(add(a, b)))
    one = scalar(1, x)
    log_density = add(mul(sub(a, one), ew.log(x)), mul(sub(b, one), ew.log1p(neg(x))))
    return mul(t, exp(sub(log_density, log_beta)))


def _betainc_no_shape_derivative(t, ans, a, b, x):
    raise NotImplementedError(
        "[jvp] betainc is differentiable only in x: its derivatives in the shape parameters a and b "
        "have no closed form (JAX does not provide them either); hold a and b fixed, e.g. with stop_gradient"
    )


betainc_p = _nary("betainc", lax.betainc, _betainc_no_shape_derivative, _betainc_no_shape_derivative, _betainc_dx)


def betainc(a, b, x):
    """The regularized incomplete beta function ``I_x(a, b)``, elementwise (differentiable in ``x``).

    Args:
        a, b: the shape parameters (positive).
        x: the upper limit of integration, in ``[0, 1]``; ``a``, ``b`` and ``x`` share dtype and shape.

    Returns:
        ``I_x(a, b)``, in ``[0, 1]``.

    >>> import fungrad.lax as flax
    >>> round(float(flax.betainc(2.0, 3.0, 0.4)), 4)
    0.5248
    """
    return bind(betainc_p, a, b, x)


# ---- integer bit shift (needed by integer ``power``) ---------------------------------------------

shift_right_logical_p = _nary("shift_right_logical", lax.shift_right_logical)
defjvp_zero(shift_right_logical_p)


shift_right_logical = ew._binary_function(
    shift_right_logical_p,
    "shift_right_logical",
    "Logical (zero-filling) right shift of integers.",
    "flax.shift_right_logical(8, 2).tolist()",
    "2",
)


# The wrappers above are made by elementwise's factories, so doctest looks for their examples there;
# name them here so that their examples run with this module's doctests.
__test__ = {
    fn.__name__: fn
    for fn in (
        erf,
        erfc,
        erf_inv,
        lgamma,
        digamma,
        asin,
        acos,
        atan,
        sinh,
        cosh,
        asinh,
        acosh,
        atanh,
        exp2,
        atan2,
        shift_right_logical,
    )
}
