"""Recurrent models through ``scan``: fungrad vs JAX, measured side by side in one run (issue #11).

Workloads (float32): an Elman RNN and an LSTM, hidden 128, batch 32, input 32, 50 time steps via
``lax.scan``, loss = mean squared error of a linear readout of every hidden state. Each model is
written once against a namespace (``fungrad.numpy``/``fungrad.lax`` or ``jax.numpy``/``jax.lax``).

* ``jit(grad(loss))``: XLA ``cost_analysis`` flops and bytes, ``memory_analysis`` temp bytes, step
  time, trace + lower time, each as fungrad / JAX (``jax.jit(jax.grad)`` of the same model);
* trace + lower time of ``jit(grad(loss))`` vs sequence length T = 10, 100, 1000 for ``scan`` (flat)
  next to the same RNN written as a Python loop (grows with T), both libraries;
* eager ``grad`` (no jit) of the scanned RNN vs JAX eager.

Run ``python benchmarks/bench_control_flow.py`` (``--quick`` for fewer repetitions). Prints a table,
writes ``benchmarks/results/control_flow.json``, ``control_flow.png`` (ratios) and
``control_flow_trace.png`` (trace time vs T).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import types

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import models  # noqa: E402
from bench_jit import _lower_times, _step_times, _xla_costs  # noqa: E402

import fungrad  # noqa: E402
import fungrad.lax as flax  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
FG = types.SimpleNamespace(np=fnp, lax=flax, grad=fungrad.grad, jit=fungrad.jit, name="fungrad")
JX = types.SimpleNamespace(np=jnp, lax=jax.lax, grad=jax.grad, jit=jax.jit, name="jax")
HIDDEN, BATCH, INPUT, STEPS = 128, 32, 32, 50


# ---- models ---------------------------------------------------------------------------------------


def init(cell: str, steps: int = STEPS, seed: int = 0):
    rng = np.random.default_rng(seed)
    gates = 4 if cell == "lstm" else 1
    params = {
        "wx": (rng.standard_normal((INPUT, gates * HIDDEN)) / np.sqrt(INPUT)).astype(np.float32),
        "wh": (rng.standard_normal((HIDDEN, gates * HIDDEN)) / np.sqrt(HIDDEN)).astype(np.float32),
        "b": np.zeros(gates * HIDDEN, np.float32),
        "wo": (rng.standard_normal((HIDDEN, 1)) / np.sqrt(HIDDEN)).astype(np.float32),
    }
    xs = rng.standard_normal((steps, BATCH, INPUT)).astype(np.float32)
    ys = rng.standard_normal((steps, BATCH, 1)).astype(np.float32)
    return params, xs, ys


def rnn_cell(lib, p, h, x):
    return lib.np.tanh(x @ p["wx"] + h @ p["wh"] + p["b"])


def lstm_cell(lib, p, state, x):
    np_ = lib.np
    h, c = state
    z = x @ p["wx"] + h @ p["wh"] + p["b"]
    i, f, g, o = (z[:, k * HIDDEN : (k + 1) * HIDDEN] for k in range(4))
    sig = lambda v: 1.0 / (1.0 + np_.exp(-v))  # noqa: E731
    c = sig(f) * c + sig(i) * np_.tanh(g)
    return sig(o) * np_.tanh(c), c


def make_loss(lib, cell: str, python_loop: bool = False):
    """Mean squared error of a linear readout of every hidden state, over the whole sequence."""
    np_ = lib.np

    def loss(p, xs, ys):
        h = np_.zeros((BATCH, HIDDEN), np.float32)
        init = (h, h) if cell == "lstm" else h

        def step(state, xy):
            x, y = xy
            state = lstm_cell(lib, p, state, x) if cell == "lstm" else rnn_cell(lib, p, state, x)
            h = state[0] if cell == "lstm" else state
            return state, np_.mean((h @ p["wo"] - y) ** 2)

        if python_loop:
            state, errs = init, []
            for t in range(xs.shape[0]):
                state, e = step(state, (xs[t], ys[t]))
                errs.append(e)
            return sum(errs) / len(errs)
        _, errs = lib.lax.scan(step, init, (xs, ys))
        return np_.mean(errs)

    return loss


# ---- measurements ---------------------------------------------------------------------------------


def measure_jit(cell: str, quick: bool) -> dict:
    params, xs, ys = jax.tree_util.tree_map(jnp.asarray, init(cell))
    f_grad, j_grad = fungrad.grad(make_loss(FG, cell)), jax.grad(make_loss(JX, cell))
    f_jit, j_jit = fungrad.jit(f_grad), jax.jit(j_grad)
    args = (params, xs, ys)
    row = {"workload": f"{cell} T={STEPS} H={HIDDEN} B={BATCH}"}
    # The first trace + lower of this model in the process (cold rewrite caches); the ratio below is
    # the best of several fresh jit objects, where fungrad's rewrites of the (canonical) body are cached.
    start = time.perf_counter()
    f_lowered = f_jit.lower(*args)
    row["fungrad_first_lower_s"] = time.perf_counter() - start
    start = time.perf_counter()
    j_lowered = j_jit.lower(*args)
    row["jax_first_lower_s"] = time.perf_counter() - start
    fc, jc = _xla_costs(f_lowered), _xla_costs(j_lowered)
    for k in fc:
        row[f"fungrad_{k}"], row[f"jax_{k}"] = fc[k], jc[k]
    (f_med, f_min), (j_med, j_min) = _step_times([f_jit, j_jit], args, 20 if quick else 100)
    row["fungrad_step_s"], row["jax_step_s"] = f_min, j_min
    row["fungrad_step_median_s"], row["jax_step_median_s"] = f_med, j_med
    row["fungrad_lower_s"], row["jax_lower_s"] = _lower_times(
        [lambda: fungrad.jit(lambda *a: f_grad(*a)), lambda: jax.jit(lambda *a: j_grad(*a))], args, 3 if quick else 10
    )
    diffs = jax.tree_util.tree_map(lambda a, b: float(jnp.max(jnp.abs(a - b))), f_jit(*args), j_jit(*args))
    row["max_abs_diff"] = max(jax.tree_util.tree_leaves(diffs))
    return row


def trace_vs_length(lengths, quick: bool) -> list[dict]:
    """Trace + lower time of jit(grad(rnn loss)) for scan and for a Python loop, per T, both libraries."""
    rows = []
    for steps in lengths:
        params, xs, ys = jax.tree_util.tree_map(jnp.asarray, init("rnn", steps))
        row = {"T": steps}
        for lib in (FG, JX):
            for kind, loop in (("scan", False), ("loop", True)):
                g = lib.grad(make_loss(lib, "rnn", python_loop=loop))
                repeats = 1 if (loop and steps >= 1000) or quick else 3
                row[f"{lib.name}_{kind}_s"] = _lower_times(
                    [lambda g=g, lib=lib: lib.jit(lambda *a: g(*a))], (params, xs, ys), repeats
                )[0]
        rows.append(row)
        print(f"T={steps}: " + ", ".join(f"{k} {v:.3f}s" for k, v in row.items() if k != "T"), flush=True)
    return rows


def measure_eager(quick: bool) -> dict:
    params, xs, ys = jax.tree_util.tree_map(jnp.asarray, init("rnn"))
    f_grad, j_grad = fungrad.grad(make_loss(FG, "rnn")), jax.grad(make_loss(JX, "rnn"))
    f_t, j_t = models.time_pair(lambda: f_grad(params, xs, ys), lambda: j_grad(params, xs, ys), 5 if quick else 20)
    return {"workload": f"eager grad, rnn T={STEPS}", "fungrad_s": f_t, "jax_s": j_t, "ratio": f_t / j_t}


TARGETS = {"flops": 1.00, "bytes": 1.00, "temp_bytes": 1.00, "step_s": 1.05, "lower_s": 1.0, "eager": 1.0}
KEYS = ["flops", "bytes", "temp_bytes", "step_s", "lower_s"]


def _ratio(row, key):
    j = row[f"jax_{key}"]
    return row[f"fungrad_{key}"] / j if j else float("nan")


def report(rows, trace_rows, eager) -> str:
    head = f"{'workload':<26}" + "".join(f"{k + ' ratio':>17}" for k in KEYS)
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = [f"{_ratio(row, k):>15.3f}{'  ' if _ratio(row, k) <= TARGETS[k] + 1e-9 else ' *'}" for k in KEYS]
        lines.append(f"{row['workload']:<26}" + "".join(cells))
    for row in rows:
        lines.append(
            f"{row['workload']}: first trace + lower in the process: fungrad {row['fungrad_first_lower_s']:.3f} s, "
            f"jax {row['jax_first_lower_s']:.3f} s"
        )
    lines.append(
        f"{eager['workload']}: fungrad {eager['fungrad_s'] * 1e3:.1f} ms, jax {eager['jax_s'] * 1e3:.1f} ms, "
        f"ratio {eager['ratio']:.3f}{'' if eager['ratio'] <= TARGETS['eager'] else ' *'}"
    )
    lines.append("trace + lower of jit(grad(rnn loss)) vs T (seconds):")
    lines.append(f"{'T':>6}{'fungrad scan':>14}{'fungrad loop':>14}{'jax scan':>10}{'jax loop':>10}")
    for r in trace_rows:
        lines.append(
            f"{r['T']:>6}{r['fungrad_scan_s']:>14.3f}{r['fungrad_loop_s']:>14.3f}{r['jax_scan_s']:>10.3f}"
            f"{r['jax_loop_s']:>10.3f}"
        )
    lines.append("targets: " + ", ".join(f"{k} <= {v}" for k, v in TARGETS.items()) + "   (* = above target)")
    return "\n".join(lines)


def charts(rows, trace_rows, eager, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / len(KEYS)
    xs = np.arange(len(rows))
    for i, k in enumerate(KEYS):
        ax.bar(xs + i * width, [_ratio(r, k) for r in rows], width, label=k)
    ax.bar(len(rows) + 2 * width, eager["ratio"], width, label="eager grad")
    ax.axhline(1.0, color="k", lw=0.8, ls="--")
    ax.set_xticks([*(xs + 2 * width), len(rows) + 2 * width], [r["workload"] for r in rows] + ["eager rnn"])
    ax.set_ylabel("fungrad / jax (lower is better)")
    ax.set_title(f"jit(grad) of scanned recurrent models, fungrad vs jax on {jax.default_backend()}")
    ax.legend(ncols=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "control_flow.png"), dpi=120)

    fig, ax = plt.subplots(figsize=(6, 4.5))
    ts = [r["T"] for r in trace_rows]
    for key, style in [
        ("fungrad_scan_s", "o-"),
        ("fungrad_loop_s", "o--"),
        ("jax_scan_s", "s-"),
        ("jax_loop_s", "s--"),
    ]:
        ax.plot(ts, [r[key] for r in trace_rows], style, label=key[:-2].replace("_", " "))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("trace + lower of jit(grad(loss)) [s]")
    ax.set_title("scan stays flat; a Python loop grows with T")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "control_flow_trace.png"), dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--out", default=RESULTS, help="directory for the JSON and PNGs")
    parser.add_argument("--lengths", default="10,100,1000", help="sequence lengths of the trace-time curve")
    opts = parser.parse_args()
    rows = [measure_jit(cell, opts.quick) for cell in ("rnn", "lstm")]
    eager = measure_eager(opts.quick)
    trace_rows = trace_vs_length([int(t) for t in opts.lengths.split(",")], opts.quick)
    print(report(rows, trace_rows, eager))
    os.makedirs(opts.out, exist_ok=True)
    meta = {
        "backend": jax.default_backend(),
        "device": str(jax.devices()[0]),
        "jax": jax.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    result = {"meta": meta, "jit": rows, "eager": eager, "trace_vs_length": trace_rows, "targets": TARGETS}
    with open(os.path.join(opts.out, "control_flow.json"), "w") as fh:
        json.dump(result, fh, indent=2)
    charts(rows, trace_rows, eager, opts.out)


if __name__ == "__main__":
    main()
