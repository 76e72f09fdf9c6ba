"""Elementwise primitives: arithmetic, transcendental functions, comparisons, select, casts.

At this level operands of an n-ary primitive have equal dtypes and equal shapes, except that a
*concrete* scalar may stand beside an array (as in jax.lax: ``mul x 2.0``); ``fungrad.numpy`` does
NumPy broadcasting and JAX's dtype promotion before binding. Rules build constants with
:func:`scalar` (a 0-d constant) or :func:`scalar_like` (full shape, where a case of ``select_n``
needs it). Each primitive is a few lines: the primitive, its wrapper, lowering, jvp, transpose if
linear, batching.
"""

from __future__ import annotations

import jax
import numpy as np
from jax import lax

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero, defjvp, defjvp_zero, deflinear, is_undefined
from fungrad._src.core import Primitive, bind, def_lowering
from fungrad._src.jax_compat import convert_element_type as _lax_convert
from fungrad._src.primitives import complex_parts as _cx
from fungrad._src.primitives import layout


def _unary(name: str, lowering, jvp=None, *, linear: bool = False) -> Primitive:
    """A one-operand elementwise primitive: lowering, optional jvp term, batching applies it as is."""
    prim = Primitive(name, linear=linear)
    def_lowering(prim, lowering)
    if jvp is not None:
        defjvp(prim, jvp)
    batching.def_vectorized(prim)
    return prim


def _nary(name: str, lowering, *jvps, linear: bool = False) -> Primitive:
    """An n-ary elementwise primitive over equal shapes: batching aligns batch dims."""
    prim = Primitive(name, linear=linear)
    def_lowering(prim, lowering)
    if jvps:
        defjvp(prim, *jvps)
    batching.def_broadcasting(prim)
    return prim


def _document(fn, name: str, operands: str, summary: str, example: str, result: str):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{summary}

    As ``jax.lax``: at this level operands have one dtype and one shape (a concrete scalar may stand
    beside an array); ``fungrad.numpy`` broadcasts and promotes first.

    Args:
        {operands}

    Returns:
        The elementwise result.

    >>> import fungrad.lax as flax
    >>> {example}
    {result}
    """
    return fn


def _unary_function(prim: Primitive, name: str, summary: str, example: str, result: str):
    """The user-facing function ``name(x)`` of a one-operand primitive, documented."""

    def fn(x):
        return bind(prim, x)

    return _document(fn, name, "x: an array.", summary, example, result)


def _binary_function(prim: Primitive, name: str, summary: str, example: str, result: str):
    """The user-facing function ``name(x, y)`` of a two-operand primitive, documented."""

    def fn(x, y):
        return bind(prim, x, y)

    return _document(
        fn, name, "x, y: arrays of one dtype and shape (either may be a scalar).", summary, example, result
    )


_constants: dict = {}


def constant(value, aval: core.ShapedArray):
    """A 0-d constant with ``aval``'s dtype and weak type (cached), so rules keep JAX's weak typing."""
    key = (value, aval.dtype, aval.weak_type)
    hit = _constants.get(key)
    if hit is None:
        # Concrete even when first asked for while the user's jax.jit traces fungrad ops: a cached
        # JAX tracer would leak into later traces (XLA then rejects the executable's arguments).
        with jax.ensure_compile_time_eval():
            hit = _lax_convert(np.array(value, dtype=aval.dtype), aval.dtype, aval.weak_type)
        if len(_constants) < 4096:
            _constants[key] = hit
    return hit


def full_like_aval(value, aval: core.ShapedArray):
    """An array of ``value`` with ``aval``'s shape and dtype (built from a scalar, so it stages as one op)."""
    return layout.broadcast_in_dim(constant(value, aval), aval.shape, ())


def scalar_like(value, x):
    """``value`` as an array of ``x``'s shape and dtype."""
    return full_like_aval(value, core.get_aval(x))


def scalar(value, x):
    """``value`` as a 0-d constant of ``x``'s dtype and weak type (binary primitives broadcast it)."""
    return constant(value, core.get_aval(x))


