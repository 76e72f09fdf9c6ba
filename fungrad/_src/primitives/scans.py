"""Scans, products and sorting: cumsum, cumprod, cummax, cummin, reduce_prod, reduce_and, reduce_or,
sort, top_k; plus :func:`associative_scan`, the parallel prefix scan their derivatives use.

Derivatives.

* ``cumsum`` is linear; its transpose is the cumsum running the other way.
* ``cumprod``, ``cummax``, ``cummin``: the tangent is the JVP of an associative scan with ``mul`` /
  ``max`` / ``min`` (a log-depth tree of pairwise combines), so zeros in a product and ties in an
  extremum get exactly the derivative the pairwise ops give them (the same tree as JAX's, so ties split
  the same way), and everything stays linear and transposable.
* ``reduce_prod``: d(prod x) = sum_j t_j prod_{k != j} x_k. The product of all-but-one is computed as
  (exclusive prefix product) * (exclusive suffix product), which never divides, so zeros are handled
  exactly (one zero: only its own slot has a non-zero derivative; two zeros: all derivatives are 0).
* ``sort`` sorts an iota alongside the operands to learn the permutation and gathers the tangents
  with it; ``top_k`` gathers the tangent at the returned indices. Ties keep the stable order.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.ad import Zero, defjvp_zero, deflinear
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import indexing, layout, shape


def _zero_tangent(x):
    return Zero(get_aval(x).to_tangent_aval())


def _axis_batch(prim, param: str = "axis"):
    """Batching for ops along one axis: batch dim first, the axis shifts by one."""

    def rule(args, dims, **params):
        (x,), (d,) = args, dims
        params[param] = params[param] + 1
        out = bind(prim, layout.bdim_to_front(x, d), **params)
        return out, ([0] * len(out) if prim.multiple_results else 0)

    return rule


# ---- associative_scan ------------------------------------------------------------------------------


def _take(x, axis: int, start: int, stop: int | None = None, step: int = 1):
    """The static slice ``x[start:stop:step]`` along ``axis``."""
    shp = get_aval(x).shape
    start, stop, step = slice(start, stop, step).indices(shp[axis])
    length = len(range(start, stop, step))
    lo = [0] * len(shp)
    hi = list(shp)
    strides = [1] * len(shp)
    lo[axis], hi[axis], strides[axis] = (start, start + (length - 1) * step + 1, step) if length else (0, 0, 1)
    return shape.slice(x, lo, hi, strides)


def _interleave(a, b, axis: int):
    """``a[0], b[0], a[1], b[1], ...`` along ``axis`` (``a`` has as many elements as ``b`` or one more)."""
    na, nb = get_aval(a).shape[axis], get_aval(b).shape[axis]
    zero = np.zeros((), get_aval(a).dtype)

    def config(lo, hi):
        cfg = [(0, 0, 0)] * get_aval(a).ndim
        cfg[axis] = (lo, hi, 1)
        return tuple(cfg)

    a_spread = shape.pad(a, zero, config(0, 1 if na == nb else 0))
    b_spread = shape.pad(b, zero, config(1, 0 if na == nb else 1))
    # Each slot holds one real value and one padding zero, so select rather than add (keeps -0.0, nan).
    n = na + nb
    mask = np.zeros(n, bool)
    mask[1::2] = True
    mask = shape.broadcast_in_dim(mask, get_aval(a_spread).shape, (axis,))
    return ew.select_n(mask, a_spread, b_spread)


def associative_scan(fn, elems, axis: int = 0, reverse: bool = False) -> list:
    """Inclusive prefix scan of the list of arrays ``elems`` along ``axis`` with the associative
    ``fn(a_list, b_list) -> list``, in O(log n) depth of pairwise combines (odd/even recursion).

    >>> import numpy as np
    >>> from fungrad._src.primitives import elementwise as ew
    >>> [y] = associative_scan(lambda a, b: [ew.add(a[0], b[0])], [np.arange(5.0)])
    >>> y.tolist()
    [0.0, 1.0, 3.0, 6.0, 10.0]
    """
    if reverse:
        elems = [shape.rev(e, (axis,)) for e in elems]

    def scan(elems):
        n = get_aval(elems[0]).shape[axis]
        if n < 2:
            return elems
        # Combine neighbours (0,1), (2,3), ...; scanning those gives the odd positions' prefixes.
        paired = fn([_take(e, axis, 0, n - 1, 2) for e in elems], [_take(e, axis, 1, None, 2) for e in elems])
        odd = scan(paired)
        if n % 2 == 0:
            even = fn([_take(e, axis, 0, -1) for e in odd], [_take(e, axis, 2, None, 2) for e in elems])
        else:
            even = fn(odd, [_take(e, axis, 2, None, 2) for e in elems])
        even = [shape.concatenate([_take(e, axis, 0, 1), r], axis) for e, r in zip(elems, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    out = scan(list(elems))
    return [shape.rev(e, (axis,)) for e in out] if reverse else out


# ---- cumsum, cumprod, cummax, cummin ------------------------------------------------------------------


def _cumulative(name: str, lax_fn, summary: str, example: str, result: str):
    """A cumulative primitive along one axis and its documented function ``name(x, axis=0, reverse=False)``."""
    prim = Primitive(name)
    def_lowering(prim, lambda x, *, axis, reverse: lax_fn(x, axis, reverse))
    batching.def_batching(prim, _axis_batch(prim))

    def fn(x, axis: int = 0, reverse: bool = False):
        return bind(prim, x, axis=int(axis), reverse=bool(reverse))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{summary}

    Args:
        x: an array.
        axis: the axis to accumulate along.
        reverse: accumulate from the end.

    Returns:
        An array of ``x``'s shape.

    >>> import fungrad.lax as flax, numpy as np
    >>> {example}
    {result}
    """
    return prim, fn


