"""The beta distribution, as ``jax.scipy.stats.beta`` (density only: the CDF needs the regularized
incomplete beta function, which fungrad does not have yet).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.beta.pdf(0.5, 2.0, 2.0)), 4)
1.5
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpdf", "pdf"]


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
