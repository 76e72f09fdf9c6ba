"""NumPy semantics over fungrad primitives: dtype promotion, broadcasting, axes, keepdims.

Everything here is a composite of primitives (no rules of its own). Type promotion follows JAX
exactly (weak types included), broadcasting follows NumPy. Concrete inputs (NumPy arrays, Python
scalars) become ``jax.Array`` constants; tracers stay tracers.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from fungrad._src import core
from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import dot as dot_prims
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import reductions as red
from fungrad._src.primitives import shape as sh

# ---- conversion and promotion ------------------------------------------------------------------

_scalar_cache: dict = {}


def _concrete(x, dtype=None, weak: bool = False):
    """A concrete value as a jax.Array, optionally cast (Python scalars cached)."""
    key = None
    if type(x) in (int, float, bool, complex):
        key = (type(x), x, None if dtype is None else np.dtype(dtype), weak)
        hit = _scalar_cache.get(key)
        if hit is not None:
            return hit
    # Concrete even under the user's jax.jit: the cache must never keep (and leak) a JAX tracer.
    with jax.ensure_compile_time_eval():
        if dtype is None:
            out = jnp.asarray(x) if isinstance(x, (list, tuple)) else core.as_concrete(x)
        elif weak:
            out = ew._lax_convert(jnp.asarray(x), np.dtype(dtype), True)
        else:
            out = jnp.asarray(x, dtype=dtype)
    if key is not None and len(_scalar_cache) < 4096:
        _scalar_cache[key] = out
    return out


def asarray(x, dtype=None):
    """``x`` as an array (a tracer stays a tracer), optionally cast to ``dtype``.

    >>> import fungrad.numpy as fnp
    >>> fnp.asarray([1.0, 2.0]).shape
    (2,)
    """
    if isinstance(x, Tracer):
        return x if dtype is None else ew.convert_element_type(x, jax.dtypes.canonicalize_dtype(dtype))
    if isinstance(x, (list, tuple)) and any(isinstance(e, Tracer) for e in jax.tree_util.tree_leaves(x)):
        return stack([asarray(e) for e in x]) if dtype is None else asarray(stack([asarray(e) for e in x]), dtype)
    if dtype is not None:
        dtype = jax.dtypes.canonicalize_dtype(dtype)
    if not core.is_array_like(x) and not isinstance(x, (list, tuple)):
        core.get_aval(x)  # raises the friendly error
    return _concrete(x, dtype)


array = asarray


def _to_array(x):
    return x if isinstance(x, (Tracer, jax.Array)) else asarray(x)


def _promote(*args):
    """Convert ``args`` to one dtype by JAX's promotion (weak types respected); no broadcasting."""
    avals = [get_aval(a) for a in args]
    dtype, weak = core.result_type(*avals)
    out = []
    for a, aval in zip(args, avals):
        if aval.dtype == dtype and aval.weak_type == weak and not isinstance(a, (int, float, bool, complex)):
            out.append(_to_array(a))
        elif isinstance(a, Tracer):
            out.append(ew.convert_element_type(a, dtype, weak))
        else:
            out.append(_concrete(a, dtype, weak))
    return out


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise FungradTypeError(
            "shapes " + ", ".join(str(tuple(s)) for s in shapes) + " cannot be broadcast together"
        ) from None


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape`` with NumPy's rules.

    >>> import fungrad.numpy as fnp
    >>> fnp.broadcast_to(fnp.ones(3), (2, 3)).shape
    (2, 3)
    """
    x = _to_array(x)
    shape = tuple(int(d) for d in shape)
    x_shape = get_aval(x).shape
    if x_shape == shape:
        return x
    if len(x_shape) > len(shape) or broadcast_shapes(x_shape, shape) != shape:
        raise FungradTypeError(f"broadcast_to: cannot broadcast shape {x_shape} to {shape}")
    return sh.broadcast_in_dim(x, shape, range(len(shape) - len(x_shape), len(shape)))


def _promote_broadcast(*args):
    """Promote dtypes and broadcast shapes; concrete scalars stay scalars (primitives broadcast them)."""
    args = _promote(*args)
    shape = broadcast_shapes(*(get_aval(a).shape for a in args))
    return [a if _is_concrete_scalar(a) else broadcast_to(a, shape) for a in args]


def _is_concrete_scalar(x) -> bool:
    return isinstance(x, jax.Array) and x.shape == ()


def _binary(prim_fn, name: str, doc_example: str = "", on_bool=None):
    """A NumPy binary function; ``on_bool`` is the primitive used for boolean operands (add -> or)."""

    def fn(x, y):
        x, y = _promote_broadcast(x, y)
        if on_bool is not None and get_aval(x).dtype == np.bool_:
            return ew.bind(on_bool, x, y)
        return prim_fn(x, y)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` with NumPy broadcasting and JAX's type promotion.{doc_example}"
    return fn


def _unary_float(prim_fn, name: str):
    """Unary math that needs a floating input (integers are promoted, as in jax.numpy)."""

    def fn(x):
        return prim_fn(_to_inexact(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` (integer inputs are promoted to floating point)."
    return fn


def _to_inexact(x):
    x = _to_array(x)
    aval = get_aval(x)
    if core.is_differentiable_dtype(aval.dtype):
        return x
    # jax.numpy's mapping: bools and integers of up to 32 bits become float32, wider ones float64.
    target = np.float32 if aval.dtype.itemsize <= 4 else np.float64
    return ew.convert_element_type(x, jax.dtypes.canonicalize_dtype(target), aval.weak_type)


# ---- elementwise arithmetic ---------------------------------------------------------------------

add = _binary(
    ew.add,
    "add",
    on_bool=ew.or_p,
    doc_example="\n\n>>> import fungrad.numpy as fnp\n>>> fnp.add(1.0, fnp.ones(2)).tolist()\n[2.0, 2.0]",
)
subtract = _binary(ew.sub, "subtract")
multiply = _binary(ew.mul, "multiply", on_bool=ew.and_p)
maximum = _binary(ew.maximum, "maximum", on_bool=ew.or_p)
minimum = _binary(ew.minimum, "minimum", on_bool=ew.and_p)
equal = _binary(ew.eq, "equal")
not_equal = _binary(ew.ne, "not_equal")
less = _binary(ew.lt, "less")
less_equal = _binary(ew.le, "less_equal")
greater = _binary(ew.gt, "greater")
greater_equal = _binary(ew.ge, "greater_equal")


def true_divide(x, y):
    """Elementwise ``x / y``; integers are promoted to floating point, as in NumPy."""
    x, y = _promote_broadcast(x, y)
    return ew.div(_to_inexact(x), _to_inexact(y))


divide = true_divide


def floor_divide(x, y):
    """Elementwise ``x // y`` rounding toward minus infinity."""
    x, y = _promote_broadcast(x, y)
    if core.is_differentiable_dtype(get_aval(x).dtype):
        return ew.floor(ew.div(x, y))
    # Integer division truncates toward zero; step down where signs differ and it was inexact.
    quotient, remainder = ew.div(x, y), ew.rem(x, y)
    zero = ew.scalar_like(0, x)
    adjust = logical_and(ew.ne(ew.lt(x, zero), ew.lt(y, zero)), ew.ne(remainder, zero))
    return ew.select_n(adjust, quotient, ew.sub(quotient, ew.scalar_like(1, x)))


