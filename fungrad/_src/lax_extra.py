"""The rest of ``jax.lax``'s array functions, for ``fungrad.lax``: elementwise and bit operations, and
shape and creation helpers (reductions and contractions are in ``lax_reductions``).

Each is either a thin wrapper over a primitive (its own in ``primitives/lax_more.py`` or an existing
one) or a composition of primitives, so derivatives, ``vmap`` and ``jit`` come from those. As in
``jax.lax``, nothing here promotes dtypes: operands must already agree (the primitives' lowerings
raise JAX's own errors otherwise).
"""

from __future__ import annotations

import math

import jax
import numpy as np
from jax import lax as _jlax
from jax import tree_util

from fungrad._src.core import bind, get_aval
from fungrad._src.primitives import bessel as _bessel
from fungrad._src.primitives import bits as _bits
from fungrad._src.primitives import complex_parts as _cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import indexing as _ix
from fungrad._src.primitives import lax_more as _more
from fungrad._src.primitives import layout
from fungrad._src.primitives import shape as _shape
from fungrad._src.primitives import special as _sp
from fungrad._src.primitives import special_more as _spm


def _arr(x):
    """``x`` as something primitives take (lists and tuples of numbers become arrays)."""
    if isinstance(x, (list, tuple)):
        return np.asarray(x)
    return x


def _aval(x):
    return get_aval(_arr(x))


# ---- elementwise ---------------------------------------------------------------------------------------


def bitwise_and(x, y):
    """Bitwise (or logical, for bool) and, elementwise.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.bitwise_and(np.int32(12), np.int32(10)).tolist()
    8
    """
    return bind(ew.and_p, x, y)


def bitwise_or(x, y):
    """Bitwise (or logical, for bool) or, elementwise.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.bitwise_or(np.int32(12), np.int32(10)).tolist()
    14
    """
    return bind(ew.or_p, x, y)


def bitwise_xor(x, y):
    """Bitwise (or logical, for bool) exclusive or, elementwise.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.bitwise_xor(np.int32(12), np.int32(10)).tolist()
    6
    """
    return bind(ew.xor_p, x, y)


def bitwise_not(x):
    """Bitwise (or logical, for bool) not, elementwise.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.bitwise_not(np.array([True, False])).tolist()
    [False, True]
    """
    return bind(ew.not_p, x)


def shift_left(x, y):
    """``x << y`` for integers, elementwise (shifts past the bit width give 0).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.shift_left(np.int32(3), np.int32(2)).tolist()
    12
    """
    return _more.shift_left(x, y)


def shift_right_arithmetic(x, y):
    """``x >> y`` for integers, copying the sign bit, elementwise.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.shift_right_arithmetic(np.int32(-12), np.int32(2)).tolist()
    -3
    """
    return _more.shift_right_arithmetic(x, y)


def population_count(x):
    """The number of set bits of each integer element.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.population_count(np.int32(7)).tolist()
    3
    """
    return _bits.population_count(x)


def clz(x):
    """The number of leading zero bits of each integer element.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.clz(np.int32(1)).tolist()
    31
    """
    return _more.clz(x)


def mulhi(x, y, /):
    """The high half of the double-width integer product ``x * y``, elementwise.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.mulhi(np.uint32(2**31), np.uint32(4)).tolist()
    2
    """
    return _more.mulhi(x, y)


def clamp(min, x, max):  # noqa: A002 - jax.lax's names
    """``x`` clipped to ``[min, max]`` elementwise (``min``/``max`` may be scalars).

    As in JAX, ``x``'s derivative is 1 strictly inside the interval, and a bound's is 1 where it is
    the value returned (``min`` where ``min > x``, ``max`` where ``max < x``).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.clamp(0.0, np.array([-1.0, 0.5, 2.0]), 1.0).tolist()
    [0.0, 0.5, 1.0]
    """
    return _more.clamp(min, x, max)


def cbrt(x, *, accuracy=None):
    """The real cube root, elementwise (``accuracy`` as in ``jax.lax.cbrt``).

    >>> import fungrad.lax as flax
    >>> round(float(flax.cbrt(-8.0)), 6)
    -2.0
    """
    return _more.cbrt(x, accuracy)


