"""NumPy indexing over fungrad primitives: ``x[idx]``, ``x.at[idx].set/add/...``, ``take``,
``take_along_axis``.

Basic indices (Python ints, slices with any step, ``None``, ``Ellipsis``) become static slices,
reversals, squeezes and expand_dims: no gather, so the IR stays readable and XLA's code cheap.
Anything else (integer arrays, traced integers, boolean masks on concrete arrays) goes through one
*indexer* that turns the whole index into a single ``gather`` (reads) or ``scatter`` (updates):

* every output axis that is not a whole axis of ``x`` is an axis of the index grid; each indexed
  axis of ``x`` contributes one component of the index vector, broadcast over the grid (integer
  arrays along the advanced block, ``start + step * arange`` along a partial slice);
* whole axes (``:``) are gather windows (``offset_dims``);
* NumPy's placement rule: the broadcast shape of the advanced indices replaces them in place if they
  are adjacent in the index, and goes first otherwise.

Out-of-bounds indices follow JAX: reads clamp (``mode="promise_in_bounds"``; the gradient of an
out-of-bounds read is zero), updates are dropped (``mode="drop"``); both can be chosen through
``.at[idx].get(mode=...)`` and friends. Negative indices count from the end. A boolean mask must be
concrete (its number of True entries fixes the output shape).
"""

from __future__ import annotations

import builtins

import jax
import numpy as np

from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import indexing as ix
from fungrad._src.primitives import shape as sh
from fungrad.numpy._conversion import _canonical_axes, _check_out, _to_array, asarray, broadcast_shapes, broadcast_to
from fungrad.numpy._creation import zeros
from fungrad.numpy._elementwise import clip, negative, reciprocal, remainder, where
from fungrad.numpy._manipulation import concatenate, expand_dims, ravel

Mode = ix.GatherScatterMode


def _is_int_index(entry) -> bool:
    if isinstance(entry, bool):
        return False
    if isinstance(entry, (int, np.integer)):
        return True
    return (
        not isinstance(entry, Tracer)
        and isinstance(entry, (jax.Array, np.ndarray))
        and entry.shape == ()
        and np.issubdtype(entry.dtype, np.integer)
    )


def _is_array_index(entry) -> bool:
    return isinstance(entry, (Tracer, jax.Array, np.ndarray)) and not _is_int_index(entry)


def _normalize_entries(shape, index) -> list:
    """Expand Ellipsis, turn concrete boolean masks into integer arrays, pad with ``:``."""
    if isinstance(index, list):
        raise FungradTypeError(
            "indexing: using a non-tuple sequence for multidimensional indexing is not allowed (as in "
            "JAX); use `x[fnp.array(seq)]` for an integer-array index or `x[tuple(seq)]`"
        )
    entries = list(index) if isinstance(index, tuple) else [index]
    out = []
    for e in entries:
        if isinstance(e, list):  # a list inside a tuple index is an integer (or boolean) array, as in NumPy
            e = np.asarray(e)
        if isinstance(e, bool) or (e is not None and e is not Ellipsis and not isinstance(e, slice)):
            if isinstance(e, bool) or not (_is_int_index(e) or _is_array_index(e)):
                raise FungradTypeError(
                    f"indexing: index of type {type(e).__name__} is not supported; use integers, slices, "
                    "None, Ellipsis, integer arrays or concrete boolean masks"
                )
        dtype = getattr(e, "dtype", None)
        if dtype is not None and np.dtype(dtype) == np.bool_:
            if isinstance(e, Tracer):
                raise FungradTypeError(
                    "indexing: a boolean mask index must be concrete, but this one is traced (its number of "
                    "True entries would decide the output shape). Use `fnp.where(mask, x, 0)` instead, or "
                    "compute the mask outside the transformation"
                )
            out.extend(np.nonzero(np.asarray(e)))
            continue
        if dtype is not None and not np.issubdtype(np.dtype(dtype), np.integer):
            raise FungradTypeError(f"indexing: index arrays must be integers or booleans, got dtype {dtype}")
        out.append(e)
    n_real = sum(1 for e in out if e is not None and e is not Ellipsis)
    if sum(1 for e in out if e is Ellipsis) > 1:
        raise FungradTypeError("indexing: an index can only have a single ellipsis ('...')")
    if n_real > len(shape):
        raise FungradTypeError(f"indexing: too many indices ({n_real}) for an array of shape {tuple(shape)}")
    fill = [slice(None)] * (len(shape) - n_real)
    if Ellipsis in [e for e in out if e is Ellipsis]:
        at = next(i for i, e in enumerate(out) if e is Ellipsis)
        return out[:at] + fill + out[at + 1 :]
    return out + fill