def unbroadcast(ct, aval: core.ShapedArray):
    """Sum a cotangent down to a scalar operand's shape (operands may be scalars beside arrays)."""
    ct_shape = core.get_aval(ct).shape
    if ct_shape == aval.shape:
        return ct
    return layout.reduce_sum(ct, tuple(range(len(ct_shape))))


# ---- linear arithmetic ---------------------------------------------------------------------------

add_p = _nary("add", lax.add)
sub_p = _nary("sub", lax.sub)
neg_p = _unary("neg", lax.neg)


add = _binary_function(add_p, "add", "``x + y`` elementwise.", "flax.add(1.0, 2.0).tolist()", "3.0")


sub = _binary_function(sub_p, "sub", "``x - y`` elementwise.", "flax.sub(1.0, 2.0).tolist()", "-1.0")


neg = _unary_function(neg_p, "neg", "``-x`` elementwise.", "flax.neg(2.0).tolist()", "-2.0")


def _keep_linear(ct, operands):
    return [unbroadcast(ct, x.aval) if is_undefined(x) else None for x in operands]


deflinear(add_p, lambda ct, x, y: _keep_linear(ct, (x, y)))


def _sub_transpose(ct, x, y):
    return [
        unbroadcast(ct, x.aval) if is_undefined(x) else None,
        unbroadcast(neg(ct), y.aval) if is_undefined(y) else None,
    ]


deflinear(sub_p, _sub_transpose)
deflinear(neg_p, lambda ct, x: [neg(ct)])


def _add_jvp(primals, tangents):
    # Linear, but a zero tangent on one side must not be instantiated: pass the other through.
    x, y = primals
    tx, ty = tangents
    ans = add(x, y)
    if type(tx) is Zero and type(ty) is Zero:
        return ans, Zero(core.get_aval(ans).to_tangent_aval())
    return ans, tx if type(ty) is Zero else ty if type(tx) is Zero else add(tx, ty)


def _sub_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    ans = sub(x, y)
    if type(ty) is Zero:
        return ans, tx
    return ans, neg(ty) if type(tx) is Zero else sub(tx, ty)


ad.def_jvp(add_p, _add_jvp)
ad.def_jvp(sub_p, _sub_jvp)

# ---- bilinear and rational -----------------------------------------------------------------------

mul_p = _nary("mul", lax.mul)
div_p = _nary("div", lax.div, linear=True)  # linear in its numerator


mul = _binary_function(mul_p, "mul", "``x * y`` elementwise.", "flax.mul(2.0, 3.0).tolist()", "6.0")


div = _binary_function(
    div_p, "div", "``x / y`` elementwise (integers round towards zero, as C).", "flax.div(7.0, 2.0).tolist()", "3.5"
)


ad.defbilinear(
    mul_p, lambda ct, x, y: unbroadcast(mul(ct, y), x.aval), lambda ct, x, y: unbroadcast(mul(x, ct), y.aval)
)
# d(x/y) = dx/y - dy * (x/y)/y
defjvp(div_p, lambda t, ans, x, y: div(t, y), lambda t, ans, x, y: neg(mul(t, div(ans, y))))


def _div_transpose(ct, x, y):
    if is_undefined(y):
        raise NotImplementedError("[vjp] div is only linear in its numerator")
    return [None if type(ct) is Zero else unbroadcast(div(ct, y), x.aval), None]


ad.def_transpose(div_p, _div_transpose)

# ---- rem: remainder with the sign of the dividend (C's fmod) ------------------------------------------

rem_p = _nary("rem", lax.rem)


rem = _binary_function(
    rem_p, "rem", "Remainder with the sign of the dividend (C's ``fmod``).", "flax.rem(-7.0, 3.0).tolist()", "-1.0"
)


# rem(x, y) = x - y * trunc(x / y): d/dx = 1, d/dy = -trunc(x / y)
defjvp(rem_p, lambda t, ans, x, y: t, lambda t, ans, x, y: neg(mul(t, _trunc(div(x, y)))))


def _trunc(x):
    return mul(sign(x), floor(abs(x)))


# ---- max, min: ties split the derivative evenly, as in JAX ---------------------------------------

max_p = _nary("max", lax.max)
min_p = _nary("min", lax.min)


