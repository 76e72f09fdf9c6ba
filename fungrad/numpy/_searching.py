"""Searching and counting: nonzero, argwhere, flatnonzero, count_nonzero, searchsorted, lexsort, and the
NaN-ignoring products and cumulative ops.

``nonzero`` on a traced array needs a static ``size`` (the number of results decides the output
shape), as in JAX: the positions are computed with a cumulative sum and written with a scatter that
drops everything past ``size``; missing entries get ``fill_value`` (0 by default).
"""

from __future__ import annotations

import jax
import numpy as np

from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import scans
from fungrad._src.primitives import shape as sh
from fungrad.numpy import _sorting_scans as ss
from fungrad.numpy._conversion import _canonical_axes, _promote, _to_array, asarray, broadcast_shapes, broadcast_to
from fungrad.numpy._creation import full, full_like
from fungrad.numpy._elementwise import (
    floor_divide,
    greater_equal,
    less,
    less_equal,
    not_equal,
    remainder,
    subtract,
)
from fungrad.numpy._elementwise import where as _select
from fungrad.numpy._function_docs import named
from fungrad.numpy._indexing import at, take
from fungrad.numpy._manipulation import concatenate, expand_dims, ravel, stack
from fungrad.numpy._reductions import sum


def _default_int():
    return jax.dtypes.canonicalize_dtype(np.int64)


def _isnan(x):
    return ew.ne(x, x)


def nonzero(a, *, size=None, fill_value=None):
    """Indices of the non-zero elements, one array per axis (C order).

    A traced ``a`` needs ``size``: the first ``size`` results are returned, padded with
    ``fill_value`` (0 by default, or one value per axis).

    >>> import fungrad.numpy as fnp
    >>> fnp.nonzero(fnp.array([0.0, 2.0, 0.0, 1.0]))[0].tolist()
    [1, 3]
    """
    a = _to_array(a)
    shape = get_aval(a).shape
    if not shape:
        raise FungradTypeError("nonzero: calling nonzero on 0-d arrays is not allowed (as in JAX)")
    if size is None:
        if isinstance(a, Tracer):
            raise FungradTypeError(
                "nonzero: the argument is traced, so the number of non-zero elements is unknown; pass a "
                "static `size=` (and optionally `fill_value=`) as in jax.numpy.nonzero"
            )
        return tuple(jax.numpy.asarray(i, _default_int()) for i in np.nonzero(np.asarray(a)))

    flat = not_equal(ravel(a), 0)
    n = get_aval(flat).shape[0]
    rank = subtract(ss.cumsum(flat), 1)  # position of each non-zero in the output
    slot = _select(flat, rank, size)  # zeros go out of bounds and are dropped
    positions = at(full((size,), -1, _default_int()))[slot].set(np.arange(n, dtype=_default_int()))
    found = greater_equal(positions, 0)
    fills = fill_value if isinstance(fill_value, (tuple, list)) else (fill_value,) * len(shape)
    out, rest = [], positions
    for axis in reversed(range(len(shape))):
        coord = remainder(rest, shape[axis])
        rest = floor_divide(rest, shape[axis])
        fill = 0 if fills[axis] is None else fills[axis]
        out.append(_select(found, coord, asarray(fill, _default_int())))
    return tuple(reversed(out))


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """``x`` where ``condition`` else ``y`` (broadcast together); with ``condition`` alone, the indices of
    its non-zero elements, as :func:`nonzero` (``size`` and ``fill_value`` as there):
    ``where(x, size=3, fill_value=-1)`` gives ``nonzero(x, size=3, fill_value=-1)``.

    The gradient flows only into the selected branch (see ``_elementwise.where`` for guarding a
    branch whose derivative is not finite).

    >>> import fungrad.numpy as fnp
    >>> fnp.where(fnp.array([True, False]), 1.0, 2.0).tolist()
    [1.0, 2.0]
    """
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    if size is not None or fill_value is not None:
        raise ValueError("where: size and fill_value are only valid with the one-argument form where(condition)")
    return _select(condition, x, y)


def flatnonzero(a, *, size=None, fill_value=None):
    """Indices of the non-zero elements of the flattened array.

    >>> import fungrad.numpy as fnp
    >>> fnp.flatnonzero(fnp.array([[0, 5], [7, 0]])).tolist()
    [1, 2]
    """
    return nonzero(ravel(a), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size=None, fill_value=None):
    """``(count, ndim)`` indices of the non-zero elements (see :func:`nonzero` for ``size``).

    >>> import fungrad.numpy as fnp
    >>> fnp.argwhere(fnp.array([[0, 1], [1, 0]])).tolist()
    [[0, 1], [1, 0]]
    """
    a = _to_array(a)
    if get_aval(a).ndim == 0:
        a = expand_dims(a, 0)
        return stack(nonzero(a, size=size, fill_value=fill_value), -1)[:, :0]
    return stack(nonzero(a, size=size, fill_value=fill_value), -1)


def count_nonzero(a, axis=None, keepdims: bool = False):
    """The number of non-zero elements along ``axis``.

    >>> import fungrad.numpy as fnp
    >>> fnp.count_nonzero(fnp.array([[0, 1], [2, 3]]), axis=1).tolist()
    [1, 2]
    """
    return sum(not_equal(_to_array(a), 0), axis=axis, dtype=_default_int(), keepdims=keepdims)


