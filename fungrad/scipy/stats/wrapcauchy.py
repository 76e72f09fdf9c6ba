"""The wrapped Cauchy distribution on ``[0, 2 pi]`` with shape ``c`` in ``(0, 1)``, as
``jax.scipy.stats.wrapcauchy``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.wrapcauchy.pdf(3.0, 0.5)), 6)
0.053289
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy.stats import _common

__all__ = ["logpdf", "pdf"]


def logpdf(x, c):
    """``log(1 - c^2) - log(2 pi) - log(1 + c^2 - 2 c cos x)``; ``-inf`` outside ``[0, 2 pi]``, NaN for ``c``
    outside ``(0, 1)``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.wrapcauchy.logpdf(3.0, 0.5)), 6)
    -2.932032
    """
    x, c = _common.promote(x, c)
    c_ok = _fnp.logical_and(_fnp.greater(c, 0), _fnp.less(c, 1))
    x_ok = _fnp.logical_and(_fnp.greater_equal(x, 0), _fnp.less_equal(x, 2 * _np.pi))
    safe_c = _fnp.where(c_ok, c, _fnp.full_like(c, 0.5))
    c2 = _fnp.multiply(safe_c, safe_c)
    denom = _fnp.subtract(_fnp.add(1, c2), _fnp.multiply(_fnp.multiply(2, safe_c), _fnp.cos(x)))
    out = _fnp.subtract(_fnp.subtract(_fnp.log1p(_fnp.negative(c2)), float(_np.log(2 * _np.pi))), _fnp.log(denom))
    out = _common.neg_inf_where(_fnp.logical_not(x_ok), out)
    return _fnp.where(c_ok, out, _fnp.full_like(out, _np.nan))


def pdf(x, c):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.wrapcauchy.pdf(0.0, 0.5)), 6)
    0.477465
    """
    return _fnp.exp(logpdf(x, c))