maximum = _binary_function(
    max_p,
    "maximum",
    "Elementwise maximum; at ties the derivative is split evenly, as in JAX.",
    "flax.max(1.0, 2.0).tolist()",
    "2.0",
)


minimum = _binary_function(
    min_p,
    "minimum",
    "Elementwise minimum; at ties the derivative is split evenly, as in JAX.",
    "flax.min(1.0, 2.0).tolist()",
    "1.0",
)


def _select_weight(pick, x, y):
    """1 where ``pick(x, y)``, 1/2 at ties, else 0: the share of the derivative ``x`` receives."""
    tie = eq(x, y)
    one, half, zero = (
        full_like_aval(v, core.get_aval(x).update_shape(core.get_aval(tie).shape)) for v in (1.0, 0.5, 0.0)
    )
    return select_n(tie, select_n(pick(x, y), zero, one), half)


defjvp(
    max_p,
    lambda t, ans, x, y: mul(t, _select_weight(gt, x, y)),
    lambda t, ans, x, y: mul(t, _select_weight(gt, y, x)),
)
defjvp(
    min_p,
    lambda t, ans, x, y: mul(t, _select_weight(lt, x, y)),
    lambda t, ans, x, y: mul(t, _select_weight(lt, y, x)),
)

# ---- powers ------------------------------------------------------------------------------------

pow_p = _nary("pow", lax.pow)
integer_pow_p = _unary("integer_pow", lambda x, *, y: lax.integer_pow(x, y))


pow = _binary_function(  # noqa: A001 - mirrors lax.pow
    pow_p,
    "pow",
    "``x ** y`` elementwise (its derivative in ``y`` is 0 where ``x == 0``, as in JAX).",
    "flax.pow(2.0, 3.0).tolist()",
    "8.0",
)


def integer_pow(x, y: int):
    """``x ** y`` for a static integer exponent ``y`` (a product of ``x``'s, no ``log``).

    Args:
        x: an array.
        y: a Python int.

    Returns:
        ``x`` raised to ``y``, elementwise.

    >>> import fungrad.lax as flax
    >>> flax.integer_pow(3.0, 2).tolist()
    9.0
    """
    return bind(integer_pow_p, x, y=int(y))


def _pow_jvp_base(t, ans, x, y):
    # d/dx x^y = y * x^(y-1); at y == 0 the derivative is 0 even where x^(y-1) is inf (x == 0).
    # An integer exponent (jnp.power of a float base) is cast to the base's dtype for the product.
    x_dtype = core.get_aval(x).dtype
    y_times = y if core.get_aval(y).dtype == x_dtype else convert_element_type(y, x_dtype)
    safe = select_n(eq(y, scalar(0, y)), mul(y_times, pow(x, sub(y, scalar(1, y)))), scalar_like(0, ans))
    return mul(t, safe)


def _pow_jvp_exponent(t, ans, x, y):
    # d/dy x^y = x^y * log(x); defined as 0 at x == 0 (JAX's convention, keeps 0^y finite), except at
    # x == y == 0, where 0^y jumps (1 at y = 0, 0 above): nan there, so the derivative of x**x at 0,
    # which diverges, is nan (as in JAX) and not 0. JAX gives 0 for d/dy 0^y at y = 0
    # (docs/reliability.md, "Special points").
    log_x = log(select_n(eq(x, scalar(0, x)), x, scalar_like(1, x)))
    magnitude = add(abs(x), abs(y))  # real, also for complex x and y
    both_zero = eq(magnitude, scalar(0, magnitude))
    return mul(t, select_n(both_zero, mul(ans, log_x), scalar_like(float("nan"), ans)))


defjvp(pow_p, _pow_jvp_base, _pow_jvp_exponent)


def _integer_pow_jvp(t, ans, x, *, y):
    # d/dx x^n = n x^(n-1)
    if y == 0:
        return mul(t, scalar(0, x))
    if y == 1:
        return t
    power = x if y == 2 else integer_pow(x, y - 1)
    return mul(t, mul(scalar(y, x), power))


defjvp(integer_pow_p, _integer_pow_jvp)

