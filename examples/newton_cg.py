"""Newton-CG with Hessian-vector products: logistic regression, compared with gradient descent.

Newton's method solves ``H d = -g`` for the step ``d``. Conjugate gradients solves it with Hessian-
vector products only, and fungrad computes ``H v`` without ever forming ``H``: the forward-mode
derivative of the reverse-mode gradient, ``jvp(grad(loss), (theta,), (v,))``, costs a few gradient
evaluations. The fit is L2-regularized logistic regression on the breast-cancer data (standardized
features, float64). Gradient descent uses the step ``1/L``, with the curvature bound ``L`` estimated
by power iteration on the same Hessian-vector product.

Run::

    python examples/newton_cg.py [--newton-steps 20] [--gd-steps 3000] [--l2 1e-2] [--tol 1e-8]

Expected result (measured on 2 busy CPU cores, default flags, 13-18 s in all; see docs/examples.md):
    Newton-CG reaches gradient norm < 1e-8 in 9 Newton steps (41 Hessian-vector products, 0.7 s);
    gradient descent is 7e-2 above the optimal loss after 8 steps, 5e-7 after 1000 and 1e-12 after
    3000 (1.4 s). Both give test accuracy 0.965. Hessian-vector product vs jax.hessian: max relative
    difference 1.6e-15.
"""

from __future__ import annotations

import argparse
import time

import chex
import jax
import jax.numpy as jnp
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import fungrad
import fungrad.numpy as fnp
from fungrad import nn


def load_data(seed: int):
    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=seed, stratify=data.target
    )
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    # A column of ones carries the bias, so the parameters are one flat vector theta.
    prepare = lambda x: np.concatenate([(x - mean) / std, np.ones((len(x), 1))], axis=1).astype(np.float64)
    return prepare(x_train), y_train.astype(np.float64), prepare(x_test), y_test.astype(np.float64)


def make_loss(x, y, l2: float):
    def loss(theta):
        z = x @ theta
        return fnp.mean(nn.softplus(z) - y * z) + 0.5 * l2 * fnp.sum(theta[:-1] ** 2)

    return loss


def make_jax_loss(x, y, l2: float):
    """The same loss in jax.numpy: the independent oracle for the Hessian-vector products."""

    def loss(theta):
        z = x @ theta
        return jnp.mean(jax.nn.softplus(z) - y * z) + 0.5 * l2 * jnp.sum(theta[:-1] ** 2)

    return loss


def conjugate_gradient(hvp, b, max_iters: int, tol: float):
    """Solve ``H d = b`` for symmetric positive definite ``H``, given only ``v -> H v``."""
    d, r = np.zeros_like(b), b.copy()
    p, rr = r.copy(), r @ r
    for i in range(max_iters):
        hp = np.asarray(hvp(p))
        alpha = rr / (p @ hp)
        d, r = d + alpha * p, r - alpha * hp
        rr_new = r @ r
        if np.sqrt(rr_new) < tol:
            return d, i + 1
        p, rr = r + (rr_new / rr) * p, rr_new
    return d, max_iters


def newton_cg(loss, grad, hvp, theta, steps: int, tol: float):
    losses, n_hvp = [float(loss(theta))], 0
    for _ in range(steps):
        g = np.asarray(grad(theta))
        g_norm = np.linalg.norm(g)
        if g_norm < tol:
            break
        # Inexact Newton: solve more accurately as the gradient shrinks (forcing term min(0.5, sqrt|g|)).
        d, iters = conjugate_gradient(lambda v: hvp(theta, v), -g, 100, min(0.5, np.sqrt(g_norm)) * g_norm)
        n_hvp += iters
        t = 1.0  # backtracking (Armijo) line search; the full step is almost always accepted
        while float(loss(theta + t * d)) > losses[-1] + 1e-4 * t * (g @ d) and t > 1e-8:
            t /= 2
        theta = theta + t * d
        losses.append(float(loss(theta)))
    return theta, losses, n_hvp


def gradient_descent(loss, grad, theta, lr: float, steps: int, tol: float):
    losses = [float(loss(theta))]
    for _ in range(steps):
        g = np.asarray(grad(theta))
        if np.linalg.norm(g) < tol:
            break
        theta = theta - lr * g
        losses.append(float(loss(theta)))
    return theta, losses


