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


def erf(x):
    return bind(erf_p, x)


def erfc(x):
    return bind(erfc_p, x)


def erf_inv(x):
    return bind(erf_inv_p, x)


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


def lgamma(x):
    return bind(lgamma_p, x)


def digamma(x):
    return bind(digamma_p, x)


def polygamma(m: int, x):
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


def asin(x):
    return bind(asin_p, x)


def acos(x):
    return bind(acos_p, x)


def atan(x):
    return bind(atan_p, x)


def sinh(x):
    return bind(sinh_p, x)


def cosh(x):
    return bind(cosh_p, x)


def asinh(x):
    return bind(asinh_p, x)


def acosh(x):
    return bind(acosh_p, x)


def atanh(x):
    return bind(atanh_p, x)


# d 2^x = 2^x log 2
exp2_p = _unary("exp2", lax.exp2, lambda t, ans, x: mul(t, mul(ans, scalar(np.log(2.0), ans))))


def exp2(x):
    return bind(exp2_p, x)


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


def atan2(x, y):
    return bind(atan2_p, x, y)


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
    return bind(igamma_p, a, x)


def igamma_grad_a(a, x):
    return bind(igamma_grad_a_p, a, x)


# ---- integer bit shift (needed by integer ``power``) ---------------------------------------------

shift_right_logical_p = _nary("shift_right_logical", lax.shift_right_logical)
defjvp_zero(shift_right_logical_p)


def shift_right_logical(x, y):
    return bind(shift_right_logical_p, x, y)
