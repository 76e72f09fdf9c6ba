"""NumPy products, cumulative ops, truth reductions and sorting over fungrad's scan primitives.

Dtype rules follow jax.numpy: booleans accumulate in the default integer type, ``prod`` also widens
narrower integers to it (``cumsum``/``cumprod`` keep them). ``axis=None`` works on the flattened
array for the cumulative ops and for ``sort``/``argsort``.
"""

from __future__ import annotations

import jax
import numpy as np

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import scans
from fungrad._src.primitives import shape as sh
from fungrad.numpy._conversion import _canonical_axes, _to_array, _to_inexact, asarray
from fungrad.numpy._elementwise import equal, where
from fungrad.numpy._function_docs import named
from fungrad.numpy._indexing import take
from fungrad.numpy._manipulation import expand_dims, moveaxis, ravel
from fungrad.numpy._reductions import _keepdims


def _accumulation_dtype(x, dtype, widen_integers: bool):
    """jax.numpy's accumulator: booleans count in the default integer type; with ``widen_integers``
    (prod) integers narrower than the default integer are widened too (cumsum/cumprod keep them)."""
    aval = get_aval(x)
    if dtype is not None:
        return asarray(x, dtype)
    default_int = jax.dtypes.canonicalize_dtype(np.int64)
    if aval.dtype == np.bool_:
        return asarray(x, default_int)
    if widen_integers and aval.dtype.kind in "iu" and aval.dtype.itemsize < default_int.itemsize:
        return asarray(x, jax.dtypes.canonicalize_dtype(np.uint64 if aval.dtype.kind == "u" else np.int64))
    return x


def prod(a, axis=None, dtype=None, keepdims: bool = False):
    """Product over ``axis`` (all axes by default). Gradients are exact with zeros in the input.

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.grad(fnp.prod)(fnp.array([2.0, 0.0, 3.0])).tolist()
    [0.0, 6.0, 0.0]
    """
    a = _accumulation_dtype(_to_array(a), dtype, widen_integers=True)
    axes = _canonical_axes(axis, get_aval(a).ndim)
    return _keepdims(scans.reduce_prod(a, axes), axes, keepdims)


def _cumulative(prim_fn, name: str, example_result: str):
    def fn(a, axis=None, dtype=None):
        a = _accumulation_dtype(_to_array(a), dtype, widen_integers=False)
        if axis is None:
            a, axis = ravel(a), 0
        axis = _canonical_axes(axis, get_aval(a).ndim)[0]
        return prim_fn(a, axis)

    summary = f"Inclusive ``{name}`` along ``axis`` (of the flattened array if None)."
    return named(fn, name, summary, f"fnp.{name}(fnp.array([1.0, 2.0, 3.0])).tolist()", example_result)


cumsum = _cumulative(scans.cumsum, "cumsum", "[1.0, 3.0, 6.0]")
cumprod = _cumulative(scans.cumprod, "cumprod", "[1.0, 2.0, 6.0]")


def _truth(reduce, name: str, example_result: str):
    def fn(a, axis=None, keepdims: bool = False):
        a = asarray(_to_array(a), bool)
        axes = _canonical_axes(axis, get_aval(a).ndim)
        return _keepdims(reduce(a, axes), axes, keepdims)

    summary = f"Whether {name} elements along ``axis`` are true (no derivative)."
    return named(
        fn, name, summary, f"fnp.{name}(fnp.array([[True, False], [True, True]]), axis=1).tolist()", example_result
    )


any = _truth(scans.reduce_or, "any", "[True, True]")
all = _truth(scans.reduce_and, "all", "[False, True]")


def _sort_axis(a, axis):
    a = _to_array(a)
    if axis is None:
        return ravel(a), 0
    if get_aval(a).ndim == 0:
        raise FungradTypeError("sort: zero-dimensional arrays cannot be sorted along an axis")
    return a, _canonical_axes(axis, get_aval(a).ndim)[0]


def sort(a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True, descending: bool = False):
    """Sorted copy of ``a`` along ``axis`` (NaNs last). The derivative follows the permutation.

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.grad(lambda x: fnp.sort(x)[0])(fnp.array([3.0, 1.0, 2.0])).tolist()
    [0.0, 1.0, 0.0]
    """
    if order is not None:
        raise FungradTypeError("sort: the `order` argument (structured arrays) is not supported")
    a, axis = _sort_axis(a, axis)
    (out,) = scans.sort([a], axis, is_stable=stable)
    return sh.rev(out, (axis,)) if descending else out


