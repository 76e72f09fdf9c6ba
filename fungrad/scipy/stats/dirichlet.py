"""The Dirichlet distribution over the simplex, as ``jax.scipy.stats.dirichlet`` (``x`` and ``alpha``
have the ``K`` categories on axis 0).

>>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
>>> round(float(fst.dirichlet.pdf(fnp.array([0.5, 0.5]), fnp.array([2.0, 2.0]))), 6)
1.5
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad._src.core import FungradTypeError
from fungrad.numpy._conversion import _to_inexact
from fungrad.scipy import special

__all__ = ["logpdf", "pdf"]


def logpdf(x, alpha):
    """``sum(xlogy(alpha - 1, x)) - sum(gammaln(alpha)) + gammaln(sum(alpha))`` (``-inf`` off the simplex)."""
    x, alpha = _to_inexact(x), _to_inexact(alpha)
    if fnp.ndim(alpha) != 1:
        raise FungradTypeError(f"dirichlet.logpdf: alpha must be one-dimensional, got shape {fnp.shape(alpha)}")
    if fnp.shape(x)[0] != fnp.shape(alpha)[0]:
        raise FungradTypeError(
            f"dirichlet.logpdf: x has {fnp.shape(x)[0]} categories on axis 0 but alpha has {fnp.shape(alpha)[0]}"
        )
    alpha_b = fnp.reshape(alpha, fnp.shape(alpha) + (1,) * (fnp.ndim(x) - 1))
    normalize = fnp.subtract(fnp.sum(special.gammaln(alpha)), special.gammaln(fnp.sum(alpha)))
    out = fnp.subtract(fnp.sum(special.xlogy(fnp.subtract(alpha_b, 1), x), axis=0), normalize)
    on_simplex = fnp.logical_and(
        fnp.all(fnp.greater_equal(x, 0), axis=0), fnp.less(fnp.abs(fnp.subtract(fnp.sum(x, axis=0), 1)), 1e-6)
    )
    return fnp.where(on_simplex, out, fnp.full_like(out, -float("inf")))


def pdf(x, alpha):
    """Density."""
    return fnp.exp(logpdf(x, alpha))
