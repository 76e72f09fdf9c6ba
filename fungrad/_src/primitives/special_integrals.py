"""Special functions defined by integrals: Spence's dilogarithm, Dawson's integral, the Fresnel, sine and
cosine integrals, Owen's T function and the Faddeeva function.

Each is an elementwise primitive whose lowering evaluates a series, a continued fraction or a quadrature
in jax.lax / jax.numpy (the method and its switch points are stated beside each lowering), and whose jvp
is the closed-form derivative written in fungrad ops (so it is itself differentiable):

- ``spence(x) = int_1^x log(t) / (1 - t) dt``: ``d/dx = log(x) / (1 - x)`` (``-1`` at ``x = 1``).
- ``dawsn(x) = exp(-x^2) int_0^x exp(t^2) dt``: ``d/dx = 1 - 2 x dawsn(x)``.
- ``fresnel(x, part)``, ``S = int_0^x sin(pi t^2 / 2) dt`` and ``C`` with cosine: ``d/dx`` is the
  integrand, :func:`fresnel_trig` (``sin`` / ``cos`` of ``pi x^2 / 2`` with ``x^2`` reduced exactly).
- ``sici(x, part)``, ``Si = int_0^x sin(t) / t dt`` and ``Ci = gamma + log x + int_0^x (cos t - 1) / t dt``:
  ``d/dx Si = sin(x) / x``, ``d/dx Ci = cos(x) / x``.
- ``owens_t(h, a) = 1 / (2 pi) int_0^a exp(-h^2 (1 + u^2) / 2) / (1 + u^2) du``:
  ``dT/dh = -exp(-h^2 / 2) erf(a h / sqrt 2) / (2 sqrt(2 pi))`` (differentiate under the integral, then
  ``int_0^a exp(-h^2 u^2 / 2) du = sqrt(pi / 2) erf(a h / sqrt 2) / h``), and
  ``dT/da = exp(-h^2 (1 + a^2) / 2) / (2 pi (1 + a^2))`` (the integrand at ``u = a``).
- ``wofz(z) = exp(-z^2) erfc(-i z)`` (complex): holomorphic, ``w'(z) = -2 z w(z) + 2 i / sqrt(pi)``.

Half-precision inputs are evaluated in float32 and rounded back (the series constants need the range).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from fungrad._src.core import bind
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import special as _sp
from fungrad._src.primitives.elementwise import add, div, exp, mul, neg, scalar, sub
from fungrad._src.primitives.special_more import _bernoulli_numbers

_nary, _unary = ew._nary, ew._unary
_SQRT_PI = math.sqrt(math.pi)


def _at_least_float32(lowering):
    """Run ``lowering`` in float32 for 16-bit floats (and complex64 for none smaller), casting back."""

    def run(*args, **params):
        dtype = jnp.result_type(*args)
        if dtype in (jnp.float16, jnp.bfloat16):
            return lowering(*[jnp.asarray(a, jnp.float32) for a in args], **params).astype(dtype)
        return lowering(*args, **params)

    return run


def _accurate_log1p(y):
    # XLA's log1p loses ~7 bits near y = -0.414; below -0.25, 1 + y is exact to half an ulp and log is fine
    low = y < -0.25
    return jnp.where(low, jnp.log(jnp.where(low, 1 + y, 1.0)), jnp.log1p(jnp.where(low, 0.0, y)))


# ---- Spence's function (the dilogarithm at 1 - x) ----------------------------------------------------

_B = _bernoulli_numbers(2 * 13 + 1)
# Li2(z) = sum_n B_n u^(n+1) / (n+1)! with u = -log(1 - z): u - u^2/4 + u^3 sum_k c_k (u^2)^(k-1),
# c_k = B_2k / (2k+1)!; the terms fall like (u / 2 pi)^2k, so 12 reach float64 precision for |u| <= log 2.
_LI2_COEFFS = [float(_B[2 * k] / math.factorial(2 * k + 1)) for k in range(1, 13)]


def _li2_of_log(u):
    """``Li2(z)`` from ``u = -log(1 - z)`` (for ``|u| <= log 2``)."""
    u2 = u * u
    acc = jnp.zeros_like(u)
    for c in reversed(_LI2_COEFFS):
        acc = acc * u2 + c
    return u - u2 / 4 + u * u2 * acc


@_at_least_float32
def _spence_lowering(x):
    """``spence(x) = Li2(1 - x)``, ``x >= 0``, by three reflections that keep ``|u| <= log 2``.

    ``x`` in [0.5, 2]: ``u = -log x`` directly. ``x < 0.5``: ``Li2(1 - x) = pi^2/6 - log(x) log(1 - x) - Li2(x)``.
    ``x > 2``: ``Li2(1 - x) = -pi^2/6 - log(x - 1)^2 / 2 - Li2(1 / (1 - x))``. NaN below 0 and at ``+inf``
    (as JAX and SciPy).
    """
    pi2_6 = math.pi**2 / 6
    mid = _li2_of_log(-jnp.log(jnp.clip(x, 0.5, 2.0)))
    xs = jnp.clip(x, 0.0, 0.5)
    log_x = jnp.log(jnp.where(xs > 0, xs, 0.5))
    log_1mx = _accurate_log1p(-xs)
    small = pi2_6 - jnp.where(xs > 0, log_x * log_1mx, 0.0) - _li2_of_log(-log_1mx)
    xl = jnp.maximum(x, 2.0)
    log_xm1 = jnp.log(xl - 1)
    large = -pi2_6 - 0.5 * log_xm1 * log_xm1 - _li2_of_log(_accurate_log1p(-1 / xl))
    out = jnp.where(x < 0.5, small, jnp.where(x <= 2.0, mid, large))
    out = jnp.where(x == 1, 0.0, out)  # 0, not the -0.0 that -log(1) gives
    return jnp.where((x < 0) | (x == np.inf), jnp.nan, out).astype(x.dtype)


def _spence_derivative(x):
    # log(x) / (1 - x), with its Taylor series -(1 - u/2 + u^2/3) in u = x - 1 at x == 1 exactly, so
    # the value there (-1) and the next derivatives are right rather than 0/0
    u = sub(x, scalar(1, x))
    one = ew.eq(u, scalar(0, u))
    safe_u = ew.select_n(one, u, ew.scalar_like(1, u))
    general = neg(div(ew.log(x), safe_u))
    series = neg(add(sub(scalar(1, u), div(u, scalar(2, u))), div(mul(u, u), scalar(3, u))))
    return ew.select_n(one, general, series)


spence_p = _unary("spence", _spence_lowering, lambda t, ans, x: mul(t, _spence_derivative(x)))


def spence(x):
    """Spence's function ``int_1^x log(t) / (1 - t) dt`` (``x >= 0``; NaN below), elementwise.

    >>> from fungrad._src.primitives.special_integrals import spence
    >>> round(float(spence(0.0)), 6)  # pi^2 / 6
    1.644934
    """
    return bind(spence_p, x)


# ---- Dawson's integral -------------------------------------------------------------------------------

_DAWSN_SWITCH = 6.0


@_at_least_float32
def _dawsn_lowering(x):
    """``|x| < 6``: ``exp(-x^2) sum_n x^(2n+1) / (n! (2n+1))`` (positive terms, so no cancellation; 130
    of them cover ``x^2 = 36``). Above: the asymptotic series ``1/(2x) sum_k (2k-1)!! / (2x^2)^k``, whose
    smallest term at ``x = 6`` is below float64's epsilon (36 terms). Odd in ``x``."""
    ax = jnp.abs(x)
    xs = jnp.minimum(ax, _DAWSN_SWITCH)
    y = xs * xs
    # exp(-x^2) with x^2 = hi + lo split exactly (Veltkamp): exp of the rounded square would be off by
    # x^2 ulps (1e-6 relative at x = 5 in float32)
    split = xs * (2.0 ** (27 if x.dtype == jnp.float64 else 12) + 1)
    head = split - (split - xs)
    rest = xs - head
    decay = jnp.exp(-head * head) * jnp.exp(-(2 * head * rest + rest * rest))

    def term(n, carry):
        total, power = carry  # power = y^n / n!
        nf = jnp.asarray(n, x.dtype)
        return total + power / (2 * nf + 1), power * y / (nf + 1)

    total, _ = lax.fori_loop(0, 130, term, (jnp.zeros_like(x), jnp.ones_like(x)))
    series = xs * decay * total
    xl = jnp.maximum(ax, _DAWSN_SWITCH)
    v = 1 / (2 * xl * xl)
    acc, power = jnp.ones_like(x), jnp.ones_like(x)
    for k in range(1, 36):
        power = power * (2 * k - 1) * v
        acc = acc + power
    asymptotic = acc / (2 * xl)
    out = jnp.where(ax < _DAWSN_SWITCH, series, asymptotic)
    return jnp.where(x < 0, -out, jnp.where(x == 0, x, out))