def square(x):
    """``x * x`` elementwise.

    >>> import fungrad.lax as flax
    >>> flax.square(3.0).tolist()
    9.0
    """
    return ew.mul(x, x)


def reciprocal(x):
    """``1 / x`` elementwise (``integer_pow(x, -1)``, as in JAX).

    >>> import fungrad.lax as flax
    >>> flax.reciprocal(4.0).tolist()
    0.25
    """
    return ew.integer_pow(x, -1)


def is_finite(x):
    """Whether each element is neither infinite nor NaN (floating-point input only).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.is_finite(np.array([1.0, np.inf, np.nan])).tolist()
    [True, False, False]
    """
    dtype = _aval(x).dtype
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"is_finite does not accept dtype {dtype.name}. Accepted dtypes are subtypes of floating.")
    # |x| < inf is False exactly for +-inf and NaN
    return ew.lt(ew.abs(x), ew.scalar(np.inf, x))


def complex(x, y):  # noqa: A001 - jax.lax's name
    """``x + i y`` from two real arrays of one dtype.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.complex(np.float32(1), np.float32(2)).tolist()
    (1+2j)
    """
    return _cx.complex(x, y)


def conj(x):
    """The complex conjugate, elementwise (a complex result, also for real input).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.conj(np.complex64(1 + 2j)).tolist()
    (1-2j)
    """
    return _cx.conj(x)


def real(x):
    """The real part of a complex array.

    >>> import fungrad.lax as flax, numpy as np
    >>> float(flax.real(np.complex64(1 + 2j)))
    1.0
    """
    return _cx.real(x)


def imag(x):
    """The imaginary part of a complex array.

    >>> import fungrad.lax as flax, numpy as np
    >>> float(flax.imag(np.complex64(1 + 2j)))
    2.0
    """
    return _cx.imag(x)


def nextafter(x1, x2):
    """The next representable float after ``x1`` towards ``x2`` (derivative 0).

    >>> import fungrad.lax as flax, numpy as np
    >>> bool(flax.nextafter(np.float32(1.0), np.float32(2.0)) > 1.0)
    True
    """
    return _bits.nextafter(x1, x2)


def zeta(x, q):
    """The Hurwitz zeta function ``sum_k (k + q) ** -x``.

    >>> import fungrad.lax as flax
    >>> round(float(flax.zeta(2.0, 1.0)), 6)
    1.644934
    """
    return _spm.zeta(x, q)


def bessel_i0e(x):
    """``exp(-|x|) I0(x)``, the scaled modified Bessel function of order 0.

    >>> import fungrad.lax as flax
    >>> float(flax.bessel_i0e(0.0))
    1.0
    """
    return _bessel.bessel_i0e(x)


def bessel_i1e(x):
    """``exp(-|x|) I1(x)``, the scaled modified Bessel function of order 1.

    >>> import fungrad.lax as flax
    >>> float(flax.bessel_i1e(0.0))
    0.0
    """
    return _bessel.bessel_i1e(x)


