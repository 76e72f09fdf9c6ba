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
from fungrad.numpy._conversion import (
    _canonical_axes,
    _check_out,
    _promote,
    _to_array,
    _to_inexact,
    asarray,
    broadcast_to,
)
from fungrad.numpy._elementwise import equal, where
from fungrad.numpy._function_docs import named
from fungrad.numpy._indexing import take, take_along_axis
from fungrad.numpy._manipulation import expand_dims, moveaxis, ravel, reshape
from fungrad.numpy._reductions import _join_initial, _keepdims, _masked, _promoted, _strip_weak
from fungrad.numpy._reductions import sum as _sum


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


def prod(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None, promote_integers=True):
    """Product over ``axis`` (all axes by default). Gradients are exact with zeros in the input.
    ``where`` picks the elements multiplied, ``initial`` multiplies the result and
    ``promote_integers=False`` keeps narrow integer types (as :func:`sum`).

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.grad(fnp.prod)(fnp.array([2.0, 0.0, 3.0])).tolist()
    [0.0, 6.0, 0.0]
    >>> float(fnp.prod(fnp.array([2.0, 5.0, 3.0]), where=fnp.array([True, False, True]), initial=2.0))
    12.0
    """
    _check_out("prod", out)
    x = _masked("prod", _strip_weak(_promoted(_to_array(a), dtype, promote_integers)), where, 1)
    axes = _canonical_axes(axis, get_aval(x).ndim)
    return _keepdims(_join_initial("prod", ew.mul, scans.reduce_prod(x, axes), initial), axes, keepdims)


def _cumulative(prim_fn, name: str, example_result: str):
    def fn(a, axis=None, dtype=None, out=None):
        _check_out(name, out)
        a = _accumulation_dtype(_to_array(a), dtype, widen_integers=False)
        if axis is None:
            a, axis = ravel(a), 0
        axis = _canonical_axes(axis, get_aval(a).ndim)[0]
        return prim_fn(a, axis)

    summary = f"Inclusive ``{name}`` along ``axis`` (of the flattened array if None)."
    return named(fn, name, summary, f"fnp.{name}(fnp.array([1.0, 2.0, 3.0])).tolist()", example_result)


cumsum = _cumulative(scans.cumsum, "cumsum", "[1.0, 3.0, 6.0]")
cumprod = _cumulative(scans.cumprod, "cumprod", "[1.0, 2.0, 6.0]")


def _truth(reduce, identity: bool, name: str, example_result: str):
    def fn(a, axis=None, out=None, keepdims: bool = False, *, where=None):
        _check_out(name, out)
        a = _masked(name, asarray(_to_array(a), bool), where, identity)
        axes = _canonical_axes(axis, get_aval(a).ndim)
        return _keepdims(reduce(a, axes), axes, keepdims)

    summary = f"Whether {name} elements along ``axis`` (those where ``where`` is True) are true (no derivative)."
    return named(
        fn, name, summary, f"fnp.{name}(fnp.array([[True, False], [True, True]]), axis=1).tolist()", example_result
    )


any = _truth(scans.reduce_or, False, "any", "[True, True]")
all = _truth(scans.reduce_and, True, "all", "[False, True]")


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


def argsort(
    a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True, descending: bool = False, dtype=None
):
    """Indices that sort ``a`` along ``axis``; ``stable`` keeps ties in their original order (also
    with ``descending=True``). ``dtype`` is the index dtype (default: the default integer).

    >>> import fungrad.numpy as fnp
    >>> fnp.argsort(fnp.array([3.0, 1.0, 3.0]), descending=True).tolist()
    [0, 2, 1]
    """
    if order is not None:
        raise FungradTypeError("argsort: the `order` argument (structured arrays) is not supported")
    a, axis = _sort_axis(a, axis)
    index_dtype = jax.dtypes.canonicalize_dtype(np.int64 if dtype is None else dtype)
    if not np.issubdtype(index_dtype, np.integer):
        raise FungradTypeError(f"argsort: dtype must be an integer type, got {index_dtype}")
    aval = get_aval(a)
    iota = sh.broadcast_in_dim(np.arange(aval.shape[axis], dtype=index_dtype), aval.shape, (axis,))
    if not descending:
        return scans.sort([a, iota], axis, is_stable=stable, num_keys=1)[1]
    # Stable descending: sort the reversed array ascending (ties then come in reverse original
    # order), map indices back, and reverse the result.
    _, idx = scans.sort([sh.rev(a, (axis,)), iota], axis, is_stable=stable, num_keys=1)
    n_minus_1 = np.array(aval.shape[axis] - 1, index_dtype)
    return sh.rev(ew.sub(n_minus_1, idx), (axis,))


