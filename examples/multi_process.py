"""Data-parallel training of the digits MLP across 2 processes on this machine (JAX's multi-process runtime).

Run it as one command: it starts ``--processes`` copies of itself, each joining JAX's runtime with
``jax.distributed.initialize`` (a coordinator on a free localhost port; CPU collectives through gloo)
and owning ``--devices`` CPU devices, so one mesh spans every device of every process. Each process
loads its own half of every batch (``jax.make_array_from_process_local_data``) and runs the same
``fungrad.jit`` training step with shardings; XLA all-reduces the gradients across the processes.
Process 0 then trains the same steps alone on one device and prints how far apart the two runs are.

On several hosts, start one worker per host yourself with the coordinator's address::

    python examples/multi_process.py --worker 0 --coordinator host0:12345   # on host0
    python examples/multi_process.py --worker 1 --coordinator host0:12345   # on host1

Run here::

    python examples/multi_process.py            # 2 processes x 4 devices, 30 SGD steps
    python examples/multi_process.py --quick    # 5 steps
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np

HIDDEN, LR = 64, 0.1


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--devices", type=int, default=4, help="CPU devices per process")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--quick", action="store_true", help="5 steps")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before the workers are stopped")
    parser.add_argument("--worker", type=int, default=None, help="(internal) run as the worker with this id")
    parser.add_argument("--coordinator", default=None, help="(worker) address of process 0, host:port")
    parser.add_argument("--out", default=None, help="(worker) where process 0 writes its results")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps = 5
    return args


def data(steps: int, batch: int):
    from digits import load_data

    x_train, y_train, _, _ = load_data(0)
    x_train = x_train.reshape(len(x_train), -1)
    rng = np.random.default_rng(0)
    idx = [rng.permutation(len(x_train))[:batch] for _ in range(steps)]
    params = {
        "w1": (rng.normal(size=(64, HIDDEN)) * np.sqrt(2 / 64)).astype(np.float32),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": (rng.normal(size=(HIDDEN, 10)) * np.sqrt(2 / HIDDEN)).astype(np.float32),
        "b2": np.zeros(10, np.float32),
    }
    return params, [(x_train[i], y_train[i]) for i in idx]


def make_step():
    import fungrad
    import fungrad.numpy as fnp
    from fungrad import nn

    def loss(p, x, y):
        logits = nn.relu(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]
        return -fnp.mean(fnp.sum(nn.log_softmax(logits) * nn.one_hot(y, 10), axis=-1))

    def step(p, x, y):
        value, grads = fungrad.value_and_grad(loss)(p, x, y)
        return {k: p[k] - LR * grads[k] for k in p}, value

    return step


def worker(args) -> None:
    os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={args.devices}"
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=args.coordinator, num_processes=args.processes, process_id=args.worker
    )
    from jax.sharding import Mesh, NamedSharding
    from jax.sharding import PartitionSpec as P

    import fungrad

    mesh = Mesh(np.array(jax.devices()), ("data",))
    repl, shard = NamedSharding(mesh, P()), NamedSharding(mesh, P("data"))
    params, batches = data(args.steps, args.batch_size)
    per = args.batch_size // args.processes
    mine = slice(args.worker * per, (args.worker + 1) * per)  # this process's rows of every batch
    step = fungrad.jit(make_step(), in_shardings=(repl, shard, shard), out_shardings=(repl, repl))
    p, losses, start = jax.device_put(params, repl), [], time.perf_counter()
    for x, y in batches:
        xg = jax.make_array_from_process_local_data(shard, x[mine], x.shape)
        yg = jax.make_array_from_process_local_data(shard, y[mine], y.shape)
        p, value = step(p, xg, yg)
        losses.append(float(value))
    seconds = time.perf_counter() - start
    where = f"{jax.process_count()} processes, {jax.device_count()} devices ({jax.local_device_count()} here)"
    print(f"[process {args.worker}] {where}; {args.steps} steps in {seconds:.2f}s; final loss {losses[-1]:.4f}")
    if args.worker == 0:
        result = {"losses": losses, "params": {k: np.asarray(v).tolist() for k, v in p.items()}}
        with open(args.out, "w") as f:
            json.dump(result, f)
    jax.distributed.shutdown()


def launch(args) -> dict:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"fungrad_multi_process_{os.getpid()}.json")
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    common = ["--processes", str(args.processes), "--devices", str(args.devices), "--steps", str(args.steps)]
    common += ["--batch-size", str(args.batch_size), "--coordinator", f"localhost:{port}", "--out", out]
    procs = [
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", str(i), *common], env=env)
        for i in range(args.processes)
    ]
    deadline, failure = time.monotonic() + args.timeout, None
    try:  # a worker that dies would leave the others waiting in a collective: stop them all
        while any(p.poll() is None for p in procs):
            if any(p.poll() not in (None, 0) for p in procs):
                failure = "a worker failed"
                break
            if time.monotonic() > deadline:
                failure = f"timed out after {args.timeout}s"
                break
            time.sleep(0.2)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
    codes = [p.returncode for p in procs]
    if failure or any(codes):
        raise SystemExit(f"[multi_process] {failure or 'workers failed'} (exit codes {codes})")
    with open(out) as f:
        result = json.load(f)
    os.remove(out)

    import jax  # the 1-process, 1-device reference

    import fungrad

    params, batches = data(args.steps, args.batch_size)
    step, p, ref_losses = fungrad.jit(make_step()), params, []
    for x, y in batches:
        p, value = step(p, x, y)
        ref_losses.append(float(value))
    diff = max(float(np.max(np.abs(np.array(result["params"][k]) - np.asarray(p[k])))) for k in p)
    loss_diff = float(np.max(np.abs(np.array(result["losses"]) - np.array(ref_losses))))
    print(f"\n1 process, {jax.device_count()} device: final loss {ref_losses[-1]:.4f}")
    print(f"max parameter difference vs {args.processes} processes: {diff:.2e}; max loss difference {loss_diff:.2e}")
    return {"param_diff": diff, "loss_diff": loss_diff, "losses": result["losses"]}


def main(argv=None) -> dict | None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    args = parse_args(argv)
    if args.worker is not None:
        return worker(args)
    return launch(args)


if __name__ == "__main__":
    main()
