"""The geometric distribution (trials up to the first success, support ``k >= 1``), as
``jax.scipy.stats.geom``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.geom.pmf(2.0, 0.5)), 6)
0.25
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpmf", "pmf"]


def logpmf(k, p, loc=0):
    """``xlog1py(x - 1, -p) + log(p)`` with ``x = k - loc``, ``-inf`` for ``x <= 0``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.geom.logpmf(3.0, 0.25)), 6)
    -1.961659
    """
    k, p, loc = _common.promote(k, p, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.less_equal(x, 0)
    x = _fnp.where(outside, _fnp.ones_like(x), x)
    return _common.neg_inf_where(
        outside, _fnp.add(_special.xlog1py(_fnp.subtract(x, 1), _fnp.negative(p)), _fnp.log(p))
    )


def pmf(k, p, loc=0):
    """Probability mass ``(1 - p)^(x - 1) p``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.geom.pmf(3.0, 0.25)), 6)
    0.140625
    """
    return _fnp.exp(logpmf(k, p, loc))