def remainder(x, y):
    """Elementwise remainder with the sign of the divisor (NumPy's ``%``)."""
    x, y = _promote_broadcast(x, y)
    r = ew.rem(x, y)
    zero = ew.scalar_like(0, r)
    wrong_sign = logical_and(ew.ne(r, zero), ew.ne(ew.lt(r, zero), ew.lt(y, zero)))
    return ew.select_n(wrong_sign, r, ew.add(r, y))


mod = remainder


def power(x, y):
    """Elementwise ``x ** y`` with jax.numpy's semantics.

    A concrete integer exponent uses repeated multiplication (exact for negative bases); integer
    bases with integer exponents use binary exponentiation; a float base with an integer array
    exponent keeps the exponent integer (so the derivative at ``x == 0`` is finite); otherwise
    both are promoted and ``pow`` applies (NaN for a negative base with a non-integer exponent).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.power(-2.0, 3)), fnp.power(fnp.array([2, 3]), fnp.array([3, 2])).tolist()
    (-8.0, [8, 9])
    """
    exponent = _concrete_index(y)
    if exponent is not None:
        x = _to_array(x)
        if get_aval(x).dtype == np.bool_:
            x = asarray(x, np.int32)  # jax.numpy's numeric promotion of booleans
        if not core.is_differentiable_dtype(get_aval(x).dtype) and exponent < 0:
            raise FungradTypeError("power: integers cannot be raised to negative integer powers")
        return ew.integer_pow(x, exponent)
    x_in, y_in = _to_array(x), _to_array(y)
    x, y = _promote_broadcast(x_in, y_in)
    if not core.is_differentiable_dtype(get_aval(x).dtype):
        return _pow_int_int(x, y)
    x_dtype, y_dtype = get_aval(x_in).dtype, get_aval(y_in).dtype
    if core.is_differentiable_dtype(x_dtype) and np.issubdtype(y_dtype, np.integer):
        shape = broadcast_shapes(get_aval(x_in).shape, get_aval(y_in).shape)
        return ew.pow(broadcast_to(x_in, shape), broadcast_to(y_in, shape))
    return ew.pow(x, y)


