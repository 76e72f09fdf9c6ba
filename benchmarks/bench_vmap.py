"""Per-example gradients and a Hessian-vector product on the 3-layer MLP, eager, as ratios to JAX.

* per-example gradients: ``vmap(grad(loss), in_axes=(None, 0, 0))`` over a batch of 64;
* Hessian-vector product: ``jvp(lambda p: grad(loss)(p, x, y), (params,), (v,))`` (forward over reverse).

Both libraries run the same composition eagerly, in one process. Ratios are fungrad time / JAX
time. Run ``python benchmarks/bench_vmap.py [--reps N]`` (timed alternately, medians reported);
prints a table and writes ``benchmarks/results/vmap.json``.
"""

from __future__ import annotations

import argparse
import os
import sys

import jax
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import models  # noqa: E402

import fungrad  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args(argv)

    params, x, y = models.init_mlp(batch=args.batch)
    rng = np.random.default_rng(1)
    v = jax.tree_util.tree_map(lambda p: rng.standard_normal(p.shape).astype(p.dtype), params)
    f_loss, j_loss = models.fungrad_loss(), models.jax_loss()

    f_pex = fungrad.vmap(fungrad.grad(f_loss), in_axes=(None, 0, 0))
    j_pex = jax.vmap(jax.grad(j_loss), in_axes=(None, 0, 0))
    f_hvp = lambda: fungrad.jvp(lambda p: fungrad.grad(f_loss)(p, x, y), (params,), (v,))[1]  # noqa: E731
    j_hvp = lambda: jax.jvp(lambda p: jax.grad(j_loss)(p, x, y), (params,), (v,))[1]  # noqa: E731

    # the two libraries agree (float32 tolerance) before anything is timed
    for got, want in zip(
        jax.tree_util.tree_leaves(f_pex(params, x, y)), jax.tree_util.tree_leaves(j_pex(params, x, y))
    ):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=2e-3, atol=2e-5)

    rows = []
    f_t, j_t = models.time_pair(lambda: f_pex(params, x, y), lambda: j_pex(params, x, y), args.reps)
    rows.append(dict(name=f"per-example grads (vmap, B={args.batch})", fungrad_s=f_t, jax_s=j_t, ratio=f_t / j_t))
    f_t, j_t = models.time_pair(f_hvp, j_hvp, args.reps)
    rows.append(dict(name="HVP (jvp of grad)", fungrad_s=f_t, jax_s=j_t, ratio=f_t / j_t))

    sizes = "-".join(map(str, models.SIZES))
    models.print_table(f"3-layer MLP {sizes}, float32, eager (median of {args.reps})", rows)
    return models.save_results("vmap", f"mlp {sizes}", args.batch, args.reps, rows)


if __name__ == "__main__":
    main()
