"""Op records for the ``fungrad.lax`` functions that complete parity with ``jax.lax``'s public functions:
elementwise and bit operations, shape/creation helpers, reductions, contractions, conv helpers and the
implicitly differentiated solvers."""

from __future__ import annotations

import jax.lax as jlax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

import fungrad.lax as flax
import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, make_args, **kw):
    RECORDS.append(OpRecord(f"lax.{name}", fun, ref, (), make_args=make_args, **kw))


def same(name, make_args, **kw):
    """A record whose fungrad and JAX functions have one name and signature."""
    base = name.partition("-")[0]
    rec(name, getattr(flax, base), getattr(jlax, base), make_args, **kw)


def normal(*shapes):
    return lambda rng: tuple(rng.normal(size=s) for s in shapes)


def ints(*shapes, lo=-50, hi=50, dtype=np.int32):
    return lambda rng: tuple(rng.integers(lo, hi, size=s).astype(dtype) for s in shapes)


# ---- elementwise ---------------------------------------------------------------------------------------
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor", "shift_left", "shift_right_arithmetic"):
    same(_name, lambda rng: (rng.integers(-50, 50, 4).astype(np.int32), rng.integers(0, 5, 4).astype(np.int32)),
         grad=False)  # fmt: skip
same("bitwise_not", ints((2, 3)), grad=False)
same("bitwise_and-bool", lambda rng: (rng.random(4) < 0.5, rng.random(4) < 0.5), grad=False)
same("population_count", ints((4,), lo=0), grad=False)
same("clz", ints((4,), lo=0, hi=10**6), grad=False)
same("mulhi", ints((4,), (4,), lo=0, hi=2**31 - 1, dtype=np.uint32), grad=False)
# JAX's clamp jvp fails for a scalar bound's tangent beside an array: x only here, bounds in -arrays
same("clamp", lambda rng: (np.float64(-0.5), rng.normal(size=(2, 3)), np.float64(0.5)), grad_argnums=(1,))
same("clamp-arrays", lambda rng: (rng.uniform(-2, -1, 3), rng.normal(size=3) * 3, rng.uniform(1, 2, 3)))
rec("cbrt", lambda x: flax.cbrt(x), lambda x: jlax.cbrt(x), normal((2, 3)))
same("square", normal((2, 3)))
same("square-complex", lambda rng: (rng.normal(size=3) + 1j * rng.normal(size=3),))
same("reciprocal", lambda rng: (rng.uniform(0.5, 2, (2, 3)) * rng.choice([-1, 1], (2, 3)),))
same("is_finite", lambda rng: (np.array([1.0, np.inf, -np.inf, np.nan, -2.0]),), grad=False)
same("complex", normal((3,), (3,)))
same("conj", lambda rng: (rng.normal(size=3) + 1j * rng.normal(size=3),))
same("real", lambda rng: (rng.normal(size=3) + 1j * rng.normal(size=3),))
same("imag", lambda rng: (rng.normal(size=3) + 1j * rng.normal(size=3),))
same("nextafter", normal((3,), (3,)), grad=False)
# jax.lax.zeta has no derivative; jax.scipy.special.zeta (the same values) has q's
rec("zeta", flax.zeta, jsp.zeta, lambda rng: (rng.uniform(2.0, 4.0, 3), rng.uniform(0.5, 3.0, 3)), grad_argnums=(1,))
same("bessel_i0e", lambda rng: (rng.uniform(0.5, 3.0, (2, 3)) * rng.choice([-1, 1], (2, 3)),))
same("bessel_i1e", lambda rng: (rng.uniform(0.5, 3.0, (2, 3)) * rng.choice([-1, 1], (2, 3)),))
# order 1: d/da uses igamma_grad_a, which (as in JAX) has no a-derivative of its own
same("igammac", lambda rng: (rng.uniform(0.5, 3.0, 3), rng.uniform(0.5, 3.0, 3)), order=1)
# JAX gives igamma_grad_a no derivative at all (fungrad's x-derivative is checked in test_lax_parity.py)
same("igamma_grad_a", lambda rng: (rng.uniform(0.5, 3.0, 3), rng.uniform(0.5, 3.0, 3)), grad=False)
same("random_gamma_grad", lambda rng: (rng.uniform(0.5, 3.0, 3), rng.uniform(0.5, 3.0, 3)), grad=False)
same("select", lambda rng: (rng.random((2, 3)) < 0.5, rng.normal(size=(2, 3)), rng.normal(size=(2, 3))))
rec("reduce_precision", lambda x: flax.reduce_precision(x, 8, 7), lambda x: jlax.reduce_precision(x, 8, 7),
    normal((2, 3)), fd=False, atol=1e-2, rtol=1e-2)  # fmt: skip  # bfloat16 rounding: not smooth for FD
rec("bitcast_convert_type", lambda x: flax.bitcast_convert_type(x, np.int64),
    lambda x: jlax.bitcast_convert_type(x, jnp.int64), normal((3,)), grad=False)  # fmt: skip
