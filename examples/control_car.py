"""Parking a car: a controller network trained by backpropagating through the whole simulated
trajectory (backprop through time with ``fungrad.lax.scan``), with and without ``checkpoint``.

The vehicle is a kinematic car with differentiable dynamics: position (x, y), heading theta and
speed v; the controls are the acceleration a and the path curvature kappa (the steering):

    x' = v cos(theta),  y' = v sin(theta),  theta' = v kappa,  v' = a,

integrated with explicit Euler steps (dt = 0.1 s, 100 steps = 10 s). It starts at rest 1.5-3.5 m from
the goal, facing any direction, and must come to rest at the origin. The controller is an MLP
``(x, y, cos theta, sin theta, v) -> (a, kappa)`` with tanh-bounded outputs (|a| <= 2 m/s^2,
|kappa| <= 1 /m). The cost of a trajectory is the time integral of ``|p|^2 + 0.1 v^2 + 0.01 |u|^2``
plus a terminal penalty ``5 (|p|^2 + v^2)``; its gradient with respect to the controller's weights is
fungrad's reverse mode through the scan over all 100 steps (the car and the controller are one
differentiable program).

Two tools from fungrad keep the long backward pass under control:

* ``fungrad.checkpoint`` on the step: the backward loop recomputes each step's intermediates from the
  stacked states instead of keeping them; ``fungrad.saved_residuals`` gives the bytes kept with and
  without it (the gradients are the same, which the script checks).
* gradient clipping twice: a ``fungrad.custom_vjp`` identity on the state that clips the cotangent
  flowing back through each time step elementwise (so no single step's Jacobian product can blow
  up), and ``optax.clip_by_global_norm`` on the final gradient.

Run::

    python examples/control_car.py                    # 400 adam steps, checkpointed step
    python examples/control_car.py --quick            # 60 steps (the test)
    python examples/control_car.py --no-checkpoint    # the same, keeping every intermediate

Expected result (measured on 2 busy CPU cores, default flags, seed 0; see docs/examples.md):
    mean control cost on 256 held-out starts 99.09 before training -> 18.69 after (seeds 1/2:
    92.40 -> 12.60, 98.27 -> 16.96), median final distance to the goal 0.076 m; saved residuals
    7,686,528 bytes without checkpoint, 211,592 with, gradients bitwise equal; 42-46 s in all.
    ``--quick``: 99.09 -> 49.31.
Writes ``<out>/control_car.png`` (trajectories before/after, cost curve, distance to the goal).
"""

from __future__ import annotations

import argparse
import os
import time

import chex
import jax
import numpy as np
import optax
from tqdm import tqdm

import fungrad
import fungrad.numpy as fnp
from fungrad import lax

DT, STEPS, MAX_ACCEL, MAX_CURVATURE = 0.1, 100, 2.0, 1.0

# ----------------------------------------------------------------------------------------------
# Start states, controller, dynamics


