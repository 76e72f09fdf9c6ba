"""The Pareto distribution with shape ``b``, as ``jax.scipy.stats.pareto`` (support ``x >= loc + scale``).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.pareto.pdf(2.0, 3.0)), 6)
0.1875
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]


def _setup(x, b, loc, scale):
    x, b, loc, scale = _common.promote(x, b, loc, scale)
    below = _fnp.less(x, _fnp.add(loc, scale))
    z = _fnp.divide(_fnp.subtract(x, loc), scale)
    return _fnp.where(below, _fnp.ones_like(z), z), b, scale, below  # z safe (>= 1) below the support


def logpdf(x, b, loc=0, scale=1):
    """``log(b / scale) - (b + 1) log(z)`` with ``z = (x - loc) / scale >= 1``, ``-inf`` below.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.logpdf(2.0, 3.0)), 6)
    -1.673976
    """
    z, b, scale, below = _setup(x, b, loc, scale)
    out = _fnp.negative(_fnp.add(_fnp.log(_fnp.divide(scale, b)), _fnp.multiply(_fnp.add(b, 1), _fnp.log(z))))
    return _common.neg_inf_where(below, out)


def pdf(x, b, loc=0, scale=1):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.pdf(2.0, 3.0)), 6)
    0.1875
    """
    return _fnp.exp(logpdf(x, b, loc, scale))


def cdf(x, b, loc=0, scale=1):
    """``1 - z^(-b)``, 0 below the support.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.cdf(2.0, 3.0)), 6)
    0.875
    """
    z, b, scale, below = _setup(x, b, loc, scale)
    out = _fnp.subtract(1, _fnp.power(z, _fnp.negative(b)))
    return _fnp.where(below, _fnp.zeros_like(out), out)


def logcdf(x, b, loc=0, scale=1):
    """``log1p(-z^(-b))``, ``-inf`` below the support.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.logcdf(2.0, 3.0)), 6)
    -0.133531
    """
    z, b, scale, below = _setup(x, b, loc, scale)
    return _common.neg_inf_where(below, _fnp.log1p(_fnp.negative(_fnp.power(z, _fnp.negative(b)))))


def logsf(x, b, loc=0, scale=1):
    """``-b log(z)``, 0 below the support.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.logsf(2.0, 3.0)), 6)
    -2.079442
    """
    z, b, scale, below = _setup(x, b, loc, scale)
    out = _fnp.negative(_fnp.multiply(b, _fnp.log(z)))
    return _fnp.where(below, _fnp.zeros_like(out), out)


def sf(x, b, loc=0, scale=1):
    """Survival function ``z^(-b)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.sf(2.0, 3.0)), 6)
    0.125
    """
    return _fnp.exp(logsf(x, b, loc, scale))


def ppf(q, b, loc=0, scale=1):
    """``loc + scale (1 - q)^(-1/b)`` for ``q`` in ``[0, 1]``, NaN elsewhere.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.pareto.ppf(0.875, 3.0)), 6)
    2.0
    """
    q, b, loc, scale = _common.promote(q, b, loc, scale)
    bad = _fnp.logical_or(_fnp.isnan(q), _fnp.logical_or(_fnp.less(q, 0), _fnp.greater(q, 1)))
    out = _fnp.add(loc, _fnp.multiply(scale, _fnp.power(_fnp.subtract(1, q), _fnp.negative(_fnp.divide(1, b)))))
    return _fnp.where(bad, _fnp.full_like(out, _np.nan), out)
