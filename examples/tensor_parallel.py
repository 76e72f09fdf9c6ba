"""Tensor-parallel MLP on the digits: sharded weights over a 2 x 4 mesh, written twice, checked against 1 device.

The MLP 64-256-10 is split Megatron-style over a mesh ``("data", "model")`` of 2 x 4 devices: the
first layer's weight by columns (``P(None, "model")``), the second's by rows (``P("model", None)``),
so each device holds a quarter of the hidden units; each batch is split over ``"data"``. Two ways to
write the training step (plain SGD, so the three runs differ only in placement):

* **shardings**: the single-device loss with one ``fungrad.lax.with_sharding_constraint`` on the
  hidden activations, compiled by ``fungrad.jit(..., in_shardings=, out_shardings=)``; XLA's SPMD
  partitioner decides the collectives (an all-reduce of the second layer's partial products);
* **shard_map**: the per-device program written out: the local slice of the hidden layer, a
  ``psum`` over ``"model"`` of the partial logits and a ``pmean`` over ``"data"`` of the loss.
  ``fungrad.grad`` of it sums the gradients of replicated parameters over the devices that used
  them, as JAX does.

Both are compared with the same training on 1 device (parameters after training and every loss), and
the bytes of parameters each device holds are printed (a quarter of the hidden layer per device).

Run (the script asks XLA for 8 CPU devices itself when XLA_FLAGS is not given)::

    XLA_FLAGS=--xla_force_host_platform_device_count=8 python examples/tensor_parallel.py
    python examples/tensor_parallel.py --quick
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
from data_parallel import bytes_per_device  # noqa: E402
from digits import cross_entropy, load_data, max_relative_difference  # noqa: E402
from jax.sharding import Mesh, NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import fungrad  # noqa: E402
import fungrad.lax as flax  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402
from fungrad import nn  # noqa: E402

SPECS = {"w1": P(None, "model"), "b1": P("model"), "w2": P("model", None), "b2": P()}


def init(rng, hidden: int):
    return {
        "w1": rng.normal(0, np.sqrt(2 / 64), (64, hidden)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": rng.normal(0, np.sqrt(2 / hidden), (hidden, 10)).astype(np.float32),
        "b2": np.zeros(10, np.float32),
    }


def loss(params, images, labels, hidden_sharding=None):
    h = nn.relu(images @ params["w1"] + params["b1"])
    if hidden_sharding is not None:  # the one hint XLA gets: hidden units live where their weights live
        h = flax.with_sharding_constraint(h, hidden_sharding)
    return cross_entropy(h @ params["w2"] + params["b2"], labels)


def local_loss(params, images, labels):
    """One device's part: its slice of the hidden units, partial logits summed over "model"."""
    h = nn.relu(images @ params["w1"] + params["b1"])
    logits = flax.psum(h @ params["w2"], "model") + params["b2"]
    return flax.pmean(cross_entropy(logits, labels), "data")


def sgd(loss_fn, lr):
    def step(params, images, labels):
        value, grads = fungrad.value_and_grad(loss_fn)(params, images, labels)
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), value

    return step


def run(step, params, batches, placement=None):
    if placement is None:
        jitted = fungrad.jit(step)
    else:
        param_sh, data_sh, repl = placement
        jitted = fungrad.jit(step, in_shardings=(param_sh, data_sh, data_sh), out_shardings=(param_sh, repl))
        params = jax.device_put(params, param_sh)
    losses, start = [], time.perf_counter()
    for images, labels in batches:
        if placement is not None:
            images, labels = jax.device_put((images, labels), placement[1])
        params, value = jitted(params, images, labels)
        losses.append(float(value))
    return params, losses, time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--quick", action="store_true", help="20 steps")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    args = parser.parse_args(argv)
    steps = 20 if args.quick else args.steps

    devices = jax.devices()
    if len(devices) < 8:
        raise SystemExit(f"needs 8 devices, found {len(devices)}: set XLA_FLAGS before JAX starts")
    mesh = Mesh(np.array(devices[:8]).reshape(2, 4), ("data", "model"))
    param_sh = {k: NamedSharding(mesh, s) for k, s in SPECS.items()}
    data_sh, repl = NamedSharding(mesh, P("data")), NamedSharding(mesh, P())
    print(f"mesh {dict(mesh.shape)}; MLP 64-{args.hidden}-10; global batch {args.batch_size}; {steps} SGD steps")

    x_train, y_train, x_test, y_test = load_data(0)
    x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    rng = np.random.default_rng(0)
    batches = [
        (x_train[i], y_train[i]) for i in (rng.permutation(len(x_train))[: args.batch_size] for _ in range(steps))
    ]
    params = init(np.random.default_rng(1), args.hidden)

    ref_params, ref_losses, ref_time = run(sgd(loss, args.lr), jax.device_put(params, devices[0]), batches)
    hidden_sharding = NamedSharding(mesh, P("data", "model"))
    mapped = fungrad.shard_map(local_loss, mesh=mesh, in_specs=(SPECS, P("data"), P("data")), out_specs=P())
    variants = {
        "shardings": sgd(lambda p, x, y: loss(p, x, y, hidden_sharding), args.lr),
        "shard_map": sgd(mapped, args.lr),
    }
    results = {"steps": steps, "reference_losses": ref_losses}
    for name, step in variants.items():
        new_params, losses, seconds = run(step, params, batches, (param_sh, data_sh, repl))
        diff = max_relative_difference(new_params, ref_params)
        loss_diff = float(np.max(np.abs(np.array(losses) - np.array(ref_losses))))
        logits = nn.relu(x_test @ new_params["w1"] + new_params["b1"]) @ new_params["w2"] + new_params["b2"]
        accuracy = float(fnp.mean(fnp.argmax(logits, axis=-1) == y_test))
        held = bytes_per_device(new_params)
        print(f"\n[{name}] {seconds:.2f}s for {steps} steps (1 device: {ref_time:.2f}s)")
        print(f"  max relative parameter difference vs 1 device: {diff:.2e}; max loss difference {loss_diff:.2e}")
        print(f"  final loss {losses[-1]:.4f}; test accuracy {accuracy:.3f}")
        total = sum(np.asarray(v).nbytes for v in params.values())
        print(f"  parameter bytes per device (all parameters: {total:,}):")
        for device, n in sorted(held.items(), key=lambda kv: kv[0].id):
            print(f"    {device}: {n:,}")
        results[name] = {"param_rel_diff": diff, "loss_diff": loss_diff, "bytes_per_device": sorted(held.values())}
        results[name]["losses"], results[name]["test_accuracy"] = losses, accuracy
    if args.json:
        print("RESULTS " + json.dumps(results))
    return results


if __name__ == "__main__":
    main()
