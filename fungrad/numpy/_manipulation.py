"""Array manipulation: shape queries, reshaping, axis permutations, joining, splitting, flipping.

All composites of the shape primitives (``reshape``, ``transpose``, ``squeeze``, ``expand_dims``,
``concatenate``, ``slice``, ``rev``), which carry the derivative and batching rules.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import shape as sh
from fungrad.numpy._conversion import _asarray, _canonical_axes, _check_out, _promote, _stack, _to_array


def shape(a) -> tuple[int, ...]:
    """The shape of ``x`` (a tuple of ints; works on tracers too).

    >>> import fungrad.numpy as fnp
    >>> fnp.shape(fnp.ones((2, 3)))
    (2, 3)
    """
    return get_aval(a).shape


def ndim(a) -> int:
    """The number of axes of ``x``.

    >>> import fungrad.numpy as fnp
    >>> fnp.ndim(fnp.ones((2, 3)))
    2
    """
    return get_aval(a).ndim


def size(a, axis=None) -> int:
    """The number of elements of ``a`` (along ``axis``, an int or a tuple of ints, if given).

    >>> import fungrad.numpy as fnp
    >>> fnp.size(fnp.ones((2, 3))), fnp.size(fnp.ones((2, 3)), axis=1)
    (6, 3)
    """
    aval = get_aval(a)
    if axis is None:
        return aval.size
    return int(np.prod([aval.shape[d] for d in _canonical_axes(axis, aval.ndim)], dtype=np.int64))


def reshape(a, shape, order: str = "C", *, copy=None):
    """Give ``a`` a new ``shape`` with the same number of elements (one entry may be -1).

    ``order="C"`` reads and writes the elements row-major, ``"F"`` column-major. ``copy`` is accepted
    for jax.numpy compatibility and unused (arrays are immutable).

    >>> import fungrad.numpy as fnp
    >>> fnp.reshape(fnp.arange(6), (-1, 2)).shape
    (3, 2)
    >>> fnp.reshape(fnp.arange(6), shape=(3, 2), order="F").tolist()
    [[0, 3], [1, 4], [2, 5]]
    """
    del copy  # immutable arrays: a reshape never aliases anything the caller could change
    x = _to_array(a)
    if order == "F":
        # column-major: reverse the axes, reshape row-major into the reversed shape, reverse back
        new = _resolve_shape(x, shape)
        n = get_aval(x).ndim
        flipped = sh.reshape(sh.transpose(x, tuple(reversed(range(n)))), tuple(reversed(new)))
        return sh.transpose(flipped, tuple(reversed(range(len(new)))))
    if order != "C":
        raise NotImplementedError(f"reshape: order={order!r} is not implemented (only 'C' and 'F', as in jax.numpy)")
    return sh.reshape(x, _resolve_shape(x, shape))


def _resolve_shape(x, newshape) -> tuple[int, ...]:
    """``newshape`` with its -1 entry filled in, checked against ``x``'s size."""
    newshape = (newshape,) if np.ndim(newshape) == 0 else tuple(int(d) for d in newshape)
    total = get_aval(x).size
    if newshape.count(-1) > 1:
        raise FungradTypeError(f"reshape: can only specify one unknown dimension, got {newshape}")
    if -1 in newshape:
        known = int(np.prod([d for d in newshape if d != -1], dtype=np.int64))
        if known == 0 or total % known:
            raise FungradTypeError(f"reshape: cannot reshape array of shape {get_aval(x).shape} into {newshape}")
        newshape = tuple(total // known if d == -1 else d for d in newshape)
    if int(np.prod(newshape, dtype=np.int64)) != total:
        raise FungradTypeError(f"reshape: cannot reshape array of shape {get_aval(x).shape} into {newshape}")
    return newshape


def ravel(a, order: str = "C"):
    """``a`` flattened to one axis (row-major; ``order="F"``: column-major).

    >>> import fungrad.numpy as fnp
    >>> fnp.ravel(fnp.array([[1, 2], [3, 4]])).tolist(), fnp.ravel(fnp.array([[1, 2], [3, 4]]), "F").tolist()
    ([1, 2, 3, 4], [1, 3, 2, 4])
    """
    if order not in ("C", "F"):
        raise NotImplementedError(f"ravel: order={order!r} is not implemented (only 'C' and 'F', as in jax.numpy)")
    return reshape(a, (-1,), order)


def transpose(a, axes=None):
    """Permute axes (reverse them by default).

    >>> import fungrad.numpy as fnp
    >>> fnp.transpose(fnp.ones((2, 3, 4)), (1, 0, 2)).shape
    (3, 2, 4)
    """
    x = _to_array(a)
    n = get_aval(x).ndim
    axes = tuple(reversed(range(n))) if axes is None else tuple(a % max(n, 1) for a in axes)
    if sorted(axes) != list(range(n)):
        raise FungradTypeError(f"transpose: axes {axes} are not a permutation of {n} axes")
    return sh.transpose(x, axes)


def swapaxes(a, axis1: int, axis2: int):
    """``x`` with axes ``axis1`` and ``axis2`` interchanged.

    >>> import fungrad.numpy as fnp
    >>> fnp.swapaxes(fnp.ones((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    x = _to_array(a)
    perm = list(range(get_aval(x).ndim))
    a, b = _canonical_axes(axis1, len(perm))[0], _canonical_axes(axis2, len(perm))[0]
    perm[a], perm[b] = perm[b], perm[a]
    return sh.transpose(x, perm)


def moveaxis(a, source, destination):
    """``x`` with the axes ``source`` moved to positions ``destination``.

    >>> import fungrad.numpy as fnp
    >>> fnp.moveaxis(fnp.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = _to_array(a)
    n = get_aval(x).ndim
    src = [a % n for a in ((source,) if isinstance(source, int) else source)]
    dst = [a % n for a in ((destination,) if isinstance(destination, int) else destination)]
    perm = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return sh.transpose(x, perm)


def squeeze(a, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``, which must have size 1).

    >>> import fungrad.numpy as fnp
    >>> fnp.squeeze(fnp.ones((1, 3, 1))).shape
    (3,)
    """
    x = _to_array(a)
    shp = get_aval(x).shape
    if axis is None:
        axes = tuple(i for i, d in enumerate(shp) if d == 1)
    else:
        axes = _canonical_axes(axis, len(shp))
        bad = [a for a in axes if shp[a] != 1]
        if bad:
            raise FungradTypeError(f"squeeze: axis {bad[0]} of shape {shp} does not have size 1")
    return sh.squeeze(x, axes)


def expand_dims(a, axis):
    """Insert size-1 axes at ``axis`` (positions in the result; negative counts from the end).

    >>> import fungrad.numpy as fnp
    >>> fnp.expand_dims(fnp.ones(3), (0, -1)).shape
    (1, 3, 1)
    """
    x = _to_array(a)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out_ndim = get_aval(x).ndim + len(axes)
    return sh.expand_dims(x, tuple(sorted(a % out_ndim for a in axes)))


def concatenate(arrays: Sequence, axis: int | None = 0, dtype=None):
    """Join arrays along an existing axis (dtypes promoted, or all cast to ``dtype``).

    >>> import fungrad.numpy as fnp
    >>> fnp.concatenate([fnp.ones(2), fnp.zeros(3)]).shape
    (5,)
    """
    arrays = _promote(*arrays) if dtype is None else [_asarray(a, dtype) for a in arrays]
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    ndim = get_aval(arrays[0]).ndim
    if ndim == 0:
        raise FungradTypeError("concatenate: zero-dimensional arrays cannot be concatenated")
    axis = _canonical_axes(axis, ndim)[0]
    shapes = [get_aval(a).shape for a in arrays]
    for s in shapes:
        if len(s) != ndim or s[:axis] + s[axis + 1 :] != shapes[0][:axis] + shapes[0][axis + 1 :]:
            raise FungradTypeError(f"concatenate: shapes {shapes} differ outside axis {axis}")
    return sh.concatenate(arrays, axis)


def stack(arrays: Sequence, axis: int = 0, out=None, dtype=None):
    """Join arrays of one shape along a new axis (dtypes promoted, or all cast to ``dtype``).

    >>> import fungrad.numpy as fnp
    >>> fnp.stack([fnp.ones(3), fnp.zeros(3)], axis=1).shape
    (3, 2)
    """
    _check_out("stack", out)
    return _stack(arrays if dtype is None else [_asarray(a, dtype) for a in arrays], axis)


def split(ary, indices_or_sections, axis: int = 0):
    """Split into equal sections (an int) or at the given indices.

    >>> import fungrad.numpy as fnp
    >>> [p.tolist() for p in fnp.split(fnp.arange(5), [2])]
    [[0, 1], [2, 3, 4]]
    """
    x = _to_array(ary)
    shp = get_aval(x).shape
    axis = _canonical_axes(axis, len(shp))[0]
    n = shp[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise FungradTypeError(
                f"split: axis of length {n} does not divide into {indices_or_sections} equal sections"
            )
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step)) if step else [0] * (indices_or_sections + 1)
    else:
        bounds = [0, *[int(i) for i in indices_or_sections], n]
    pieces = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        start = [0] * len(shp)
        limit = list(shp)
        start[axis], limit[axis] = min(lo, n), min(max(hi, lo), n)
        pieces.append(sh.slice(x, start, limit))
    return pieces


def flip(m, axis=None):
    """``m`` with the order of elements along ``axis`` (all axes by default) reversed.

    >>> import fungrad.numpy as fnp
    >>> fnp.flip(fnp.array([[1, 2], [3, 4]]), axis=1).tolist()
    [[2, 1], [4, 3]]
    """
    x = _to_array(m)
    return sh.rev(x, _canonical_axes(axis, get_aval(x).ndim))