# ---- transcendental ------------------------------------------------------------------------------

exp_p = _unary("exp", lax.exp, lambda t, ans, x: mul(t, ans))
log_p = _unary("log", lax.log, lambda t, ans, x: div(t, x))
log1p_p = _unary("log1p", lax.log1p, lambda t, ans, x: div(t, add(x, scalar(1, x))))
expm1_p = _unary("expm1", lax.expm1, lambda t, ans, x: mul(t, add(ans, scalar(1, ans))))
sin_p = _unary("sin", lax.sin, lambda t, ans, x: mul(t, cos(x)))
cos_p = _unary("cos", lax.cos, lambda t, ans, x: neg(mul(t, sin(x))))
# d tan = 1 + tan^2
tan_p = _unary("tan", lax.tan, lambda t, ans, x: mul(t, add(scalar(1, ans), mul(ans, ans))))
# d tanh = 1 - tanh^2
tanh_p = _unary("tanh", lax.tanh, lambda t, ans, x: mul(t, sub(scalar(1, ans), mul(ans, ans))))
# d sigmoid = sigmoid (1 - sigmoid)
logistic_p = _unary("logistic", lax.logistic, lambda t, ans, x: mul(t, mul(ans, sub(scalar(1, ans), ans))))
# d sqrt = 1 / (2 sqrt)
sqrt_p = _unary("sqrt", lax.sqrt, lambda t, ans, x: div(t, mul(scalar(2, ans), ans)))
# d x^(-1/2) = -1/2 x^(-3/2) = -1/2 rsqrt(x) / x
rsqrt_p = _unary("rsqrt", lax.rsqrt, lambda t, ans, x: mul(t, mul(scalar(-0.5, x), div(ans, x))))
# d|x| = sign(x), with JAX's choices where sign is not the derivative: +t at 0 (and -0), -t at nan
abs_p = _unary("abs", lax.abs, lambda t, ans, x: _abs_jvp(t, ans, x))


def _abs_jvp(t, ans, x):
    if not _cx.is_complex(x):
        return select_n(ge(x, scalar(0, x)), neg(t), t)
    # complex: d|z| = Re(conj(z) t) / |z|, with |z| = 0 read as 1 (derivative 0 there), as in JAX
    safe = convert_element_type(select_n(eq(ans, scalar(0, ans)), ans, scalar_like(1, ans)), core.get_aval(x).dtype)
    return _cx.real(mul(t, div(_cx.conj(x), safe)))


exp = _unary_function(exp_p, "exp", "``e ** x`` elementwise.", "flax.exp(0.0).tolist()", "1.0")


log = _unary_function(log_p, "log", "Natural logarithm elementwise.", "flax.log(1.0).tolist()", "0.0")


log1p = _unary_function(
    log1p_p, "log1p", "``log(1 + x)``, accurate for small ``x``.", "flax.log1p(0.0).tolist()", "0.0"
)


expm1 = _unary_function(
    expm1_p, "expm1", "``exp(x) - 1``, accurate for small ``x``.", "flax.expm1(0.0).tolist()", "0.0"
)


sin = _unary_function(sin_p, "sin", "Sine elementwise.", "flax.sin(0.0).tolist()", "0.0")


cos = _unary_function(cos_p, "cos", "Cosine elementwise.", "flax.cos(0.0).tolist()", "1.0")


tan = _unary_function(tan_p, "tan", "Tangent elementwise.", "flax.tan(0.0).tolist()", "0.0")


tanh = _unary_function(tanh_p, "tanh", "Hyperbolic tangent elementwise.", "flax.tanh(0.0).tolist()", "0.0")


logistic = _unary_function(
    logistic_p,
    "logistic",
    "The logistic sigmoid ``1 / (1 + exp(-x))`` elementwise.",
    "flax.logistic(0.0).tolist()",
    "0.5",
)


sqrt = _unary_function(sqrt_p, "sqrt", "Square root elementwise.", "flax.sqrt(4.0).tolist()", "2.0")


rsqrt = _unary_function(rsqrt_p, "rsqrt", "``1 / sqrt(x)`` elementwise.", "flax.rsqrt(4.0).tolist()", "0.5")