def getitem(x, index):
    """``x[index]`` with NumPy semantics (see the module docstring).

    >>> import fungrad, fungrad.numpy as fnp
    >>> x = fnp.arange(12.0).reshape(3, 4)
    >>> fungrad.grad(lambda x: x[fnp.array([0, 0, 2]), 1:].sum())(x).tolist()
    [[0.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0]]
    """
    return _get(x, index, mode=None, fill_value=None)


def _get(x, index, *, mode, fill_value, indices_are_sorted=False, unique_indices=False):

    x = _to_array(x)
    shape = get_aval(x).shape
    entries = _normalize_entries(shape, index)
    if not any(_is_array_index(e) for e in entries):
        return _basic_getitem(x, shape, entries)
    # Apply the slices statically first; the gather then sees whole axes and index arrays only.
    sliced, pre = [], []
    for e in entries:
        if isinstance(e, slice):
            sliced.append(e)
            pre.append(slice(None))
        elif e is None:
            pre.append(None)
        else:
            sliced.append(slice(None))
            pre.append(e)
    x = _basic_getitem(x, shape, sliced)
    if mode is None:
        scalars_only = all(get_aval(e).ndim == 0 for e in pre if _is_array_index(e))
        mode = Mode.CLIP if scalars_only else Mode.PROMISE_IN_BOUNDS  # like jnp: dynamic_slice clamps
    plan = _Indexer(get_aval(x).shape, pre)
    if plan.empty:
        return zeros(plan.out_shape, get_aval(x).dtype)
    out = ix.gather(
        x,
        plan.indices,
        plan.gather_dnums,
        plan.slice_sizes,
        mode=mode,
        fill_value=fill_value,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices or plan.unique,
    )
    return sh.reshape(out, plan.out_shape)


def _basic_getitem(x, shape, entries):
    starts, limits, strides, reversed_axes, squeezed, new_axes = [], [], [], [], [], []
    axis, out_pos = 0, 0
    for e in entries:
        if e is None:
            new_axes.append(out_pos)
            out_pos += 1
            continue
        n = shape[axis]
        if isinstance(e, slice):
            start, stop, step = e.indices(n)
            length = len(range(start, stop, step))
            if step < 0:
                reversed_axes.append(axis)
                start, step = n - 1 - start, -step
            starts.append(start if length else 0)
            limits.append(start + (length - 1) * step + 1 if length else 0)
            strides.append(step)
            out_pos += 1
        else:
            i = int(e)
            if n == 0:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size 0")
            # Out-of-bounds static indices clamp, as JAX's do in every mode (eagerly, under jit, grad, vmap).
            i = min(max(i + n if i < 0 else i, 0), n - 1)
            starts.append(i)
            limits.append(i + 1)
            strides.append(1)
            squeezed.append(axis)
        axis += 1
    out = sh.rev(x, reversed_axes)
    out = sh.slice(out, starts, limits, strides)
    out = sh.squeeze(out, squeezed)
    return sh.expand_dims(out, new_axes)


