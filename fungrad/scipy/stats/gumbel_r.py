"""The right-skewed Gumbel distribution (of maxima), as ``jax.scipy.stats.gumbel_r``: with
``z = (x - loc) / scale``, ``cdf = exp(-exp(-z))``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.gumbel_r.cdf(0.0)), 6)
0.367879
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]


def _log1mexp(t):
    # log(1 - exp(-t)) for t > 0, through expm1 near 0 and log1p far out (both accurate there)
    near = _fnp.less(t, float(_np.log(2.0)))
    safe_near = _fnp.where(near, t, _fnp.ones_like(t))
    safe_far = _fnp.where(near, _fnp.ones_like(t), t)
    return _fnp.where(
        near,
        _fnp.log(_fnp.negative(_fnp.expm1(_fnp.negative(safe_near)))),
        _fnp.log1p(_fnp.negative(_fnp.exp(_fnp.negative(safe_far)))),
    )


def _z(x, loc, scale):
    x, loc, scale = _common.promote(x, loc, scale)
    ok = _fnp.greater(scale, 0)
    safe_scale = _fnp.where(ok, scale, _fnp.ones_like(scale))
    return _fnp.divide(_fnp.subtract(x, loc), safe_scale), safe_scale, ok


def _nan_unless(ok, value):
    return _fnp.where(ok, value, _fnp.full_like(value, _np.nan))


def logpdf(x, loc=0, scale=1):
    """Log density; NaN for ``scale <= 0``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.logpdf(0.5)), 6)
    -1.106531
    """
    z, scale, ok = _z(x, loc, scale)
    return _nan_unless(ok, _fnp.subtract(_fnp.negative(_fnp.add(z, _fnp.exp(_fnp.negative(z)))), _fnp.log(scale)))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.pdf(0.5)), 6)
    0.330704
    """
    return _fnp.exp(logpdf(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    """``log(cdf)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.logcdf(0.5)), 6)
    -0.606531
    """
    z, scale, ok = _z(x, loc, scale)
    return _nan_unless(ok, _fnp.negative(_fnp.exp(_fnp.negative(z))))


def cdf(x, loc=0, scale=1):
    """Cumulative distribution function.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.cdf(0.5)), 6)
    0.545239
    """
    return _fnp.exp(logcdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    """``log(1 - cdf)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.logsf(0.5)), 6)
    -0.787984
    """
    z, scale, ok = _z(x, loc, scale)
    return _nan_unless(ok, _log1mexp(_fnp.exp(_fnp.negative(z))))


def sf(x, loc=0, scale=1):
    """Survival function ``1 - cdf``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.sf(0.5)), 6)
    0.454761
    """
    return _fnp.exp(logsf(x, loc, scale))


def ppf(p, loc=0, scale=1):
    """Quantile function (inverse of :func:`cdf`); NaN outside ``(0, 1)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gumbel_r.ppf(0.5)), 6)
    0.366513
    """
    p, loc, scale = _common.promote(p, loc, scale)
    ok = _fnp.logical_and(_fnp.greater(p, 0), _fnp.less(p, 1))
    p = _fnp.where(ok, p, _fnp.full_like(p, 0.5))
    return _nan_unless(ok, _fnp.subtract(loc, _fnp.multiply(scale, _fnp.log(_fnp.negative(_fnp.log(p))))))
