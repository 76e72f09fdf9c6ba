"""``fungrad.numpy.linalg`` norms and norm-based quantities: ``norm``, ``vector_norm``, ``matrix_norm``,
``cond`` and ``matrix_rank``, following ``jax.numpy.linalg`` case by case (so their derivatives, which
come from the compositions, match JAX's: the spectral and nuclear norms go through the SVD).
"""

from __future__ import annotations

import numpy as _np

from fungrad._src.core import get_aval
from fungrad.numpy._complex import conj as _conj
from fungrad.numpy._complex import iscomplexobj as _iscomplexobj
from fungrad.numpy._complex import real as _real
from fungrad.numpy._conversion import _to_inexact, asarray
from fungrad.numpy._elementwise import abs as _abs
from fungrad.numpy._elementwise import power as _power
from fungrad.numpy._elementwise import sqrt as _sqrt
from fungrad.numpy._elementwise import where as _where
from fungrad.numpy._float_math import isnan as _isnan
from fungrad.numpy._linalg_decompositions import inv as _inv
from fungrad.numpy._linalg_decompositions import svd as _svd
from fungrad.numpy._manipulation import expand_dims as _expand_dims
from fungrad.numpy._manipulation import moveaxis as _moveaxis
from fungrad.numpy._reductions import max as _max
from fungrad.numpy._reductions import min as _min
from fungrad.numpy._reductions import sum as _sum
from fungrad.numpy._sorting_scans import any as _any

__all__ = ["cond", "matrix_norm", "matrix_rank", "norm", "vector_norm"]


def _abs2(x):
    """``|x|^2`` as a real array (``x * conj(x)``, whose derivative is defined at 0)."""
    return _real(x * _conj(x)) if _iscomplexobj(x) else x * x


