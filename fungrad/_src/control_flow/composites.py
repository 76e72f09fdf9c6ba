"""Loops built from ``scan`` and ``while_loop``: ``fori_loop``, ``map``, ``associative_scan``.

They need no rules of their own: every transformation reaches them through the primitives they are
made of (a ``fori_loop`` with a static trip count is a ``scan``, so reverse mode works through it).
"""

from __future__ import annotations

import numpy as np
from jax import tree_util

from fungrad._src import core
from fungrad._src.api_vmap import vmap
from fungrad._src.control_flow.common import flatten_operands
from fungrad._src.control_flow.scan import scan
from fungrad._src.control_flow.while_loop import while_loop
from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout, scans, shape


def _static_int(x):
    """``x`` as a Python int if it is known at trace time (not a tracer), else None."""
    if isinstance(x, core.Tracer):
        return None
    value = np.asarray(x)
    if value.shape != () or value.dtype.kind not in "iu":
        raise FungradTypeError(f"[fori_loop] lower and upper must be integer scalars, got {value.dtype}{value.shape}")
    return int(value)


def fori_loop(lower, upper, body_fun, init_val, *, unroll=None):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; returns the final ``val``.

    With ``lower`` and ``upper`` known at trace time (Python ints, or concrete arrays) this is a
    ``scan`` of ``upper - lower`` steps, so every transformation works, reverse mode included. With a
    traced bound it is a ``while_loop`` (reverse mode then needs ``while_loop``'s ``max_steps``).

    Args:
        lower, upper: integer scalars.
        body_fun: ``(i, val) -> val`` of the same structure, shapes and dtypes.
        init_val: the initial value (a pytree of arrays).
        unroll: how many steps XLA unrolls per iteration (static trip counts only).

    >>> import fungrad, fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> power = lambda x: lax.fori_loop(0, 3, lambda i, v: v * x, 1.0)
    >>> float(power(2.0)), float(fungrad.grad(power)(2.0))
    (8.0, 12.0)
    """
    lo, hi = _static_int(lower), _static_int(upper)
    if lo is not None and hi is not None:
        start = core.as_concrete(lower)

        def step(carry, _):
            i, val = carry
            return (ew.add(i, ew.scalar(1, i)), body_fun(i, val)), None

        (_, out), _ = scan(step, (start, init_val), None, length=max(hi - lo, 0), unroll=unroll or 1)
        return out
    if unroll is not None:
        raise FungradTypeError("[fori_loop] unroll needs a static trip count (lower and upper known at trace time)")
    lower, upper = (core.as_concrete(b) if not isinstance(b, core.Tracer) else b for b in (lower, upper))
    upper = ew.convert_element_type(upper, get_aval(lower).dtype, get_aval(lower).weak_type)
    _, out = while_loop(
        lambda c: ew.lt(c[0], upper),
        lambda c: (ew.add(c[0], ew.scalar(1, c[0])), body_fun(c[0], c[1])),
        (lower, init_val),
    )
    return out


def map(f, xs, *, batch_size: int | None = None):  # noqa: A001 - the name of jax.lax.map
    """``f`` applied to each slice of ``xs`` along its leading axis, as a loop (``stack([f(x) for x in xs])``).

    Unlike ``vmap`` the slices run one after another, so memory stays that of one slice;
    ``batch_size`` runs that many slices at a time with ``vmap``.

    >>> import fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> lax.map(lambda x: x * x, fnp.arange(4.0)).tolist()
    [0.0, 1.0, 4.0, 9.0]
    >>> lax.map(fnp.sum, fnp.ones((5, 2)), batch_size=2).tolist()
    [2.0, 2.0, 2.0, 2.0, 2.0]
    """
    if batch_size is None:
        return scan(lambda c, x: (c, f(x)), (), xs)[1]
    leaves, tree = flatten_operands(xs, "map", "xs")
    n = get_aval(leaves[0]).shape[0]
    full, rest = divmod(n, batch_size)
    head = [_rows(x, 0, full * batch_size) for x in leaves]
    head = [layout.reshape(x, (full, batch_size, *get_aval(x).shape[1:])) for x in head]
    batched = vmap(f)
    ys = scan(lambda c, x: (c, batched(tree_util.tree_unflatten(tree, x))), (), head)[1]
    ys = tree_util.tree_map(lambda y: layout.reshape(y, (full * batch_size, *get_aval(y).shape[2:])), ys)
    if not rest:
        return ys
    tail = batched(tree_util.tree_unflatten(tree, [_rows(x, full * batch_size, n) for x in leaves]))
    return tree_util.tree_map(lambda a, b: shape.concatenate([a, b], 0), ys, tail)


def _rows(x, start, stop):
    s = get_aval(x).shape
    return shape.slice(x, (start, *(0,) * (len(s) - 1)), (stop, *s[1:]))


def associative_scan(fn, elems, reverse: bool = False, axis: int = 0):
    """All prefix combinations ``fn(...fn(fn(e0, e1), e2)..., ek)`` of ``elems`` along ``axis``, in
    O(log n) parallel depth; ``fn`` must be associative and work elementwise on pytrees of arrays.

    >>> import fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> lax.associative_scan(lambda a, b: a + b, fnp.arange(5.0)).tolist()
    [0.0, 1.0, 3.0, 6.0, 10.0]
    >>> lax.associative_scan(fnp.maximum, fnp.array([1.0, 3.0, 2.0]), reverse=True).tolist()
    [3.0, 3.0, 2.0]
    """
    leaves, tree = flatten_operands(elems, "associative_scan", "elems")
    if not leaves:
        return elems
    ndim = get_aval(leaves[0]).ndim
    axis = axis % ndim if ndim else 0
    sizes = {get_aval(x).shape[axis] for x in leaves}
    if len(sizes) > 1:
        raise FungradTypeError(
            f"[associative_scan] the leaves of elems have different sizes {sorted(sizes)} on axis {axis}"
        )

    def combine(a, b):
        out = fn(tree_util.tree_unflatten(tree, a), tree_util.tree_unflatten(tree, b))
        out_leaves, out_tree = tree_util.tree_flatten(out)
        if out_tree != tree:
            raise FungradTypeError(
                f"[associative_scan] fn must return the structure of its inputs {tree}, got {out_tree}"
            )
        return out_leaves

    return tree_util.tree_unflatten(tree, scans.associative_scan(combine, leaves, axis=axis, reverse=reverse))
