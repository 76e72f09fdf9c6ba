"""Rematerialization: ``checkpoint`` (alias ``remat``), its saving policies, ``checkpoint_name``, and
``saved_residuals`` to see what the backward pass keeps.

Contract. ``checkpoint_p(*consts, *args; body, policy, prevent_cse, differentiated)`` runs ``body``.
Under reverse mode its partial-evaluation rule splits the body with ``ad.partial_eval_ir(...,
policy=...)``: the forward pass keeps only the values the policy calls saveable (and the inputs);
the staged part recomputes the rest from them in the backward pass. The staged part is again a
``checkpoint`` equation (``differentiated=True``) whose lowering puts XLA's optimization barrier on
its inputs, so XLA cannot merge the recomputation back into the forward pass (``prevent_cse``).
jvp, transpose and batching rewrite the body with the toolkit and keep the policy.

A policy is ``policy(primitive, *in_avals, **params) -> bool`` (JAX's signature), asked about every
equation whose output the backward pass needs: True saves the output, False recomputes it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from jax import lax, tree_util

from fungrad._src import ad, batching, core, staging
from fungrad._src.ad import Zero
from fungrad._src.api import _path_names, flatten_args
from fungrad._src.control_flow.common import merge
from fungrad._src.core import Primitive, get_aval
from fungrad._src.ir import ClosedIR, dce, dce_ir, def_dce, eval_ir, prune_constvars
from fungrad._src.lowering import lower_ir
from fungrad._src.primitives.dot import dot_general_p
from fungrad._src.staging import StagingTrace, StagingTracer, trace_to_subir

# ---- policies ------------------------------------------------------------------------------------------

name_p = Primitive("name")


def checkpoint_name(x, name: str):
    """Tag the arrays of pytree ``x`` with ``name``, for ``save_only_these_names`` and friends.

    >>> import fungrad, fungrad.numpy as fnp
    >>> float(fungrad.checkpoint_name(fnp.float32(2.0), "h"))
    2.0
    """
    return tree_util.tree_map(lambda a: name_p.bind(core.as_concrete(a), name=name), x)


core.def_abstract_eval(name_p, lambda aval, *, name: aval)
core.def_lowering(name_p, lambda x, *, name: x)
ad.def_jvp(name_p, lambda primals, tangents, *, name: (name_p.bind(primals[0], name=name), tangents[0]))
batching.def_vectorized(name_p)


class checkpoint_policies:
    """Saving policies for :func:`checkpoint` (as ``jax.checkpoint_policies``).

    >>> import fungrad
    >>> fungrad.checkpoint_policies.dots_saveable.__name__
    'dots_saveable'
    """

    @staticmethod
    def everything_saveable(prim, *avals, **params) -> bool:
        """Save every value (no recomputation: plain reverse mode)."""
        return True

    @staticmethod
    def nothing_saveable(prim, *avals, **params) -> bool:
        """Save only the inputs; recompute everything else in the backward pass (the default)."""
        return False

    @staticmethod
    def dots_saveable(prim, *avals, **params) -> bool:
        """Save the results of matrix products (``dot_general``); recompute the cheap elementwise work."""
        return prim is dot_general_p

    @staticmethod
    def dots_with_no_batch_dims_saveable(prim, *avals, **params) -> bool:
        """Save matrix products without batch dimensions (weights times activations)."""
        if prim is not dot_general_p:
            return False
        (_, _), (lhs_batch, rhs_batch) = params["dimension_numbers"]
        return not lhs_batch and not rhs_batch

    @staticmethod
    def save_only_these_names(*names: str) -> Callable:
        """Save only values tagged with :func:`checkpoint_name` by one of ``names``."""
        wanted = frozenset(names)
        return lambda prim, *avals, **params: prim is name_p and params["name"] in wanted

    @staticmethod
    def save_any_names_but_these(*names: str) -> Callable:
        """Save values tagged with any name except ``names``."""
        unwanted = frozenset(names)
        return lambda prim, *avals, **params: prim is name_p and params["name"] not in unwanted

    @staticmethod
    def save_anything_except_these_names(*names: str) -> Callable:
        """Save everything except values tagged with one of ``names``."""
        unwanted = frozenset(names)
        return lambda prim, *avals, **params: not (prim is name_p and params["name"] in unwanted)

    checkpoint_dots = dots_saveable
    checkpoint_dots_with_no_batch_dims = dots_with_no_batch_dims_saveable


# ---- the primitive -------------------------------------------------------------------------------------

checkpoint_p = Primitive("checkpoint", multiple_results=True, linear=True)


def _bind(operands, body, params):
    return checkpoint_p.bind(*operands, **dict(params, body=body))


def _checkpoint_lowering(*args, body, policy, prevent_cse, differentiated):
    if prevent_cse and differentiated and args:  # keep XLA from merging recomputation with the forward pass
        args = lax.optimization_barrier(tuple(args))
    return lower_ir(body, (), args)


def _checkpoint_jvp(primals, tangents, **params):
    body = params["body"]
    nonzero = tuple(type(t) is not Zero for t in tangents)
    r = ad.jvp_ir(body, nonzero)
    outs = _bind([*r.consts, *primals, *(t for t in tangents if type(t) is not Zero)], r.ir, params)
    n = len(body.outvars)
    zeros = [Zero(a.to_tangent_aval()) for a in body.out_avals]
    return outs[:n], merge(r.out_nonzero, outs[n:], zeros)


# While saved_residuals runs: the values a checkpoint's policy chose to save (by identity).
_tracking = threading.local()


def _checkpoint_partial_eval(trace, args, params):
    body, policy = params["body"], params["policy"] or checkpoint_policies.nothing_saveable
    unknown = tuple(trace.is_own(a) for a in args)
    if all(unknown):
        return trace.stage(checkpoint_p, args, params)
    split = ad.partial_eval_ir(body, unknown, False, policy)
    known_args = [a for a, u in zip(args, unknown) if not u]
    known_outs, residuals = ad.run_known(split, known_args, lambda sub, ops: eval_ir(sub, (), ops))
    saved = getattr(_tracking, "saved", None)
    if saved is not None:
        inputs = {id(a) for a in known_args}
        saved.update(id(r) for r in residuals if id(r) not in inputs)
    staged = trace.stage(
        checkpoint_p,
        [*residuals, *(a for a, u in zip(args, unknown) if u)],
        dict(params, body=split.unknown, differentiated=True),
    )
    return merge(split.out_unknown, staged, known_outs)


def _checkpoint_transpose(cts, *args, **params):
    linear = tuple(ad.is_undefined(a) for a in args)
    ct_nonzero = tuple(type(c) is not Zero for c in cts)
    if not any(ct_nonzero):
        return [None] * len(args)
    r = ad.transpose_ir(params["body"], linear, ct_nonzero)
    residuals = [a for a, lin in zip(args, linear) if not lin]
    outs = _bind(
        [*r.consts, *residuals, *(c for c in cts if type(c) is not Zero)], r.ir, dict(params, differentiated=True)
    )
    outs, nonzero = iter(outs), iter(r.in_nonzero)
    return [(next(outs) if next(nonzero) else None) if lin else None for lin in linear]


def _checkpoint_batch(args, dims, **params):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    r = batching.batch_ir(params["body"], size, tuple(dims))
    return _bind([*r.consts, *args], r.ir, params), list(r.out_dims)


def _checkpoint_dce(used_outputs, eqn):
    sub, used = dce_ir(eqn.params["body"], tuple(used_outputs))
    new = eqn._replace(
        inputs=tuple(a for a, u in zip(eqn.inputs, used) if u),
        outputs=tuple(v for v, u in zip(eqn.outputs, used_outputs) if u),
        params=dict(eqn.params, body=sub),
    )
    return list(used), new


core.def_abstract_eval(checkpoint_p, lambda *avals, body, **params: body.out_avals)
core.def_lowering(checkpoint_p, _checkpoint_lowering)
ad.def_jvp(checkpoint_p, _checkpoint_jvp)
staging.def_partial_eval(checkpoint_p, _checkpoint_partial_eval)
ad.def_transpose(checkpoint_p, _checkpoint_transpose)
batching.def_batching(checkpoint_p, _checkpoint_batch)
def_dce(checkpoint_p, _checkpoint_dce)


def checkpoint(fun: Callable, *, prevent_cse: bool = True, policy: Callable | None = None, static_argnums=()):
    """``fun`` whose intermediate values the backward pass recomputes instead of keeping (as
    ``jax.checkpoint``): memory for compute, in deep networks and long loops.

    Args:
        fun: the function.
        prevent_cse: keep XLA from merging the recomputation with the forward pass (leave it True
            unless ``fun`` runs inside a ``scan`` body, where it is not needed).
        policy: which values to save (see :class:`checkpoint_policies`); default: none but the inputs.
        static_argnums: arguments passed as Python values (not traced).

    >>> import fungrad, fungrad.numpy as fnp
    >>> layer = fungrad.checkpoint(lambda x: fnp.sin(fnp.sin(x)))
    >>> round(float(fungrad.grad(layer)(1.0)), 6)
    0.360039
    """
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def remat_fun(*args, **kwargs):
        if core.is_eager():  # nothing will be differentiated: just run it
            return fun(*args, **kwargs)
        statics = {i: args[i] for i in static}
        dyn = (tuple(a for i, a in enumerate(args) if i not in statics), kwargs)
        leaves, in_tree = flatten_args(dyn, "checkpoint")

        def call(dyn_args, dyn_kwargs):
            it = iter(dyn_args)
            full = [statics[i] if i in statics else next(it) for i in range(len(args))]
            return fun(*full, **dyn_kwargs)

        flat = core.flatten_fun(call, in_tree)
        body, consts = trace_to_subir(flat, [get_aval(x) for x in leaves], "checkpoint")
        params = dict(policy=policy, prevent_cse=prevent_cse, differentiated=False)
        outs = _bind([*consts, *leaves], body, params)
        return tree_util.tree_unflatten(flat.out_tree, outs)

    return remat_fun


remat = checkpoint


# ---- saved_residuals -----------------------------------------------------------------------------------


class SavedResidual(NamedTuple):
    """One value the backward pass keeps: its type, size, and where it comes from."""

    aval: core.ShapedArray
    nbytes: int
    source: str  # "argument args[0]", "sin", or "constant"
    source_info: core.SourceInfo | None
    saved_by_policy: bool

    def __str__(self):
        where = f" at {self.source_info}" if self.source_info is not None else ""
        return f"{self.aval.str_short()} from {self.source}{where}"


def saved_residuals(fun: Callable, *args, **kwargs) -> list[SavedResidual]:
    """Every value reverse mode keeps from ``fun``'s forward pass for its backward pass.

    Each entry gives the value's shape and dtype, its size in bytes, the primitive (or argument) that
    produced it with the user's source line, and whether a ``checkpoint`` policy chose to save it.

    >>> import fungrad, fungrad.numpy as fnp
    >>> rows = fungrad.saved_residuals(lambda x: fnp.sum(fnp.sin(x)), fnp.ones(3, "float32"))
    >>> [(r.aval.str_short(), r.source) for r in rows]
    [('f32[3]', 'cos')]
    """
    leaves, in_tree = flatten_args((args, kwargs), "saved_residuals")
    names = _path_names(args, "args") + _path_names(kwargs, "kwargs")
    flat = core.flatten_fun(lambda a, k: fun(*a, **k), in_tree)
    outer = StagingTrace(name="saved_residuals")
    inputs = [outer.new_arg(get_aval(x), n) for x, n in zip(leaves, names)]
    _tracking.saved = saved = set()
    try:
        with core.tracing(outer):
            _, linear = ad.linearize_flat(flat, inputs, name="saved_residuals")
    finally:
        _tracking.saved = None
    closed = prune_constvars(ClosedIR(dce(linear.closed.ir), linear.closed.consts))
    found = []
    for value in closed.consts:
        aval = get_aval(value)
        nbytes = int(aval.size * np.dtype(aval.dtype).itemsize)
        if isinstance(value, StagingTracer) and value._trace is outer:
            if value.var in outer.arg_names:
                source, info = f"argument {outer.arg_names[value.var]}", None
            else:
                eqn = outer.producers[value.var]
                source, info = eqn.primitive.name, eqn.source_info
        else:
            source, info = "constant", None
        found.append(SavedResidual(aval, nbytes, source, info, id(value) in saved))
    return found


def print_saved_residuals(fun: Callable, *args, **kwargs) -> None:
    """Print :func:`saved_residuals` as a table with the total size.

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.print_saved_residuals(lambda x: fnp.sum(fnp.sin(x)), fnp.ones(3, dtype="float32"))  # doctest: +ELLIPSIS
    #  residual  bytes  produced by  source ...
    0  f32[3]       12  cos          ...
    total: 1 residual, 12 bytes
    """
    rows = saved_residuals(fun, *args, **kwargs)
    table = [("#", "residual", "bytes", "produced by", "source", "policy")]
    for i, r in enumerate(rows):
        where = str(r.source_info) if r.source_info is not None else "-"
        table.append((str(i), r.aval.str_short(), str(r.nbytes), r.source, where, "saved" if r.saved_by_policy else ""))
    widths = [max(len(row[c]) for row in table) for c in range(6)]
    for row in table:
        cells = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2])]
        cells += [row[c].ljust(widths[c]) for c in (3, 4, 5)]
        print("  ".join(cells).rstrip())
    total = sum(r.nbytes for r in rows)
    print(f"total: {len(rows)} residual{'s' if len(rows) != 1 else ''}, {total} bytes")
