"""Indexing primitives: gather and the scatter family (scatter, scatter_add, scatter_mul, scatter_min,
scatter_max).

Semantics are XLA's, as exposed by ``jax.lax.gather`` / ``jax.lax.scatter*``: ``indices`` has the
index vector in its *last* axis, the other axes are batch axes; ``dimension_numbers`` are
``jax.lax.GatherDimensionNumbers`` / ``ScatterDimensionNumbers`` (hashable named tuples of ints) and
say which operand axes the index vector addresses, which slice axes are collapsed, and which axes are
batching axes (paired operand/indices axes, used by the batching rules below).

Out of bounds (``mode``, a ``jax.lax.GatherScatterMode``):

* ``CLIP``: start indices are clamped so the whole slice is in bounds; for scatters the updates then
  land on the clamped position.
* ``FILL_OR_DROP`` (the default, as in ``jax.lax``): a gather returns ``fill_value`` for slices that
  are not entirely in bounds (NaN for inexact dtypes, the minimum for signed integers, the maximum
  for unsigned, True for bool); a scatter drops such updates.
* ``PROMISE_IN_BOUNDS``: XLA's native behaviour, which clamps in a gather and drops in a scatter.
  ``x[i]`` in fungrad.numpy uses it, like jax.numpy: the value clamps, the gradient of an
  out-of-bounds read is zero.

Derivatives: gather is linear in the operand; its transpose is a scatter-add of the cotangent with
the same mode (so clamped reads send their cotangent to the clamped position and dropped/filled
reads send nothing). scatter-add is linear in (operand, updates); its transpose gathers.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero, is_undefined
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout, shape

GatherDimensionNumbers = lax.GatherDimensionNumbers
ScatterDimensionNumbers = lax.ScatterDimensionNumbers
GatherScatterMode = lax.GatherScatterMode


def _shift(axes, by: int = 1) -> tuple[int, ...]:
    return tuple(a + by for a in axes)


def _zero_tangent(x):
    return Zero(get_aval(x).to_tangent_aval())


def _pair_batch_axes(d):
    """Gather or scatter dimension numbers (the same five fields, in the same order) for operands
    whose leading axis is a batch axis paired between operand and indices."""
    window, collapsed, index_map, operand_batching, indices_batching = d
    return type(d)(
        _shift(window),
        _shift(collapsed),
        _shift(index_map),
        (0, *_shift(operand_batching)),
        (0, *_shift(indices_batching)),
    )


# ---- gather ----------------------------------------------------------------------------------------

gather_p = Primitive("gather", linear=True)  # linear in the operand
def_lowering(
    gather_p,
    lambda x, idx, *, dimension_numbers, slice_sizes, mode, fill_value, indices_are_sorted, unique_indices: lax.gather(
        x,
        idx,
        dimension_numbers,
        slice_sizes,
        mode=mode,
        fill_value=fill_value,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
    ),
)


def gather(
    operand,
    indices,
    dimension_numbers: GatherDimensionNumbers,
    slice_sizes,
    *,
    mode=None,
    fill_value=None,
    indices_are_sorted: bool = False,
    unique_indices: bool = False,
):
    """XLA's gather (see ``jax.lax.gather``); ``mode`` defaults to FILL_OR_DROP as in jax.lax.

    Args:
        operand: the array to read from.
        indices: integer start indices, the index vector in the last axis.
        dimension_numbers: a ``GatherDimensionNumbers``.
        slice_sizes: the size of the slice read at each index, per operand axis.
        mode: a ``GatherScatterMode`` (or its name) for out-of-bounds indices.
        fill_value: what FILL_OR_DROP reads out of bounds (default: NaN, or the integer extreme).
        indices_are_sorted: a promise that lets XLA go faster.
        unique_indices: a promise that lets XLA go faster.

    Returns:
        The gathered slices.

    >>> import fungrad.lax as flax, numpy as np
    >>> dnums = flax.GatherDimensionNumbers((), (0,), (0,))
    >>> flax.gather(np.arange(5.0), np.array([[4], [1]]), dnums, (1,)).tolist()
    [4.0, 1.0]
    """
    return bind(
        gather_p,
        operand,
        indices,
        dimension_numbers=_gather_dnums(dimension_numbers),
        slice_sizes=tuple(int(s) for s in slice_sizes),
        mode=GatherScatterMode.from_any(mode),
        fill_value=fill_value,
        indices_are_sorted=bool(indices_are_sorted),
        unique_indices=bool(unique_indices),
    )


def _gather_dnums(d) -> GatherDimensionNumbers:
    return GatherDimensionNumbers(*(tuple(int(a) for a in f) for f in d))


def _gather_jvp(primals, tangents, *, fill_value, **params):
    (x, idx), (t, _) = primals, tangents
    ans = bind(gather_p, x, idx, fill_value=fill_value, **params)
    if type(t) is Zero:
        return ans, _zero_tangent(ans)
    # Filled (out-of-bounds) positions are constants: their tangent is 0, not the fill value.
    return ans, bind(gather_p, t, idx, fill_value=0, **params)


def _gather_transpose(ct, x, idx, *, dimension_numbers, slice_sizes, mode, fill_value, **flags):
    if is_undefined(idx):
        raise NotImplementedError("[vjp] gather is not linear in its indices")
    if type(ct) is Zero:
        return [None, None]
    dnums = ScatterDimensionNumbers(*dimension_numbers)  # the same five fields, in the same order
    zeros = ew.full_like_aval(0, x.aval)
    return [bind(scatter_add_p, zeros, idx, ct, dimension_numbers=dnums, mode=mode, **flags), None]


def _gather_batch(args, dims, *, dimension_numbers, slice_sizes, **params):
    (x, idx), (dx, di) = args, dims
    d = dimension_numbers
    if di is None:
        # Only the operand is batched: its batch axis becomes the first (offset) axis of every slice.
        x = layout.bdim_to_front(x, dx)
        size = get_aval(x).shape[0]
        new = GatherDimensionNumbers(
            (0, *_shift(d.offset_dims)),
            _shift(d.collapsed_slice_dims),
            _shift(d.start_index_map),
            _shift(d.operand_batching_dims),
            d.start_indices_batching_dims,
        )
        return bind(gather_p, x, idx, dimension_numbers=new, slice_sizes=(size, *slice_sizes), **params), 0
    idx = layout.bdim_to_front(idx, di)
    if dx is None:
        # Only the indices are batched: one more batch axis of indices, which leads the output.
        new = GatherDimensionNumbers(
            _shift(d.offset_dims),
            d.collapsed_slice_dims,
            d.start_index_map,
            d.operand_batching_dims,
            _shift(d.start_indices_batching_dims),
        )
        return bind(gather_p, x, idx, dimension_numbers=new, slice_sizes=slice_sizes, **params), 0
    # Both batched: pair the two batch axes as gather batching dimensions.
    x = layout.bdim_to_front(x, dx)
    new = _pair_batch_axes(d)
    return bind(gather_p, x, idx, dimension_numbers=new, slice_sizes=(1, *slice_sizes), **params), 0


ad.def_jvp(gather_p, _gather_jvp)
ad.def_transpose(gather_p, _gather_transpose)
batching.def_batching(gather_p, _gather_batch)

# ---- the scatter family ------------------------------------------------------------------------------


def _scatter_primitive(name: str, lax_fn, linear: bool = False) -> Primitive:
    prim = Primitive(name, linear=linear)
    def_lowering(
        prim,
        lambda x, idx, upd, *, dimension_numbers, mode, indices_are_sorted, unique_indices: lax_fn(
            x,
            idx,
            upd,
            dimension_numbers,
            mode=mode,
            indices_are_sorted=indices_are_sorted,
            unique_indices=unique_indices,
        ),
    )
    batching.def_batching(prim, _scatter_batch(prim))
    return prim


def _scatter_batch(prim):
    """Batching for scatters: every operand gets the batch axis first, paired as batching dims."""

    def rule(args, dims, *, dimension_numbers, **params):
        x, idx, upd = layout.all_to_front(args, dims)
        return bind(prim, x, idx, upd, dimension_numbers=_pair_batch_axes(dimension_numbers), **params), 0

    return rule


def _scatter_wrapper(prim):
    def wrapper(
        operand,
        indices,
        updates,
        dimension_numbers: ScatterDimensionNumbers,
        *,
        mode=None,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
    ):
        return bind(
            prim,
            operand,
            indices,
            updates,
            dimension_numbers=ScatterDimensionNumbers(*(tuple(int(a) for a in f) for f in dimension_numbers)),
            mode=GatherScatterMode.from_any(mode),
            indices_are_sorted=bool(indices_are_sorted),
            unique_indices=bool(unique_indices),
        )

    wrapper.__name__ = wrapper.__qualname__ = prim.name
    result = {"scatter": 5.0, "scatter_add": 7.0, "scatter_mul": 10.0, "scatter_min": 2.0, "scatter_max": 5.0}
    wrapper.__doc__ = f"""XLA's ``{prim.name}`` (see ``jax.lax.{prim.name}``): combine ``updates`` into ``operand``.

    Args:
        operand: the array to update.
        indices: integer indices, the index vector in the last axis.
        updates: the values to combine in.
        dimension_numbers: a ``ScatterDimensionNumbers``.
        mode: a ``GatherScatterMode`` (or its name); the default FILL_OR_DROP drops out-of-bounds updates.
        indices_are_sorted: a promise that lets XLA go faster.
        unique_indices: a promise that lets XLA go faster.

    Returns:
        The updated copy of ``operand``.

    >>> import fungrad.lax as flax, numpy as np
    >>> dnums = flax.ScatterDimensionNumbers((), (0,), (0,))
    >>> flax.{prim.name}(np.full(3, 2.0), np.array([[1]]), np.array([5.0]), dnums).tolist()
    [2.0, {result[prim.name]}, 2.0]
    """
    return wrapper


def _gather_like(ct_or_x, idx, upd_aval, *, dimension_numbers, mode, indices_are_sorted, unique_indices):
    """Read, for every element of ``updates``, the operand element it is scattered to."""
    d = dimension_numbers
    x_shape = get_aval(ct_or_x).shape
    slice_sizes, pos = [], 0
    for i in range(len(x_shape)):
        if i in d.inserted_window_dims or i in d.operand_batching_dims:
            slice_sizes.append(1)
        else:
            slice_sizes.append(upd_aval.shape[d.update_window_dims[pos]])
            pos += 1
    dnums = GatherDimensionNumbers(*d)  # the same five fields, in the same order
    return bind(
        gather_p,
        ct_or_x,
        idx,
        dimension_numbers=dnums,
        slice_sizes=tuple(slice_sizes),
        mode=mode,
        fill_value=0,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
    )


# scatter_add: linear in (operand, updates) jointly.
scatter_add_p = _scatter_primitive("scatter_add", lax.scatter_add, linear=True)
scatter_add = _scatter_wrapper(scatter_add_p)


def _scatter_add_jvp(primals, tangents, **params):
    (x, idx, upd), (tx, _, tu) = primals, tangents
    ans = bind(scatter_add_p, x, idx, upd, **params)
    if type(tx) is Zero and type(tu) is Zero:
        return ans, _zero_tangent(ans)
    tx, tu = ad.instantiate(tx), ad.instantiate(tu)
    return ans, bind(scatter_add_p, tx, idx, tu, **params)


def _scatter_add_transpose(ct, x, idx, upd, **params):
    if is_undefined(idx):
        raise NotImplementedError("[vjp] scatter_add is not linear in its indices")
    if type(ct) is Zero:
        return [None, None, None]
    upd_aval = upd.aval if is_undefined(upd) else get_aval(upd)
    ct_upd = _gather_like(ct, idx, upd_aval, **params) if is_undefined(upd) else None
    return [ct if is_undefined(x) else None, None, ct_upd]


ad.def_jvp(scatter_add_p, _scatter_add_jvp)
ad.def_transpose(scatter_add_p, _scatter_add_transpose)

# scatter (set): later updates overwrite earlier ones and the operand.
scatter_p = _scatter_primitive("scatter", lax.scatter)
scatter = _scatter_wrapper(scatter_p)


def _scatter_jvp(primals, tangents, **params):
    # With duplicate indices only one update "wins" each position. Scatter a unique id per update
    # element, read back which id landed where each update went, and keep the tangent of winners
    # only; operand positions hit by any update lose their tangent. The tangent is then a linear
    # scatter_add of masked tangents, so it transposes without a rule for scatter itself.
    # The primal is rebuilt from the same masks, so value and tangent agree on the winner even
    # where the backend's choice among duplicates is not deterministic (GPUs).
    (x, idx, upd), (tx, _, tu) = primals, tangents
    if type(tx) is Zero and type(tu) is Zero:
        ans = bind(scatter_p, x, idx, upd, **params)
        return ans, _zero_tangent(ans)
    upd_aval = get_aval(upd)
    id_dtype = np.int64 if upd_aval.size >= 2**31 - 1 else np.int32
    ids = np.arange(1, upd_aval.size + 1, dtype=id_dtype).reshape(upd_aval.shape)
    hit = bind(scatter_p, np.zeros(get_aval(x).shape, id_dtype), idx, ids, **params)
    x_kept = ew.eq(hit, np.zeros((), id_dtype))
    upd_won = ew.eq(_gather_like(hit, idx, upd_aval, **params), ids)
    x_zeros, upd_zeros = ew.full_like_aval(0, get_aval(x)), ew.full_like_aval(0, upd_aval)
    ans = bind(scatter_add_p, ew.select_n(x_kept, x_zeros, x), idx, ew.select_n(upd_won, upd_zeros, upd), **params)
    tx = ew.select_n(x_kept, x_zeros, ad.instantiate(tx))
    tu = ew.select_n(upd_won, upd_zeros, ad.instantiate(tu))
    return ans, bind(scatter_add_p, tx, idx, tu, **params)


ad.def_jvp(scatter_p, _scatter_jvp)

# scatter_mul: out[p] = x[p] * prod of the updates sent to p.
scatter_mul_p = _scatter_primitive("scatter_mul", lax.scatter_mul, linear=True)  # in the operand
scatter_mul = _scatter_wrapper(scatter_mul_p)


def _scatter_mul_jvp(primals, tangents, **params):
    (x, idx, upd), (tx, _, tu) = primals, tangents
    ans = bind(scatter_mul_p, x, idx, upd, **params)
    out = _zero_tangent(ans)
    if type(tx) is not Zero:  # linear in x: scale by the same products
        out = bind(scatter_mul_p, tx, idx, upd, **params)
    if type(tu) is not Zero:
        # d(x * prod_j u_j)/du_k = x * prod_{j != k} u_j over the updates j sent to the same position
        # (just x when indices are unique). JAX refuses repeated indices here; the product rule over
        # them is computable, see _product_of_the_others.
        tu = ad.instantiate(tu)
        if not params["unique_indices"]:
            tu = ew.mul(tu, _product_of_the_others(x, idx, upd, **params))
        spread = bind(scatter_add_p, ew.full_like_aval(0, get_aval(x)), idx, tu, **params)
        out = ad.add_tangents(out, ew.mul(x, spread))
    return ans, out


def _product_of_the_others(x, idx, upd, **params):
    """For each update, the product of the other updates sent to its position, with no division by
    zero: from the product of the nonzero updates at each position and how many updates there are 0
    (one zero: only that update sees a nonzero product; two or more: every product is 0)."""
    x_aval, upd_aval = get_aval(x), get_aval(upd)
    is_zero = ew.eq(upd, ew.full_like_aval(0, upd_aval))
    ones = ew.full_like_aval(1, upd_aval)
    nonzero = ew.select_n(is_zero, upd, ones)
    slots = core.ShapedArray(x_aval.shape, upd_aval.dtype)
    zeros_at = bind(
        scatter_add_p, ew.full_like_aval(0, slots), idx, ew.convert_element_type(is_zero, upd_aval.dtype), **params
    )
    product_at = bind(scatter_mul_p, ew.full_like_aval(1, slots), idx, nonzero, **params)
    zeros_seen = _gather_like(zeros_at, idx, upd_aval, **params)
    product = _gather_like(product_at, idx, upd_aval, **params)
    others_zero = ew.sub(zeros_seen, ew.convert_element_type(is_zero, upd_aval.dtype))  # zeros among the others
    no_other_zero = ew.eq(others_zero, ew.full_like_aval(0, upd_aval))
    without_me = ew.select_n(is_zero, ew.div(product, nonzero), product)  # divides by a nonzero only
    return ew.select_n(no_other_zero, ew.full_like_aval(0, upd_aval), without_me)


def _scatter_mul_transpose(ct, x, idx, upd, **params):
    if is_undefined(upd) or is_undefined(idx):
        raise NotImplementedError("[vjp] scatter_mul is linear only in its operand")
    if type(ct) is Zero:
        return [None, None, None]
    # Multiplying each position by a fixed product is a diagonal map: its own transpose.
    return [bind(scatter_mul_p, ct, idx, upd, **params), None, None]


ad.def_jvp(scatter_mul_p, _scatter_mul_jvp)
ad.def_transpose(scatter_mul_p, _scatter_mul_transpose)

# scatter_min / scatter_max: the derivative is shared evenly among everything that ties for the
# extremum at a position (operand element included), like reduce_max.
scatter_min_p = _scatter_primitive("scatter_min", lax.scatter_min)
scatter_max_p = _scatter_primitive("scatter_max", lax.scatter_max)
scatter_min = _scatter_wrapper(scatter_min_p)
scatter_max = _scatter_wrapper(scatter_max_p)


def _scatter_extremum_jvp(prim):
    def rule(primals, tangents, **params):
        (x, idx, upd), (tx, _, tu) = primals, tangents
        ans = bind(prim, x, idx, upd, **params)
        if type(tx) is Zero and type(tu) is Zero:
            return ans, _zero_tangent(ans)
        x_aval, upd_aval = get_aval(x), get_aval(upd)
        at_x = ew.convert_element_type(ew.eq(x, ans), x_aval.dtype)
        at_upd = ew.convert_element_type(ew.eq(upd, _gather_like(ans, idx, upd_aval, **params)), upd_aval.dtype)
        count = bind(scatter_add_p, at_x, idx, at_upd, **params)
        tx = ew.mul(ad.instantiate(tx), at_x)
        tu = ew.mul(ad.instantiate(tu), at_upd)
        return ans, ew.div(bind(scatter_add_p, tx, idx, tu, **params), count)

    return rule


ad.def_jvp(scatter_min_p, _scatter_extremum_jvp(scatter_min_p))
ad.def_jvp(scatter_max_p, _scatter_extremum_jvp(scatter_max_p))


# ---- dynamic slices (composites: a single-window gather / scatter with clamped starts) ------------


def _start_vector(start_indices, operand_shape):
    """Stack the start indices (promoted to one integer dtype); negative ones count from the end
    (JAX's allow_negative_indices)."""
    if not len(start_indices):
        return np.zeros((0,), np.int32)
    dtype, _ = core.result_type(*(get_aval(s).strip_weak_type() for s in start_indices))
    starts = []
    for s, n in zip(start_indices, operand_shape):
        s = ew.convert_element_type(s, dtype)
        wrapped = ew.select_n(ew.lt(s, ew.scalar(0, s)), s, ew.add(s, ew.scalar(n, s)))
        starts.append(layout.broadcast_in_dim(wrapped, (1,), ()))
    return shape.concatenate(starts, 0)


def dynamic_slice(operand, start_indices, slice_sizes):
    """``operand[start:start + size]`` along every axis with traced ``start_indices``.

    As in ``jax.lax.dynamic_slice``, a negative start counts from the end (once), then each start is
    clamped to ``[0, dim - size]`` so the slice is always in bounds.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dynamic_slice(np.arange(5.0), (3,), (3,)).tolist()
    [2.0, 3.0, 4.0]
    """
    axes = tuple(range(get_aval(operand).ndim))
    dnums = GatherDimensionNumbers(axes, (), axes, (), ())
    starts = _start_vector(start_indices, get_aval(operand).shape)
    return gather(operand, starts, dnums, slice_sizes, mode=GatherScatterMode.CLIP, unique_indices=True)


def dynamic_update_slice(operand, update, start_indices):
    """``operand`` with the block at ``start_indices`` replaced by ``update`` (starts clamped so the
    block fits, as in ``jax.lax.dynamic_update_slice``).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dynamic_update_slice(np.zeros(4), np.ones(2), (3,)).tolist()
    [0.0, 0.0, 1.0, 1.0]
    """
    x_aval = get_aval(operand)
    update = ew.convert_element_type(update, x_aval.dtype, get_aval(update).weak_type and x_aval.weak_type)
    axes = tuple(range(x_aval.ndim))
    dnums = ScatterDimensionNumbers(axes, (), axes, (), ())
    starts = _start_vector(start_indices, x_aval.shape)
    return scatter(operand, starts, update, dnums, mode=GatherScatterMode.CLIP, unique_indices=True)


def take_along_axis(x, indices, axis: int, mode=GatherScatterMode.PROMISE_IN_BOUNDS):
    """``x`` indexed by the in-range ``indices`` (same shape as ``x`` except along ``axis``) along
    ``axis``; every other axis is paired (gather batching dims). Used by sort and top_k derivatives."""
    ndim = get_aval(x).ndim
    others = tuple(d for d in range(ndim) if d != axis)
    dnums = GatherDimensionNumbers((), (axis,), (axis,), others, others)
    idx = shape.expand_dims(indices, (get_aval(indices).ndim,))
    return gather(x, idx, dnums, (1,) * ndim, mode=mode)


def dynamic_slice_in_dim(operand, start_index, slice_size: int, axis: int = 0):
    """:func:`dynamic_slice` along one ``axis`` (whole extent elsewhere).

    Args:
        operand: an array.
        start_index: the (traced) start along ``axis``; clamped so the slice fits.
        slice_size: the static length of the slice.
        axis: the axis to slice.

    Returns:
        The slice.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dynamic_slice_in_dim(np.arange(5.0), 1, 2).tolist()
    [1.0, 2.0]
    """
    shape = get_aval(operand).shape
    starts = [0] * len(shape)
    starts[axis] = start_index
    sizes = list(shape)
    sizes[axis] = slice_size
    return dynamic_slice(operand, starts, sizes)


def dynamic_index_in_dim(operand, index, axis: int = 0, keepdims: bool = True):
    """Element ``index`` (traced, clamped) along ``axis``; the axis is kept unless ``keepdims=False``.

    Args:
        operand: an array.
        index: the (traced) index along ``axis``.
        axis: the axis to index.
        keepdims: keep ``axis`` with size 1.

    Returns:
        The indexed slice.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dynamic_index_in_dim(np.arange(5.0), 3, keepdims=False).tolist()
    3.0
    """
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return out if keepdims else shape.squeeze(out, (axis % get_aval(operand).ndim,))


def dynamic_update_slice_in_dim(operand, update, start_index, axis: int):
    """:func:`dynamic_update_slice` with a traced start along one ``axis`` (0 elsewhere).

    Args:
        operand: an array.
        update: the block to write (full extent on the other axes).
        start_index: the (traced) start along ``axis``; clamped so the block fits.
        axis: the axis of the start.

    Returns:
        ``operand`` with the block written.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dynamic_update_slice_in_dim(np.zeros(3), np.ones(1), 1, 0).tolist()
    [0.0, 1.0, 0.0]
    """
    starts = [0] * get_aval(operand).ndim
    starts[axis] = start_index
    return dynamic_update_slice(operand, update, starts)


def dynamic_update_index_in_dim(operand, update, index, axis: int):
    """Write ``update`` (missing ``axis`` or of size 1 there) at ``index`` along ``axis``.

    Args:
        operand: an array.
        update: the slice to write.
        index: the (traced) index along ``axis``; clamped.
        axis: the axis to index.

    Returns:
        ``operand`` with the slice written.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dynamic_update_index_in_dim(np.zeros((2, 2)), np.ones(2), 1, 0).tolist()
    [[0.0, 0.0], [1.0, 1.0]]
    """
    ndim = get_aval(operand).ndim
    axis %= ndim
    if get_aval(update).ndim == ndim - 1:
        update = shape.expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(operand, update, index, axis)


# The scatter wrappers are made by a factory; name them so that their examples run with the doctests.
__test__ = {fn.__name__: fn for fn in (scatter, scatter_add, scatter_mul, scatter_min, scatter_max)}