rec("bitcast_convert_type-narrow", lambda x: flax.bitcast_convert_type(x, np.int32),
    lambda x: jlax.bitcast_convert_type(x, jnp.int32), normal((2,)), grad=False)  # fmt: skip
rec("optimization_barrier", lambda x, y: flax.optimization_barrier((x * 2.0, y)),
    lambda x, y: jlax.optimization_barrier((x * 2.0, y)), normal((3,), (2,)))  # fmt: skip

# ---- shapes and creation ---------------------------------------------------------------------------------
rec("broadcast", lambda x: flax.broadcast(x, (2,)), lambda x: jlax.broadcast(x, (2,)), normal((3,)))
rec("broadcast_to_rank", lambda x: flax.broadcast_to_rank(x, 3), lambda x: jlax.broadcast_to_rank(x, 3),
    normal((3,)))  # fmt: skip
same("broadcast_like", lambda rng: (rng.normal(size=(3, 1)), rng.normal(size=(2, 3, 4))), grad_argnums=(0,))
rec("collapse", lambda x: flax.collapse(x, 1), lambda x: jlax.collapse(x, 1), normal((2, 3, 2)))
rec("full", lambda v: flax.full((2, 3), v), lambda v: jlax.full((2, 3), v), normal(()))
rec("full-dtype", lambda v: flax.full((2,), v, np.float32), lambda v: jlax.full((2,), v, jnp.float32), normal(()),
    atol=1e-6, rtol=1e-6, fd=False)  # fmt: skip
rec("full_like", lambda x, v: flax.full_like(x, v), lambda x, v: jlax.full_like(x, v), normal((2, 3), ()))
rec("full_like-shape", lambda x, v: flax.full_like(x, v, shape=(4,)), lambda x, v: jlax.full_like(x, v, shape=(4,)),
    normal((2, 3), ()))  # fmt: skip
rec("slice_in_dim", lambda x: flax.slice_in_dim(x, 1, -1, 2, axis=1),
    lambda x: jlax.slice_in_dim(x, 1, -1, 2, axis=1), normal((2, 6)))  # fmt: skip
rec("index_in_dim", lambda x: flax.index_in_dim(x, -1, 1, keepdims=False),
    lambda x: jlax.index_in_dim(x, -1, 1, keepdims=False), normal((2, 3)))  # fmt: skip
rec("index_take", lambda x: flax.index_take(x, (np.array([1, 0, 1]), np.array([2, 0, 0])), (0, 2)),
    lambda x: jlax.index_take(x, (np.array([1, 0, 1]), np.array([2, 0, 0])), (0, 2)), normal((2, 2, 3)))  # fmt: skip
rec("split", lambda x: flax.split(x, (1, 3), axis=1), lambda x: jlax.split(x, (1, 3), axis=1), normal((2, 4)))
rec("stack", lambda x, y: flax.stack([x, y], axis=1), lambda x, y: jlax.stack([x, y], axis=1), normal((2, 3), (2, 3)))
rec("unstack", lambda x: flax.unstack(x, axis=1), lambda x: jlax.unstack(x, axis=1), normal((2, 3)))
rec("tile", lambda x: flax.tile(x, (2, 1)), lambda x: jlax.tile(x, (2, 1)), normal((2, 3)))
rec("iota", lambda x: x * flax.iota(np.float64, 3), lambda x: x * jlax.iota(jnp.float64, 3), normal((3,)))
rec("broadcasted_iota", lambda x: x + flax.broadcasted_iota(np.float64, (2, 3), 1),
    lambda x: x + jlax.broadcasted_iota(jnp.float64, (2, 3), 1), normal((2, 3)))  # fmt: skip
rec("empty", lambda x: x + flax.empty((3,), np.float64) * 0.0, lambda x: x + jlax.empty((3,), jnp.float64) * 0.0,
    normal((3,)))  # fmt: skip

# ---- reductions --------------------------------------------------------------------------------------------
rec("cumlogsumexp", lambda x: flax.cumlogsumexp(x, 1), lambda x: jlax.cumlogsumexp(x, 1), normal((2, 4)))
rec("cumlogsumexp-reverse", lambda x: flax.cumlogsumexp(x, 0, reverse=True),
    lambda x: jlax.cumlogsumexp(x, 0, reverse=True), normal((3, 2)))  # fmt: skip
rec("reduce-add", lambda x: flax.reduce(x, 0.0, flax.add, (1,)), lambda x: jlax.reduce(x, 0.0, jlax.add, (1,)),
    normal((2, 3)))  # fmt: skip
rec("reduce-max-lambda", lambda x: flax.reduce(x, -np.inf, lambda a, b: flax.max(a, b), (0, 2)),
    lambda x: jlax.reduce(x, -np.inf, jlax.max, (0, 2)), normal((2, 3, 2)))  # fmt: skip
# A general (non-monoid) reduction: JAX's has no derivative, fungrad's (a scan) has; values vs JAX here.
rec("reduce-general", lambda x: flax.reduce(x, 1.0, lambda a, b: a * b + b, (1,)),
    lambda x: jlax.reduce(x, 1.0, lambda a, b: a * b + b, (1,)), normal((2, 3)), grad=False)  # fmt: skip
