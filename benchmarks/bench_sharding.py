"""Sharded training steps: fungrad vs JAX with the same shardings, and weak scaling over 1-8 devices.

Each workload is one SGD step of an MLP (loss, gradient, update) written once in ``fungrad.numpy``
and once in ``jax.numpy``, compiled with the same ``in_shardings``/``out_shardings`` (or the same
``shard_map`` specs). Compared, from the compiled programs:

* per-device flops and bytes accessed (XLA's ``cost_analysis()`` of the SPMD-partitioned program),
  as ratios fungrad / JAX;
* the collectives in the optimized HLO, counted by kind (all-reduce, all-gather, reduce-scatter,
  collective-permute, all-to-all): they must be the same;
* step time (median of interleaved timed calls), as a ratio fungrad / JAX.

Workloads: data parallel (replicated parameters, batch split over 8 devices), tensor parallel
(Megatron split of the hidden layer over ``model`` x batch over ``data`` on a 2 x 4 mesh, by shardings
and ``with_sharding_constraint``), and the same tensor-parallel step written with ``shard_map``.
Weak scaling: the data-parallel step with a fixed batch per device on 1, 2, 4 and 8 devices.

Run ``python benchmarks/bench_sharding.py`` (``--quick``: fewer timing repetitions). The script asks
XLA for 8 CPU devices before JAX starts. Prints tables; writes ``benchmarks/results/sharding.json``.
"""

from __future__ import annotations

import os

if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=8").strip()

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import Mesh, NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import fungrad  # noqa: E402
import fungrad.lax as flax  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
COLLECTIVE = re.compile(r"\b(all-reduce|all-gather|reduce-scatter|collective-permute|all-to-all)(?:-start)?\(")
LR = 0.05


def count_collectives(hlo_text: str) -> dict:
    return dict(sorted(collections.Counter(COLLECTIVE.findall(hlo_text)).items()))


# ---- the model, written in both libraries ----------------------------------------------------------------