def igammac(a, x):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    >>> import fungrad.lax as flax
    >>> round(float(flax.igammac(1.0, 1.0)), 4)
    0.3679
    """
    return _more.igammac(a, x)


def igamma_grad_a(a, x):
    """``d/da P(a, x)``, the derivative of ``igamma`` in ``a`` (differentiable in ``x`` only, as in JAX).

    >>> import fungrad.lax as flax
    >>> round(float(flax.igamma_grad_a(1.0, 1.0)), 4)
    -0.4317
    """
    return _sp.igamma_grad_a(a, x)


def random_gamma_grad(*args):
    """The derivative of a Gamma(``a``) sample ``x`` in ``a`` (implicit reparameterization; no
    derivative of its own, as in JAX).

    >>> import fungrad.lax as flax, numpy as np
    >>> round(float(flax.random_gamma_grad(np.float32(2.0), np.float32(1.0))), 4)
    0.7508
    """
    if len(args) != 2:
        raise TypeError(f"random_gamma_grad takes the two arrays (a, x), got {len(args)} arguments")
    return _more.random_gamma_grad(*args)


def select(pred, on_true, on_false):
    """``on_true`` where ``pred`` else ``on_false`` (``pred`` boolean, scalar or of their shape).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.select(np.array([True, False]), np.ones(2), np.zeros(2)).tolist()
    [1.0, 0.0]
    """
    return ew.select_n(pred, on_false, on_true)


def reduce_precision(operand, exponent_bits, mantissa_bits):
    """``operand`` rounded to a float format with the given exponent and mantissa bits (same dtype).

    >>> import fungrad.lax as flax, numpy as np
    >>> float(flax.reduce_precision(np.float32(1.1), 5, 10))  # float16's format
    1.099609375
    """
    return _more.reduce_precision(operand, exponent_bits, mantissa_bits)


def bitcast_convert_type(operand, new_dtype):
    """``operand``'s bits reinterpreted as ``new_dtype`` (a width change adds or drops a last axis;
    no derivative, as in JAX).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.bitcast_convert_type(np.float32(1.0), np.int32).tolist()
    1065353216
    """
    return _more.bitcast_convert_type(operand, new_dtype)


def optimization_barrier(operand, /):
    """``operand`` (a pytree) unchanged, fenced so XLA may not move computations across it.
    Derivatives pass straight through.

    >>> import fungrad.lax as flax
    >>> [float(v) for v in flax.optimization_barrier((1.0, 2.0))]
    [1.0, 2.0]
    """
    leaves, tree = tree_util.tree_flatten(operand)
    return tree_util.tree_unflatten(tree, _more.optimization_barrier_flat(*[_arr(x) for x in leaves]))


def dtype(x):
    """The canonical dtype of ``x`` (an array, scalar or dtype), as ``jax.lax.dtype``.

    >>> import fungrad.lax as flax
    >>> flax.dtype(np.int8(1))
    dtype('int8')
    """
    if isinstance(x, (np.dtype, type, str)):
        return jax.dtypes.canonicalize_dtype(x)
    return _aval(x).dtype


# ---- shapes and creation ----------------------------------------------------------------------------------


def broadcast(operand, sizes, *, out_sharding=None):
    """``operand`` with new leading axes of ``sizes``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.broadcast(np.array([1.0, 2.0]), (2,)).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    shape = _aval(operand).shape
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        return operand
    return layout.broadcast_in_dim(_arr(operand), sizes + shape, tuple(range(len(sizes), len(sizes) + len(shape))))


def broadcast_to_rank(x, rank):
    """``x`` with leading axes of length 1 added up to ``rank`` axes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.broadcast_to_rank(np.ones(3), 3).shape
    (1, 1, 3)
    """
    ndim = len(_aval(x).shape)
    if ndim == rank:
        return x
    return broadcast(x, (1,) * (rank - ndim))


def broadcast_shapes(*shapes):
    """The shape NumPy-style broadcasting of ``shapes`` gives (a ValueError if they are incompatible).

    >>> import fungrad.lax as flax
    >>> flax.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for sizes in zip(*[(1,) * (rank - len(s)) + tuple(s) for s in shapes]):
        big = {int(d) for d in sizes if d != 1}
        if len(big) > 1:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={[tuple(s) for s in shapes]}")
        out.append(big.pop() if big else 1)
    return tuple(out)


def broadcast_like(arr, like_arr):
    """``arr`` broadcast (NumPy rules) to ``like_arr``'s shape.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.broadcast_like(np.array([1.0, 2.0]), np.zeros((2, 2))).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    shape, target = _aval(arr).shape, _aval(like_arr).shape
    if shape == target:
        return arr
    broadcast_shapes(shape, target)
    lead = len(target) - len(shape)
    if lead < 0:
        raise ValueError(f"broadcast_like: cannot broadcast shape {shape} to the lower rank {target}")
    keep = [i for i, d in enumerate(shape) if d == target[lead + i]]
    squeezed = _shape.reshape(_arr(arr), tuple(shape[i] for i in keep))
    return layout.broadcast_in_dim(squeezed, target, tuple(lead + i for i in keep))


def iota(dtype, size):
    """``[0, 1, ..., size - 1]`` in ``dtype``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.iota(np.int32, 3).tolist()
    [0, 1, 2]
    """
    return broadcasted_iota(dtype, (size,), 0)


