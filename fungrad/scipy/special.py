"""``fungrad.scipy.special``: special functions with derivatives, mirroring ``jax.scipy.special``.

Functions with a closed-form derivative of their own are primitives (erf, lgamma, digamma, the
incomplete gamma function, the scaled Bessel functions); the rest are compositions of them and need
no rules. Where a composition would differentiate through a branch that is not taken (``where``
choosing ``0`` at ``x == 0`` in ``xlogy``), the operands of the untaken branch are made safe first, so
no NaN leaks into the gradient.

>>> import fungrad, fungrad.scipy.special as fsp
>>> round(float(fungrad.grad(fsp.gammaln)(1.0)), 4)  # digamma(1) = -Euler's gamma
-0.5772
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.primitives import bessel as _bessel
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import special as _sp
from fungrad.nn import sigmoid as _sigmoid
from fungrad.numpy._conversion import _promote_broadcast, _to_inexact
from fungrad.scipy._special_extra import (
    bernoulli,
    beta,
    boxcox,
    boxcox1p,
    comb,
    erfcx,
    exp1,
    expi,
    expn,
    factorial,
    gamma,
    gammasgn,
    i0,
    i1,
    kl_div,
    loggamma,
    poch,
    rel_entr,
    zeta,
)
from fungrad.scipy._special_hypergeometric import bessel_jn, hyp1f1, hyp2f1, sph_harm_y
from fungrad.scipy._special_integrals import dawsn, fresnel, owens_t, sici, spence, wofz

__all__ = [
    "dawsn",
    "fresnel",
    "owens_t",
    "sici",
    "spence",
    "wofz",
    "bessel_jn",
    "hyp1f1",
    "hyp2f1",
    "sph_harm_y",
    "bernoulli",
    "beta",
    "boxcox",
    "boxcox1p",
    "comb",
    "erfcx",
    "exp1",
    "expi",
    "expn",
    "factorial",
    "gamma",
    "gammasgn",
    "i0",
    "i1",
    "kl_div",
    "loggamma",
    "poch",
    "rel_entr",
    "zeta",
    "betainc",
    "betaln",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfinv",
    "expit",
    "gammainc",
    "gammaincc",
    "gammaln",
    "i0e",
    "i1e",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "softmax",
    "xlog1py",
    "xlogy",
]

_SQRT_HALF = float(_np.sqrt(0.5))


def erf(x):
    """The error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.erf(0.5)), 6)
    0.5205
    """
    return _sp.erf(_to_inexact(x))


def erfc(x):
    """The complementary error function ``1 - erf(x)`` (accurate for large ``x``).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.erfc(0.5)), 6)
    0.4795
    """
    return _sp.erfc(_to_inexact(x))


def erfinv(x):
    """The inverse of :func:`erf` on ``(-1, 1)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.erfinv(0.5205)), 4)
    0.5
    """
    return _sp.erf_inv(_to_inexact(x))


def gammaln(x):
    """``log(|Gamma(x)|)``; its derivative is :func:`digamma`.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.gammaln(5.0)), 4)  # log(4!)
    3.1781
    """
    return _sp.lgamma(_to_inexact(x))


def digamma(x):
    """The logarithmic derivative of the gamma function.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.digamma(1.0)), 4)
    -0.5772
    """
    return _sp.digamma(_to_inexact(x))


def polygamma(n: int, x):
    """The ``n``-th derivative of :func:`digamma` (``n`` a static non-negative integer).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.polygamma(1, 1.0)), 4)  # pi^2 / 6
    1.6449
    """
    return _sp.polygamma(int(n), _to_inexact(x))


def gammainc(a, x):
    """The regularized lower incomplete gamma function ``P(a, x)`` (differentiable to first order in ``a``).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.gammainc(1.0, 1.0)), 4)  # 1 - exp(-1)
    0.6321
    """
    a, x = _promote_broadcast(_to_inexact(a), _to_inexact(x))
    return _sp.igamma(a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.gammaincc(1.0, 1.0)), 4)  # exp(-1)
    0.3679
    """
    p = gammainc(a, x)
    return _fnp.subtract(_fnp.ones_like(p), p)


expit = _sigmoid


def logit(p):
    """The inverse of :func:`expit`: ``log(p / (1 - p))``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.logit(0.75)), 6)
    1.098612
    """
    p = _to_inexact(p)
    return _fnp.log(_fnp.divide(p, _fnp.subtract(1, p)))


def ndtr(x):
    """The standard normal CDF ``(1 + erf(x / sqrt(2))) / 2``, computed through ``erfc`` for accuracy.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.ndtr(0.0)), 6)
    0.5
    """
    x = _to_inexact(x)
    return _fnp.multiply(0.5, erfc(_fnp.multiply(-_SQRT_HALF, x)))