def largest_curvature(hvp, theta, iters: int = 50) -> float:
    """Power iteration on ``v -> H v``: the largest Hessian eigenvalue, a Lipschitz bound for GD."""
    v = np.ones_like(theta) / np.sqrt(theta.size)
    for _ in range(iters):
        hv = np.asarray(hvp(theta, v))
        v = hv / np.linalg.norm(hv)
    return float(v @ np.asarray(hvp(theta, v)))


def accuracy(theta, x, y) -> float:
    return float(np.mean((x @ np.asarray(theta) > 0) == (y > 0.5)))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newton-steps", type=int, default=20)
    parser.add_argument("--gd-steps", type=int, default=3000)
    parser.add_argument("--l2", type=float, default=1e-2)
    parser.add_argument("--tol", type=float, default=1e-8, help="stop at this gradient norm")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    jax.config.update("jax_enable_x64", True)  # second-order methods show their speed in float64
    args = parse_args(argv)
    start = time.perf_counter()
    x_train, y_train, x_test, y_test = load_data(args.seed)
    chex.assert_shape(x_train, (None, 31))
    loss = make_loss(x_train, y_train, args.l2)
    loss_c, grad = jax.jit(loss), jax.jit(fungrad.grad(loss))
    hvp = jax.jit(lambda theta, v: fungrad.jvp(fungrad.grad(loss), (theta,), (v,))[1])

    # Check H v against JAX's full Hessian of the same loss, at a random point.
    rng = np.random.default_rng(args.seed)
    theta_r, v = rng.normal(size=31), rng.normal(size=31)
    jax_loss = make_jax_loss(x_train, y_train, args.l2)
    ours, reference = np.asarray(hvp(theta_r, v)), np.asarray(jax.hessian(jax_loss)(theta_r)) @ v
    chex.assert_tree_all_finite(ours)
    hvp_diff = float(np.max(np.abs(ours - reference)) / np.max(np.abs(reference)))
    print(f"Hessian-vector product: max relative difference fungrad vs jax.hessian = {hvp_diff:.1e}")

    theta0 = np.zeros(31)
    t0 = time.perf_counter()
    theta_n, newton_losses, n_hvp = newton_cg(loss_c, grad, hvp, theta0, args.newton_steps, args.tol)
    newton_s = time.perf_counter() - t0
    lipschitz = largest_curvature(hvp, theta0)
    t0 = time.perf_counter()
    theta_g, gd_losses = gradient_descent(loss_c, grad, theta0, 1.0 / lipschitz, args.gd_steps, args.tol)
    gd_s = time.perf_counter() - t0
    chex.assert_tree_all_finite((theta_n, theta_g))

    best = min(newton_losses[-1], gd_losses[-1])
    print(f"loss at theta=0: {newton_losses[0]:.6f}; largest Hessian eigenvalue L = {lipschitz:.3f}")
    print(
        f"Newton-CG:        {len(newton_losses) - 1:4d} steps, {n_hvp:3d} Hessian-vector products, "
        f"loss {newton_losses[-1]:.12f}, test accuracy {accuracy(theta_n, x_test, y_test):.4f} [{newton_s:.2f} s]"
    )
    print(
        f"gradient descent: {len(gd_losses) - 1:4d} steps (lr 1/L),            "
        f"loss {gd_losses[-1]:.12f}, test accuracy {accuracy(theta_g, x_test, y_test):.4f} [{gd_s:.2f} s]"
    )
    print("loss - best, by step:   step  Newton-CG   gradient descent")
    for k in [0, 1, 2, 4, 8, 16, 100, 1000, len(gd_losses) - 1]:
        if k < len(gd_losses):
            newton = f"{newton_losses[k] - best:.2e}" if k < len(newton_losses) else "(converged)"
            print(f"{k:29d}  {newton:11s} {gd_losses[k] - best:.2e}")
    return {
        "newton_losses": newton_losses,
        "gd_losses": gd_losses,
        "hvp_count": n_hvp,
        "grad_rel_diff": hvp_diff,
        "test_accuracy": accuracy(theta_n, x_test, y_test),
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    main()