dawsn_p = _unary("dawsn", _dawsn_lowering, lambda t, ans, x: mul(t, sub(scalar(1, x), mul(mul(scalar(2, x), x), ans))))


def dawsn(x):
    """Dawson's integral ``exp(-x^2) int_0^x exp(t^2) dt``, elementwise.

    >>> from fungrad._src.primitives.special_integrals import dawsn
    >>> round(float(dawsn(1.0)), 6)
    0.53808
    """
    return bind(dawsn_p, x)


# ---- Fresnel integrals -------------------------------------------------------------------------------


def _half_pi_square(x):
    """``r`` in [-2, 2] with ``pi r / 2 = pi x^2 / 2`` modulo ``2 pi``: ``x = n + f`` (``n`` an integer,
    ``f`` exact), ``x^2 = n^2 + 2 n f + f^2``, ``n^2 = n mod 2`` modulo 4, and ``2 n f`` is exact (the bits of
    ``n`` and ``f`` together fit the significand), so large ``x`` keep their phase."""
    x = jnp.abs(x)
    n = jnp.round(x)
    f = x - n
    p = 2 * n * f
    r = jnp.fmod(n, 2.0) + (p - 4 * jnp.round(p / 4)) + f * f
    return r - 4 * jnp.round(r / 4)


@_at_least_float32
def _fresnel_trig_lowering(x, *, fn):
    r = _half_pi_square(x)
    return (jnp.sin if fn == "sin" else jnp.cos)((math.pi / 2) * r)