cumsum_p, cumsum = _cumulative(
    "cumsum", lax.cumsum, "Inclusive cumulative sum along ``axis`` (from the end if ``reverse``).",
    "flax.cumsum(np.array([1.0, 2.0, 3.0])).tolist()", "[1.0, 3.0, 6.0]",
)  # fmt: skip
cumprod_p, cumprod = _cumulative(
    "cumprod", lax.cumprod, "Inclusive cumulative product along ``axis``; derivatives are exact at zeros.",
    "flax.cumprod(np.array([1.0, 2.0, 3.0])).tolist()", "[1.0, 2.0, 6.0]",
)  # fmt: skip
cummax_p, cummax = _cumulative(
    "cummax", lax.cummax, "Running maximum along ``axis``; ties share the derivative like ``max``.",
    "flax.cummax(np.array([1.0, 3.0, 2.0])).tolist()", "[1.0, 3.0, 3.0]",
)  # fmt: skip
cummin_p, cummin = _cumulative(
    "cummin", lax.cummin, "Running minimum along ``axis``; ties share the derivative like ``min``.",
    "flax.cummin(np.array([3.0, 1.0, 2.0]), reverse=True).tolist()", "[1.0, 1.0, 2.0]",
)  # fmt: skip


deflinear(cumsum_p, lambda ct, x, *, axis, reverse: [cumsum(ct, axis, not reverse)])


def _scan_jvp(prim, combine):
    def rule(primals, tangents, *, axis, reverse):
        (x,), (t,) = primals, tangents
        ans = bind(prim, x, axis=axis, reverse=reverse)
        if type(t) is Zero:
            return ans, _zero_tangent(ans)
        scan = lambda x: associative_scan(lambda a, b: [combine(a[0], b[0])], [x], axis, reverse)  # noqa: E731
        _, (t_out,) = ad.jvp_flat(scan, [x], [t])
        return ans, t_out

    ad.def_jvp(prim, rule)


_scan_jvp(cumprod_p, ew.mul)
_scan_jvp(cummax_p, ew.maximum)
_scan_jvp(cummin_p, ew.minimum)

# ---- reduce_prod, reduce_and, reduce_or --------------------------------------------------------------

reduce_prod_p = Primitive("reduce_prod")
reduce_and_p = Primitive("reduce_and")
reduce_or_p = Primitive("reduce_or")
def_lowering(reduce_prod_p, lambda x, *, axes: lax.reduce_prod(x, axes))
def_lowering(reduce_and_p, lambda x, *, axes: lax.reduce_and(x, axes))
def_lowering(reduce_or_p, lambda x, *, axes: lax.reduce_or(x, axes))


reduce_prod = layout.reduction_function(
    reduce_prod_p, "reduce_prod", "Product over ``axes`` (exact derivatives at zeros).",
    "flax.reduce_prod(np.array([[1.0, 3.0], [2.0, 0.0]]), (1,)).tolist()", "[3.0, 0.0]",
)  # fmt: skip
reduce_and = layout.reduction_function(
    reduce_and_p, "reduce_and", "Logical (or bitwise) and over ``axes``.",
    "flax.reduce_and(np.array([[True, False], [True, True]]), (1,)).tolist()", "[False, True]",
)  # fmt: skip
reduce_or = layout.reduction_function(
    reduce_or_p, "reduce_or", "Logical (or bitwise) or over ``axes``.",
    "flax.reduce_or(np.array([[True, False], [False, False]]), (1,)).tolist()", "[True, False]",
)  # fmt: skip


def _reduce_prod_jvp(primals, tangents, *, axes):
    (x,), (t,) = primals, tangents
    ans = reduce_prod(x, axes)
    if type(t) is Zero:
        return ans, _zero_tangent(ans)
    x_shape = get_aval(x).shape
    kept = tuple(d for d in range(len(x_shape)) if d not in axes)
    n = int(np.prod([x_shape[a] for a in axes], dtype=np.int64))
    m = int(np.prod([x_shape[a] for a in kept], dtype=np.int64))
    ans_shape = get_aval(ans).shape
    if n == 0:
        return ans, ew.full_like_aval(0, get_aval(ans))
    # Reduced axes first, flattened: column j of (n, m) holds the factors of output element j.
    flat = lambda v: shape.reshape(shape.transpose(v, axes + kept), (n, m))  # noqa: E731
    xs, ts = flat(x), flat(ad.instantiate(t))
    one = ew.full_like_aval(1, get_aval(xs).update_shape((1, m)))
    before = shape.concatenate([one, _take(cumprod(xs, 0), 0, 0, n - 1)], 0)
    after = shape.concatenate([_take(cumprod(xs, 0, reverse=True), 0, 1), one], 0)
    t_out = layout.reduce_sum(ew.mul(ts, ew.mul(before, after)), (0,))
    return ans, shape.reshape(t_out, ans_shape)


