"""The von Mises distribution with concentration ``kappa``, as ``jax.scipy.stats.vonmises`` (``logpdf``
and ``pdf``, the functions JAX has).

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.vonmises.pdf(0.0, 1.0)), 6)
0.34171
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["logpdf", "pdf"]


def logpdf(x, kappa):
    """``kappa (cos x - 1) - log(2 pi i0e(kappa))`` (the scaled Bessel function keeps large ``kappa``
    finite); NaN for ``kappa <= 0``.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.vonmises.logpdf(0.5, 2.0)), 6)
    -0.906705
    """
    x, kappa = _common.promote(x, kappa)
    ok = _fnp.greater(kappa, 0)
    safe = _fnp.where(ok, kappa, _fnp.ones_like(kappa))
    out = _fnp.subtract(
        _fnp.multiply(safe, _fnp.subtract(_fnp.cos(x), 1)), _fnp.log(_fnp.multiply(2 * _np.pi, _special.i0e(safe)))
    )
    return _fnp.where(ok, out, _fnp.full_like(out, _np.nan))


def pdf(x, kappa):
    """Density.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.vonmises.pdf(0.5, 2.0)), 6)
    0.403853
    """
    return _fnp.exp(logpdf(x, kappa))