class _Indexer:
    """The gather/scatter that realises a NumPy index on an array of ``shape``.

    ``entries`` (after :func:`_normalize_entries`) hold slices, ``None``, ints and integer arrays.
    """

    def __init__(self, shape, entries):

        adv_pos = [i for i, e in enumerate(entries) if e is not None and not isinstance(e, slice)]
        adv_shape = broadcast_shapes(*(get_aval(entries[i]).shape for i in adv_pos)) if adv_pos else ()
        contiguous = adv_pos == list(range(adv_pos[0], adv_pos[-1] + 1)) if adv_pos else True
        # Walk the index to lay out the output: ("slice", axis, slice), ("new",), ("adv",).
        layout = [("adv",)] if adv_pos and not contiguous else []
        axis = 0
        for i, e in enumerate(entries):
            if e is None:
                layout.append(("new",))
                continue
            if isinstance(e, slice):
                layout.append(("slice", axis, e))
            elif contiguous and i == adv_pos[0]:
                layout.append(("adv",))
            axis += 1
        out_shape, grid_shape, offset_dims, window_axes, components = [], [], [], [], []
        adv_at = None
        for item in layout:
            if item[0] == "adv":
                adv_at = len(grid_shape)
                out_shape.extend(adv_shape)
                grid_shape.extend(adv_shape)
            elif item[0] == "new":
                out_shape.append(1)
                grid_shape.append(1)
            else:
                _, ax, s = item
                start, stop, step = s.indices(shape[ax])
                length = len(range(start, stop, step))
                out_shape.append(length)
                if (start, step, length) == (0, 1, shape[ax]):
                    offset_dims.append(len(out_shape) - 1)
                    window_axes.append(ax)
                else:
                    components.append((ax, "iota", (start, step, length, len(grid_shape))))
                    grid_shape.append(length)
        axis = 0
        for e in entries:
            if e is None:
                continue
            if not isinstance(e, slice):
                components.append((axis, "array", e))
            axis += 1
        self.out_shape = tuple(out_shape)
        self.empty = 0 in self.out_shape
        # Slices and scalar indices address each position at most once (array indices may repeat).
        self.unique = all(get_aval(entries[i]).ndim == 0 for i in adv_pos)
        if self.empty:
            return
        components.sort(key=lambda c: c[0])
        indexed = tuple(c[0] for c in components)
        self.slice_sizes = tuple(shape[a] if a in window_axes else 1 for a in range(len(shape)))
        self.gather_dnums = ix.GatherDimensionNumbers(tuple(offset_dims), indexed, indexed, (), ())
        self.scatter_dnums = ix.ScatterDimensionNumbers(tuple(offset_dims), indexed, indexed, (), ())
        self.indices = _stack_components(components, shape, tuple(grid_shape), adv_at, len(adv_shape))


def _stack_components(components, shape, grid_shape, adv_at, adv_ndim):
    """The ``grid_shape + (len(components),)`` index array (concrete where every index is)."""

    traced = [c[2] for c in components if c[1] == "array" and isinstance(c[2], Tracer)]
    if traced:
        dtype = np.result_type(*(get_aval(t).dtype for t in traced))
        if dtype.kind == "u":
            dtype = jax.dtypes.canonicalize_dtype(np.int64)
    else:
        dtype = np.int32 if builtins.max(shape, default=0) < 2**31 - 1 else np.int64
    columns = []
    for ax, kind, payload in components:
        n = shape[ax]
        if kind == "iota":
            start, step, length, at = payload
            col = (start + step * np.arange(length)).astype(dtype)
            col = col.reshape([length if d == at else 1 for d in range(len(grid_shape))])
        else:
            # Right-align the array within the advanced block, which sits at `adv_at` in the grid.
            idx_shape = get_aval(payload).shape
            lead = adv_at + adv_ndim - len(idx_shape)
            placed = (1,) * lead + idx_shape + (1,) * (len(grid_shape) - adv_at - adv_ndim)
            if isinstance(payload, Tracer):
                col = ew.convert_element_type(payload, dtype)
                col = where(ew.lt(col, ew.scalar(0, col)), ew.add(col, ew.scalar(n, col)), col)
                col = sh.reshape(col, placed)
            else:
                col = np.asarray(payload).astype(dtype)
                col = np.where(col < 0, col + n, col).reshape(placed)
        if isinstance(col, Tracer):
            columns.append(expand_dims(broadcast_to(col, grid_shape), -1))
        else:
            columns.append(np.broadcast_to(col, grid_shape)[..., None])
    if not columns:
        return np.zeros(grid_shape + (0,), dtype)
    if not any(isinstance(c, Tracer) for c in columns):
        return np.concatenate(columns, axis=-1)
    return concatenate(columns, axis=-1)


# ---- index updates: x.at[idx].set(y) ------------------------------------------------------------


