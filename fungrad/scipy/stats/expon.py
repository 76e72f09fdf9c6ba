"""The exponential distribution, as ``jax.scipy.stats.expon`` (support ``x >= loc``).

>>> import fungrad.scipy.stats as fst
>>> float(fst.expon.pdf(0.0)), round(float(fst.expon.cdf(1.0)), 6)
(1.0, 0.632121)
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]


def _z(x, loc, scale):
    z, scale = _common.standardize(x, loc, scale)
    outside = _fnp.less(z, 0)
    return _fnp.where(outside, _fnp.zeros_like(z), z), outside, scale


def logpdf(x, loc=0, scale=1):
    """``-z - log(scale)`` on the support, ``-inf`` below it.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.logpdf(0.5)), 4)
    -0.5
    """
    z, outside, scale = _z(x, loc, scale)
    return _common.neg_inf_where(outside, _fnp.subtract(_fnp.negative(z), _fnp.log(scale)))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.pdf(0.5)), 4)
    0.6065
    """
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``1 - exp(-z)`` (0 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.cdf(0.5)), 4)
    0.3935
    """
    z, outside, _ = _z(x, loc, scale)
    return _fnp.where(outside, _fnp.zeros_like(z), _fnp.negative(_fnp.expm1(_fnp.negative(z))))


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.logcdf(0.5)), 4)
    -0.9328
    """
    return _fnp.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    """``exp(-z)`` (1 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.sf(0.5)), 4)
    0.6065
    """
    return _fnp.exp(logsf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    """``-z`` (0 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.logsf(0.5)), 4)
    -0.5
    """
    z, outside, _ = _z(x, loc, scale)
    return _fnp.negative(z)


def ppf(q, loc=0, scale=1):
    """Quantile ``loc - scale log1p(-q)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.expon.ppf(0.25)), 4)
    0.2877
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.subtract(loc, _fnp.multiply(scale, _fnp.log1p(_fnp.negative(q))))
