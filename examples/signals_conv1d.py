"""Recognising noisy signals: a 1-D convolutional network on a synthetic six-class task.

Each example is 256 samples of one burst buried in white noise (standard deviation 0.5: about
3 dB signal-to-noise ratio at unit amplitude), generated in-process with a fixed seed. The six
classes differ in how the frequency or amplitude *changes*, not in the frequency itself (every
class draws its frequencies from the same band, 0.03-0.2 cycles per sample), so no single spectral
peak gives the answer:

    0 tone       a constant frequency
    1 up-chirp   frequency rising linearly through the burst
    2 down-chirp frequency falling linearly
    3 two-tone   the sum of two tones at least 0.03 apart
    4 AM         a tone whose amplitude swings by 60-90% at a slow rate
    5 vibrato    a tone whose frequency wobbles sinusoidally (FM)

Every burst has a random phase, amplitude (0.5-1.5), length (96-256 samples) and position. The model
is three 1-D convolutions (kernel 9; 16, 32, 64 channels; ReLU; max-pooling by 2 after the first
two), global average and max pooling over time, and a linear classifier. The convolutions are
``fungrad.lax.conv_general_dilated`` with 1-D dimension numbers (``NWC``, ``WIO``); their gradients are
fungrad's transpose rules. Training: adam on the cross-entropy, minibatches of 64; the first gradient
is checked against ``jax.grad`` of the same network written with ``jax.lax``.

Run::

    python examples/signals_conv1d.py            # 12000 training signals, 800 steps
    python examples/signals_conv1d.py --quick    # 4000 training signals, 250 steps (the test)

Expected result (measured on 2 busy CPU cores, default flags; see docs/examples.md):
    held-out accuracy 0.885 (seeds 0/1/2: 0.885/0.910/0.896; chance 0.167), 49-71 s in all;
    gradient check vs jax.grad (float32): bitwise equal. ``--quick``: 0.669.
Writes ``<out>/signals_conv1d.png`` (one example per class, the training curves, the confusion
matrix).
"""

from __future__ import annotations

import argparse
import os
import time
from types import SimpleNamespace

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm import tqdm

import fungrad
import fungrad.numpy as fnp
from fungrad import lax, nn

LENGTH = 256
CLASSES = ["tone", "up-chirp", "down-chirp", "two-tone", "AM", "vibrato"]
F_LOW, F_HIGH = 0.03, 0.2  # cycles per sample
NOISE = 0.5  # white-noise standard deviation; a unit-amplitude sinusoid has power 0.5 (SNR 3 dB)

# ----------------------------------------------------------------------------------------------
# Data


def make_signal(rng: np.random.Generator, label: int) -> np.ndarray:
    """One noisy example of class ``label``: a burst of random length, position, phase and amplitude."""
    n = int(rng.integers(96, LENGTH + 1))
    t = np.arange(n, dtype=np.float64)
    phase0 = rng.uniform(0, 2 * np.pi)
    f = rng.uniform(F_LOW, F_HIGH)
    amplitude = np.ones(n)
    if label == 0:
        freq = np.full(n, f)
    elif label in (1, 2):
        f0, f1 = np.sort(rng.uniform(F_LOW, F_HIGH, 2))
        while f1 - f0 < 0.05:
            f0, f1 = np.sort(rng.uniform(F_LOW, F_HIGH, 2))
        freq = np.linspace(f0, f1, n) if label == 1 else np.linspace(f1, f0, n)
    elif label == 3:
        g = rng.uniform(F_LOW, F_HIGH)
        while abs(g - f) < 0.03:
            g = rng.uniform(F_LOW, F_HIGH)
        burst = 0.5 * (np.sin(2 * np.pi * f * t + phase0) + np.sin(2 * np.pi * g * t + rng.uniform(0, 2 * np.pi)))
        freq = None
    elif label == 4:
        freq = np.full(n, f)
        depth, rate = rng.uniform(0.6, 0.9), rng.uniform(0.008, 0.03)
        amplitude = 1.0 + depth * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
    else:
        swing, rate = rng.uniform(0.015, 0.03), rng.uniform(0.01, 0.03)
        freq = f + swing * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
    if freq is not None:
        burst = amplitude * np.sin(2 * np.pi * np.cumsum(freq) + phase0)
    ramp = np.minimum(1.0, np.minimum(t + 1, n - t) / 8.0)  # 8-sample fade in and out: no clicks
    start = int(rng.integers(0, LENGTH - n + 1))
    x = rng.normal(0.0, NOISE, LENGTH)
    x[start : start + n] += rng.uniform(0.5, 1.5) * ramp * burst
    return x


