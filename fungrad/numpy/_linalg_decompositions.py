"""The decompositions and solvers of ``fungrad.numpy.linalg`` (cholesky, solve, inv, det, slogdet, eig,
eigh, svd, qr) over the primitives in ``fungrad/_src/primitives/linalg*.py``, where the derivative
rules and their derivations live. Matrices are the last two axes; leading axes are batch axes.
"""

from __future__ import annotations

from typing import NamedTuple

import jax as _jax

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import linalg as _la
from fungrad._src.primitives import linalg_eig as _eig
from fungrad.numpy._conversion import _promote, _to_inexact, broadcast_shapes, broadcast_to
from fungrad.numpy._creation import eye
from fungrad.numpy._elementwise import absolute
from fungrad.numpy._elementwise import sign as _sign
from fungrad.numpy._indexing import take_along_axis as _take_along_axis
from fungrad.numpy._manipulation import expand_dims, squeeze, swapaxes
from fungrad.numpy._manipulation import flip as _flip
from fungrad.numpy._sorting_scans import argsort as _argsort
from fungrad.numpy._sorting_scans import sort as _sort

__all__ = ["EigResult", "EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eig", "eigh"]
__all__ += ["eigvals", "eigvalsh", "inv"]
__all__ += ["qr", "slogdet", "solve", "svd", "svdvals"]


class EigResult(NamedTuple):
    eigenvalues: _jax.Array
    eigenvectors: _jax.Array


class EighResult(NamedTuple):
    eigenvalues: _jax.Array
    eigenvectors: _jax.Array


class SVDResult(NamedTuple):
    U: _jax.Array
    S: _jax.Array
    Vh: _jax.Array


class QRResult(NamedTuple):
    Q: _jax.Array
    R: _jax.Array


class SlogdetResult(NamedTuple):
    sign: _jax.Array
    logabsdet: _jax.Array


def _square(name: str, a):
    a = _to_inexact(a)
    _la._check_square(name, a)
    return a


def _symmetrize(a):
    return (a + _la._H(a)) / 2