def quantile(
    a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear", keepdims: bool = False, *,
    weights=None,
):  # fmt: skip
    """The ``q``-th quantiles (``q`` in [0, 1], scalar or 1-D) along ``axis``, by sorting.

    ``method``: ``"linear"`` interpolates between the two neighbouring order statistics (weights
    ``1 - f`` and ``f`` for position ``q (n - 1) = i + f``), ``"midpoint"`` averages them, and
    ``"lower"``/``"higher"``/``"nearest"`` pick one (``"nearest"`` takes the lower at a tie, as JAX).
    ``"inverted_cdf"`` takes the first value whose cumulative ``weights`` (``a``'s shape, or the shape
    of the reduced axes; all ones by default) reach ``q`` times their total; it is the one method that
    takes ``weights``, as in jax.numpy (a negative or NaN weight gives NaN).
    A NaN along ``axis`` makes the result NaN. The derivative flows to the order statistics used,
    with the interpolation weights.

    >>> import fungrad.numpy as fnp
    >>> fnp.quantile(fnp.array([1.0, 3.0, 2.0, 4.0]), 0.5).tolist()
    2.5
    >>> x, w = fnp.array([1.0, 2.0, 3.0, 4.0]), fnp.array([1.0, 1.0, 1.0, 5.0])
    >>> float(fnp.quantile(x, 0.5, weights=w, method="inverted_cdf"))
    4.0
    """
    _check_quantile_args("quantile", out, overwrite_input, method, weights)
    if method == "inverted_cdf":
        return _inverted_cdf(a, q, axis, keepdims, weights, squash_nans=False)
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


def percentile(
    a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear", keepdims: bool = False, *,
    weights=None,
):  # fmt: skip
    """:func:`quantile` with ``q`` in percent.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.percentile(fnp.array([1.0, 2.0, 3.0, 4.0, 5.0]), 25.0))
    2.0
    """
    q = ew.div(
        asarray(q, jax.dtypes.canonicalize_dtype(np.float64)),
        np.array(100.0, jax.dtypes.canonicalize_dtype(np.float64)),
    )
    return quantile(a, q, axis, out, overwrite_input, method, keepdims, weights=weights)


def median(a, axis=None, out=None, overwrite_input: bool = False, keepdims: bool = False):
    """The median along ``axis`` (the mean of the two middle values for an even count).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.median(fnp.array([3.0, 1.0, 2.0])))
    2.0
    """
    return quantile(a, 0.5, axis, out, overwrite_input, method="midpoint", keepdims=keepdims)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf")


def _check_quantile_args(name, out, overwrite_input, method, weights):
    if out is not None or overwrite_input:
        raise ValueError(f"fnp.{name} does not support overwrite_input=True or out != None (as jax.numpy)")
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"fnp.{name}: method can only be one of {_QUANTILE_METHODS}, got {method!r}")
    if weights is not None and method != "inverted_cdf":
        raise NotImplementedError(
            f"fnp.{name}: method {method!r} doesn't support weights; only method 'inverted_cdf' does (as in jax.numpy)"
        )


def _or(x, y):
    return ew.bind(ew.or_p, x, y)


