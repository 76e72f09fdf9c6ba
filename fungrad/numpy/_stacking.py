"""Stacking, splitting and rank-raising: the ``hstack``/``vstack``/``dstack`` family, ``array_split``
and its ``hsplit``/``vsplit``/``dsplit`` forms, ``atleast_*d``, ``block``, ``append``, ``unstack``,
``broadcast_arrays``, and axis reordering (``permute_dims``, ``matrix_transpose``, ``rollaxis``).

All are compositions of ``concatenate``, ``split``, ``reshape`` and ``transpose``, whose primitives
carry the derivative and batching rules.
"""

from __future__ import annotations

import numpy as _np

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy._conversion import asarray as _asarray
from fungrad.numpy._conversion import broadcast_shapes as _broadcast_shapes
from fungrad.numpy._conversion import broadcast_to as _broadcast_to
from fungrad.numpy._manipulation import concatenate as _concatenate
from fungrad.numpy._manipulation import moveaxis as _moveaxis
from fungrad.numpy._manipulation import ravel as _ravel
from fungrad.numpy._manipulation import reshape as _reshape
from fungrad.numpy._manipulation import split as _split
from fungrad.numpy._manipulation import transpose as _transpose

__all__ = [
    "append",
    "array_split",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "block",
    "broadcast_arrays",
    "column_stack",
    "concat",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "matrix_transpose",
    "permute_dims",
    "rollaxis",
    "unstack",
    "vsplit",
    "vstack",
]


def _ndim(x) -> int:
    return _get_aval(x).ndim


def _one_or_list(arrays):
    return arrays[0] if len(arrays) == 1 else list(arrays)


def atleast_1d(*arys):
    """Each input as an array of at least one dimension (a list when given several).

    >>> import fungrad.numpy as fnp
    >>> fnp.atleast_1d(1.0).shape
    (1,)
    """
    return _one_or_list([_reshape(a, (1,)) if _ndim(a) == 0 else a for a in map(_asarray, arys)])


def atleast_2d(*arys):
    """Each input with at least two dimensions (1-D ``(n,)`` becomes ``(1, n)``).

    >>> import fungrad.numpy as fnp
    >>> fnp.atleast_2d(fnp.ones(3)).shape
    (1, 3)
    """
    out = []
    for a in map(_asarray, arys):
        out.append(_reshape(a, (1,) * (2 - _ndim(a)) + _get_aval(a).shape) if _ndim(a) < 2 else a)
    return _one_or_list(out)


def atleast_3d(*arys):
    """Each input with at least three dimensions (``(n,)`` becomes ``(1, n, 1)``, ``(m, n)`` ``(m, n, 1)``).

    >>> import fungrad.numpy as fnp
    >>> fnp.atleast_3d(fnp.ones(3)).shape
    (1, 3, 1)
    """
    out = []
    for a in map(_asarray, arys):
        shape = _get_aval(a).shape
        if len(shape) == 0:
            a = _reshape(a, (1, 1, 1))
        elif len(shape) == 1:
            a = _reshape(a, (1, shape[0], 1))
        elif len(shape) == 2:
            a = _reshape(a, (*shape, 1))
        out.append(a)
    return _one_or_list(out)


def _as_list(tup):
    if hasattr(tup, "shape") and not isinstance(tup, (list, tuple)):
        return [tup[i] for i in range(_get_aval(tup).shape[0])]
    return list(tup)


def hstack(tup, dtype=None):
    """Stack along the second axis (the first for 1-D inputs).

    >>> import fungrad.numpy as fnp
    >>> fnp.hstack([fnp.ones(2), fnp.zeros(1)]).tolist()
    [1.0, 1.0, 0.0]
    """
    arrs = [_asarray(atleast_1d(a), dtype) for a in _as_list(tup)]
    return _concatenate(arrs, axis=0 if _ndim(arrs[0]) == 1 else 1)


