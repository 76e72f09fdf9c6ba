"""The confluent (1F1) and Gauss (2F1) hypergeometric functions as primitives.

Two primitives per function:

- ``hyp1f1_p(a, b, x)`` / ``hyp2f1_p(a, b, c, x)``: the value, evaluated in jax.lax by the method that
  suits the region (the power series; Kummer's transformation for ``x < 0``; the large-``x`` asymptotic
  expansion of 1F1; Pfaff's transformation for ``x < 0`` and the ``1 - x`` connection formulas near
  ``x = 1`` for 2F1, with the logarithmic (digamma) form when ``c - a - b`` is an integer).
- ``hyp1f1_series_p`` / ``hyp2f1_series_p``: a derivative of the power series, ``d^i/da^i d^j/db^j
  (d^m/dc^m) d^l/dx^l`` with the orders as static params, summed term by term. These give the
  parameter derivatives JAX gives (JAX sums the same series for them), and their own jvp only raises
  an order, so derivatives of every order exist.

The jvps, in fungrad ops:

- ``d/dx 1F1(a; b; x) = (a / b) 1F1(a + 1; b + 1; x)``; ``d/dx 2F1(a, b; c; x) = (a b / c)
  2F1(a + 1, b + 1; c + 1; x)``: the value primitive at shifted parameters.
- ``d/da``, ``d/db`` (``d/dc``): the differentiated series; where the series converges badly (1F1 at
  ``x < 0``, 2F1 at ``x < 0``) they are the derivatives of Kummer's / Pfaff's transformation instead,
  so they stay accurate where the plain series loses digits to cancellation.

The derivative of a coefficient ``(p)_n = p (p + 1) ... (p + n - 1)`` in ``p`` of order ``r`` is
``(p)_n B_r(L_1, ..., L_r)``, with ``B_r`` the complete Bell polynomial and ``L_q`` the ``q``-th
derivative of ``log (p)_n``: ``(-1)^(q-1) (q-1)! sum_{t<n} (p + t)^(-q)``; for a lower parameter
(``1 / (p)_n``) the ``L_q`` change sign.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from fungrad._src.core import bind
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives.elementwise import add, div, exp, log, mul, neg, scalar, select_n, sub

_nary = ew._nary


# ---- helpers on concrete arrays (jax.lax) ------------------------------------------------------------


def _nonpositive_integer(p):
    return (p <= 0) & (p == jnp.floor(p))


def _gamma_sign(p):
    # sign of Gamma(p): +1 for p > 0, (-1)^ceil(-p) between the poles below 0
    odd = jnp.mod(jnp.floor(p), 2) != 0
    return jnp.where((p < 0) & odd & (p != jnp.floor(p)), -1.0, 1.0).astype(p.dtype)


def _gamma_ratio(numer, denom):
    """``prod Gamma(numer) / prod Gamma(denom)`` through log-gamma (0 where a denominator is a pole)."""
    log_value = sum(lax.lgamma(p) for p in numer) - sum(lax.lgamma(p) for p in denom)
    sign = 1.0
    for p in (*numer, *denom):
        sign = sign * _gamma_sign(p)
    pole = False
    for p in denom:
        pole = pole | _nonpositive_integer(p)
    return jnp.where(pole, 0.0, sign * jnp.exp(jnp.where(pole, 0.0, log_value)))


def _bell(log_derivs):
    """The complete Bell polynomial ``B_r(L_1..L_r)`` (``r = len(log_derivs)``), by the recurrence
    ``B_{n+1} = sum_q C(n, q) B_{n-q} L_{q+1}``."""
    b = [1.0]
    for n in range(len(log_derivs)):
        b.append(sum(math.comb(n, q) * b[n - q] * log_derivs[q] for q in range(n + 1)))
    return b[-1]


def _series(uppers, lowers, x, orders=None, dx=0, cap=1000):
    """``d^orders d^dx/dx^dx  sum_k prod (u)_k / prod (w)_k  x^k / k!`` summed until it converges.

    ``orders`` holds one derivative order per parameter (uppers then lowers). The sum stops for an
    element once a term is below ``eps`` of the sum while the terms shrink (or the series ended).
    """
    params = (*uppers, *lowers)
    orders = orders or (0,) * len(params)
    signs = (1.0,) * len(uppers) + (-1.0,) * len(lowers)
    eps = float(np.finfo(x.dtype).eps)
    one, zero = jnp.ones_like(x), jnp.zeros_like(x)

    def coef_ratio(n):
        r = one
        for u in uppers:
            r = r * (u + n)
        for w in lowers:
            r = r / (w + n)
        return r

    def add_sums(sums, n):
        return [[s + (p + n) ** -(q + 1) for q, s in enumerate(ps)] for p, ps in zip(params, sums)]

    def bell_factor(sums):
        out = one
        for sign, ps in zip(signs, sums):
            if ps:
                out = out * _bell([sign * (-1) ** q * math.factorial(q) * s for q, s in enumerate(ps)])
        return out

    coef, sums = one, [[zero] * r for r in orders]
    for t in range(dx):  # start at the coefficient of index dx: d^dx/dx^dx shifts the series
        coef, sums = coef * coef_ratio(t), add_sums(sums, t)

    def cond(state):
        k, _, _, _, done = state
        return (k < cap) & ~jnp.all(done)

    def body(state):
        k, coef, sums, total, done = state
        term = coef * bell_factor(sums)
        total = jnp.where(done, total, total + term)
        n = k + dx
        ratio = coef_ratio(n) * x / (k + 1)
        small = (jnp.abs(term) <= eps * jnp.abs(total)) & (total != 0) & (jnp.abs(ratio) < 1)
        coef = coef * ratio
        done = done | small | (coef == 0) | ~jnp.isfinite(total)
        return k + 1, coef, add_sums(sums, n), total, done

    init = (jnp.asarray(0, x.dtype), coef, sums, zero, jnp.zeros(x.shape, bool))
    return lax.while_loop(cond, body, init)[3]


# ---- 1F1 -------------------------------------------------------------------------------------------


def _hyp1f1_asymptotic(a, b, x, log_scale):
    """``Gamma(b) / Gamma(a) e^x x^(a - b) sum_k (b - a)_k (1 - a)_k / (k! x^k)`` for large ``x > 0``,
    with ``exp(log_scale)`` in place of ``e^x``; the divergent sum stops at its smallest term."""
    eps = float(np.finfo(x.dtype).eps)

    def cond(state):
        k, _, _, done = state
        return (k < 200) & ~jnp.all(done)

    def body(state):
        k, term, total, done = state
        nxt = term * (b - a + k) * (1 - a + k) / ((k + 1) * x)
        stop = (jnp.abs(nxt) <= eps * jnp.abs(total)) | (jnp.abs(nxt) >= jnp.abs(term))
        total = jnp.where(done | stop, total, total + nxt)
        return k + 1, nxt, total, done | stop

    one = jnp.ones_like(x)
    total = lax.while_loop(cond, body, (jnp.asarray(0, x.dtype), one, one, jnp.zeros(x.shape, bool)))[2]
    log_value = lax.lgamma(b) - lax.lgamma(a) + log_scale + (a - b) * jnp.log(x)
    return _gamma_sign(b) * _gamma_sign(a) * jnp.exp(log_value) * total


def _hyp1f1_lowering(a, b, x):
    a, b, x = jnp.broadcast_arrays(a, b, x)  # a concrete scalar may stand beside arrays
    # x < 0: Kummer, 1F1(a; b; x) = e^x 1F1(b - a; b; -x), a sum of positive terms (the plain series
    # cancels: at x = -20 it loses 8 digits); not when a is a non-positive integer (a polynomial then).
    kummer = (x < 0) & ~_nonpositive_integer(a)
    a2, x2 = jnp.where(kummer, b - a, a), jnp.where(kummer, -x, x)
    asymptotic = (x2 >= 100) & ~_nonpositive_integer(a2)  # 100: JAX's switch point
    series = _series([a2], [b], jnp.where(asymptotic, 0.0, x2))
    xa = jnp.where(asymptotic, x2, 100.0)
    large = _hyp1f1_asymptotic(a2, b, xa, jnp.where(kummer, 0.0, xa))
    out = jnp.where(asymptotic, large, jnp.where(kummer, jnp.exp(x), 1.0) * series)
    # JAX's conventions: 1F1(0; b; x) = 1 (also for b = 0), 1F1(a; a; x) = e^x, 1F1(a; 0; x) = inf
    out = jnp.where((b == 0) & (a != 0), jnp.inf, out)
    out = jnp.where((a == b) & (a != 0), jnp.exp(x), out)
    return jnp.where(a == 0, 1.0, out)


def _hyp1f1_series_lowering(a, b, x, *, orders):
    a, b, x = jnp.broadcast_arrays(a, b, x)
    da, db, dx = orders
    return _series([a], [b], x, (da, db), dx)


def _raise_order(orders, i):
    return tuple(o + (j == i) for j, o in enumerate(orders))


hyp1f1_series_p = _nary(
    "hyp1f1_series",
    _hyp1f1_series_lowering,
    *[
        (lambda i: lambda t, ans, a, b, x, *, orders: mul(t, hyp1f1_series(a, b, x, _raise_order(orders, i))))(i)
        for i in range(3)
    ],
)


def hyp1f1_series(a, b, x, orders):
    """``d^i/da^i d^j/db^j d^l/dx^l`` of the power series of ``1F1(a; b; x)``, ``orders = (i, j, l)``.

    >>> from fungrad._src.primitives.special_hypergeometric import hyp1f1_series
    >>> round(float(hyp1f1_series(1.0, 1.0, 1.0, (0, 0, 1))), 6)  # d/dx e^x
    2.718282
    """
    return bind(hyp1f1_series_p, a, b, x, orders=tuple(int(o) for o in orders))


def _hyp1f1_dparam(a, b, x, which):
    """``d 1F1 / da`` (``which = 0``) or ``d / db`` (``which = 1``): the differentiated series, and for
    ``x < 0`` the derivative of Kummer's ``e^x 1F1(b - a; b; -x)`` (whose series has no cancellation)."""
    b_minus_a = sub(b, a)
    kummer = _and(ew.lt(x, scalar(0, x)), _not(_is_nonpositive_integer(b_minus_a)))
    xk = select_n(kummer, ew.scalar_like(-1, x), x)  # the untaken branch sees a safe argument
    first = hyp1f1_series(b_minus_a, b, neg(xk), (1, 0, 0))
    if which == 0:  # d/da = -e^x F_1(b - a, b, -x)
        transformed = neg(first)
    else:  # d/db = e^x (F_1 + F_2)(b - a, b, -x)
        transformed = add(first, hyp1f1_series(b_minus_a, b, neg(xk), (0, 1, 0)))
    transformed = mul(exp(xk), transformed)
    # the direct branch's series overflows for large negative x: it too sees a safe argument, so no NaN
    # reaches the gradient through the branch not taken
    xd = select_n(kummer, x, ew.scalar_like(0, x))
    direct = hyp1f1_series(a, b, xd, (1, 0, 0) if which == 0 else (0, 1, 0))
    return select_n(kummer, direct, transformed)


