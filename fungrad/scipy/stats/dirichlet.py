"""The Dirichlet distribution over the simplex, as ``jax.scipy.stats.dirichlet`` (``x`` and ``alpha``
have the ``K`` categories on axis 0).

>>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
>>> round(float(fst.dirichlet.pdf(fnp.array([0.5, 0.5]), fnp.array([2.0, 2.0]))), 4)
1.5
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad._src.core import FungradTypeError
from fungrad.numpy._conversion import _to_inexact
from fungrad.scipy import special as _special

__all__ = ["logpdf", "pdf"]


def logpdf(x, alpha):
    """``sum(xlogy(alpha - 1, x)) - sum(gammaln(alpha)) + gammaln(sum(alpha))`` (``-inf`` off the simplex).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.dirichlet.logpdf(fnp.array([0.2, 0.8]), fnp.array([1.5, 2.0]))), 4)
    0.2939
    """
    x, alpha = _to_inexact(x), _to_inexact(alpha)
    if _fnp.ndim(alpha) != 1:
        raise FungradTypeError(f"dirichlet.logpdf: alpha must be one-dimensional, got shape {_fnp.shape(alpha)}")
    if _fnp.shape(x)[0] != _fnp.shape(alpha)[0]:
        raise FungradTypeError(
            f"dirichlet.logpdf: x has {_fnp.shape(x)[0]} categories on axis 0 but alpha has {_fnp.shape(alpha)[0]}"
        )
    alpha_b = _fnp.reshape(alpha, _fnp.shape(alpha) + (1,) * (_fnp.ndim(x) - 1))
    normalize = _fnp.subtract(_fnp.sum(_special.gammaln(alpha)), _special.gammaln(_fnp.sum(alpha)))
    out = _fnp.subtract(_fnp.sum(_special.xlogy(_fnp.subtract(alpha_b, 1), x), axis=0), normalize)
    on_simplex = _fnp.logical_and(
        _fnp.all(_fnp.greater_equal(x, 0), axis=0), _fnp.less(_fnp.abs(_fnp.subtract(_fnp.sum(x, axis=0), 1)), 1e-6)
    )
    return _fnp.where(on_simplex, out, _fnp.full_like(out, -float("inf")))


def pdf(x, alpha):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.dirichlet.pdf(fnp.array([0.2, 0.8]), fnp.array([1.5, 2.0]))), 4)
    1.3416
    """
    return _fnp.exp(logpdf(x, alpha))
