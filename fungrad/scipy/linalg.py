"""``fungrad.scipy.linalg``: triangular solves and Cholesky, mirroring ``jax.scipy.linalg``.

>>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
>>> fsl.solve_triangular(fnp.array([[2.0, 0.0], [1.0, 1.0]]), fnp.array([2.0, 3.0]), lower=True).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import linalg as _la
from fungrad.numpy import linalg as _np_linalg
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.numpy._manipulation import expand_dims, squeeze

__all__ = ["cho_factor", "cho_solve", "cholesky", "solve", "solve_triangular"]


def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False):
    """Solve ``op(a) @ x = b`` for triangular ``a`` (``trans``: 0/'N', 1/'T' or 2/'C').

    Only the ``lower`` (or upper) triangle of ``a`` is read; ``b`` may be a vector.
    """
    if trans not in (0, 1, 2, "N", "T", "C"):
        raise FungradTypeError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    a, b = _promote(_to_inexact(a), _to_inexact(b))
    _la._check_square("solve_triangular", a)
    vector = get_aval(b).ndim == 1
    b2 = expand_dims(b, -1) if vector else b
    x = _la.triangular_solve(
        a, b2, left_side=True, lower=lower, transpose_a=trans not in (0, "N"), unit_diagonal=unit_diagonal
    )
    return squeeze(x, -1) if vector else x


def cholesky(a, lower: bool = False):
    """Cholesky factor of a symmetric positive-definite matrix (upper by default, as SciPy)."""
    return _np_linalg.cholesky(a, upper=not lower)


def solve(a, b):
    """Solve ``a @ x = b`` for general square ``a``."""
    return _np_linalg.solve(a, b)


def cho_factor(a, lower: bool = False):
    """``(c, lower)``: the Cholesky factor of ``a`` for :func:`cho_solve` (no symmetrization;
    only the ``lower`` or upper triangle of ``a`` is read)."""
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
    vector = get_aval(b).ndim == 1
    b2 = expand_dims(b, -1) if vector else b
    # a = L L^T: solve L y = b, then L^T x = y (with L = c, or L = c^T for an upper factor)
    y = _la.triangular_solve(c, b2, left_side=True, lower=lower, transpose_a=not lower)
    x = _la.triangular_solve(c, y, left_side=True, lower=lower, transpose_a=lower)
    return squeeze(x, -1) if vector else x