def _and(x, y):
    return bind(ew.and_p, x, y)


def _not(x):
    return bind(ew.not_p, x)


def _is_nonpositive_integer(p):
    return _and(ew.le(p, scalar(0, p)), ew.eq(p, ew.floor(p)))


hyp1f1_p = _nary(
    "hyp1f1",
    _hyp1f1_lowering,
    lambda t, ans, a, b, x: mul(t, _hyp1f1_dparam(a, b, x, 0)),
    lambda t, ans, a, b, x: mul(t, _hyp1f1_dparam(a, b, x, 1)),
    lambda t, ans, a, b, x: mul(t, mul(div(a, b), hyp1f1(add(a, scalar(1, a)), add(b, scalar(1, b)), x))),
)


def hyp1f1(a, b, x):
    """The confluent hypergeometric function ``1F1(a; b; x)``, elementwise (one dtype and shape).

    >>> from fungrad._src.primitives.special_hypergeometric import hyp1f1
    >>> round(float(hyp1f1(1.0, 1.0, 1.0)), 6)  # e
    2.718282
    """
    return bind(hyp1f1_p, a, b, x)


# ---- 2F1 -------------------------------------------------------------------------------------------


def _hyp2f1_gauss_connection(a, b, c, z):
    """A&S 15.3.6 for ``c - a - b = d`` not an integer, around ``s = 1 - z``:
    ``Gamma(c) Gamma(d) / (Gamma(c - a) Gamma(c - b)) F(a, b; 1 - d; s)
    + s^d Gamma(c) Gamma(-d) / (Gamma(a) Gamma(b)) F(c - a, c - b; d + 1; s)``."""
    d, s = c - a - b, 1 - z
    first = _gamma_ratio([c, d], [c - a, c - b]) * _series([a, b], [1 - d], s, cap=3000)
    second = _gamma_ratio([c, -d], [a, b]) * s**d * _series([c - a, c - b], [d + 1], s, cap=3000)
    return first + second


