"""The gamma distribution with shape ``a``, as ``jax.scipy.stats.gamma`` (support ``x >= loc``).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.gamma.pdf(1.0, 1.0)), 4), round(float(fst.gamma.cdf(1.0, 1.0)), 4)
(0.3679, 0.6321)
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _z(x, a, loc, scale):
    x, a, loc, scale = _common.promote(x, a, loc, scale)
    z = _fnp.divide(_fnp.subtract(x, loc), scale)
    outside = _fnp.less(z, 0)
    return _fnp.where(outside, _fnp.ones_like(z), z), a, scale, outside


def logpdf(x, a, loc=0, scale=1):
    """``xlogy(a - 1, z) - z - gammaln(a) - log(scale)`` on the support, ``-inf`` below it.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.gamma.logpdf(0.5, 2.0)), 4)
    -1.1931
    """
    z, a, scale, outside = _z(x, a, loc, scale)
    out = _fnp.subtract(_special.xlogy(_fnp.subtract(a, 1), z), z)
    return _common.neg_inf_where(outside, _fnp.subtract(out, _fnp.add(_special.gammaln(a), _fnp.log(scale))))


def pdf(x, a, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.gamma.pdf(0.5, 2.0)), 4)
    0.3033
    """
    return _fnp.exp(logpdf(x, a, loc, scale))


def cdf(x, a, loc=0, scale=1):
    """``gammainc(a, z)`` (0 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.gamma.cdf(0.5, 2.0)), 4)
    0.0902
    """
    z, a, _, outside = _z(x, a, loc, scale)
    return _fnp.where(outside, _fnp.zeros_like(z), _special.gammainc(a, z))


def logcdf(x, a, loc=0, scale=1):
    """``log(cdf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.gamma.logcdf(0.5, 2.0)), 4)
    -2.4057
    """
    return _fnp.log(cdf(x, a, loc, scale))


def sf(x, a, loc=0, scale=1):
    """``gammaincc(a, z)`` (1 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.gamma.sf(0.5, 2.0)), 4)
    0.9098
    """
    z, a, _, outside = _z(x, a, loc, scale)
    return _fnp.where(outside, _fnp.ones_like(z), _special.gammaincc(a, z))


def logsf(x, a, loc=0, scale=1):
    """``log(sf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.gamma.logsf(0.5, 2.0)), 4)
    -0.0945
    """
    return _fnp.log(sf(x, a, loc, scale))