def argsort(a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True, descending: bool = False):
    """Indices that sort ``a`` along ``axis``; ``stable`` keeps ties in their original order (also
    with ``descending=True``).

    >>> import fungrad.numpy as fnp
    >>> fnp.argsort(fnp.array([3.0, 1.0, 3.0]), descending=True).tolist()
    [0, 2, 1]
    """
    if order is not None:
        raise FungradTypeError("argsort: the `order` argument (structured arrays) is not supported")
    a, axis = _sort_axis(a, axis)
    index_dtype = jax.dtypes.canonicalize_dtype(np.int64)
    aval = get_aval(a)
    iota = sh.broadcast_in_dim(np.arange(aval.shape[axis], dtype=index_dtype), aval.shape, (axis,))
    if not descending:
        return scans.sort([a, iota], axis, is_stable=stable, num_keys=1)[1]
    # Stable descending: sort the reversed array ascending (ties then come in reverse original
    # order), map indices back, and reverse the result.
    _, idx = scans.sort([sh.rev(a, (axis,)), iota], axis, is_stable=stable, num_keys=1)
    n_minus_1 = np.array(aval.shape[axis] - 1, index_dtype)
    return sh.rev(ew.sub(n_minus_1, idx), (axis,))


def quantile(a, q, axis=None, *, method: str = "linear", keepdims: bool = False, overwrite_input: bool = False):
    """The ``q``-th quantiles (``q`` in [0, 1], scalar or 1-D) along ``axis``, by sorting.

    ``method``: ``"linear"`` interpolates between the two neighbouring order statistics (weights
    ``1 - f`` and ``f`` for position ``q (n - 1) = i + f``), ``"midpoint"`` averages them, and
    ``"lower"``/``"higher"``/``"nearest"`` pick one (``"nearest"`` takes the lower at a tie, as JAX).
    A NaN along ``axis`` makes the result NaN. The derivative flows to the order statistics used,
    with the interpolation weights.

    >>> import fungrad.numpy as fnp
    >>> fnp.quantile(fnp.array([1.0, 3.0, 2.0, 4.0]), 0.5).tolist()
    2.5
    """

    if method not in ("linear", "midpoint", "lower", "higher", "nearest"):
        raise FungradTypeError(f"quantile: method {method!r} is not supported")
    a = _to_inexact(a)
    ndim = get_aval(a).ndim
    if axis is None:
        a, axis_ = ravel(a), 0
    else:
        axis_ = _canonical_axes(axis, ndim)[0]
    n = get_aval(a).shape[axis_]
    has_nan = any(ew.ne(a, a), axis=axis_, keepdims=True)
    (s,) = scans.sort([a], axis_)
    s = where(has_nan, np.nan, s)
    q = asarray(q, get_aval(a).dtype)
    q_ndim = get_aval(q).ndim
    pos = ew.mul(q, np.array(n - 1, get_aval(q).dtype))
    low, high = ew.floor(pos), ew.ceil(pos)
    high_weight = ew.sub(pos, low)
    index_dtype = jax.dtypes.canonicalize_dtype(np.int64)

    def order_statistic(i):
        i = ew.convert_element_type(
            ew.maximum(ew.minimum(i, np.array(n - 1, get_aval(i).dtype)), np.zeros((), get_aval(i).dtype)), index_dtype
        )
        v = take(s, i, axis=axis_, mode="promise_in_bounds")
        return moveaxis(v, tuple(range(axis_, axis_ + q_ndim)), tuple(range(q_ndim))) if q_ndim else v

    lo_v, hi_v = order_statistic(low), order_statistic(high)
    out_ndim = get_aval(lo_v).ndim

    def weight(w):
        return sh.broadcast_in_dim(w, get_aval(lo_v).shape, tuple(range(q_ndim))) if out_ndim > q_ndim else w

    if method == "linear":
        out = ew.add(
            ew.mul(lo_v, weight(ew.sub(np.ones((), get_aval(q).dtype), high_weight))), ew.mul(hi_v, weight(high_weight))
        )
    elif method == "midpoint":
        out = ew.mul(ew.add(lo_v, hi_v), np.array(0.5, get_aval(lo_v).dtype))
    elif method == "lower":
        out = lo_v
    elif method == "higher":
        out = hi_v
    else:
        out = order_statistic(ew.select_n(ew.le(high_weight, ew.scalar(0.5, high_weight)), high, low))  # ties: lower
    if keepdims:
        out = sh.expand_dims(out, tuple(q_ndim + d for d in (range(ndim) if axis is None else (axis_,))))
    return out


def percentile(a, q, axis=None, *, method: str = "linear", keepdims: bool = False, overwrite_input: bool = False):
    """:func:`quantile` with ``q`` in percent.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.percentile(fnp.array([1.0, 2.0, 3.0, 4.0, 5.0]), 25.0))
    2.0
    """
    q = ew.div(
        asarray(q, jax.dtypes.canonicalize_dtype(np.float64)),
        np.array(100.0, jax.dtypes.canonicalize_dtype(np.float64)),
    )
    return quantile(a, q, axis, method=method, keepdims=keepdims)