def _hyp2f1_log_connection(a, b, c, z, m):
    """A&S 15.3.10/11 for ``c = a + b + m``, integer ``m >= 0``, around ``s = 1 - z``:
    ``Gamma(c) Gamma(m) / (Gamma(a + m) Gamma(b + m)) sum_{n<m} (a)_n (b)_n (m - n - 1)! / ((m - 1)! n!)
    (-s)^n ... - Gamma(c) / (Gamma(a) Gamma(b)) (-s)^m sum_n (a + m)_n (b + m)_n / (n! (n + m)!) s^n
    [log s - psi(n + 1) - psi(n + m + 1) + psi(a + n + m) + psi(b + n + m)]``."""
    s = 1 - z
    eps = float(np.finfo(z.dtype).eps)

    def finite_term(n, carry):  # term_n = (a)_n (b)_n (m - n - 1)! / n! (-s)^n, from (m - 1)!
        term, total = carry
        live = n < m
        total = jnp.where(live, total + term, total)
        nxt = term * (a + n) * (b + n) / ((n + 1) * jnp.maximum(m - n - 1, 1)) * (-s)
        return jnp.where(live, nxt, term), total

    zero = jnp.zeros_like(z)
    finite = lax.fori_loop(0, jnp.max(m, initial=0).astype(jnp.int32), finite_term, (jnp.ones_like(z), zero))[1]
    finite = finite * _gamma_ratio([c, jnp.maximum(m, 1)], [a + m, b + m])

    log_s = jnp.log(s)

    def cond(state):
        k, _, _, done = state
        return (k < 1000) & ~jnp.all(done)

    def body(state):
        n, term, total, done = state
        bracket = log_s - lax.digamma(n + 1) - lax.digamma(n + m + 1) + lax.digamma(a + n + m) + lax.digamma(b + n + m)
        piece = term * bracket
        total = jnp.where(done, total, total + piece)
        term = term * (a + m + n) * (b + m + n) / ((n + 1) * (n + m + 1)) * s
        done = done | ((jnp.abs(piece) <= eps * jnp.abs(total)) & (jnp.abs(term) <= eps * jnp.abs(total)))
        return n + 1, term, total, done

    init = (jnp.asarray(0, z.dtype), jnp.ones_like(z), zero, jnp.zeros(z.shape, bool))
    tail = lax.while_loop(cond, body, init)[2]
    tail = tail * _gamma_ratio([c], [a, b, m + 1]) * (-s) ** m
    return finite - tail


