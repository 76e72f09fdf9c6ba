"""The normal distribution ``N(loc, scale^2)``, as ``jax.scipy.stats.norm``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.norm.logpdf(0.0)), 6), float(fst.norm.cdf(0.0))
(-0.918939, 0.5)
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]

_HALF_LOG_TWO_PI = 0.5 * float(_np.log(2 * _np.pi))


def logpdf(x, loc=0, scale=1):
    """Log density ``-z^2/2 - log(scale) - log(2 pi)/2`` with ``z = (x - loc) / scale``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.logpdf(0.5)), 4)
    -1.0439
    """
    z, scale = _common.standardize(x, loc, scale)
    return _fnp.subtract(_fnp.multiply(-0.5, _fnp.multiply(z, z)), _fnp.add(_fnp.log(scale), _HALF_LOG_TWO_PI))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.pdf(0.5)), 4)
    0.3521
    """
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """Cumulative distribution function ``ndtr(z)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.cdf(0.5)), 4)
    0.6915
    """
    return _special.ndtr(_common.standardize(x, loc, scale)[0])


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``, accurate in the tails.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.logcdf(0.5)), 4)
    -0.3689
    """
    return _special.log_ndtr(_common.standardize(x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    """Survival function ``1 - cdf``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.sf(0.5)), 4)
    0.3085
    """
    return _special.ndtr(_fnp.negative(_common.standardize(x, loc, scale)[0]))


def logsf(x, loc=0, scale=1):
    """``log(sf)``, accurate in the tails.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.logsf(0.5)), 4)
    -1.1759
    """
    return _special.log_ndtr(_fnp.negative(_common.standardize(x, loc, scale)[0]))


def ppf(q, loc=0, scale=1):
    """Quantile function (inverse of :func:`cdf`).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.ppf(0.25)), 4)
    -0.6745
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.add(_fnp.multiply(_special.ndtri(q), scale), loc)


def isf(q, loc=0, scale=1):
    """Inverse survival function ``ppf(1 - q)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.norm.isf(0.25)), 4)
    0.6745
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.subtract(loc, _fnp.multiply(_special.ndtri(q), scale))
