"""``fungrad.debug.callback`` and ``fungrad.debug.print``: Python callbacks that run when the program
runs (under ``jit`` too, and inside loops), not when it is traced.

Contract. ``debug_callback_p(*args; callback)`` has no outputs and an effect, so dead-code elimination
keeps it. Eagerly it calls ``callback`` on the concrete values; lowered, it is a
``jax.debug.callback``. Differentiation ignores it: the jvp rule calls it on primal values only (once),
and it never touches a tangent or cotangent. ``vmap`` batches it into one callback that calls the
user's function once per example, in order.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import numpy as np
from jax import tree_util

from fungrad._src import ad, batching, core
from fungrad._src.core import Primitive, get_aval
from fungrad._src.ir import def_effectful

debug_callback_p = Primitive("debug_callback", multiple_results=True)


class _FlatCallback:
    """The user's callback over flat leaves (rebuilt into their pytree), hashed by identity."""

    def __init__(self, fn: Callable, tree):
        self.fn, self.tree = fn, tree

    def __call__(self, *leaves):
        args, kwargs = tree_util.tree_unflatten(self.tree, [np.asarray(x) for x in leaves])
        self.fn(*args, **kwargs)

    def __repr__(self):
        return getattr(self.fn, "__name__", "callback")


class _PerExample:
    """A callback batched by vmap: one host call that calls the inner callback example by example."""

    def __init__(self, inner: Callable, batched: tuple[bool, ...], size: int):
        self.inner, self.batched, self.size = inner, batched, size

    def __call__(self, *leaves):
        for i in range(self.size):
            self.inner(*(np.asarray(x)[i] if b else x for x, b in zip(leaves, self.batched)))

    def __repr__(self):
        return f"vmap({self.inner!r})"


def _impl(*args, callback):
    callback(*args)
    return []


def _lowering(*args, callback):
    jax.debug.callback(callback, *args)
    return []


def _jvp(primals, tangents, *, callback):
    return debug_callback_p.bind(*primals, callback=callback), []


def _batch(args, dims, *, callback):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    front = [x if d is None else batching.move_to(x, d, 0, size) for x, d in zip(args, dims)]
    per_example = _PerExample(callback, tuple(d is not None for d in dims), size)
    return debug_callback_p.bind(*front, callback=per_example), []


core.def_abstract_eval(debug_callback_p, lambda *avals, callback: [])
core.def_lowering(debug_callback_p, _lowering)
core.def_impl(debug_callback_p, _impl)
def_effectful(debug_callback_p)
ad.def_jvp(debug_callback_p, _jvp)
batching.def_batching(debug_callback_p, _batch)


def callback(fn: Callable, *args, **kwargs) -> None:
    """Call ``fn(*args, **kwargs)`` with the concrete values when the program runs.

    Under ``jit`` the call happens each time the compiled program runs, inside loops once per
    iteration, under ``vmap`` once per example (in order); differentiation ignores it (it sees primal
    values only). Arguments are pytrees of arrays; ``fn`` receives NumPy arrays.

    >>> import fungrad, fungrad.numpy as fnp
    >>> seen = []
    >>> f = fungrad.jit(lambda x: (fungrad.debug.callback(lambda v: seen.append(float(v)), x), x * 2.0)[1])
    >>> float(f(3.0)), seen
    (6.0, [3.0])
    """
    leaves, tree = tree_util.tree_flatten((args, kwargs))
    leaves = [x if isinstance(x, core.Tracer) else core.as_concrete(x) for x in leaves]
    debug_callback_p.bind(*leaves, callback=_FlatCallback(fn, tree))


def debug_print(fmt: str, *args, **kwargs) -> None:
    """Print ``fmt.format(*args, **kwargs)`` with the concrete values when the program runs (as
    ``jax.debug.print``): under ``jit``, inside loops and per example under ``vmap``.

    >>> import fungrad, fungrad.numpy as fnp
    >>> _ = fungrad.jit(lambda x: (fungrad.debug.print("x is {}", x), x)[1])(fnp.float32(1.5))
    x is 1.5
    """
    callback(lambda *a, **k: print(fmt.format(*a, **k)), *args, **kwargs)
