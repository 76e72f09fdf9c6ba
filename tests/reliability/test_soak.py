"""Bounded memory (#17.1): caches are tied to the lifetime of the functions and IRs they are about.

Two checks: a deterministic one (after a fresh function is dropped, nothing fungrad cached about it
keeps it alive: its jit record, IRs, IR rewrites and compiled eager calls are freed) and a short
resident-memory soak (``benchmarks/bench_soak.py`` at a small size: growth in the second half of the
run must stay near zero, where it used to be about 3 MB per function).
"""

import gc
import os
import sys
import weakref

import jax
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad._src import ad, batching, core, ir
from fungrad._src import jit as jit_mod

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
import bench_soak  # noqa: E402

X = np.linspace(0.1, 1.0, 8)


def _fresh(i):
    def f(x):
        return fnp.sum(fnp.sin(x * (1.0 + i)) ** 2 + fnp.tanh(x))

    return f


WORKLOADS = {
    "grad(jit(f))": lambda f: fungrad.grad(fungrad.jit(f))(X),
    "vmap(jit(f))": lambda f: fungrad.vmap(fungrad.jit(f))(np.stack([X, X])),
    "jit(grad(f))": lambda f: fungrad.jit(fungrad.grad(f))(X),
    "jvp(jit(f))": lambda f: fungrad.jvp(fungrad.jit(f), (X,), (X,))[1],
}


def _weak_entries() -> int:
    caches = [ad.jvp_ir.cache, ad.partial_eval_ir.cache, ad.transpose_ir.cache, batching.batch_ir.cache]
    return len(core._eager_cache.weak) + sum(len(c) for c in caches) + len(jit_mod._registry)


@pytest.mark.parametrize("name", list(WORKLOADS))
def test_dropped_functions_free_what_was_cached_about_them(name):
    run = WORKLOADS[name]
    for i in range(3):  # warm the per-primitive caches
        run(_fresh(i))
    f = _fresh(3)
    ref = weakref.ref(f)
    jax.block_until_ready(run(f))
    del f
    gc.collect()
    assert ref() is None, gc.get_referrers(ref())
    # Entries about dead functions go. Only ir.canonical's few most recent sub-IRs (kept so that a
    # body re-traced by every eager call stays warm) are held strongly: the count is bounded.
    counts = []
    for batch in range(3):
        for i in range(12):
            run(_fresh(100 + 12 * batch + i))
        gc.collect()
        counts.append(_weak_entries())
    assert max(counts) <= 4 * ir._CANONICAL_RECENT + 8, counts  # 36 functions ran: no growth with them


def test_eager_cache_lru_is_bounded():
    cache = core.ParamCache(maxsize=3)
    for i in range(10):
        cache.put(("k", i), None, i)
    assert len(cache) == 3 and cache.get(("k", 9), None) == 9 and cache.get(("k", 0), None) is None
    assert core._eager_cache.maxsize == core.EAGER_CACHE_SIZE
    assert core._shape_cache.maxsize == core.SHAPE_CACHE_SIZE


def test_clear_caches():
    f = fungrad.jit(lambda x: x * 3.0)
    fungrad.grad(f)(1.0)
    fungrad.clear_caches()
    assert len(core._eager_cache) == 0 and f._shared.cache == {}
    assert float(f(2.0)) == 6.0 and float(fungrad.grad(f)(1.0)) == 3.0


@pytest.mark.parametrize("name", ["grad(jit(f))", "vmap(jit(f))"])
def test_memory_soak_is_flat(name):
    step = bench_soak.workloads("fungrad")[name]
    out = bench_soak.soak(step, 80, jax.numpy.asarray(X))
    # Before the fix: ~3,000 MB per 1,000 functions for grad(jit(f)), i.e. ~120 MB per half here.
    # RSS moves in allocator-sized steps, so allow a few MB of noise per half.
    assert out["second_half_mb"] < 8.0, out
