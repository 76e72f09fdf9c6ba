"""The IR-rewrite toolkit on its own: jvp_ir, partial_eval_ir (+ run_known), transpose_ir, batch_ir,
dce_ir — values against JAX, the forced output patterns loop bodies rely on, type checks, and caches
that live exactly as long as the IR they were derived from."""

from __future__ import annotations

import gc
import weakref

import jax
import jax.numpy as jnp
import numpy as np

import fungrad
import fungrad.numpy as fnp
from fungrad._src import ad, batching, ir
from fungrad._src.ad import Zero
from fungrad._src.staging import trace_to_subir

A = np.array([0.3, -1.2, 0.8])
B = np.array([1.5, 0.4, -0.6])


def body(x, y, n):
    """x, y: f64[3], n: i32[] -> (f64[3], f64[], f64[3]); the last output does not depend on y."""
    z = fnp.sin(x) * y
    return [z, fnp.sum(z * x) + n, fnp.exp(x)]


def jbody(x, y, n):
    z = jnp.sin(x) * y
    return [z, jnp.sum(z * x) + n, jnp.exp(x)]


def sub():
    avals = [
        fungrad.ShapedArray((3,), np.float64),
        fungrad.ShapedArray((3,), np.float64),
        fungrad.ShapedArray((), np.int64),
    ]
    return trace_to_subir(body, avals, "test")


