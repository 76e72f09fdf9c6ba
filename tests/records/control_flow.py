"""Op records for structured control flow: ``cond``, ``switch``, ``scan``, ``while_loop`` (plain and
with fungrad's ``max_steps``), ``fori_loop``, ``map`` and ``associative_scan`` (issue #11).

The record drivers take functions of arrays, so each record is a small closed program of arrays that
uses one control-flow function inside (the callables are closed over). The oracle is the same
program written with ``jax.lax``. Special cases:

* batched predicates and indices: the predicate of ``cond`` and the index of ``switch`` are
  arguments, so the vmap checks batch them (seeds 1..3 give a mix of branches, see ``_mixed``);
  ``while_loop`` predicates read the carry, so batching the input gives per-example trip counts;
* ``while_loop(max_steps=N)`` reverse mode: JAX cannot differentiate ``while_loop`` in reverse, so
  the oracle is the same loop written as ``fori_loop(0, N, lambda i, c: cond(pred(c), body, id, c))``;
* plain ``while_loop`` (no ``max_steps``) is not reverse-differentiable in either library: its rows
  check values/vmap/jit (``grad=False``) and a second row checks ``jvp`` as a closed program.
"""

from __future__ import annotations

import jax
import jax.lax as jlax
import jax.numpy as jnp
import numpy as np

import fungrad
import fungrad.lax as flax
import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes=(), **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), **kw))


def _mixed(rng):
    """A scalar in (-1, 1) drawn first: seeds 1, 2, 3 give +, -, - (both branches under vmap)."""
    return np.float64(rng.uniform(-1.0, 1.0))


# ---- cond ------------------------------------------------------------------------------------------


def _cond_prog(lax, np_):
    def f(p, x):
        return lax.cond(p > 0, lambda x, p: np_.sin(x) * p, lambda x, p: np_.cos(x) + p * x, x, p)

    return f


rec(
    "lax.cond",
    _cond_prog(flax, fnp),
    _cond_prog(jlax, jnp),
    make_args=lambda rng: (_mixed(rng), rng.normal(size=(3,))),
)


def _cond_closure_prog(lax, np_):
    """Branches close over ``w`` (closure conversion); pytree operands and outputs; int operand."""

    def f(p, x, w):
        def yes(ops):
            a, b = ops
            return {"s": np_.tanh(a @ w) * b, "t": a * 2.0}

        def no(ops):
            a, b = ops
            return {"s": a @ w + b, "t": np_.exp(a) * np_.sum(w)}

        out = lax.cond(p, yes, no, (x, np_.sum(x)))
        return out["s"], out["t"]

    return f


rec(
    "lax.cond-closure-pytree",
    _cond_closure_prog(flax, fnp),
    _cond_closure_prog(jlax, jnp),
    make_args=lambda rng: (np.int32(_mixed(rng) > 0), rng.normal(size=(3,)), rng.normal(size=(3, 2))),
)


# ---- switch ----------------------------------------------------------------------------------------


def _switch_prog(lax, np_):
    def f(i, x):
        return lax.switch(i, [np_.sin, lambda x: x * x * 0.5, lambda x: np_.tanh(x) - x], x)

    return f


rec(
    "lax.switch",
    _switch_prog(flax, fnp),
    _switch_prog(jlax, jnp),
    # integers(-1, 4): seeds 0..3 give 1, 2, -1, -1 (clamped to 1, 2, 0, 0): mixed branches, clamping
    make_args=lambda rng: (np.int32(rng.integers(-1, 4)), rng.normal(size=(2, 3))),
)


# ---- scan ------------------------------------------------------------------------------------------


def _rnn_prog(lax, np_, **kw):
    """An Elman RNN cell over xs: carries the hidden state, emits a readout per step."""

    def f(h0, xs, w):
        def step(h, x):
            h = np_.tanh(h @ w + x)
            return h, np_.sum(h * h) + x[0]

        return lax.scan(step, h0, xs, **kw)

    return f


for suffix, kw in [("", {}), ("-reverse", {"reverse": True}), ("-unroll2", {"unroll": 2})]:
    rec(f"lax.scan{suffix}", _rnn_prog(flax, fnp, **kw), _rnn_prog(jlax, jnp, **kw), shapes=((2,), (3, 2), (2, 2)))


def _scan_pytree_prog(lax, np_):
    """Pytree carry and xs, an integer carry, a closed-over array, ys=None pieces, xs=None + length."""

    def f(x, a):
        def step(c, xs):
            i, s = c
            u, v = xs["u"], xs["v"]
            s = s * np_.cos(u) + v * a
            return (i + 1, s), {"y": s * i, "z": None}

        (n, s), ys = lax.scan(step, (0, x), {"u": np_.stack([x, 2 * x]), "v": np_.ones((2, 3)) * a})
        t, _ = lax.scan(lambda c, _: (np_.sin(c) * a, None), s, None, length=3)
        return n, t, ys["y"]

    return f


rec("lax.scan-pytree", _scan_pytree_prog(flax, fnp), _scan_pytree_prog(jlax, jnp), shapes=((3,), ()))


def _nested_prog(lax, np_):
    """A cond inside a scan inside a cond inside a scan (the predicates read the carry)."""

    def f(x, w):
        def inner(c, xi):
            c = lax.cond(np_.sum(c) > 0, lambda c: np_.sin(c) * xi, lambda c: c * w - xi, c)
            return c, np_.sum(c)

        def outer(c, xi):
            c = lax.cond(xi > 0, lambda c: lax.scan(inner, c, w)[0], lambda c: np_.tanh(c) + xi, c)
            return c, c[0]

        return lax.scan(outer, x, x)

    return f


