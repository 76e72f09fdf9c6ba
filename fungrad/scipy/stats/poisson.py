"""The Poisson distribution with mean ``mu``, as ``jax.scipy.stats.poisson``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.poisson.pmf(0.0, 2.0)), 6), round(float(fst.poisson.cdf(0.0, 2.0)), 6)
(0.135335, 0.135335)
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logpmf", "pmf"]


def logpmf(k, mu, loc=0):
    """``xlogy(k, mu) - gammaln(k + 1) - mu`` at non-negative integers ``k - loc``, ``-inf`` elsewhere.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.logpmf(2.0, 1.5)), 4)
    -1.3822
    """
    k, mu, loc = _common.promote(k, mu, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.logical_or(_fnp.less(x, 0), _fnp.not_equal(_fnp.floor(x), x))
    x = _fnp.where(outside, _fnp.zeros_like(x), x)
    out = _fnp.subtract(_fnp.subtract(_special.xlogy(x, mu), _special.gammaln(_fnp.add(x, 1))), mu)
    return _common.neg_inf_where(outside, out)


def pmf(k, mu, loc=0):
    """Probability mass.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.pmf(2.0, 1.5)), 4)
    0.251
    """
    return _fnp.exp(logpmf(k, mu, loc))


def cdf(k, mu, loc=0):
    """``gammaincc(floor(k - loc) + 1, mu)`` (0 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.cdf(2.0, 1.5)), 4)
    0.8088
    """
    k, mu, loc = _common.promote(k, mu, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.less(x, 0)
    p = _special.gammaincc(_fnp.add(_fnp.floor(_fnp.where(outside, _fnp.zeros_like(x), x)), 1), mu)
    return _fnp.where(outside, _fnp.zeros_like(p), p)
