"""The multivariate normal distribution, as ``jax.scipy.stats.multivariate_normal`` (``x`` of shape
``(..., n)``; ``cov`` a positive-definite ``(n, n)`` matrix or a scalar variance).

>>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
>>> round(float(fst.multivariate_normal.logpdf(fnp.zeros(2), fnp.zeros(2), fnp.eye(2))), 6)  # -log(2 pi)
-1.837877
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as fnp
from fungrad._src.core import FungradTypeError
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.scipy import linalg

__all__ = ["logpdf", "pdf"]


def logpdf(x, mean, cov, allow_singular=None):
    """``-|L^-1 (x - mean)|^2 / 2 - sum(log diag L) - n log(2 pi) / 2`` with ``cov = L L^T``."""
    if allow_singular is not None:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular is not supported (as in JAX)")
    x, mean, cov = _promote(_to_inexact(x), _to_inexact(mean), _to_inexact(cov))
    diff = fnp.subtract(x, mean)
    if fnp.ndim(mean) == 0:  # univariate
        return fnp.multiply(
            -0.5, fnp.add(fnp.divide(fnp.multiply(diff, diff), cov), fnp.log(fnp.multiply(2 * np.pi, cov)))
        )
    n = fnp.shape(mean)[-1]
    if fnp.ndim(cov) == 0:  # isotropic: cov * I
        quad = fnp.divide(fnp.sum(fnp.multiply(diff, diff), axis=-1), cov)
        log_det = fnp.multiply(n, fnp.log(cov))
    elif fnp.ndim(cov) < 2 or fnp.shape(cov)[-2:] != (n, n):
        raise FungradTypeError(
            f"multivariate_normal.logpdf: cov must be a scalar or an ({n}, {n}) matrix, got shape {fnp.shape(cov)}"
        )
    else:
        chol = fnp.linalg.cholesky(cov)
        flat = fnp.reshape(diff, (-1, n))
        y = linalg.solve_triangular(chol, fnp.transpose(flat), lower=True)
        quad = fnp.reshape(fnp.sum(fnp.multiply(y, y), axis=0), fnp.shape(diff)[:-1])
        log_det = fnp.multiply(2, fnp.sum(fnp.log(fnp.diagonal(chol))))
    return fnp.multiply(-0.5, fnp.add(fnp.add(quad, log_det), n * float(np.log(2 * np.pi))))


def pdf(x, mean, cov):
    """Density."""
    return fnp.exp(logpdf(x, mean, cov))
