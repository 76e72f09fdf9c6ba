"""More special functions as primitives: Hurwitz zeta, the scaled complementary error function and the
exponential integrals.

Each lowers to a jax.lax / jax.numpy evaluation (``lax.zeta``, or a series / continued fraction written
here) and has a jvp written in fungrad ops, with the derivatives JAX gives:

- ``zeta(s, a)``: ``d/da = -s zeta(s + 1, a)``; ``d/ds`` has no closed form, so it is the derivative of
  the Euler-Maclaurin expansion (the one JAX differentiates), written out term by term below.
- ``erfcx(x) = exp(x^2) erfc(x)``: ``d/dx = 2 x erfcx(x) - 2 / sqrt(pi)``.
- ``expi(x) = Ei(x)``: ``d/dx = exp(x) / x``.
- ``expn(n, x) = E_n(x)`` (integer ``n``): ``d/dx = -E_{n-1}(x)``, not differentiable in ``n`` (as in JAX);
  at ``n = 0`` the derivative of ``exp(-x)/x`` (JAX's rule gives NaN there).
"""

from __future__ import annotations

import math
from fractions import Fraction

import jax.numpy as jnp
import numpy as np
from jax import lax

from fungrad._src.core import bind, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives.elementwise import add, div, exp, mul, neg, scalar, sub

_nary, _unary = ew._nary, ew._unary


# ---- Hurwitz zeta ----------------------------------------------------------------------------------


