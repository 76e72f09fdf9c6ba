"""Shape primitives that need arithmetic in their rules: concatenate, slice, pad.

All are linear; a slice's transpose pads with zeros, a pad's transpose slices, a concatenation's
transpose slices each operand's part back out. The layout primitives (broadcast_in_dim, reshape,
transpose, squeeze, expand_dims, rev) live one level down in :mod:`layout`, which the elementwise
family builds on; they are re-exported here so ``shape`` names every shape operation.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.ad import Zero, deflinear, is_undefined
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise
from fungrad._src.primitives.layout import (  # noqa: F401  (re-exported: the shape family's public names)
    all_to_front,
    bdim_to_front,
    broadcast_in_dim,
    broadcast_in_dim_p,
    expand_dims,
    expand_dims_p,
    moveaxis,
    reduce_sum,
    reshape,
    reshape_p,
    rev,
    rev_p,
    squeeze,
    squeeze_p,
    transpose,
    transpose_p,
)

# ---- concatenate ---------------------------------------------------------------------------------------

concatenate_p = Primitive("concatenate", linear=True)
def_lowering(concatenate_p, lambda *xs, dimension: lax.concatenate(xs, dimension))


def concatenate(xs, dimension: int):
    """Join arrays along an existing axis.

    Args:
        xs: arrays of one dtype whose shapes agree except along ``dimension``.
        dimension: the axis to join along.

    Returns:
        The concatenation.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.concatenate([np.zeros(1), np.ones(2)], 0).tolist()
    [0.0, 1.0, 1.0]
    """
    xs = list(xs)
    return xs[0] if len(xs) == 1 else bind(concatenate_p, *xs, dimension=int(dimension))


def _concatenate_jvp(primals, tangents, *, dimension):
    ans = concatenate(primals, dimension)
    if all(type(t) is Zero for t in tangents):
        return ans, Zero(get_aval(ans).to_tangent_aval())
    tangents = [ad.instantiate(t, get_aval(p).to_tangent_aval()) for p, t in zip(primals, tangents)]
    return ans, concatenate(tangents, dimension)


def _concatenate_transpose(ct, *xs, dimension):
    if type(ct) is Zero:
        return [None] * len(xs)
    cts, start = [], 0
    shape = get_aval(ct).shape
    for x in xs:
        size = (x.aval if is_undefined(x) else get_aval(x)).shape[dimension]
        if is_undefined(x):
            lo = [0] * len(shape)
            hi = list(shape)
            lo[dimension], hi[dimension] = start, start + size
            cts.append(slice(ct, lo, hi))
        else:
            cts.append(None)
        start += size
    return cts


def _concatenate_batch(args, dims, *, dimension):
    return concatenate(all_to_front(args, dims), dimension + 1), 0


ad.def_jvp(concatenate_p, _concatenate_jvp)
ad.def_transpose(concatenate_p, _concatenate_transpose)
batching.def_batching(concatenate_p, _concatenate_batch)

# ---- slice ---------------------------------------------------------------------------------------------

slice_p = Primitive("slice")
def_lowering(
    slice_p,
    lambda x, *, start_indices, limit_indices, strides: lax.slice(x, start_indices, limit_indices, strides),
)


def slice(x, start_indices, limit_indices, strides=None):  # noqa: A001 - mirrors lax.slice
    """The static slice ``x[start:limit:stride]`` along every axis.

    Args:
        x: an array.
        start_indices: the first index per axis.
        limit_indices: one past the last index per axis.
        strides: the step per axis (default 1).

    Returns:
        The slice.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.slice(np.arange(6.0), (1,), (6,), (2,)).tolist()
    [1.0, 3.0, 5.0]
    """
    start = tuple(int(i) for i in start_indices)
    limit = tuple(int(i) for i in limit_indices)
    strides = None if strides is None or all(s == 1 for s in strides) else tuple(int(s) for s in strides)
    if start == (0,) * len(start) and limit == get_aval(x).shape and strides is None:
        return x
    return bind(slice_p, x, start_indices=start, limit_indices=limit, strides=strides)


def _slice_transpose(ct, x, *, start_indices, limit_indices, strides):
    # Scatter the cotangent back with zero padding; strides become interior padding.
    shape = x.aval.shape
    strides = strides or (1,) * len(shape)
    ct_shape = get_aval(ct).shape
    config = []
    for n, lo, s, m in zip(shape, start_indices, strides, ct_shape):
        used = lo + (m - 1) * s + 1 if m else lo
        config.append((lo, n - used, s - 1) if m else (0, n, 0))
    zero = np.zeros((), get_aval(ct).dtype)
    return [pad(ct, zero, tuple(config))]


def _slice_batch(args, dims, *, start_indices, limit_indices, strides):
    (x,), (d,) = args, dims
    x = bdim_to_front(x, d)
    size = get_aval(x).shape[0]
    strides = None if strides is None else (1, *strides)
    return slice(x, (0, *start_indices), (size, *limit_indices), strides), 0


deflinear(slice_p, _slice_transpose)
batching.def_batching(slice_p, _slice_batch)

# ---- pad ------------------------------------------------------------------------------------------------

pad_p = Primitive("pad")
def_lowering(pad_p, lambda x, value, *, padding_config: lax.pad(x, value, padding_config))


def pad(x, padding_value, padding_config):
    """Pad ``x`` with the scalar ``padding_value``: ``(low, high, interior)`` per axis (may be negative).

    Args:
        x: an array.
        padding_value: a scalar of ``x``'s dtype.
        padding_config: one ``(low, high, interior)`` triple per axis; negative ``low``/``high`` crop.

    Returns:
        The padded array.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.pad(np.ones(2), 0.0, [(1, 0, 1)]).tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    config = tuple((int(lo), int(hi), int(i)) for lo, hi, i in padding_config)
    return bind(pad_p, x, padding_value, padding_config=config)


def _pad_transpose(ct, x, value, *, padding_config):
    if type(ct) is Zero:
        return [None, None]
    # Undo low/high padding (negative pad crops), then drop interior padding with a strided slice.
    shape = get_aval(ct).shape
    zero = np.zeros((), get_aval(ct).dtype)
    cropped = pad(ct, zero, tuple((-lo, -hi, 0) for lo, hi, _ in padding_config))
    strides = tuple(i + 1 for _, _, i in padding_config)
    x_ct = slice(cropped, (0,) * len(shape), get_aval(cropped).shape, strides)
    cts = [x_ct if is_undefined(x) else None, None]
    if is_undefined(value):
        all_axes = tuple(range(len(shape)))
        cts[1] = elementwise.sub(reduce_sum(ct, all_axes), reduce_sum(x_ct, all_axes))
    return cts


def _pad_batch(args, dims, *, padding_config):
    (x, value), (dx, dv) = args, dims
    config = ((0, 0, 0), *padding_config)
    if dv is None:
        return pad(bdim_to_front(x, dx), value, config), 0
    x, value = all_to_front(args, dims)
    # A per-example padding value: pad with zeros, then select the value where a padded mask is True.
    x_aval = get_aval(x)
    padded = pad(x, np.zeros((), x_aval.dtype), config)
    mask = pad(broadcast_in_dim(np.zeros((), np.bool_), x_aval.shape, ()), np.ones((), np.bool_), config)
    out_shape = get_aval(padded).shape
    values = broadcast_in_dim(value, out_shape, (0,))
    return elementwise.select_n(mask, padded, values), 0


deflinear(pad_p, _pad_transpose)
batching.def_batching(pad_p, _pad_batch)