def _hyp2f1_lowering(a, b, c, x):
    a, b, c, x = jnp.broadcast_arrays(a, b, c, x)  # a concrete scalar may stand beside arrays
    one = jnp.ones_like(x)
    s = 1 - x
    terminating = _nonpositive_integer(a) | _nonpositive_integer(b)  # a polynomial: summed as it is
    # x < 0: Pfaff, F(a, b; c; x) = (1 - x)^(-a) F(a, c - b; c; x / (x - 1)), argument in (0, 1)
    pfaff = (x < 0) & ~terminating
    bp = jnp.where(pfaff, c - b, b)
    z = jnp.where(pfaff, x / jnp.where(pfaff, x - 1, -one), x)
    d = c - a - bp
    rd = jnp.round(d)
    d_integer = jnp.abs(d - rd) <= 50 * float(np.finfo(x.dtype).eps) * jnp.maximum(1.0, jnp.abs(d))
    # The connection formula's two halves grow like 1 / |d - round(d)| and cancel: near an integer the
    # series is the better sum (it needs ~1000 terms at z = 0.97); else the series up to z = 0.75.
    near_integer = jnp.abs(d - rd) < 0.05
    direct = terminating | _nonpositive_integer(bp) | (z <= 0.75) | (near_integer & ~d_integer & (z <= 0.97))
    direct = direct | (x >= 1)  # x >= 1 is settled below

    def pick(mask, value, safe):
        return jnp.where(mask, value, safe)

    series = _series([a, bp], [c], pick(direct & (x < 1), z, 0.0), cap=5000)
    gauss = ~direct & ~d_integer
    ga, gb, gc, gz = pick(gauss, a, 0.5), pick(gauss, bp, 0.25), pick(gauss, c, 1.25), pick(gauss, z, 0.75)
    connection = _hyp2f1_gauss_connection(ga, gb, gc, gz)
    logarithmic = ~direct & d_integer
    # c - a - b = -m < 0: Euler, F(a, b; c; z) = (1 - z)^(c - a - b) F(c - a, c - b; c; z), then m >= 0
    euler = logarithmic & (rd < 0)
    la = pick(logarithmic, jnp.where(euler, c - a, a), 0.5)
    lb = pick(logarithmic, jnp.where(euler, c - bp, bp), 0.5)
    lz = pick(logarithmic, z, 0.75)
    m = pick(logarithmic, jnp.abs(rd), 0.0)
    log_form = _hyp2f1_log_connection(la, lb, la + lb + m, lz, m)
    log_form = log_form * jnp.where(euler, (1 - lz) ** pick(logarithmic, rd, 0.0), 1.0)
    out = jnp.where(direct, series, jnp.where(logarithmic, log_form, connection))
    out = out * jnp.where(pfaff, s ** jnp.where(pfaff, -a, 0.0), 1.0)
    # JAX's conventions at the edges of the domain (in increasing priority)
    d0 = c - a - b
    at_one = jnp.where(d0 > 0, _gamma_ratio([c, jnp.where(d0 > 0, d0, 1.0)], [c - a, c - b]), jnp.inf)
    out = jnp.where(x == 1, at_one, jnp.where(x > 1, jnp.inf, out))
    out = jnp.where((x < 1) & (a == c), s ** -jnp.where(x < 1, b, 0.0), out)
    out = jnp.where((x < 1) & (b == c), s ** -jnp.where(x < 1, a, 0.0), out)
    out = jnp.where((c == 0) | _nonpositive_integer(c), jnp.inf, out)
    return jnp.where((x == 0) | (((a == 0) | (b == 0)) & (c != 0)), 1.0, out)