def _fresnel_trig_jvp(t, ans, x, *, fn):
    # d/dx sin(pi x^2 / 2) = pi x cos(pi x^2 / 2); d/dx cos(...) = -pi x sin(...)
    slope = mul(mul(scalar(math.pi, x), x), fresnel_trig(x, "cos" if fn == "sin" else "sin"))
    return mul(t, slope if fn == "sin" else neg(slope))


fresnel_trig_p = _unary("fresnel_trig", _fresnel_trig_lowering, _fresnel_trig_jvp)


def fresnel_trig(x, fn: str):
    """``sin`` (``fn="sin"``) or ``cos`` of ``pi x^2 / 2``, accurate for large ``x``, elementwise.

    >>> from fungrad._src.primitives.special_integrals import fresnel_trig
    >>> round(float(fresnel_trig(1.0, "sin")), 6)
    1.0
    """
    return bind(fresnel_trig_p, x, fn=fn)


# float32 switches earlier: its series loses up to 2 digits to cancellation near 2
_FRESNEL_SWITCH = {np.dtype(np.float64): 2.0, np.dtype(np.float32): 1.3}


@_at_least_float32
def _fresnel_lowering(x, *, part):
    """``|x| <= 2`` (1.3 in float32): the power series in ``t = pi x^2 / 2`` (alternating; at most ~2 digits cancel).
    Above: ``C + i S = (1 + i)/2 (1 - exp(i pi x^2/2) w(sqrt(pi)/2 (1 + i) x))`` with the Faddeeva
    function ``w`` from its Laplace continued fraction ``i/sqrt(pi) / (z - (1/2) / (z - 1 / (z - ...)))``,
    evaluated backwards at depth 60 (converged to float64 precision for ``|z| >= 2.5`` on this ray).
    ``+-0.5`` at ``+-inf``; odd in ``x``."""
    switch = _FRESNEL_SWITCH[np.dtype(x.dtype)]
    ax = jnp.abs(x)
    xs = jnp.minimum(ax, switch)
    t = (math.pi / 2) * xs * xs

    def term(n, carry):
        s, c, power = carry  # power = (-1)^n t^(2n) / (2n)!
        nf = jnp.asarray(n, x.dtype)
        c = c + power / (4 * nf + 1)
        odd = power * t / (2 * nf + 1)
        return s + odd / (4 * nf + 3), c, -odd * t / (2 * nf + 2)

    s, c, _ = lax.fori_loop(0, 40, term, (jnp.zeros_like(x), jnp.zeros_like(x), jnp.ones_like(x)))
    series = xs * (s if part == "s" else c)
    xl = jnp.where((ax > switch) & ~jnp.isinf(ax), ax, switch + 1)
    z = lax.complex(xl, xl) * (_SQRT_PI / 2)
    depth = 60

    def step(i, r):
        return (0.5 * (depth - i).astype(x.dtype)) / (z - r)  # coefficients k / 2, k = 60..1

    tail = lax.fori_loop(0, depth, step, jnp.zeros_like(z))
    w = (1j / _SQRT_PI) / (z - tail)
    r = _half_pi_square(xl)
    phase = lax.complex(jnp.cos((math.pi / 2) * r), jnp.sin((math.pi / 2) * r))
    value = (0.5 + 0.5j) * (1 - phase * w)
    fraction = jnp.imag(value) if part == "s" else jnp.real(value)
    out = jnp.where(ax <= switch, series, jnp.where(jnp.isinf(ax), 0.5, fraction))
    return jnp.where(x < 0, -out, jnp.where(jnp.isnan(x), jnp.nan, out)).astype(x.dtype)


