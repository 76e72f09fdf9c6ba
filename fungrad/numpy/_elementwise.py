"""Elementwise NumPy functions: arithmetic, powers, transcendental functions, rounding, comparisons,
logic and bit operations, ``where`` and ``clip``.

Each applies NumPy broadcasting and JAX's type promotion (``_conversion``) and then one or a few
elementwise primitives, which carry the derivative and batching rules.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from fungrad._src import core
from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives.special import shift_right_logical
from fungrad.numpy._conversion import (
    _check_out,
    _concrete,
    _promote,
    _promote_broadcast,
    _to_array,
    _to_inexact,
    asarray,
    broadcast_shapes,
    broadcast_to,
)
from fungrad.numpy._function_docs import named


def _binary(prim_fn, name: str, example_result: str, on_bool=None):
    """A NumPy binary function; ``on_bool`` is the primitive used for boolean operands (add -> or).

    ``example_result`` is what the docstring example ``name([1.0, 2.0], 2.0)`` prints.
    """

    def fn(x, y):
        x, y = _promote_broadcast(x, y)
        if on_bool is not None and get_aval(x).dtype == np.bool_:
            return ew.bind(on_bool, x, y)
        return prim_fn(x, y)

    summary = f"Elementwise ``{name}`` with NumPy broadcasting and JAX's type promotion."
    return named(fn, name, summary, f"fnp.{name}(fnp.array([1.0, 2.0]), 2.0).tolist()", example_result)


def _unary_float(prim_fn, name: str, example_arg: str, example_result: str):
    """Unary math that needs a floating input (integers are promoted, as in jax.numpy).

    The docstring example prints ``name(array(example_arg)).tolist()``: ``example_result``.
    """

    def fn(x):
        return prim_fn(_to_inexact(x))

    summary = f"Elementwise ``{name}`` (integer inputs are promoted to floating point)."
    return named(fn, name, summary, f"fnp.{name}(fnp.array({example_arg})).tolist()", example_result)


# ---- elementwise arithmetic ---------------------------------------------------------------------

add = _binary(ew.add, "add", "[3.0, 4.0]", on_bool=ew.or_p)
subtract = _binary(ew.sub, "subtract", "[-1.0, 0.0]")
multiply = _binary(ew.mul, "multiply", "[2.0, 4.0]", on_bool=ew.and_p)
maximum = _binary(ew.maximum, "maximum", "[2.0, 2.0]", on_bool=ew.or_p)
minimum = _binary(ew.minimum, "minimum", "[1.0, 2.0]", on_bool=ew.and_p)
equal = _binary(ew.eq, "equal", "[False, True]")
not_equal = _binary(ew.ne, "not_equal", "[True, False]")
less = _binary(ew.lt, "less", "[True, False]")
less_equal = _binary(ew.le, "less_equal", "[True, True]")
greater = _binary(ew.gt, "greater", "[False, False]")
greater_equal = _binary(ew.ge, "greater_equal", "[False, True]")


def true_divide(x, y):
    """Elementwise ``x / y``; integers are promoted to floating point, as in NumPy.

    >>> import fungrad.numpy as fnp
    >>> fnp.true_divide(fnp.array([1, 3]), 2).tolist()
    [0.5, 1.5]
    """
    x, y = _promote_broadcast(x, y)
    return ew.div(_to_inexact(x), _to_inexact(y))


divide = true_divide


def floor_divide(x, y):
    """Elementwise ``x // y`` rounding toward minus infinity.

    >>> import fungrad.numpy as fnp
    >>> fnp.floor_divide(fnp.array([7, -7]), 2).tolist()
    [3, -4]
    """
    x, y = _promote_broadcast(x, y)
    if core.is_differentiable_dtype(get_aval(x).dtype):
        return ew.floor(ew.div(x, y))
    # Integer division truncates toward zero; step down where signs differ and it was inexact.
    quotient, remainder = ew.div(x, y), ew.rem(x, y)
    zero = ew.scalar_like(0, x)
    adjust = logical_and(ew.ne(ew.lt(x, zero), ew.lt(y, zero)), ew.ne(remainder, zero))
    return ew.select_n(adjust, quotient, ew.sub(quotient, ew.scalar_like(1, x)))


def remainder(x, y):
    """Elementwise remainder with the sign of the divisor (NumPy's ``%``).

    >>> import fungrad.numpy as fnp
    >>> fnp.remainder(fnp.array([7, -7]), 3).tolist()
    [1, 2]
    """
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
    """Elementwise ``-x``.

    >>> import fungrad.numpy as fnp
    >>> fnp.negative(fnp.array([1.0, -2.0])).tolist()
    [-1.0, 2.0]
    """
    return ew.neg(_to_array(x))


def positive(x):
    """Elementwise ``+x`` (``x`` as an array).

    >>> import fungrad.numpy as fnp
    >>> fnp.positive(fnp.array([1.0, -2.0])).tolist()
    [1.0, -2.0]
    """
    return _to_array(x)


def absolute(x):
    """Elementwise absolute value (``abs``).

    >>> import fungrad.numpy as fnp
    >>> fnp.absolute(fnp.array([-1.5, 2.0])).tolist()
    [1.5, 2.0]
    """
    return ew.abs(_to_array(x))


abs = absolute  # noqa: A001


def sign(x):
    """Elementwise sign: -1, 0 or 1 (its derivative is zero).

    >>> import fungrad.numpy as fnp
    >>> fnp.sign(fnp.array([-3.0, 0.0, 2.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    return ew.sign(_to_array(x))


def square(x):
    """Elementwise ``x * x``.

    >>> import fungrad.numpy as fnp
    >>> fnp.square(fnp.array([-3, 2])).tolist()
    [9, 4]
    """
    return ew.integer_pow(_to_array(x), 2)


def reciprocal(x):
    """Elementwise ``1 / x`` (integers are promoted to floating point).

    >>> import fungrad.numpy as fnp
    >>> fnp.reciprocal(fnp.array([2, 4])).tolist()
    [0.5, 0.25]
    """
    x = _to_inexact(x)
    return ew.div(ew.scalar_like(1, x), x)


exp = _unary_float(ew.exp, "exp", "[0.0]", "[1.0]")
log = _unary_float(ew.log, "log", "[1]", "[0.0]")
log1p = _unary_float(ew.log1p, "log1p", "[0.0]", "[0.0]")
expm1 = _unary_float(ew.expm1, "expm1", "[0.0]", "[0.0]")
sin = _unary_float(ew.sin, "sin", "[0.0]", "[0.0]")
cos = _unary_float(ew.cos, "cos", "[0.0]", "[1.0]")
tan = _unary_float(ew.tan, "tan", "[0.0]", "[0.0]")
tanh = _unary_float(ew.tanh, "tanh", "[0.0]", "[0.0]")
sqrt = _unary_float(ew.sqrt, "sqrt", "[1, 4]", "[1.0, 2.0]")


def _rounding(prim_fn, name, example_result: str):
    def fn(x):
        x = _to_array(x)
        return prim_fn(x) if core.is_differentiable_dtype(get_aval(x).dtype) else x

    summary = f"Elementwise ``{name}`` (integers are returned unchanged)."
    return named(fn, name, summary, f"fnp.{name}(fnp.array([-1.5, 2.5])).tolist()", example_result)


floor = _rounding(ew.floor, "floor", "[-2.0, 2.0]")
ceil = _rounding(ew.ceil, "ceil", "[-1.0, 3.0]")


def round(a, decimals: int = 0, out=None):  # noqa: A001
    """Round half to even, like ``numpy.round`` (to ``decimals`` places).

    >>> import fungrad.numpy as fnp
    >>> fnp.round(fnp.array([0.5, 1.5, 2.5])).tolist()
    [0.0, 2.0, 2.0]
    """
    _check_out("round", out)
    x = _to_array(a)
    if not core.is_differentiable_dtype(get_aval(x).dtype):
        return x
    if decimals == 0:
        return ew.round(x)
    factor = ew.scalar_like(10.0**decimals, x)
    return ew.div(ew.round(ew.mul(x, factor)), factor)


around = round


def logical_and(x, y):
    """Elementwise logical AND (inputs are cast to bool).

    >>> import fungrad.numpy as fnp
    >>> fnp.logical_and(fnp.array([True, True]), fnp.array([True, False])).tolist()
    [True, False]
    """
    x, y = _promote_broadcast(asarray(x, bool), asarray(y, bool))
    return ew.bind(ew.and_p, x, y)


def logical_or(x, y):
    """Elementwise logical OR (inputs are cast to bool).

    >>> import fungrad.numpy as fnp
    >>> fnp.logical_or(fnp.array([0, 1]), 0).tolist()
    [False, True]
    """
    x, y = _promote_broadcast(asarray(x, bool), asarray(y, bool))
    return ew.bind(ew.or_p, x, y)


def logical_not(x):
    """Elementwise logical NOT (inputs are cast to bool).

    >>> import fungrad.numpy as fnp
    >>> fnp.logical_not(fnp.array([0.0, 2.0])).tolist()
    [True, False]
    """
    return ew.bind(ew.not_p, asarray(x, bool))


def _bitwise(prim, name, example_result: str):
    def fn(x, y):
        x, y = _promote_broadcast(x, y)
        return ew.bind(prim, x, y)

    summary = f"Elementwise ``{name}`` of integers or booleans (broadcast, promoted)."
    return named(fn, name, summary, f"fnp.{name}(fnp.array([12]), 10).tolist()", example_result)


bitwise_and = _bitwise(ew.and_p, "bitwise_and", "[8]")
bitwise_or = _bitwise(ew.or_p, "bitwise_or", "[14]")
bitwise_xor = _bitwise(ew.xor_p, "bitwise_xor", "[6]")


def invert(x):
    """Elementwise bitwise NOT (logical NOT for booleans).

    >>> import fungrad.numpy as fnp
    >>> fnp.invert(fnp.array([True, False])).tolist()
    [False, True]
    """
    return ew.bind(ew.not_p, _to_array(x))


def isfinite(x):
    """Elementwise test for finite values (not inf, not NaN).

    >>> import fungrad.numpy as fnp
    >>> fnp.isfinite(fnp.array([1.0, fnp.inf, fnp.nan])).tolist()
    [True, False, False]
    """
    x = _to_array(x)
    if not core.is_differentiable_dtype(get_aval(x).dtype):
        return broadcast_to(_concrete(True), get_aval(x).shape)  # integers are always finite
    if np.issubdtype(get_aval(x).dtype, np.complexfloating):  # both parts finite
        return logical_and(isfinite(cx.real(x)), isfinite(cx.imag(x)))
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


def clip(arr=None, /, min=None, max=None, *, a_min=None, a_max=None):  # noqa: A002 - jax.numpy's names
    """Limit ``arr`` to ``[min, max]`` (either bound may be None).

    ``a_min``/``a_max`` are the older names of ``min``/``max`` (deprecated; jax.numpy has removed them).

    >>> import fungrad.numpy as fnp
    >>> fnp.clip(fnp.array([-2.0, 0.5, 3.0]), 0.0, 1.0).tolist()
    [0.0, 0.5, 1.0]
    >>> fnp.clip(fnp.array([-2.0, 0.5, 3.0]), max=1.0).tolist()
    [-2.0, 0.5, 1.0]
    """
    if a_min is not None or a_max is not None:
        if (a_min is not None and min is not None) or (a_max is not None and max is not None):
            raise TypeError("clip: give each bound once, as min/max (a_min/a_max are their deprecated names)")
        warnings.warn("clip: a_min/a_max are deprecated; use min/max (as jax.numpy)", DeprecationWarning, stacklevel=2)
        min, max = a_min if a_min is not None else min, a_max if a_max is not None else max
    if arr is None:
        raise ValueError("clip: the array to clip is missing (pass it as the first argument)")
    x = _to_array(arr)
    if min is not None:
        x = maximum(x, min)
    if max is not None:
        x = minimum(x, max)
    return x
