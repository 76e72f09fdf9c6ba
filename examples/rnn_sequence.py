"""The adding problem: a recurrent network trained with ``fungrad.lax.scan``, and the gradient
norm through time (the vanishing-gradient picture).

Task (Hochreiter & Schmidhuber, 1997; generated in-process, fixed seed): each sequence has T steps
of two channels, a random value in [0, 1] and a marker that is 1 at exactly two steps (one in each
half of the sequence); the target is the sum of the two marked values. Predicting the mean (1.0)
gives a mean squared error of 1/6 = 0.167; a network has to carry the first marked value across
the sequence to beat it.

The model is an Elman RNN, ``h_t = tanh(x_t W_x + h_{t-1} W_h + b)``, run over the sequence with
``lax.scan`` (one loop in the IR and in XLA, whatever T is) and read out linearly from the last
state. Its gradient is fungrad's: ``value_and_grad`` linearizes the scan (the residuals of the
forward loop are stacked by scan) and transposes it into a second loop that runs backwards in
time. The gradient norm through time is ``||dLoss/dh_t||`` for each step t, measured by adding a
zero perturbation to each hidden state (a scanned input) and differentiating with respect to it:
for early steps the gradient has to travel through many ``W_h`` and ``tanh'`` factors and is
orders of magnitude smaller before training. Before training, the first step's gradients are
checked against ``jax.grad`` of the same model written with ``jax.lax.scan``.

Run::

    python examples/rnn_sequence.py            # T = 30, 1500 adam steps
    python examples/rnn_sequence.py --quick    # T = 20, 300 steps (the test)
    python examples/rnn_sequence.py --length 50 --steps 3000 --seed 1 --out out/

Expected result (measured on 2 busy CPU cores, default flags, seed 0; see docs/examples.md):
    test MSE 0.0102 (predicting the mean: 0.167), 28% of held-out sequences within 0.04 of the
    target; ||dLoss/dh_1|| / ||dLoss/dh_T|| = 1.4e-3 before training, 0.52 after; 31 s of
    training+compilation, 49 s in all; gradient check vs jax.grad (float32): 1.9e-7 relative.
    ``--quick``: test MSE 0.023 (0.029 with float64 enabled, as in the tests), about 20 s.
Writes ``<out>/rnn_sequence_loss.png`` (loss curves) and ``<out>/rnn_sequence_grad_norm.png``
(gradient norm through time, before and after training).
"""

from __future__ import annotations

import argparse
import os
import time

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm import tqdm

import fungrad
import fungrad.numpy as fnp
from fungrad import lax

# ----------------------------------------------------------------------------------------------
# Data


