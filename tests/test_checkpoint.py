"""checkpoint (remat) against jax.checkpoint at float64: values and derivatives under every
transformation, each policy's residuals against JAX's saved_residuals, recomputation in the compiled
program, checkpoint inside scan bodies."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax._src.ad_checkpoint import saved_residuals as jax_saved_residuals  # not exported by jax.ad_checkpoint

import fungrad
import fungrad.numpy as fnp
from fungrad import lax

RNG = np.random.default_rng(0)
WS = [RNG.normal(size=(6, 6)) * 0.4 for _ in range(4)]
X = RNG.normal(size=(3, 6))
POLICIES = ["nothing_saveable", "dots_saveable", "dots_with_no_batch_dims_saveable", "everything_saveable", None]


def close(a, b, tol=1e-10):
    la, lb = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


def mlp(np_, checkpoint, policy):
    def block(w, h):
        return np_.tanh(h @ w) * np_.sin(h)

    def loss(ws, x):
        h = x
        for w in ws:
            h = checkpoint(block, policy=policy)(w, h)
        return np_.sum(h**2)

    return loss


def pair(policy):
    fp = getattr(fungrad.checkpoint_policies, policy) if policy else None
    jp = getattr(jax.checkpoint_policies, policy) if policy else None
    return mlp(fnp, fungrad.checkpoint, fp), mlp(jnp, jax.checkpoint, jp)


@pytest.mark.parametrize("policy", POLICIES)
def test_checkpointed_gradients_match_jax(policy):
    f, j = pair(policy)
    close(fungrad.grad(f)(WS, X), jax.grad(j)(WS, X))
    close(fungrad.jit(fungrad.grad(f))(WS, X), jax.grad(j)(WS, X))
    close(fungrad.jvp(f, (WS, X), (WS, X)), jax.jvp(j, (WS, X), (WS, X)))
    xs = np.stack([X, -X])
    close(fungrad.vmap(fungrad.grad(f), (None, 0))(WS, xs), jax.vmap(jax.grad(j), (None, 0))(WS, xs))


def test_second_order_through_checkpoint():
    f, j = pair("nothing_saveable")
    x0 = X[:1]
    close(fungrad.hessian(lambda x: f(WS, x))(x0), jax.hessian(lambda x: j(WS, x))(x0))


@pytest.mark.parametrize("policy", ["nothing_saveable", "dots_saveable", None])
def test_saved_residuals_match_jax(policy):
    f, j = pair(policy)
    mine = fungrad.saved_residuals(f, WS, X)
    theirs = jax_saved_residuals(j, WS, X)
    assert sorted(r.aval.shape for r in mine) == sorted(a.shape for a, _ in theirs)
    assert sum(r.nbytes for r in mine) == sum(a.size * a.dtype.itemsize for a, _ in theirs)


def test_policies_trade_memory_for_recomputation():
    totals = {}
    for policy in ("nothing_saveable", "dots_saveable", "everything_saveable"):
        f, _ = pair(policy)
        totals[policy] = sum(r.nbytes for r in fungrad.saved_residuals(f, WS, X))
    assert totals["nothing_saveable"] < totals["dots_saveable"] <= totals["everything_saveable"]
    f, _ = pair("nothing_saveable")
    sources = {r.source.split(" ")[0] for r in fungrad.saved_residuals(f, WS, X)}
    assert "sin" not in sources and "tanh" not in sources  # only block inputs cross the boundary


def test_saved_residuals_name_their_source_line_and_policy():
    def f(x):
        h = fungrad.checkpoint_name(fnp.sin(x), "h")  # the named line
        return fnp.sum(fnp.cos(h) * h)

    saved = fungrad.checkpoint(f, policy=fungrad.checkpoint_policies.save_only_these_names("h"))
    rows = fungrad.saved_residuals(saved, np.ones(3))
    by_source = {r.source: r for r in rows}
    assert by_source["name"].saved_by_policy and "test_checkpoint.py" in str(by_source["name"].source_info)
    assert by_source["argument args[0]"].aval.shape == (3,)
    close(fungrad.grad(saved)(np.ones(3)), jax.grad(lambda x: jnp.sum(jnp.cos(jnp.sin(x)) * jnp.sin(x)))(np.ones(3)))
    unsaved = fungrad.checkpoint(f, policy=fungrad.checkpoint_policies.save_any_names_but_these("h"))
    assert not any(r.source == "name" for r in fungrad.saved_residuals(unsaved, np.ones(3)))


def test_recomputation_is_kept_apart_from_the_forward_pass_in_xla():
    f, _ = pair("nothing_saveable")
    text = fungrad.jit(fungrad.grad(f)).lower(WS, X).as_text()
    assert "optimization_barrier" in text
    plain = mlp(fnp, lambda fun, policy: fun, None)
    assert "optimization_barrier" not in fungrad.jit(fungrad.grad(plain)).lower(WS, X).as_text()


def test_checkpoint_inside_a_scan_body_stacks_only_the_carry():
    w = RNG.normal(size=(4, 4)) * 0.5
    xs = RNG.normal(size=(7, 4))

    def loss(np_, lax_, ckpt):
        def step(h, x):
            h = ckpt(lambda h, x: np_.tanh(np_.tanh(w @ h + x) * 2.0))(h, x)
            return h, np_.sum(h)

        return lambda h0: np_.sum(lax_.scan(step, h0, xs)[1])

    f = loss(fnp, lax, fungrad.checkpoint)
    j = loss(jnp, jax.lax, jax.checkpoint)
    close(fungrad.grad(f)(np.ones(4)), jax.grad(j)(np.ones(4)))
    rows = fungrad.saved_residuals(f, np.ones(4))
    stacked = [r.aval.shape for r in rows if r.source == "scan"]
    assert stacked == [(7, 4)]  # the carry per step; the tanh activations are recomputed
    theirs = jax_saved_residuals(j, np.ones(4))
    assert sum(r.nbytes for r in rows) == sum(a.size * a.dtype.itemsize for a, _ in theirs)
    plain = loss(fnp, lax, lambda fun: fun)
    assert len([r for r in fungrad.saved_residuals(plain, np.ones(4)) if r.source == "scan"]) > 1


def test_static_argnums_and_remat_alias():
    def f(x, n):
        for _ in range(n):
            x = fnp.sin(x)
        return x

    g = fungrad.remat(f, static_argnums=(1,))
    want = jax.grad(jax.checkpoint(lambda x: jnp.sin(jnp.sin(jnp.sin(x)))))(0.5)
    close(fungrad.grad(lambda x: g(x, 3))(0.5), want)