def searchsorted(a, v, side: str = "left", sorter=None, *, method: str = "scan"):
    """Insertion indices of ``v`` into the sorted 1-D ``a`` (``side="left"``: before equal entries).

    Computed by comparing every ``v`` with every ``a`` (no derivative: the result is an index);
    ``method`` names jax.numpy's strategy and is checked but not used (every strategy gives the same
    indices).

    >>> import fungrad.numpy as fnp
    >>> fnp.searchsorted(fnp.array([1.0, 2.0, 3.0]), fnp.array([2.0, 2.5])).tolist()
    [1, 2]
    """
    a, v = _promote(a, v)
    if get_aval(a).ndim != 1:
        raise FungradTypeError(f"searchsorted: a must be 1-D, got shape {get_aval(a).shape}")
    if sorter is not None:
        a = take(a, sorter, mode="promise_in_bounds")
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(
            f"searchsorted: method must be one of 'scan', 'scan_unrolled', 'sort' or 'compare_all', got {method!r}"
        )
    if side not in ("left", "right"):
        raise FungradTypeError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    v_nd = get_aval(v).ndim
    below = (less if side == "left" else less_equal)(sh.expand_dims(a, tuple(range(v_nd))), v[..., None])
    return sum(below, axis=-1, dtype=np.int32)


def lexsort(keys, axis: int = -1):
    """Indices that sort by several keys; the *last* key is the primary one (stable).

    >>> import fungrad.numpy as fnp
    >>> fnp.lexsort((fnp.array([2, 1, 0]), fnp.array([1, 0, 1]))).tolist()
    [1, 2, 0]
    """
    keys = [_to_array(k) for k in keys]
    if not keys:
        raise FungradTypeError("lexsort: need at least one key")
    shape = broadcast_shapes(*(get_aval(k).shape for k in keys))
    keys = [broadcast_to(k, shape) for k in reversed(keys)]
    axis = _canonical_axes(axis, len(shape))[0]
    iota = sh.broadcast_in_dim(np.arange(shape[axis], dtype=_default_int()), shape, (axis,))
    return scans.sort([*keys, iota], axis, is_stable=True, num_keys=len(keys))[-1]


def _nan_to(x, value):
    x = _to_array(x)
    if not np.issubdtype(get_aval(x).dtype, np.inexact):
        return x
    return _select(_isnan(x), full_like(x, value), x)


def nanprod(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None):
    """``prod`` treating NaNs as 1 (``initial`` and ``where`` as in :func:`prod`).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanprod(fnp.array([2.0, fnp.nan, 3.0])))
    6.0
    """
    return ss.prod(_nan_to(a, 1), axis, dtype, out, keepdims, initial, where)


def nansum(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None):
    """``sum`` treating NaNs as 0 (``initial`` and ``where`` as in :func:`sum`).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nansum(fnp.array([1.0, fnp.nan, 2.0])))
    3.0
    """
    return sum(_nan_to(a, 0), axis, dtype, out, keepdims, initial, where)


def nancumsum(a, axis=None, dtype=None, out=None):
    """``cumsum`` treating NaNs as 0.

    >>> import fungrad.numpy as fnp
    >>> fnp.nancumsum(fnp.array([1.0, fnp.nan, 2.0])).tolist()
    [1.0, 1.0, 3.0]
    """
    return ss.cumsum(_nan_to(a, 0), axis, dtype, out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """``cumprod`` treating NaNs as 1.

    >>> import fungrad.numpy as fnp
    >>> fnp.nancumprod(fnp.array([2.0, fnp.nan, 3.0])).tolist()
    [2.0, 2.0, 6.0]
    """
    return ss.cumprod(_nan_to(a, 1), axis, dtype, out)


def _cumulative(fn, identity, name, example_result: str):
    def cumulative(x, /, *, axis=None, dtype=None, include_initial: bool = False):
        x = _to_array(x)
        ndim = get_aval(x).ndim
        if ndim == 0:
            raise FungradTypeError(f"{name}: the input must be at least 1-dimensional")
        if axis is None:
            if ndim > 1:
                raise FungradTypeError(f"{name}: axis must be given for arrays with more than one dimension")
            axis = 0
        axis = _canonical_axes(axis, ndim)[0]
        out = fn(x, axis=axis, dtype=dtype)
        if include_initial:
            shape = list(get_aval(out).shape)
            shape[axis] = 1
            out = concatenate([full(shape, identity, get_aval(out).dtype), out], axis)
        return out

    summary = f"Array API ``{name}``: like ``{fn.__name__}``, optionally starting with the identity."
    example = f"fnp.{name}(fnp.array([1, 2, 3]), include_initial=True).tolist()"
    return named(cumulative, name, summary, example, example_result)


cumulative_sum = _cumulative(ss.cumsum, 0, "cumulative_sum", "[0, 1, 3, 6]")
cumulative_prod = _cumulative(ss.cumprod, 1, "cumulative_prod", "[1, 1, 2, 6]")
