"""The binomial distribution, as ``jax.scipy.stats.binom``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.binom.pmf(1.0, 2.0, 0.5)), 6)
0.5
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpmf", "pmf"]


def logpmf(k, n, p, loc=0):
    """``log C(n, x) + xlogy(x, p) + xlog1py(n - x, -p)`` for integer ``x = k - loc`` in ``[0, n]``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.binom.logpmf(1.0, 3.0, 0.4)), 4)
    -0.8393
    """
    k, n, p, loc = _common.promote(k, n, p, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.logical_or(_fnp.logical_or(_fnp.less(x, 0), _fnp.greater(x, n)), _fnp.not_equal(_fnp.floor(x), x))
    x = _fnp.where(outside, _fnp.zeros_like(x), x)
    comb = _fnp.subtract(_special.gammaln(_fnp.add(n, 1)), _special.gammaln(_fnp.add(x, 1)))
    comb = _fnp.subtract(comb, _special.gammaln(_fnp.add(_fnp.subtract(n, x), 1)))
    out = _fnp.add(comb, _fnp.add(_special.xlogy(x, p), _special.xlog1py(_fnp.subtract(n, x), _fnp.negative(p))))
    return _common.neg_inf_where(outside, out)


def pmf(k, n, p, loc=0):
    """Probability mass.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.binom.pmf(1.0, 3.0, 0.4)), 4)
    0.432
    """
    return _fnp.exp(logpmf(k, n, p, loc))
