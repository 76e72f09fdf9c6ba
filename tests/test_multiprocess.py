"""Two processes on localhost, one data-parallel training step (issue 15).

The test starts two copies of this file as worker processes. Each joins JAX's multi-process runtime
(``jax.distributed.initialize`` with a coordinator on a free localhost port; CPU collectives through
gloo) with 4 CPU devices of its own, so the mesh has 8 devices over 2 processes. Each process feeds
its half of the global batch (``jax.make_array_from_process_local_data``), and one ``fungrad.jit``
step with shardings computes the loss and the gradient of the digits-style MLP, then one SGD update;
XLA's all-reduce between the processes sums the per-device gradients. Both processes write their
replicated results, which must equal the same step computed here in one process on one device.

The test owns its processes: each runs under a timeout, a process that dies takes the other down,
and the failure shows both processes' output instead of hanging.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

N_PROCESSES, DEVICES_PER_PROCESS, BATCH, LR = 2, 4, 32, 0.1
TIMEOUT_S = 240


def _problem():
    rng = np.random.default_rng(0)
    params = {
        "w1": rng.normal(size=(6, 16)) / 3,
        "b1": np.zeros(16),
        "w2": rng.normal(size=(16, 3)) / 4,
        "b2": np.zeros(3),
    }
    x = rng.normal(size=(BATCH, 6))
    labels = rng.integers(0, 3, size=BATCH)
    return params, x, labels


def _step(fnp, nn, fungrad):
    def loss(params, x, labels):
        h = fnp.tanh(x @ params["w1"] + params["b1"])
        logits = h @ params["w2"] + params["b2"]
        return -fnp.mean(fnp.sum(nn.log_softmax(logits) * nn.one_hot(labels, 3), axis=-1))

    def step(params, x, labels):
        value, grads = fungrad.value_and_grad(loss)(params, x, labels)
        new = {k: params[k] - LR * grads[k] for k in params}
        return value, grads, new

    return step


def _worker(process_id: int, port: int, out_path: str) -> None:
    os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={DEVICES_PER_PROCESS}"
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=f"localhost:{port}", num_processes=N_PROCESSES, process_id=process_id
    )
    from jax.sharding import Mesh, NamedSharding
    from jax.sharding import PartitionSpec as P

    import fungrad
    import fungrad.numpy as fnp
    from fungrad import nn

    assert jax.device_count() == N_PROCESSES * DEVICES_PER_PROCESS, jax.devices()
    mesh = Mesh(np.array(jax.devices()), ("data",))
    repl, data = NamedSharding(mesh, P()), NamedSharding(mesh, P("data"))
    params, x, labels = _problem()
    half = slice(process_id * BATCH // 2, (process_id + 1) * BATCH // 2)  # this process's examples
    x_global = jax.make_array_from_process_local_data(data, x[half], (BATCH, 6))
    labels_global = jax.make_array_from_process_local_data(data, labels[half], (BATCH,))
    params = jax.device_put(params, repl)
    step = fungrad.jit(_step(fnp, nn, fungrad), in_shardings=(repl, data, data), out_shardings=repl)
    value, grads, new = step(params, x_global, labels_global)
    result = {
        "devices": jax.device_count(),
        "local_devices": jax.local_device_count(),
        "loss": float(value),
        "grads": {k: np.asarray(v).tolist() for k, v in grads.items()},
        "new": {k: np.asarray(v).tolist() for k, v in new.items()},
    }
    with open(out_path, "w") as f:
        json.dump(result, f)
    jax.distributed.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _run_workers(tmp_path):
    port = _free_port()
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    procs, outs = [], []
    for pid in range(N_PROCESSES):
        out = tmp_path / f"result{pid}.json"
        log = open(tmp_path / f"log{pid}.txt", "w")
        cmd = [sys.executable, os.path.abspath(__file__), str(pid), str(port), str(out)]
        procs.append((subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        outs.append(out)
    deadline = time.monotonic() + TIMEOUT_S
    failure = None
    try:
        while any(p.poll() is None for p, _ in procs):
            dead = [i for i, (p, _) in enumerate(procs) if p.poll() not in (None, 0)]
            if dead:
                failure = f"process {dead[0]} exited with code {procs[dead[0]][0].returncode}"
                break
            if time.monotonic() > deadline:
                failure = f"timed out after {TIMEOUT_S}s"
                break
            time.sleep(0.2)
        else:
            codes = [p.returncode for p, _ in procs]
            if any(codes):
                failure = f"exit codes {codes}"
    finally:
        for p, log in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
            log.close()
    if failure:
        logs = "\n".join(
            f"--- process {i} ---\n" + (tmp_path / f"log{i}.txt").read_text()[-3000:] for i in range(N_PROCESSES)
        )
        pytest.fail(f"[multiprocess] {failure}\n{logs}")
    return [json.loads(out.read_text()) for out in outs]


def test_two_process_data_parallel_step_matches_one_process(tmp_path):
    import jax

    import fungrad
    import fungrad.numpy as fnp
    from fungrad import nn
    from fungrad.testing import assert_trees_close

    results = _run_workers(tmp_path)
    params, x, labels = _problem()
    value, grads, new = jax.jit(_step(fnp, nn, fungrad))(params, x, labels)  # one process, one device
    for r in results:
        assert r["devices"] == N_PROCESSES * DEVICES_PER_PROCESS and r["local_devices"] == DEVICES_PER_PROCESS
        np.testing.assert_allclose(r["loss"], float(value), rtol=1e-12)
        assert_trees_close({k: np.array(v) for k, v in r["grads"].items()}, grads, rtol=1e-10)
        assert_trees_close({k: np.array(v) for k, v in r["new"].items()}, new, rtol=1e-10)


if __name__ == "__main__":
    _worker(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
