"""The uniform distribution on ``[loc, loc + scale]``, as ``jax.scipy.stats.uniform``.

>>> import fungrad.scipy.stats as fst
>>> float(fst.uniform.pdf(0.5)), float(fst.uniform.cdf(0.25))
(1.0, 0.25)
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["cdf", "logpdf", "pdf", "ppf"]


def logpdf(x, loc=0, scale=1):
    """``-log(scale)`` on ``[loc, loc + scale]``, ``-inf`` outside.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.uniform.logpdf(1.0, 0.0, 2.0)), 6)
    -0.693147
    """
    x, loc, scale = _common.promote(x, loc, scale)
    outside = _fnp.logical_or(_fnp.greater(x, _fnp.add(loc, scale)), _fnp.less(x, loc))
    return _common.neg_inf_where(outside, _fnp.negative(_fnp.log(scale)))


def pdf(x, loc=0, scale=1):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> float(fst.uniform.pdf(1.0, 0.0, 2.0))
    0.5
    """
    return _fnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """``(x - loc) / scale`` clipped to ``[0, 1]``.

    >>> import fungrad.scipy.stats as fst
    >>> float(fst.uniform.cdf(1.5, 1.0, 2.0))
    0.25
    """
    x, loc, scale = _common.promote(x, loc, scale)
    below, above = _fnp.less(x, loc), _fnp.greater(x, _fnp.add(loc, scale))
    inside = _fnp.divide(_fnp.subtract(x, loc), scale)
    return _fnp.where(below, _fnp.zeros_like(x), _fnp.where(above, _fnp.ones_like(x), inside))


def ppf(q, loc=0, scale=1):
    """``loc + scale * q`` for ``q`` in ``[0, 1]``, NaN elsewhere.

    >>> import fungrad.scipy.stats as fst
    >>> float(fst.uniform.ppf(0.25, 1.0, 2.0))
    1.5
    """
    q, loc, scale = _common.promote(q, loc, scale)
    bad = _fnp.logical_or(_fnp.isnan(q), _fnp.logical_or(_fnp.less(q, 0), _fnp.greater(q, 1)))
    return _fnp.where(bad, _fnp.full_like(q, _np.nan), _fnp.add(loc, _fnp.multiply(scale, q)))