abs = _unary_function(  # noqa: A001 - mirrors lax.abs
    abs_p, "abs", "Absolute value elementwise (derivative ``+1`` at 0, as in JAX).", "flax.abs(-2.0).tolist()", "2.0"
)


# ---- piecewise constant: derivative zero everywhere it exists ------------------------------------

sign_p = _unary("sign", lax.sign)
floor_p = _unary("floor", lax.floor)
ceil_p = _unary("ceil", lax.ceil)
round_p = _unary("round", lambda x, *, rounding_method: lax.round(x, rounding_method))
for _p in (sign_p, floor_p, ceil_p, round_p):
    defjvp_zero(_p)


sign = _unary_function(
    sign_p, "sign", "-1, 0 or 1 by the sign of ``x`` (derivative 0).", "flax.sign(-2.0).tolist()", "-1.0"
)


floor = _unary_function(floor_p, "floor", "Round down elementwise (derivative 0).", "flax.floor(1.5).tolist()", "1.0")


ceil = _unary_function(ceil_p, "ceil", "Round up elementwise (derivative 0).", "flax.ceil(1.5).tolist()", "2.0")


def round(x, rounding_method: int = 1):  # noqa: A001 - 1 = ROUND_TO_NEAREST_EVEN, like jnp.round
    """Round to an integral value, elementwise (derivative 0).

    Args:
        x: an array.
        rounding_method: 0 rounds half away from zero, 1 (the default, as ``jnp.round``) half to even.

    Returns:
        ``x`` rounded, in its dtype.

    >>> import fungrad.lax as flax
    >>> flax.round(2.5).tolist(), flax.round(2.5, 0).tolist()
    (2.0, 3.0)
    """
    return bind(round_p, x, rounding_method=int(rounding_method))


# ---- comparisons and logic (boolean results, no derivative) ---------------------------------------

eq_p = _nary("eq", lax.eq)
ne_p = _nary("ne", lax.ne)
lt_p = _nary("lt", lax.lt)
le_p = _nary("le", lax.le)
gt_p = _nary("gt", lax.gt)
ge_p = _nary("ge", lax.ge)
and_p = _nary("and", lax.bitwise_and)
or_p = _nary("or", lax.bitwise_or)
xor_p = _nary("xor", lax.bitwise_xor)
not_p = _unary("not", lax.bitwise_not)
for _p in (eq_p, ne_p, lt_p, le_p, gt_p, ge_p, and_p, or_p, xor_p, not_p):
    defjvp_zero(_p)


