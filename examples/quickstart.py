"""fungrad quick start: the gradient of a loss, its IR, and a cross-check against JAX.

Run: ``python examples/quickstart.py``. Expected: the fungrad and JAX gradients agree to ~1e-16
(float64), and the printed IR shows the forward equations followed by the backward ones, each
annotated with the line of this file that produced it.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

import fungrad  # noqa: E402
import fungrad.numpy as fnp  # noqa: E402
from fungrad import nn  # noqa: E402


def loss(params, x, labels):
    """Softmax cross-entropy of a one-layer model."""
    w, b = params
    logits = fnp.tanh(x @ w + b)
    return -fnp.mean(fnp.sum(nn.log_softmax(logits) * nn.one_hot(labels, 3), axis=-1))


def jax_loss(params, x, labels):
    w, b = params
    logits = jnp.tanh(x @ w + b)
    return -jnp.mean(jnp.sum(jax.nn.log_softmax(logits) * jax.nn.one_hot(labels, 3), axis=-1))


def main() -> float:
    rng = np.random.default_rng(0)
    params = (rng.normal(size=(4, 3)), np.zeros(3))
    x, labels = rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])

    grads = fungrad.grad(loss)(params, x, labels)
    reference = jax.grad(jax_loss)(params, x, labels)
    diff = max(float(np.max(np.abs(g - r))) for g, r in zip(grads, reference))
    print("dloss/dw =\n", np.asarray(grads[0]))
    print(f"max |fungrad - jax| = {diff:.2e}")

    print("\nIR of the gradient (forward, then backward equations marked [transposed]):")
    print(fungrad.make_ir(fungrad.grad(loss))(params, x, labels).pretty())
    return diff


if __name__ == "__main__":
    main()
