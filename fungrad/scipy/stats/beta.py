"""The beta distribution, as ``jax.scipy.stats.beta`` (density only: the CDF needs the regularized
incomplete beta function, which fungrad does not have yet).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.beta.pdf(0.5, 2.0, 2.0)), 6)
1.5
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import neg_inf_where, promote

__all__ = ["logpdf", "pdf"]


def logpdf(x, a, b, loc=0, scale=1):
    """``xlogy(a - 1, z) + xlog1py(b - 1, -z) - betaln(a, b) - log(scale)`` on ``[0, 1]``."""
    x, a, b, loc, scale = promote(x, a, b, loc, scale)
    z = fnp.divide(fnp.subtract(x, loc), scale)
    outside = fnp.logical_or(fnp.less(z, 0), fnp.greater(z, 1))
    z = fnp.where(outside, fnp.full_like(z, 0.5), z)
    out = fnp.add(special.xlogy(fnp.subtract(a, 1), z), special.xlog1py(fnp.subtract(b, 1), fnp.negative(z)))
    return neg_inf_where(outside, fnp.subtract(out, fnp.add(special.betaln(a, b), fnp.log(scale))))


def pdf(x, a, b, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, a, b, loc, scale))
