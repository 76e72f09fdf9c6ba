"""The chi-squared distribution with ``df`` degrees of freedom: ``gamma(df / 2, scale=2)``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.chi2.cdf(2.0, 2.0)), 6)  # 1 - exp(-1)
0.632121
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
    """Log density."""
    return _gamma.logpdf(*_as_gamma(x, df, loc, scale))


def pdf(x, df, loc=0, scale=1):
    """Density."""
    return _gamma.pdf(*_as_gamma(x, df, loc, scale))


def cdf(x, df, loc=0, scale=1):
    """Cumulative distribution function."""
    return _gamma.cdf(*_as_gamma(x, df, loc, scale))


def logcdf(x, df, loc=0, scale=1):
    """``log(cdf)``."""
    return _gamma.logcdf(*_as_gamma(x, df, loc, scale))


def sf(x, df, loc=0, scale=1):
    """Survival function."""
    return _gamma.sf(*_as_gamma(x, df, loc, scale))


def logsf(x, df, loc=0, scale=1):
    """``log(sf)``."""
    return _gamma.logsf(*_as_gamma(x, df, loc, scale))
