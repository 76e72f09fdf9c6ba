"""Errors and edge cases of the ``fungrad.lax`` functions added for ``jax.lax`` parity (the op records
in tests/records/lax_parity.py cover values and derivatives)."""

from __future__ import annotations

import jax
import jax.lax as jlax
import numpy as np
import pytest

import fungrad
import fungrad.lax as flax
import fungrad.numpy
from fungrad.testing import check_grads


def test_bitwise_ops_refuse_mixed_dtypes_like_jax():
    with pytest.raises(TypeError, match="same dtypes"):
        flax.bitwise_and(np.int32(1), np.int64(1))


def test_is_finite_refuses_integers():
    with pytest.raises(TypeError, match="is_finite does not accept dtype int32"):
        flax.is_finite(np.int32(1))


def test_full_refuses_array_fill_value():
    with pytest.raises(TypeError, match="scalar fill_value"):
        flax.full((2,), np.ones(2))


def test_full_keeps_weak_type_and_dtype_like_jax():
    for args in [((2,), 1.0), ((2,), 1.0, np.float32), ((3,), np.int8(2))]:
        ours, theirs = flax.full(*args), jlax.full(*args)
        assert ours.dtype == theirs.dtype and ours.weak_type == theirs.weak_type


def test_split_sizes_must_sum_to_the_axis():
    with pytest.raises(ValueError, match="Sum of sizes 3 must be equal to dimension 4"):
        flax.split(np.ones(4), (1, 2))


def test_tile_reps_must_match_rank():
    with pytest.raises(ValueError, match="len\\(reps\\) must be equal to operand.ndim"):
        flax.tile(np.ones((2, 2)), (2,))


def test_index_in_dim_out_of_range():
    with pytest.raises(IndexError, match="out of bounds"):
        flax.index_in_dim(np.ones((2, 3)), 3, axis=1)


def test_broadcast_shapes_matches_jax_and_refuses_mismatch():
    assert flax.broadcast_shapes((2, 1), (1, 3), (3,)) == jlax.broadcast_shapes((2, 1), (1, 3), (3,))
    with pytest.raises(ValueError, match="Incompatible shapes"):
        flax.broadcast_shapes((2,), (3,))


def test_dot_refuses_mismatched_shapes():
    with pytest.raises(TypeError, match="Incompatible shapes for dot"):
        flax.dot(np.ones((2, 3)), np.ones(2))


def test_batch_matmul_batch_dims_must_match():
    with pytest.raises(ValueError, match="batch dimensions"):
        flax.batch_matmul(np.ones((2, 2, 2)), np.ones((3, 2, 2)))


def test_reduce_detects_monoids_like_jax():
    # add with its identity becomes reduce_sum (a differentiable primitive, as in JAX's reduce_sum_p)
    ir = fungrad.make_ir(lambda x: flax.reduce(x, 0.0, flax.add, (0,)))(np.ones(3))
    assert [e.primitive.name for e in ir.closed.ir.eqns] == ["reduce_sum"]
    ir = fungrad.make_ir(lambda x: flax.reduce(x, -np.inf, lambda a, b: flax.max(a, b), (0,)))(np.ones(3))
    assert [e.primitive.name for e in ir.closed.ir.eqns] == ["reduce_max"]
    # a non-identity init is a general reduction (a scan), still exact
    got = flax.reduce(np.arange(3.0), 10.0, flax.add, (0,))
    assert float(got) == float(jlax.reduce(np.arange(3.0), 10.0, jlax.add, (0,))) == 13.0


def test_general_reduce_is_differentiable():
    # JAX's general reduce has no derivative; fungrad's scan-based one agrees with finite differences.
    check_grads(lambda x: flax.reduce(x, 1.0, lambda a, b: a * b + b, (1,)), (np.linspace(0.2, 1.0, 6).reshape(2, 3),),
                order=2)  # fmt: skip


def test_reduce_xor_matches_jax_on_integers():
    x = np.array([[3, 5, 6], [1, 2, 4]], np.int32)
    assert flax.reduce_xor(x, (0, 1)).tolist() == jlax.reduce_xor(x, (0, 1)).tolist()
    with pytest.raises(TypeError, match="reduce_xor does not accept dtype float"):
        flax.reduce_xor(np.ones(2), (0,))


def test_cumlogsumexp_handles_minus_infinity_like_jax():
    x = np.array([1.0, -np.inf, 2.0, -np.inf])
    np.testing.assert_allclose(flax.cumlogsumexp(x), jlax.cumlogsumexp(x), rtol=1e-12)
    g = fungrad.grad(lambda v: flax.cumlogsumexp(v).sum())(x)
    np.testing.assert_allclose(g, jax.grad(lambda v: jlax.cumlogsumexp(v).sum())(x), rtol=1e-12)
    x = np.array([-np.inf, -np.inf])
    assert np.all(np.isneginf(flax.cumlogsumexp(x)))


def test_igamma_grad_a_is_differentiable_in_x():
    check_grads(lambda x: flax.igamma_grad_a(np.array([0.7, 2.0]), x), (np.array([0.8, 1.5]),), order=1)


def test_no_derivative_ops_say_so():
    with pytest.raises(Exception, match="random_gamma_grad has no derivative"):
        fungrad.grad(lambda a: flax.random_gamma_grad(a, 1.0))(2.0)
    with pytest.raises(Exception, match="bitcast_convert_type has no derivative"):
        fungrad.grad(lambda a: flax.bitcast_convert_type(a, np.int64).astype(float) * a)(2.0)


