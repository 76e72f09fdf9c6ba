"""Benchmark the compiled training step of the digits MLP: fungrad's backprop vs ``jax.grad``.

Both steps are the whole update, compiled into one XLA program by ``jax.jit``: the loss and its
gradient (fungrad's ``value_and_grad`` of the example's loss written with ``fungrad.numpy``, or
``jax.value_and_grad`` of the same formulas in ``jax.numpy``) followed by ``optax.adam``'s update.
The model, data, batch and optimizer are those of ``examples/digits.py`` (64-128-10 MLP, batch 128).

Measured in one run, in alternating rounds so that both see the same machine state: each round
chains ``--steps`` updates (the parameters of one step feed the next, as in training) and blocks on
the result; the per-step time of a round is its time divided by the steps. Reported: the median
per-step times, and the ratio fungrad / JAX as the median over rounds of the ratio of the two
adjacent timings of a round (paired, so a machine shared with other jobs disturbs it less; target
<= 1.05), plus the ratio of the medians and of the fastest rounds. Also reported: XLA's flop and
byte counts of both programs and the trace + compile time.

Run ``python benchmarks/bench_training.py`` (``--quick`` for fewer rounds). Prints a summary and
writes ``benchmarks/results/training.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import digits  # noqa: E402

import fungrad  # noqa: E402

RESULTS = os.path.join(ROOT, "benchmarks", "results")


def make_steps(optimizer):
    """The example's compiled step, and the same step with the example's jax.numpy model and jax.grad."""
    fungrad_step = digits.make_train_step(digits.make_loss(digits.mlp), optimizer)
    jax_loss = digits.jax_loss(digits.jax_mlp)

    def jax_step(params, opt_state, images, labels):
        value, grads = jax.value_and_grad(jax_loss)(params, images, labels)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    return {"fungrad": fungrad_step, "jax": jax.jit(jax_step)}


def compile_stats(step, args) -> dict:
    start = time.perf_counter()
    compiled = step.trace(*args).lower().compile()
    seconds = time.perf_counter() - start
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost
    return {
        "flops": float(cost.get("flops", 0.0)),
        "bytes": float(cost.get("bytes accessed", 0.0)),
        "compile_s": seconds,
    }


def round_time(step, params, opt_state, images, labels, steps: int) -> float:
    start = time.perf_counter()
    for i in range(steps):
        params, opt_state, value = step(params, opt_state, images[i], labels[i])
    jax.block_until_ready((params, value))
    return (time.perf_counter() - start) / steps


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=200, help="chained steps per timed round")
    parser.add_argument("--out", default=os.path.join(RESULTS, "training.json"))
    args = parser.parse_args(argv)
    rounds = 7 if args.quick else 31

    rng = np.random.default_rng(0)
    x_train, y_train, _, _ = digits.load_data(0)
    stream = digits.batches(x_train, y_train, args.batch_size, rng)
    batches = [next(stream) for _ in range(args.steps)]
    images = [jnp.asarray(b[0]) for b in batches]  # on the device up front: time the step, not the copies
    labels = [jnp.asarray(b[1]) for b in batches]
    params = jax.tree.map(jnp.asarray, digits.init_mlp(rng))
    optimizer = optax.adam(3e-3)
    opt_state = optimizer.init(params)
    steps = make_steps(optimizer)
    first = (params, opt_state, images[0], labels[0])

    # Same computation: one step from the same state gives the same loss and parameters.
    outs = {name: step(*first) for name, step in steps.items()}
    diffs = jax.tree.map(lambda a, b: float(jnp.max(jnp.abs(a - b))), outs["fungrad"][0], outs["jax"][0])
    result = {
        "workload": f"digits MLP 64-128-10, batch {args.batch_size}, optax.adam; one jax.jit step",
        "max_abs_param_diff_after_one_step": max(jax.tree.leaves(diffs)),
        "loss_diff": abs(float(outs["fungrad"][2]) - float(outs["jax"][2])),
    }
    for name, step in make_steps(optimizer).items():  # fresh jit objects: nothing cached yet
        result.update({f"{name}_{k}": v for k, v in compile_stats(step, first).items()})

    times: dict[str, list[float]] = {name: [] for name in steps}
    for step in steps.values():  # warm up: caches, allocator
        round_time(step, params, opt_state, images, labels, args.steps)
    for r in range(rounds):
        order = list(steps) if r % 2 == 0 else list(reversed(steps))
        for name in order:
            times[name].append(round_time(steps[name], params, opt_state, images, labels, args.steps))
    for name in steps:
        result[f"{name}_step_s"] = statistics.median(times[name])
        result[f"{name}_step_s_min"] = min(times[name])
    paired = [f / j for f, j in zip(times["fungrad"], times["jax"])]
    result["ratio_fungrad_over_jax"] = statistics.median(paired)
    result["ratio_of_medians"] = result["fungrad_step_s"] / result["jax_step_s"]
    result["ratio_min"] = result["fungrad_step_s_min"] / result["jax_step_s_min"]
    result["rounds"], result["steps_per_round"] = rounds, args.steps
    result["machine"] = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],  # other processes competing for the cores
        "jax": jax.__version__,
        "backend": jax.default_backend(),
        "fungrad": fungrad.__version__,
    }

    print(result["workload"])
    print(f"  step time   fungrad {result['fungrad_step_s'] * 1e6:8.1f} us   jax {result['jax_step_s'] * 1e6:8.1f} us")
    print(f"  ratio fungrad/jax = {result['ratio_fungrad_over_jax']:.3f} (median of {rounds} paired rounds)")
    print(f"    ratio of medians {result['ratio_of_medians']:.3f}, of the fastest rounds {result['ratio_min']:.3f}")
    print(f"  XLA flops   fungrad {result['fungrad_flops']:.3e}   jax {result['jax_flops']:.3e}")
    print(f"  trace+compile fungrad {result['fungrad_compile_s']:.2f} s   jax {result['jax_compile_s']:.2f} s")
    print(f"  max |param difference| after one step: {result['max_abs_param_diff_after_one_step']:.1e}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
