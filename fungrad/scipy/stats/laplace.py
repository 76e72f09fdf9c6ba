"""The Laplace distribution, as ``jax.scipy.stats.laplace``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.laplace.pdf(0.0)), 6), float(fst.laplace.cdf(0.0))
(0.5, 0.5)
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as fnp
from fungrad.scipy.stats._common import standardize

__all__ = ["cdf", "logpdf", "pdf"]


def logpdf(x, loc=0, scale=1):
    """``-log(2 scale) - |z|``."""
    z, scale = standardize(x, loc, scale)
    return fnp.negative(fnp.add(fnp.add(fnp.log(scale), float(np.log(2.0))), fnp.abs(z)))


def pdf(x, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``exp(z)/2`` for ``z <= 0``, ``1 - exp(-z)/2`` above (each branch sees only its own side)."""
    z, _ = standardize(x, loc, scale)
    below = fnp.less_equal(z, 0)
    low = fnp.multiply(0.5, fnp.exp(fnp.where(below, z, fnp.zeros_like(z))))
    high = fnp.subtract(1, fnp.multiply(0.5, fnp.exp(fnp.negative(fnp.where(below, fnp.zeros_like(z), z)))))
    return fnp.where(below, low, high)
