"""The Bernoulli distribution with success probability ``p``, as ``jax.scipy.stats.bernoulli``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.bernoulli.pmf(1.0, 0.25)), float(fst.bernoulli.cdf(0.0, 0.25))
(0.25, 0.75)
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logpmf", "pmf", "ppf"]


def logpmf(k, p, loc=0):
    """``xlogy(k, p) + xlog1py(1 - k, -p)`` for ``k - loc`` in {0, 1}, ``-inf`` elsewhere.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.bernoulli.logpmf(1.0, 0.3)), 4)
    -1.204
    """
    k, p, loc = _common.promote(k, p, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.logical_and(_fnp.not_equal(x, 0), _fnp.not_equal(x, 1))
    out = _fnp.add(_special.xlogy(x, p), _special.xlog1py(_fnp.subtract(1, x), _fnp.negative(p)))
    return _common.neg_inf_where(outside, out)


def pmf(k, p, loc=0):
    """Probability mass.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.bernoulli.pmf(1.0, 0.3)), 4)
    0.3
    """
    return _fnp.exp(logpmf(k, p, loc))


def cdf(k, p):
    """0 below 0, ``1 - p`` on ``[0, 1)``, 1 from 1 on (``nan`` for ``p`` outside ``[0, 1]``).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.bernoulli.cdf(1.0, 0.3)), 4)
    1.0
    """
    k, p = _common.promote(k, p)
    out = _fnp.where(
        _fnp.less(k, 0), _fnp.zeros_like(p), _fnp.where(_fnp.less(k, 1), _fnp.subtract(1, p), _fnp.ones_like(p))
    )
    return _fnp.where(_fnp.logical_or(_fnp.less(p, 0), _fnp.greater(p, 1)), _fnp.full_like(p, _np.nan), out)


def ppf(q, p):
    """The smallest ``k`` in {0, 1} with ``cdf(k) >= q`` (``nan`` outside ``[0, 1]``).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.bernoulli.ppf(0.5, 0.3)), 4)
    0.0
    """
    q, p = _common.promote(q, p)
    out = _fnp.where(_fnp.less_equal(q, _fnp.subtract(1, p)), _fnp.zeros_like(q), _fnp.ones_like(q))
    bad = _fnp.logical_or(
        _fnp.logical_or(_fnp.less(q, 0), _fnp.greater(q, 1)), _fnp.logical_or(_fnp.less(p, 0), _fnp.greater(p, 1))
    )
    return _fnp.where(bad, _fnp.full_like(q, _np.nan), out)
