"""Shape primitives: broadcast_in_dim, reshape, transpose, squeeze, expand_dims, concatenate, slice, pad.

All are linear; each transpose moves the cotangent back to the operand's shape (a broadcast's
transpose sums, a slice's transpose pads with zeros, a pad's transpose slices).
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.ad import Zero, deflinear, is_undefined
from fungrad._src.batching import move_to
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise, reductions

# ---- broadcast_in_dim ------------------------------------------------------------------------------

broadcast_in_dim_p = Primitive("broadcast_in_dim")
def_lowering(
    broadcast_in_dim_p,
    lambda x, *, shape, broadcast_dimensions: lax.broadcast_in_dim(x, shape, broadcast_dimensions),
)


def broadcast_in_dim(x, shape, broadcast_dimensions):
    """Place ``x``'s axes at ``broadcast_dimensions`` of a ``shape``-shaped result, repeating values."""
    shape, dims = tuple(int(d) for d in shape), tuple(int(d) for d in broadcast_dimensions)
    if get_aval(x).shape == shape and dims == tuple(range(len(shape))):
        return x
    return bind(broadcast_in_dim_p, x, shape=shape, broadcast_dimensions=dims)


def _broadcast_in_dim_transpose(ct, x, *, shape, broadcast_dimensions):
    # Sum over the new axes and over axes the operand had as size 1 but the result repeats.
    in_shape = x.aval.shape
    new_axes = tuple(d for d in range(len(shape)) if d not in broadcast_dimensions)
    stretched = tuple(
        out_d for in_d, out_d in enumerate(broadcast_dimensions) if in_shape[in_d] == 1 and shape[out_d] != 1
    )
    summed = reductions.reduce_sum(ct, tuple(sorted(new_axes + stretched)))
    return [reshape(summed, in_shape)]


def _broadcast_in_dim_batch(args, dims, *, shape, broadcast_dimensions):
    (x,), (d,) = args, dims
    x = move_to(x, d, 0, 0)
    size = get_aval(x).shape[0]
    return broadcast_in_dim(x, (size, *shape), (0, *(b + 1 for b in broadcast_dimensions))), 0


deflinear(broadcast_in_dim_p, _broadcast_in_dim_transpose)
batching.batching_rules[broadcast_in_dim_p] = _broadcast_in_dim_batch

# ---- reshape -----------------------------------------------------------------------------------------

reshape_p = Primitive("reshape")
def_lowering(reshape_p, lambda x, *, new_sizes: lax.reshape(x, new_sizes))


def reshape(x, new_sizes):
    new_sizes = tuple(int(d) for d in new_sizes)
    if get_aval(x).shape == new_sizes:
        return x
    return bind(reshape_p, x, new_sizes=new_sizes)


def _reshape_batch(args, dims, *, new_sizes):
    (x,), (d,) = args, dims
    x = move_to(x, d, 0, 0)
    return reshape(x, (get_aval(x).shape[0], *new_sizes)), 0


deflinear(reshape_p, lambda ct, x, *, new_sizes: [reshape(ct, x.aval.shape)])
batching.batching_rules[reshape_p] = _reshape_batch

# ---- transpose -------------------------------------------------------------------------------------

transpose_p = Primitive("transpose")
def_lowering(transpose_p, lambda x, *, permutation: lax.transpose(x, permutation))


def transpose(x, permutation):
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(len(permutation))):
        return x
    return bind(transpose_p, x, permutation=permutation)


def moveaxis(x, src: int, dst: int):
    perm = [i for i in range(get_aval(x).ndim) if i != src]
    perm.insert(dst, src)
    return transpose(x, perm)


def _transpose_batch(args, dims, *, permutation):
    (x,), (d,) = args, dims
    x = move_to(x, d, 0, 0)
    return transpose(x, (0, *(p + 1 for p in permutation))), 0


deflinear(transpose_p, lambda ct, x, *, permutation: [transpose(ct, np.argsort(permutation))])
batching.batching_rules[transpose_p] = _transpose_batch

# ---- squeeze, expand_dims ----------------------------------------------------------------------------

squeeze_p = Primitive("squeeze")
def_lowering(squeeze_p, lambda x, *, dimensions: lax.squeeze(x, dimensions))
expand_dims_p = Primitive("expand_dims")
def_lowering(expand_dims_p, lambda x, *, dimensions: lax.expand_dims(x, dimensions))


def squeeze(x, dimensions):
    """Remove the size-1 axes ``dimensions``."""
    dimensions = tuple(sorted(int(d) for d in dimensions))
    return bind(squeeze_p, x, dimensions=dimensions) if dimensions else x


