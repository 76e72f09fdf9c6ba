"""Data-parallel training of the digits MLP over 8 devices, checked against 1 device.

The model, loss and optimizer are those of ``examples/digits.py``. Only the placement changes: the
parameters and optimizer state are replicated on every device of a 1-d mesh ``("data",)`` and each
batch is split along it. Two ways to write the step, both compiled into one XLA program:

* **shardings**: ``fungrad.jit(step, in_shardings=..., out_shardings=...)`` of the unchanged
  single-device step; XLA's SPMD partitioner splits the batch work and inserts the all-reduce of the
  gradients by itself;
* **shard_map**: the per-device step written explicitly, ``fungrad.lax.pmean`` of the gradients over
  ``"data"``.

Both train from the same initial parameters on the same batches as a run on 1 device; the script
prints the largest parameter difference after training (float32 sums in another order: ~1e-6), the
test accuracy, and the bytes each device holds (parameters + optimizer state + its slice of the batch)
and XLA's per-device memory estimate of the compiled step.

Run (8 virtual CPU devices; the script sets the flag itself when XLA_FLAGS is not given)::

    XLA_FLAGS=--xla_force_host_platform_device_count=8 python examples/data_parallel.py
    python examples/data_parallel.py --quick        # 20 steps, a few seconds
"""

from __future__ import annotations

import os

if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):  # before JAX starts
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=8").strip()

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import jax  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
from digits import cross_entropy, init_mlp, load_data, max_relative_difference, mlp  # noqa: E402
from jax.sharding import Mesh, NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import fungrad  # noqa: E402
import fungrad.lax as flax  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402


def loss(params, images, labels):
    return cross_entropy(mlp(params, images), labels)


def make_step(optimizer):
    def step(params, opt_state, images, labels):
        value, grads = fungrad.value_and_grad(loss)(params, images, labels)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    return step


def make_shard_map_step(optimizer, mesh):
    """The per-device step: gradients of this device's slice, averaged over the mesh with pmean."""

    def local_grads(params, images, labels):
        value, grads = fungrad.value_and_grad(loss)(params, images, labels)
        return flax.pmean(value, "data"), flax.pmean(grads, "data")

    grads_fn = fungrad.shard_map(local_grads, mesh=mesh, in_specs=(P(), P("data"), P("data")), out_specs=P())

    def step(params, opt_state, images, labels):
        value, grads = grads_fn(params, images, labels)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    return step


def bytes_per_device(*trees) -> dict:
    """Bytes of array data each device holds for ``trees`` (sharded arrays count only their shard)."""
    held: dict = {}
    for leaf in jax.tree.leaves(trees):
        for shard in leaf.addressable_shards:
            held[shard.device] = held.get(shard.device, 0) + shard.data.nbytes
    return held


def train(step, params, opt_state, batches, shardings=None):
    """Run ``step`` over ``batches``; with ``shardings`` = (replicated, data) it is placed on the mesh."""
    if shardings is None:
        jitted = jax.jit(step)
    else:
        repl, data = shardings
        jitted = fungrad.jit(step, in_shardings=(repl, repl, data, data), out_shardings=(repl, repl, repl))
        params, opt_state = jax.device_put((params, opt_state), repl)
    losses = []
    start = time.perf_counter()
    for images, labels in batches:
        if shardings is not None:
            images, labels = jax.device_put((images, labels), shardings[1])
        params, opt_state, value = jitted(params, opt_state, images, labels)
        losses.append(float(value))
    return params, opt_state, losses, time.perf_counter() - start, jitted


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=128, help="global batch (split over the devices)")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--quick", action="store_true", help="20 steps")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    args = parser.parse_args(argv)
    steps = 20 if args.quick else args.steps

    devices = jax.devices()
    mesh = Mesh(np.array(devices), ("data",))
    if args.batch_size % len(devices):
        raise SystemExit(f"--batch-size {args.batch_size} must be divisible by the {len(devices)} devices")
    repl, data = NamedSharding(mesh, P()), NamedSharding(mesh, P("data"))
    print(f"{len(devices)} devices, mesh {dict(mesh.shape)}; global batch {args.batch_size}, {steps} steps")

    x_train, y_train, x_test, y_test = load_data(0)
    rng = np.random.default_rng(0)
    order = [rng.permutation(len(x_train))[: args.batch_size] for _ in range(steps)]
    batches = [(x_train[i], y_train[i]) for i in order]
    params = init_mlp(np.random.default_rng(1))
    optimizer = optax.adam(args.lr)
    opt_state = optimizer.init(params)

    # The reference: the same step on one device.
    one = jax.device_put((params, opt_state), devices[0])
    ref_params, _, ref_losses, ref_time, _ = train(make_step(optimizer), *one, batches)

    results = {"devices": len(devices), "steps": steps}
    for name, step in (
        ("shardings", make_step(optimizer)),
        ("shard_map", make_shard_map_step(optimizer, mesh)),
    ):
        new_params, new_state, losses, seconds, jitted = train(step, params, opt_state, batches, (repl, data))
        diff = max_relative_difference(new_params, ref_params)
        loss_diff = float(np.max(np.abs(np.array(losses) - np.array(ref_losses))))
        accuracy = float(fnp.mean(fnp.argmax(mlp(new_params, x_test), axis=-1) == y_test))
        held = bytes_per_device(new_params, new_state, jax.device_put(batches[0], data))
        memory = jitted.lower(new_params, new_state, *jax.device_put(batches[0], data)).compile().memory_analysis()
        print(f"\n[{name}] {seconds:.2f}s for {steps} steps (1 device: {ref_time:.2f}s)")
        print(f"  max relative parameter difference vs 1 device: {diff:.2e}; max loss difference {loss_diff:.2e}")
        print(f"  final loss {losses[-1]:.4f}, test accuracy {accuracy:.3f}")
        print("  bytes held per device (params + adam state + batch slice):")
        for device, n in sorted(held.items(), key=lambda kv: kv[0].id):
            print(f"    {device}: {n:,}")
        if memory is not None:
            print(
                f"  XLA per-device estimate of the step: arguments {memory.argument_size_in_bytes:,} B, "
                f"temporaries {memory.temp_size_in_bytes:,} B, outputs {memory.output_size_in_bytes:,} B"
            )
        results[name] = {
            "param_rel_diff": diff,
            "loss_diff": loss_diff,
            "test_accuracy": accuracy,
            "bytes_per_device": sorted(held.values()),
            "losses": losses,
            "seconds": seconds,
        }
    results["reference_losses"] = ref_losses
    if args.json:
        print("RESULTS " + json.dumps(results))
    return results


if __name__ == "__main__":
    main()
