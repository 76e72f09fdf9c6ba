"""The beta distribution, as ``jax.scipy.stats.beta``: density, and the CDF and survival function
through the regularized incomplete beta function (differentiable in ``x``, ``loc`` and ``scale``; as
in JAX, not in the shape parameters ``a`` and ``b``).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.beta.pdf(0.5, 2.0, 2.0)), 4)
1.5
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def logpdf(x, a, b, loc=0, scale=1):
    """``xlogy(a - 1, z) + xlog1py(b - 1, -z) - betaln(a, b) - log(scale)`` on ``[0, 1]``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.beta.logpdf(0.5, 2.0, 3.0)), 4)
    0.4055
    """
    x, a, b, loc, scale = _common.promote(x, a, b, loc, scale)
    z = _fnp.divide(_fnp.subtract(x, loc), scale)
    outside = _fnp.logical_or(_fnp.less(z, 0), _fnp.greater(z, 1))
    z = _fnp.where(outside, _fnp.full_like(z, 0.5), z)
    out = _fnp.add(_special.xlogy(_fnp.subtract(a, 1), z), _special.xlog1py(_fnp.subtract(b, 1), _fnp.negative(z)))
    return _common.neg_inf_where(outside, _fnp.subtract(out, _fnp.add(_special.betaln(a, b), _fnp.log(scale))))


def pdf(x, a, b, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.beta.pdf(0.5, 2.0, 3.0)), 4)
    1.5
    """
    return _fnp.exp(logpdf(x, a, b, loc, scale))


def _unit(x, loc, scale):
    return _fnp.clip(_fnp.divide(_fnp.subtract(x, loc), scale), 0, 1)


def cdf(x, a, b, loc=0, scale=1):
    """``I_z(a, b)`` with ``z = (x - loc) / scale`` clipped to ``[0, 1]``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.beta.cdf(0.4, 2.0, 3.0)), 4)
    0.5248
    """
    x, a, b, loc, scale = _common.promote(x, a, b, loc, scale)
    return _special.betainc(a, b, _unit(x, loc, scale))


def logcdf(x, a, b, loc=0, scale=1):
    """``log(cdf)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.beta.logcdf(0.4, 2.0, 3.0)), 4)
    -0.6447
    """
    return _fnp.log(cdf(x, a, b, loc, scale))


def sf(x, a, b, loc=0, scale=1):
    """Survival function ``1 - cdf``, computed as ``I_{1-z}(b, a)`` (accurate in the upper tail).

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.beta.sf(0.4, 2.0, 3.0)), 4)
    0.4752
    """
    x, a, b, loc, scale = _common.promote(x, a, b, loc, scale)
    return _special.betainc(b, a, _fnp.subtract(1, _unit(x, loc, scale)))


def logsf(x, a, b, loc=0, scale=1):
    """``log(sf)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.beta.logsf(0.4, 2.0, 3.0)), 4)
    -0.744
    """
    return _fnp.log(sf(x, a, b, loc, scale))
