"""Shardings, shard_map and collectives against JAX's own (issue 15), at float64.

The multi-device checks need 8 CPU devices, which XLA creates only if ``XLA_FLAGS`` says so before JAX
starts; the rest of the suite must keep its single device. So this module runs itself in a subprocess
(``python tests/test_sharding.py``) with ``--xla_force_host_platform_device_count=8``: every function
registered with ``@device_check`` runs there once, and one pytest test reports every failing check.
Checks of ``vmap(..., axis_name=...)`` need no devices and run in the pytest process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

import fungrad
import fungrad.lax as flax
import fungrad.numpy as fnp
from fungrad.testing import assert_trees_close

DEVICE_CHECKS: dict = {}
MARK = "SHARDING-RESULTS:"


def device_check(fn):
    DEVICE_CHECKS[fn.__name__] = fn
    return fn


def _mesh():
    return Mesh(np.array(jax.devices()[:8]).reshape(4, 2), ("i", "j"))


def _rand(*shape, seed=0):
    return np.random.default_rng(seed + len(shape)).normal(size=shape)


def _sq(f, lib):
    """A scalar loss from any outputs: the sum of squares (exercises every output's cotangent)."""
    return lambda *a: sum(lib.sum(o**2) for o in jax.tree_util.tree_leaves(f(*a)))


def _compare_modes(f, jf, args, *, grad=True, jit=True, vmap=True):
    """Values, jvp, grad (every float argument), vmap over a new leading axis of the first argument."""
    assert_trees_close(f(*args), jf(*args))
    if jit:
        assert_trees_close(fungrad.jit(f)(*args), jf(*args))
    if grad:
        nums = tuple(range(len(args)))
        expected = jax.grad(_sq(jf, jnp), nums)(*args)
        assert_trees_close(fungrad.grad(_sq(f, fnp), nums)(*args), expected)
        assert_trees_close(fungrad.jit(fungrad.grad(_sq(f, fnp), nums))(*args), expected)
        tangents = tuple(np.cos(np.asarray(a)) for a in args)
        assert_trees_close(fungrad.jvp(f, args, tangents), jax.jvp(jf, args, tangents))
    if vmap:
        batch = np.stack([args[0], 2 * args[0] + 1])
        axes = (0,) + (None,) * (len(args) - 1)
        assert_trees_close(
            fungrad.vmap(f, in_axes=axes)(batch, *args[1:]), jax.vmap(jf, in_axes=axes)(batch, *args[1:])
        )


def _both(body_f, body_j, in_specs, out_specs):
    mesh = _mesh()
    return (
        fungrad.shard_map(body_f, mesh=mesh, in_specs=in_specs, out_specs=out_specs),
        jax.shard_map(body_j, mesh=mesh, in_specs=in_specs, out_specs=out_specs),
    )


# ---- shard_map with each collective -------------------------------------------------------------------


@device_check
def psum_replicated_param_grad():
    # The gradient of a replicated parameter is summed over the devices that used it (pbroadcast's transpose).
    def body(lib, red):
        return lambda w, x: red(lib.sum(lib.tanh(x @ w) ** 2), "i")

    f, jf = _both(body(fnp, flax.psum), body(jnp, jax.lax.psum), (P(), P("i")), P())
    _compare_modes(f, jf, (_rand(3, 4), _rand(8, 3)))
    # psum's transpose is the free pbroadcast: the backward pass has one psum, for w's gradient.
    text = str(fungrad.make_ir(fungrad.grad(f))(_rand(3, 4), _rand(8, 3)))
    assert text.count("psum[") == 2 and "pbroadcast[" in text, text


@device_check
def psum_of_invariant_and_two_axes():
    def body(lib, red):
        return lambda w, x: (red(w, "i"), red(lib.sin(x) * w[0, 0], ("i", "j")))

    f, jf = _both(body(fnp, flax.psum), body(jnp, jax.lax.psum), (P(), P("i", "j")), (P(), P()))
    _compare_modes(f, jf, (_rand(2, 2), _rand(8, 4)))


@device_check
def pmean_over_rows():
    def body(lib, mean):
        return lambda x: mean(lib.exp(x), "j")

    f, jf = _both(body(fnp, flax.pmean), body(jnp, jax.lax.pmean), P("i", "j"), P("i"))
    _compare_modes(f, jf, (_rand(8, 4),))


@device_check
def pmax_values_and_vmap():
    f, jf = _both(lambda x: flax.pmax(x, "i"), lambda x: jax.lax.pmax(x, "i"), P("i"), P())
    _compare_modes(f, jf, (_rand(8, 3),), grad=False)


@device_check
def all_gather_and_psum_scatter():
    def body(lib, gather, scatter):
        def fn(x, y):
            g = gather(x, "i", axis=1, tiled=False)
            t = gather(lib.sin(x), "i", tiled=True)
            s = scatter(y * y, "j", scatter_dimension=0, tiled=True)
            return g, t, s

        return fn

    f, jf = _both(
        body(fnp, flax.all_gather, flax.psum_scatter),
        body(jnp, jax.lax.all_gather, jax.lax.psum_scatter),
        (P("i"), P()),
        (P("i"), P("i"), P("j")),
    )
    _compare_modes(f, jf, (_rand(8, 3), _rand(4, 2)))


@device_check
def psum_scatter_untiled():
    f, jf = _both(
        lambda x: flax.psum_scatter(x, "i"), lambda x: jax.lax.psum_scatter(x, "i"), P(None, "j"), P(("i", "j"))
    )
    _compare_modes(f, jf, (_rand(4, 6),))


@device_check
def ppermute_ring_and_axis_index():
    perm = [(k, (k + 1) % 4) for k in range(4)]

    def body(lib, perm_fn, index):
        return lambda x: perm_fn(x * (index("i") + 1), "i", perm) + lib.cos(x)

    f, jf = _both(
        body(fnp, flax.ppermute, flax.axis_index), body(jnp, jax.lax.ppermute, jax.lax.axis_index), P("i"), P("i")
    )
    _compare_modes(f, jf, (_rand(8, 2),))


@device_check
def data_parallel_mlp_step():
    """A data-parallel training step (grad of a pmean'd loss, replicated params) matches 1 device."""

    def loss(lib, params, x, y):
        (w1, b1), (w2, b2) = params
        h = lib.tanh(x @ w1 + b1)
        return lib.mean((h @ w2 + b2 - y) ** 2)

    mesh = _mesh()
    params = [(_rand(5, 16), _rand(16)), (_rand(16, 2), _rand(2))]
    x, y = _rand(32, 5), _rand(32, 2)

    def sharded(params, x, y):
        return flax.pmean(fungrad.grad(lambda p: loss(fnp, p, x, y))(params), ("i", "j"))

    step = fungrad.jit(
        fungrad.shard_map(sharded, mesh=mesh, in_specs=(P(), P(("i", "j")), P(("i", "j"))), out_specs=P())
    )
    assert_trees_close(step(params, x, y), jax.grad(lambda p: loss(jnp, p, x, y))(params))
    # Written the other way around: grad of the mapped loss.
    mapped = fungrad.shard_map(
        lambda p, x, y: flax.pmean(loss(fnp, p, x, y), ("i", "j")),
        mesh=mesh, in_specs=(P(), P(("i", "j")), P(("i", "j"))), out_specs=P(),
    )  # fmt: skip
    assert_trees_close(fungrad.jit(fungrad.grad(mapped))(params, x, y), jax.grad(lambda p: loss(jnp, p, x, y))(params))


@device_check
def shard_map_vmap_of_grad_and_closure():
    # A closed-over array and a closed-over tracer (vmap's) both enter the body replicated.
    c = _rand(3)

    def body(lib, red):
        return lambda x: red(lib.sum(lib.sin(x) * c), "i")

    f, jf = _both(body(fnp, flax.psum), body(jnp, jax.lax.psum), P("i"), P())
    xs = _rand(2, 8, 3)
    assert_trees_close(fungrad.vmap(fungrad.grad(f))(xs), jax.vmap(jax.grad(jf))(xs))
    scale = np.array([1.0, 2.0])
    fo = fungrad.vmap(
        lambda s, x: fungrad.shard_map(lambda v: flax.psum(v * s, "i"), mesh=_mesh(), in_specs=P("i"), out_specs=P())(x)
    )
    jo = jax.vmap(
        lambda s, x: jax.shard_map(lambda v: jax.lax.psum(v * s, "i"), mesh=_mesh(), in_specs=P("i"), out_specs=P())(x)
    )
    assert_trees_close(fo(scale, xs), jo(scale, xs))


@device_check
def nested_jit_in_body():
    inner = fungrad.jit(lambda w, x: flax.psum(fnp.sum(fnp.sin(x * w)), "i"))
    f, jf = _both(
        lambda w, x: inner(w, x) * w, lambda w, x: jax.lax.psum(jnp.sum(jnp.sin(x * w)), "i") * w, (P(), P("i")), P()
    )
    _compare_modes(f, jf, (_rand(3), _rand(8, 3)))


@device_check
def second_order_through_shard_map():
    # Hessian-vector products: jvp of the transposed body (pbroadcast <-> psum, all_gather <-> psum_scatter).
    def body(lib, red, gather):
        return lambda w, x: red(lib.sum(lib.sin(gather(x, "i", tiled=True) @ w) ** 2), "i")

    f, jf = _both(
        body(fnp, flax.psum, flax.all_gather), body(jnp, jax.lax.psum, jax.lax.all_gather), (P(), P("i")), P()
    )
    w, x, v = _rand(3, 2), _rand(8, 3), _rand(3, 2, seed=1)
    hvp = lambda g, jvp: lambda w: jvp(g, (w,), (v,))[1]  # noqa: E731
    ours = hvp(fungrad.grad(lambda w: f(w, x)), fungrad.jvp)(w)
    assert_trees_close(ours, hvp(jax.grad(lambda w: jf(w, x)), jax.jvp)(w))
    assert_trees_close(fungrad.grad(lambda x: fnp.sum(fungrad.grad(f)(w, x) ** 2))(x),
                       jax.grad(lambda x: jnp.sum(jax.grad(jf)(w, x) ** 2))(x))  # fmt: skip


@device_check
def unused_outputs_are_pruned():
    f = fungrad.shard_map(
        lambda x, y: (flax.psum(fnp.sin(x), "i"), y * 2), mesh=_mesh(), in_specs=(P("i"), P()), out_specs=(P(), P())
    )
    g = fungrad.jit(lambda x, y: f(x, y)[1])
    assert_trees_close(g(np.ones((8, 2)), np.ones(3)), 2 * np.ones(3))
    text = str(g.ir(np.ones((8, 2)), np.ones(3)))
    assert "psum" not in text and "sin" not in text, text


@device_check
def out_specs_replicated_but_varying_is_an_error():
    f = fungrad.shard_map(lambda x: x * 2, mesh=_mesh(), in_specs=P("i"), out_specs=P())
    with pytest.raises(fungrad.FungradTypeError, match=r"output 0 of `<lambda>` varies over mesh axes \['i'\]"):
        f(np.ones(8))


@device_check
def shard_map_bad_spec_errors():
    f = fungrad.shard_map(lambda x: x, mesh=_mesh(), in_specs=P("i"), out_specs=P("i"))
    with pytest.raises(fungrad.FungradTypeError, match=r"dimension 0 \(size 6\) is not divisible by the 4 devices"):
        f(np.ones(6))


# ---- shardings: jit in/out_shardings, with_sharding_constraint, device_put ---------------------------


@device_check
def jit_shardings_and_device_put():
    mesh = _mesh()
    rows, cols = NamedSharding(mesh, P("i", "j")), NamedSharding(mesh, P(None, "j"))
    x = _rand(8, 4)
    f = fungrad.jit(lambda x: fnp.sin(x) * 2, in_shardings=rows, out_shardings=cols)
    jf = jax.jit(lambda x: jnp.sin(x) * 2, in_shardings=rows, out_shardings=cols)
    out = f(x)
    assert_trees_close(out, jf(x))
    assert out.sharding == jf(x).sharding == cols
    placed = jax.device_put(x, rows)  # a placed array keeps its sharding, eagerly and compiled
    assert fnp.sin(placed).sharding == rows
    assert fungrad.jit(lambda v: v + 1)(placed).sharding == jax.jit(lambda v: v + 1)(placed).sharding


@device_check
def with_sharding_constraint_modes():
    mesh = _mesh()
    s = NamedSharding(mesh, P("j", None))

    def make(lib, wsc):
        return lambda x, w: wsc(lib.tanh(x @ w), s) @ w.T

    f, jf = make(fnp, flax.with_sharding_constraint), make(jnp, jax.lax.with_sharding_constraint)
    args = (_rand(6, 4), _rand(4, 4))
    _compare_modes(f, jf, args)
    out_f = fungrad.jit(lambda x, w: flax.with_sharding_constraint(x @ w, s))(*args)
    out_j = jax.jit(lambda x, w: jax.lax.with_sharding_constraint(x @ w, s))(*args)
    assert out_f.sharding.is_equivalent_to(out_j.sharding, 2) and out_f.sharding.is_equivalent_to(s, 2)
    # The backward pass is constrained too: the constraint appears in the gradient's IR.
    text = str(fungrad.make_ir(fungrad.grad(_sq(f, fnp)))(*args))
    assert text.count("with_sharding_constraint") >= 2, text


@device_check
def sharded_step_hlo_matches_jax():
    """Same shardings, same collectives: the optimized HLO of a sharded MLP step has JAX's collectives."""
    import re

    mesh = _mesh()
    data, repl = NamedSharding(mesh, P(("i", "j"))), NamedSharding(mesh, P())

    def loss(lib, w, x):
        return lib.mean(lib.tanh(x @ w) ** 2)

    w, x = _rand(8, 8), _rand(64, 8)
    ours = fungrad.jit(fungrad.grad(lambda w, x: loss(fnp, w, x)), in_shardings=(repl, data), out_shardings=repl)
    theirs = jax.jit(jax.grad(lambda w, x: loss(jnp, w, x)), in_shardings=(repl, data), out_shardings=repl)
    assert_trees_close(ours(w, x), theirs(w, x))

    def count(jitted):
        hlo = jitted.lower(w, x).compile().as_text()
        kinds = r"\b(all-reduce|all-gather|reduce-scatter|collective-permute|all-to-all)(?:-start)?\("
        return sorted(re.findall(kinds, hlo))

    assert count(ours) == count(theirs), (count(ours), count(theirs))


@device_check
def shard_map_step_cost_matches_jax():
    """A Megatron-split MLP step by shard_map: JAX's collectives and per-device bytes. A replicated bias
    is pbroadcast before its broadcast to the batch, so its gradient is all-reduced at its own size."""
    import re

    mesh = _mesh()
    specs = {"w1": P(None, "j"), "b1": P("j"), "w2": P("j", None)}

    def local(lib, psum, pmean):
        def loss(p, x):
            h = lib.tanh(x @ p["w1"] + p["b1"])
            return pmean(lib.mean(psum(h @ p["w2"], "j") ** 2), "i")

        return loss

    kw = dict(mesh=mesh, in_specs=(specs, P("i")), out_specs=P())
    ours = fungrad.jit(fungrad.grad(fungrad.shard_map(local(fnp, flax.psum, flax.pmean), **kw)))
    theirs = jax.jit(jax.grad(jax.shard_map(local(jnp, jax.lax.psum, jax.lax.pmean), **kw)))
    params, x = {"w1": _rand(4, 8), "b1": _rand(8), "w2": _rand(8, 3)}, _rand(16, 4)
    assert_trees_close(ours(params, x), theirs(params, x))
    compiled = [fn.lower(params, x).compile() for fn in (ours, theirs)]
    kinds = r"\b(all-reduce|all-gather|reduce-scatter|collective-permute|all-to-all)(?:-start)?\("
    counts = [sorted(re.findall(kinds, c.as_text())) for c in compiled]
    assert counts[0] == counts[1], counts
    costs = [c.cost_analysis() for c in compiled]
    costs = [c[0] if isinstance(c, list) else c for c in costs]
    assert abs(costs[0]["bytes accessed"] / costs[1]["bytes accessed"] - 1) < 0.02, costs


# ---- the subprocess protocol --------------------------------------------------------------------------


def _run_device_checks() -> None:
    results = {}
    for name, fn in DEVICE_CHECKS.items():
        try:
            fn()
            results[name] = "ok"
        except BaseException:  # noqa: BLE001 - every failure is reported to the parent test
            results[name] = traceback.format_exc()
    print(MARK + json.dumps(results), flush=True)


def test_on_8_devices():
    """Every ``@device_check`` in one subprocess with 8 CPU devices (one process, however pytest-xdist
    distributes tests; each failing check is listed with its traceback)."""
    env = dict(os.environ)
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=8").strip()
    env.setdefault("FUNGRAD_CHECK_REWRITES", "1")
    env["JAX_PLATFORMS"] = "cpu"
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__)], env=env, capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"the 8-device check process timed out after {err.timeout}s")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
    assert lines, (
        f"the 8-device check process failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    )
    results = json.loads(lines[-1][len(MARK) :])
    assert set(results) == set(DEVICE_CHECKS)
    failed = {name: tb for name, tb in results.items() if tb != "ok"}
    assert not failed, "\n".join(f"--- {name} ---\n{tb}" for name, tb in failed.items())


# ---- vmap(..., axis_name=...) (no devices needed) -------------------------------------------------------

NAMED = [
    ("psum", lambda x: flax.psum(x, "b"), lambda x: jax.lax.psum(x, "b")),
    ("psum_const", lambda x: x * flax.psum(2.0, "b"), lambda x: x * jax.lax.psum(2.0, "b")),
    ("pmean", lambda x: flax.pmean(x * x, "b"), lambda x: jax.lax.pmean(x * x, "b")),
    ("all_gather", lambda x: flax.all_gather(x, "b", axis=1), lambda x: jax.lax.all_gather(x, "b", axis=1)),
    ("all_gather_tiled", lambda x: flax.all_gather(x, "b", tiled=True),
     lambda x: jax.lax.all_gather(x, "b", tiled=True)),
    ("psum_scatter", lambda x: flax.psum_scatter(x[:2] * x[0], "b", tiled=True),
     lambda x: jax.lax.psum_scatter(x[:2] * x[0], "b", tiled=True)),
    ("ppermute", lambda x: flax.ppermute(x, "b", [(0, 1), (1, 0)]),
     lambda x: jax.lax.ppermute(x, "b", [(0, 1), (1, 0)])),
    ("axis_index", lambda x: x * flax.axis_index("b"), lambda x: x * jax.lax.axis_index("b")),
    ("in_jit", fungrad.jit(lambda x: flax.psum(fnp.sin(x), "b")), lambda x: jax.lax.psum(jnp.sin(x), "b")),
]  # fmt: skip


@pytest.mark.parametrize("name,f,jf", NAMED, ids=[n for n, _, _ in NAMED])
def test_vmap_axis_name(name, f, jf):
    x = _rand(2, 4)
    assert_trees_close(fungrad.vmap(f, axis_name="b")(x), jax.vmap(jf, axis_name="b")(x))
    loss = lambda g, lib: lambda x: lib.sum(g(x) ** 2)  # noqa: E731
    expected = jax.grad(loss(jax.vmap(jf, axis_name="b"), jnp))(x)
    assert_trees_close(fungrad.grad(loss(fungrad.vmap(f, axis_name="b"), fnp))(x), expected)
    # Per-example gradients of a loss that reduces over the batch, as in JAX.
    per_example = fungrad.vmap(fungrad.grad(lambda v: fnp.sum(f(v))), axis_name="b")(x)
    assert_trees_close(per_example, jax.vmap(jax.grad(lambda v: jnp.sum(jf(v))), axis_name="b")(x))


def test_vmap_axis_name_pmax_and_errors():
    x = _rand(3, 2)
    assert_trees_close(fungrad.vmap(lambda v: flax.pmax(v, "b"), axis_name="b")(x), x.max(0) + 0 * x)
    with pytest.raises(NameError, match="unbound axis name: 'c'"):
        fungrad.vmap(lambda v: flax.psum(v, "c"), axis_name="b")(x)
    with pytest.raises(NotImplementedError, match=r"\[jvp\] pmax is not differentiable"):
        fungrad.vmap(lambda v: fungrad.jvp(lambda u: flax.pmax(u, "b"), (v,), (v,)), axis_name="b")(x)
    # Differentiating *around* the vmap sees a reduction over the batch axis: that is differentiable
    # (a fungrad extension; JAX raises for pmax here).
    grads = fungrad.grad(lambda v: fnp.sum(fungrad.vmap(lambda u: flax.pmax(u, "b"), axis_name="b")(v)))(x)
    assert_trees_close(grads, jax.grad(lambda v: 3 * jnp.sum(jnp.max(v, 0)))(x))


if __name__ == "__main__":
    jax.config.update("jax_enable_x64", True)
    cache = os.environ.get("FUNGRAD_TEST_JAX_CACHE", os.path.expanduser("~/.cache/fungrad-tests-jax"))
    if cache:
        jax.config.update("jax_compilation_cache_dir", cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    _run_device_checks()