def _bernoulli_numbers(count: int) -> list[Fraction]:
    # B_0..B_{count-1} from sum_{k<m+1} C(m+1, k) B_k = 0 (exact rationals, computed once at import)
    b = [Fraction(1)]
    for m in range(1, count):
        b.append(-sum(math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return b


_B = _bernoulli_numbers(34)
# Euler-Maclaurin tail coefficients B_{2j+2} / (2j+2)!, j = 0..15
_EM_COEFFS = np.array([float(_B[2 * j + 2] / math.factorial(2 * j + 2)) for j in range(16)])


def _zeta_ds(s, a):
    """``d/ds zeta(s, a)`` from the Euler-Maclaurin expansion with ``N`` direct terms and ``N`` tail terms
    (N = 16 in float64, 8 in float32, as JAX), differentiated term by term; unrolled elementwise ops."""
    n = 16 if get_aval(s).dtype == np.float64 else 8
    one = scalar(1, s)
    direct = None
    for k in range(n):
        ak = add(a, scalar(float(k), a))
        term = neg(mul(ew.log(ak), ew.pow(ak, neg(s))))
        direct = term if direct is None else add(direct, term)
    an = add(a, scalar(float(n), a))
    log_an = ew.log(an)
    s_minus_1 = sub(s, one)
    integral = div(ew.pow(an, sub(one, s)), s_minus_1)
    d_integral = sub(neg(mul(log_an, integral)), div(integral, s_minus_1))
    t0 = ew.pow(an, neg(s))
    prod, log_deriv = None, None
    tail, d_tail = ew.scalar_like(0.5, s), ew.scalar_like(0.0, s)
    for m in range(2 * n):
        sm = add(s, scalar(float(m), s))
        ratio = div(sm, an)
        prod = ratio if prod is None else mul(prod, ratio)  # prod_{m' <= m} (s + m') / (a + N)
        inv = div(one, sm)
        log_deriv = inv if log_deriv is None else add(log_deriv, inv)
        if m % 2 == 0:
            c = scalar(float(_EM_COEFFS[m // 2]), s)
            tail = add(tail, mul(prod, c))
            d_tail = add(d_tail, mul(mul(prod, log_deriv), c))
    d_t = add(neg(mul(log_an, mul(t0, tail))), mul(t0, d_tail))
    return add(add(direct, d_integral), d_t)


zeta_p = _nary(
    "zeta",
    lax.zeta,
    lambda t, ans, s, a: mul(t, _zeta_ds(s, a)),
    lambda t, ans, s, a: mul(t, neg(mul(s, zeta(add(s, scalar(1, s)), a)))),
)


def zeta(s, a):
    """The Hurwitz zeta function ``sum_k (a + k)^(-s)``, elementwise.

    Args:
        s: the exponent (``> 1``).
        a: the shift (``> 0``), of ``s``'s dtype and shape.

    Returns:
        ``zeta(s, a)``.

    >>> from fungrad._src.primitives.special_more import zeta
    >>> round(float(zeta(2.0, 1.0)), 6)  # pi^2 / 6
    1.644934
    """
    return bind(zeta_p, s, a)


# ---- erfcx -----------------------------------------------------------------------------------------


def _erfcx_lowering(x):
    # exp(x^2) erfc(x) until exp(x^2) would overflow; above, the asymptotic series
    # 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2 x^2)^k (9 terms: far below eps at the switch point)
    dtype = x.dtype
    threshold = float(np.sqrt(np.log(np.finfo(dtype).max)))
    large = x > threshold
    safe = jnp.where(large, jnp.ones_like(x), x)
    direct = jnp.exp(safe * safe) * lax.erfc(safe)
    big = jnp.where(large, x, jnp.full_like(x, threshold + 1))
    w = 1.0 / (2.0 * big * big)
    total, term = jnp.ones_like(x), jnp.ones_like(x)
    for k in range(1, 9):
        term = term * (-(2 * k - 1)) * w
        total = total + term
    asymptotic = total / (big * float(np.sqrt(np.pi)))
    return jnp.where(large, asymptotic, direct)


erfcx_p = _unary(
    "erfcx",
    _erfcx_lowering,
    lambda t, ans, x: mul(t, sub(mul(mul(scalar(2, x), x), ans), scalar(2 / np.sqrt(np.pi), x))),
)


def erfcx(x):
    """The scaled complementary error function ``exp(x^2) erfc(x)``, elementwise.

    Args:
        x: a real array.

    Returns:
        ``erfcx(x)``.

    >>> from fungrad._src.primitives.special_more import erfcx
    >>> round(float(erfcx(1.0)), 6)
    0.427584
    """
    return bind(erfcx_p, x)


# ---- exponential integrals -------------------------------------------------------------------------


def _expn_lowering(n, x):
    """``E_n(x) = int_1^inf exp(-x t) / t^n dt`` for integer ``n >= 0`` and ``x >= 0`` (NaN elsewhere).

    ``x <= 1``: the power series (A&S 5.1.12) with its log term; ``x > 1``: the continued fraction
    (A&S 5.1.22) evaluated backwards at a fixed depth, enough for full float64 precision at ``x = 1``.
    """
    one = jnp.ones_like(x)
    valid = (n >= 0) & (x >= 0) & (n == jnp.floor(n))
    n = jnp.where(valid, n, one)
    # series, x in (0, 1]
    xs = jnp.clip(x, np.finfo(x.dtype).tiny, 1.0)

    def series_term(k, carry):
        total, power = carry  # power = (-x)^k / k!
        kf = jnp.asarray(k, x.dtype)
        denom = kf - n + 1
        skip = denom == 0
        total = total - jnp.where(skip, 0.0, power / jnp.where(skip, one, denom))
        return total, power * (-xs) / (kf + 1)

    total, _ = lax.fori_loop(0, 40, series_term, (jnp.zeros_like(x), one))
    sign = jnp.where(jnp.fmod(n - 1, 2) == 0, one, -one)
    head = sign * jnp.exp((n - 1) * jnp.log(xs) - lax.lgamma(n)) * (lax.digamma(n) - jnp.log(xs))
    series = head + total
    # continued fraction, x > 1: E_n(x) = exp(-x) / (x + n - 1 n / (x + n + 2 - 2 (n + 1) / (x + n + 4 - ...)))
    xc = jnp.maximum(x, 1.0)
    depth = 120

    def cf_step(i, t):
        j = depth - i  # j = depth .. 1
        jf = jnp.asarray(j, x.dtype)
        return xc + n + 2 * (jf - 1) - jf * (n - 1 + jf) / t

    tail = lax.fori_loop(0, depth, cf_step, xc + n + 2 * depth)
    fraction = jnp.exp(-xc) / tail
    out = jnp.where(x > 1, fraction, series)
    at_zero = jnp.where(n < 2, jnp.full_like(x, np.inf), 1 / jnp.maximum(n - 1, 1))
    out = jnp.where(x == 0, at_zero, out)
    out = jnp.where((n == 0) & (x > 0), jnp.exp(-x) / jnp.where(x > 0, x, one), out)
    return jnp.where(valid, out, jnp.full_like(x, np.nan))


def _expn_no_order_derivative(t, ans, n, x):
    raise NotImplementedError(
        "[jvp] expn(n, x) is differentiable only in x: n is an integer order (JAX does not differentiate "
        "it either); hold n fixed (a constant, or stop_gradient)"
    )


def _expn_dx(t, ans, n, x):
    # d/dx E_n = -E_{n-1} for n >= 1; E_0 = exp(-x)/x has d/dx = -exp(-x) (x + 1) / x^2 (JAX's rule asks
    # for E_{-1} there and gives NaN, so exp1's second derivative would be NaN; this one is finite)
    n = add(n, ew.scalar_like(0, x))  # n may be a scalar beside an array x
    order_zero = ew.eq(n, scalar(0, n))
    lower = expn(ew.select_n(order_zero, sub(n, scalar(1, n)), ew.scalar_like(1, n)), x)
    e0_slope = div(mul(exp(neg(x)), add(x, scalar(1, x))), mul(x, x))
    return mul(t, neg(ew.select_n(order_zero, lower, e0_slope)))


expn_p = _nary("expn", _expn_lowering, _expn_no_order_derivative, _expn_dx)


def expn(n, x):
    """The generalized exponential integral ``E_n(x)``, elementwise (``n`` integer-valued).

    Args:
        n: the order (a non-negative integer value, in ``x``'s dtype).
        x: the argument (``>= 0``), of ``n``'s dtype and shape.

    Returns:
        ``E_n(x)``; NaN for negative or non-integer ``n`` and for negative ``x``.

    >>> from fungrad._src.primitives.special_more import expn
    >>> round(float(expn(1.0, 1.0)), 6)
    0.219384
    """
    return bind(expn_p, n, x)


def _expi_lowering(x):
    # x > 0: Ei(x) = gamma + log x + sum_k x^k / (k k!) up to 40 (positive terms, 160 of them reach eps);
    # beyond, the asymptotic series exp(x)/x sum_k k!/x^k (40 terms: the error is ~ e^-40 relative).
    # x < 0: Ei(x) = -E_1(-x).
    one = jnp.ones_like(x)
    xs = jnp.clip(x, np.finfo(x.dtype).tiny, 40.0)

    def series_term(k, carry):
        total, power = carry
        kf = jnp.asarray(k, x.dtype)
        power = power * xs / kf
        return total + power / kf, power

    total, _ = lax.fori_loop(1, 160, series_term, (jnp.zeros_like(x), one))
    small = np.euler_gamma + jnp.log(xs) + total
    xl = jnp.maximum(x, 40.0)
    term, acc = one, one
    for k in range(1, 40):
        term = term * k / xl
        acc = acc + term
    large = jnp.exp(xl) / xl * acc
    negative = -_expn_lowering(one, jnp.where(x < 0, -x, one))
    out = jnp.where(x > 40, large, small)
    out = jnp.where(x < 0, negative, out)
    return jnp.where(x == 0, jnp.full_like(x, -np.inf), out)


expi_p = _unary("expi", _expi_lowering, lambda t, ans, x: mul(t, div(exp(x), x)))


def expi(x):
    """The exponential integral ``Ei(x)``, elementwise.

    Args:
        x: a real array.

    Returns:
        ``Ei(x)`` (``-inf`` at 0).

    >>> from fungrad._src.primitives.special_more import expi
    >>> round(float(expi(1.0)), 6)
    1.895118
    """
    return bind(expi_p, x)