def _concrete_index(y) -> int | None:
    """``y`` as a Python int if it is a concrete integer scalar (as jax.numpy's ``power`` decides)."""
    if isinstance(y, Tracer):
        return None
    try:
        return operator.index(y)
    except TypeError:  # floats, arrays, and JAX tracers (when fungrad runs inside jax.jit)
        return None


def _pow_int_int(x, y):
    """Integer power by binary exponentiation over the exponent's low 6 bits (more overflows)."""
    from fungrad._src.primitives.special import shift_right_logical

    if get_aval(x).dtype == np.bool_:
        x, y = (asarray(a, np.int32) for a in (x, y))
    shape = broadcast_shapes(get_aval(x).shape, get_aval(y).shape)
    x, y = broadcast_to(x, shape), broadcast_to(y, shape)
    zero, one = ew.scalar_like(0, y), ew.scalar_like(1, y)
    acc = ew.select_n(logical_and(ew.eq(x, zero), ew.ne(y, zero)), one, zero)
    for _ in range(6):
        acc = ew.select_n(ew.ne(ew.bind(ew.and_p, y, one), zero), acc, ew.mul(acc, x))
        x = ew.mul(x, x)
        y = shift_right_logical(y, one)
    return acc


def negative(x):
    return ew.neg(_to_array(x))


def positive(x):
    return _to_array(x)


def absolute(x):
    return ew.abs(_to_array(x))


abs = absolute  # noqa: A001


def sign(x):
    return ew.sign(_to_array(x))


def square(x):
    return ew.integer_pow(_to_array(x), 2)


def reciprocal(x):
    x = _to_inexact(x)
    return ew.div(ew.scalar_like(1, x), x)


exp = _unary_float(ew.exp, "exp")
log = _unary_float(ew.log, "log")
log1p = _unary_float(ew.log1p, "log1p")
expm1 = _unary_float(ew.expm1, "expm1")
sin = _unary_float(ew.sin, "sin")
cos = _unary_float(ew.cos, "cos")
tan = _unary_float(ew.tan, "tan")
tanh = _unary_float(ew.tanh, "tanh")
sqrt = _unary_float(ew.sqrt, "sqrt")


