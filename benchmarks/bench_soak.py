"""Memory soak: fresh Python functions pushed through grad(jit(f)), vmap(jit(f)) and jit(grad(f)).

A long training job or a notebook creates functions again and again (a lambda per cell run, a closure
per epoch). Every cache keyed on such a function (or on an IR traced from it) must let the entry go when
the function dies, or memory grows without bound. This script measures resident memory growth per
1,000 fresh functions for fungrad and for JAX in the same process, and writes
``benchmarks/results/soak.json``.

Run: ``python benchmarks/bench_soak.py [--n 600]``. The test ``tests/test_reliability.py`` runs a
short version and asserts the growth is flat (second half vs first half).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys

import numpy as np


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc; ``resource`` peak elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _make_fungrad(i: int):
    import fungrad.numpy as fnp

    scale = 1.0 + i * 1e-3

    def f(x):  # a fresh function object (and fresh IRs) per call of _make_fungrad
        return fnp.sum(fnp.sin(x * scale) ** 2 + fnp.tanh(x))

    return f


def _make_jax(i: int):
    import jax.numpy as jnp

    scale = 1.0 + i * 1e-3

    def f(x):
        return jnp.sum(jnp.sin(x * scale) ** 2 + jnp.tanh(x))

    return f


def workloads(lib: str):
    """name -> step(i, x) that creates a fresh function and runs it once."""
    if lib == "fungrad":
        import fungrad as F

        make = _make_fungrad
    else:
        import jax as F

        make = _make_jax
    return {
        "grad(jit(f))": lambda i, x: F.grad(F.jit(make(i)))(x),
        "vmap(jit(f))": lambda i, x: F.vmap(F.jit(make(i)))(x[None].repeat(2, 0)),
        "jit(grad(f))": lambda i, x: F.jit(F.grad(make(i)))(x),
    }


def soak(step, n: int, x) -> dict:
    """Run ``step`` for ``n`` fresh functions; memory after the warm-up half and at the end."""
    for i in range(min(20, n)):  # warm-up: the per-primitive caches fill once
        step(i, x).block_until_ready()
    gc.collect()
    start = rss_mb()
    half = n // 2
    for i in range(n):
        step(1000 + i, x).block_until_ready()
        if i + 1 == half:
            gc.collect()
            mid = rss_mb()
    gc.collect()
    end = rss_mb()
    return {
        "n": n,
        "first_half_mb": round(mid - start, 2),
        "second_half_mb": round(end - mid, 2),
        # Steady state: the growth rate once bounded caches (fungrad's LRUs, JAX's) have filled.
        "mb_per_1000": round((end - mid) / (n - half) * 1000, 2),
        "mb_per_1000_whole_run": round((end - start) / n * 1000, 2),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="fresh functions per workload")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "soak.json"))
    args = parser.parse_args(argv)
    import jax

    x = jax.numpy.linspace(0.1, 1.0, 8)
    results = {}
    for lib in ("fungrad", "jax"):  # same process, same inputs
        for name, step in workloads(lib).items():
            results.setdefault(name, {})[lib] = soak(step, args.n, x)
            print(f"{lib:8s} {name:14s} {results[name][lib]}", flush=True)
    out = {
        "what": "resident memory growth per 1,000 freshly created functions (MB), same process; "
        "mb_per_1000 is the second half of the run (steady state), mb_per_1000_whole_run includes the "
        "first half, where bounded caches fill",
        "python": sys.version.split()[0],
        "jax": jax.__version__,
        "numpy": np.__version__,
        "results": results,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)
    return out


if __name__ == "__main__":
    main()
