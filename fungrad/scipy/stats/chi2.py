"""The chi-squared distribution with ``df`` degrees of freedom: ``gamma(df / 2, scale=2)``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.chi2.cdf(2.0, 2.0)), 4)  # 1 - exp(-1)
0.6321
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common
from fungrad.scipy.stats import gamma as _gamma

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _as_gamma(x, df, loc, scale):
    x, df, loc, scale = _common.promote(x, df, loc, scale)
    return x, _fnp.multiply(0.5, df), loc, _fnp.multiply(2, scale)


def logpdf(x, df, loc=0, scale=1):
    """Log density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.chi2.logpdf(0.5, 3.0)), 4)
    -1.5155
    """
    return _gamma.logpdf(*_as_gamma(x, df, loc, scale))


def pdf(x, df, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.chi2.pdf(0.5, 3.0)), 4)
    0.2197
    """
    return _gamma.pdf(*_as_gamma(x, df, loc, scale))


def cdf(x, df, loc=0, scale=1):
    """Cumulative distribution function.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.chi2.cdf(0.5, 3.0)), 4)
    0.0811
    """
    return _gamma.cdf(*_as_gamma(x, df, loc, scale))


def logcdf(x, df, loc=0, scale=1):
    """``log(cdf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.chi2.logcdf(0.5, 3.0)), 4)
    -2.512
    """
    return _gamma.logcdf(*_as_gamma(x, df, loc, scale))


def sf(x, df, loc=0, scale=1):
    """Survival function.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.chi2.sf(0.5, 3.0)), 4)
    0.9189
    """
    return _gamma.sf(*_as_gamma(x, df, loc, scale))


def logsf(x, df, loc=0, scale=1):
    """``log(sf)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.chi2.logsf(0.5, 3.0)), 4)
    -0.0846
    """
    return _gamma.logsf(*_as_gamma(x, df, loc, scale))