def expand_dims(x, dimensions):
    """Insert size-1 axes at ``dimensions`` (positions in the result)."""
    dimensions = tuple(sorted(int(d) for d in dimensions))
    return bind(expand_dims_p, x, dimensions=dimensions) if dimensions else x


def _shifted_axes_batch(prim):
    def rule(args, dims, *, dimensions):
        (x,), (d,) = args, dims
        x = move_to(x, d, 0, 0)
        return bind(prim, x, dimensions=tuple(a + 1 for a in dimensions)), 0

    return rule


deflinear(squeeze_p, lambda ct, x, *, dimensions: [reshape(ct, x.aval.shape)])
deflinear(expand_dims_p, lambda ct, x, *, dimensions: [squeeze(ct, dimensions)])
batching.batching_rules[squeeze_p] = _shifted_axes_batch(squeeze_p)
batching.batching_rules[expand_dims_p] = _shifted_axes_batch(expand_dims_p)

# ---- concatenate ---------------------------------------------------------------------------------------

concatenate_p = Primitive("concatenate")
def_lowering(concatenate_p, lambda *xs, dimension: lax.concatenate(xs, dimension))


def concatenate(xs, dimension: int):
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
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    return concatenate([move_to(a, d, 0, size) for a, d in zip(args, dims)], dimension + 1), 0


ad.jvp_rules[concatenate_p] = _concatenate_jvp
ad.transpose_rules[concatenate_p] = _concatenate_transpose
batching.batching_rules[concatenate_p] = _concatenate_batch

# ---- slice ---------------------------------------------------------------------------------------------

slice_p = Primitive("slice")
def_lowering(
    slice_p,
    lambda x, *, start_indices, limit_indices, strides: lax.slice(x, start_indices, limit_indices, strides),
)


def slice(x, start_indices, limit_indices, strides=None):  # noqa: A001 - mirrors lax.slice
    """The static slice ``x[start:limit:stride]`` along every axis."""
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
    x = move_to(x, d, 0, 0)
    size = get_aval(x).shape[0]
    strides = None if strides is None else (1, *strides)
    return slice(x, (0, *start_indices), (size, *limit_indices), strides), 0


deflinear(slice_p, _slice_transpose)
batching.batching_rules[slice_p] = _slice_batch

# ---- pad ------------------------------------------------------------------------------------------------

pad_p = Primitive("pad")
def_lowering(pad_p, lambda x, value, *, padding_config: lax.pad(x, value, padding_config))


def pad(x, padding_value, padding_config):
    """Pad ``x`` with the scalar ``padding_value``: ``(low, high, interior)`` per axis (may be negative)."""
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
        cts[1] = elementwise.sub(reductions.reduce_sum(ct, all_axes), reductions.reduce_sum(x_ct, all_axes))
    return cts


def _pad_batch(args, dims, *, padding_config):
    x, value = args
    dx, dv = dims
    size = get_aval(x if dx is not None else value).shape[dx if dx is not None else dv]
    x = move_to(x, dx, 0, size)
    config = ((0, 0, 0), *padding_config)
    if dv is None:
        return pad(x, value, config), 0
    # A per-example padding value: pad with zeros, then select the value where a padded mask is True.
    x_aval = get_aval(x)
    padded = pad(x, np.zeros((), x_aval.dtype), config)
    mask = pad(broadcast_in_dim(np.zeros((), np.bool_), x_aval.shape, ()), np.ones((), np.bool_), config)
    out_shape = get_aval(padded).shape
    values = broadcast_in_dim(move_to(value, dv, 0, size), out_shape, (0,))
    return elementwise.select_n(mask, padded, values), 0


deflinear(pad_p, _pad_transpose)
batching.batching_rules[pad_p] = _pad_batch

# ---- rev: reverse the order of elements along axes ------------------------------------------------

rev_p = Primitive("rev")
def_lowering(rev_p, lambda x, *, dimensions: lax.rev(x, dimensions))


def rev(x, dimensions):
    dimensions = tuple(sorted(int(d) for d in dimensions))
    return bind(rev_p, x, dimensions=dimensions) if dimensions else x


deflinear(rev_p, lambda ct, x, *, dimensions: [rev(ct, dimensions)])
batching.batching_rules[rev_p] = _shifted_axes_batch(rev_p)

# ---- what the batch interpreter needs from this family -------------------------------------------------


def broadcast_batch(x, size: int, axis: int):
    """Insert a new axis of length ``size`` at ``axis`` (materialising an unbatched value)."""
    shape = list(get_aval(x).shape)
    dims = [d if d < axis else d + 1 for d in range(len(shape))]
    shape.insert(axis, size)
    return broadcast_in_dim(x, shape, dims)


batching.batch_ops.moveaxis = moveaxis
batching.batch_ops.broadcast = broadcast_batch
batching.batch_ops.broadcast_in_dim = broadcast_in_dim
