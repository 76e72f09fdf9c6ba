"""The logistic distribution, as ``jax.scipy.stats.logistic``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.logistic.cdf(0.0)), float(fst.logistic.pdf(0.0))
(0.5, 0.25)
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "isf", "logpdf", "pdf", "ppf", "sf"]


def logpdf(x, loc=0, scale=1):
    """``-z - 2 log1p(exp(-z)) - log(scale)``, written with ``logaddexp`` for large ``|z|``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.logistic.logpdf(0.5)), 4)
    -1.4482
    """
    z, scale = _common.standardize(x, loc, scale)
    softplus = _fnp.logaddexp(_fnp.zeros_like(z), _fnp.negative(z))
    return _fnp.subtract(_fnp.subtract(_fnp.negative(z), _fnp.multiply(2, softplus)), _fnp.log(scale))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.logistic.pdf(0.5)), 4)
    0.235
    """
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``expit(z)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.logistic.cdf(0.5)), 4)
    0.6225
    """
    return _special.expit(_common.standardize(x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    """``expit(-z)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.logistic.sf(0.5)), 4)
    0.3775
    """
    return _special.expit(_fnp.negative(_common.standardize(x, loc, scale)[0]))


def ppf(q, loc=0, scale=1):
    """``loc + scale logit(q)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.logistic.ppf(0.25)), 4)
    -1.0986
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.add(loc, _fnp.multiply(scale, _special.logit(q)))


def isf(q, loc=0, scale=1):
    """``loc - scale logit(q)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.logistic.isf(0.25)), 4)
    1.0986
    """
    q, loc, scale = _common.promote(q, loc, scale)
    return _fnp.subtract(loc, _fnp.multiply(scale, _special.logit(q)))
