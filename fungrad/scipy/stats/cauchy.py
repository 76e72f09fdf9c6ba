"""The Cauchy distribution, as ``jax.scipy.stats.cauchy``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.cauchy.cdf(0.0)), round(float(fst.cauchy.ppf(0.75)), 6)
(0.5, 1.0)
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]


def logpdf(x, loc=0, scale=1):
    """``-log(pi) - log(scale) - log1p(z^2)``."""
    z, scale = _common.standardize(x, loc, scale)
    return _fnp.negative(_fnp.add(_fnp.add(_fnp.log(scale), float(np.log(np.pi))), _fnp.log1p(_fnp.multiply(z, z))))


def pdf(x, loc=0, scale=1):
    """Density."""
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``1/2 + atan(z) / pi``."""
    z, _ = _common.standardize(x, loc, scale)
    return _fnp.add(0.5, _fnp.divide(_fnp.arctan(z), float(np.pi)))


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``."""
    return _fnp.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    """Survival function ``1 - cdf = cdf(-z)``."""
    z, _ = _common.standardize(x, loc, scale)
    return _fnp.subtract(0.5, _fnp.divide(_fnp.arctan(z), float(np.pi)))


def logsf(x, loc=0, scale=1):
    """``log(sf)``."""
    return _fnp.log(sf(x, loc, scale))


def ppf(q, loc=0, scale=1):
    """Quantile ``loc + scale tan(pi (q - 1/2))``."""
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.add(loc, _fnp.multiply(scale, _fnp.tan(_fnp.multiply(float(np.pi), _fnp.subtract(q, 0.5)))))


def isf(q, loc=0, scale=1):
    """Inverse survival function ``loc + scale tan(pi (1/2 - q))``."""
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.add(loc, _fnp.multiply(scale, _fnp.tan(_fnp.multiply(float(np.pi), _fnp.subtract(0.5, q)))))
