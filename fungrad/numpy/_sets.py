"""Set routines with static sizes: unique and its family, isin, intersect1d, union1d, setdiff1d, setxor1d, and
size-taking compress/extract/place/put, plus the eager-only ``trim_zeros``.

The number of results of a set operation depends on the data, so, as in jax.numpy, each function takes
a static ``size=``: the first ``size`` results are returned, padded with ``fill_value``. Without
``size`` the input must be concrete (eager code, or the primal of ``jvp``/``grad`` on concrete values):
the count is read from the data and the padded result is cut to it; under ``jit``/``vmap`` that is a
``ConcretizationError`` naming the fix.

Every function is a composition of sorts, cumulative sums, gathers and scatters, so values are
differentiable exactly as in JAX: a unique value's derivative flows to the first occurrence of that
value (the stable sort keeps it first), padding built from ``fill_value`` has a zero derivative, and
padding without ``fill_value`` repeats the smallest value (and its derivative), as JAX's does.
One deliberate difference: without ``size``, JAX turns a ``grad``/``jvp`` input into a constant and
returns a zero derivative; fungrad keeps the derivative (the same one the ``size=`` form gives).
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import jax
import numpy as np

from fungrad._src.core import ConcretizationError, FungradTypeError, Tracer, get_aval, to_concrete_value
from fungrad._src.primitives import scans
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm
from fungrad.numpy import _indexing as _ix
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _searching as _srch
from fungrad.numpy import _shape_helpers as _shp
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy._indexing import at

__all__ = [
    "compress",
    "extract",
    "intersect1d",
    "isin",
    "place",
    "put",
    "setdiff1d",
    "setxor1d",
    "trim_zeros",
    "union1d",
    "unique",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
]

_SIZE_HINT = "pass a static `size=` (and optionally `fill_value=`) so the output shape is known, as in jax.numpy"


def _int_dtype():
    return jax.dtypes.canonicalize_dtype(np.int64)


def _concrete_count(count, fname: str) -> int:
    """The number of results, read from a concrete value; a staged one cannot decide a shape."""
    try:
        return int(np.asarray(to_concrete_value(count)))
    except ConcretizationError as err:
        raise ConcretizationError(
            f"{fname}: the input is traced, so the number of results is unknown; {_SIZE_HINT}"
        ) from err


def _concrete_input(x, fname: str) -> None:
    """Without ``size`` the input itself must be concrete, as in JAX (a jvp/grad primal is)."""
    try:
        to_concrete_value(x)
    except ConcretizationError as err:
        raise ConcretizationError(
            f"{fname}: the input is traced, so the number of results is unknown; {_SIZE_HINT}"
        ) from err


def _static_size(size, fname: str) -> int:
    if isinstance(size, Tracer):
        raise ConcretizationError(f"{fname}: `size` must be a static Python integer, got a traced value")
    return operator.index(size)


def _nonzero_1d(mask, size: int, fill: int):
    """Positions of the true entries of a 1-D mask, the first ``size`` of them, padded with ``fill``."""
    return _srch.nonzero(mask, size=size, fill_value=fill)[0]


# ---- unique ------------------------------------------------------------------------------------------


def _unique_sorted_mask(ar, equal_nan: bool):
    """``(aux, mask, perm)``: rows of ``ar`` (axis 0 first) sorted lexicographically and stably, whether
    each sorted row starts a new value, and the permutation ``aux = ar[perm]``."""
    aval = get_aval(ar)
    if np.issubdtype(aval.dtype, np.complexfloating):
        # a NaN in either part makes the element NaN, so all such elements sort (and compare) together
        ar = _el.where(_fm.isnan(ar), np.array(np.nan, aval.dtype), ar)
    n, rest = aval.shape[0], int(np.prod(aval.shape[1:], dtype=int))
    if rest == 0:
        perm = _cre.zeros((min(n, 1),), _int_dtype())
    elif aval.ndim == 1:
        perm = _ss.argsort(ar, stable=True)
    else:
        rows = _man.reshape(ar, (n, rest))
        perm = _srch.lexsort([rows[:, j] for j in reversed(range(rest))])
    aux = _ix.take(ar, perm, axis=0, mode="promise_in_bounds")
    if n == 0 or rest == 0:
        return aux, _cre.ones((get_aval(perm).shape[0],), bool), perm
    ne = _el.not_equal(aux[1:], aux[:-1])
    if equal_nan and np.issubdtype(aval.dtype, np.inexact):
        ne = _el.logical_and(ne, _el.logical_not(_el.logical_and(_fm.isnan(aux[1:]), _fm.isnan(aux[:-1]))))
    if aval.ndim > 1:
        ne = _ss.any(ne, axis=tuple(range(1, aval.ndim)))
    mask = _man.concatenate([_cre.ones((1,), bool), ne])
    return aux, mask, perm


def _unique_core(ar, size, fill_value, equal_nan):
    """Everything ``unique`` can return, for a static ``size``, plus the true number of unique values."""
    aux, mask, perm = _unique_sorted_mask(ar, equal_nan)
    n = get_aval(mask).shape[0]
    num = _red.sum(mask)
    ind = _nonzero_1d(mask, size, 0)
    values = _ix.take(aux, ind, axis=0, mode="promise_in_bounds") if n else aux
    if fill_value is not None:
        fill = _conv.asarray(fill_value).astype(get_aval(values).dtype)
        out_shape = (size, *get_aval(values).shape[1:])
        if get_aval(values).shape[0]:
            valid = _el.less(_cre.arange(size), num)
            valid = _man.reshape(valid, (size,) + (1,) * (len(out_shape) - 1))
            values = _el.where(valid, values, fill)
        else:
            values = _cre.full(out_shape, fill, get_aval(values).dtype)
    index = _ix.take(perm, ind, mode="promise_in_bounds") if n else perm
    rank = _el.subtract(_ss.cumsum(mask), 1)
    inverse = (
        at(_cre.zeros((n,), _int_dtype()))[perm].set(rank.astype(_int_dtype()))
        if n
        else _cre.zeros((get_aval(ar).shape[0],), _int_dtype())
    )
    if n:
        starts = _nonzero_1d(mask, size + 1, 0)
        starts = _man.concatenate([starts[:1], _el.where(_el.not_equal(starts[1:], 0), starts[1:], n)])
        counts = _shp.diff(starts)
    else:
        counts = _cre.zeros((0,), _int_dtype())
    return values, index, inverse, counts, num


def unique(
    ar,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    *,
    equal_nan: bool = True,
    size: int | None = None,
    fill_value=None,
    sorted: bool = True,  # noqa: A002 - jax.numpy's name
):
    """The sorted unique values of ``ar`` (of its slices along ``axis``), as ``jax.numpy.unique``.

    ``return_index``/``return_inverse``/``return_counts`` add the first-occurrence indices, the
    indices that rebuild ``ar`` and the counts. ``size`` fixes the number of results (needed when
    ``ar`` is traced); the padding is ``fill_value`` or, by default, the smallest unique value. The
    derivative of a unique value flows to its first occurrence in ``ar``.

    >>> import fungrad.numpy as fnp
    >>> vals, counts = fnp.unique(fnp.array([3, 1, 3, 2, 1, 3]), return_counts=True)
    >>> vals.tolist(), counts.tolist()
    ([1, 2, 3], [2, 1, 3])
    >>> fnp.unique(fnp.array([2.0, 2.0, 1.0]), size=3, fill_value=0.0).tolist()
    [1.0, 2.0, 0.0]
    """
    del sorted  # the result is always sorted, as in JAX
    ar = _conv.asarray(ar)
    shape = get_aval(ar).shape
    if axis is None:
        ar, axis_ = _man.ravel(ar), 0
    else:
        axis_ = operator.index(axis) % max(len(shape), 1)
        ar = _man.moveaxis(ar, axis_, 0)
    n = get_aval(ar).shape[0]
    if size is not None:
        size = _static_size(size, "unique")
        if n == 0 and size and fill_value is None:
            raise ValueError("unique: for zero-sized input with nonzero size argument, fill_value must be specified")
        values, index, inverse, counts, _ = _unique_core(ar, size, fill_value, equal_nan)
    else:
        _concrete_input(ar, "unique")
        values, index, inverse, counts, num = _unique_core(ar, n, None, equal_nan)
        k = _concrete_count(num, "unique") if n else 0
        values, index, counts = values[:k], index[:k], counts[:k]
        if n == 0 and get_aval(ar).ndim > 1:
            values = _cre.zeros((0, *get_aval(ar).shape[1:]), get_aval(ar).dtype)
    values = _man.moveaxis(values, 0, axis_)
    if axis is None and return_inverse:
        inverse = _man.reshape(inverse, shape)
    out = (values,)
    if return_index:
        out += (index,)
    if return_inverse:
        out += (inverse,)
    if return_counts:
        out += (counts,)
    return out[0] if len(out) == 1 else out


class UniqueAllResult(NamedTuple):
    """What :func:`unique_all` returns."""

    values: jax.Array
    indices: jax.Array
    inverse_indices: jax.Array
    counts: jax.Array


class UniqueCountsResult(NamedTuple):
    """What :func:`unique_counts` returns."""

    values: jax.Array
    counts: jax.Array


class UniqueInverseResult(NamedTuple):
    """What :func:`unique_inverse` returns."""

    values: jax.Array
    inverse_indices: jax.Array


def unique_all(x, /, *, size: int | None = None, fill_value=None) -> UniqueAllResult:
    """Unique values with first indices, inverse indices and counts (array API; NaNs stay distinct).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_all(fnp.array([2, 1, 2])).counts.tolist()
    [1, 2]
    """
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False, size=size, fill_value=fill_value))


def unique_counts(x, /, *, size: int | None = None, fill_value=None) -> UniqueCountsResult:
    """Unique values and their counts (array API; NaNs stay distinct).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_counts(fnp.array([2, 1, 2])).counts.tolist()
    [1, 2]
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False, size=size, fill_value=fill_value))


