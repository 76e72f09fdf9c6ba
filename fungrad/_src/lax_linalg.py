"""``fungrad.lax.linalg``: the primitive-level linear algebra API, mirroring ``jax.lax.linalg``.

>>> import fungrad.lax as flax, fungrad.numpy as fnp
>>> flax.linalg.cholesky(fnp.array([[4.0, 0.0], [0.0, 9.0]])).tolist()
[[2.0, 0.0], [0.0, 3.0]]
"""

from __future__ import annotations

from fungrad._src.primitives import linalg as _la
from fungrad._src.primitives import linalg_eig as _eig
from fungrad._src.primitives.linalg import triangular_solve

__all__ = ["cholesky", "eig", "eigh", "qr", "svd", "triangular_solve"]


def cholesky(x, *, symmetrize_input: bool = True):
    """Lower Cholesky factor of symmetric positive-definite matrices.

    Args:
        x: matrices ``(..., n, n)``.
        symmetrize_input: first replace ``x`` by ``(x + x.T) / 2`` (else only the lower triangle is read).

    Returns:
        ``L`` with ``L @ L.T == x``, lower triangular.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.cholesky(fnp.array([[4.0, 0.0], [0.0, 9.0]])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    if symmetrize_input:
        x = (x + _la._H(x)) / 2
    return _la.cholesky(x)


def eig(
    x, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True, enable_eigvec_derivs=False
):
    """Eigendecomposition of general square matrices (CPU), as ``jax.lax.linalg.eig``.

    Args:
        x: matrices ``(..., n, n)``, real or complex.
        compute_left_eigenvectors: also return the left eigenvectors.
        compute_right_eigenvectors: also return the right eigenvectors.
        enable_eigvec_derivs: allow derivatives of the eigenvectors (valid only for distinct
            eigenvalues; taken under LAPACK's normalization, as in JAX).

    Returns:
        ``[w, vl, vr]`` (complex), without the eigenvectors that were not asked for.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> w, vl, vr = flax.linalg.eig(fnp.array([[2.0, 0.0], [0.0, 3.0]]))
    >>> w.real.tolist()
    [2.0, 3.0]
    """
    return _eig.eig(
        x,
        compute_left_eigenvectors=compute_left_eigenvectors,
        compute_right_eigenvectors=compute_right_eigenvectors,
        enable_eigvec_derivs=enable_eigvec_derivs,
    )


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True):
    """Eigenvectors (columns) and ascending eigenvalues of symmetric matrices.

    Args:
        x: matrices ``(..., n, n)``.
        lower: read the lower (else upper) triangle when not symmetrizing.
        symmetrize_input: first replace ``x`` by ``(x + x.T) / 2``.

    Returns:
        ``(v, w)`` with ``x @ v == v * w``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> v, w = flax.linalg.eigh(fnp.array([[2.0, 0.0], [0.0, 1.0]]))
    >>> w.tolist()
    [1.0, 2.0]
    """
    if symmetrize_input:
        x = (x + _la._H(x)) / 2
    elif not lower:
        x = _la._T(x)
    v, w = _la.eigh(x)
    return v, w


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True):
    """Singular value decomposition; differentiable for the thin form (or square matrices).

    Args:
        x: matrices ``(..., m, n)``.
        full_matrices: return square ``u`` and ``vt`` (else the thin factors).
        compute_uv: return the factors too (else only the singular values).

    Returns:
        ``(u, s, vt)`` with ``s`` descending, or just ``s``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.svd(fnp.array([[3.0, 0.0], [0.0, -2.0]]), compute_uv=False).tolist()
    [3.0, 2.0]
    """
    s, u, vt = _la.svd(x, full_matrices=full_matrices and compute_uv)
    return (u, s, vt) if compute_uv else s


def qr(x, *, full_matrices: bool = True):
    """QR decomposition; differentiable for the reduced form (or square matrices).

    Args:
        x: matrices ``(..., m, n)``.
        full_matrices: return square ``q`` (else the reduced factors).

    Returns:
        ``(q, r)`` with orthonormal columns in ``q`` and upper-triangular ``r``, ``q @ r == x``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> q, r = flax.linalg.qr(fnp.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> [[round(abs(v), 4) for v in row] for row in r.tolist()]
    [[1.0, 2.0], [0.0, 3.0]]
    """
    q, r = _la.qr(x, full_matrices=full_matrices)
    return q, r