def vstack(tup, dtype=None):
    """Stack along the first axis, after making inputs at least 2-D.

    >>> import fungrad.numpy as fnp
    >>> fnp.vstack([fnp.ones(2), fnp.zeros(2)]).shape
    (2, 2)
    """
    return _concatenate([_asarray(atleast_2d(a), dtype) for a in _as_list(tup)], axis=0)


def dstack(tup, dtype=None):
    """Stack along the third axis, after making inputs at least 3-D.

    >>> import fungrad.numpy as fnp
    >>> fnp.dstack([fnp.ones((2, 2)), fnp.zeros((2, 2))]).shape
    (2, 2, 2)
    """
    return _concatenate([_asarray(atleast_3d(a), dtype) for a in _as_list(tup)], axis=2)


def column_stack(tup):
    """Stack 1-D inputs as columns of a 2-D array (2-D inputs are concatenated along axis 1).

    >>> import fungrad.numpy as fnp
    >>> fnp.column_stack([fnp.ones(2), fnp.zeros(2)]).tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    """
    arrs = [_reshape(a, (-1, 1)) if _ndim(a) < 2 else a for a in map(_asarray, _as_list(tup))]
    return _concatenate(arrs, axis=1)


def concat(arrays, /, *, axis: int | None = 0):
    """Array-API ``concat``: ``concatenate`` (``axis=None`` flattens first).

    >>> import fungrad.numpy as fnp
    >>> fnp.concat([fnp.ones(1), fnp.zeros(1)]).tolist()
    [1.0, 0.0]
    """
    if axis is None:
        return _concatenate([_ravel(a) for a in arrays], axis=0)
    return _concatenate(list(arrays), axis=axis)


def array_split(ary, indices_or_sections, axis: int = 0):
    """Split into ``indices_or_sections`` parts that may differ in size by one (or at given indices).

    >>> import fungrad.numpy as fnp
    >>> [p.shape for p in fnp.array_split(fnp.arange(5.0), 3)]
    [(2,), (2,), (1,)]
    """
    ary = _asarray(ary)
    if isinstance(indices_or_sections, (int, _np.integer)):
        n = _get_aval(ary).shape[axis]
        sections = int(indices_or_sections)
        if sections <= 0:
            raise _FungradTypeError(f"array_split: number of sections must be positive, got {sections}")
        size, extra = divmod(n, sections)
        bounds = _np.cumsum([size + 1] * extra + [size] * (sections - extra))[:-1]
        return _split(ary, [int(b) for b in bounds], axis)
    return _split(ary, indices_or_sections, axis)


