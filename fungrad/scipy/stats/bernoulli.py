"""The Bernoulli distribution with success probability ``p``, as ``jax.scipy.stats.bernoulli``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.bernoulli.pmf(1.0, 0.25)), float(fst.bernoulli.cdf(0.0, 0.25))
(0.25, 0.75)
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as fnp
from fungrad.scipy import special
from fungrad.scipy.stats._common import neg_inf_where, promote

__all__ = ["cdf", "logpmf", "pmf", "ppf"]


def logpmf(k, p, loc=0):
    """``xlogy(k, p) + xlog1py(1 - k, -p)`` for ``k - loc`` in {0, 1}, ``-inf`` elsewhere."""
    k, p, loc = promote(k, p, loc)
    x = fnp.subtract(k, loc)
    outside = fnp.logical_and(fnp.not_equal(x, 0), fnp.not_equal(x, 1))
    out = fnp.add(special.xlogy(x, p), special.xlog1py(fnp.subtract(1, x), fnp.negative(p)))
    return neg_inf_where(outside, out)


def pmf(k, p, loc=0):
    """Probability mass."""
    return fnp.exp(logpmf(k, p, loc))


def cdf(k, p):
    """0 below 0, ``1 - p`` on ``[0, 1)``, 1 from 1 on (``nan`` for ``p`` outside ``[0, 1]``)."""
    k, p = promote(k, p)
    out = fnp.where(fnp.less(k, 0), fnp.zeros_like(p), fnp.where(fnp.less(k, 1), fnp.subtract(1, p), fnp.ones_like(p)))
    return fnp.where(fnp.logical_or(fnp.less(p, 0), fnp.greater(p, 1)), fnp.full_like(p, np.nan), out)


def ppf(q, p):
    """The smallest ``k`` in {0, 1} with ``cdf(k) >= q`` (``nan`` outside ``[0, 1]``)."""
    q, p = promote(q, p)
    out = fnp.where(fnp.less_equal(q, fnp.subtract(1, p)), fnp.zeros_like(q), fnp.ones_like(q))
    bad = fnp.logical_or(
        fnp.logical_or(fnp.less(q, 0), fnp.greater(q, 1)), fnp.logical_or(fnp.less(p, 0), fnp.greater(p, 1))
    )
    return fnp.where(bad, fnp.full_like(q, np.nan), out)