def vector_norm(x, /, *, axis=None, keepdims: bool = False, ord=2):  # noqa: A002 - NumPy's name
    """Vector norm over ``axis`` (None: all axes); ``ord`` is 2, 1, inf, -inf, 0 or any p.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.vector_norm(fnp.array([3.0, -4.0]), ord=1))
    7.0
    """
    x = _to_inexact(x)
    if ord is None or (not isinstance(ord, str) and ord == 2):
        return _sqrt(_sum(_abs2(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        hint = {"inf": " Use numpy.inf instead.", "-inf": " Use -numpy.inf instead."}.get(ord, "")
        raise ValueError(f"Invalid order '{ord}' for vector norm.{hint}")
    if ord == _np.inf:
        return _max(_abs(x), axis=axis, keepdims=keepdims)
    if ord == -_np.inf:
        return _min(_abs(x), axis=axis, keepdims=keepdims)
    real_dtype = _real(x).dtype if _iscomplexobj(x) else get_aval(x).dtype
    if ord == 0:
        return _sum(x != 0, axis=axis, keepdims=keepdims, dtype=real_dtype)
    if ord == 1:
        return _sum(_abs(x), axis=axis, keepdims=keepdims)
    abs_x = _abs(x)
    total = _sum(abs_x ** asarray(ord, real_dtype), axis=axis, keepdims=keepdims)
    return _power(total, asarray(1.0 / ord, real_dtype))


def norm(x, ord=None, axis=None, keepdims: bool = False):  # noqa: A002 - NumPy's name
    """Vector or matrix norm, as ``jax.numpy.linalg.norm``.

    With ``axis=None`` and ``ord=None`` it is the 2-norm of the flattened array. An int ``axis``
    gives vector norms (``ord``: None/2, 1, inf, -inf, 0 or any p); a pair gives matrix norms
    (``ord``: None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.norm(fnp.array([3.0, 4.0])))
    5.0
    >>> round(float(fnp.linalg.norm(fnp.array([[3.0, 0.0], [0.0, 4.0]]), ord="nuc")), 6)
    7.0
    """
    x = _to_inexact(x)
    ndim = get_aval(x).ndim
    if axis is None:
        if ord is None:
            return _sqrt(_sum(_abs2(x), keepdims=keepdims))
        axis = tuple(range(ndim))
    elif isinstance(axis, tuple | list):
        axis = tuple(int(a) % ndim if -ndim <= a < ndim else _bad_axis(a, ndim) for a in axis)
    else:
        axis = (int(axis) % ndim if -ndim <= axis < ndim else _bad_axis(axis, ndim),)
    if len(axis) == 1:
        return vector_norm(x, ord=2 if ord is None else ord, axis=axis, keepdims=keepdims)
    if len(axis) != 2:
        raise ValueError(
            f"Improper number of axes for norm: axis={axis}. Pass one axis to compute a vector-norm, or two "
            "axes to compute a matrix-norm."
        )
    row, col = axis
    if ord is None or ord in ("f", "fro"):
        return _sqrt(_sum(_abs2(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str) and ord != "nuc":
        raise ValueError(f"Invalid order '{ord}' for matrix norm.")
    if ord in (1, -1):
        if not keepdims and col > row:
            col -= 1
        reduce = _max if ord == 1 else _min
        return reduce(_sum(_abs(x), axis=row, keepdims=keepdims), axis=col, keepdims=keepdims)
    if ord in (_np.inf, -_np.inf):
        if not keepdims and row > col:
            row -= 1
        reduce = _max if ord == _np.inf else _min
        return reduce(_sum(_abs(x), axis=col, keepdims=keepdims), axis=row, keepdims=keepdims)
    if ord in ("nuc", 2, -2):
        s = _svd(_moveaxis(x, axis, (-2, -1)), compute_uv=False)
        y = _sum(s, axis=-1) if ord == "nuc" else (_max(s, axis=-1) if ord == 2 else _min(s, axis=-1))
        return _expand_dims(y, axis) if keepdims else y
    raise ValueError(f"Invalid order '{ord}' for matrix norm.")


def _bad_axis(a, ndim):
    raise ValueError(f"norm: axis {a} is out of bounds for an array of dimension {ndim}")


def matrix_norm(x, /, *, keepdims: bool = False, ord="fro"):  # noqa: A002 - NumPy's name
    """Norm of the matrices in the last two axes (``ord`` as in :func:`norm`).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.matrix_norm(fnp.array([[1.0, -2.0], [3.0, 4.0]]), ord=1))
    6.0
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x, p=None):
    """Condition number of matrices in ``p``'s norm (default 2: the ratio of extreme singular values).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.cond(fnp.array([[2.0, 0.0], [0.0, 0.5]])))
    4.0
    """
    x = _to_inexact(x)
    shape = get_aval(x).shape
    if len(shape) < 2:
        raise ValueError(f"linalg.cond: input array must be at least 2-d; got shape {shape}")
    if shape[-1] == 0 or shape[-2] == 0:
        raise ValueError(f"linalg.cond: input array must not be empty; got shape {shape}")
    if p is None or (not isinstance(p, str) and p == 2):
        s = _svd(x, compute_uv=False)
        return s[..., 0] / s[..., -1]
    if not isinstance(p, str) and p == -2:
        s = _svd(x, compute_uv=False)
        r = s[..., -1] / s[..., 0]
    else:
        if shape[-1] != shape[-2]:
            raise ValueError(f"linalg.cond: for p={p!r}, the matrices must be square; got shape {shape}")
        r = norm(x, ord=p, axis=(-2, -1)) * norm(_inv(x), ord=p, axis=(-2, -1))
    # a singular matrix gives nan above: report inf unless the input itself had nans
    nan_in_input = _any(_isnan(x), axis=(-2, -1))
    return _where(_isnan(r) & ~nan_in_input, _np.inf, r)


def matrix_rank(M, rtol=None, *, hermitian: bool = False, tol=None):  # noqa: N803 - NumPy's name
    """Number of singular values above ``rtol`` (default: ``max(m, n) * eps`` times the largest).

    As in JAX, a given ``rtol`` (or ``tol``) is an absolute threshold on the singular values.

    >>> import fungrad.numpy as fnp
    >>> int(fnp.linalg.matrix_rank(fnp.array([[1.0, 2.0], [2.0, 4.0]])))
    1
    """
    if tol is not None:
        if rtol is not None:
            raise ValueError("matrix_rank: only one of tol or rtol may be specified.")
        rtol = tol
    M = _to_inexact(M)  # noqa: N806
    shape = get_aval(M).shape
    if len(shape) < 2:
        return _any(M != 0).astype(_np.int32)
    s = _svd(M, full_matrices=False, compute_uv=False, hermitian=hermitian)
    if rtol is None:
        eps = float(_np.finfo(get_aval(s).dtype).eps)
        rtol = _max(s, axis=-1) * (max(shape[-2:]) * eps)
    rtol = asarray(rtol)
    rtol = _expand_dims(rtol, get_aval(rtol).ndim)
    return _sum(s > rtol, axis=-1)
