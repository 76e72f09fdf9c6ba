"""The negative binomial distribution (failures before the ``n``-th success), as
``jax.scipy.stats.nbinom``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.nbinom.pmf(1.0, 2.0, 0.5)), 6)
0.25
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpmf", "pmf"]


def logpmf(k, n, p, loc=0):
    """``log C(y + n - 1, y) + n log(p) + y log(1 - p)`` with ``y = k - loc``, ``-inf`` for ``k < loc``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.nbinom.logpmf(2.0, 3.0, 0.4)), 6)
    -1.978764
    """
    k, n, p, loc = _common.promote(k, n, p, loc)
    outside = _fnp.less(k, loc)
    y = _fnp.where(outside, _fnp.zeros_like(k), _fnp.subtract(k, loc))
    comb = _fnp.subtract(
        _fnp.subtract(_special.gammaln(_fnp.add(y, n)), _special.gammaln(n)), _special.gammaln(_fnp.add(y, 1))
    )
    linear = _fnp.add(_special.xlogy(n, p), _special.xlogy(y, _fnp.subtract(1, p)))
    return _common.neg_inf_where(outside, _fnp.add(comb, linear))


def pmf(k, n, p, loc=0):
    """Probability mass.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.nbinom.pmf(2.0, 3.0, 0.4)), 6)
    0.13824
    """
    return _fnp.exp(logpmf(k, n, p, loc))