def _rounding(prim_fn, name):
    def fn(x):
        x = _to_array(x)
        return prim_fn(x) if core.is_differentiable_dtype(get_aval(x).dtype) else x

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` (integers are returned unchanged)."
    return fn


floor = _rounding(ew.floor, "floor")
ceil = _rounding(ew.ceil, "ceil")


def round(x, decimals: int = 0):  # noqa: A001
    """Round half to even, like ``numpy.round``."""
    x = _to_array(x)
    if not core.is_differentiable_dtype(get_aval(x).dtype):
        return x
    if decimals == 0:
        return ew.round(x)
    factor = ew.scalar_like(10.0**decimals, x)
    return ew.div(ew.round(ew.mul(x, factor)), factor)


around = round


def logical_and(x, y):
    x, y = _promote_broadcast(asarray(x, bool), asarray(y, bool))
    return ew.bind(ew.and_p, x, y)


def logical_or(x, y):
    x, y = _promote_broadcast(asarray(x, bool), asarray(y, bool))
    return ew.bind(ew.or_p, x, y)


def logical_not(x):
    return ew.bind(ew.not_p, asarray(x, bool))


def _bitwise(prim, name):
    def fn(x, y):
        x, y = _promote_broadcast(x, y)
        return ew.bind(prim, x, y)

    fn.__name__ = fn.__qualname__ = name
    return fn


bitwise_and = _bitwise(ew.and_p, "bitwise_and")
bitwise_or = _bitwise(ew.or_p, "bitwise_or")
bitwise_xor = _bitwise(ew.xor_p, "bitwise_xor")


def invert(x):
    return ew.bind(ew.not_p, _to_array(x))


def isfinite(x):
    x = _to_array(x)
    if not core.is_differentiable_dtype(get_aval(x).dtype):
        return full_like(x, True, dtype=bool)
    return ew.lt(absolute(x), ew.scalar_like(np.inf, x))


def where(condition, x, y):
    """Elementwise ``x`` where ``condition`` else ``y`` (broadcast together).

    The gradient flows only into the selected branch, but a NaN or inf produced in the unselected
    branch's *derivative* still poisons the result (``0 * inf``): guard the input of the unsafe
    branch too (``where(x > 0, log(where(x > 0, x, 1)), 0)``), as in JAX.

    >>> import fungrad.numpy as fnp
    >>> fnp.where(fnp.array([True, False]), 1.0, 2.0).tolist()
    [1.0, 2.0]
    """
    x, y = _promote(x, y)
    condition = asarray(condition, bool)
    shape = broadcast_shapes(get_aval(condition).shape, get_aval(x).shape, get_aval(y).shape)
    return ew.select_n(broadcast_to(condition, shape), broadcast_to(y, shape), broadcast_to(x, shape))


def clip(x, a_min=None, a_max=None):
    """Limit ``x`` to ``[a_min, a_max]`` (either bound may be None)."""
    x = _to_array(x)
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def stop_gradient(x):
    """``x`` unchanged, but treated as a constant by every differentiation."""
    return ew.stop_gradient(_to_array(x))


# ---- creation --------------------------------------------------------------------------------------


def _default_float():
    return jax.dtypes.canonicalize_dtype(np.float64)


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value`` (built by broadcasting, so it stages as one op)."""
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
    value = asarray(fill_value, dtype)
    return broadcast_to(value, shape)


def zeros(shape, dtype=None):
    """An array of zeros.

    >>> import fungrad.numpy as fnp
    >>> fnp.zeros((2, 3)).shape
    (2, 3)
    """
    return full(shape, 0, dtype or _default_float())


def ones(shape, dtype=None):
    """An array of ones."""
    return full(shape, 1, dtype or _default_float())


def full_like(x, fill_value, dtype=None, shape=None):
    aval = get_aval(x)
    return full(aval.shape if shape is None else shape, fill_value, dtype or aval.dtype)


def zeros_like(x, dtype=None, shape=None):
    return full_like(x, 0, dtype, shape)


def ones_like(x, dtype=None, shape=None):
    return full_like(x, 1, dtype, shape)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values (a constant: its bounds must be concrete), as ``jax.numpy.arange``."""
    for v in (start, stop, step):
        if isinstance(v, Tracer):
            core.to_concrete_value(v)
    return jnp.arange(start, stop, step, dtype=dtype)


def linspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` (differentiable in the endpoints)."""
    start, stop = _promote(_to_inexact(start), _to_inexact(stop))
    div = (num - 1) if endpoint else num
    steps = jnp.arange(num, dtype=get_aval(start).dtype) / builtins.max(div, 1)
    shape = (num,)
    out = add(multiply(subtract(stop, start), steps), broadcast_to(start, shape))
    if endpoint and num > 1:
        out = concatenate([out[:-1], expand_dims(stop, 0)])
    return out if dtype is None else asarray(out, dtype)


def eye(n: int, m: int | None = None, k: int = 0, dtype=None):
    """The identity matrix (ones on the ``k``-th diagonal)."""
    return jnp.eye(n, m, k, dtype=dtype or _default_float())


# ---- reductions -----------------------------------------------------------------------------------


def _canonical_axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < builtins.max(ndim, 1):
            raise FungradTypeError(f"axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(a % builtins.max(ndim, 1))
    return tuple(sorted(set(out)))


def _keepdims(out, axes, keepdims: bool):
    return expand_dims(out, axes) if keepdims and axes else out


def sum(x, axis=None, dtype=None, keepdims: bool = False):  # noqa: A001
    """Sum over ``axis`` (all axes by default); booleans and small integers sum as the default int.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.sum(fnp.ones((2, 3))))
    6.0
    """
    x = _to_array(x)
    aval = get_aval(x)
    if dtype is not None:
        x = asarray(x, dtype)
    elif aval.dtype == np.bool_ or aval.dtype.kind in "iu":
        # jax.numpy sums booleans and integers narrower than the default int in the default int.
        default = jax.dtypes.canonicalize_dtype(np.uint64 if aval.dtype.kind == "u" else np.int64)
        if aval.dtype.itemsize < default.itemsize or aval.dtype == np.bool_:
            x = asarray(x, default)
    axes = _canonical_axes(axis, aval.ndim)
    return _keepdims(red.reduce_sum(_strip_weak(x), axes), axes, keepdims)


def _strip_weak(x):
    """jax.numpy's reductions return strongly typed results, even of weakly typed inputs."""
    aval = get_aval(x)
    return ew.convert_element_type(x, aval.dtype, False) if aval.weak_type else x


