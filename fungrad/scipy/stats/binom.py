"""The binomial distribution, as ``jax.scipy.stats.binom``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.binom.pmf(1.0, 2.0, 0.5)), 6)
0.5
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import neg_inf_where, promote

__all__ = ["logpmf", "pmf"]


def logpmf(k, n, p, loc=0):
    """``log C(n, x) + xlogy(x, p) + xlog1py(n - x, -p)`` for integer ``x = k - loc`` in ``[0, n]``."""
    k, n, p, loc = promote(k, n, p, loc)
    x = fnp.subtract(k, loc)
    outside = fnp.logical_or(fnp.logical_or(fnp.less(x, 0), fnp.greater(x, n)), fnp.not_equal(fnp.floor(x), x))
    x = fnp.where(outside, fnp.zeros_like(x), x)
    comb = fnp.subtract(special.gammaln(fnp.add(n, 1)), special.gammaln(fnp.add(x, 1)))
    comb = fnp.subtract(comb, special.gammaln(fnp.add(fnp.subtract(n, x), 1)))
    out = fnp.add(comb, fnp.add(special.xlogy(x, p), special.xlog1py(fnp.subtract(n, x), fnp.negative(p))))
    return neg_inf_where(outside, out)


def pmf(k, n, p, loc=0):
    """Probability mass."""
    return fnp.exp(logpmf(k, n, p, loc))
