"""Small oracle checks shared by the issue-5 focused tests (conv, linalg, special, random, nn extras).

Each check runs a fungrad function and its JAX reference on the same float64 inputs and compares:
forward values, ``jvp``, ``vjp``, second-order reverse-over-reverse and forward-over-reverse
derivatives, and ``vmap`` against a Python loop. The generic record drivers (tests/test_ops.py) do
the same for every op record; these stay until those drivers exist.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import fungrad


def _allclose(a, b, atol, rtol, what):
    a_leaves, b_leaves = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    assert len(a_leaves) == len(b_leaves), what
    for x, y in zip(a_leaves, b_leaves):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=atol, rtol=rtol, err_msg=what)


def _tangents(args, seed=1):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=np.shape(a)).astype(np.asarray(a).dtype) for a in args)


def _weights(out, seed=2):
    rng = np.random.default_rng(seed)
    return jax.tree_util.tree_map(lambda o: rng.normal(size=np.shape(o)), out)


def _scalarize(f, w, np_mod):
    def g(*args):
        out = f(*args)
        leaves = jax.tree_util.tree_leaves(out)
        ws = jax.tree_util.tree_leaves(w)
        total = 0.0
        for o, wi in zip(leaves, ws):
            total = total + np_mod.sum(o * wi)
        return total

    return g


def check_all(f, ref, args, *, atol=1e-8, rtol=1e-8, order=2, vmap=True, argnums=None):
    """Forward, jvp, vjp, order-2 derivatives and vmap of ``f`` against ``ref``."""
    args = tuple(jnp.asarray(a) for a in args)
    argnums = tuple(range(len(args))) if argnums is None else tuple(argnums)
    out = f(*args)
    expected = ref(*args)
    _allclose(out, expected, atol, rtol, "forward")

    def restrict(fn):
        def h(*diff):
            full = list(args)
            for i, d in zip(argnums, diff):
                full[i] = d
            return fn(*full)

        return h

    diff_args = tuple(args[i] for i in argnums)
    ts = _tangents(diff_args)
    _, t_fg = fungrad.jvp(restrict(f), diff_args, ts)
    _, t_jax = jax.jvp(restrict(ref), diff_args, ts)
    _allclose(t_fg, t_jax, atol, rtol, "jvp")

    w = _weights(expected)
    _, vjp_fg = fungrad.vjp(restrict(f), *diff_args)
    _, vjp_jax = jax.vjp(restrict(ref), *diff_args)
    _allclose(vjp_fg(w), vjp_jax(w), atol, rtol, "vjp")

    if order >= 2:
        g_fg = _scalarize(restrict(f), w, fungrad.numpy)
        g_jax = _scalarize(restrict(ref), w, jnp)
        argn = tuple(range(len(diff_args)))
        # reverse-over-reverse: gradient of <grad g, v>
        v = _tangents(diff_args, seed=3)

        def rr(gfun, grad, np_mod):
            def h(*xs):
                gs = grad(gfun, argnums=argn)(*xs)
                return sum(np_mod.sum(gi * vi) for gi, vi in zip(gs, v))

            return grad(h, argnums=argn)

        _allclose(
            rr(g_fg, fungrad.grad, fungrad.numpy)(*diff_args),
            rr(g_jax, jax.grad, jnp)(*diff_args),
            atol * 10,
            rtol * 10,
            "grad-of-grad",
        )
        # forward-over-reverse
        _, fr_fg = fungrad.jvp(fungrad.grad(g_fg, argnums=argn), diff_args, v)
        _, fr_jax = jax.jvp(jax.grad(g_jax, argnums=argn), diff_args, v)
        _allclose(fr_fg, fr_jax, atol * 10, rtol * 10, "jvp-of-grad")

    if vmap:
        check_vmap(f, args)


def check_vmap(f, args, batch=2, atol=1e-9, rtol=1e-9, seed=5):
    """vmap over every argument at axis 0 and at the last axis, and over each argument alone, vs a loop."""
    rng = np.random.default_rng(seed)
    args = tuple(np.asarray(a) for a in args)

    def perturb(a):
        if np.issubdtype(a.dtype, np.floating):
            return a + 0.01 * rng.normal(size=a.shape)
        return a

    stacked = [np.stack([perturb(a) if i else a for i in range(batch)]) for a in args]
    configs = [tuple(0 for _ in args)]
    configs.append(tuple(a.ndim for a in args))  # batch axis last
    if len(args) > 1:
        for j in range(len(args)):
            configs.append(tuple(0 if i == j else None for i in range(len(args))))
    for axes in configs:
        inputs = []
        for a, s, ax in zip(args, stacked, axes):
            inputs.append(a if ax is None else np.moveaxis(s, 0, ax))
        got = fungrad.vmap(f, in_axes=axes)(*inputs)
        per = [f(*[a if ax is None else s[b] for a, s, ax in zip(args, stacked, axes)]) for b in range(batch)]
        per_leaves = [jax.tree_util.tree_leaves(p) for p in per]
        got_leaves = jax.tree_util.tree_leaves(got)
        for k, g in enumerate(got_leaves):
            want = np.stack([np.asarray(p[k]) for p in per_leaves])
            np.testing.assert_allclose(np.asarray(g), want, atol=atol, rtol=rtol, err_msg=f"vmap in_axes={axes}")