def mean(x, axis=None, dtype=None, keepdims: bool = False):
    """Arithmetic mean over ``axis``; integers average in floating point."""
    x = _to_inexact(x) if dtype is None else asarray(x, dtype)
    aval = get_aval(x)
    axes = _canonical_axes(axis, aval.ndim)
    count = int(np.prod([aval.shape[a] for a in axes], dtype=np.int64))
    total = sum(x, axis=axes, keepdims=keepdims)
    return ew.div(total, ew.scalar_like(count, total))


def var(x, axis=None, dtype=None, ddof: int = 0, keepdims: bool = False):
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom."""
    x = _to_inexact(x) if dtype is None else asarray(x, dtype)
    aval = get_aval(x)
    axes = _canonical_axes(axis, aval.ndim)
    centered = subtract(x, mean(x, axis=axes, keepdims=True))
    count = int(np.prod([aval.shape[a] for a in axes], dtype=np.int64)) - ddof
    total = sum(square(centered), axis=axes, keepdims=keepdims)
    return ew.div(total, ew.scalar_like(count, total))


def std(x, axis=None, dtype=None, ddof: int = 0, keepdims: bool = False):
    """Standard deviation over ``axis``."""
    return sqrt(var(x, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def _extremum(reduce, name):
    def fn(x, axis=None, keepdims: bool = False):
        x = _to_array(x)
        axes = _canonical_axes(axis, get_aval(x).ndim)
        if get_aval(x).size == 0:
            raise FungradTypeError(f"{name}: zero-size array has no {name}")
        return _keepdims(reduce(_strip_weak(x), axes), axes, keepdims)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}`` over ``axis``; the gradient is shared evenly among tied elements."
    return fn


max = _extremum(red.reduce_max, "max")  # noqa: A001
min = _extremum(red.reduce_min, "min")  # noqa: A001
amax, amin = max, min


def _arg_extremum(prim_fn, name):
    def fn(x, axis=None, keepdims: bool = False):
        x = _to_array(x)
        if axis is None:
            x, axis = ravel(x), 0
        axis = _canonical_axes(axis, get_aval(x).ndim)[0]
        out = prim_fn(x, axis, jax.dtypes.canonicalize_dtype(np.int64))
        return _keepdims(out, (axis,), keepdims)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Index of the {name[3:]} along ``axis`` (of the flattened array if None)."
    return fn


argmax = _arg_extremum(red.argmax, "argmax")
argmin = _arg_extremum(red.argmin, "argmin")


# ---- products --------------------------------------------------------------------------------------


def dot(a, b):
    """NumPy's ``dot``: contracts the last axis of ``a`` with the second-to-last (or only) axis of ``b``."""
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    _check_contract("dot", a, b, na - 1, builtins.max(nb - 2, 0))
    return dot_prims.dot_general(a, b, (((na - 1,), (builtins.max(nb - 2, 0),)), ((), ())))


