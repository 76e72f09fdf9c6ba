"""The Poisson distribution with mean ``mu``, as ``jax.scipy.stats.poisson``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.poisson.pmf(0.0, 2.0)), 6), round(float(fst.poisson.cdf(0.0, 2.0)), 6)
(0.135335, 0.135335)
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import neg_inf_where, promote

__all__ = ["cdf", "logpmf", "pmf"]


def logpmf(k, mu, loc=0):
    """``xlogy(k, mu) - gammaln(k + 1) - mu`` at non-negative integers ``k - loc``, ``-inf`` elsewhere."""
    k, mu, loc = promote(k, mu, loc)
    x = fnp.subtract(k, loc)
    outside = fnp.logical_or(fnp.less(x, 0), fnp.not_equal(fnp.floor(x), x))
    x = fnp.where(outside, fnp.zeros_like(x), x)
    out = fnp.subtract(fnp.subtract(special.xlogy(x, mu), special.gammaln(fnp.add(x, 1))), mu)
    return neg_inf_where(outside, out)


def pmf(k, mu, loc=0):
    """Probability mass."""
    return fnp.exp(logpmf(k, mu, loc))


def cdf(k, mu, loc=0):
    """``gammaincc(floor(k - loc) + 1, mu)`` (0 below the support)."""
    k, mu, loc = promote(k, mu, loc)
    x = fnp.subtract(k, loc)
    outside = fnp.less(x, 0)
    p = special.gammaincc(fnp.add(fnp.floor(fnp.where(outside, fnp.zeros_like(x), x)), 1), mu)
    return fnp.where(outside, fnp.zeros_like(p), p)
