"""The normal distribution truncated to ``[a, b]`` (in standardized units), as
``jax.scipy.stats.truncnorm``. The normalizing mass ``Phi(b) - Phi(a)`` is taken in log space, from
the tail it lies in (so far tails keep their precision).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.truncnorm.cdf(0.0, -1.0, 1.0)), 6)
0.5
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common
from fungrad.scipy.stats import norm as _norm

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _log_diff(x, y):
    # log(exp(x) - exp(y)) for x >= y
    return _fnp.add(x, _fnp.log(_fnp.negative(_fnp.expm1(_fnp.subtract(y, x)))))


def _log_gauss_mass(a, b):
    """``log(Phi(b) - Phi(a))``: from the left tail when ``b <= 0``, the mirrored right tail when ``a > 0``,
    and ``log1p(-Phi(a) - Phi(-b))`` when the interval holds 0."""
    a, b = _fnp.broadcast_arrays(a, b)
    left, right = _fnp.less_equal(b, 0), _fnp.greater(a, 0)
    central = _fnp.logical_not(_fnp.logical_or(left, right))
    a_tail = _fnp.where(right, _fnp.negative(b), a)
    b_tail = _fnp.where(right, _fnp.negative(a), b)
    tail = _log_diff(_special.log_ndtr(b_tail), _special.log_ndtr(a_tail))
    mid = _fnp.log1p(_fnp.negative(_fnp.add(_special.ndtr(a), _special.ndtr(_fnp.negative(b)))))
    return _fnp.where(central, mid, tail)


def logpdf(x, a, b, loc=0, scale=1):
    """``norm.logpdf(x, loc, scale) - log(Phi(b) - Phi(a))`` inside ``[a, b]``, ``-inf`` outside, NaN if
    ``a >= b``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.truncnorm.logpdf(0.5, -1.0, 2.0)), 6)
    -0.843772
    """
    x, a, b, loc, scale = _common.promote(x, a, b, loc, scale)
    out = _fnp.subtract(_norm.logpdf(x, loc, scale), _log_gauss_mass(a, b))
    z = _fnp.divide(_fnp.subtract(x, loc), scale)
    out = _common.neg_inf_where(_fnp.logical_or(_fnp.less(z, a), _fnp.greater(z, b)), out)
    return _fnp.where(_fnp.greater_equal(a, b), _fnp.full_like(out, _np.nan), out)


def pdf(x, a, b, loc=0, scale=1):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.truncnorm.pdf(0.5, -1.0, 2.0)), 6)
    0.430085
    """
    return _fnp.exp(logpdf(x, a, b, loc, scale))


def logcdf(x, a, b, loc=0, scale=1):
    """``log(cdf)``: the mass of ``[a, z]`` over that of ``[a, b]``, or ``log1p(-sf)`` near 1.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.truncnorm.logcdf(0.5, -1.0, 2.0)), 6)
    -0.429429
    """
    x, a, b, loc, scale = _common.promote(x, a, b, loc, scale)
    x, a, b = _fnp.broadcast_arrays(x, a, b)
    z = _fnp.divide(_fnp.subtract(x, loc), scale)
    above, below = _fnp.greater_equal(z, b), _fnp.less_equal(z, a)
    # z kept strictly inside (a, b) for the branches that are not taken
    zs = _fnp.where(_fnp.logical_or(above, below), _fnp.multiply(0.5, _fnp.add(a, b)), z)
    total = _log_gauss_mass(a, b)
    log_cdf = _fnp.subtract(_log_gauss_mass(a, zs), total)
    log_sf = _fnp.subtract(_log_gauss_mass(zs, b), total)
    near_one = _fnp.greater(log_cdf, -0.1)
    out = _fnp.where(near_one, _fnp.log1p(_fnp.negative(_fnp.exp(log_sf))), log_cdf)
    out = _fnp.where(above, _fnp.zeros_like(out), _common.neg_inf_where(below, out))
    return _fnp.where(_fnp.greater_equal(a, b), _fnp.full_like(out, _np.nan), out)


def cdf(x, a, b, loc=0, scale=1):
    """Cumulative distribution function.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.truncnorm.cdf(0.5, -1.0, 2.0)), 6)
    0.65088
    """
    return _fnp.exp(logcdf(x, a, b, loc, scale))


def logsf(x, a, b, loc=0, scale=1):
    """``log(1 - cdf)``, the mirrored ``logcdf(-x, -b, -a, -loc, scale)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.truncnorm.logsf(0.5, -1.0, 2.0)), 6)
    -1.052341
    """
    x, a, b, loc, scale = _common.promote(x, a, b, loc, scale)
    return logcdf(_fnp.negative(x), _fnp.negative(b), _fnp.negative(a), _fnp.negative(loc), scale)


def sf(x, a, b, loc=0, scale=1):
    """Survival function ``1 - cdf``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.truncnorm.sf(0.5, -1.0, 2.0)), 6)
    0.34912
    """
    return _fnp.exp(logsf(x, a, b, loc, scale))
