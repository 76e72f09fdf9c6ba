"""The multivariate normal distribution, as ``jax.scipy.stats.multivariate_normal`` (``x`` of shape
``(..., n)``; ``cov`` a positive-definite ``(n, n)`` matrix or a scalar variance).

>>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
>>> round(float(fst.multivariate_normal.logpdf(fnp.zeros(2), fnp.zeros(2), fnp.eye(2))), 6)  # -log(2 pi)
-1.837877
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.core import FungradTypeError
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.scipy import linalg as _linalg

__all__ = ["logpdf", "pdf"]


def logpdf(x, mean, cov, allow_singular=None):
    """``-|L^-1 (x - mean)|^2 / 2 - sum(log diag L) - n log(2 pi) / 2`` with ``cov = L L^T``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.multivariate_normal.logpdf(fnp.zeros(2), fnp.zeros(2), fnp.eye(2))), 4)
    -1.8379
    """
    if allow_singular is not None:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular is not supported (as in JAX)")
    x, mean, cov = _promote(_to_inexact(x), _to_inexact(mean), _to_inexact(cov))
    diff = _fnp.subtract(x, mean)
    if _fnp.ndim(mean) == 0:  # univariate
        return _fnp.multiply(
            -0.5, _fnp.add(_fnp.divide(_fnp.multiply(diff, diff), cov), _fnp.log(_fnp.multiply(2 * _np.pi, cov)))
        )
    n = _fnp.shape(mean)[-1]
    if _fnp.ndim(cov) == 0:  # isotropic: cov * I
        quad = _fnp.divide(_fnp.sum(_fnp.multiply(diff, diff), axis=-1), cov)
        log_det = _fnp.multiply(n, _fnp.log(cov))
    elif _fnp.ndim(cov) < 2 or _fnp.shape(cov)[-2:] != (n, n):
        raise FungradTypeError(
            f"multivariate_normal.logpdf: cov must be a scalar or an ({n}, {n}) matrix, got shape {_fnp.shape(cov)}"
        )
    else:
        chol = _fnp.linalg.cholesky(cov)
        flat = _fnp.reshape(diff, (-1, n))
        y = _linalg.solve_triangular(chol, _fnp.transpose(flat), lower=True)
        quad = _fnp.reshape(_fnp.sum(_fnp.multiply(y, y), axis=0), _fnp.shape(diff)[:-1])
        log_det = _fnp.multiply(2, _fnp.sum(_fnp.log(_fnp.diagonal(chol))))
    return _fnp.multiply(-0.5, _fnp.add(_fnp.add(quad, log_det), n * float(_np.log(2 * _np.pi))))


def pdf(x, mean, cov):
    """Density.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.multivariate_normal.pdf(fnp.zeros(2), fnp.zeros(2), fnp.eye(2))), 4)
    0.1592
    """
    return _fnp.exp(logpdf(x, mean, cov))