def _inverted_cdf(a, q, axis, keepdims: bool, weights, squash_nans: bool):
    """The ``inverted_cdf`` quantile: sort each slice with its weights, and take the first value whose
    cumulative weight reaches ``q`` times the slice's total. NaN data (unless ``squash_nans``, which
    gives NaNs zero weight) and negative or NaN weights make the result NaN, as in jax.numpy. The
    derivative flows to the value taken; the weights only choose it (zero derivative)."""
    a = _to_inexact(a)
    if np.issubdtype(get_aval(a).dtype, np.complexfloating):
        raise ValueError("quantile does not support complex input, as the operation is poorly defined.")
    ndim, shape = get_aval(a).ndim, get_aval(a).shape
    reduced = tuple(range(ndim)) if axis is None else _canonical_axes(axis, ndim)
    if weights is None:
        w = broadcast_to(np.ones((), get_aval(a).dtype), shape)
    else:
        w = _to_inexact(weights)
        if np.issubdtype(get_aval(w).dtype, np.complexfloating):
            raise ValueError("Weights cannot be complex types.")
        a, w = _promote(a, w)
        w_shape = get_aval(w).shape
        if w_shape != shape:
            if axis is None:
                raise ValueError(f"Weights shape {w_shape} must match 'a' shape {shape} when axis is None.")
            if w_shape != tuple(shape[d] for d in reduced):
                raise ValueError(
                    f"Weights shape {w_shape} must match reduction axes {tuple(shape[d] for d in reduced)}"
                )
            w = sh.broadcast_in_dim(w, shape, reduced)
    # the reduced axes move last and merge into one
    k = len(reduced)
    a = reshape(
        moveaxis(a, reduced, tuple(range(ndim - k, ndim))), (*(shape[d] for d in range(ndim) if d not in reduced), -1)
    )
    w = reshape(moveaxis(w, reduced, tuple(range(ndim - k, ndim))), get_aval(a).shape)
    last = get_aval(a).ndim - 1
    a, w = scans.sort([a, w], last, is_stable=True, num_keys=1)
    nan_data = ew.ne(a, a)
    bad_weights = _or(ew.lt(w, ew.scalar(0, w)), ew.ne(w, w))
    clean = where(_or(bad_weights, nan_data), np.zeros((), get_aval(w).dtype), w)
    cum = cumsum(clean, axis=last)
    total = cum[..., -1]
    q = asarray(q, get_aval(a).dtype)
    q_shape, rest = get_aval(q).shape, get_aval(total).shape
    if len(q_shape) > 1:
        raise ValueError(f"q must be have rank <= 1, got shape {q_shape}")
    target = ew.mul(
        sh.broadcast_in_dim(q, q_shape + rest, tuple(range(len(q_shape)))), broadcast_to(total, q_shape + rest)
    )
    full = q_shape + get_aval(cum).shape
    below = ew.lt(broadcast_to(cum, full), broadcast_to(expand_dims(target, -1), full))
    index_dtype = jax.dtypes.canonicalize_dtype(np.int64)
    idx = _sum(below, axis=-1, dtype=index_dtype)
    n_valid = _sum(ew.bind(ew.not_p, nan_data), axis=-1, dtype=index_dtype) if squash_nans else get_aval(a).shape[-1]
    limit = broadcast_to(ew.sub(asarray(n_valid, index_dtype), np.ones((), index_dtype)), get_aval(idx).shape)
    idx = ew.maximum(ew.minimum(idx, limit), np.zeros(get_aval(idx).shape, index_dtype))
    values = broadcast_to(a, q_shape + get_aval(a).shape)
    out = take_along_axis(values, expand_dims(idx, -1), axis=-1, mode="promise_in_bounds")[..., 0]
    force_nan = any(bad_weights, axis=-1)
    force_nan = (
        _or(force_nan, ew.eq(n_valid, ew.scalar(0, n_valid))) if squash_nans else _or(force_nan, any(nan_data, axis=-1))
    )
    out = where(broadcast_to(force_nan, get_aval(out).shape), np.full((), np.nan, get_aval(out).dtype), out)
    if keepdims:
        out = sh.expand_dims(out, tuple(len(q_shape) + d for d in reduced))
    return out


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