class _IndexUpdateHelper:
    """``x.at``: indexing it gives an :class:`_IndexUpdateRef` with functional update methods."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """``x.at[idx]``: ``get``, ``set``, ``add``, ``subtract``, ``multiply``, ``divide``, ``min``, ``max``.

    Each returns a new array (fungrad arrays are immutable). Updates are broadcast to the shape of
    ``x[idx]`` and cast to ``x``'s dtype. By default out-of-bounds updates are dropped
    (``mode="drop"``; ``"clip"`` clamps them into range); with repeated indices ``add``/``multiply``
    accumulate and ``set`` keeps one of the updates (the last one on CPU).

    >>> import fungrad.numpy as fnp
    >>> import fungrad.numpy._indexing as fix
    >>> fix.at(fnp.zeros(4))[fnp.array([0, 0, 9])].add(1.0).tolist()
    [2.0, 0.0, 0.0, 0.0]
    """

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array = array
        self.index = index

    def get(self, *, mode=None, fill_value=None, indices_are_sorted=False, unique_indices=False):
        """``x[idx]``; ``mode="fill"`` returns ``fill_value`` (default NaN) for out-of-bounds reads."""
        if mode is not None:
            mode = Mode.from_any(mode)
        return _get(
            self.array,
            self.index,
            mode=mode,
            fill_value=fill_value,
            indices_are_sorted=indices_are_sorted,
            unique_indices=unique_indices,
        )

    def set(self, values, **kw):
        return _update(ix.scatter, self.array, self.index, values, **kw)

    def add(self, values, **kw):
        return _update(ix.scatter_add, self.array, self.index, values, **kw)

    def subtract(self, values, **kw):

        return _update(ix.scatter_add, self.array, self.index, negative(values), **kw)

    def multiply(self, values, **kw):
        return _update(ix.scatter_mul, self.array, self.index, values, **kw)

    mul = multiply

    def divide(self, values, **kw):

        return _update(ix.scatter_mul, self.array, self.index, reciprocal(values), **kw)

    def min(self, values, **kw):
        return _update(ix.scatter_min, self.array, self.index, values, **kw)

    def max(self, values, **kw):
        return _update(ix.scatter_max, self.array, self.index, values, **kw)


def at(x) -> _IndexUpdateHelper:
    """Functional index updates for any array, concrete or traced: ``at(x)[idx].set(y)``.

    ``Tracer.at`` is the same helper; a concrete ``jax.Array``'s own ``.at`` is JAX's and cannot take
    fungrad tracers as values, so use this form when ``x`` may be concrete.

    >>> import fungrad, fungrad.numpy as fnp
    >>> import fungrad.numpy._indexing as fix
    >>> float(fungrad.grad(lambda v: fix.at(fnp.zeros(3))[1].set(v).sum())(2.0))
    1.0
    """
    return _IndexUpdateHelper(x)


def _update(scatter_fn, x, index, values, *, mode=None, indices_are_sorted=False, unique_indices=False):

    x = _to_array(x)
    x_aval = get_aval(x)
    entries = _normalize_entries(x_aval.shape, index)
    plan = _Indexer(x_aval.shape, entries)
    values = asarray(values)
    values = ew.convert_element_type(values, x_aval.dtype, x_aval.weak_type and get_aval(values).weak_type)
    values = broadcast_to(values, plan.out_shape)
    if plan.empty:
        return x
    return scatter_fn(
        x,
        plan.indices,
        values,
        plan.scatter_dnums,
        mode=Mode.FILL_OR_DROP if mode is None else Mode.from_any(mode),
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices or plan.unique,
    )


# ---- take, take_along_axis ----------------------------------------------------------------------


def take(a, indices, axis=None, out=None, mode=None, unique_indices=False, indices_are_sorted=False, fill_value=None):
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array if None).

    Out-of-bounds indices return ``fill_value`` (NaN for inexact dtypes) by default, as in
    ``jax.numpy.take``; ``mode="clip"`` clamps instead. Negative indices count from the end.

    >>> import fungrad.numpy as fnp
    >>> fnp.take(fnp.array([1.0, 2.0, 3.0]), fnp.array([2, -1, 5])).tolist()
    [3.0, 3.0, nan]
    """
    _check_out("take", out)
    a = _to_array(a)
    if axis is None:
        a, axis = ravel(a), 0
    ndim = get_aval(a).ndim
    axis = _canonical_axes(axis, ndim)[0]
    indices = indices if isinstance(indices, (Tracer, jax.Array)) else np.asarray(indices)
    if mode == "wrap":
        indices, mode = remainder(indices, get_aval(a).shape[axis]), "promise_in_bounds"
    elif mode == "clip":  # NumPy's take clamps negative indices to 0 rather than counting from the end
        indices, mode = clip(indices, 0, get_aval(a).shape[axis] - 1), "promise_in_bounds"
    index = (slice(None),) * axis + (indices,)
    return _get(
        a,
        index,
        mode=Mode.FILL_OR_DROP if mode is None else Mode.from_any(mode),
        fill_value=fill_value,
        indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices,
    )


