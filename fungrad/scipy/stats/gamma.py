"""The gamma distribution with shape ``a``, as ``jax.scipy.stats.gamma`` (support ``x >= loc``).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.gamma.pdf(1.0, 1.0)), 6), round(float(fst.gamma.cdf(1.0, 1.0)), 6)
(0.367879, 0.632121)
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import neg_inf_where, promote

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _z(x, a, loc, scale):
    x, a, loc, scale = promote(x, a, loc, scale)
    z = fnp.divide(fnp.subtract(x, loc), scale)
    outside = fnp.less(z, 0)
    return fnp.where(outside, fnp.ones_like(z), z), a, scale, outside


def logpdf(x, a, loc=0, scale=1):
    """``xlogy(a - 1, z) - z - gammaln(a) - log(scale)`` on the support, ``-inf`` below it."""
    z, a, scale, outside = _z(x, a, loc, scale)
    out = fnp.subtract(special.xlogy(fnp.subtract(a, 1), z), z)
    return neg_inf_where(outside, fnp.subtract(out, fnp.add(special.gammaln(a), fnp.log(scale))))


def pdf(x, a, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, a, loc, scale))


def cdf(x, a, loc=0, scale=1):
    """``gammainc(a, z)`` (0 below the support)."""
    z, a, _, outside = _z(x, a, loc, scale)
    return fnp.where(outside, fnp.zeros_like(z), special.gammainc(a, z))


def logcdf(x, a, loc=0, scale=1):
    """``log(cdf)``."""
    return fnp.log(cdf(x, a, loc, scale))


def sf(x, a, loc=0, scale=1):
    """``gammaincc(a, z)`` (1 below the support)."""
    z, a, _, outside = _z(x, a, loc, scale)
    return fnp.where(outside, fnp.ones_like(z), special.gammaincc(a, z))


def logsf(x, a, loc=0, scale=1):
    """``log(sf)``."""
    return fnp.log(sf(x, a, loc, scale))
