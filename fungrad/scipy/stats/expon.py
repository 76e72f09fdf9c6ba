"""The exponential distribution, as ``jax.scipy.stats.expon`` (support ``x >= loc``).

>>> import fungrad.scipy.stats as fst
>>> float(fst.expon.pdf(0.0)), round(float(fst.expon.cdf(1.0)), 6)
(1.0, 0.632121)
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad.scipy.stats._common import neg_inf_where, promote, standardize

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]


def _z(x, loc, scale):
    z, scale = standardize(x, loc, scale)
    outside = fnp.less(z, 0)
    return fnp.where(outside, fnp.zeros_like(z), z), outside, scale


def logpdf(x, loc=0, scale=1):
    """``-z - log(scale)`` on the support, ``-inf`` below it."""
    z, outside, scale = _z(x, loc, scale)
    return neg_inf_where(outside, fnp.subtract(fnp.negative(z), fnp.log(scale)))


def pdf(x, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``1 - exp(-z)`` (0 below the support)."""
    z, outside, _ = _z(x, loc, scale)
    return fnp.where(outside, fnp.zeros_like(z), fnp.negative(fnp.expm1(fnp.negative(z))))


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``."""
    return fnp.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    """``exp(-z)`` (1 below the support)."""
    return fnp.exp(logsf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    """``-z`` (0 below the support)."""
    z, outside, _ = _z(x, loc, scale)
    return fnp.negative(z)


def ppf(q, loc=0, scale=1):
    """Quantile ``loc - scale log1p(-q)``."""
    q, loc, scale = promote(q, loc, scale)
    return fnp.subtract(loc, fnp.multiply(scale, fnp.log1p(fnp.negative(q))))
