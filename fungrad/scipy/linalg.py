"""``fungrad.scipy.linalg``: triangular solves and Cholesky, mirroring ``jax.scipy.linalg``.

>>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
>>> fsl.solve_triangular(fnp.array([[2.0, 0.0], [1.0, 1.0]]), fnp.array([2.0, 3.0]), lower=True).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad._src import api as _api
from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import complex_parts as _cx
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import linalg as _la
from fungrad._src.primitives import lu as _lu
from fungrad.numpy import linalg as _np_linalg
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.numpy._manipulation import expand_dims as _expand_dims
from fungrad.numpy._manipulation import squeeze as _squeeze

__all__ = [
    "cho_factor",
    "cho_solve",
    "cholesky",
    "det",
    "eigh",
    "expm",
    "expm_frechet",
    "inv",
    "lu",
    "lu_factor",
    "lu_solve",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]


def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False):
    """Solve ``op(a) @ x = b`` for triangular ``a`` (``trans``: 0/'N', 1/'T' or 2/'C').

    Only the ``lower`` (or upper) triangle of ``a`` is read; ``b`` may be a vector.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.solve_triangular(fnp.array([[2.0, 0.0], [1.0, 1.0]]), fnp.array([2.0, 3.0]), lower=True).tolist()
    [1.0, 2.0]
    """
    if trans not in (0, 1, 2, "N", "T", "C"):
        raise _FungradTypeError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    a, b = _promote(_to_inexact(a), _to_inexact(b))
    _la._check_square("solve_triangular", a)
    vector = _get_aval(b).ndim == 1
    b2 = _expand_dims(b, -1) if vector else b
    x = _la.triangular_solve(
        a,
        b2,
        left_side=True,
        lower=lower,
        transpose_a=trans not in (0, "N"),
        conjugate_a=trans in (2, "C"),
        unit_diagonal=unit_diagonal,
    )
    return _squeeze(x, -1) if vector else x


def cholesky(a, lower: bool = False):
    """Cholesky factor of a symmetric positive-definite matrix (upper by default, as SciPy).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.cholesky(fnp.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
    [[2.0, 1.0], [0.0, 1.0]]
    """
    return _np_linalg.cholesky(a, upper=not lower)


def solve(a, b):
    """Solve ``a @ x = b`` for general square ``a``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.solve(fnp.array([[2.0, 0.0], [0.0, 4.0]]), fnp.array([2.0, 2.0])).tolist()
    [1.0, 0.5]
    """
    return _np_linalg.solve(a, b)


def cho_factor(a, lower: bool = False):
    """``(c, lower)``: the Cholesky factor of ``a`` for :func:`cho_solve` (no symmetrization;
    only the ``lower`` or upper triangle of ``a`` is read).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> c, lower = fsl.cho_factor(fnp.array([[4.0, 0.0], [0.0, 1.0]]))
    >>> c.tolist(), lower
    ([[2.0, 0.0], [0.0, 1.0]], False)
    """
    a = _to_inexact(a)
    _la._check_square("cho_factor", a)
    if lower:
        return _la.cholesky(a), lower
    return _la._T(_la.cholesky(_la._T(a))), lower


def cho_solve(c_and_lower, b):
    """Solve ``a @ x = b`` given ``cho_factor(a)``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.cho_solve(fsl.cho_factor(fnp.array([[4.0, 0.0], [0.0, 1.0]])), fnp.array([4.0, 1.0])).tolist()
    [1.0, 1.0]
    """
    c, lower = c_and_lower
    c, b = _promote(_to_inexact(c), _to_inexact(b))
    vector = _get_aval(b).ndim == 1
    b2 = _expand_dims(b, -1) if vector else b
    # a = L L^T: solve L y = b, then L^T x = y (with L = c, or L = c^T for an upper factor)
    y = _la.triangular_solve(c, b2, left_side=True, lower=lower, transpose_a=not lower)
    x = _la.triangular_solve(c, y, left_side=True, lower=lower, transpose_a=lower)
    return _squeeze(x, -1) if vector else x


def det(a):
    """Determinant of square matrices.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> float(fsl.det(fnp.array([[2.0, 1.0], [1.0, 3.0]])))
    5.0
    """
    return _np_linalg.det(a)


def inv(a):
    """Inverse of square matrices.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.inv(fnp.array([[2.0, 0.0], [0.0, 4.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    return _np_linalg.inv(a)


def eigh(a, b=None, lower: bool = True, eigvals_only: bool = False, **unsupported):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (no generalized problem: ``b``
    must be None). As in JAX, the input is symmetrized, so ``lower`` does not change the result.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.eigh(fnp.array([[2.0, 0.0], [0.0, 1.0]]), eigvals_only=True).tolist()
    [1.0, 2.0]
    """
    if b is not None or unsupported:
        raise NotImplementedError("scipy.linalg.eigh: only the standard problem (b=None) is supported, as in JAX")
    w, v = _np_linalg.eigh(a)
    return w if eigvals_only else (w, v)


def qr(a, mode: str = "full", pivoting: bool = False):
    """QR decomposition; ``mode`` is ``"full"``, ``"economic"``, ``"r"`` or ``"raw"``-less SciPy's.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> q, r = fsl.qr(fnp.eye(2))
    >>> abs(r).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if pivoting:
        raise NotImplementedError("scipy.linalg.qr: pivoting=True is not supported")
    if mode not in ("full", "economic", "r"):
        raise _FungradTypeError(f"scipy.linalg.qr: mode must be 'full', 'economic' or 'r', got {mode!r}")
    q, r = _la.qr(_to_inexact(a), full_matrices=mode == "full")
    return (r,) if mode == "r" else (q, r)


def svd(
    a, full_matrices: bool = True, compute_uv: bool = True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"
):
    """Singular value decomposition ``a = U @ diag(s) @ Vh`` (``s`` descending).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.svd(fnp.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).tolist()
    [4.0, 3.0]
    """
    return _np_linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def _lu_parts(lu_):
    strict_lower = _ew.mul(lu_, _la._tril_mask(lu_, -1))
    return _ew.add(strict_lower, _la._eye_like(lu_)), _ew.sub(lu_, strict_lower)


def lu(a, permute_l: bool = False):
    """``(p, l, u)`` with ``a = p @ l @ u`` (``p`` a permutation matrix), or ``(p @ l, u)`` with
    ``permute_l``. Square matrices only.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> p, l, u = fsl.lu(fnp.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> (p @ l @ u).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    a = _to_inexact(a)
    lu_, _, permutation = _lu.lu(a)
    l_mat, u_mat = _lu_parts(lu_)
    p = _la._T(_lu.permutation_matrix(permutation, _cx.real_dtype(_get_aval(a).dtype)))
    if permute_l:
        return _la._matmul(_la._cast_like(p, l_mat), l_mat), u_mat
    return p, l_mat, u_mat


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``(lu, piv)``: the packed LU factors and LAPACK's pivot indices, for :func:`lu_solve`.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> lu, piv = fsl.lu_factor(fnp.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> piv.tolist()
    [1, 1]
    """
    lu_, pivots, _ = _lu.lu(_to_inexact(a))
    return lu_, pivots


def lu_solve(lu_and_piv, b, trans: int = 0, overwrite_b=False, check_finite=True):
    """Solve ``a @ x = b`` (``trans=0``) or ``a.T @ x = b`` (``trans=1``) from :func:`lu_factor`.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> a = fnp.array([[1.0, 2.0], [3.0, 4.0]])
    >>> [round(float(v), 6) for v in fsl.lu_solve(fsl.lu_factor(a), fnp.array([5.0, 11.0]))]
    [1.0, 2.0]
    """
    lu_, pivots = lu_and_piv
    lu_, b = _promote(_to_inexact(lu_), _to_inexact(b))
    n = _get_aval(lu_).shape[-1]
    perm = _lu.permutation_matrix(_lu.lu_pivots_to_permutation(pivots, n), _get_aval(lu_).dtype)
    vector = _get_aval(b).ndim == 1
    b2 = _expand_dims(b, -1) if vector else b
    if trans in (0, "N"):
        # a = P^T L U: solve L y = P b, then U x = y
        y = _la.triangular_solve(lu_, _la._matmul(perm, b2), left_side=True, lower=True, unit_diagonal=True)
        x = _la.triangular_solve(lu_, y, left_side=True, lower=False)
    elif trans in (1, "T"):
        # a^T = U^T L^T P: solve U^T z = b, L^T w = z, then x = P^T w
        z = _la.triangular_solve(lu_, b2, left_side=True, lower=False, transpose_a=True)
        w = _la.triangular_solve(lu_, z, left_side=True, lower=True, transpose_a=True, unit_diagonal=True)
        x = _la._matmul(_la._T(perm), w)
    else:
        raise _FungradTypeError(f"lu_solve: trans must be 0 or 1 (real matrices), got {trans!r}")
    return _squeeze(x, -1) if vector else x


# Pade(13) coefficients and the 1-norm bound below which it is accurate (Higham 2005, as in JAX)
_PADE13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA13 = 5.371920351148152
_MAX_SQUARINGS = 16


def expm(A, *, upper_triangular: bool = False, max_squarings: int = _MAX_SQUARINGS):  # noqa: N803 - SciPy's name
    """Matrix exponential by scaling and squaring with a degree-13 Pade approximant.

    The number of squarings depends on the (possibly traced) 1-norm of ``A``; all
    ``max_squarings`` squarings are staged and the unneeded ones select the unsquared value, so
    ``expm`` is jittable, batchable and differentiable (through the approximant).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> [[round(float(v), 6) for v in row] for row in fsl.expm(fnp.array([[0.0, 1.0], [0.0, 0.0]]))]
    [[1.0, 1.0], [0.0, 1.0]]
    """
    fnp = _fnp
    a = _to_inexact(A)
    _la._check_square("expm", a)
    norm = fnp.max(fnp.sum(fnp.abs(a), axis=-2), axis=-1)
    squarings = fnp.maximum(fnp.ceil(fnp.log2(fnp.maximum(norm / _THETA13, 1e-300))), 0)
    squarings = _ew.stop_gradient(fnp.minimum(squarings, max_squarings))
    scale = fnp.power(2.0, fnp.negative(squarings))
    a = fnp.multiply(a, fnp.expand_dims(fnp.expand_dims(scale, -1), -1))
    b = _PADE13
    ident = _la._eye_like(a)
    a2 = _la._matmul(a, a)
    a4 = _la._matmul(a2, a2)
    a6 = _la._matmul(a4, a2)

    def comb(*terms):
        out = None
        for c, m in terms:
            t = _ew.mul(m, _ew.scalar(c, m))
            out = t if out is None else _ew.add(out, t)
        return out

    u_inner = _la._matmul(a6, comb((b[13], a6), (b[11], a4), (b[9], a2)))
    u = _la._matmul(a, _ew.add(u_inner, comb((b[7], a6), (b[5], a4), (b[3], a2), (b[1], ident))))
    v_inner = _la._matmul(a6, comb((b[12], a6), (b[10], a4), (b[8], a2)))
    v = _ew.add(v_inner, comb((b[6], a6), (b[4], a4), (b[2], a2), (b[0], ident)))
    r = _np_linalg.solve(_ew.sub(v, u), _ew.add(v, u))
    for i in range(int(max_squarings)):
        more = fnp.expand_dims(fnp.expand_dims(fnp.greater(squarings, i), -1), -1)
        r = fnp.where(more, _la._matmul(r, r), r)
    return r


def expm_frechet(A, E, *, method=None, compute_expm: bool = True):  # noqa: N803 - SciPy's names
    """The Frechet derivative of ``expm`` at ``A`` in direction ``E`` (with ``expm(A)`` first, unless
    ``compute_expm=False``): the forward-mode derivative of :func:`expm`, as JAX computes it.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> e, d = fsl.expm_frechet(fnp.zeros((2, 2)), fnp.array([[0.0, 1.0], [0.0, 0.0]]))
    >>> d.round(6).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    a, e = _to_inexact(A), _to_inexact(E)
    a_shape, e_shape = _get_aval(a).shape, _get_aval(e).shape
    if len(a_shape) < 2 or a_shape[-2] != a_shape[-1]:
        raise ValueError(f"expected A to be a (batched) square matrix, got A.shape={a_shape}")
    if len(e_shape) < 2 or e_shape[-2] != e_shape[-1]:
        raise ValueError(f"expected E to be a (batched) square matrix, got E.shape={e_shape}")
    if a_shape != e_shape:
        raise ValueError(f"expected A and E to be the same shape, got A.shape={a_shape} E.shape={e_shape}")
    expm_a, frechet = _api.jvp(lambda x: expm(x, max_squarings=16), (a,), (e,))
    return (expm_a, frechet) if compute_expm else frechet


# Special matrices, Schur-type factorizations and matrix functions live in two sibling modules.
from fungrad.scipy._linalg_functions import *  # noqa: E402, F403
from fungrad.scipy._linalg_functions import __all__ as _functions_all  # noqa: E402
from fungrad.scipy._linalg_matrices import *  # noqa: E402, F403
from fungrad.scipy._linalg_matrices import __all__ as _matrices_all  # noqa: E402
from fungrad.scipy._linalg_schur_forms import *  # noqa: E402, F403
from fungrad.scipy._linalg_schur_forms import __all__ as _schur_forms_all  # noqa: E402

__all__ += _functions_all + _matrices_all + _schur_forms_all
