"""The logistic distribution, as ``jax.scipy.stats.logistic``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.logistic.cdf(0.0)), float(fst.logistic.pdf(0.0))
(0.5, 0.25)
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import promote, standardize

__all__ = ["cdf", "isf", "logpdf", "pdf", "ppf", "sf"]


def logpdf(x, loc=0, scale=1):
    """``-z - 2 log1p(exp(-z)) - log(scale)``, written with ``logaddexp`` for large ``|z|``."""
    z, scale = standardize(x, loc, scale)
    softplus = fnp.logaddexp(fnp.zeros_like(z), fnp.negative(z))
    return fnp.subtract(fnp.subtract(fnp.negative(z), fnp.multiply(2, softplus)), fnp.log(scale))


def pdf(x, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``expit(z)``."""
    return special.expit(standardize(x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    """``expit(-z)``."""
    return special.expit(fnp.negative(standardize(x, loc, scale)[0]))


def ppf(q, loc=0, scale=1):
    """``loc + scale logit(q)``."""
    q, loc, scale = promote(q, loc, scale)
    return fnp.add(loc, fnp.multiply(scale, special.logit(q)))


def isf(q, loc=0, scale=1):
    """``loc - scale logit(q)``."""
    q, loc, scale = promote(q, loc, scale)
    return fnp.subtract(loc, fnp.multiply(scale, special.logit(q)))