def _hyp2f1_series_lowering(a, b, c, x, *, orders):
    a, b, c, x = jnp.broadcast_arrays(a, b, c, x)
    da, db, dc, dx = orders
    return _series([a, b], [c], x, (da, db, dc), dx, cap=5000)


hyp2f1_series_p = _nary(
    "hyp2f1_series",
    _hyp2f1_series_lowering,
    *[
        (lambda i: lambda t, ans, a, b, c, x, *, orders: mul(t, hyp2f1_series(a, b, c, x, _raise_order(orders, i))))(i)
        for i in range(4)
    ],
)


def hyp2f1_series(a, b, c, x, orders):
    """``d^i/da^i d^j/db^j d^m/dc^m d^l/dx^l`` of the power series of ``2F1(a, b; c; x)``,
    ``orders = (i, j, m, l)`` (``|x| < 1``).

    >>> from fungrad._src.primitives.special_hypergeometric import hyp2f1_series
    >>> round(float(hyp2f1_series(1.0, 1.0, 1.0, 0.5, (0, 0, 0, 0))), 6)  # 1 / (1 - x)
    2.0
    """
    return bind(hyp2f1_series_p, a, b, c, x, orders=tuple(int(o) for o in orders))


def _hyp2f1_dparam(a, b, c, x, which):
    """``d 2F1`` by ``a``, ``b`` or ``c`` (``which = 0, 1, 2``): the differentiated series, and for
    ``x < 0`` the derivative of Pfaff's ``(1 - x)^(-a) G(a, c - b; c; x / (x - 1))``:
    ``d/da = (1 - x)^(-a) (G_1 - log(1 - x) G)``, ``d/db = -(1 - x)^(-a) G_2``,
    ``d/dc = (1 - x)^(-a) (G_2 + G_3)``."""
    c_minus_b = sub(c, b)
    pfaff = _and(ew.lt(x, scalar(0, x)), _not(_is_nonpositive_integer(c_minus_b)))
    xn = select_n(pfaff, ew.scalar_like(-0.5, x), x)  # the untaken branch sees a safe argument
    one = scalar(1, x)
    s = sub(one, xn)
    z = div(xn, sub(xn, one))
    scale = exp(neg(mul(a, log(s))))
    if which == 0:
        g = hyp2f1(a, c_minus_b, c, z)
        transformed = sub(hyp2f1_series(a, c_minus_b, c, z, (1, 0, 0, 0)), mul(log(s), g))
    else:
        g2 = hyp2f1_series(a, c_minus_b, c, z, (0, 1, 0, 0))
        transformed = neg(g2) if which == 1 else add(g2, hyp2f1_series(a, c_minus_b, c, z, (0, 0, 1, 0)))
    xd = select_n(pfaff, x, ew.scalar_like(0, x))  # the direct series diverges below x = -1
    direct = hyp2f1_series(a, b, c, xd, tuple(int(i == which) for i in range(3)) + (0,))
    return select_n(pfaff, direct, mul(scale, transformed))


def _hyp2f1_dx(t, ans, a, b, c, x):
    one = scalar(1, a)
    shifted = hyp2f1(add(a, one), add(b, one), add(c, one), x)
    return mul(t, mul(div(mul(a, b), c), shifted))


hyp2f1_p = _nary(
    "hyp2f1",
    _hyp2f1_lowering,
    lambda t, ans, a, b, c, x: mul(t, _hyp2f1_dparam(a, b, c, x, 0)),
    lambda t, ans, a, b, c, x: mul(t, _hyp2f1_dparam(a, b, c, x, 1)),
    lambda t, ans, a, b, c, x: mul(t, _hyp2f1_dparam(a, b, c, x, 2)),
    _hyp2f1_dx,
)


def hyp2f1(a, b, c, x):
    """The Gauss hypergeometric function ``2F1(a, b; c; x)``, elementwise (one dtype and shape).

    >>> from fungrad._src.primitives.special_hypergeometric import hyp2f1
    >>> round(float(hyp2f1(1.0, 1.0, 2.0, 0.5)), 6)  # -log(1 - x) / x
    1.386294
    """
    return bind(hyp2f1_p, a, b, c, x)
