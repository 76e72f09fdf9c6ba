"""Benchmark ``fungrad.jit(fungrad.grad(...))`` against ``jax.jit(jax.grad(...))``, side by side.

For each workload both programs are written once (the same formulas in ``fungrad.numpy`` and
``jax.numpy``) and compared on:

* XLA's ``cost_analysis()`` flops and bytes accessed, ``memory_analysis()`` temp bytes (deterministic);
* steady-state step time (median of timed calls, results blocked on);
* trace + lower time (a fresh ``jit`` object each time, ``.lower()`` only, best of a few);
* call overhead of a tiny jitted function.

Run ``python benchmarks/bench_jit.py`` (``--quick`` for fewer repetitions). Prints a table, writes
``benchmarks/results/jit.json`` and ``benchmarks/results/jit.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


# ---- workloads: (fungrad function, jax function, args) ------------------------------------------


def _init_mlp(rng, sizes):
    return [
        {"w": rng.normal(size=(m, n)).astype(np.float32) / np.sqrt(m), "b": np.zeros(n, np.float32)}
        for m, n in zip(sizes[:-1], sizes[1:])
    ]


def _mlp(np_, act, params, x):
    for layer in params[:-1]:
        x = act(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


def _xent(np_, log_softmax, params, x, labels, act):
    logp = log_softmax(_mlp(np_, act, params, x))
    return -np_.mean(np_.sum(logp * labels, axis=-1))


def mlp3(rng):
    """3-layer MLP (784-512-256-10, batch 256), softmax cross-entropy."""
    params = _init_mlp(rng, [784, 512, 256, 10])
    x = rng.normal(size=(256, 784)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]

    def f_loss(p, x, y):
        return _xent(fnp, fnn.log_softmax, p, x, y, fnp.tanh)

    def j_loss(p, x, y):
        return _xent(jnp, jax.nn.log_softmax, p, x, y, jnp.tanh)

    return fungrad.grad(f_loss), jax.grad(j_loss), (params, x, labels)


def deep_narrow(rng):
    """32 layers of 64 units (batch 128), tanh, mean squared error."""
    params = _init_mlp(rng, [64] * 33)
    x = rng.normal(size=(128, 64)).astype(np.float32)
    y = rng.normal(size=(128, 64)).astype(np.float32)

    def f_loss(p, x, y):
        return fnp.mean((_mlp(fnp, fnp.tanh, p, x) - y) ** 2)

    def j_loss(p, x, y):
        return jnp.mean((_mlp(jnp, jnp.tanh, p, x) - y) ** 2)

    return fungrad.grad(f_loss), jax.grad(j_loss), (params, x, y)


def per_example(rng):
    """Per-example gradients: vmap(grad) of a 2-layer MLP loss over a batch of 128."""
    params = _init_mlp(rng, [64, 128, 10])
    x = rng.normal(size=(128, 64)).astype(np.float32)
    y = rng.normal(size=(128, 10)).astype(np.float32)

    def f_loss(p, x, y):
        return fnp.sum((_mlp(fnp, fnp.tanh, p, x) - y) ** 2)

    def j_loss(p, x, y):
        return jnp.sum((_mlp(jnp, jnp.tanh, p, x) - y) ** 2)

    f = fungrad.vmap(fungrad.grad(f_loss), in_axes=(None, 0, 0))
    j = jax.vmap(jax.grad(j_loss), in_axes=(None, 0, 0))
    return f, j, (params, x, y)


def hvp(rng):
    """Hessian-vector product: jvp of grad of a 2-layer MLP loss (batch 128)."""
    params = _init_mlp(rng, [64, 128, 10])
    v = _init_mlp(rng, [64, 128, 10])
    x = rng.normal(size=(128, 64)).astype(np.float32)
    y = rng.normal(size=(128, 10)).astype(np.float32)

    def f_loss(p):
        return fnp.mean((_mlp(fnp, fnp.tanh, p, x) - y) ** 2)

    def j_loss(p):
        return jnp.mean((_mlp(jnp, jnp.tanh, p, x) - y) ** 2)

    def f(p, v):
        return fungrad.jvp(fungrad.grad(f_loss), (p,), (v,))[1]

    def j(p, v):
        return jax.jvp(jax.grad(j_loss), (p,), (v,))[1]

    return f, j, (params, v)


WORKLOADS = {"mlp3": mlp3, "deep_narrow": deep_narrow, "per_example_grads": per_example, "hvp": hvp}


# ---- measurements ---------------------------------------------------------------------------------


def _block(tree):
    for leaf in jax.tree_util.tree_leaves(tree):
        leaf.block_until_ready()


def _step_times(fns, args, repeats: int) -> list[tuple[float, float]]:
    """(median, min) step time of each function; calls alternate so machine load affects all alike."""
    for fn in fns:
        _block(fn(*args))
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            start = time.perf_counter()
            _block(fn(*args))
            ts.append(time.perf_counter() - start)
    return [(statistics.median(ts), min(ts)) for ts in times]


def _lower_times(makers, args, repeats: int) -> list[float]:
    """Best trace + lower time of each (a fresh jit object every time; runs alternate)."""
    best = [float("inf")] * len(makers)
    for _ in range(repeats):
        for i, make in enumerate(makers):
            fn = make()
            start = time.perf_counter()
            fn.lower(*args)
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def _xla_costs(lowered) -> dict:
    compiled = lowered.compile()
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost
    mem = compiled.memory_analysis()
    return {
        "flops": float(cost.get("flops", 0.0)),
        "bytes": float(cost.get("bytes accessed", 0.0)),
        "temp_bytes": float(getattr(mem, "temp_size_in_bytes", 0) if mem is not None else 0),
    }


def measure(name: str, quick: bool) -> dict:
    rng = np.random.default_rng(0)
    f, j, args = WORKLOADS[name](rng)
    args = jax.tree_util.tree_map(jnp.asarray, args)
    f_jit, j_jit = fungrad.jit(f), jax.jit(j)
    row = {"workload": name, "doc": WORKLOADS[name].__doc__}
    fc, jc = _xla_costs(f_jit.lower(*args)), _xla_costs(j_jit.lower(*args))
    for k in fc:
        row[f"fungrad_{k}"], row[f"jax_{k}"] = fc[k], jc[k]
    repeats = 30 if quick else 200
    # The ratio uses the best time (least disturbed by other load on a shared machine); medians are
    # kept in the JSON too.
    (f_med, f_min), (j_med, j_min) = _step_times([f_jit, j_jit], args, repeats)
    row["fungrad_step_s"], row["jax_step_s"] = f_min, j_min
    row["fungrad_step_median_s"], row["jax_step_median_s"] = f_med, j_med
    # Fresh wrapper functions: JAX caches traces by function identity, and so does fungrad.jit.
    row["fungrad_lower_s"], row["jax_lower_s"] = _lower_times(
        [lambda: fungrad.jit(lambda *a: f(*a)), lambda: jax.jit(lambda *a: j(*a))], args, 3 if quick else 15
    )
    # Both compute the same values: a cheap guard that the comparison is meaningful.
    diffs = jax.tree_util.tree_map(lambda a, b: float(jnp.max(jnp.abs(a - b))), f_jit(*args), j_jit(*args))
    row["max_abs_diff"] = max(jax.tree_util.tree_leaves(diffs))
    return row


def call_overhead(quick: bool) -> dict:
    x = jnp.ones(4, jnp.float32)
    f_jit = fungrad.jit(lambda x: x + 1.0)
    j_jit = jax.jit(lambda x: x + 1.0)
    f_jit(x), j_jit(x)
    n = 2000 if quick else 20000

    def block(fn):
        start = time.perf_counter()
        for _ in range(n):
            fn(x)
        return (time.perf_counter() - start) / n

    block(f_jit), block(j_jit)  # warm up both
    best = {"fungrad_call_s": float("inf"), "jax_call_s": float("inf")}
    for _ in range(7):  # alternate blocks, keep the best of each (the least disturbed by load)
        best["fungrad_call_s"] = min(best["fungrad_call_s"], block(f_jit))
        best["jax_call_s"] = min(best["jax_call_s"], block(j_jit))
    return best


TARGETS = {"flops": 1.00, "bytes": 1.05, "temp_bytes": 1.05, "step_s": 1.05, "lower_s": 1.0, "call_s": 1.5}


def _ratio(row, key):
    j = row[f"jax_{key}"]
    return row[f"fungrad_{key}"] / j if j else float("nan")


def report(rows, overhead) -> str:
    keys = ["flops", "bytes", "temp_bytes", "step_s", "lower_s"]
    head = f"{'workload':<18}" + "".join(f"{k + ' ratio':>18}" for k in keys)
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = []
        for k in keys:
            r = _ratio(row, k)
            cells.append(f"{r:>16.3f}{'  ' if r <= TARGETS[k] else ' *'}")
        lines.append(f"{row['workload']:<18}" + "".join(cells))
    r = overhead["fungrad_call_s"] / overhead["jax_call_s"]
    lines.append(
        f"tiny-function call overhead: fungrad {overhead['fungrad_call_s'] * 1e6:.2f} us, "
        f"jax {overhead['jax_call_s'] * 1e6:.2f} us, ratio {r:.3f}{'' if r <= TARGETS['call_s'] else ' *'}"
    )
    lines.append("targets: " + ", ".join(f"{k} <= {v}" for k, v in TARGETS.items()) + "   (* = above target)")
    return "\n".join(lines)


def chart(rows, overhead, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = ["flops", "bytes", "temp_bytes", "step_s", "lower_s"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(keys)
    xs = np.arange(len(rows) + 1)
    for i, k in enumerate(keys):
        vals = [_ratio(r, k) for r in rows] + [np.nan]
        ax.bar(xs[:-1] + i * width, vals[:-1], width, label=k)
    ax.bar(xs[-1] + 2 * width, overhead["fungrad_call_s"] / overhead["jax_call_s"], width, label="call overhead")
    ax.axhline(1.0, color="k", lw=0.8, ls="--")
    ax.set_xticks(xs + 2 * width, [r["workload"] for r in rows] + ["tiny call"])
    ax.set_ylabel("fungrad / jax (lower is better)")
    ax.set_title(f"fungrad.jit vs jax.jit on {jax.default_backend()}")
    ax.legend(ncols=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--out", default=RESULTS, help="directory for jit.json / jit.png")
    parser.add_argument("--tag", default="", help="suffix for the output files (e.g. _gpu)")
    opts = parser.parse_args()
    rows = [measure(name, opts.quick) for name in WORKLOADS]
    overhead = call_overhead(opts.quick)
    print(report(rows, overhead))
    os.makedirs(opts.out, exist_ok=True)
    meta = {
        "backend": jax.default_backend(),
        "device": str(jax.devices()[0]),
        "jax": jax.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    result = {"meta": meta, "workloads": rows, "call_overhead": overhead, "targets": TARGETS}
    with open(os.path.join(opts.out, f"jit{opts.tag}.json"), "w") as fh:
        json.dump(result, fh, indent=2)
    chart(rows, overhead, os.path.join(opts.out, f"jit{opts.tag}.png"))


if __name__ == "__main__":
    main()