def unique_inverse(x, /, *, size: int | None = None, fill_value=None) -> UniqueInverseResult:
    """Unique values and the indices that rebuild ``x`` from them (array API; NaNs stay distinct).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_inverse(fnp.array([2, 1, 2])).inverse_indices.tolist()
    [1, 0, 1]
    """
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False, size=size, fill_value=fill_value))


def unique_values(x, /, *, size: int | None = None, fill_value=None):
    """The sorted unique values (array API; NaNs stay distinct).

    >>> import fungrad.numpy as fnp
    >>> fnp.unique_values(fnp.array([2, 1, 2])).tolist()
    [1, 2]
    """
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


# ---- membership and two-set operations ------------------------------------------------------------------


def isin(element, test_elements, assume_unique: bool = False, invert: bool = False, *, method: str = "auto"):
    """Whether each element of ``element`` occurs in ``test_elements`` (elementwise, ``element``'s shape).

    ``method``: ``"auto"``/``"compare_all"`` compare every pair, ``"binary_search"``/``"sort"`` search
    the sorted test elements; all give the same answer (NaN is never found).

    >>> import fungrad.numpy as fnp
    >>> fnp.isin(fnp.array([1, 2, 3]), fnp.array([3, 1])).tolist()
    [True, False, True]
    """
    if method not in ("auto", "compare_all", "binary_search", "sort"):
        raise ValueError(
            f"method={method!r} is not implemented; options are 'compare_all', 'binary_search', 'sort', 'auto'"
        )
    element, test = _conv.asarray(element), _conv.asarray(test_elements)
    shape = get_aval(element).shape
    a, b = _man.ravel(element), _man.ravel(test)
    dtype = _conv.result_type(a, b)
    a, b = a.astype(dtype), b.astype(dtype)
    if get_aval(a).size == 0 or get_aval(b).size == 0:
        return _cre.full(shape, bool(invert), bool)
    if method in ("auto", "compare_all"):
        found = _ss.any(_el.equal(a[:, None], b[None, :]), axis=-1)
    else:
        b = _ss.sort(b)
        found = _el.equal(a, _ix.take(b, _srch.searchsorted(b, a), mode="clip"))
    if invert:
        found = _el.logical_not(found)
    return _man.reshape(found, shape)