def median(a, axis=None, *, keepdims: bool = False, overwrite_input: bool = False):
    """The median along ``axis`` (the mean of the two middle values for an even count).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.median(fnp.array([3.0, 1.0, 2.0])))
    2.0
    """
    return quantile(a, 0.5, axis, method="midpoint", keepdims=keepdims)


def _partition_setup(name: str, a, kth: int, axis: int):
    a = _to_array(a)
    aval = get_aval(a)
    if np.issubdtype(aval.dtype, np.complexfloating):
        raise NotImplementedError(f"{name} for complex dtype is not implemented (as in jax.numpy)")
    if aval.ndim == 0:
        raise FungradTypeError(f"{name}: zero-dimensional arrays cannot be partitioned")
    axis = _canonical_axes(axis, aval.ndim)[0]
    n = aval.shape[axis]
    if not -n <= kth < n:
        raise FungradTypeError(f"{name}: kth={kth} is out of bounds for an axis of length {n}")
    a = moveaxis(a, axis, -1)
    # the kth + 1 smallest are the top of the negation; unsigned integers shift by one so 0 stays representable
    if aval.dtype.kind == "u":
        neg = ew.neg(ew.add(a, np.ones((), aval.dtype)))
    else:
        neg = ew.neg(a)
    return a, neg, kth % n, axis


def partition(a, kth: int, axis: int = -1):
    """A copy of ``a`` with the ``kth`` smallest value along ``axis`` at position ``kth``, smaller ones
    before it and larger ones after (each part in an unspecified order, as in JAX: the lower part
    ascending, the upper part descending). The derivative follows the values, as for :func:`sort`.

    >>> import fungrad.numpy as fnp
    >>> fnp.partition(fnp.array([5.0, 1.0, 4.0, 2.0, 3.0]), 2)[2].tolist()
    3.0
    """
    a, neg, kth, axis = _partition_setup("partition", a, kth, axis)
    n = get_aval(a).shape[-1]
    bottom = ew.neg(scans.top_k(neg, kth + 1)[0])
    if get_aval(a).dtype.kind == "u":
        bottom = ew.sub(bottom, np.ones((), get_aval(a).dtype))
    bottom = asarray(bottom, get_aval(a).dtype)
    top = scans.top_k(a, n - kth - 1)[0]
    out = sh.concatenate([bottom, top], get_aval(a).ndim - 1)
    return moveaxis(out, -1, axis)


def argpartition(a, kth: int, axis: int = -1):
    """Indices that :func:`partition` ``a``: the index of the ``kth`` smallest at position ``kth``, of
    smaller values before it and of larger values after it.

    >>> import fungrad.numpy as fnp
    >>> int(fnp.argpartition(fnp.array([5.0, 1.0, 4.0, 2.0, 3.0]), 2)[2])
    4
    """
    a, neg, kth, axis = _partition_setup("argpartition", a, kth, axis)
    shape = get_aval(a).shape
    n = shape[-1]
    bottom_ind = scans.top_k(neg, kth + 1)[1]
    # The upper part is found on a proxy (0 at the chosen lower indices, 1 elsewhere) so ties with the
    # kth value cannot select an index twice; top_k keeps equal proxies in index order.
    iota = np.arange(n, dtype=get_aval(bottom_ind).dtype)
    chosen = any(equal(expand_dims(bottom_ind, -1), iota), axis=-2)
    proxy = where(chosen, np.zeros((), np.float32), np.ones((), np.float32))
    top_ind = scans.top_k(proxy, n - kth - 1)[1]
    out = sh.concatenate([bottom_ind, top_ind], len(shape) - 1)
    return moveaxis(out, -1, axis)


def sort_complex(a):
    """``a`` sorted along its last axis, as a complex array (real parts first, then imaginary parts).

    >>> import fungrad.numpy as fnp
    >>> fnp.sort_complex(fnp.array([2 + 1j, 1 + 3j, 2 - 1j])).tolist()
    [(1+3j), (2-1j), (2+1j)]
    """
    a = _to_array(a)
    if get_aval(a).ndim == 0:
        raise FungradTypeError("sort_complex: zero-dimensional arrays cannot be sorted along an axis")
    (out,) = scans.sort([a], get_aval(a).ndim - 1)
    dtype = get_aval(out).dtype
    if not np.issubdtype(dtype, np.complexfloating):
        complex_dtype = np.complex128 if dtype == np.float64 or dtype.itemsize >= 8 else np.complex64
        out = asarray(out, jax.dtypes.canonicalize_dtype(complex_dtype))
    return out