def make_dataset(rng: np.random.Generator, n: int):
    labels = rng.integers(0, len(CLASSES), n)
    x = np.stack([make_signal(rng, int(k)) for k in labels])
    x = x / x.std(axis=1, keepdims=True)  # per-example standardisation: amplitude carries no label
    return x[..., None].astype(np.float32), labels.astype(np.int32)  # (n, LENGTH, 1): NWC


def batches(x, y, batch_size: int, rng: np.random.Generator):
    while True:
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch_size + 1, batch_size):
            idx = order[start : start + batch_size]
            yield x[idx], y[idx]


# ----------------------------------------------------------------------------------------------
# Model: the same formulas for fungrad and for JAX (the oracle)

CHANNELS, KERNEL = (16, 32, 64), 9


def init_params(rng: np.random.Generator):
    params, c_in = {}, 1
    for i, c_out in enumerate(CHANNELS):
        w = rng.normal(0.0, np.sqrt(2.0 / (KERNEL * c_in)), size=(KERNEL, c_in, c_out)).astype(np.float32)
        params[f"conv{i}"] = {"w": w, "b": np.zeros(c_out, np.float32)}
        c_in = c_out
    w = rng.normal(0.0, np.sqrt(1.0 / (2 * c_in)), size=(2 * c_in, len(CLASSES))).astype(np.float32)
    params["out"] = {"w": w, "b": np.zeros(len(CLASSES), np.float32)}
    return params


