"""Memory benchmark of ``fungrad.checkpoint`` against ``jax.checkpoint``, side by side.

Each workload is written once for both libraries (the same formulas in ``fungrad.numpy`` and
``jax.numpy``), in four programs: ``jit(grad(loss))`` without checkpointing and with a checkpoint
policy, for fungrad and for JAX. For each program we record XLA's ``memory_analysis()`` temp bytes and
``cost_analysis()`` flops (both deterministic), and for each loss the total bytes of the residuals the
backward pass keeps (``fungrad.saved_residuals`` and JAX's ``saved_residuals``).

Two comparisons:

* **the trade**: checkpointed / un-checkpointed, for each library (memory saved, flops paid);
* **against JAX**: fungrad / JAX with the same policy. Targets: temp bytes <= 1.00, flops <= 1.01,
  saved-residual bytes <= JAX's (and equal when both keep the policy's natural residual set).

Workloads: a 32-layer tanh MLP (width 256, batch 64) in 4 checkpointed blocks of 8 layers with
``nothing_saveable`` and with ``dots_saveable``, and at batch 1024 (where the activations, not the
gradient buffers, dominate temp memory); the same MLP as a ``scan`` over its 4 blocks (stacked
weights) with a checkpointed body; a scanned RNN (50 steps, hidden 128, batch 32) whose step is
checkpointed.

On XLA:CPU the unrolled MLP shows no trade for either library: the CPU pipeline's
``cse_barrier_expander`` pass removes the optimization barriers that keep the recomputation apart,
and the CSE pass after layout assignment then merges the recomputed layers with the forward pass
(``--xla_dump_hlo_pass_re`` shows 127 dots before it and 95, the un-checkpointed count, after). Inside a
``scan`` there is nothing to merge with, so the scanned workloads show the trade on every backend.
XLA's cost analysis counts a ``while`` loop's body once, so the flops of the scanned workloads are
those of one iteration of the forward and backward loops (the ratios are still meaningful).

Run ``python benchmarks/bench_checkpoint.py``. Prints a table, writes
``benchmarks/results/checkpoint.json`` and ``benchmarks/results/checkpoint.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re

import jax
import jax.numpy as jnp
import numpy as np
from jax._src.ad_checkpoint import saved_residuals as jax_saved_residuals  # not exported by jax.ad_checkpoint

import fungrad
import fungrad.lax as flax
import fungrad.numpy as fnp

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
LAYERS, WIDTH, BATCH, BLOCKS = 32, 256, 64, 4
STEPS, HIDDEN, RNN_BATCH, RNN_IN = 50, 128, 32, 64


# ---- workloads: loss(np_, lax_, checkpoint, policy) -> loss function, and its arguments -------------


def _mlp_args(rng, batch=BATCH):
    ws = rng.standard_normal((LAYERS, WIDTH, WIDTH)).astype(np.float32) / np.sqrt(WIDTH)
    bs = 0.1 * rng.standard_normal((LAYERS, WIDTH)).astype(np.float32)
    x = rng.standard_normal((batch, WIDTH)).astype(np.float32)
    return [(ws[i], bs[i]) for i in range(LAYERS)], x


def _mlp_args_b1024(rng):
    # At batch 64 the activations (2 MiB) fit in the gradients' output buffers (8 MiB), which XLA
    # reuses before writing them, so temp bytes hardly see them; at 1024 they are 32 MiB.
    return _mlp_args(rng, 1024)


def _block(np_, layers, h):
    for w, b in layers:
        h = np_.tanh(h @ w + b)
    return h


def mlp_blocks(np_, lax_, checkpoint, policy):
    """32-layer tanh MLP (width 256, batch 64), 4 checkpointed blocks of 8 layers, sum of squares."""
    block = (
        (lambda layers, h: _block(np_, layers, h))
        if checkpoint is None
        else checkpoint(lambda layers, h: _block(np_, layers, h), policy=policy)
    )
    per = LAYERS // BLOCKS

    def loss(params, x):
        h = x
        for i in range(BLOCKS):
            h = block(params[i * per : (i + 1) * per], h)
        return np_.sum(h**2)

    return loss


def mlp_scan(np_, lax_, checkpoint, policy):
    """The same MLP as a scan over its 4 blocks (weights stacked per block), checkpointed body."""
    per = LAYERS // BLOCKS

    def body(h, block_params):
        ws, bs = block_params
        return _block(np_, [(ws[i], bs[i]) for i in range(per)], h), None

    step = body if checkpoint is None else checkpoint(body, policy=policy)

    def loss(params, x):
        ws = np_.stack([w for w, _ in params]).reshape(BLOCKS, per, WIDTH, WIDTH)
        bs = np_.stack([b for _, b in params]).reshape(BLOCKS, per, WIDTH)
        h, _ = lax_.scan(step, x, (ws, bs))
        return np_.sum(h**2)

    return loss


def _rnn_args(rng):
    w = rng.standard_normal((HIDDEN, HIDDEN)).astype(np.float32) / np.sqrt(HIDDEN)
    u = rng.standard_normal((RNN_IN, HIDDEN)).astype(np.float32) / np.sqrt(RNN_IN)
    b = np.zeros(HIDDEN, np.float32)
    h0 = np.zeros((RNN_BATCH, HIDDEN), np.float32)
    xs = rng.standard_normal((STEPS, RNN_BATCH, RNN_IN)).astype(np.float32)
    return (w, u, b), h0, xs


def rnn(np_, lax_, checkpoint, policy):
    """Scanned tanh RNN (50 steps, hidden 128, batch 32, input 64), checkpointed step."""

    def loss(params, h0, xs):
        w, u, b = params

        def step(h, x):
            return np_.tanh(h @ w + x @ u + b), None

        h, _ = lax_.scan(step if checkpoint is None else checkpoint(step, policy=policy), h0, xs)
        return np_.sum(h**2)

    return loss


# name: (loss maker, argument maker, policy name)
WORKLOADS = {
    "mlp_nothing_saveable": (mlp_blocks, _mlp_args, "nothing_saveable"),
    "mlp_dots_saveable": (mlp_blocks, _mlp_args, "dots_saveable"),
    "mlp_b1024_nothing_saveable": (mlp_blocks, _mlp_args_b1024, "nothing_saveable"),
    "mlp_scan_nothing_saveable": (mlp_scan, _mlp_args, "nothing_saveable"),
    "rnn_nothing_saveable": (rnn, _rnn_args, "nothing_saveable"),
    "rnn_dots_saveable": (rnn, _rnn_args, "dots_saveable"),
}


# ---- measurements ---------------------------------------------------------------------------------


def _xla_costs(lowered) -> dict:
    compiled = lowered.compile()
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost
    before, after = lowered.as_text(), compiled.as_text()
    return {
        "flops": float(cost.get("flops", 0.0)),
        "temp_bytes": float(compiled.memory_analysis().temp_size_in_bytes),
        # Whether XLA kept the recomputation apart: products and barriers before and after optimisation.
        "dots_lowered": before.count("dot_general"),
        "dots_compiled": len(re.findall(r"\bdot\(", after)),
        "barriers_lowered": before.count("optimization_barrier"),
        "barriers_compiled": after.count("opt-barrier"),
    }


def _jax_residual_bytes(loss, args) -> int:
    return sum(int(np.prod(aval.shape)) * np.dtype(aval.dtype).itemsize for aval, _ in jax_saved_residuals(loss, *args))


def measure(name: str) -> dict:
    make, make_args, policy = WORKLOADS[name]
    args = jax.tree_util.tree_map(jnp.asarray, make_args(np.random.default_rng(0)))
    row = {"workload": name, "doc": make.__doc__, "policy": policy}
    libs = {
        "fungrad": (fnp, flax, fungrad.checkpoint, getattr(fungrad.checkpoint_policies, policy)),
        "jax": (jnp, jax.lax, jax.checkpoint, getattr(jax.checkpoint_policies, policy)),
    }
    grads = {}
    for lib, (np_, lax_, ckpt, pol) in libs.items():
        grad, jit = (fungrad.grad, fungrad.jit) if lib == "fungrad" else (jax.grad, jax.jit)
        for kind, loss in (("base", make(np_, lax_, None, None)), ("ckpt", make(np_, lax_, ckpt, pol))):
            fn = jit(grad(loss))
            for key, value in _xla_costs(fn.lower(*args)).items():
                row[f"{lib}_{kind}_{key}"] = value
            if lib == "fungrad":
                row[f"{lib}_{kind}_residual_bytes"] = sum(r.nbytes for r in fungrad.saved_residuals(loss, *args))
            else:
                row[f"{lib}_{kind}_residual_bytes"] = _jax_residual_bytes(loss, args)
            grads[lib, kind] = fn(*args)
    # All four programs compute the same gradient: a cheap guard that the comparison is meaningful.
    diffs = [
        float(jnp.max(jnp.abs(a - b)))
        for other in [("fungrad", "base"), ("jax", "ckpt"), ("jax", "base")]
        for a, b in zip(jax.tree_util.tree_leaves(grads["fungrad", "ckpt"]), jax.tree_util.tree_leaves(grads[other]))
    ]
    row["max_abs_diff"] = max(diffs)
    for key in ("temp_bytes", "flops", "residual_bytes"):
        row[f"vs_jax_{key}"] = row[f"fungrad_ckpt_{key}"] / row[f"jax_ckpt_{key}"]
        for lib in libs:
            row[f"{lib}_trade_{key}"] = row[f"{lib}_ckpt_{key}"] / row[f"{lib}_base_{key}"]
    return row


TARGETS = {"temp_bytes": 1.00, "flops": 1.01, "residual_bytes": 1.00}


def report(rows) -> str:
    head = (
        f"{'workload':<26}{'temp f/jax':>11}{'flops f/jax':>12}{'resid f/jax':>12}"
        f"{'temp ckpt/base':>16}{'flops ckpt/base':>17}{'resid ckpt/base':>17}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        marks = {k: " " if r[f"vs_jax_{k}"] <= TARGETS[k] else "*" for k in TARGETS}
        lines.append(
            f"{r['workload']:<26}{r['vs_jax_temp_bytes']:>10.3f}{marks['temp_bytes']}"
            f"{r['vs_jax_flops']:>11.4f}{marks['flops']}{r['vs_jax_residual_bytes']:>11.3f}{marks['residual_bytes']}"
            f"{r['fungrad_trade_temp_bytes']:>16.3f}{r['fungrad_trade_flops']:>17.3f}{r['fungrad_trade_residual_bytes']:>17.3f}"
        )
    lines.append("f/jax: fungrad / jax with the same policy; ckpt/base: fungrad checkpointed / un-checkpointed")
    lines.append("targets (f/jax): " + ", ".join(f"{k} <= {v}" for k, v in TARGETS.items()) + "   (* = above target)")
    return "\n".join(lines)


def chart(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Normalised to fungrad's un-checkpointed program: the workloads differ in size by 100x.
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    xs = np.arange(len(rows))
    bars = [
        ("fungrad_base", "fungrad, no checkpoint"),
        ("jax_base", "jax, no checkpoint"),
        ("fungrad_ckpt", "fungrad.checkpoint"),
        ("jax_ckpt", "jax.checkpoint"),
    ]
    for ax, key in ((axes[0], "temp_bytes"), (axes[1], "flops")):
        for i, (prefix, label) in enumerate(bars):
            vals = [r[f"{prefix}_{key}"] / r[f"fungrad_base_{key}"] for r in rows]
            ax.bar(xs + (i - 1.5) * 0.2, vals, 0.2, label=label)
        ax.axhline(1.0, color="k", lw=0.8, ls="--")
        ax.set_xticks(xs, [r["workload"][: -len(r["policy"]) - 1] + "\n" + r["policy"] for r in rows], fontsize=6)
        ax.set_ylabel(f"{key} / fungrad un-checkpointed")
        ax.legend(fontsize=7)
    axes[0].set_title("XLA temp bytes of jit(grad(loss))")
    axes[1].set_title("XLA flops of jit(grad(loss)) (a loop body counts once)")
    fig.suptitle(f"checkpoint: memory/compute trade, fungrad vs jax on {jax.default_backend()}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=RESULTS, help="directory for checkpoint.json / checkpoint.png")
    parser.add_argument("--tag", default="", help="suffix for the output files (e.g. _gpu)")
    opts = parser.parse_args(argv)
    rows = [measure(name) for name in WORKLOADS]
    print(report(rows))
    os.makedirs(opts.out, exist_ok=True)
    meta = {
        "backend": jax.default_backend(),
        "device": str(jax.devices()[0]),
        "jax": jax.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    with open(os.path.join(opts.out, f"checkpoint{opts.tag}.json"), "w") as fh:
        json.dump({"meta": meta, "workloads": rows, "targets": TARGETS}, fh, indent=2)
    chart(rows, os.path.join(opts.out, f"checkpoint{opts.tag}.png"))
    return rows


if __name__ == "__main__":
    main()
