"""The Cauchy distribution, as ``jax.scipy.stats.cauchy``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.cauchy.cdf(0.0)), round(float(fst.cauchy.ppf(0.75)), 6)
(0.5, 1.0)
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]


def logpdf(x, loc=0, scale=1):
    """``-log(pi) - log(scale) - log1p(z^2)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.logpdf(0.5)), 4)
    -1.3679
    """
    z, scale = _common.standardize(x, loc, scale)
    return _fnp.negative(_fnp.add(_fnp.add(_fnp.log(scale), float(_np.log(_np.pi))), _fnp.log1p(_fnp.multiply(z, z))))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.pdf(0.5)), 4)
    0.2546
    """
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``1/2 + atan(z) / pi``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.cdf(0.5)), 4)
    0.6476
    """
    z, _ = _common.standardize(x, loc, scale)
    return _fnp.add(0.5, _fnp.divide(_fnp.arctan(z), float(_np.pi)))


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.logcdf(0.5)), 4)
    -0.4345
    """
    return _fnp.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    """Survival function ``1 - cdf = cdf(-z)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.sf(0.5)), 4)
    0.3524
    """
    z, _ = _common.standardize(x, loc, scale)
    return _fnp.subtract(0.5, _fnp.divide(_fnp.arctan(z), float(_np.pi)))


def logsf(x, loc=0, scale=1):
    """``log(sf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.logsf(0.5)), 4)
    -1.0429
    """
    return _fnp.log(sf(x, loc, scale))


def ppf(q, loc=0, scale=1):
    """Quantile ``loc + scale tan(pi (q - 1/2))``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.ppf(0.25)), 4)
    -1.0
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.add(loc, _fnp.multiply(scale, _fnp.tan(_fnp.multiply(float(_np.pi), _fnp.subtract(q, 0.5)))))


def isf(q, loc=0, scale=1):
    """Inverse survival function ``loc + scale tan(pi (1/2 - q))``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.cauchy.isf(0.25)), 4)
    1.0
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.add(loc, _fnp.multiply(scale, _fnp.tan(_fnp.multiply(float(_np.pi), _fnp.subtract(0.5, q)))))
