"""The normal distribution ``N(loc, scale^2)``, as ``jax.scipy.stats.norm``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.norm.logpdf(0.0)), 6), float(fst.norm.cdf(0.0))
(-0.918939, 0.5)
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import promote, standardize

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]

_HALF_LOG_TWO_PI = 0.5 * float(np.log(2 * np.pi))


def logpdf(x, loc=0, scale=1):
    """Log density ``-z^2/2 - log(scale) - log(2 pi)/2`` with ``z = (x - loc) / scale``."""
    z, scale = standardize(x, loc, scale)
    return fnp.subtract(fnp.multiply(-0.5, fnp.multiply(z, z)), fnp.add(fnp.log(scale), _HALF_LOG_TWO_PI))


def pdf(x, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """Cumulative distribution function ``ndtr(z)``."""
    return special.ndtr(standardize(x, loc, scale)[0])


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``, accurate in the tails."""
    return special.log_ndtr(standardize(x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    """Survival function ``1 - cdf``."""
    return special.ndtr(fnp.negative(standardize(x, loc, scale)[0]))


def logsf(x, loc=0, scale=1):
    """``log(sf)``, accurate in the tails."""
    return special.log_ndtr(fnp.negative(standardize(x, loc, scale)[0]))


def ppf(q, loc=0, scale=1):
    """Quantile function (inverse of :func:`cdf`)."""
    q, loc, scale = promote(q, loc, scale)
    return fnp.add(fnp.multiply(special.ndtri(q), scale), loc)


def isf(q, loc=0, scale=1):
    """Inverse survival function ``ppf(1 - q)``."""
    q, loc, scale = promote(q, loc, scale)
    return fnp.subtract(loc, fnp.multiply(special.ndtri(q), scale))