def make_model(ops):
    """``ops`` holds ``np`` (fungrad.numpy or jax.numpy), ``conv`` and ``relu``."""

    def conv1d(layer, x):
        dims = ("NWC", "WIO", "NWC")
        return ops.conv(x, layer["w"], (1,), "SAME", dimension_numbers=dims) + layer["b"]

    def max_pool(x):  # windows of 2, stride 2, along time
        n, length, c = x.shape
        return ops.np.max(ops.np.reshape(x, (n, length // 2, 2, c)), axis=2)

    def apply(params, x):
        h = max_pool(ops.relu(conv1d(params["conv0"], x)))  # (n, 128, 16)
        h = max_pool(ops.relu(conv1d(params["conv1"], h)))  # (n, 64, 32)
        h = ops.relu(conv1d(params["conv2"], h))  # (n, 64, 64)
        pooled = ops.np.concatenate([ops.np.mean(h, axis=1), ops.np.max(h, axis=1)], axis=-1)
        return pooled @ params["out"]["w"] + params["out"]["b"]

    def loss(params, x, labels):
        log_probs = ops.log_softmax(apply(params, x))
        one_hot = ops.one_hot(labels, len(CLASSES), dtype=log_probs.dtype)
        return -ops.np.mean(ops.np.sum(log_probs * one_hot, axis=-1))

    return apply, loss


apply, loss = make_model(
    SimpleNamespace(np=fnp, conv=lax.conv_general_dilated, relu=nn.relu, log_softmax=nn.log_softmax, one_hot=nn.one_hot)
)
jax_apply, jax_loss = make_model(
    SimpleNamespace(
        np=jnp, conv=jax.lax.conv_general_dilated, relu=jax.nn.relu, log_softmax=jax.nn.log_softmax,
        one_hot=jax.nn.one_hot,
    )
)  # fmt: skip


def check_gradients(params, x, labels) -> float:
    ours = jax.jit(fungrad.grad(loss))(params, x, labels)
    reference = jax.jit(jax.grad(jax_loss))(params, x, labels)
    chex.assert_trees_all_equal_shapes(ours, reference)
    chex.assert_tree_all_finite(ours)
    diffs = jax.tree.map(lambda a, b: float(jnp.max(jnp.abs(a - b)) / (jnp.max(jnp.abs(b)) + 1e-30)), ours, reference)
    return max(jax.tree.leaves(diffs))


# ----------------------------------------------------------------------------------------------
# Plot and main


def plot(path, x, y, losses, eval_steps, test_accs, confusion):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(15, 5.5))
    grid = fig.add_gridspec(3, 4, width_ratios=[1, 1, 1.1, 1.1])
    for k, name in enumerate(CLASSES):
        ax = fig.add_subplot(grid[k % 3, k // 3])
        ax.plot(x[np.flatnonzero(y == k)[0], :, 0], lw=0.6)
        ax.set_title(name, fontsize=9)
        ax.set(xticks=[], yticks=[])
    ax = fig.add_subplot(grid[:, 2])
    ax.plot(losses, lw=0.5, alpha=0.6, label="training loss (minibatch)")
    ax.plot(eval_steps, test_accs, "o-", ms=3, label="held-out accuracy")
    ax.axhline(1 / len(CLASSES), color="k", ls=":", lw=0.8, label="chance")
    ax.set(xlabel="step", ylim=(0, 2), title="training")
    ax.legend(fontsize=8)
    ax = fig.add_subplot(grid[:, 3])
    ax.imshow(confusion, cmap="Blues")
    for i in range(len(CLASSES)):
        for j in range(len(CLASSES)):
            ax.text(j, i, str(confusion[i, j]), ha="center", va="center", fontsize=8)
    ax.set(xticks=range(len(CLASSES)), yticks=range(len(CLASSES)), xlabel="predicted", ylabel="true")
    ax.set_xticklabels(CLASSES, rotation=45, fontsize=8)
    ax.set_yticklabels(CLASSES, fontsize=8)
    ax.set_title("held-out confusion matrix")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=None, help="adam steps (default 800; --quick 250)")
    parser.add_argument("--train-size", type=int, default=None, help="training signals (default 12000; --quick 4000)")
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a short run (4000 signals, 250 steps): the test")
    parser.add_argument("--out", default="out/", help="output folder for the PNG")
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    args.steps = args.steps or (250 if args.quick else 800)
    args.train_size = args.train_size or (4000 if args.quick else 12000)
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    x_test, y_test = make_dataset(np.random.default_rng(args.seed + 1000), args.test_size)
    x_train, y_train = make_dataset(rng, args.train_size)
    params = init_params(rng)
    chex.assert_shape(apply(params, x_train[:2]), (2, len(CLASSES)))
    grad_diff = check_gradients(params, x_train[: args.batch_size], y_train[: args.batch_size])
    print(f"gradient check: max relative difference fungrad vs jax.grad = {grad_diff:.2e}")

    optimizer = optax.adam(optax.cosine_decay_schedule(args.lr, args.steps, alpha=0.05))
    opt_state = optimizer.init(params)

    @jax.jit
    def train_step(params, opt_state, x, labels):
        value, grads = fungrad.value_and_grad(loss)(params, x, labels)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    predict = jax.jit(lambda params, x: fnp.argmax(apply(params, x), axis=-1))
    stream = batches(x_train, y_train, args.batch_size, rng)
    losses, eval_steps, test_accs = [], [], []
    bar = tqdm(range(args.steps), desc="signals_conv1d", disable=args.quiet, mininterval=0.2)
    for step in bar:
        params, opt_state, value = train_step(params, opt_state, *next(stream))
        losses.append(value)
        if (step + 1) % args.eval_every == 0 or step == args.steps - 1:
            eval_steps.append(step + 1)
            test_accs.append(float(np.mean(np.asarray(predict(params, x_test)) == y_test)))
            bar.set_postfix(loss=f"{float(value):.3f}", test_acc=f"{test_accs[-1]:.3f}", refresh=False)
    losses = [float(v) for v in losses]
    chex.assert_tree_all_finite(params)
    predicted = np.asarray(predict(params, x_test))
    confusion = np.zeros((len(CLASSES), len(CLASSES)), int)
    np.add.at(confusion, (y_test, predicted), 1)
    seconds = time.perf_counter() - start

    per_class = confusion.diagonal() / confusion.sum(axis=1)
    print("held-out accuracy per class: " + ", ".join(f"{c} {a:.2f}" for c, a in zip(CLASSES, per_class)))
    print(f"final held-out accuracy ({args.test_size} signals, {len(CLASSES)} classes): {test_accs[-1]:.4f}  "
          f"[{seconds:.1f} s]")  # fmt: skip
    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, "signals_conv1d.png")
    plot(png, x_test, y_test, losses, eval_steps, test_accs, confusion)
    print(f"wrote {png}")
    return {
        "losses": losses,
        "test_accuracy": test_accs[-1],
        "per_class_accuracy": per_class.tolist(),
        "grad_rel_diff": grad_diff,
        "seconds": seconds,
        "pngs": [png],
    }


if __name__ == "__main__":
    main()