def _unique_padded(a):
    """Unique values of a 1-D ``a`` in the first ``k`` of ``len(a)`` slots, their first indices, and ``k``."""
    n = get_aval(a).shape[0]
    values, index, _, _, num = _unique_core(a, n, 0, True) if n else (a, a.astype(_int_dtype()), None, None, 0)
    return values, index, _conv.asarray(num, _int_dtype())


def _fill_results(vals, num, fill_value):
    """Padding after the first ``num`` results: ``fill_value``, or by default the smallest result (0 if none)."""
    keep = _el.less(_cre.arange(get_aval(vals).shape[0]), num)
    if fill_value is not None:
        return _el.where(keep, vals, _conv.asarray(fill_value).astype(get_aval(vals).dtype))
    if get_aval(vals).shape[0] == 0:
        return vals
    vals = _el.where(keep, vals, _red.max(vals))
    return _el.where(keep, vals, _red.min(vals))


def _sorted_valid(arr1, k1, arr2, k2, extra=()):
    """The valid (first ``k``) entries of both padded arrays sorted together stably, invalid ones last."""
    n1, n2 = get_aval(arr1).shape[0], get_aval(arr2).shape[0]
    valid = _man.concatenate([_el.less(_cre.arange(n1), k1), _el.less(_cre.arange(n2), k2)])
    arr = _man.concatenate([arr1, arr2])
    invalid = _el.logical_not(valid)
    out = scans.sort([invalid, arr, *extra], 0, is_stable=True, num_keys=2)
    return _el.logical_not(out[0]), out[1], out[2:]


