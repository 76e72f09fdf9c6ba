"""The gamma family, combinatorics, entropies, Box-Cox, Bessel I0/I1, zeta and the exponential integrals
of ``fungrad.scipy.special`` (re-exported there), with ``jax.scipy.special``'s signatures and values.

Compositions of fungrad primitives (so they differentiate, batch and jit with no rules of their own),
except zeta, erfcx, expi and expn, whose primitives live in ``fungrad._src.primitives.special_more``.
Where a composition goes through an untaken ``where`` branch, that branch's operands are made safe.
"""

from __future__ import annotations

import math as _math
from fractions import Fraction as _Fraction

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import bessel as _bessel
from fungrad._src.primitives import special as _sp
from fungrad._src.primitives import special_more as _spm
from fungrad.numpy._conversion import _promote_broadcast, _to_inexact

__all__ = [
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
]


def _real(name, *args):
    args = [_to_inexact(a) for a in args]
    for a in args:
        if _fnp.iscomplexobj(a):
            raise _FungradTypeError(f"{name} does not support complex-valued inputs (as in JAX), got {_get_aval(a)}")
    return _promote_broadcast(*args) if len(args) > 1 else args[0]


def gammasgn(x):
    """The sign of the gamma function: 1 or -1 (NaN at the poles, ``-0.0`` gives -1), derivative 0.

    >>> import fungrad.numpy as fnp, fungrad.scipy.special as fsp
    >>> [float(v) for v in fsp.gammasgn(fnp.array([2.5, -0.5, -1.5]))]
    [1.0, -1.0, 1.0]
    """
    x = _real("gammasgn", x)
    floor_x = _fnp.floor(x)
    negative = _fnp.less(x, 0)
    nan = _fnp.logical_or(_fnp.logical_and(negative, _fnp.equal(x, floor_x)), _fnp.isnan(x))
    odd = _fnp.not_equal(_fnp.remainder(floor_x, 2), 0)
    minus = _fnp.logical_or(_fnp.logical_and(negative, odd), _fnp.logical_and(_fnp.equal(x, 0), _fnp.signbit(x)))
    one = _fnp.ones_like(x)
    return _fnp.where(nan, _fnp.full_like(x, _np.nan), _fnp.where(minus, _fnp.negative(one), one))


def gamma(x):
    """The gamma function ``Gamma(x) = gammasgn(x) * exp(gammaln(x))`` (real inputs).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.gamma(5.0)), 6), round(float(fsp.gamma(-0.5)), 6)
    (24.0, -3.544908)
    """
    x = _real("gamma", x)
    return _fnp.multiply(gammasgn(x), _fnp.exp(_sp.lgamma(x)))


def loggamma(x):
    """The principal branch of ``log(Gamma(x))``: ``gammaln(x)`` for ``x > 0``, NaN elsewhere (real inputs).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.loggamma(4.0)), 6)  # log(3!)
    1.791759
    """
    x = _real("loggamma", x)
    return _fnp.where(_fnp.greater(x, 0), _sp.lgamma(x), _fnp.full_like(x, _np.nan))


def beta(a, b):
    """The beta function ``Gamma(a) Gamma(b) / Gamma(a + b)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.beta(2.0, 3.0)), 6)  # 1/12
    0.083333
    """
    a, b = _real("beta", a, b)
    sign = _fnp.multiply(_fnp.multiply(gammasgn(a), gammasgn(b)), gammasgn(_fnp.add(a, b)))
    log_beta = _fnp.subtract(_fnp.add(_sp.lgamma(a), _sp.lgamma(b)), _sp.lgamma(_fnp.add(a, b)))
    return _fnp.multiply(sign, _fnp.exp(log_beta))


def factorial(n, exact: bool = False):
    """``n!`` as a float, ``exp(gammaln(n + 1))``, and 0 for negative ``n`` (``exact=True`` is not supported,
    as in JAX).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.factorial(5)), 6)
    120.0
    """
    if exact:
        raise NotImplementedError("factorial with exact=True is not supported (as in JAX): use exact=False")
    n = _real("factorial", n)
    safe = _fnp.where(_fnp.less(n, 0), _fnp.zeros_like(n), n)
    return _fnp.where(_fnp.less(n, 0), _fnp.zeros_like(n), _fnp.exp(_sp.lgamma(_fnp.add(safe, 1))))


