"""What every control-flow primitive shares: tracing user functions of pytrees into sub-IRs, and the
small IR reshapes (reorder, widen, join constants) that let one rewrite serve several operand layouts.

Contract. A control-flow primitive holds const-free sub-IRs (``ir.closure_convert``) as params and
takes their constants as leading operands, so the rewrite toolkit (``ad.jvp_ir``,
``ad.partial_eval_ir``, ``ad.transpose_ir``, ``batching.batch_ir``, ``ir.dce_ir``) applies to the
bodies unchanged. The helpers here only rename and reorder variables: they never re-trace, so they
keep every equation (and its user source line) as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jax import tree_util

from fungrad._src import core
from fungrad._src.core import FungradTypeError, ShapedArray, get_aval
from fungrad._src.ir import IR, Var
from fungrad._src.staging import trace_to_subir


def trace_body(fun: Callable, in_tree, in_avals: Sequence[ShapedArray], name: str):
    """Trace ``fun`` (of pytrees, flattened by ``in_tree``) to a const-free sub-IR.

    Returns ``(ir, consts, out_tree)``; ``ir``'s inputs are the constants followed by the flat
    arguments (structurally identical bodies share one IR: ``staging.trace_to_subir``).
    """
    flat = core.flatten_fun(fun, in_tree)
    sub, consts = trace_to_subir(flat, in_avals, name)
    return sub, consts, flat.out_tree


def flatten_operands(tree, transform: str, what: str):
    """Flatten a pytree of operands to arrays; a clear error names the offending leaf."""
    leaves_with_paths, treedef = tree_util.tree_flatten_with_path(tree)
    leaves = []
    for path, x in leaves_with_paths:
        if not core.is_array_like(x):
            raise FungradTypeError(
                f"[{transform}] {what}{tree_util.keystr(path)} has type {type(x).__name__}, which is not an array: "
                "loop carries and operands must be arrays or pytrees of arrays (close over other Python values)"
            )
        leaves.append(x if isinstance(x, core.Tracer) else core.as_concrete(x))
    return leaves, treedef


def avals_of(xs) -> list[ShapedArray]:
    return [get_aval(x) for x in xs]


def describe_avals(avals, tree) -> str:
    return str(tree_util.tree_unflatten(tree, [a.str_short() for a in avals]))


def same_types(a: ShapedArray, b: ShapedArray) -> bool:
    """Equal shape and dtype; weak types may differ (JAX joins them)."""
    return a.shape == b.shape and a.dtype == b.dtype


# ---- IR reshapes (no re-tracing) ------------------------------------------------------------------


def permute(sub: IR, in_order: Sequence[int] | None = None, out_order: Sequence[int] | None = None) -> IR:
    """The same program with inputs (outputs) listed in ``in_order`` (``out_order``) of the old ones."""
    invars = sub.invars if in_order is None else tuple(sub.invars[i] for i in in_order)
    outvars = sub.outvars if out_order is None else tuple(sub.outvars[i] for i in out_order)
    return IR((), invars, sub.eqns, outvars)


def insert_inputs(sub: IR, position: int, avals: Sequence[ShapedArray]) -> IR:
    """The same program taking extra, unused inputs of ``avals`` at ``position``."""
    extra = tuple(Var(a) for a in avals)
    return IR((), (*sub.invars[:position], *extra, *sub.invars[position:]), sub.eqns, sub.outvars)


def join_consts(bodies: Sequence[tuple[IR, Sequence]]) -> tuple[list[IR], list]:
    """Several sub-IRs each with its own leading constants -> sub-IRs that all take every constant.

    Body ``i`` of the result takes ``(*consts_0, ..., *consts_n, *operands)`` and reads only its own.
    Branches of ``cond`` need this: one equation passes one operand list to whichever branch runs.
    """
    counts = [len(c) for _, c in bodies]
    avals = [[get_aval(x) for x in c] for _, c in bodies]
    joined = []
    for i, (sub, _) in enumerate(bodies):
        before = [a for j in range(i) for a in avals[j]]
        after = [a for j in range(i + 1, len(bodies)) for a in avals[j]]
        widened = insert_inputs(sub, 0, before)
        joined.append(insert_inputs(widened, len(before) + counts[i], after))
    return joined, [x for _, c in bodies for x in c]


def carry_fixed_point(pattern: Sequence[bool], rewrite: Callable, carries_of: Callable) -> tuple:
    """Grow a loop's carry pattern (nonzero tangent, unknown, batched, used) until the body keeps it.

    ``rewrite(pattern)`` rewrites the body assuming ``pattern`` for the carries; ``carries_of(result)``
    says which carries the rewritten body makes so. A carry is marked from the start or once the body
    makes it so; the pattern only grows, so this ends. Returns ``(result, pattern)``.
    """
    pattern = list(pattern)
    while True:
        result = rewrite(pattern)
        grown = [a or bool(b) for a, b in zip(pattern, carries_of(result))]
        if grown == pattern:
            return result, pattern
        pattern = grown


def split_list(xs: Sequence, sizes: Sequence[int]) -> list[list]:
    out, start = [], 0
    for n in sizes:
        out.append(list(xs[start : start + n]))
        start += n
    assert start == len(xs), (start, len(xs))
    return out


def merge(mask: Sequence[bool], if_true: Sequence, if_false: Sequence) -> list:
    """Interleave two lists back into one, taking from ``if_true`` where ``mask`` is set."""
    t, f = iter(if_true), iter(if_false)
    return [next(t) if m else next(f) for m in mask]
