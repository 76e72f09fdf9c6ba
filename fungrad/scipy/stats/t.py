"""Student's t distribution with ``df`` degrees of freedom, as ``jax.scipy.stats.t``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.t.pdf(0.0, 1.0)), 6)  # Cauchy at 0: 1/pi
0.31831
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import promote

__all__ = ["logpdf", "pdf"]


def logpdf(x, df, loc=0, scale=1):
    """``lgamma((df+1)/2) - lgamma(df/2) - log(df pi)/2 - log(scale) - (df+1)/2 log1p(z^2/df)``."""
    x, df, loc, scale = promote(x, df, loc, scale)
    z = fnp.divide(fnp.subtract(x, loc), scale)
    half_df_plus = fnp.multiply(0.5, fnp.add(df, 1))
    norm = fnp.subtract(special.gammaln(half_df_plus), special.gammaln(fnp.multiply(0.5, df)))
    norm = fnp.subtract(norm, fnp.add(fnp.multiply(0.5, fnp.log(fnp.multiply(float(np.pi), df))), fnp.log(scale)))
    return fnp.subtract(norm, fnp.multiply(half_df_plus, fnp.log1p(fnp.divide(fnp.multiply(z, z), df))))


def pdf(x, df, loc=0, scale=1):
    """Density."""
    return fnp.exp(logpdf(x, df, loc, scale))