rec("lax.scan-cond-scan-cond", _nested_prog(flax, fnp), _nested_prog(jlax, jnp), shapes=((3,), (3,)))


# ---- while_loop ------------------------------------------------------------------------------------


def _while_prog(lax, np_):
    """Trip count depends on the (batched) carry; the body closes over nothing."""

    def f(x):
        return lax.while_loop(lambda c: np_.sum(c * c) < 6.0, lambda c: c * 1.3 + np_.sin(c) * 0.2 + 0.4, x)

    return f


rec("lax.while_loop", _while_prog(flax, fnp), _while_prog(jlax, jnp), shapes=((3,),), grad=False)


def _while_jvp_prog(transforms, lax, np_):
    """Forward mode through a plain while_loop, as a closed program (JAX supports it too)."""
    loop = _while_prog(lax, np_)
    return lambda x, t: transforms.jvp(loop, (x,), (t,))


rec(
    "lax.while_loop-jvp",
    _while_jvp_prog(fungrad, flax, fnp),
    _while_jvp_prog(jax, jlax, jnp),
    shapes=((3,), (3,)),
    grad=False,
)

MAX_STEPS = 12


def _bounded_prog(lax, np_):
    """while_loop(max_steps=N) in fungrad; the same loop as a fori_loop of conds in JAX (the oracle)."""
    pred = lambda c: np_.sum(c[0] * c[0]) + c[1] < 6.0  # noqa: E731

    def body(c, w):
        x, k = c
        return np_.tanh(x @ w) + x * 1.3 + 0.4, k + 0.5

    def f(x, w):
        init = (x, np_.sum(x) * 0.1)
        if lax is flax:
            return lax.while_loop(pred, lambda c: body(c, w), init, max_steps=MAX_STEPS)
        return lax.fori_loop(0, MAX_STEPS, lambda i, c: lax.cond(pred(c), lambda c: body(c, w), lambda c: c, c), init)

    return f


rec("lax.while_loop-max_steps", _bounded_prog(flax, fnp), _bounded_prog(jlax, jnp), shapes=((3,), (3, 3)))


def _newton_prog(lax, np_):
    """Newton's square root with a tolerance test: an early exit well inside max_steps."""

    def f(a):
        def body(c):
            x, i = c
            return 0.5 * (x + a / x), i + 1

        pred = lambda c: (np_.max(np_.abs(c[0] * c[0] - a)) > 1e-12) & (c[1] < 30)  # noqa: E731
        if lax is flax:
            return lax.while_loop(pred, body, (a + 1.0, 0), max_steps=30)[0]
        return lax.fori_loop(0, 30, lambda i, c: lax.cond(pred(c), body, lambda c: c, c), (a + 1.0, 0))[0]

    return f


rec("lax.while_loop-newton", _newton_prog(flax, fnp), _newton_prog(jlax, jnp), shapes=((2,),), domain="positive")


# ---- fori_loop -------------------------------------------------------------------------------------


def _fori_prog(lax, np_, **kw):
    def f(x, w):
        return lax.fori_loop(1, 4, lambda i, c: np_.sin(c @ w) * i + c, x, **kw)

    return f


rec("lax.fori_loop", _fori_prog(flax, fnp), _fori_prog(jlax, jnp), shapes=((3,), (3, 3)))
rec("lax.fori_loop-unroll", _fori_prog(flax, fnp, unroll=3), _fori_prog(jlax, jnp, unroll=3), shapes=((3,), (3, 3)))


def _fori_traced_prog(lax, np_):
    """A traced trip count (a while_loop underneath): values, vmap with per-example counts, jit."""

    def f(n, x):
        return lax.fori_loop(0, n, lambda i, c: c * 0.9 + np_.cos(c), x)

    return f


rec(
    "lax.fori_loop-traced-bound",
    _fori_traced_prog(flax, fnp),
    _fori_traced_prog(jlax, jnp),
    make_args=lambda rng: (np.int32(rng.integers(-1, 5)), rng.normal(size=(3,))),
    grad=False,
)


# ---- map, associative_scan ---------------------------------------------------------------------------


def _map_prog(lax, np_, **kw):
    def f(xs, w):
        return lax.map(lambda x: np_.tanh(x @ w) * np_.sum(x), xs, **kw)

    return f


rec("lax.map", _map_prog(flax, fnp), _map_prog(jlax, jnp), shapes=((4, 2), (2, 3)))
rec(
    "lax.map-batch_size",
    _map_prog(flax, fnp, batch_size=3),
    _map_prog(jlax, jnp, batch_size=3),
    shapes=((4, 2), (2, 3)),
)


def _linear_recurrence(lax, np_, **kw):
    """h_t = a_t * h_{t-1} + b_t as an associative scan of (a, b) pairs (pytree elements)."""

    def combine(left, right):
        return right[0] * left[0], right[0] * left[1] + right[1]

    return lambda a, b: lax.associative_scan(combine, (a, b), **kw)


rec(
    "lax.associative_scan-pytree",
    _linear_recurrence(flax, fnp),
    _linear_recurrence(jlax, jnp),
    shapes=((4, 3), (4, 3)),
    domain="unit",
)
rec(
    "lax.associative_scan-reverse-axis1",
    _linear_recurrence(flax, fnp, reverse=True, axis=1),
    _linear_recurrence(jlax, jnp, reverse=True, axis=1),
    shapes=((2, 4), (2, 4)),
    domain="unit",
)