def _cut(result, num, fname):
    k = _concrete_count(num, fname)
    return tuple(r[:k] for r in result) if isinstance(result, tuple) else result[:k]


def intersect1d(ar1, ar2, assume_unique: bool = False, return_indices: bool = False, *, size=None, fill_value=None):
    """Sorted values present in both (flattened) inputs; ``return_indices`` adds where each first
    occurs in ``ar1`` and ``ar2``. ``size`` pads the result (indices padded out of bounds).

    >>> import fungrad.numpy as fnp
    >>> fnp.intersect1d(fnp.array([1, 3, 4, 3]), fnp.array([3, 1, 2, 1])).tolist()
    [1, 3]
    """
    a, b = _man.ravel(_conv.asarray(ar1)), _man.ravel(_conv.asarray(ar2))
    dtype = _conv.result_type(a, b)
    a, b = a.astype(dtype), b.astype(dtype)
    n1, n2 = get_aval(a).shape[0], get_aval(b).shape[0]
    if assume_unique:
        u1, i1, k1 = a, _cre.arange(n1, dtype=_int_dtype()), n1
        u2, i2, k2 = b, _cre.arange(n2, dtype=_int_dtype()), n2
    else:
        (u1, i1, k1), (u2, i2, k2) = _unique_padded(a), _unique_padded(b)
    valid, aux, (order,) = _sorted_valid(u1, k1, u2, k2, [_cre.arange(n1 + n2, dtype=_int_dtype())])
    hit = _el.logical_and(_el.equal(aux[1:], aux[:-1]), valid[1:])  # a value of u1 followed by the same of u2
    num = _red.sum(hit)
    out_size = (n1 + n2) if size is None else _static_size(size, "intersect1d")
    pos = _nonzero_1d(hit, out_size, n1 + n2) if n1 + n2 else _cre.zeros((out_size,), _int_dtype())
    vals = at(aux)[pos].get(mode="fill", fill_value=0)
    vals = _fill_results(vals, num, fill_value)
    result = vals
    if return_indices:
        keep = _el.less(_cre.arange(out_size), num)
        j1 = _el.where(keep, at(order)[pos].get(mode="fill", fill_value=n1), n1)
        j2 = _el.where(keep, _el.subtract(at(order)[pos + 1].get(mode="fill", fill_value=n1 + n2), n1), n2)
        j1 = at(i1)[j1].get(mode="fill", fill_value=n1)
        j2 = at(i2)[j2].get(mode="fill", fill_value=n2)
        result = (vals, j1, j2)
    return _cut(result, num, "intersect1d") if size is None else result


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """Sorted unique values present in either (flattened) input.

    >>> import fungrad.numpy as fnp
    >>> fnp.union1d(fnp.array([1, 3]), fnp.array([3, 2])).tolist()
    [1, 2, 3]
    """
    both = _man.concatenate([_man.ravel(_conv.asarray(ar1)), _man.ravel(_conv.asarray(ar2))])
    return unique(both, size=size, fill_value=fill_value)