ad.def_jvp(reduce_prod_p, _reduce_prod_jvp)
for _p in (reduce_prod_p, reduce_and_p, reduce_or_p):
    batching.def_batching(_p, layout.shifted_axes_batch(_p, "axes"))
defjvp_zero(reduce_and_p)
defjvp_zero(reduce_or_p)

# ---- sort ------------------------------------------------------------------------------------------------

sort_p = Primitive("sort", multiple_results=True)
def_lowering(
    sort_p,
    lambda *xs, dimension, is_stable, num_keys: tuple(
        lax.sort(xs, dimension=dimension, is_stable=is_stable, num_keys=num_keys)
    ),
)


def sort(operands, dimension: int = -1, is_stable: bool = True, num_keys: int = 1) -> list:
    """Sort ``operands`` along ``dimension`` by the first ``num_keys`` of them, lexicographically.

    NaNs sort last; ties keep their order when ``is_stable``.

    Args:
        operands: a list of arrays of one shape.
        dimension: the axis to sort along.
        is_stable: keep the order of equal keys.
        num_keys: how many leading operands are keys.

    Returns:
        The list of sorted operands.

    >>> import fungrad.lax as flax, numpy as np
    >>> [k, v] = flax.sort([np.array([2.0, 1.0]), np.array([10.0, 20.0])])
    >>> k.tolist(), v.tolist()
    ([1.0, 2.0], [20.0, 10.0])
    """
    operands = list(operands)
    ndim = get_aval(operands[0]).ndim
    return bind(
        sort_p, *operands, dimension=int(dimension) % max(ndim, 1), is_stable=bool(is_stable), num_keys=int(num_keys)
    )


def _iota_like(x, axis: int):
    aval = get_aval(x)
    dtype = np.int32 if aval.shape[axis] < 2**31 - 1 else np.int64
    return shape.broadcast_in_dim(np.arange(aval.shape[axis], dtype=dtype), aval.shape, (axis,))


def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    # Sort an iota along to learn the permutation, then move each tangent with it.
    *outs, perm = sort([*primals, _iota_like(primals[0], dimension)], dimension, is_stable, num_keys)
    touts = [
        _zero_tangent(o) if type(t) is Zero else indexing.take_along_axis(t, perm, dimension)
        for o, t in zip(outs, tangents)
    ]
    return outs, touts


def _sort_batch(args, dims, *, dimension, **params):
    return sort(layout.all_to_front(args, dims), dimension + 1, **params), [0] * len(args)


ad.def_jvp(sort_p, _sort_jvp)
batching.def_batching(sort_p, _sort_batch)

# ---- top_k -----------------------------------------------------------------------------------------------

top_k_p = Primitive("top_k", multiple_results=True)
def_lowering(top_k_p, lambda x, *, k, axis: tuple(lax.top_k(x, k, axis=axis)))


def top_k(x, k: int, axis: int = -1) -> list:
    """The ``k`` largest entries along ``axis`` (last by default), sorted descending, and their indices.

    >>> import numpy as np
    >>> values, indices = top_k(np.array([1.0, 3.0, 2.0]), 2)
    >>> values.tolist(), indices.tolist()
    ([3.0, 2.0], [1, 2])
    """
    ndim = get_aval(x).ndim
    return bind(top_k_p, x, k=int(k), axis=int(axis) % max(ndim, 1))


def _top_k_jvp(primals, tangents, *, k, axis):
    (x,), (t,) = primals, tangents
    values, idx = top_k(x, k, axis)
    t_out = _zero_tangent(values) if type(t) is Zero else indexing.take_along_axis(t, idx, axis)
    return [values, idx], [t_out, _zero_tangent(idx)]


ad.def_jvp(top_k_p, _top_k_jvp)
batching.def_batching(top_k_p, _axis_batch(top_k_p))


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    """Sort ``keys`` along ``dimension`` and apply the same permutation to ``values``.

    Args:
        keys: the array to sort by.
        values: an array of ``keys``' shape.
        dimension: the axis to sort along.
        is_stable: keep the order of equal keys.

    Returns:
        ``(sorted_keys, permuted_values)``.

    >>> import fungrad.lax as flax, numpy as np
    >>> k, v = flax.sort_key_val(np.array([2.0, 1.0]), np.array([0, 1]))
    >>> v.tolist()
    [1, 0]
    """
    return tuple(sort([keys, values], dimension, is_stable=is_stable, num_keys=1))


# The reductions above are made by layout's factory, so doctest looks for their examples there;
# name them here so that their examples run with this module's doctests.
__test__ = {fn.__name__: fn for fn in (reduce_prod, reduce_and, reduce_or)}
