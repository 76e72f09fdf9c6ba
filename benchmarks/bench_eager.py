"""Eager ``fungrad.grad`` and trace-to-IR time of the 3-layer MLP loss, as ratios to JAX, in one run.

* grad call: ``fungrad.grad(loss)(params, x, y)`` vs ``jax.grad(loss)(...)``, both eager (op by op).
* trace to IR: ``fungrad.make_ir(fungrad.grad(loss))(...)`` vs ``jax.make_jaxpr(jax.grad(loss))(...)``.

Ratios are fungrad time / JAX time (lower is better for fungrad). Run
``python benchmarks/bench_eager.py [--reps N]`` (the two libraries are timed alternately, medians
reported); prints a table and writes
``benchmarks/results/eager.json``.
"""

from __future__ import annotations

import argparse
import os
import sys

import jax

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import models  # noqa: E402

import fungrad  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args(argv)

    params, x, y = models.init_mlp(batch=args.batch)
    f_loss, j_loss = models.fungrad_loss(), models.jax_loss()
    f_grad, j_grad = fungrad.grad(f_loss), jax.grad(j_loss)

    rows = []
    f_t, j_t = models.time_pair(lambda: f_grad(params, x, y), lambda: j_grad(params, x, y), args.reps)
    rows.append(dict(name="eager grad call", fungrad_s=f_t, jax_s=j_t, ratio=f_t / j_t))

    f_t, j_t = models.time_pair(
        lambda: fungrad.make_ir(fungrad.grad(f_loss))(params, x, y),
        lambda: jax.make_jaxpr(jax.grad(j_loss))(params, x, y),
        args.reps,
        warmup=2,
    )
    rows.append(dict(name="trace grad to IR (make_ir/jaxpr)", fungrad_s=f_t, jax_s=j_t, ratio=f_t / j_t))

    sizes = "-".join(map(str, models.SIZES))
    models.print_table(f"3-layer MLP {sizes}, batch {args.batch}, float32, eager (median of {args.reps})", rows)
    return models.save_results("eager", f"mlp {sizes}", args.batch, args.reps, rows)


if __name__ == "__main__":
    main()
