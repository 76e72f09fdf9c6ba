"""``fungrad.lax.linalg``: the primitive-level linear algebra API, mirroring ``jax.lax.linalg``.

>>> import fungrad.lax as flax, fungrad.numpy as fnp
>>> flax.linalg.cholesky(fnp.array([[4.0, 0.0], [0.0, 9.0]])).tolist()
[[2.0, 0.0], [0.0, 3.0]]
"""

from __future__ import annotations

from fungrad._src.primitives import linalg as _la
from fungrad._src.primitives.linalg import triangular_solve

__all__ = ["cholesky", "eigh", "qr", "svd", "triangular_solve"]


def cholesky(x, *, symmetrize_input: bool = True):
    """Lower Cholesky factor; with ``symmetrize_input`` the input is first replaced by ``(x + x.T)/2``."""
    if symmetrize_input:
        x = (x + _la._T(x)) / 2
    return _la.cholesky(x)


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True):
    """``(v, w)``: eigenvectors (columns) and ascending eigenvalues of a symmetric matrix."""
    if symmetrize_input:
        x = (x + _la._T(x)) / 2
    elif not lower:
        x = _la._T(x)
    v, w = _la.eigh(x)
    return v, w


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True):
    """``(u, s, vt)`` or just ``s``; differentiable for the thin form (or square matrices)."""
    s, u, vt = _la.svd(x, full_matrices=full_matrices and compute_uv)
    return (u, s, vt) if compute_uv else s


def qr(x, *, full_matrices: bool = True):
    """``(q, r)``; differentiable for the reduced form (or square matrices)."""
    q, r = _la.qr(x, full_matrices=full_matrices)
    return q, r