def setdiff1d(ar1, ar2, assume_unique: bool = False, *, size=None, fill_value=None):
    """Sorted unique values of ``ar1`` that are not in ``ar2`` (``assume_unique`` keeps ``ar1``'s order).
    With ``size`` the padding is ``fill_value`` (default 0).

    >>> import fungrad.numpy as fnp
    >>> fnp.setdiff1d(fnp.array([4, 1, 3, 1]), fnp.array([3])).tolist()
    [1, 4]
    """
    a, b = _man.ravel(_conv.asarray(ar1)), _man.ravel(_conv.asarray(ar2))
    n = get_aval(a).shape[0]
    out_size = n if size is None else _static_size(size, "setdiff1d")
    fill = _cre.full((), 0 if fill_value is None else fill_value, get_aval(a).dtype)
    if n == 0:
        return _cre.full((out_size if size is not None else 0,), fill, get_aval(a).dtype)
    if assume_unique:
        u, k = a, n
    else:
        u, _, k = _unique_padded(a)
    keep = _el.logical_and(isin(u, b, invert=True), _el.less(_cre.arange(n), k))
    num = _red.sum(keep)
    vals = _ix.take(u, _nonzero_1d(keep, out_size, 0), mode="promise_in_bounds")
    vals = _el.where(_el.less(_cre.arange(out_size), num), vals, fill)
    return _cut(vals, num, "setdiff1d") if size is None else vals


def setxor1d(ar1, ar2, assume_unique: bool = False, *, size=None, fill_value=None):
    """Sorted values present in exactly one of the (flattened) inputs.

    >>> import fungrad.numpy as fnp
    >>> fnp.setxor1d(fnp.array([1, 2, 3]), fnp.array([2, 3, 4])).tolist()
    [1, 4]
    """
    a, b = _man.ravel(_conv.asarray(ar1)), _man.ravel(_conv.asarray(ar2))
    dtype = _conv.result_type(a, b)
    a, b = a.astype(dtype), b.astype(dtype)
    n1, n2 = get_aval(a).shape[0], get_aval(b).shape[0]
    if assume_unique:
        u1, k1, u2, k2 = a, n1, b, n2
    else:
        (u1, _, k1), (u2, _, k2) = _unique_padded(a), _unique_padded(b)
    n = n1 + n2
    out_size = n if size is None else _static_size(size, "setxor1d")
    if n == 0:
        return _cre.zeros((out_size,), dtype)
    valid, aux, _ = _sorted_valid(u1, k1, u2, k2)
    new_before = _man.concatenate([_cre.ones((1,), bool), _el.not_equal(aux[1:], aux[:-1])])
    new_after = _man.concatenate(
        [_el.logical_or(_el.not_equal(aux[1:], aux[:-1]), _el.logical_not(valid[1:])), _cre.ones((1,), bool)]
    )
    single = _el.logical_and(valid, _el.logical_and(new_before, new_after))
    num = _red.sum(single)
    vals = at(aux)[_nonzero_1d(single, out_size, n)].get(mode="fill", fill_value=0)
    vals = _fill_results(vals, num, fill_value)
    return _cut(vals, num, "setxor1d") if size is None else vals