rec("reduce-pytree", lambda x, y: flax.reduce((x, y), (0.0, 1.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (0,)),
    lambda x, y: jlax.reduce((x, y), (0.0, 1.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (0,)),
    normal((3, 2), (3, 2)), grad=False)  # fmt: skip
rec("reduce_xor", lambda x: flax.reduce_xor(x, (1,)), lambda x: jlax.reduce_xor(x, (1,)), ints((2, 3)), grad=False)
rec("approx_max_k", lambda x: flax.approx_max_k(x, 2), lambda x: jlax.approx_max_k(x, 2), normal((2, 4)))
rec("approx_min_k", lambda x: flax.approx_min_k(x, 2, reduction_dimension=0),
    lambda x: jlax.approx_min_k(x, 2, reduction_dimension=0), normal((4, 2)))  # fmt: skip

# ---- contractions ------------------------------------------------------------------------------------------
rec("dot", lambda x, y: flax.dot(x, y), lambda x, y: jlax.dot(x, y), normal((2, 3), (3,)))
rec("dot-dimension_numbers", lambda x, y: flax.dot(x, y, dimension_numbers=(((0,), (0,)), ((), ()))),
    lambda x, y: jlax.dot(x, y, dimension_numbers=(((0,), (0,)), ((), ()))), normal((3, 2), (3, 2)))  # fmt: skip
rec("batch_matmul", lambda x, y: flax.batch_matmul(x, y), lambda x, y: jlax.batch_matmul(x, y),
    normal((2, 2, 3), (2, 3, 2)))  # fmt: skip
_GROUPS = np.array([1, 0, 2], np.int32)
rec("ragged_dot", lambda x, y: flax.ragged_dot(x, y, _GROUPS), lambda x, y: jlax.ragged_dot(x, y, _GROUPS),
    normal((4, 2), (3, 2, 2)), vmap=False)  # fmt: skip  # JAX's ragged_dot has no batching rule to compare with

# ---- convolutions, fft, scatter_sub --------------------------------------------------------------------------
rec("conv_general_dilated_patches", lambda x: flax.conv_general_dilated_patches(x, (2, 2), (1, 2), "SAME"),
    lambda x: jlax.conv_general_dilated_patches(x, (2, 2), (1, 2), "SAME"), normal((1, 2, 3, 4)))  # fmt: skip
_LOCAL = dict(window_strides=(1,), padding="VALID", filter_shape=(2,), dimension_numbers=("NWC", "WIO", "NWC"))
rec("conv_general_dilated_local", lambda x, w: flax.conv_general_dilated_local(x, w, **_LOCAL),
    lambda x, w: jlax.conv_general_dilated_local(x, w, **_LOCAL), normal((1, 4, 2), (3, 4, 2)))  # fmt: skip
rec("conv_with_general_padding", lambda x, w: flax.conv_with_general_padding(x, w, (2,), [(1, 0)], (1,), (2,)),
    lambda x, w: jlax.conv_with_general_padding(x, w, (2,), [(1, 0)], (1,), (2,)),
    normal((1, 2, 5), (3, 2, 2)))  # fmt: skip
rec("fft", lambda x: flax.fft(x, flax.FftType.FFT, (3,)), lambda x: jlax.fft(x, jlax.FftType.FFT, (3,)),
    lambda rng: (rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3)),))  # fmt: skip
_SDN = jlax.ScatterDimensionNumbers((), (0,), (0,))
rec("scatter_sub", lambda x, u: flax.scatter_sub(x, np.array([[1], [0], [1]]), u, _SDN),
    lambda x, u: jlax.scatter_sub(x, np.array([[1], [0], [1]]), u, _SDN), normal((3,), (3,)))  # fmt: skip


# ---- implicitly differentiated solvers (values here; reverse-mode derivatives vs JAX in test_lax_parity.py,
# since fungrad has no forward mode through them -- see fungrad/_src/lax_implicit.py)
def _linear_solve(lax, lin):
    def f(a, b):
        a = a + 3.0 * np.eye(3)
        return lax.custom_linear_solve(
            lambda x: a @ x, b, lambda mv, r: lin.solve(a, r), lambda vm, r: lin.solve(a.T, r)
        )

    return f


rec("custom_linear_solve", _linear_solve(flax, fnp.linalg), _linear_solve(jlax, jnp.linalg), normal((3, 3), (3,)),
    grad=False)  # fmt: skip


def _sqrt_root(lax):
    def f(a):
        def newton(g, x0):
            return lax.fori_loop(0, 30, lambda i, x: 0.5 * (x + a / x), x0)

        return lax.custom_root(lambda x: x * x - a, a * 0.0 + 1.0, newton, lambda g, y: y / g(y * 0.0 + 1.0))

    return f


rec("custom_root", _sqrt_root(flax), _sqrt_root(jlax), lambda rng: (rng.uniform(0.5, 3.0, 3),), grad=False)