fresnel_p = _unary(
    "fresnel",
    _fresnel_lowering,
    lambda t, ans, x, *, part: mul(t, fresnel_trig(x, "sin" if part == "s" else "cos")),
)


def fresnel(x, part: str):
    """The Fresnel integral ``S`` (``part="s"``) or ``C`` (``part="c"``), elementwise.

    >>> from fungrad._src.primitives.special_integrals import fresnel
    >>> round(float(fresnel(1.0, "s")), 6), round(float(fresnel(1.0, "c")), 6)
    (0.438259, 0.779893)
    """
    return bind(fresnel_p, x, part=part)


# ---- sine and cosine integrals -----------------------------------------------------------------------

_SICI_SWITCH = 3.0


@_at_least_float32
def _sici_lowering(x, *, part):
    """``|x| <= 3``: the power series (``Ci = gamma + log x + sum_n (-1)^n x^2n / (2n (2n)!)``). Above:
    ``E1(i x) = -Ci(x) + i (Si(x) - pi/2)`` with ``E1``'s continued fraction
    ``exp(-z) / (z + 1 - 1 / (z + 3 - 4 / (z + 5 - ...)))`` evaluated backwards at depth 64 (float64
    precision from ``x = 2.5``). ``Si`` is odd; ``Ci(x)`` is ``Ci(|x|)`` (the real part), NaN at ``-inf``,
    as JAX."""
    ax = jnp.abs(x)
    xs = jnp.minimum(ax, _SICI_SWITCH)

    def term(n, carry):
        si, ci, power = carry  # power = (-1)^n x^(2n+1) / (2n+1)!
        nf = jnp.asarray(n, x.dtype)
        si = si + power / (2 * nf + 1)
        even = -power * xs / (2 * nf + 2)
        return si, ci + even / (2 * nf + 2), even * xs / (2 * nf + 3)

    si, ci, _ = lax.fori_loop(0, 30, term, (jnp.zeros_like(x), jnp.zeros_like(x), xs))
    series = si if part == "si" else np.euler_gamma + jnp.log(xs) + ci
    xl = jnp.where((ax > _SICI_SWITCH) & ~jnp.isinf(ax), ax, _SICI_SWITCH + 1)
    z = lax.complex(jnp.zeros_like(xl), xl)
    depth = 64

    def step(i, r):
        k = (depth - i).astype(x.dtype)  # k = 64..1: r = k^2 / (z + 2k + 1 - r)
        return k * k / (z + (2 * k + 1) - r)

    tail = lax.fori_loop(0, depth, step, jnp.zeros_like(z))
    e1 = jnp.exp(-z) / (z + 1 - tail)
    if part == "si":
        out = jnp.where(ax <= _SICI_SWITCH, series, jnp.where(jnp.isinf(ax), math.pi / 2, math.pi / 2 + jnp.imag(e1)))
        return (jnp.sign(x) * out).astype(x.dtype)
    out = jnp.where(ax <= _SICI_SWITCH, series, jnp.where(jnp.isinf(ax), 0.0, -jnp.real(e1)))
    return jnp.where((x == -np.inf) | jnp.isnan(x), jnp.nan, out).astype(x.dtype)


def _sinc_unnormalized(x):
    # sin(x) / x, with its Taylor series at x == 0 exactly so the next derivatives are right there too
    zero = ew.eq(x, scalar(0, x))
    safe = ew.select_n(zero, x, ew.scalar_like(1, x))
    x2 = mul(x, x)
    series = add(sub(scalar(1, x), div(x2, scalar(6, x))), div(mul(x2, x2), scalar(120, x)))
    return ew.select_n(zero, div(ew.sin(safe), safe), series)