# ---- selection by a mask or indices ----------------------------------------------------------------------


def compress(condition, a, axis: int | None = None, *, size=None, fill_value=0, out=None):
    """The slices of ``a`` along ``axis`` (of the flattened ``a`` if None) where ``condition`` is true.

    ``size`` fixes the number of slices (padded with ``fill_value``), as needed under ``jit``/``vmap``.

    >>> import fungrad.numpy as fnp
    >>> fnp.compress(fnp.array([True, False, True]), fnp.array([[1, 2, 3], [4, 5, 6]]), axis=1).tolist()
    [[1, 3], [4, 6]]
    """
    if out is not None:
        raise NotImplementedError("compress: the 'out' argument is not supported")
    cond = _conv.asarray(condition).astype(bool)
    if get_aval(cond).ndim != 1:
        raise ValueError("condition must be a 1D array")
    arr = _conv.asarray(a)
    if axis is None:
        arr, axis = _man.ravel(arr), 0
    else:
        axis = operator.index(axis) % max(get_aval(arr).ndim, 1)
        arr = _man.moveaxis(arr, axis, 0)
    n = get_aval(arr).shape[0]
    cond, extra = cond[:n], cond[n:]
    arr = arr[: get_aval(cond).shape[0]]
    m = get_aval(cond).shape[0]
    if size is None:
        if get_aval(extra).shape[0] and _concrete_count(_red.sum(extra), "compress"):
            raise ValueError("condition contains entries that are out of bounds")
        k = _concrete_count(_red.sum(cond), "compress")
        result = _ix.take(arr, _nonzero_1d(cond, k, 0), axis=0, mode="promise_in_bounds")
    else:
        size = _static_size(size, "compress")
        if not 0 <= size <= m:
            raise ValueError(
                f"size must be positive and not greater than the size of the array axis; got size={size} "
                f"for a.shape[axis]={m}"
            )
        mask = _man.reshape(cond, (m,) + (1,) * (get_aval(arr).ndim - 1))
        arr = _el.where(mask, arr, _conv.asarray(fill_value).astype(get_aval(arr).dtype))
        order = _ss.argsort(cond, stable=True, descending=True)
        result = _ix.take(arr, order, axis=0, mode="promise_in_bounds")[:size]
    return _man.moveaxis(result, 0, axis)


def extract(condition, arr, *, size=None, fill_value=0):
    """The elements of the flattened ``arr`` where the flattened ``condition`` is true.

    >>> import fungrad.numpy as fnp
    >>> fnp.extract(fnp.array([[True, False], [False, True]]), fnp.array([[1, 2], [3, 4]])).tolist()
    [1, 4]
    """
    return compress(
        _man.ravel(_conv.asarray(condition)), _man.ravel(_conv.asarray(arr)), size=size, fill_value=fill_value
    )