def test_random_gamma_grad_argument_count():
    with pytest.raises(TypeError, match="two arrays"):
        flax.random_gamma_grad(1.0)


def test_approx_k_is_exact_top_k():
    x = np.array([[4.0, 1.0, 3.0, 2.0]])
    vals, idx = flax.approx_max_k(x, 2, recall_target=0.5)
    assert vals.tolist() == [[4.0, 3.0]] and idx.tolist() == [[0, 2]]
    with pytest.raises(ValueError, match="k=5"):
        flax.approx_min_k(x, 5)


def test_optimization_barrier_survives_jit_and_grad():
    f = fungrad.jit(lambda x: flax.optimization_barrier(x * 2.0) * 3.0)
    assert float(fungrad.grad(f)(1.0)) == 6.0
    assert "optimization_barrier" in str(fungrad.make_ir(f)(1.0))


def test_ragged_dot_rows_past_the_groups_are_zero():
    out = flax.ragged_dot(np.ones((3, 2)), np.ones((1, 2, 1)), np.array([1], np.int32))
    assert out.tolist() == [[2.0], [0.0], [0.0]]


# ---- custom_linear_solve / custom_root: reverse mode vs JAX (first and second order), vmap, jit ----------


def _linear_solve(lax, lin, scale=None):
    def f(s, b):
        a = _A * s
        return lax.custom_linear_solve(
            lambda x: a @ x, b, lambda mv, r: lin.solve(a, r), lambda vm, r: lin.solve(a.T, r)
        )

    return f


_A = np.random.default_rng(0).normal(size=(3, 3)) + 3 * np.eye(3)
_B = np.array([0.3, -1.2, 0.7])


def test_custom_linear_solve_reverse_mode_matches_jax():
    ours, theirs = _linear_solve(flax, fungrad.numpy.linalg), _linear_solve(jlax, jax.numpy.linalg)
    loss_f = lambda s, b: (ours(s, b) ** 2).sum()  # noqa: E731
    loss_j = lambda s, b: (theirs(s, b) ** 2).sum()  # noqa: E731
    for got, want in zip(fungrad.grad(loss_f, argnums=(0, 1))(1.3, _B), jax.grad(loss_j, argnums=(0, 1))(1.3, _B)):
        np.testing.assert_allclose(got, want, rtol=1e-10)
    np.testing.assert_allclose(
        fungrad.grad(fungrad.grad(loss_f))(1.3, _B), jax.grad(jax.grad(loss_j))(1.3, _B), rtol=1e-10
    )
    np.testing.assert_allclose(fungrad.jit(fungrad.grad(loss_f))(1.3, _B), jax.grad(loss_j)(1.3, _B), rtol=1e-10)
    bs = np.stack([_B, 2 * _B])
    np.testing.assert_allclose(fungrad.vmap(ours, (None, 0))(1.3, bs), jax.vmap(theirs, (None, 0))(1.3, bs), rtol=1e-10)


def test_custom_linear_solve_symmetric_and_solver_closures_get_no_derivative():
    def f(s, lax, lin):
        a = (_A @ _A.T) * s
        # solve closes over a too: only matvec's a is differentiated (implicitly), as in JAX
        return lax.custom_linear_solve(lambda x: a @ x, _B, lambda mv, r: lin.solve(a, r), symmetric=True).sum()

    got = fungrad.grad(lambda s: f(s, flax, fungrad.numpy.linalg))(0.7)
    np.testing.assert_allclose(got, jax.grad(lambda s: f(s, jlax, jax.numpy.linalg))(0.7), rtol=1e-10)


def test_custom_linear_solve_needs_transpose_solve_for_reverse_mode():
    f = lambda s: flax.custom_linear_solve(lambda x: s * x, 1.0, lambda mv, r: r / mv(1.0))  # noqa: E731
    assert float(f(2.0)) == 0.5
    with pytest.raises(TypeError, match="transpose_solve or symmetric=True"):
        fungrad.grad(f)(2.0)


def test_custom_linear_solve_has_aux():
    x, aux = flax.custom_linear_solve(
        lambda x: 2.0 * x, 4.0, lambda mv, r: (r / mv(1.0), 7), symmetric=True, has_aux=True
    )
    assert float(x) == 2.0 and int(aux) == 7


def _root(lax):
    def f(a):
        def newton(g, x0):
            return lax.fori_loop(0, 30, lambda i, x: 0.5 * (x + a / x), x0)

        return lax.custom_root(lambda x: x * x - a, 1.0, newton, lambda g, y: y / g(1.0))

    return f


def test_custom_root_reverse_mode_matches_jax_to_second_order():
    ours, theirs = _root(flax), _root(jlax)
    np.testing.assert_allclose(fungrad.grad(ours)(2.0), jax.grad(theirs)(2.0), rtol=1e-10)
    np.testing.assert_allclose(fungrad.grad(fungrad.grad(ours))(2.0), jax.grad(jax.grad(theirs))(2.0), rtol=1e-10)
    xs = np.array([1.0, 4.0])
    np.testing.assert_allclose(fungrad.vmap(fungrad.grad(ours))(xs), jax.vmap(jax.grad(theirs))(xs), rtol=1e-10)
