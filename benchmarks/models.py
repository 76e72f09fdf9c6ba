"""Shared benchmark workloads: a 3-layer MLP with softmax cross-entropy, written once for both libraries.

``mlp_loss(np_, nn)`` returns ``loss(params, x, y)`` for ``np_``/``nn`` = ``fungrad.numpy``/``fungrad.nn``
or ``jax.numpy``/``jax.nn``; ``params`` is a list of ``(W, b)`` tuples. The loss works for a batch
(``x`` of shape ``(B, d)``) and for a single example (``x`` of shape ``(d,)``), so per-example
gradients are ``vmap(grad(loss), in_axes=(None, 0, 0))``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time

import jax
import numpy as np

SIZES = (784, 256, 128, 10)


def init_mlp(seed: int = 0, sizes=SIZES, batch: int = 128, dtype=np.float32):
    """Parameters (list of (W, b)), inputs ``x`` (batch, sizes[0]) and one-hot labels ``y``."""
    rng = np.random.default_rng(seed)
    params = [
        ((rng.standard_normal((m, n)) / np.sqrt(m)).astype(dtype), (0.1 * rng.standard_normal(n)).astype(dtype))
        for m, n in zip(sizes[:-1], sizes[1:])
    ]
    x = rng.standard_normal((batch, sizes[0])).astype(dtype)
    y = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], batch)]
    return params, x, y


def mlp_loss(np_, nn):
    """Softmax cross-entropy of a tanh MLP (mean over the batch axis if there is one)."""

    def loss(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = np_.tanh(h)
        return -np_.mean(np_.sum(nn.log_softmax(h, axis=-1) * y, axis=-1))

    return loss


def fungrad_loss():
    import fungrad.nn as fnn
    import fungrad.numpy as fnp

    return mlp_loss(fnp, fnn)


def jax_loss():
    import jax.numpy as jnp

    return mlp_loss(jnp, jax.nn)


def block(tree):
    for leaf in jax.tree_util.tree_leaves(tree):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()
    return tree


def time_call(fn, reps: int = 20, warmup: int = 3) -> float:
    """Median seconds of ``fn()`` (results blocked on) after ``warmup`` calls."""
    for _ in range(warmup):
        block(fn())
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        block(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def time_pair(fungrad_fn, jax_fn, reps: int = 20, warmup: int = 3) -> tuple[float, float]:
    """Median seconds of each function, measured alternately so both see the same machine load."""
    for _ in range(warmup):
        block(fungrad_fn())
        block(jax_fn())
    f_times, j_times = [], []
    for _ in range(reps):
        for fn, times in ((fungrad_fn, f_times), (jax_fn, j_times)):
            t0 = time.perf_counter()
            block(fn())
            times.append(time.perf_counter() - t0)
    return statistics.median(f_times), statistics.median(j_times)


def print_table(title: str, rows: list[dict]) -> None:
    print(title)
    print(f"{'workload':<34}{'fungrad ms':>12}{'jax ms':>12}{'ratio':>9}")
    for r in rows:
        print(f"{r['name']:<34}{r['fungrad_s'] * 1e3:>12.3f}{r['jax_s'] * 1e3:>12.3f}{r['ratio']:>9.2f}")


RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def save_results(name: str, model: str, batch: int, reps: int, rows: list[dict]) -> dict:
    """Write a benchmark's rows with the machine and versions to ``results/<name>.json``."""
    out = dict(
        model=model,
        batch=batch,
        dtype="float32",
        reps=reps,
        jax_version=jax.__version__,
        backend=jax.default_backend(),
        machine=platform.machine(),
        rows=rows,
    )
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"{name}.json"), "w") as fh:
        json.dump(out, fh, indent=2)
    return out
