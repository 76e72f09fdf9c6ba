"""Student's t distribution with ``df`` degrees of freedom, as ``jax.scipy.stats.t``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.t.pdf(0.0, 1.0)), 6)  # Cauchy at 0: 1/pi
0.31831
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpdf", "pdf"]


def logpdf(x, df, loc=0, scale=1):
    """``lgamma((df+1)/2) - lgamma(df/2) - log(df pi)/2 - log(scale) - (df+1)/2 log1p(z^2/df)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.t.logpdf(0.5, 3.0)), 4)
    -1.161
    """
    x, df, loc, scale = _common.promote(x, df, loc, scale)
    z = _fnp.divide(_fnp.subtract(x, loc), scale)
    half_df_plus = _fnp.multiply(0.5, _fnp.add(df, 1))
    norm = _fnp.subtract(_special.gammaln(half_df_plus), _special.gammaln(_fnp.multiply(0.5, df)))
    norm = _fnp.subtract(
        norm, _fnp.add(_fnp.multiply(0.5, _fnp.log(_fnp.multiply(float(_np.pi), df))), _fnp.log(scale))
    )
    return _fnp.subtract(norm, _fnp.multiply(half_df_plus, _fnp.log1p(_fnp.divide(_fnp.multiply(z, z), df))))


def pdf(x, df, loc=0, scale=1):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.t.pdf(0.5, 3.0)), 4)
    0.3132
    """
    return _fnp.exp(logpdf(x, df, loc, scale))