def cholesky(a, *, upper: bool = False, symmetrize_input: bool = True):
    """Cholesky factor ``L`` (lower) with ``a = L @ L.T`` of symmetric positive-definite ``a``.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.cholesky(fnp.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    a = _square("cholesky", a)
    factor = _la.cholesky(_symmetrize(a) if symmetrize_input else a)
    return swapaxes(factor, -1, -2) if upper else factor


def solve(a, b):
    """Solve ``a @ x = b``; ``b`` is a vector if 1-D, else a stack of matrices ``(..., n, k)``.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.solve(fnp.array([[2.0, 0.0], [0.0, 4.0]]), fnp.array([2.0, 2.0])).tolist()
    [1.0, 0.5]
    """
    a, b = _promote(_square("solve", a), _to_inexact(b))
    n, vector = get_aval(a).shape[-1], get_aval(b).ndim == 1
    b2 = expand_dims(b, -1) if vector else b
    if get_aval(b2).ndim < 2 or get_aval(b2).shape[-2] != n:
        raise FungradTypeError(f"solve: a has shape {get_aval(a).shape} but b has shape {get_aval(b).shape}")
    batch = broadcast_shapes(get_aval(a).shape[:-2], get_aval(b2).shape[:-2])
    a = broadcast_to(a, batch + get_aval(a).shape[-2:])
    b2 = broadcast_to(b2, batch + get_aval(b2).shape[-2:])
    x = _la.solve(a, b2)
    return squeeze(x, -1) if vector else x


def inv(a):
    """The matrix inverse (solving against the identity).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.inv(fnp.array([[2.0, 0.0], [0.0, 4.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    a = _square("inv", a)
    identity = broadcast_to(eye(get_aval(a).shape[-1], dtype=get_aval(a).dtype), get_aval(a).shape)
    return _la.solve(a, identity)


def det(a):
    """The determinant (its derivative is ``det(a) * inv(a).T``).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.det(fnp.array([[2.0, 1.0], [0.0, 3.0]])))
    6.0
    """
    return _la.det(_square("det", a))


def slogdet(a) -> SlogdetResult:
    """``(sign, log|det a|)``, stable for large or tiny determinants.

    >>> import fungrad.numpy as fnp
    >>> sign, logdet = fnp.linalg.slogdet(fnp.array([[-1.0, 0.0], [0.0, 1.0]]))
    >>> float(sign), float(logdet)
    (-1.0, 0.0)
    """
    sign, logabsdet = _la.slogdet(_square("slogdet", a))
    return SlogdetResult(sign, logabsdet)


def eig(a) -> EigResult:
    """Eigenvalues and right eigenvectors (columns, unit 2-norm) of a general square matrix.

    The results are always complex. As in JAX, it runs on CPU, and only the eigenvalues are
    differentiable (eigenvector derivatives raise; see ``fungrad.lax.linalg.eig``).

    >>> import fungrad.numpy as fnp
    >>> w, v = fnp.linalg.eig(fnp.array([[2.0, 0.0], [0.0, 3.0]]))
    >>> w.real.tolist()
    [2.0, 3.0]
    """
    w, v = _eig.eig(_square("eig", a), compute_left_eigenvectors=False)
    return EigResult(w, v)


def eigvals(a):
    """Eigenvalues (complex) of a general square matrix; differentiable (``dw = diag(V^-1 dA V)``).

    >>> import fungrad.numpy as fnp
    >>> sorted(fnp.linalg.eigvals(fnp.array([[0.0, 1.0], [-2.0, -3.0]])).real.round(6).tolist())
    [-2.0, -1.0]
    """
    return _eig.eig(_square("eigvals", a), compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0]


def eigh(a, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:  # noqa: N803 - NumPy's name
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.eigh(fnp.array([[2.0, 0.0], [0.0, 1.0]])).eigenvalues.tolist()
    [1.0, 2.0]
    """
    a = _square("eigh", a)
    if symmetrize_input:
        a = _symmetrize(a)
    elif UPLO == "U":
        a = swapaxes(a, -1, -2)
    v, w = _la.eigh(a)
    return EighResult(w, v)


def eigvalsh(a, UPLO: str | None = None):  # noqa: N803
    """Eigenvalues (ascending) of a symmetric matrix.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.eigvalsh(fnp.array([[2.0, 0.0], [0.0, 1.0]])).tolist()
    [1.0, 2.0]
    """
    return eigh(a, UPLO).eigenvalues


def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False):
    """Singular value decomposition ``a = U @ diag(S) @ Vh`` (``S`` descending).

    Derivatives need ``full_matrices=False`` unless ``a`` is square, as in JAX. With ``hermitian``,
    the factorization comes from ``eigh`` (singular values are the eigenvalues' magnitudes).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.svd(fnp.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).tolist()
    [4.0, 3.0]
    """
    a = _to_inexact(a)
    if get_aval(a).ndim < 2:
        raise FungradTypeError(f"svd: expected a matrix (at least 2 axes), got shape {get_aval(a).shape}")
    if hermitian:
        return _hermitian_svd(a, compute_uv)
    s, u, vt = _la.svd(a, full_matrices=full_matrices and compute_uv)
    return SVDResult(u, s, vt) if compute_uv else s


def _hermitian_svd(a, compute_uv):
    # a = V diag(w) V^H = (V) diag(|w|) (sign(w) V^H): sort |w| descending and permute to match.
    w, v = eigh(a)
    s = absolute(w)
    if not compute_uv:
        return _flip(_sort(s, axis=-1), -1)
    order = _flip(_argsort(s, axis=-1, stable=True), -1)
    s = _take_along_axis(s, order, axis=-1)
    sign = _take_along_axis(_sign(w), order, axis=-1)
    u = _take_along_axis(v, order[..., None, :], axis=-1)
    return SVDResult(u, s, _la._H(u * sign[..., None, :].astype(get_aval(u).dtype)))


def svdvals(a):
    """Singular values, descending.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.svdvals(fnp.array([[3.0, 0.0], [0.0, -4.0]])).tolist()
    [4.0, 3.0]
    """
    return svd(a, compute_uv=False)


def qr(a, mode: str = "reduced"):
    """QR decomposition ``a = Q @ R``; ``mode`` is ``"reduced"``, ``"complete"`` or ``"r"``.

    >>> import fungrad.numpy as fnp
    >>> q, r = fnp.linalg.qr(fnp.eye(2))
    >>> abs(r).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    a = _to_inexact(a)
    if mode not in ("reduced", "complete", "r"):
        raise FungradTypeError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    q, r = _la.qr(a, full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)