def close(a, b, tol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_jvp_ir_matches_jax_and_reports_nonzero_outputs():
    f, consts = sub()
    r = ad.jvp_ir(f, (False, True, False))  # only y has a tangent
    assert r.out_nonzero == (True, True, False)  # exp(x) does not depend on y
    outs = ir.eval_ir(r.ir, (), [*r.consts, *consts, A, B, 2, A])
    want, t_want = jax.jvp(lambda y: jbody(A, y, 2), (B,), (A,))
    for got, w in zip(outs[:3], want):
        close(got, w)
    close(outs[3], t_want[0])
    close(outs[4], t_want[1])
    forced = ad.jvp_ir(f, (False, True, False), (False, False, True))
    assert forced.out_nonzero == (True, True, True)  # a real zero where a loop needs a fixed pattern
    close(ir.eval_ir(forced.ir, (), [*forced.consts, *consts, A, B, 2, A])[-1], np.zeros(3))


def test_partial_eval_ir_runs_the_known_part_now_and_stages_the_rest():
    f, consts = sub()
    unknown = (False,) * len(consts) + (False, True, False)  # y unknown
    split = ad.partial_eval_ir(f, unknown)
    assert split.out_unknown == (True, True, False)
    known_outs, residuals = ad.run_known(split, [*consts, A, 2], lambda s, ops: ir.eval_ir(s, (), ops))
    close(known_outs[0], np.exp(A))
    staged = ir.eval_ir(split.unknown, (), [*residuals, B])
    want = jbody(A, B, 2)
    close(staged[0], want[0])
    close(staged[1], want[1])
    assert [a.shape for a in split.residual_avals] == [a.aval.shape for a in split.unknown.invars[: len(residuals)]]
    forced = ad.partial_eval_ir(f, unknown, (False, False, True))
    assert forced.out_unknown == (True, True, True)


def test_transpose_ir_is_the_adjoint():
    # <ct, J t> == <J^T ct, t> for the linear map t -> (d/dy body)(t).
    def linear(t):
        return [fnp.sin(A) * t, fnp.sum(fnp.sin(A) * t * A)]

    f, consts = trace_to_subir(linear, [fungrad.ShapedArray((3,), np.float64)], "test")
    r = ad.transpose_ir(f, (False,) * len(consts) + (True,), (True, True))
    t, ct0, ct1 = np.array([0.2, 0.5, -1.0]), np.array([1.0, -2.0, 0.3]), 0.7
    (ct_in,) = ir.eval_ir(r.ir, (), [*r.consts, *consts, ct0, ct1])
    jt = ir.eval_ir(f, (), [*consts, t])
    assert abs(float(np.dot(ct0, jt[0]) + ct1 * jt[1]) - float(np.dot(ct_in, t))) < 1e-12
    only_first = ad.transpose_ir(f, (False,) * len(consts) + (True,), (True, False))
    close(ir.eval_ir(only_first.ir, (), [*only_first.consts, *consts, ct0])[0], np.sin(A) * ct0)


def test_batch_ir_matches_a_loop_and_forces_batched_outputs():
    f, consts = sub()
    ys = np.stack([B, 2 * B, -B, B + 1])
    r = batching.batch_ir(f, 4, (None,) * len(consts) + (None, 0, None))
    assert r.out_dims[:2] != (None, None) and r.out_dims[2] is None
    outs = ir.eval_ir(r.ir, (), [*r.consts, *consts, A, ys, 2])
    for i in range(4):
        want = jbody(A, ys[i], 2)
        close(np.moveaxis(np.asarray(outs[0]), r.out_dims[0], 0)[i], want[0])
    forced = batching.batch_ir(f, 4, (None,) * len(consts) + (None, 0, None), True)
    assert forced.out_dims == (0, 0, 0)
    close(ir.eval_ir(forced.ir, (), [*forced.consts, *consts, A, ys, 2])[2], np.stack([np.exp(A)] * 4))


def test_dce_ir_prunes_outputs_and_inputs_and_keeps_what_it_is_told():
    f, consts = sub()
    pruned, used = ir.dce_ir(f, (False, False, True))
    assert len(pruned.outvars) == 1 and used[-2:] == (False, False)  # y and n are not needed for exp(x)
    kept, used_kept = ir.dce_ir(f, (False, False, True), (False,) * len(consts) + (False, True, False))
    assert used_kept[-2] and len(kept.invars) == len(pruned.invars) + 1
    ir.typecheck(pruned)
    ir.typecheck(kept)


def test_rewrites_are_cached_while_their_ir_lives_and_freed_with_it():
    f, consts = sub()
    ir.clear_canonical()  # traced sub-IRs are also kept (boundedly) to share structurally equal ones
    first = ad.jvp_ir(f, (False, True, False))
    assert ad.jvp_ir(f, (False, True, False)) is first
    batching.batch_ir(f, 2, (None,) * len(consts) + (0, None, None))
    assert f in ad.jvp_ir.cache and f in batching.batch_ir.cache
    alive = weakref.ref(f)
    del f, first
    gc.collect()
    # Nothing the caches hold keeps the IR alive, so its entries (weakly keyed) are gone with it.
    # (Other tests' IRs may die at the same collection, so the caches' sizes say nothing exact.)
    assert alive() is None


def test_jit_is_a_client_without_private_copies():
    from fungrad._src import jit as jit_mod

    for private in ("_jvp_cache", "_split_cache", "_transpose_cache", "_batch_cache", "split_ir", "CalleeIR"):
        assert not hasattr(jit_mod, private)
    g = fungrad.jit(lambda x, y: fnp.sum(fnp.sin(x) * y))
    close(fungrad.grad(g)(A, B), jax.grad(lambda x, y: jnp.sum(jnp.sin(x) * y))(A, B))
    close(
        fungrad.vmap(fungrad.grad(g), (0, None))(np.stack([A, B]), B),
        jax.vmap(jax.grad(lambda x, y: jnp.sum(jnp.sin(x) * y)), (0, None))(np.stack([A, B]), B),
    )


def test_symbolic_zeros_do_not_reach_the_rewritten_ir():
    f, consts = sub()
    r = ad.jvp_ir(f, (False,) * (len(consts) + 3))
    assert r.out_nonzero == (False, False, False)
    assert len(r.ir.outvars) == 3  # only primal outputs
    assert not any(isinstance(v, Zero) for v in r.ir.outvars)