def _check_contract(name, a, b, axis_a, axis_b):
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if sa[axis_a] != sb[axis_b]:
        raise FungradTypeError(
            f"{name}: shapes {sa} and {sb} are not aligned: axis {axis_a} of the first ({sa[axis_a]}) "
            f"must equal axis {axis_b} of the second ({sb[axis_b]})"
        )


def matmul(a, b):
    """Matrix product with broadcasting over leading (batch) axes, as ``numpy.matmul``.

    >>> import fungrad.numpy as fnp
    >>> fnp.matmul(fnp.ones((2, 3)), fnp.ones((3, 4))).shape
    (2, 4)
    """
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        raise FungradTypeError("matmul: operands must be at least 1-dimensional; use multiply for scalars")
    a2 = expand_dims(a, 0) if na == 1 else a
    b2 = expand_dims(b, -1) if nb == 1 else b
    sa, sb = get_aval(a2).shape, get_aval(b2).shape
    _check_contract("matmul", a, b, na - 1, 0 if nb == 1 else nb - 2)  # the user's shapes, not a2/b2
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    a2 = broadcast_to(a2, batch + sa[-2:])
    b2 = broadcast_to(b2, batch + sb[-2:])
    nbatch = len(batch)
    batch_dims = tuple(range(nbatch))
    out = dot_prims.dot_general(a2, b2, (((nbatch + 1,), (nbatch,)), (batch_dims, batch_dims)))
    if na == 1:
        out = squeeze(out, -2)
    if nb == 1:
        out = squeeze(out, -1)
    return out


def outer(a, b):
    """Outer product of the flattened inputs."""
    a, b = ravel(a), ravel(b)
    return multiply(expand_dims(a, 1), expand_dims(b, 0))


def vdot(a, b):
    return dot(ravel(a), ravel(b))


def inner(a, b):
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    return dot_prims.dot_general(a, b, (((na - 1,), (nb - 1,)), ((), ())))


# ---- shapes ------------------------------------------------------------------------------------------


def shape(x) -> tuple[int, ...]:
    return get_aval(x).shape


def ndim(x) -> int:
    return get_aval(x).ndim


def size(x) -> int:
    return get_aval(x).size