def start_states(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` states (x, y, theta, v): at rest, 1.5-3.5 m from the origin, any heading."""
    radius = rng.uniform(1.5, 3.5, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    heading = rng.uniform(-np.pi, np.pi, n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle), heading, np.zeros(n)], 1).astype(np.float32)


def init_params(rng: np.random.Generator, hidden: int):
    def dense(n_in, n_out, scale):
        return {"w": (rng.normal(size=(n_in, n_out)) * scale / np.sqrt(n_in)).astype(np.float32),
                "b": np.zeros(n_out, np.float32)}  # fmt: skip

    # a small last layer: the untrained controller does almost nothing (the car stays put)
    return {"h1": dense(5, hidden, 1.0), "h2": dense(hidden, hidden, 1.0), "out": dense(hidden, 2, 0.01)}


def controller(params, state):
    x, y, theta, v = (state[:, k] for k in range(4))
    features = fnp.stack([x, y, fnp.cos(theta), fnp.sin(theta), v], axis=1)
    h = fnp.tanh(features @ params["h1"]["w"] + params["h1"]["b"])
    h = fnp.tanh(h @ params["h2"]["w"] + params["h2"]["b"])
    u = fnp.tanh(h @ params["out"]["w"] + params["out"]["b"])
    return u[:, 0] * MAX_ACCEL, u[:, 1] * MAX_CURVATURE


def car_step(state, accel, curvature):
    x, y, theta, v = (state[:, k] for k in range(4))
    return fnp.stack(
        [x + DT * v * fnp.cos(theta), y + DT * v * fnp.sin(theta), theta + DT * v * curvature, v + DT * accel], axis=1
    )


def make_clip_gradient(bound: float):
    """The identity, whose backward pass clips the cotangent to [-bound, bound] elementwise."""

    @fungrad.custom_vjp
    def clip_gradient(x):
        return x

    def fwd(x):
        return x, None

    def bwd(_, g):
        return (fnp.clip(g, -bound, bound),)

    clip_gradient.defvjp(fwd, bwd)
    return clip_gradient


def make_rollout(use_checkpoint: bool, clip_bound: float):
    clip_gradient = make_clip_gradient(clip_bound)

    def rollout(params, states0):
        """The closed loop over all steps: the states (STEPS+1, n, 4) and the cost of each start (n,)."""

        def step(state, _):
            state = clip_gradient(state)
            accel, curvature = controller(params, state)
            x, y, v = state[:, 0], state[:, 1], state[:, 3]
            running = DT * (x**2 + y**2 + 0.1 * v**2 + 0.01 * (accel**2 + curvature**2))
            return car_step(state, accel, curvature), (state, running)

        # inside a scan body prevent_cse is not needed (see fungrad.checkpoint's docstring)
        body = fungrad.checkpoint(step, prevent_cse=False) if use_checkpoint else step
        final, (states, running) = lax.scan(body, states0, None, length=STEPS)
        terminal = 5.0 * (final[:, 0] ** 2 + final[:, 1] ** 2 + final[:, 3] ** 2)
        return fnp.concatenate([states, final[None]], axis=0), fnp.sum(running, axis=0) + terminal

    def loss(params, states0):
        return fnp.mean(rollout(params, states0)[1])

    return rollout, loss


# ----------------------------------------------------------------------------------------------
# Plot and main


def plot(path, before, after, losses, eval_steps, test_costs):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(17, 4), gridspec_kw={"width_ratios": [1, 1, 1, 1.1]})
    for ax, (title, states) in zip(axes[:2], [("before training", before), ("after training", after)]):
        for i in range(12):
            ax.plot(states[:, i, 0], states[:, i, 1], lw=1, color=f"C{i % 10}")
            ax.plot(states[0, i, 0], states[0, i, 1], "o", ms=4, color=f"C{i % 10}")
            ax.plot(states[-1, i, 0], states[-1, i, 1], "x", ms=5, color=f"C{i % 10}")
        ax.plot(0, 0, "k*", ms=14)
        ax.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal", xlabel="x (m)", ylabel="y (m)", title=title)
    axes[2].plot(losses, lw=0.7, label="training batch")
    axes[2].plot(eval_steps, test_costs, "o-", ms=3, label="held-out starts")
    axes[2].set(xlabel="step", ylabel="mean control cost", yscale="log", title="backprop through time")
    axes[2].legend()
    t = np.arange(before.shape[0]) * DT
    for label, states in [("before", before), ("after", after)]:
        dist = np.sqrt(states[:, :, 0] ** 2 + states[:, :, 1] ** 2)
        axes[3].plot(t, dist.mean(1), label=f"{label}: mean")
        axes[3].fill_between(t, *np.percentile(dist, [10, 90], axis=1), alpha=0.2)
    axes[3].set(xlabel="time (s)", ylabel="distance to the goal (m)", title="256 held-out starts (10-90%)")
    axes[3].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=None, help="adam steps (default 400; --quick 60)")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--clip-norm", type=float, default=1.0, help="optax.clip_by_global_norm")
    parser.add_argument("--clip-state", type=float, default=10.0, help="per-step cotangent clip (custom_vjp)")
    parser.add_argument("--no-checkpoint", action="store_true", help="train without checkpoint on the step")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a short run (60 steps): the test")
    parser.add_argument("--out", default="out/", help="output folder for the PNG")
    parser.add_argument("--eval-every", type=int, default=20)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    args.steps = args.steps or (60 if args.quick else 400)
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    params = init_params(rng, args.hidden)
    test_starts = start_states(np.random.default_rng(args.seed + 1000), 256)

    # memory: what the backward pass keeps, with and without checkpoint on the step
    plain_rollout, plain_loss = make_rollout(False, args.clip_state)
    remat_rollout, remat_loss = make_rollout(True, args.clip_state)
    batch0 = start_states(rng, args.batch_size)
    residual_bytes = {
        name: sum(r.nbytes for r in fungrad.saved_residuals(f, params, batch0))
        for name, f in [("plain", plain_loss), ("checkpoint", remat_loss)]
    }
    g_plain = jax.jit(fungrad.grad(plain_loss))(params, batch0)
    g_remat = jax.jit(fungrad.grad(remat_loss))(params, batch0)
    chex.assert_tree_all_finite(g_plain)
    grad_diff = max(
        jax.tree.leaves(jax.tree.map(lambda a, b: float(np.max(np.abs(a - b)) / (np.max(np.abs(b)) + 1e-30)),
                                     g_remat, g_plain))
    )  # fmt: skip
    print(
        f"saved residuals for the backward pass (batch {args.batch_size}, {STEPS} steps): "
        f"{residual_bytes['plain']:,} bytes without checkpoint, {residual_bytes['checkpoint']:,} bytes with "
        f"({residual_bytes['plain'] / residual_bytes['checkpoint']:.1f}x less); "
        f"gradients agree to {grad_diff:.1e} (relative)"
    )

    rollout, loss = (plain_rollout, plain_loss) if args.no_checkpoint else (remat_rollout, remat_loss)
    optimizer = optax.chain(optax.clip_by_global_norm(args.clip_norm), optax.adam(args.lr))
    opt_state = optimizer.init(params)

    @jax.jit
    def train_step(params, opt_state, states0):
        value, grads = fungrad.value_and_grad(loss)(params, states0)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    simulate = jax.jit(rollout)
    before_states, before_costs = (np.asarray(a) for a in simulate(params, test_starts))
    losses, eval_steps, test_costs = [], [0], [float(before_costs.mean())]
    bar = tqdm(range(args.steps), desc="control_car", disable=args.quiet, mininterval=0.2)
    for step in bar:
        batch = batch0 if step == 0 else start_states(rng, args.batch_size)
        params, opt_state, value = train_step(params, opt_state, batch)
        losses.append(value)
        if (step + 1) % args.eval_every == 0 or step == args.steps - 1:
            eval_steps.append(step + 1)
            test_costs.append(float(simulate(params, test_starts)[1].mean()))
            bar.set_postfix(cost=f"{float(value):.2f}", test_cost=f"{test_costs[-1]:.2f}", refresh=False)
    losses = [float(v) for v in losses]
    chex.assert_tree_all_finite(params)
    after_states, after_costs = (np.asarray(a) for a in simulate(params, test_starts))
    seconds = time.perf_counter() - start

    final_dist = np.sqrt(after_states[-1, :, 0] ** 2 + after_states[-1, :, 1] ** 2)
    print(f"held-out starts: median final distance to the goal {np.median(final_dist):.3f} m "
          f"(started at {np.median(np.hypot(test_starts[:, 0], test_starts[:, 1])):.2f} m)")  # fmt: skip
    print(
        f"final mean control cost (256 held-out starts): {before_costs.mean():.2f} before training -> "
        f"{after_costs.mean():.2f} after {args.steps} steps  [{seconds:.1f} s]"
    )
    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, "control_car.png")
    plot(png, before_states, after_states, losses, eval_steps, test_costs)
    print(f"wrote {png}")
    return {
        "losses": losses,
        "cost_before": float(before_costs.mean()),
        "cost_after": float(after_costs.mean()),
        "median_final_distance": float(np.median(final_dist)),
        "residual_bytes": residual_bytes,
        "checkpoint_grad_rel_diff": grad_diff,
        "seconds": seconds,
        "pngs": [png],
    }


if __name__ == "__main__":
    main()