def comb(N, k, *, repetition: bool = False):
    """``N choose k`` as a float through ``gammaln``; 0 where ``N < 0``, ``k < 0`` or ``k > N``.

    With ``repetition=True``: ``comb(N + k - 1, k)`` (and 1 for ``k == 0``, ``N >= 0``).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.comb(5.0, 2.0)), 6), round(float(fsp.comb(5.0, 2.0, repetition=True)), 6)
    (10.0, 15.0)
    """
    N, k = _real("comb", N, k)
    if repetition:
        result = comb(_fnp.subtract(_fnp.add(N, k), 1), k)
        return _fnp.where(_fnp.logical_and(_fnp.equal(k, 0), _fnp.greater_equal(N, 0)), _fnp.ones_like(result), result)
    ok = _fnp.logical_and(_fnp.logical_and(_fnp.less_equal(k, N), _fnp.greater_equal(N, 0)), _fnp.greater_equal(k, 0))
    safe_n = _fnp.where(ok, N, _fnp.zeros_like(N))
    safe_k = _fnp.where(ok, k, _fnp.zeros_like(k))
    log_c = _fnp.subtract(_sp.lgamma(_fnp.add(safe_n, 1)), _sp.lgamma(_fnp.add(safe_k, 1)))
    log_c = _fnp.subtract(log_c, _sp.lgamma(_fnp.add(_fnp.subtract(safe_n, safe_k), 1)))
    return _fnp.where(ok, _fnp.exp(log_c), _fnp.zeros_like(log_c))


def poch(z, m):
    """The Pochhammer symbol (rising factorial) ``Gamma(z + m) / Gamma(z)``, 1 where ``m == 0``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.poch(2.0, 3.0)), 6)  # 2 * 3 * 4
    24.0
    """
    z, m = _real("poch", z, m)
    return _fnp.where(_fnp.equal(m, 0), _fnp.ones_like(z), _fnp.divide(gamma(_fnp.add(z, m)), gamma(z)))


def i0(x):
    """The modified Bessel function of the first kind of order 0, ``exp(|x|) i0e(x)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.i0(1.0)), 6)
    1.266066
    """
    x = _real("i0", x)
    return _fnp.multiply(_fnp.exp(_fnp.abs(x)), _bessel.bessel_i0e(x))


def i1(x):
    """The modified Bessel function of the first kind of order 1, ``exp(|x|) i1e(x)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.i1(1.0)), 6)
    0.565159
    """
    x = _real("i1", x)
    return _fnp.multiply(_fnp.exp(_fnp.abs(x)), _bessel.bessel_i1e(x))


def rel_entr(p, q):
    """Elementwise relative entropy: ``p log(p / q)`` for ``p, q > 0``, 0 for ``p == 0, q >= 0``, inf else.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.rel_entr(0.5, 0.25)), 6), float(fsp.rel_entr(0.0, 0.5))
    (0.346574, 0.0)
    """
    p, q = _real("rel_entr", p, q)
    both = _fnp.logical_and(_fnp.greater(p, 0), _fnp.greater(q, 0))
    p_zero = _fnp.logical_and(_fnp.equal(p, 0), _fnp.greater_equal(q, 0))
    safe_p = _fnp.where(both, p, _fnp.ones_like(p))
    safe_q = _fnp.where(both, q, _fnp.ones_like(q))
    inside = _fnp.multiply(safe_p, _fnp.subtract(_fnp.log(safe_p), _fnp.log(safe_q)))
    outside = _fnp.where(p_zero, _fnp.zeros_like(p), _fnp.full_like(p, _np.inf))
    return _fnp.where(both, inside, outside)