def _tile_to(v, n: int):
    reps = -(-n // max(get_aval(v).shape[0], 1))
    return _shp.tile(v, reps)[:n] if reps > 1 else v[:n]


def place(arr, mask, vals, *, inplace: bool = True):
    """A copy of ``arr`` with the entries where ``mask`` is true set from ``vals`` (repeated as needed).
    fungrad arrays are immutable, so ``inplace=False`` is required, as in JAX.

    >>> import fungrad.numpy as fnp
    >>> fnp.place(fnp.zeros(4), fnp.array([True, False, True, True]), fnp.array([1.0, 2.0]), inplace=False).tolist()
    [1.0, 0.0, 2.0, 1.0]
    """
    data, mask, vals = _conv.asarray(arr), _conv.asarray(mask), _man.ravel(_conv.asarray(vals))
    if inplace:
        raise ValueError(
            "place cannot modify arrays in-place, because fungrad arrays are immutable. "
            "Pass inplace=False to instead return an updated array."
        )
    if get_aval(data).size != get_aval(mask).size:
        raise ValueError("place: arr and mask must be the same size")
    if not get_aval(vals).size:
        raise ValueError("Cannot place values from an empty array")
    n = get_aval(data).size
    if not n:
        return data
    slots = _nonzero_1d(_man.ravel(mask), n, n)
    flat = at(_man.ravel(data))[slots].set(_tile_to(vals, n), mode="drop")
    return _man.reshape(flat, get_aval(data).shape)


def put(a, ind, v, mode: str | None = None, *, inplace: bool = True):
    """A copy of ``a`` with the flat positions ``ind`` set to ``v`` (repeated as needed); ``mode``:
    None drops out-of-bounds indices, ``"clip"`` clamps, ``"wrap"`` wraps. Requires ``inplace=False``.

    >>> import fungrad.numpy as fnp
    >>> fnp.put(fnp.zeros(4), fnp.array([0, 2]), fnp.array([5.0, 6.0]), inplace=False).tolist()
    [5.0, 0.0, 6.0, 0.0]
    """
    if inplace:
        raise ValueError(
            "put cannot modify arrays in-place, because fungrad arrays are immutable. "
            "Pass inplace=False to instead return an updated array."
        )
    arr, ind, v = _conv.asarray(a), _man.ravel(_conv.asarray(ind)), _man.ravel(_conv.asarray(v))
    n = get_aval(arr).size
    if not n or not get_aval(ind).size or not get_aval(v).size:
        return arr
    v = _tile_to(v, get_aval(ind).shape[0])
    if mode is None:
        scatter_mode = "drop"
    elif mode == "clip":
        ind, scatter_mode = _el.clip(ind, 0, n - 1), "promise_in_bounds"
    elif mode == "wrap":
        ind, scatter_mode = _el.remainder(ind, n), "promise_in_bounds"
    elif mode == "raise":
        raise NotImplementedError("The 'raise' mode to put is not supported.")
    else:
        raise ValueError(f"mode should be one of 'wrap' or 'clip'; got mode={mode!r}")
    flat = at(_man.ravel(arr))[ind].set(v, mode=scatter_mode)
    return _man.reshape(flat, get_aval(arr).shape)


def trim_zeros(filt, trim: str = "fb", axis=None):
    """``filt`` without its leading (``"f"``) and/or trailing (``"b"``) all-zero slices along ``axis``
    (every axis by default). The result's shape depends on the data, so ``filt`` must be concrete.

    >>> import fungrad.numpy as fnp
    >>> fnp.trim_zeros(fnp.array([0.0, 1.0, 0.0, 2.0, 0.0])).tolist()
    [1.0, 0.0, 2.0]
    """
    filt = _conv.asarray(filt)
    try:
        concrete = np.asarray(to_concrete_value(filt))
    except ConcretizationError as err:
        raise ConcretizationError(
            "trim_zeros: the input is traced, so the trimmed shape is unknown; trim_zeros works on concrete arrays only"
        ) from err
    ndim = concrete.ndim
    axes = range(ndim) if axis is None else [operator.index(ax) % ndim for ax in np.atleast_1d(axis)]
    if not list(axes) or ("f" not in trim.lower() and "b" not in trim.lower()):
        return filt
    index = [slice(None)] * ndim
    for ax in axes:
        nonzero = np.any(concrete != 0, axis=tuple(i for i in range(ndim) if i != ax))
        if not nonzero.any():
            index[ax] = slice(0, 0)
            continue
        start = int(nonzero.argmax()) if "f" in trim.lower() else None
        stop = concrete.shape[ax] - int(nonzero[::-1].argmax()) if "b" in trim.lower() else None
        index[ax] = slice(start, stop)
    if ndim == 0:
        raise FungradTypeError("trim_zeros: the input must be at least 1-D")
    return filt[tuple(index)]
