"""The Laplace distribution, as ``jax.scipy.stats.laplace``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.laplace.pdf(0.0)), 6), float(fst.laplace.cdf(0.0))
(0.5, 0.5)
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logpdf", "pdf"]


def logpdf(x, loc=0, scale=1):
    """``-log(2 scale) - |z|``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.laplace.logpdf(0.5)), 4)
    -1.1931
    """
    z, scale = _common.standardize(x, loc, scale)
    return _fnp.negative(_fnp.add(_fnp.add(_fnp.log(scale), float(_np.log(2.0))), _fnp.abs(z)))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.laplace.pdf(0.5)), 4)
    0.3033
    """
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``exp(z)/2`` for ``z <= 0``, ``1 - exp(-z)/2`` above (each branch sees only its own side).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.laplace.cdf(0.5)), 4)
    0.6967
    """
    z, _ = _common.standardize(x, loc, scale)
    below = _fnp.less_equal(z, 0)
    low = _fnp.multiply(0.5, _fnp.exp(_fnp.where(below, z, _fnp.zeros_like(z))))
    high = _fnp.subtract(1, _fnp.multiply(0.5, _fnp.exp(_fnp.negative(_fnp.where(below, _fnp.zeros_like(z), z)))))
    return _fnp.where(below, low, high)