sici_p = _unary(
    "sici",
    _sici_lowering,
    lambda t, ans, x, *, part: mul(t, _sinc_unnormalized(x) if part == "si" else div(ew.cos(x), x)),
)


def sici(x, part: str):
    """The sine integral ``Si`` (``part="si"``) or cosine integral ``Ci`` (``part="ci"``), elementwise.

    >>> from fungrad._src.primitives.special_integrals import sici
    >>> round(float(sici(1.0, "si")), 6), round(float(sici(1.0, "ci")), 6)
    (0.946083, 0.337404)
    """
    return bind(sici_p, x, part=part)


# ---- Owen's T function -------------------------------------------------------------------------------

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(24)
_GL_NODES, _GL_WEIGHTS = (_GL_NODES + 1) / 2, _GL_WEIGHTS / 2  # on [0, 1]
_OWENS_SWITCH, _OWENS_CUTOFF = 2.0, 12.0


def _owens_t_reduced(h, a):
    """``T(h, a)`` for ``h >= 0`` and ``0 <= a <= 1`` by 24-point Gauss-Legendre quadrature.

    With ``b = a h <= 2``: ``u = a s``, ``T = a / (2 pi) int_0^1 exp(-h^2 (1 + a^2 s^2) / 2) / (1 + a^2 s^2) ds``
    (smooth: poles at ``s = +-i / a``, a Gaussian at most two widths across). With ``b > 2`` the
    integrand peaks at ``u = 0`` with width ``1 / h``: ``v = h u``,
    ``T = 1 / (2 pi h) int_0^min(b, 12) exp(-(h^2 + v^2) / 2) / (1 + v^2 / h^2) dv`` (the part beyond
    ``v = 12`` is below ``exp(-72)`` relative). Every term is positive: relative accuracy ~1e-15.
    """
    nodes, weights = (jnp.asarray(c, h.dtype) for c in (_GL_NODES, _GL_WEIGHTS))
    b = h * a
    near = b <= _OWENS_SWITCH
    r = (a * a)[..., None] * (nodes * nodes)
    near_value = a / (2 * math.pi) * jnp.sum(weights * jnp.exp(-0.5 * (h * h)[..., None] * (1 + r)) / (1 + r), -1)
    width = jnp.minimum(jnp.where(near, 1.0, b), _OWENS_CUTOFF)
    hs = jnp.where(near, 1.0, h)
    v = width[..., None] * nodes
    integrand = jnp.exp(-0.5 * ((hs * hs)[..., None] + v * v)) / (1 + jnp.square(v / hs[..., None]))
    far_value = width * jnp.sum(weights * integrand, -1) / (2 * math.pi * hs)
    return jnp.where(a == 0, 0.0, jnp.where(near, near_value, far_value))


@_at_least_float32
def _owens_t_lowering(h, a):
    """Even in ``h``, odd in ``a``; ``|a| > 1`` through
    ``T(h, a) = (erfc(h/sqrt 2) + erfc(a h/sqrt 2) - erfc(h/sqrt 2) erfc(a h/sqrt 2)) / 4 - T(a h, 1/a)``
    (``h, a >= 0``), which adds no cancellation: the result lies between ``T(h, 1)`` and ``T(h, inf)``."""
    h, a = jnp.broadcast_arrays(h, a)
    h, abs_a = jnp.abs(h), jnp.abs(a)
    beyond = abs_a > 1
    ah = jnp.where(h == 0, 0.0, abs_a * h)  # h = 0, a = inf: T = 1/4, not NaN
    reduced = _owens_t_reduced(jnp.where(beyond, ah, h), jnp.where(beyond, 1 / abs_a, abs_a))
    erfc_h, erfc_ah = lax.erfc(h / math.sqrt(2)), lax.erfc(ah / math.sqrt(2))
    reflected = 0.25 * (erfc_h + erfc_ah - erfc_h * erfc_ah) - reduced
    out = jnp.sign(a) * jnp.where(beyond, reflected, reduced)
    return jnp.where(jnp.isnan(h) | jnp.isnan(a), jnp.nan, out).astype(h.dtype)


