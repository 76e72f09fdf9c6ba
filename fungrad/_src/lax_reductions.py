"""``jax.lax``'s reductions and contractions for ``fungrad.lax``: ``cumlogsumexp``, the general ``reduce``,
``reduce_xor``, ``approx_max_k``/``approx_min_k``, ``dot``, ``batch_matmul`` and ``ragged_dot``.

Compositions of fungrad primitives, so derivatives, ``vmap`` and ``jit`` come from those. Where fungrad
goes beyond JAX: ``reduce`` with a computation that is not one of the monoids JAX recognises (add, mul,
max, min, and, or with their identity as init) runs as a ``scan`` over the reduced elements, so it is
differentiable; JAX's general reduce has no derivative. ``approx_max_k``/``approx_min_k`` are exact.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from jax import lax as _jlax
from jax import tree_util

from fungrad._src import core, staging
from fungrad._src.control_flow.scan import scan as _scan
from fungrad._src.core import bind, get_aval
from fungrad._src.lax_extra import _arr, _aval, _canonical_axis, bitwise_xor, broadcasted_iota
from fungrad._src.primitives import dot as _dot
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout, reductions, scans
from fungrad._src.primitives import shape as _shape

# ---- reductions -------------------------------------------------------------------------------------------


def _logaddexp(a, b):
    # max + log1p(exp(-|a - b|)); where a - b is NaN (both the same infinity) the sum a + b is exact.
    big = ew.maximum(a, b)
    delta = ew.sub(a, b)
    nan = ew.ne(delta, delta)
    safe = ew.select_n(nan, delta, ew.scalar_like(0, delta))
    return ew.select_n(nan, ew.add(big, ew.log1p(ew.exp(ew.neg(ew.abs(safe))))), ew.add(a, b))


def cumlogsumexp(operand, axis=0, reverse=False):
    """``log(cumsum(exp(operand)))`` along ``axis``, computed stably (a prefix scan of logaddexp).

    >>> import fungrad.lax as flax, numpy as np
    >>> [round(float(v), 4) for v in flax.cumlogsumexp(np.log(np.array([1.0, 2.0, 3.0])))]
    [0.0, 1.0986, 1.7918]
    """
    shape = _aval(operand).shape
    axis = _canonical_axis(axis, len(shape), "cumlogsumexp")
    [out] = scans.associative_scan(lambda a, b: [_logaddexp(a[0], b[0])], [_arr(operand)], axis, reverse)
    return out


# The monoids jax.lax.reduce recognises: (computations, identity for a dtype, reducer)
def _monoids():
    from_max = lambda dt: -np.inf if np.issubdtype(dt, np.inexact) else (False if dt == np.bool_ else np.iinfo(dt).min)
    from_min = lambda dt: np.inf if np.issubdtype(dt, np.inexact) else (True if dt == np.bool_ else np.iinfo(dt).max)
    return {
        "add": (lambda dt: 0, layout.reduce_sum),
        "mul": (lambda dt: 1, scans.reduce_prod),
        "max": (from_max, reductions.reduce_max),
        "min": (from_min, reductions.reduce_min),
        "and": (lambda dt: True if dt == np.bool_ else -1, scans.reduce_and),
        "or": (lambda dt: 0, scans.reduce_or),
    }


_JAX_MONOIDS = {_jlax.add: "add", _jlax.mul: "mul", _jlax.max: "max", _jlax.min: "min",
                _jlax.bitwise_and: "and", _jlax.bitwise_or: "or", operator.add: "add", operator.mul: "mul"}  # fmt: skip


def _monoid_name(computation, aval):
    """Which monoid ``computation`` is, by tracing it on two scalars: one equation of a known primitive."""
    if computation in _JAX_MONOIDS:
        return _JAX_MONOIDS[computation]
    scalar = core.ShapedArray((), aval.dtype)
    try:
        ir, consts = staging.trace_to_subir(lambda a, b: [computation(a, b)], [scalar, scalar], "reduce")
    except Exception:  # noqa: BLE001 - a computation we cannot trace as scalar->scalar is a general one
        return None
    if consts or len(ir.eqns) != 1 or len(ir.outvars) != 1:
        return None
    eqn = ir.eqns[0]
    if list(eqn.inputs) != list(ir.invars) or eqn.outputs[0] != ir.outvars[0]:
        return None
    return eqn.primitive.name if eqn.primitive.name in _monoids() else None


def _is_identity(value, ident, dtype):
    try:
        concrete = np.asarray(value)
    except Exception:  # noqa: BLE001 - a traced init value is never recognised as an identity
        return False
    return concrete.shape == () and concrete == np.asarray(ident, dtype)


def reduce(operands, init_values, computation, dimensions, out_sharding=None):
    """Reduce ``operands`` (an array or pytree of arrays) over ``dimensions`` with the binary
    ``computation`` starting from ``init_values``, as ``jax.lax.reduce``.

    A single operand whose computation is add, mul, max, min, and or or with that operation's identity
    as init becomes ``reduce_sum`` etc. (as in JAX). Any other computation (pytrees too) is folded
    over the reduced elements with a ``scan``, in order, so it is differentiable in fungrad.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.reduce(np.arange(6.0).reshape(2, 3), 0.0, flax.add, (1,)).tolist()
    [3.0, 12.0]
    >>> flax.reduce(np.array([1.0, 2.0, 3.0]), 1.0, lambda a, b: a * b + 1.0, (0,)).tolist()
    16.0
    """
    flat_ops, tree = tree_util.tree_flatten(operands)
    flat_init, init_tree = tree_util.tree_flatten(init_values)
    if tree != init_tree:
        raise ValueError(f"reduce: operands {tree} and init_values {init_tree} must have the same structure")
    flat_ops = [_arr(x) for x in flat_ops]
    avals = [get_aval(x) for x in flat_ops]
    shape = avals[0].shape
    if any(a.shape != shape for a in avals):
        raise ValueError(f"reduce: operands must have one shape, got {[a.shape for a in avals]}")
    dims = tuple(sorted(_canonical_axis(d, len(shape), "reduce") for d in dimensions))
    if len(set(dims)) != len(dims):
        raise ValueError(f"reduce: dimensions {tuple(dimensions)} repeat an axis")
    if len(flat_ops) == 1:
        name = _monoid_name(computation, avals[0])
        if name is not None:
            ident, reducer = _monoids()[name]
            if _is_identity(flat_init[0], ident(avals[0].dtype), avals[0].dtype):
                return tree_util.tree_unflatten(tree, [reducer(flat_ops[0], dims)])
    kept = [d for d in range(len(shape)) if d not in dims]
    out_shape = tuple(shape[d] for d in kept)
    n = math.prod(shape[d] for d in dims)
    # Reduced elements to the front, flattened: the scan walks them one by one.
    xs = [_shape.reshape(layout.transpose(x, (*dims, *kept)), (n, *out_shape)) for x in flat_ops]
    init = [
        layout.broadcast_in_dim(ew.convert_element_type(_arr(i), a.dtype), out_shape, ())
        for i, a in zip(flat_init, avals)
    ]

    def step(carry, x):
        out = computation(tree_util.tree_unflatten(tree, carry), tree_util.tree_unflatten(tree, x))
        return tree_util.tree_leaves(out), None

    result, _ = _scan(step, init, xs)
    return tree_util.tree_unflatten(tree, list(result))


def reduce_xor(operand, axes):
    """Bitwise (or logical) exclusive or over ``axes``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.reduce_xor(np.array([True, True, True]), (0,)).tolist()
    True
    """
    dtype = _aval(operand).dtype
    if not (np.issubdtype(dtype, np.integer) or dtype == np.bool_):
        raise TypeError(
            f"reduce_xor does not accept dtype {dtype.name}. Accepted dtypes are subtypes of integer, bool."
        )
    if not tuple(axes):
        return operand
    return reduce(operand, np.zeros((), dtype), bitwise_xor, axes)


def _k_extreme(operand, k, reduction_dimension, largest):
    shape = _aval(operand).shape
    axis = _canonical_axis(reduction_dimension, len(shape), "approx_max_k")
    if not 0 <= int(k) <= shape[axis]:
        raise ValueError(f"k={k} must be in [0, {shape[axis]}], the size of the reduction dimension")
    if largest:
        return list(scans.top_k(_arr(operand), int(k), axis))
    values, indices = scans.top_k(ew.neg(_arr(operand)), int(k), axis)
    return [ew.neg(values), indices]


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True):  # fmt: skip
    """The ``k`` largest values along ``reduction_dimension`` and their indices. fungrad computes
    them exactly (``top_k``), which meets every ``recall_target``.

    >>> import fungrad.lax as flax, numpy as np
    >>> [v.tolist() for v in flax.approx_max_k(np.array([1.0, 3.0, 2.0]), 2)]
    [[3.0, 2.0], [1, 2]]
    """
    return _k_extreme(operand, k, reduction_dimension, True)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True):  # fmt: skip
    """The ``k`` smallest values along ``reduction_dimension`` and their indices, computed exactly.

    >>> import fungrad.lax as flax, numpy as np
    >>> [v.tolist() for v in flax.approx_min_k(np.array([1.0, 3.0, 2.0]), 2)]
    [[1.0, 2.0], [0, 2]]
    """
    return _k_extreme(operand, k, reduction_dimension, False)


# ---- contractions -----------------------------------------------------------------------------------------


def dot(lhs, rhs, *, dimension_numbers=None, precision=None, preferred_element_type=None, out_sharding=None):
    """Vector/matrix product (1-d or 2-d operands), or ``dot_general`` with ``dimension_numbers``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.dot(np.ones((2, 3)), np.ones(3)).tolist()
    [3.0, 3.0]
    """
    if dimension_numbers is None:
        ls, rs = _aval(lhs).shape, _aval(rhs).shape
        if not (1 <= len(ls) <= 2 and 1 <= len(rs) <= 2 and ls[-1] == rs[0]):
            raise TypeError(f"Incompatible shapes for dot: got {ls} and {rs}.")
        dimension_numbers = (((len(ls) - 1,), (0,)), ((), ()))
    return _dot.dot_general(_arr(lhs), _arr(rhs), dimension_numbers, preferred_element_type, precision)


def batch_matmul(lhs, rhs, precision=None):
    """Matrix products batched over all leading axes (operands of one rank, at least 2).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.batch_matmul(np.ones((2, 1, 3)), np.ones((2, 3, 1))).tolist()
    [[[3.0]], [[3.0]]]
    """
    ls, rs = _aval(lhs).shape, _aval(rhs).shape
    if len(ls) != len(rs) or len(ls) < 2:
        raise ValueError(f"Arguments to batch_matmul must be at least 2D and of one rank, got {len(ls)}, {len(rs)}")
    if ls[:-2] != rs[:-2]:
        raise ValueError(f"Argument batch dimensions to batch_matmul must match, got {ls[:-2]} and {rs[:-2]}")
    batch = tuple(range(len(ls) - 2))
    return _dot.dot_general(_arr(lhs), _arr(rhs), (((len(ls) - 1,), (len(ls) - 2,)), (batch, batch)), None, precision)


def ragged_dot(lhs, rhs, group_sizes, precision=None, preferred_element_type=None, group_offset=None,
               out_sharding=None):  # fmt: skip
    """``lhs`` ``[m, k]`` times ``rhs`` ``[g, k, n]`` where rows of ``lhs`` come in ``g`` consecutive
    groups of ``group_sizes``: group ``i`` is multiplied by ``rhs[i]``; rows past the groups give 0.

    fungrad computes every group's product and masks (O(m g k n) work), which is exact and
    differentiable in ``lhs`` and ``rhs``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.ragged_dot(np.ones((3, 2)), np.stack([np.ones((2, 1)), 2 * np.ones((2, 1))]), np.array([1, 2])).tolist()
    [[2.0], [4.0], [4.0]]
    """
    if group_offset is not None:
        raise NotImplementedError("ragged_dot: group_offset is not supported by fungrad")
    ls, rs = _aval(lhs).shape, _aval(rhs).shape
    if len(ls) != 2 or len(rs) != 3 or ls[1] != rs[1]:
        raise TypeError(f"ragged_dot: expected lhs [m, k] and rhs [g, k, n], got {ls} and {rs}")
    gs = _aval(group_sizes)
    if gs.shape != (rs[0],):
        raise TypeError(f"ragged_dot: group_sizes must have shape ({rs[0]},), got {gs.shape}")
    prods = _dot.dot_general(_arr(lhs), _arr(rhs), (((1,), (1,)), ((), ())), preferred_element_type, precision)
    ends = scans.cumsum(_arr(group_sizes), 0)
    starts = ew.sub(ends, _arr(group_sizes))
    rows = broadcasted_iota(gs.dtype, (ls[0], rs[0]), 0)
    mask = bind(ew.and_p, ew.ge(rows, layout.broadcast_in_dim(starts, rows.shape, (1,))),
                ew.lt(rows, layout.broadcast_in_dim(ends, rows.shape, (1,))))  # fmt: skip
    mask = layout.broadcast_in_dim(mask, get_aval(prods).shape, (0, 1))
    masked = ew.select_n(mask, ew.scalar_like(0, prods), prods)
    return layout.reduce_sum(masked, (1,))
