"""The beta-binomial distribution, as ``jax.scipy.stats.betabinom``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.betabinom.pmf(1.0, 2.0, 1.0, 1.0)), 6)
0.333333
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpmf", "pmf"]


def logpmf(k, n, a, b, loc=0):
    """``-log(n + 1) - betaln(n - y + 1, y + 1) + betaln(y + a, n - y + b) - betaln(a, b)`` with
    ``y = floor(k) - loc``; ``-inf`` outside the support, NaN for ``n < 0``, ``a <= 0`` or ``b <= 0``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.betabinom.logpmf(2.0, 5.0, 2.0, 3.0)), 6)
    -1.435085
    """
    k, n, a, b, loc = _common.promote(k, n, a, b, loc)
    y = _fnp.subtract(_fnp.floor(k), loc)
    outside = _fnp.logical_or(
        _fnp.logical_or(_fnp.less(y, _fnp.negative(loc)), _fnp.greater(y, n)), _fnp.less_equal(_fnp.add(y, a), 0)
    )
    bad = _fnp.logical_or(_fnp.logical_or(_fnp.less(n, 0), _fnp.less_equal(a, 0)), _fnp.less_equal(b, 0))
    skip = _fnp.logical_or(outside, bad)
    # untaken branches get harmless operands (y = 0, n = 0 and a = b = 1), so no NaN reaches a gradient
    one = _fnp.ones_like(y)
    y = _fnp.where(skip, _fnp.zeros_like(y), y)
    n = _fnp.where(skip, _fnp.zeros_like(n), n)
    a, b = _fnp.where(skip, one, a), _fnp.where(skip, one, b)
    n_minus_y = _fnp.subtract(n, y)
    combiln = _fnp.negative(_fnp.add(_fnp.log1p(n), _special.betaln(_fnp.add(n_minus_y, 1), _fnp.add(y, 1))))
    beta_lns = _fnp.subtract(_special.betaln(_fnp.add(y, a), _fnp.add(n_minus_y, b)), _special.betaln(a, b))
    out = _fnp.add(combiln, beta_lns)
    out = _fnp.where(_fnp.logical_and(_fnp.equal(y, 0), _fnp.equal(n, 0)), _fnp.zeros_like(out), out)
    out = _common.neg_inf_where(outside, out)
    return _fnp.where(bad, _fnp.full_like(out, _np.nan), out)


def pmf(k, n, a, b, loc=0):
    """Probability mass.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.betabinom.pmf(2.0, 5.0, 2.0, 3.0)), 6)
    0.238095
    """
    return _fnp.exp(logpmf(k, n, a, b, loc))
