"""The generalized normal distribution with shape ``beta`` (density ``beta / (2 Gamma(1/beta))
exp(-|x|^beta)``), as ``jax.scipy.stats.gennorm`` (no ``loc``/``scale``, as in JAX).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.gennorm.cdf(0.0, 2.0)), 6)
0.5
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logpdf", "pdf"]


def logpdf(x, beta):
    """``log(beta / 2) - gammaln(1 / beta) - |x|^beta``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gennorm.logpdf(0.5, 2.0)), 6)
    -0.822365
    """
    x, beta = _common.promote(x, beta)
    out = _fnp.subtract(_fnp.log(_fnp.multiply(0.5, beta)), _special.gammaln(_fnp.divide(1, beta)))
    return _fnp.subtract(out, _fnp.power(_fnp.abs(x), beta))


def pdf(x, beta):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gennorm.pdf(0.5, 2.0)), 6)
    0.439391
    """
    return _fnp.exp(logpdf(x, beta))


def cdf(x, beta):
    """``(1 + sign(x) P(1/beta, |x|^beta)) / 2`` (``P`` the regularized lower incomplete gamma function).

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.gennorm.cdf(0.5, 2.0)), 6)
    0.76025
    """
    x, beta = _common.promote(x, beta)
    p = _special.gammainc(_fnp.divide(1, beta), _fnp.power(_fnp.abs(x), beta))
    return _fnp.multiply(0.5, _fnp.add(1, _fnp.multiply(_fnp.sign(x), p)))