def ndtri(p):
    """The inverse of :func:`ndtr`: ``sqrt(2) erfinv(2p - 1)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.ndtri(0.975)), 4)
    1.96
    """
    p = _to_inexact(p)
    return _fnp.multiply(float(_np.sqrt(2.0)), erfinv(_fnp.subtract(_fnp.multiply(2, p), 1)))


def _log_ndtr_lower(x):
    # Asymptotic series for x << 0 (Abramowitz & Stegun 26.2.12, as in JAX and SciPy):
    # log ndtr(x) = -x^2/2 - log(-x) - log(2 pi)/2 + log(1 + sum_n (-1)^n (2n-1)!! / x^(2n))
    x2 = _fnp.multiply(x, x)
    series, term = _fnp.ones_like(x), _fnp.ones_like(x)
    for n in range(1, 4):
        term = _fnp.multiply(term, _fnp.divide(-(2 * n - 1), x2))
        series = _fnp.add(series, term)
    head = _fnp.subtract(_fnp.multiply(-0.5, x2), _fnp.log(_fnp.negative(x)))
    return _fnp.add(_fnp.subtract(head, 0.5 * float(_np.log(2 * _np.pi))), _fnp.log(series))


def log_ndtr(x):
    """``log(ndtr(x))``, accurate in both tails (``-ndtr(-x)`` above 8, an asymptotic series below -20,
    the float64 segments JAX uses; -10 below in float32).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.log_ndtr(0.0)), 6)
    -0.693147
    """
    x = _to_inexact(x)
    lower_edge = -20.0 if _fnp.result_type(x) == _np.float64 else -10.0
    upper, lower = _fnp.greater(x, 8.0), _fnp.less(x, lower_edge)
    # each branch sees only inputs inside its own segment, so no untaken branch poisons the gradient
    mid_x = _fnp.clip(x, lower_edge, 8.0)
    up_x = _fnp.where(upper, x, 8.0)
    low_x = _fnp.where(lower, x, lower_edge)
    mid = _fnp.log(ndtr(mid_x))
    return _fnp.where(upper, _fnp.negative(ndtr(_fnp.negative(up_x))), _fnp.where(lower, _log_ndtr_lower(low_x), mid))


def xlogy(x, y):
    """``x * log(y)``, defined as 0 where ``x == 0`` (also when ``y == 0``).

    >>> import fungrad.scipy.special as fsp
    >>> float(fsp.xlogy(0.0, 0.0)), round(float(fsp.xlogy(2.0, 3.0)), 6)
    (0.0, 2.197225)
    """
    x, y = _promote_broadcast(_to_inexact(x), _to_inexact(y))
    zero = _fnp.equal(x, 0)
    safe_y = _fnp.where(zero, _fnp.ones_like(y), y)
    return _fnp.where(zero, _fnp.zeros_like(x), _fnp.multiply(x, _fnp.log(safe_y)))


def xlog1py(x, y):
    """``x * log1p(y)``, defined as 0 where ``x == 0``.

    >>> import fungrad.scipy.special as fsp
    >>> float(fsp.xlog1py(0.0, -1.0))
    0.0
    """
    x, y = _promote_broadcast(_to_inexact(x), _to_inexact(y))
    zero = _fnp.equal(x, 0)
    safe_y = _fnp.where(zero, _fnp.zeros_like(y), y)
    return _fnp.where(zero, _fnp.zeros_like(x), _fnp.multiply(x, _fnp.log1p(safe_y)))


def entr(x):
    """Elementwise entropy ``-x log(x)``: 0 at 0, ``-inf`` for negative ``x``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.entr(0.5)), 6), float(fsp.entr(0.0))
    (0.346574, 0.0)
    """
    x = _to_inexact(x)
    positive = _fnp.greater(x, 0)
    safe_x = _fnp.where(positive, x, _fnp.ones_like(x))
    inside = _fnp.negative(_fnp.multiply(safe_x, _fnp.log(safe_x)))
    return _fnp.where(positive, inside, _fnp.where(_fnp.equal(x, 0), _fnp.zeros_like(x), _fnp.full_like(x, -_np.inf)))


def betaln(a, b):
    """``log(|B(a, b)|) = gammaln(a) + gammaln(b) - gammaln(a + b)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.betaln(2.0, 3.0)), 6)  # log(1/12)
    -2.484907
    """
    a, b = _promote_broadcast(_to_inexact(a), _to_inexact(b))
    return _fnp.subtract(_fnp.add(gammaln(a), gammaln(b)), gammaln(_fnp.add(a, b)))


