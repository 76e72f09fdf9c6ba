"""The ``jax.lax`` primitives fungrad had no counterpart for: clamp, cbrt, integer bit operations,
``igammac``, ``random_gamma_grad``, ``reduce_precision``, ``bitcast_convert_type`` and
``optimization_barrier``.

Each lowers to the ``jax.lax`` function of the same name, so shapes, dtypes and errors are JAX's.
Derivatives follow JAX's: clamp passes the tangent of whichever operand is selected (ties go to
``x``'s bounds as JAX's rule does), the integer operations have none (zero jvp), and
``reduce_precision`` is treated as linear (it rounds its tangent the same way), as in JAX.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero, defjvp, defjvp_zero, deflinear
from fungrad._src.core import FungradTypeError, Primitive, bind, def_lowering
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout
from fungrad._src.primitives import special as sp

# ---- clamp ---------------------------------------------------------------------------------------------


def _clamp_term(which):
    # JAX's rule: x's tangent flows strictly inside (min, max); min's where min > x (and min < max);
    # max's where max < x. ``t`` may be a scalar bound beside an array ``x``: broadcast it first.
    def term(t, ans, lo, x, hi):
        shape = core.get_aval(ans).shape
        if core.get_aval(t).shape != shape:
            t = layout.broadcast_in_dim(t, shape, ())
        if which == 0:
            cond = bind(ew.and_p, ew.gt(lo, x), ew.lt(lo, hi))
        elif which == 1:
            cond = bind(ew.and_p, ew.gt(x, lo), ew.lt(x, hi))
        else:
            cond = ew.lt(hi, x)
        if core.get_aval(cond).shape != shape:
            cond = layout.broadcast_in_dim(cond, shape, ())
        return ew.select_n(cond, ew.scalar_like(0, t), t)

    return term


clamp_p = Primitive("clamp")
def_lowering(clamp_p, lax.clamp)
defjvp(clamp_p, _clamp_term(0), _clamp_term(1), _clamp_term(2))
batching.def_broadcasting(clamp_p)


def clamp(min, x, max):  # noqa: A002 - jax.lax's names
    return bind(clamp_p, min, x, max)


# ---- cbrt: d/dx x^(1/3) = 1 / (3 cbrt(x)^2) ---------------------------------------------------------

cbrt_p = Primitive("cbrt")
def_lowering(cbrt_p, lambda x, *, accuracy: lax.cbrt(x, accuracy=accuracy))
defjvp(cbrt_p, lambda t, ans, x, **_: ew.mul(t, ew.div(ew.scalar(1 / 3, ans), ew.mul(ans, ans))))
batching.def_vectorized(cbrt_p)


def cbrt(x, accuracy=None):
    return bind(cbrt_p, x, accuracy=accuracy)


# ---- integer bit operations (no derivative) --------------------------------------------------------------


def _integer_primitive(name, lowering, nary: bool):
    prim = Primitive(name)
    def_lowering(prim, lowering)
    defjvp_zero(prim)
    (batching.def_broadcasting if nary else batching.def_vectorized)(prim)
    return prim


shift_left_p = _integer_primitive("shift_left", lax.shift_left, True)
shift_right_arithmetic_p = _integer_primitive("shift_right_arithmetic", lax.shift_right_arithmetic, True)
mulhi_p = _integer_primitive("mulhi", lax.mulhi, True)
clz_p = _integer_primitive("clz", lax.clz, False)


def shift_left(x, y):
    return bind(shift_left_p, x, y)


def shift_right_arithmetic(x, y):
    return bind(shift_right_arithmetic_p, x, y)


def mulhi(x, y):
    return bind(mulhi_p, x, y)


def clz(x):
    return bind(clz_p, x)


# ---- igammac: Q(a, x) = 1 - P(a, x), evaluated directly for accuracy in the upper tail -----------------

igammac_p = Primitive("igammac")
def_lowering(igammac_p, lax.igammac)
defjvp(
    igammac_p,
    lambda t, ans, a, x: ew.neg(ew.mul(t, sp.igamma_grad_a(a, x))),
    lambda t, ans, a, x: ew.neg(ew.mul(t, sp._igamma_dx(a, x))),
)
batching.def_broadcasting(igammac_p)


def igammac(a, x):
    return bind(igammac_p, a, x)


# ---- random_gamma_grad: d sample / d alpha of a Gamma(alpha) draw (JAX gives it no derivative) ---------

random_gamma_grad_p = Primitive("random_gamma_grad")
def_lowering(random_gamma_grad_p, lax.random_gamma_grad)
batching.def_broadcasting(random_gamma_grad_p)


def _no_derivative_jvp(name):
    def rule(primals, tangents, **params):
        if any(type(t) is not Zero for t in tangents):
            raise FungradTypeError(
                f"[jvp] lax.{name} has no derivative (as in JAX); wrap its inputs in stop_gradient "
                "if a zero derivative is what you mean"
            )
        prim = _by_name[name]
        ans = prim.bind(*primals, **params)
        return ans, Zero(core.get_aval(ans).to_tangent_aval())

    return rule


def random_gamma_grad(a, x):
    return bind(random_gamma_grad_p, a, x)


# ---- reduce_precision: treated as linear, as JAX does (it rounds its tangent too) ----------------------

reduce_precision_p = Primitive("reduce_precision", linear=True)
def_lowering(reduce_precision_p, lax.reduce_precision)
deflinear(reduce_precision_p, lambda ct, x, **params: [reduce_precision_p.bind(ct, **params)])
batching.def_vectorized(reduce_precision_p)


def reduce_precision(operand, exponent_bits, mantissa_bits):
    return bind(reduce_precision_p, operand, exponent_bits=int(exponent_bits), mantissa_bits=int(mantissa_bits))


# ---- bitcast_convert_type: reinterpret bits (no derivative, as in JAX) ------------------------------------

bitcast_convert_type_p = Primitive("bitcast_convert_type")
def_lowering(bitcast_convert_type_p, lambda x, *, new_dtype: lax.bitcast_convert_type(x, new_dtype))


def _bitcast_batch(args, dims, *, new_dtype):
    # A change of bit width adds or drops a trailing axis, so the batch axis goes first.
    (x,), (d,) = args, dims
    return bitcast_convert_type_p.bind(layout.bdim_to_front(x, d), new_dtype=new_dtype), 0


batching.def_batching(bitcast_convert_type_p, _bitcast_batch)


def bitcast_convert_type(operand, new_dtype):
    return bind(bitcast_convert_type_p, operand, new_dtype=np.dtype(new_dtype))


_by_name = {"random_gamma_grad": random_gamma_grad_p, "bitcast_convert_type": bitcast_convert_type_p}
ad.def_jvp(random_gamma_grad_p, _no_derivative_jvp("random_gamma_grad"))
ad.def_jvp(bitcast_convert_type_p, _no_derivative_jvp("bitcast_convert_type"))

# ---- optimization_barrier: identity that XLA may not move computations across -----------------------------

optimization_barrier_p = Primitive("optimization_barrier", multiple_results=True)
def_lowering(optimization_barrier_p, lambda *xs: list(lax.optimization_barrier(list(xs))))


def _barrier_jvp(primals, tangents):
    # The barrier is the identity: tangents pass through unchanged (only the primals are fenced).
    return optimization_barrier_p.bind(*primals), list(tangents)


ad.def_jvp(optimization_barrier_p, _barrier_jvp)
batching.def_batching(optimization_barrier_p, lambda args, dims: (optimization_barrier_p.bind(*args), list(dims)))


def optimization_barrier_flat(*xs):
    return optimization_barrier_p.bind(*xs)
