"""Layout primitives: broadcast_in_dim and its transpose reduce_sum, reshape, transpose, squeeze,
expand_dims, rev; plus the batch-dimension helpers every batching rule uses.

This is the bottom of the primitive families: it imports no other family, and every other family
(elementwise first) builds on it. The interpreters need exactly these operations: AD builds zeros by
broadcasting a scalar and sums cotangents down to an operand's shape; vmap moves, inserts and
broadcasts batch axes (:func:`register_batch_ops` below). All are linear; each transpose moves the
cotangent back to the operand's shape (a broadcast's transpose sums, a sum's transpose broadcasts).
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import batching
from fungrad._src.ad import deflinear
from fungrad._src.core import Primitive, bind, def_lowering, get_aval

# ---- batch-dimension helpers (used by the batching rules of every family) ----------------------------


def bdim_to_front(x, bdim: int):
    """Move the batch axis ``bdim`` of a batched operand to position 0."""
    return x if bdim == 0 else moveaxis(x, bdim, 0)


def all_to_front(args, dims) -> list:
    """Every operand with its batch axis at 0; unbatched ones (``dim is None``) are broadcast to it."""
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    return [batching.move_to(a, d, 0, size) for a, d in zip(args, dims)]


def _kept_dims(ndim: int, axes) -> tuple[int, ...]:
    return tuple(d for d in range(ndim) if d not in axes)


def reduction_function(prim: Primitive, name: str, summary: str, example: str, result: str):
    """The user-facing ``name(x, axes)`` of a reduction primitive (no axes: ``x`` itself), documented."""

    def fn(x, axes):
        axes = tuple(sorted(int(a) for a in axes))
        return bind(prim, x, axes=axes) if axes else x

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{summary}

    Args:
        x: an array.
        axes: the axes to reduce (none: ``x`` is returned as it is).

    Returns:
        ``x`` reduced over ``axes``, which are removed.

    >>> import fungrad.lax as flax, numpy as np
    >>> {example}
    {result}
    """
    return fn


def shifted_axes_batch(prim, param: str = "dimensions"):
    """Batching for one-operand primitives whose ``param`` names axes: batch axis first, axes shift by one."""

    def rule(args, dims, **params):
        (x,), (d,) = args, dims
        params[param] = tuple(a + 1 for a in params[param])
        return bind(prim, bdim_to_front(x, d), **params), 0

    return rule


# ---- broadcast_in_dim ------------------------------------------------------------------------------

broadcast_in_dim_p = Primitive("broadcast_in_dim")
def_lowering(
    broadcast_in_dim_p,
    lambda x, *, shape, broadcast_dimensions: lax.broadcast_in_dim(x, shape, broadcast_dimensions),
)


def broadcast_in_dim(x, shape, broadcast_dimensions):
    """Place ``x``'s axes at ``broadcast_dimensions`` of a ``shape``-shaped result, repeating values.

    Args:
        x: an array.
        shape: the result shape.
        broadcast_dimensions: for each axis of ``x``, the result axis it becomes (size 1 or equal).

    Returns:
        The broadcast array (``x`` itself when nothing changes).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.broadcast_in_dim(np.array([1.0, 2.0]), (2, 3), (0,)).tolist()
    [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    """
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
    summed = reduce_sum(ct, tuple(sorted(new_axes + stretched)))
    return [reshape(summed, in_shape)]


def _broadcast_in_dim_batch(args, dims, *, shape, broadcast_dimensions):
    (x,), (d,) = args, dims
    x = bdim_to_front(x, d)
    size = get_aval(x).shape[0]
    return broadcast_in_dim(x, (size, *shape), (0, *(b + 1 for b in broadcast_dimensions))), 0


deflinear(broadcast_in_dim_p, _broadcast_in_dim_transpose)
batching.def_batching(broadcast_in_dim_p, _broadcast_in_dim_batch)

# ---- reduce_sum ----------------------------------------------------------------------------------

reduce_sum_p = Primitive("reduce_sum")
def_lowering(reduce_sum_p, lambda x, *, axes: lax.reduce_sum(x, axes))


reduce_sum = reduction_function(
    reduce_sum_p, "reduce_sum", "Sum over ``axes``.", "flax.reduce_sum(np.ones((2, 3)), (1,)).tolist()", "[3.0, 3.0]"
)


def _reduce_sum_transpose(ct, x, *, axes):
    in_shape = x.aval.shape
    return [broadcast_in_dim(ct, in_shape, _kept_dims(len(in_shape), axes))]