def _owens_t_dh(t, ans, h, a):
    # -exp(-h^2/2) erf(a h / sqrt 2) / (2 sqrt(2 pi))
    erf_term = _sp.erf(mul(mul(a, h), scalar(1 / math.sqrt(2), h)))
    slope = mul(exp(mul(mul(h, h), scalar(-0.5, h))), erf_term)
    return mul(t, mul(slope, scalar(-1 / (2 * math.sqrt(2 * math.pi)), h)))


def _owens_t_da(t, ans, h, a):
    # exp(-h^2 (1 + a^2) / 2) / (2 pi (1 + a^2))
    one_a2 = add(scalar(1, a), mul(a, a))
    slope = div(exp(mul(mul(mul(h, h), one_a2), scalar(-0.5, a))), mul(one_a2, scalar(2 * math.pi, a)))
    return mul(t, slope)


owens_t_p = _nary("owens_t", _owens_t_lowering, _owens_t_dh, _owens_t_da)


def owens_t(h, a):
    """Owen's T function ``1/(2 pi) int_0^a exp(-h^2 (1 + u^2) / 2) / (1 + u^2) du``, elementwise.

    >>> from fungrad._src.primitives.special_integrals import owens_t
    >>> round(float(owens_t(0.0, 1.0)), 6)  # arctan(1) / (2 pi)
    0.125
    """
    return bind(owens_t_p, h, a)


# ---- Faddeeva function -------------------------------------------------------------------------------


def _weideman_coefficients(n: int) -> tuple[float, np.ndarray]:
    """Weideman (1994), SIAM J. Numer. Anal. 31(5): ``w(z) ~ 2 p(Z) / (L - i z)^2 + 1 / (sqrt(pi) (L - i z))``,
    ``Z = (L + i z) / (L - i z)``, ``L = 2^(-1/4) sqrt(n)``, for ``Im z >= 0``; the degree ``n - 1``
    polynomial ``p`` (highest power first) comes from the FFT of ``exp(-t^2) (L^2 + t^2)`` sampled at
    ``t = L tan(theta / 2)``. n = 40 gives ~1e-14 relative error in the upper half plane."""
    m = 2 * n
    scale = math.sqrt(n / math.sqrt(2))
    theta = np.arange(-m + 1, m) * math.pi / m
    t = scale * np.tan(theta / 2)
    samples = np.concatenate([[0.0], np.exp(-t * t) * (scale * scale + t * t)])
    coeffs = np.real(np.fft.fft(np.fft.fftshift(samples))) / (2 * m)
    return scale, coeffs[1 : n + 1][::-1].copy()


_WOFZ_L, _WOFZ_P = _weideman_coefficients(40)


def _wofz_upper(z):
    iz = 1j * z
    denom = _WOFZ_L - iz
    big_z = (_WOFZ_L + iz) / denom
    poly = jnp.zeros_like(z)
    for c in _WOFZ_P:
        poly = poly * big_z + float(c)  # a Python float keeps complex64 complex64
    return 2 * poly / (denom * denom) + (1 / _SQRT_PI) / denom


@_at_least_float32
def _wofz_lowering(z):
    """Weideman's rational approximation in the upper half plane; below it ``w(z) = 2 exp(-z^2) - w(-z)``.
    0 at infinity in the closed upper half plane and where only the real part is infinite (the limits;
    the rational form and the reflection would give NaN)."""
    upper = jnp.imag(z) >= 0
    flipped = jnp.where(upper, z, -z)
    infinite = jnp.isinf(jnp.real(flipped)) | jnp.isinf(jnp.imag(flipped))
    w_flipped = _wofz_upper(jnp.where(infinite, jnp.ones_like(z), flipped))
    w_flipped = jnp.where(infinite, jnp.zeros_like(z), w_flipped)
    out = jnp.where(upper, w_flipped, 2 * jnp.exp(-z * z) - w_flipped)
    real_infinite = jnp.isinf(jnp.real(z)) & jnp.isfinite(jnp.imag(z))
    return jnp.where(real_infinite, jnp.zeros_like(z), out).astype(z.dtype)


wofz_p = _unary(
    "wofz",
    _wofz_lowering,
    lambda t, ans, z: mul(t, sub(scalar(2j / _SQRT_PI, z), mul(mul(scalar(2, z), z), ans))),
)


def wofz(z):
    """The Faddeeva function ``exp(-z^2) erfc(-i z)`` of a complex array, elementwise.

    >>> from fungrad._src.primitives.special_integrals import wofz
    >>> complex(wofz(1j)).real.__round__(6)  # erfcx(1)
    0.427584
    """
    return bind(wofz_p, z)