def init(rng, d_in, hidden, d_out):
    return {
        "w1": (rng.normal(size=(d_in, hidden)) / np.sqrt(d_in)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": (rng.normal(size=(hidden, d_out)) / np.sqrt(hidden)).astype(np.float32),
        "b2": np.zeros(d_out, np.float32),
    }


def make_loss(lib, log_softmax, constrain=None):
    def loss(p, x, y):
        h = lib.tanh(x @ p["w1"] + p["b1"])
        if constrain is not None:
            h = constrain(h)
        logp = log_softmax(h @ p["w2"] + p["b2"])
        return -lib.mean(lib.sum(logp * y, axis=-1))

    return loss


def sgd_step(value_and_grad, loss):
    def step(p, x, y):
        value, g = value_and_grad(loss)(p, x, y)
        return {k: p[k] - LR * g[k] for k in p}, value

    return step


def fungrad_loss(constrain=None):
    return make_loss(fnp, fungrad.nn.log_softmax, constrain)


def jax_loss(constrain=None):
    return make_loss(jnp, jax.nn.log_softmax, constrain)


# ---- measuring -----------------------------------------------------------------------------------------


def measure(ours, theirs, args, reps: int) -> dict:
    """Compile both (same shardings), compare cost, collectives and step time."""
    stats = {}
    for name, fn in (("fungrad", ours), ("jax", theirs)):
        compiled = fn.lower(*args).compile()
        cost = compiled.cost_analysis()
        cost = cost[0] if isinstance(cost, list) else cost
        memory = compiled.memory_analysis()
        stats[name] = {
            "flops": float(cost.get("flops", 0.0)),
            "bytes": float(cost.get("bytes accessed", 0.0)),
            "temp_bytes": int(getattr(memory, "temp_size_in_bytes", 0)),
            "collectives": count_collectives(compiled.as_text()),
        }
        jax.block_until_ready(fn(*args))  # warm up
    times = {"fungrad": [], "jax": []}
    for _ in range(reps):  # interleaved, so load on the shared machine hits both alike
        for name, fn in (("fungrad", ours), ("jax", theirs)):
            start = time.perf_counter()
            jax.block_until_ready(fn(*args))
            times[name].append(time.perf_counter() - start)
    for name in times:
        stats[name]["step_ms"] = 1e3 * statistics.median(times[name])
    f, j = stats["fungrad"], stats["jax"]
    stats["ratios"] = {
        "flops": f["flops"] / j["flops"] if j["flops"] else float("nan"),
        "bytes": f["bytes"] / j["bytes"] if j["bytes"] else float("nan"),
        "step_time": f["step_ms"] / j["step_ms"],
        "same_collectives": f["collectives"] == j["collectives"],
    }
    return stats


def data_parallel(devices, per_device_batch, dims):
    mesh = Mesh(np.array(devices), ("data",))
    repl, data = NamedSharding(mesh, P()), NamedSharding(mesh, P("data"))
    rng = np.random.default_rng(0)
    params = init(rng, *dims)
    n = per_device_batch * len(devices)
    x = rng.normal(size=(n, dims[0])).astype(np.float32)
    y = np.eye(dims[2], dtype=np.float32)[rng.integers(0, dims[2], n)]
    shardings = dict(in_shardings=(repl, data, data), out_shardings=(repl, repl))
    ours = fungrad.jit(sgd_step(fungrad.value_and_grad, fungrad_loss()), **shardings)
    theirs = jax.jit(sgd_step(jax.value_and_grad, jax_loss()), **shardings)
    args = jax.device_put((params, x, y), (repl, data, data))
    return ours, theirs, args


TP_SPECS = {"w1": P(None, "model"), "b1": P("model"), "w2": P("model", None), "b2": P()}


def tensor_parallel(devices, batch, dims):
    mesh = Mesh(np.array(devices[:8]).reshape(2, 4), ("data", "model"))
    param_sh = {k: NamedSharding(mesh, s) for k, s in TP_SPECS.items()}
    data, repl = NamedSharding(mesh, P("data")), NamedSharding(mesh, P())
    hidden = NamedSharding(mesh, P("data", "model"))
    rng = np.random.default_rng(0)
    params = init(rng, *dims)
    x = rng.normal(size=(batch, dims[0])).astype(np.float32)
    y = np.eye(dims[2], dtype=np.float32)[rng.integers(0, dims[2], batch)]
    shardings = dict(in_shardings=(param_sh, data, data), out_shardings=(param_sh, repl))
    ours = fungrad.jit(
        sgd_step(fungrad.value_and_grad, fungrad_loss(lambda h: flax.with_sharding_constraint(h, hidden))),
        **shardings,
    )
    theirs = jax.jit(
        sgd_step(jax.value_and_grad, jax_loss(lambda h: jax.lax.with_sharding_constraint(h, hidden))), **shardings
    )
    args = jax.device_put((params, x, y), (param_sh, data, data))
    return ours, theirs, args, mesh, shardings


def tensor_parallel_shard_map(devices, batch, dims):
    _, _, args, mesh, shardings = tensor_parallel(devices, batch, dims)

    def local(lib, log_softmax, psum, pmean):
        def loss(p, x, y):
            h = lib.tanh(x @ p["w1"] + p["b1"])
            logp = log_softmax(psum(h @ p["w2"], "model") + p["b2"])
            return pmean(-lib.mean(lib.sum(logp * y, axis=-1)), "data")

        return loss

    specs = dict(mesh=mesh, in_specs=(TP_SPECS, P("data"), P("data")), out_specs=P())
    ours_loss = fungrad.shard_map(local(fnp, fungrad.nn.log_softmax, flax.psum, flax.pmean), **specs)
    theirs_loss = jax.shard_map(local(jnp, jax.nn.log_softmax, jax.lax.psum, jax.lax.pmean), **specs)
    ours = fungrad.jit(sgd_step(fungrad.value_and_grad, ours_loss), **shardings)
    theirs = jax.jit(sgd_step(jax.value_and_grad, theirs_loss), **shardings)
    return ours, theirs, args


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    reps = 10 if args.quick else 50
    devices = jax.devices()
    dims = (256, 1024, 16)
    results = {"machine": f"{platform.processor() or platform.machine()}, {jax.devices()[0].platform}", "workloads": {}}

    workloads = {
        "data parallel, 8 devices (batch 8x128)": lambda: data_parallel(devices[:8], 128, dims),
        "tensor parallel 2x4, shardings (batch 256)": lambda: tensor_parallel(devices, 256, dims)[:3],
        "tensor parallel 2x4, shard_map (batch 256)": lambda: tensor_parallel_shard_map(devices, 256, dims),
    }
    print(f"{'workload':45s} {'flops':>6s} {'bytes':>6s} {'time':>6s}  collectives fungrad | jax")
    for name, build in workloads.items():
        ours, theirs, step_args = build()
        s = measure(ours, theirs, step_args, reps)
        results["workloads"][name] = s
        r = s["ratios"]
        print(
            f"{name:45s} {r['flops']:6.3f} {r['bytes']:6.3f} {r['step_time']:6.3f}  "
            f"{s['fungrad']['collectives']} | {s['jax']['collectives']}"
        )

    print("\nweak scaling, data parallel, 128 examples per device:")
    print(f"{'devices':>7s} {'fungrad ms':>10s} {'jax ms':>8s} {'ratio':>6s} {'flops/device':>13s}  collectives")
    results["weak_scaling"] = []
    for n in (1, 2, 4, 8):
        s = measure(*data_parallel(devices[:n], 128, dims), reps)
        row = {"devices": n, **{k: s[k] for k in ("fungrad", "jax", "ratios")}}
        results["weak_scaling"].append(row)
        print(
            f"{n:7d} {s['fungrad']['step_ms']:10.2f} {s['jax']['step_ms']:8.2f} {s['ratios']['step_time']:6.3f} "
            f"{s['fungrad']['flops']:13.3e}  {s['fungrad']['collectives']}"
        )
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "sharding.json"), "w") as f:
        json.dump(results, f, indent=1)
    return results


if __name__ == "__main__":
    main()