def kl_div(p, q):
    """Elementwise Kullback-Leibler divergence ``rel_entr(p, q) - p + q``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.kl_div(0.5, 0.25)), 6)
    0.096574
    """
    p, q = _real("kl_div", p, q)
    return _fnp.add(_fnp.subtract(rel_entr(p, q), p), q)


def _boxcox(log_x, lmbda):
    zero = _fnp.equal(lmbda, 0)
    safe = _fnp.where(zero, _fnp.ones_like(lmbda), lmbda)
    power = _fnp.divide(_fnp.expm1(_fnp.multiply(safe, log_x)), safe)
    return _fnp.where(zero, log_x, power)


def boxcox(x, lmbda):
    """The Box-Cox transform ``(x^lmbda - 1) / lmbda`` (``log(x)`` at ``lmbda == 0``).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.boxcox(2.0, 2.0)), 6), round(float(fsp.boxcox(2.0, 0.0)), 6)
    (1.5, 0.693147)
    """
    x, lmbda = _real("boxcox", x, lmbda)
    return _boxcox(_fnp.log(x), lmbda)


def boxcox1p(x, lmbda):
    """The Box-Cox transform of ``1 + x``: ``((1 + x)^lmbda - 1) / lmbda`` (``log1p(x)`` at ``lmbda == 0``).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.boxcox1p(1.0, 2.0)), 6)
    1.5
    """
    x, lmbda = _real("boxcox1p", x, lmbda)
    return _boxcox(_fnp.log1p(x), lmbda)


def zeta(x, q=None):
    """The Hurwitz zeta function ``sum_k (q + k)^(-x)``; ``q=None`` (Riemann zeta) is not supported, as in
    JAX. Differentiable in both arguments (``d/dq = -x zeta(x + 1, q)``).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.zeta(2.0, 1.0)), 6)  # pi^2 / 6
    1.644934
    """
    if q is None:
        raise NotImplementedError(
            "zeta: the Riemann zeta function (q=None) is not implemented (as in JAX); pass q=1.0 for it"
        )
    x, q = _real("zeta", x, q)
    return _spm.zeta(x, q)


def erfcx(x):
    """The scaled complementary error function ``exp(x^2) erfc(x)`` (real inputs).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.erfcx(1.0)), 6)
    0.427584
    """
    return _spm.erfcx(_real("erfcx", x))


def expi(x):
    """The exponential integral ``Ei(x) = -PV int_{-x}^inf exp(-t)/t dt``; derivative ``exp(x) / x``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.expi(1.0)), 6)
    1.895118
    """
    return _spm.expi(_real("expi", x))


def expn(n, x):
    """The generalized exponential integral ``E_n(x) = int_1^inf exp(-x t) / t^n dt`` for integer ``n``.

    Differentiable in ``x`` (``d/dx E_n = -E_{n-1}``), not in ``n`` (as in JAX).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.expn(2, 1.0)), 6)
    0.148496
    """
    n, x = _real("expn", n, x)
    return _spm.expn(n, x)


def exp1(x):
    """The exponential integral ``E_1(x) = expn(1, x)``.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.exp1(1.0)), 6)
    0.219384
    """
    x = _real("exp1", x)
    return _spm.expn(_fnp.ones_like(x), x)


def bernoulli(n: int):
    """The Bernoulli numbers ``B_0 .. B_n`` (``B_1 = -1/2``), ``n`` a static non-negative integer.

    >>> import fungrad.scipy.special as fsp
    >>> [round(float(b), 6) for b in fsp.bernoulli(4)]
    [1.0, -0.5, 0.166667, 0.0, -0.033333]
    """
    try:
        n = int(n)
    except Exception as e:
        raise _FungradTypeError(f"bernoulli: n must be a static (concrete) integer, got {n!r}") from e
    if n < 0:
        raise ValueError("bernoulli: n must be a non-negative integer.")
    b = [_Fraction(1)]
    for m in range(1, n + 1):  # sum_{k <= m} C(m + 1, k) B_k = 0, exact rationals
        b.append(-sum(_math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return _fnp.asarray(_np.array([float(v) for v in b]))