def reshape(x, newshape, order: str = "C"):
    """Give ``x`` a new shape with the same number of elements (one entry may be -1)."""
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    x = _to_array(x)
    newshape = (newshape,) if np.ndim(newshape) == 0 else tuple(int(d) for d in newshape)
    total = get_aval(x).size
    if newshape.count(-1) > 1:
        raise FungradTypeError(f"reshape: can only specify one unknown dimension, got {newshape}")
    if -1 in newshape:
        known = int(np.prod([d for d in newshape if d != -1], dtype=np.int64))
        if known == 0 or total % known:
            raise FungradTypeError(f"reshape: cannot reshape array of shape {get_aval(x).shape} into {newshape}")
        newshape = tuple(total // known if d == -1 else d for d in newshape)
    if int(np.prod(newshape, dtype=np.int64)) != total:
        raise FungradTypeError(f"reshape: cannot reshape array of shape {get_aval(x).shape} into {newshape}")
    return sh.reshape(x, newshape)


def ravel(x):
    return reshape(x, (-1,))


def transpose(x, axes=None):
    """Permute axes (reverse them by default)."""
    x = _to_array(x)
    n = get_aval(x).ndim
    axes = tuple(reversed(range(n))) if axes is None else tuple(a % builtins.max(n, 1) for a in axes)
    if sorted(axes) != list(range(n)):
        raise FungradTypeError(f"transpose: axes {axes} are not a permutation of {n} axes")
    return sh.transpose(x, axes)


def swapaxes(x, axis1: int, axis2: int):
    x = _to_array(x)
    perm = list(range(get_aval(x).ndim))
    a, b = _canonical_axes(axis1, len(perm))[0], _canonical_axes(axis2, len(perm))[0]
    perm[a], perm[b] = perm[b], perm[a]
    return sh.transpose(x, perm)


def moveaxis(x, source, destination):
    x = _to_array(x)
    n = get_aval(x).ndim
    src = [a % n for a in ((source,) if isinstance(source, int) else source)]
    dst = [a % n for a in ((destination,) if isinstance(destination, int) else destination)]
    perm = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return sh.transpose(x, perm)


def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``, which must have size 1)."""
    x = _to_array(x)
    shp = get_aval(x).shape
    if axis is None:
        axes = tuple(i for i, d in enumerate(shp) if d == 1)
    else:
        axes = _canonical_axes(axis, len(shp))
        bad = [a for a in axes if shp[a] != 1]
        if bad:
            raise FungradTypeError(f"squeeze: axis {bad[0]} of shape {shp} does not have size 1")
    return sh.squeeze(x, axes)


def expand_dims(x, axis):
    """Insert size-1 axes at ``axis`` (positions in the result; negative counts from the end)."""
    x = _to_array(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out_ndim = get_aval(x).ndim + len(axes)
    return sh.expand_dims(x, tuple(sorted(a % out_ndim for a in axes)))


def concatenate(arrays: Sequence, axis: int = 0):
    """Join arrays along an existing axis (dtypes promoted).

    >>> import fungrad.numpy as fnp
    >>> fnp.concatenate([fnp.ones(2), fnp.zeros(3)]).shape
    (5,)
    """
    arrays = _promote(*arrays)
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    ndim = get_aval(arrays[0]).ndim
    if ndim == 0:
        raise FungradTypeError("concatenate: zero-dimensional arrays cannot be concatenated")
    axis = _canonical_axes(axis, ndim)[0]
    shapes = [get_aval(a).shape for a in arrays]
    for s in shapes:
        if len(s) != ndim or s[:axis] + s[axis + 1 :] != shapes[0][:axis] + shapes[0][axis + 1 :]:
            raise FungradTypeError(f"concatenate: shapes {shapes} differ outside axis {axis}")
    return sh.concatenate(arrays, axis)


def stack(arrays: Sequence, axis: int = 0):
    """Join arrays along a new axis."""
    arrays = _promote(*arrays)
    shapes = {get_aval(a).shape for a in arrays}
    if len(shapes) != 1:
        raise FungradTypeError(f"stack: all input arrays must have the same shape, got {sorted(shapes)}")
    out_ndim = get_aval(arrays[0]).ndim + 1
    axis = axis % out_ndim
    return sh.concatenate([sh.expand_dims(a, (axis,)) for a in arrays], axis)


def split(x, indices_or_sections, axis: int = 0):
    """Split into equal sections (an int) or at the given indices."""
    x = _to_array(x)
    shp = get_aval(x).shape
    axis = _canonical_axes(axis, len(shp))[0]
    n = shp[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise FungradTypeError(
                f"split: axis of length {n} does not divide into {indices_or_sections} equal sections"
            )
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step)) if step else [0] * (indices_or_sections + 1)
    else:
        bounds = [0, *[int(i) for i in indices_or_sections], n]
    pieces = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        start = [0] * len(shp)
        limit = list(shp)
        start[axis], limit[axis] = builtins.min(lo, n), builtins.min(builtins.max(hi, lo), n)
        pieces.append(sh.slice(x, start, limit))
    return pieces


def flip(x, axis=None):
    x = _to_array(x)
    return sh.rev(x, _canonical_axes(axis, get_aval(x).ndim))


def astype(x, dtype):
    return asarray(x, dtype)


def result_type(*args):
    return core.result_type(*(get_aval(a) for a in args))[0]