def _comparison(prim: Primitive, name: str, op: str, x: float, y: float):
    """The documented ``name(x, y)`` of a comparison; its example compares ``x`` and ``y``."""
    result = {"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    summary = f"``x {op} y`` elementwise (boolean result, no derivative)."
    return _binary_function(prim, name, summary, f"flax.{name}({x}, {y}).tolist()", str(result))


eq, ne = _comparison(eq_p, "eq", "==", 1.0, 1.0), _comparison(ne_p, "ne", "!=", 1.0, 1.0)
lt, le = _comparison(lt_p, "lt", "<", 1.0, 2.0), _comparison(le_p, "le", "<=", 2.0, 1.0)
gt, ge = _comparison(gt_p, "gt", ">", 2.0, 1.0), _comparison(ge_p, "ge", ">=", 1.0, 2.0)


# ---- select_n: pick among cases by an integer or boolean predicate -------------------------------

select_n_p = _nary("select_n", lax.select_n, linear=True)  # linear in the cases


def select_n(which, *cases):
    """``cases[which]`` elementwise (``which`` bool: False picks ``cases[0]``).

    Args:
        which: a boolean or integer array (or scalar) choosing among the cases.
        *cases: arrays of one shape and dtype.

    Returns:
        The selected elements.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.select_n(np.array([True, False]), np.zeros(2), np.ones(2)).tolist()
    [1.0, 0.0]
    """
    return bind(select_n_p, which, *cases)


def _select_n_jvp(primals, tangents):
    which, *cases = primals
    ans = select_n(which, *cases)
    case_tangents = tangents[1:]
    if all(type(t) is Zero for t in case_tangents):
        return ans, Zero(core.get_aval(ans).to_tangent_aval())
    return ans, select_n(which, *[ad.instantiate(t) for t in case_tangents])


def _select_n_transpose(ct, which, *cases):
    if is_undefined(which):
        raise NotImplementedError("[vjp] select_n is not linear in its predicate")
    if type(ct) is Zero:
        return [None] * (len(cases) + 1)
    zeros = scalar_like(0, ct)
    cts = [
        select_n(which, *[ct if j == i else zeros for j in range(len(cases))]) if is_undefined(c) else None
        for i, c in enumerate(cases)
    ]
    return [None, *cts]


def _select_n_batch(args, dims):
    # lax.select_n needs cases of one shape (only the predicate may be a scalar), so unlike other
    # n-ary ops an unbatched scalar case cannot stay a scalar: materialize every operand batched.
    args = layout.all_to_front(args, dims)
    case_shape = max((core.get_aval(a).shape for a in args[1:]), key=len)
    args = [a if core.get_aval(a).shape == case_shape else layout.broadcast_in_dim(a, case_shape, (0,)) for a in args]
    return select_n(*args), 0


ad.def_jvp(select_n_p, _select_n_jvp)
ad.def_transpose(select_n_p, _select_n_transpose)
batching.def_batching(select_n_p, _select_n_batch)

# ---- dtype conversion and stop_gradient ---------------------------------------------------------

# jax.lax's public convert_element_type cannot produce a weakly typed result; JAX's promotion needs
# one (``1 + 2.0`` is a weak float), so the lowering uses lax's internal converter that can.
convert_element_type_p = _unary(
    "convert_element_type",
    lambda x, *, new_dtype, weak_type: _lax_convert(x, new_dtype, weak_type),
    linear=True,
)


def convert_element_type(x, new_dtype, weak_type: bool = False):
    """``x`` cast to ``new_dtype`` (with JAX's weak-type flag ``weak_type``).

    Args:
        x: an array.
        new_dtype: the target dtype.
        weak_type: whether the result is weakly typed (as a Python scalar is).

    Returns:
        ``x`` in ``new_dtype``; ``x`` itself when nothing changes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.convert_element_type(1.7, np.int32).tolist()
    1
    """
    new_dtype = np.dtype(new_dtype)
    aval = core.get_aval(x)
    if aval.dtype == new_dtype and aval.weak_type == weak_type:
        return x
    return bind(convert_element_type_p, x, new_dtype=new_dtype, weak_type=bool(weak_type))


def _convert_jvp(primals, tangents, *, new_dtype, weak_type):
    (x,), (t,) = primals, tangents
    ans = convert_element_type(x, new_dtype, weak_type)
    if type(t) is Zero or not core.is_differentiable_dtype(new_dtype):
        return ans, Zero(core.get_aval(ans).to_tangent_aval())
    return ans, convert_element_type(t, new_dtype, weak_type)


def _convert_transpose(ct, x, *, new_dtype, weak_type):
    if type(ct) is Zero:
        return [None]
    if _cx.is_complex(ct) and not np.issubdtype(x.aval.dtype, np.complexfloating):
        ct = _cx.real(ct)  # real -> complex embeds the reals: its transpose keeps the real part
    return [convert_element_type(ct, x.aval.dtype, x.aval.weak_type)]


ad.def_jvp(convert_element_type_p, _convert_jvp)
ad.def_transpose(convert_element_type_p, _convert_transpose)

# Lowered to JAX's own stop_gradient so that JAX transformations applied to fungrad-lowered code
# (jax.grad around a fungrad.jit program, say) respect it too; fungrad's AD never relies on it.
stop_gradient_p = _unary("stop_gradient", lax.stop_gradient)
defjvp_zero(stop_gradient_p)


def stop_gradient(x):
    """``x`` itself, treated as a constant by differentiation."""
    return bind(stop_gradient_p, x)


# ---- what AD needs from this family -------------------------------------------------------------

ad.def_tangent_ops(add=add, zeros=lambda aval: full_like_aval(0, aval))