def broadcasted_iota(dtype, shape, dimension, *, out_sharding=None):
    """An array of ``shape`` whose entries are their index along ``dimension``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.broadcasted_iota(np.int32, (2, 3), 1).tolist()
    [[0, 1, 2], [0, 1, 2]]
    """
    # A constant: it depends on no input, so every transformation sees a literal.
    with jax.ensure_compile_time_eval():
        return _jlax.broadcasted_iota(dtype, tuple(int(s) for s in shape), int(dimension))


def collapse(operand, start_dimension, stop_dimension=None):
    """``operand`` with axes ``start_dimension:stop_dimension`` merged into one.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.collapse(np.ones((2, 3, 4)), 0, 2).shape
    (6, 4)
    """
    shape = _aval(operand).shape
    lo, hi, _ = slice(start_dimension, stop_dimension).indices(len(shape))
    if hi <= lo:
        raise ValueError(
            f"collapse: start_dimension {start_dimension} must come before stop_dimension {stop_dimension}"
        )
    new = shape[:lo] + (math.prod(shape[lo:hi]),) + shape[hi:]
    return _shape.reshape(_arr(operand), new)


def full(shape, fill_value, dtype=None, *, sharding=None):
    """An array of ``shape`` filled with the scalar ``fill_value`` (in ``dtype``, default its own).

    >>> import fungrad.lax as flax
    >>> flax.full((2,), 3.0).tolist()
    [3.0, 3.0]
    """
    fill = _aval(fill_value)
    if fill.shape:
        raise TypeError(f"full must be called with scalar fill_value, got fill_value.shape {fill.shape}.")
    weak = dtype is None and fill.weak_type
    new_dtype = fill.dtype if dtype is None else jax.dtypes.canonicalize_dtype(dtype)
    value = ew.convert_element_type(_arr(fill_value), new_dtype, weak)
    return layout.broadcast_in_dim(value, tuple(int(s) for s in _shape_tuple(shape)), ())