def take_along_axis(arr, indices, axis=-1, mode=None, fill_value=None, *, wrap_negative_indices=None):
    """``arr`` indexed by ``indices`` along ``axis``, pairing every other axis (broadcast together).

    Out-of-bounds indices return ``fill_value`` (NaN for inexact dtypes) by default, as in
    ``jax.numpy.take_along_axis``. ``axis=None`` works on the flattened array. Negative indices count
    from the end when ``wrap_negative_indices`` is True (by default: unless ``mode="promise_in_bounds"``,
    jax.numpy's rule); otherwise they are out of bounds.

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([[3.0, 1.0], [0.0, 2.0]])
    >>> fnp.take_along_axis(x, fnp.argmin(x, axis=1, keepdims=True), axis=1).tolist()
    [[1.0], [0.0]]
    """

    arr = _to_array(arr)
    indices = asarray(indices)
    if axis is None:
        arr, indices, axis = ravel(arr), ravel(indices), 0
    a_shape, i_shape = get_aval(arr).shape, get_aval(indices).shape
    if len(a_shape) != len(i_shape):
        raise FungradTypeError(
            f"take_along_axis: indices ({i_shape}) and array ({a_shape}) must have the same number of dimensions"
        )
    axis = _canonical_axes(axis, len(a_shape))[0]
    if not np.issubdtype(get_aval(indices).dtype, np.integer):
        raise FungradTypeError(f"take_along_axis: indices must be integers, got {get_aval(indices).dtype}")
    others = [d for d in range(len(a_shape)) if d != axis]
    common = {d: np.broadcast_shapes((a_shape[d],), (i_shape[d],))[0] for d in others}
    arr = broadcast_to(arr, tuple(common.get(d, a_shape[d]) for d in range(len(a_shape))))
    indices = broadcast_to(indices, tuple(common.get(d, i_shape[d]) for d in range(len(a_shape))))
    n = a_shape[axis]
    if wrap_negative_indices is None:
        wrap_negative_indices = mode != "promise_in_bounds"
    if not wrap_negative_indices:
        indices = (
            sh.expand_dims(indices, (len(a_shape),)) if isinstance(indices, Tracer) else np.asarray(indices)[..., None]
        )
    elif isinstance(indices, Tracer):
        indices = where(ew.lt(indices, ew.scalar(0, indices)), ew.add(indices, ew.scalar(n, indices)), indices)
        indices = sh.expand_dims(indices, (len(a_shape),))
    else:
        indices = np.asarray(indices)
        indices = np.where(indices < 0, indices + n, indices)[..., None]
    if 0 in get_aval(indices).shape:
        return zeros(i_shape[:axis] + (get_aval(indices).shape[axis],) + i_shape[axis + 1 :], get_aval(arr).dtype)
    dnums = ix.GatherDimensionNumbers((), (axis,), (axis,), tuple(others), tuple(others))
    mode = Mode.FILL_OR_DROP if mode is None else Mode.from_any(mode)
    return ix.gather(arr, indices, dnums, (1,) * len(a_shape), mode=mode, fill_value=fill_value)


def put_along_axis(arr, indices, values, axis, inplace: bool = False, *, mode=None):
    """``arr`` with ``values`` written at ``indices`` along ``axis`` (the inverse of
    :func:`take_along_axis`); out-of-bounds writes are dropped. ``inplace`` must be False, as in JAX.

    >>> import fungrad.numpy as fnp
    >>> fnp.put_along_axis(fnp.zeros((2, 2)), fnp.array([[1], [0]]), 5.0, 1).tolist()
    [[0.0, 5.0], [5.0, 0.0]]
    """

    if inplace:
        raise FungradTypeError("put_along_axis: fungrad arrays are immutable; pass inplace=False")
    arr = _to_array(arr)
    indices = asarray(indices)
    if axis is None:
        flat = put_along_axis(ravel(arr), ravel(indices), ravel(asarray(values)), 0, mode=mode)
        return sh.reshape(flat, get_aval(arr).shape)
    a_shape, i_shape = get_aval(arr).shape, get_aval(indices).shape
    axis = _canonical_axes(axis, len(a_shape))[0]
    others = tuple(d for d in range(len(a_shape)) if d != axis)
    if any(i_shape[d] != a_shape[d] for d in others) or len(i_shape) != len(a_shape):
        raise FungradTypeError(f"put_along_axis: indices {i_shape} must match array {a_shape} except along axis")
    n = a_shape[axis]
    zero = ew.scalar(0, indices)
    indices = ew.select_n(ew.lt(indices, zero), indices, ew.add(indices, ew.scalar(n, indices)))
    values = broadcast_to(ew.convert_element_type(asarray(values), get_aval(arr).dtype), i_shape)
    dnums = ix.ScatterDimensionNumbers((), (axis,), (axis,), others, others)
    idx = sh.expand_dims(indices, (len(i_shape),))
    return ix.scatter(arr, idx, values, dnums, mode=Mode.FILL_OR_DROP if mode is None else Mode.from_any(mode))