def _split_along(name, ary, indices_or_sections, axis):
    ary = _asarray(ary)
    if isinstance(indices_or_sections, (int, _np.integer)) and _get_aval(ary).shape[axis] % int(indices_or_sections):
        raise _FungradTypeError(
            f"{name}: array of size {_get_aval(ary).shape[axis]} along axis {axis} does not split into "
            f"{indices_or_sections} equal parts; use array_split"
        )
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Split along the second axis (the first for 1-D input) into equal parts or at indices.

    >>> import fungrad.numpy as fnp
    >>> [p.shape for p in fnp.hsplit(fnp.ones((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    return _split_along("hsplit", ary, indices_or_sections, 0 if _ndim(_asarray(ary)) == 1 else 1)


def vsplit(ary, indices_or_sections):
    """Split along the first axis (input at least 2-D).

    >>> import fungrad.numpy as fnp
    >>> [p.shape for p in fnp.vsplit(fnp.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    if _ndim(_asarray(ary)) < 2:
        raise _FungradTypeError("vsplit: only works on arrays of 2 or more dimensions")
    return _split_along("vsplit", ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Split along the third axis (input at least 3-D).

    >>> import fungrad.numpy as fnp
    >>> [p.shape for p in fnp.dsplit(fnp.ones((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    if _ndim(_asarray(ary)) < 3:
        raise _FungradTypeError("dsplit: only works on arrays of 3 or more dimensions")
    return _split_along("dsplit", ary, indices_or_sections, 2)


def unstack(x, /, *, axis: int = 0):
    """The slices of ``x`` along ``axis``, as a tuple.

    >>> import fungrad.numpy as fnp
    >>> [p.tolist() for p in fnp.unstack(fnp.array([[1.0, 2.0], [3.0, 4.0]]))]
    [[1.0, 2.0], [3.0, 4.0]]
    """
    x = _moveaxis(_asarray(x), axis, 0)
    return tuple(x[i] for i in range(_get_aval(x).shape[0]))


def append(arr, values, axis: int | None = None):
    """``values`` appended to ``arr`` (both flattened when ``axis`` is None).

    >>> import fungrad.numpy as fnp
    >>> fnp.append(fnp.ones(2), fnp.zeros(1)).tolist()
    [1.0, 1.0, 0.0]
    """
    if axis is None:
        return _concatenate([_ravel(_asarray(arr)), _ravel(_asarray(values))], axis=0)
    return _concatenate([_asarray(arr), _asarray(values)], axis=axis)


def block(arrays):
    """Assemble an array from nested lists of blocks (the innermost lists join along the last axis).

    >>> import fungrad.numpy as fnp
    >>> fnp.block([[fnp.ones((1, 1)), fnp.zeros((1, 2))], [fnp.zeros((1, 1)), fnp.ones((1, 2))]]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]
    """

    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) else 0

    def assemble(x, level, total):
        if not isinstance(x, list):
            return _asarray(x)
        parts = [assemble(e, level + 1, total) for e in x]
        ndim = max(total, *(_ndim(p) for p in parts))
        parts = [_reshape(p, (1,) * (ndim - _ndim(p)) + _get_aval(p).shape) for p in parts]
        return _concatenate(parts, axis=ndim - (total - level))

    if isinstance(arrays, tuple):
        raise _FungradTypeError("block: arrays must be nested lists, not tuples")
    total = depth(arrays)
    return assemble(arrays, 0, total) if total else _asarray(arrays)


def broadcast_arrays(*args):
    """The inputs broadcast against each other (a list).

    >>> import fungrad.numpy as fnp
    >>> [a.shape for a in fnp.broadcast_arrays(fnp.ones((2, 1)), fnp.ones(3))]
    [(2, 3), (2, 3)]
    """
    arrs = [_asarray(a) for a in args]
    shape = _broadcast_shapes(*(_get_aval(a).shape for a in arrs))
    return [_broadcast_to(a, shape) for a in arrs]


def permute_dims(a, /, axes):
    """Array-API ``transpose`` with explicit ``axes``.

    >>> import fungrad.numpy as fnp
    >>> fnp.permute_dims(fnp.ones((1, 2, 3)), (2, 0, 1)).shape
    (3, 1, 2)
    """
    return _transpose(_asarray(a), axes)


def matrix_transpose(x, /):
    """Swap the last two axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.matrix_transpose(fnp.ones((4, 2, 3))).shape
    (4, 3, 2)
    """
    x = _asarray(x)
    n = _ndim(x)
    if n < 2:
        raise _FungradTypeError(f"matrix_transpose: x must have at least 2 dimensions, got shape {_get_aval(x).shape}")
    return _transpose(x, (*range(n - 2), n - 1, n - 2))


def rollaxis(a, axis: int, start: int = 0):
    """Move ``axis`` to before position ``start`` (NumPy's older ``moveaxis``).

    >>> import fungrad.numpy as fnp
    >>> fnp.rollaxis(fnp.ones((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    a = _asarray(a)
    n = _ndim(a)
    axis = axis % n
    start = start % (n + 1) if start < 0 else start
    if axis < start:
        start -= 1
    return _moveaxis(a, axis, start)