deflinear(reduce_sum_p, _reduce_sum_transpose)
batching.def_batching(reduce_sum_p, shifted_axes_batch(reduce_sum_p, "axes"))

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
    x = bdim_to_front(x, d)
    return reshape(x, (get_aval(x).shape[0], *new_sizes)), 0


deflinear(reshape_p, lambda ct, x, *, new_sizes: [reshape(ct, x.aval.shape)])
batching.def_batching(reshape_p, _reshape_batch)

# ---- transpose -------------------------------------------------------------------------------------

transpose_p = Primitive("transpose")
def_lowering(transpose_p, lambda x, *, permutation: lax.transpose(x, permutation))


def transpose(x, permutation):
    """Permute ``x``'s axes: result axis ``i`` is ``x``'s axis ``permutation[i]``.

    Args:
        x: an array.
        permutation: a permutation of ``range(x.ndim)``.

    Returns:
        The transposed array.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.transpose(np.ones((2, 3)), (1, 0)).shape
    (3, 2)
    """
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
    return transpose(bdim_to_front(x, d), (0, *(p + 1 for p in permutation))), 0


deflinear(transpose_p, lambda ct, x, *, permutation: [transpose(ct, np.argsort(permutation))])
batching.def_batching(transpose_p, _transpose_batch)

# ---- squeeze, expand_dims ----------------------------------------------------------------------------

squeeze_p = Primitive("squeeze")
def_lowering(squeeze_p, lambda x, *, dimensions: lax.squeeze(x, dimensions))
expand_dims_p = Primitive("expand_dims")
def_lowering(expand_dims_p, lambda x, *, dimensions: lax.expand_dims(x, dimensions))


def squeeze(x, dimensions):
    """Remove the size-1 axes ``dimensions``.

    Args:
        x: an array.
        dimensions: axes of ``x``, each of size 1.

    Returns:
        ``x`` without those axes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.squeeze(np.ones((1, 2, 1)), (0, 2)).shape
    (2,)
    """
    dimensions = tuple(sorted(int(d) for d in dimensions))
    return bind(squeeze_p, x, dimensions=dimensions) if dimensions else x


def expand_dims(x, dimensions):
    """Insert size-1 axes at ``dimensions`` (positions in the result).

    Args:
        x: an array.
        dimensions: where the new axes stand in the result.

    Returns:
        ``x`` with the new axes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.expand_dims(np.ones(2), (0, 2)).shape
    (1, 2, 1)
    """
    dimensions = tuple(sorted(int(d) for d in dimensions))
    return bind(expand_dims_p, x, dimensions=dimensions) if dimensions else x


deflinear(squeeze_p, lambda ct, x, *, dimensions: [reshape(ct, x.aval.shape)])
deflinear(expand_dims_p, lambda ct, x, *, dimensions: [squeeze(ct, dimensions)])
batching.def_batching(squeeze_p, shifted_axes_batch(squeeze_p))
batching.def_batching(expand_dims_p, shifted_axes_batch(expand_dims_p))

# ---- rev: reverse the order of elements along axes ------------------------------------------------

rev_p = Primitive("rev")
def_lowering(rev_p, lambda x, *, dimensions: lax.rev(x, dimensions))


def rev(x, dimensions):
    """Reverse the order of elements along ``dimensions``.

    Args:
        x: an array.
        dimensions: the axes to reverse.

    Returns:
        ``x`` reversed along those axes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.rev(np.arange(3.0), (0,)).tolist()
    [2.0, 1.0, 0.0]
    """
    dimensions = tuple(sorted(int(d) for d in dimensions))
    return bind(rev_p, x, dimensions=dimensions) if dimensions else x


deflinear(rev_p, lambda ct, x, *, dimensions: [rev(ct, dimensions)])
batching.def_batching(rev_p, shifted_axes_batch(rev_p))

# ---- what the batch interpreter needs from this family -------------------------------------------------


def broadcast_batch(x, size: int, axis: int):
    """Insert a new axis of length ``size`` at ``axis`` (materialising an unbatched value)."""
    shape = list(get_aval(x).shape)
    dims = [d if d < axis else d + 1 for d in range(len(shape))]
    shape.insert(axis, size)
    return broadcast_in_dim(x, shape, dims)


batching.def_batch_ops(moveaxis=moveaxis, broadcast=broadcast_batch, broadcast_in_dim=broadcast_in_dim)