def _shape_tuple(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def full_like(x, fill_value, dtype=None, shape=None, sharding=None):
    """An array like ``x`` (its shape and dtype unless given) filled with ``fill_value``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.full_like(np.zeros(2, np.int32), 7).tolist()
    [7, 7]
    """
    aval = _aval(x)
    weak = dtype is None and aval.weak_type
    new_dtype = aval.dtype if dtype is None else jax.dtypes.canonicalize_dtype(dtype)
    fill = _aval(fill_value)
    if fill.shape:
        raise TypeError(f"full must be called with scalar fill_value, got fill_value.shape {fill.shape}.")
    value = ew.convert_element_type(_arr(fill_value), new_dtype, weak)
    return layout.broadcast_in_dim(value, aval.shape if shape is None else _shape_tuple(shape), ())


def empty(shape, dtype, *, out_sharding=None):
    """An array of ``shape`` and ``dtype`` whose contents are unspecified (zeros here).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.empty((2,), np.float32).shape
    (2,)
    """
    return full(shape, np.zeros((), jax.dtypes.canonicalize_dtype(dtype)))


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    """``operand[start_index:limit_index:stride]`` along ``axis`` (negative or None bounds as in Python).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.slice_in_dim(np.arange(6), 1, -1, 2).tolist()
    [1, 3]
    """
    shape = _aval(operand).shape
    axis = _canonical_axis(axis, len(shape), "slice_in_dim")
    n = shape[axis]
    start = 0 if start_index is None else int(start_index) + (n if int(start_index) < 0 else 0)
    limit = n if limit_index is None else int(limit_index) + (n if int(limit_index) < 0 else 0)
    lo, hi, strides = [0] * len(shape), list(shape), [1] * len(shape)
    lo[axis], hi[axis], strides[axis] = start, limit, int(stride)
    return _shape.slice(_arr(operand), lo, hi, strides)


def _canonical_axis(axis, ndim, name):
    axis = int(axis)
    if not -ndim <= axis < max(ndim, 1) or ndim == 0:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an array of rank {ndim}")
    return axis % ndim


def index_in_dim(operand, index, axis=0, keepdims=True):
    """``operand``'s slice at the static ``index`` of ``axis`` (kept as length 1 if ``keepdims``).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.index_in_dim(np.arange(6).reshape(2, 3), 1, 1, keepdims=False).tolist()
    [1, 4]
    """
    shape = _aval(operand).shape
    axis = _canonical_axis(axis, len(shape), "index_in_dim")
    index = int(index)
    if not -shape[axis] <= index < shape[axis]:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {shape[axis]}")
    index %= shape[axis]
    out = slice_in_dim(operand, index, index + 1, 1, axis)
    return out if keepdims else _shape.reshape(out, shape[:axis] + shape[axis + 1 :])


def index_take(src, idxs, axes):
    """``src`` indexed at ``idxs[j]`` along ``axes[j]`` together: the result has the indexed
    positions first, then ``src``'s other axes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.index_take(np.arange(6).reshape(2, 3), (np.array([1, 0]),), (0,)).tolist()
    [[3, 4, 5], [0, 1, 2]]
    """
    shape = _aval(src).shape
    axes = tuple(int(a) for a in axes)
    if len(idxs) != len(axes):
        raise ValueError(f"index_take: {len(idxs)} index arrays for {len(axes)} axes")
    indices = _shape.concatenate([layout.expand_dims(_arr(i), (1,)) for i in idxs], 1)
    dnums = _ix.GatherDimensionNumbers(
        offset_dims=tuple(range(1, len(shape) - len(axes) + 1)), collapsed_slice_dims=axes, start_index_map=axes
    )
    slice_sizes = tuple(1 if i in axes else d for i, d in enumerate(shape))
    return _ix.gather(_arr(src), indices, dnums, slice_sizes)


def split(operand, sizes, axis=0):
    """``operand`` cut along ``axis`` into consecutive pieces of ``sizes``.

    >>> import fungrad.lax as flax, numpy as np
    >>> [p.tolist() for p in flax.split(np.arange(5), (2, 3))]
    [[0, 1], [2, 3, 4]]
    """
    shape = _aval(operand).shape
    axis = _canonical_axis(axis, len(shape), "split")
    sizes = [int(s) for s in sizes]
    if any(s < 0 for s in sizes) or sum(sizes) != shape[axis]:
        raise ValueError(
            f"Sum of sizes {sum(sizes)} must be equal to dimension {shape[axis]} of the operand shape {shape}"
        )
    starts = np.cumsum([0, *sizes])
    return [slice_in_dim(operand, int(a), int(b), 1, axis) for a, b in zip(starts[:-1], starts[1:])]


def stack(operands, axis=0):
    """``operands`` (one shape and dtype) joined along a new ``axis``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.stack([np.zeros(2), np.ones(2)], axis=1).tolist()
    [[0.0, 1.0], [0.0, 1.0]]
    """
    if not operands:
        raise ValueError("stack: need at least one operand")
    ndim = len(_aval(operands[0]).shape)
    axis = _canonical_axis(axis, ndim + 1, "stack")
    return _shape.concatenate([layout.expand_dims(_arr(x), (axis,)) for x in operands], axis)


def unstack(x, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple.

    >>> import fungrad.lax as flax, numpy as np
    >>> [p.tolist() for p in flax.unstack(np.arange(4).reshape(2, 2))]
    [[0, 1], [2, 3]]
    """
    shape = _aval(x).shape
    axis = _canonical_axis(axis, len(shape), "unstack")
    return tuple(index_in_dim(x, i, axis, keepdims=False) for i in range(shape[axis]))


def tile(operand, reps):
    """``operand`` repeated ``reps[i]`` times along each axis (``len(reps)`` equals its rank).

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.tile(np.array([1, 2]), (2,)).tolist()
    [1, 2, 1, 2]
    """
    shape = _aval(operand).shape
    reps = tuple(int(r) for r in reps)
    if len(reps) != len(shape):
        raise ValueError(f"len(reps) must be equal to operand.ndim, got len(reps)={len(reps)}, ndim={len(shape)}")
    # Broadcast to (r0, d0, r1, d1, ...) and merge each pair: copies laid out tile by tile.
    big = tuple(v for r, d in zip(reps, shape) for v in (r, d))
    out = layout.broadcast_in_dim(_arr(operand), big, tuple(range(1, 2 * len(shape), 2)))
    return _shape.reshape(out, tuple(r * d for r, d in zip(reps, shape)))