def betainc(a, b, x):
    """The regularized incomplete beta function ``I_x(a, b)`` (differentiable in ``x``, as in JAX).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.betainc(2.0, 3.0, 0.4)), 4)
    0.5248
    """
    a, b, x = _promote_broadcast(_to_inexact(a), _to_inexact(b), _to_inexact(x))
    return _sp.betainc(a, b, x)


def multigammaln(a, d: int):
    """The log of the multivariate gamma function of dimension ``d`` (a static integer).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.multigammaln(3.0, 1)), 6)  # gammaln(3)
    0.693147
    """
    a = _to_inexact(a)
    d = int(d)
    total = _fnp.full_like(a, d * (d - 1) / 4.0 * float(_np.log(_np.pi)))
    for j in range(d):
        total = _fnp.add(total, gammaln(_fnp.subtract(a, j / 2.0)))
    return total


def i0e(x):
    """The exponentially scaled modified Bessel function of order 0, ``exp(-|x|) I0(x)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.i0e(1.0)), 6)
    0.46576
    """
    return _bessel.bessel_i0e(_to_inexact(x))


def i1e(x):
    """The exponentially scaled modified Bessel function of order 1, ``exp(-|x|) I1(x)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.i1e(1.0)), 6)
    0.20791
    """
    return _bessel.bessel_i1e(_to_inexact(x))


def logsumexp(a, axis=None, b=None, keepdims: bool = False, return_sign: bool = False, where=None):
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably (shifted by the maximum).

    With ``return_sign=True`` returns ``(log|sum|, sign(sum))`` so negative weights ``b`` are allowed;
    otherwise a negative sum gives ``nan``, as in SciPy. ``where`` masks out elements.

    >>> import fungrad.numpy as fnp, fungrad.scipy.special as fsp
    >>> round(float(fsp.logsumexp(fnp.array([0.0, 0.0]))), 6)
    0.693147
    >>> out, sign = fsp.logsumexp(fnp.array([0.0, 1.0]), b=fnp.array([1.0, -1.0]), return_sign=True)
    >>> round(float(out), 6), float(sign)
    (0.541325, -1.0)
    """
    a = _to_inexact(a)
    if b is not None:
        a, b = _promote_broadcast(a, _to_inexact(b))
        # terms with weight 0 do not take part (not even in the shift), as in JAX
        a = _fnp.where(_fnp.equal(b, 0), -_np.inf, a)
    if where is not None:
        a = _fnp.where(where, a, -_np.inf)
    amax = _fnp.max(a, axis=axis, keepdims=True)
    amax = _ew.stop_gradient(_fnp.where(_fnp.isfinite(amax), amax, _fnp.zeros_like(amax)))
    e = _fnp.exp(_fnp.subtract(a, amax))
    if b is not None:
        e = _fnp.multiply(e, b)
    total = _fnp.sum(e, axis=axis, keepdims=True)
    if return_sign:
        sign = _fnp.sign(total)
        total = _fnp.abs(total)
    out = _fnp.add(_fnp.log(total), amax)
    if not keepdims:
        axes = tuple(range(_fnp.ndim(a))) if axis is None else axis
        out = _fnp.squeeze(out, axis=axes)
        if return_sign:
            sign = _fnp.squeeze(sign, axis=axes)
    return (out, sign) if return_sign else out


def _shifted(x, axis):
    x = _to_inexact(x)
    top = _fnp.max(x, axis=axis, keepdims=True)
    return _fnp.subtract(x, _ew.stop_gradient(_fnp.where(_fnp.isfinite(top), top, _fnp.zeros_like(top))))


def log_softmax(x, *, axis=None):
    """``x - logsumexp(x)`` over ``axis`` (all axes by default, as in SciPy).

    >>> import fungrad.numpy as fnp, fungrad.scipy.special as fsp
    >>> [round(float(v), 6) for v in fsp.log_softmax(fnp.array([0.0, 0.0]))]
    [-0.693147, -0.693147]
    """
    shifted = _shifted(x, axis)
    return _fnp.subtract(shifted, _fnp.log(_fnp.sum(_fnp.exp(shifted), axis=axis, keepdims=True)))


def softmax(x, *, axis=None):
    """``exp(x) / sum(exp(x))`` over ``axis`` (all axes by default, as in SciPy).

    >>> import fungrad.numpy as fnp, fungrad.scipy.special as fsp
    >>> [round(float(v), 6) for v in fsp.softmax(fnp.array([0.0, 0.0]))]
    [0.5, 0.5]
    """
    unnormalized = _fnp.exp(_shifted(x, axis))
    return _fnp.divide(unnormalized, _fnp.sum(unnormalized, axis=axis, keepdims=True))