def adding_problem(rng: np.random.Generator, n: int, length: int):
    """``n`` sequences (time-major: shape (length, n, 2)) and their targets (shape (n,))."""
    values = rng.uniform(0.0, 1.0, size=(n, length)).astype(np.float32)
    first = rng.integers(0, length // 2, size=n)
    second = rng.integers(length // 2, length, size=n)
    markers = np.zeros((n, length), np.float32)
    markers[np.arange(n), first] = 1.0
    markers[np.arange(n), second] = 1.0
    targets = (values * markers).sum(axis=1)
    xs = np.stack([values, markers], axis=-1).transpose(1, 0, 2)
    return xs, targets


# ----------------------------------------------------------------------------------------------
# Model: the same formulas for fungrad (np_=fungrad.numpy, lax_=fungrad.lax) and JAX (the oracle)


def init_params(rng: np.random.Generator, hidden: int):
    # A recurrent matrix with spectral radius ~0.9: information decays slowly but stably.
    q, _ = np.linalg.qr(rng.normal(size=(hidden, hidden)))
    return {
        "wx": (rng.normal(size=(2, hidden)) * 0.5).astype(np.float32),
        "wh": (0.9 * q).astype(np.float32),
        "b": np.zeros(hidden, np.float32),
        "wo": (rng.normal(size=(hidden,)) / np.sqrt(hidden)).astype(np.float32),
        "bo": np.float32(1.0),
    }


def make_model(np_, lax_):
    def predict(params, xs, deltas):
        """Predictions from the last hidden state; ``deltas`` (zeros) are added to every h_t."""

        def step(h, inputs):
            x, delta = inputs
            h = np_.tanh(x @ params["wx"] + h @ params["wh"] + params["b"]) + delta
            return h, None

        h0 = np_.zeros((xs.shape[1], params["wh"].shape[0]), xs.dtype)
        h, _ = lax_.scan(step, h0, (xs, deltas))
        return h @ params["wo"] + params["bo"]

    def loss(params, xs, targets, deltas):
        return np_.mean((predict(params, xs, deltas) - targets) ** 2)

    return predict, loss


predict, loss = make_model(fnp, lax)
jax_predict, jax_loss = make_model(jnp, jax.lax)


def zeros_like_hidden(params, xs):
    return jnp.zeros((xs.shape[0], xs.shape[1], params["wh"].shape[0]), jnp.float32)


def make_train_step(optimizer):
    """One adam step, fungrad's backprop through the scan + optax's update compiled together."""

    def train_step(params, opt_state, xs, targets):
        value, grads = fungrad.value_and_grad(loss)(params, xs, targets, zeros_like_hidden(params, xs))
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    return jax.jit(train_step)


@jax.jit
def grad_norm_through_time(params, xs, targets):
    """``||dLoss/dh_t||`` for every t (root mean square over the batch of per-sequence norms)."""
    d_deltas = fungrad.grad(loss, argnums=3)(params, xs, targets, zeros_like_hidden(params, xs))
    # the loss is a mean over the batch: scale back to per-sequence gradients
    per_sequence = fnp.sqrt(fnp.sum(d_deltas**2, axis=-1)) * xs.shape[1]
    return fnp.sqrt(fnp.mean(per_sequence**2, axis=-1))


@jax.jit
def evaluate(params, xs, targets):
    pred = predict(params, xs, zeros_like_hidden(params, xs))
    return fnp.mean((pred - targets) ** 2), fnp.mean(fnp.abs(pred - targets) < 0.04)


def check_gradients(params, xs, targets) -> float:
    """Max relative difference of fungrad's gradient vs jax.grad of the same model (jax.lax.scan)."""
    deltas = zeros_like_hidden(params, xs)
    ours = jax.jit(fungrad.grad(loss, argnums=(0, 3)))(params, xs, targets, deltas)
    reference = jax.jit(jax.grad(jax_loss, argnums=(0, 3)))(params, xs, targets, deltas)
    chex.assert_trees_all_equal_shapes(ours, reference)
    chex.assert_tree_all_finite(ours)
    diffs = jax.tree.map(lambda a, b: float(jnp.max(jnp.abs(a - b)) / (jnp.max(jnp.abs(b)) + 1e-30)), ours, reference)
    return max(jax.tree.leaves(diffs))


# ----------------------------------------------------------------------------------------------
# Plots and main


def plot_loss(path, losses, eval_steps, test_mses, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(losses, lw=0.6, alpha=0.6, label="training batch")
    ax.plot(eval_steps, test_mses, "o-", ms=3, label="held-out sequences")
    ax.axhline(1 / 6, color="k", ls="--", lw=0.8, label="predict the mean (1/6)")
    ax.set(xlabel="step", ylabel="mean squared error", yscale="log", title=title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_grad_norm(path, curves, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for label, norms in curves:
        ax.plot(np.arange(1, len(norms) + 1), norms, "o-", ms=3, label=label)
    ax.set(xlabel="time step t", ylabel="||dLoss / dh_t||", yscale="log", title=title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--length", type=int, default=None, help="sequence length T (default 30; --quick 20)")
    parser.add_argument("--steps", type=int, default=None, help="adam steps (default 1500; --quick 300)")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a short run (T=20, 300 steps): the test")
    parser.add_argument("--out", default="out/", help="output folder for the PNGs")
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    args.length = args.length or (20 if args.quick else 30)
    args.steps = args.steps or (300 if args.quick else 1500)
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    params = init_params(rng, args.hidden)
    test_xs, test_targets = adding_problem(rng, 512, args.length)
    optimizer = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(args.lr))
    opt_state = optimizer.init(params)
    train_step = make_train_step(optimizer)

    xs, targets = adding_problem(rng, args.batch_size, args.length)
    chex.assert_shape(xs, (args.length, args.batch_size, 2))
    grad_diff = check_gradients(params, xs, targets)
    print(f"gradient check, first batch: max relative difference fungrad vs jax.grad = {grad_diff:.2e}")
    norms_before = np.asarray(grad_norm_through_time(params, test_xs, test_targets))

    losses, eval_steps, test_mses = [], [], []
    bar = tqdm(range(args.steps), desc="rnn/adding", disable=args.quiet, mininterval=0.2)
    for step in bar:
        if step:
            xs, targets = adding_problem(rng, args.batch_size, args.length)
        params, opt_state, value = train_step(params, opt_state, xs, targets)
        losses.append(value)
        if step % args.eval_every == 0 or step == args.steps - 1:
            eval_steps.append(step)
            test_mses.append(float(evaluate(params, test_xs, test_targets)[0]))
            bar.set_postfix(loss=f"{float(value):.4f}", test_mse=f"{test_mses[-1]:.4f}", refresh=False)
    losses = [float(v) for v in losses]
    chex.assert_tree_all_finite(params)
    test_mse, within = (float(v) for v in evaluate(params, test_xs, test_targets))
    norms_after = np.asarray(grad_norm_through_time(params, test_xs, test_targets))
    seconds = time.perf_counter() - start

    print(
        f"final test MSE (T={args.length}, {args.steps} steps): {test_mse:.4f} (predicting the mean: 0.1667); "
        f"within 0.04 of the target: {within:.3f}  [{seconds:.1f} s]"
    )
    print(
        f"||dLoss/dh_t|| at t=1 / t=T: {norms_before[0] / norms_before[-1]:.2e} before training, "
        f"{norms_after[0] / norms_after[-1]:.2e} after"
    )
    os.makedirs(args.out, exist_ok=True)
    loss_png = os.path.join(args.out, "rnn_sequence_loss.png")
    norm_png = os.path.join(args.out, "rnn_sequence_grad_norm.png")
    title = f"adding problem, T={args.length}: Elman RNN (lax.scan) + adam"
    plot_loss(loss_png, losses, eval_steps, test_mses, title)
    plot_grad_norm(
        norm_png,
        [("before training", norms_before), (f"after {args.steps} steps", norms_after)],
        f"gradient norm through time, T={args.length}",
    )
    print(f"wrote {loss_png} and {norm_png}")
    return {
        "losses": losses,
        "test_mse": test_mse,
        "within_0.04": within,
        "grad_norm_before": norms_before.tolist(),
        "grad_norm_after": norms_after.tolist(),
        "grad_rel_diff": grad_diff,
        "seconds": seconds,
        "pngs": [loss_png, norm_png],
    }


if __name__ == "__main__":
    main()
