"""``cond`` and ``switch``: run one of several branches, chosen by an integer index.

Contract. ``cond_p`` takes ``(index, *operands)`` and a tuple of ``branches``, const-free sub-IRs
that all take every operand (each branch's own constants are joined in front of the operands, see
:func:`~fungrad._src.control_flow.common.join_consts`) and return outputs of one type. Every rule
rewrites each branch with the toolkit and makes the branches agree again:

* jvp: ``ad.jvp_ir`` per branch, nonzero output tangents forced to the union over branches;
* partial evaluation: ``ad.partial_eval_ir`` per branch with unknown outputs forced to the union;
  the known ``cond`` returns every branch's residuals (zeros for the branches not taken) and the
  staged ``cond`` picks the ones its branch needs. A staged (unknown) index stages the whole cond;
* transpose: ``ad.transpose_ir`` per branch, every linear operand's cotangent instantiated;
* batching: an unbatched index batches each branch (batched outputs forced to the union). A batched
  index cannot choose one branch per example inside one program, so every branch runs and
  ``select_n`` picks per example; that call is marked in the IR as a ``jit`` named
  ``vmap_cond_all_branches`` and, with ``config.warn_batched_cond``, warned about;
* lowering: ``jax.lax.switch``.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from jax import lax, tree_util

from fungrad._src import ad, batching, core, staging
from fungrad._src.ad import Zero
from fungrad._src.config import config
from fungrad._src.control_flow.common import (
    avals_of,
    describe_avals,
    flatten_operands,
    insert_inputs,
    join_consts,
    merge,
    same_types,
    trace_body,
)
from fungrad._src.core import FungradTypeError, Primitive, get_aval
from fungrad._src.ir import dce_ir, def_dce, eval_ir
from fungrad._src.jit import call_jit
from fungrad._src.lowering import lower_ir
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout
from fungrad._src.staging import trace_to_subir

cond_p = Primitive("cond", multiple_results=True, linear=True)


def _bind(index, consts, operands, branches):
    return cond_p.bind(index, *consts, *operands, branches=tuple(branches))


def _cond_abstract_eval(index, *avals, branches):
    if index.shape != () or index.dtype != np.int32:
        raise FungradTypeError(f"cond: the branch index must be an int32 scalar, got {index.str_short()}")
    outs = branches[0].out_avals
    weak = [all(b.out_avals[i].weak_type for b in branches) for i in range(len(outs))]
    return [a if w else a.strip_weak_type() for a, w in zip(outs, weak)]


def _cond_lowering(index, *args, branches):
    outs = lax.switch(index, [functools.partial(_lower_branch, b) for b in branches], *args)
    return list(outs)


def _lower_branch(branch, *args):
    return lower_ir(branch, (), args)


core.def_abstract_eval(cond_p, _cond_abstract_eval)
core.def_lowering(cond_p, _cond_lowering)


# ---- jvp -------------------------------------------------------------------------------------------


def _cond_jvp(primals, tangents, *, branches):
    index, *ops = primals
    nonzero = tuple(type(t) is not Zero for t in tangents[1:])
    out_nonzero = tuple(np.any([ad.jvp_ir(b, nonzero).out_nonzero for b in branches], axis=0).tolist())
    rewritten = [ad.jvp_ir(b, nonzero, out_nonzero) for b in branches]
    joined, consts = join_consts([(r.ir, r.consts) for r in rewritten])
    nonzero_tangents = [t for t in tangents[1:] if type(t) is not Zero]
    outs = _bind(index, consts, [*ops, *nonzero_tangents], joined)
    n = len(branches[0].outvars)
    avals = [get_aval(o).to_tangent_aval() for o in outs[:n]]
    return outs[:n], merge(rewritten[0].out_nonzero, outs[n:], [Zero(a) for a in avals])


ad.def_jvp(cond_p, _cond_jvp)


# ---- partial evaluation ------------------------------------------------------------------------------


def _cond_partial_eval(trace, args, params):
    branches = params["branches"]
    index, *ops = args
    if trace.is_own(index):  # which branch runs is not known yet: everything waits
        return trace.stage(cond_p, args, params)
    unknown = tuple(trace.is_own(a) for a in ops)
    out_unknown = tuple(np.any([ad.partial_eval_ir(b, unknown).out_unknown for b in branches], axis=0).tolist())
    splits = [ad.partial_eval_ir(b, unknown, out_unknown) for b in branches]
    res_avals = [s.residual_avals for s in splits]
    known_ops = [a for a, u in zip(ops, unknown) if not u]

    def known_branch(i, *xs):
        outs, residuals = ad.run_known(splits[i], list(xs), lambda sub, operands: eval_ir(sub, (), operands))
        every = [residuals if j == i else [ad.zeros_like_aval(a) for a in avals] for j, avals in enumerate(res_avals)]
        return [*outs, *(r for rs in every for r in rs)]

    known_avals = avals_of(known_ops)
    known = [trace_to_subir(functools.partial(known_branch, i), known_avals, "cond") for i in range(len(splits))]
    joined, consts = join_consts(known)
    results = core.bind_with_parent(trace, cond_p, [index, *consts, *known_ops], dict(branches=tuple(joined)))
    n_known = splits[0].n_known_outs
    known_outs, residuals = results[:n_known], results[n_known:]

    counts = [len(a) for a in res_avals]
    unknown_branches = []
    for i, s in enumerate(splits):  # branch i reads its own residuals out of everyone's
        before = [a for j in range(i) for a in res_avals[j]]
        widened = insert_inputs(s.unknown, 0, before)
        after = [a for j in range(i + 1, len(splits)) for a in res_avals[j]]
        unknown_branches.append(insert_inputs(widened, sum(counts[: i + 1]), after))
    staged = trace.stage(
        cond_p,
        [index, *residuals, *(a for a, u in zip(ops, unknown) if u)],
        dict(branches=tuple(unknown_branches)),
    )
    return merge(out_unknown, staged, known_outs)


staging.def_partial_eval(cond_p, _cond_partial_eval)


# ---- transpose ---------------------------------------------------------------------------------------


def _cond_transpose(cts, index, *ops, branches):
    if ad.is_undefined(index):
        raise FungradTypeError("[vjp] cond is not linear in its branch index")
    linear = tuple(ad.is_undefined(a) for a in ops)
    ct_nonzero = tuple(type(c) is not Zero for c in cts)
    if not any(ct_nonzero):
        return [None] * (1 + len(ops))
    rewritten = [ad.transpose_ir(b, linear, ct_nonzero, True) for b in branches]
    joined, consts = join_consts([(r.ir, r.consts) for r in rewritten])
    residuals = [a for a, lin in zip(ops, linear) if not lin]
    outs = _bind(index, consts, [*residuals, *(c for c in cts if type(c) is not Zero)], joined)
    return [None, *merge(linear, outs, [None] * len(ops))]


ad.def_transpose(cond_p, _cond_transpose)


# ---- batching ----------------------------------------------------------------------------------------


def _cond_batch(args, dims, *, branches):
    index, *ops = args
    index_dim, *op_dims = dims
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    if index_dim is None:
        natural = [batching.batch_ir(b, size, tuple(op_dims)).out_dims for b in branches]
        force = tuple(any(d[k] is not None for d in natural) for k in range(len(natural[0])))
        rewritten = [batching.batch_ir(b, size, tuple(op_dims), force) for b in branches]
        joined, consts = join_consts([(r.ir, r.consts) for r in rewritten])
        return _bind(index, consts, ops, joined), [0 if f else None for f in force]
    return _all_branches(index, index_dim, ops, op_dims, size, branches), [0] * len(branches[0].outvars)


def _all_branches(index, index_dim, ops, op_dims, size, branches):
    """A batched index: run every branch on the whole batch and pick per example with select_n."""
    rewritten = [batching.batch_ir(b, size, tuple(op_dims), True) for b in branches]
    if config.warn_batched_cond:
        counts = ", ".join(f"branch {i}: {len(b.eqns)} equations" for i, b in enumerate(branches))
        warnings.warn(
            f"[vmap] cond/switch at {core.user_source_info()} has a batched predicate, so every branch runs "
            f"for every example ({counts}); make the predicate unbatched to run one branch",
            stacklevel=2,
        )

    def select_all(which, *xs):
        which = layout.bdim_to_front(which, index_dim)
        per_branch = [eval_ir(r.ir, (), [*r.consts, *xs]) for r in rewritten]
        return [
            ew.select_n(layout.broadcast_in_dim(which, get_aval(outs[0]).shape, (0,)), *outs)
            for outs in zip(*per_branch)
        ]

    sub, consts = trace_to_subir(select_all, avals_of([index, *ops]), "vmap")
    return call_jit(sub, consts, [index, *ops], "vmap_cond_all_branches")


batching.def_batching(cond_p, _cond_batch)


# ---- dead-code elimination: drop outputs nobody uses and operands no branch reads --------------------


def _cond_dce(used_outputs, eqn):
    branches = eqn.params["branches"]
    used = tuple(np.any([dce_ir(b, tuple(used_outputs))[1] for b in branches], axis=0).tolist())
    pruned = tuple(dce_ir(b, tuple(used_outputs), used)[0] for b in branches)
    index, *ops = eqn.inputs
    new = eqn._replace(
        inputs=(index, *(a for a, u in zip(ops, used) if u)),
        outputs=tuple(v for v, u in zip(eqn.outputs, used_outputs) if u),
        params={**eqn.params, "branches": pruned},
    )
    return [True, *used], new


def_dce(cond_p, _cond_dce)


# ---- user-facing functions ---------------------------------------------------------------------------


def switch(index, branches, *operands):
    """Apply ``branches[index](*operands)``, with ``index`` clamped to ``[0, len(branches) - 1]``.

    Only the chosen branch runs (under ``vmap`` with a per-example index, every branch runs and the
    results are selected per example). Every branch must return outputs of one structure and type.

    Args:
        index: an integer scalar (may be traced).
        branches: a sequence of functions of ``*operands``.
        *operands: pytrees of arrays passed to the chosen branch.

    >>> import fungrad, fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> f = lambda i, x: lax.switch(i, [fnp.sin, fnp.cos, lambda x: -x], x)
    >>> round(float(f(1, 0.0)), 3), round(float(f(7, 2.0)), 3)
    (1.0, -2.0)
    >>> round(float(fungrad.grad(f, argnums=1)(0, 0.0)), 3)
    1.0
    """
    branches = list(branches)
    if not branches:
        raise FungradTypeError("[switch] needs at least one branch")
    aval = get_aval(index)
    if aval.shape != () or aval.dtype.kind not in "iub":
        raise FungradTypeError(f"[switch] the index must be an integer scalar, got {aval.str_short()}")
    index = ew.convert_element_type(index, np.int32)
    if len(branches) > 1:  # clamped, as in jax.lax.switch
        index = ew.minimum(ew.maximum(index, np.int32(0)), np.int32(len(branches) - 1))
    return _run_branches("switch", index, branches, operands, [f"branch {i}" for i in range(len(branches))])


def cond(pred, true_fun, false_fun, *operands):
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, as one staged branch.

    Unlike a Python ``if``, ``pred`` may be traced (under ``jit``, ``grad``, ``vmap``), and only one
    branch runs. Both branches must return outputs of one structure and type.

    Args:
        pred: a boolean or numeric scalar (nonzero means true).
        true_fun, false_fun: functions of ``*operands``.
        *operands: pytrees of arrays.

    >>> import fungrad, fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> relu_ish = lambda x: lax.cond(x > 0, lambda x: x * x, lambda x: 0.0 * x, x)
    >>> float(relu_ish(3.0)), float(fungrad.grad(relu_ish)(3.0)), float(relu_ish(-1.0))
    (9.0, 6.0, -0.0)
    """
    aval = get_aval(pred)
    if aval.shape != ():
        raise FungradTypeError(
            f"[cond] the predicate must be a scalar, got {aval.str_short()}: for elementwise choices use "
            "fungrad.numpy.where; under vmap, a per-example predicate is fine"
        )
    if aval.dtype.kind not in "biuf":
        raise FungradTypeError(f"[cond] the predicate must be boolean or numeric, got {aval.str_short()}")
    truth = pred if aval.dtype == np.bool_ else ew.ne(pred, ew.scalar(0, pred))
    index = ew.convert_element_type(truth, np.int32)
    return _run_branches("cond", index, [false_fun, true_fun], operands, ["false_fun", "true_fun"])


def _run_branches(transform, index, funs, operands, names):
    ops, in_tree = flatten_operands(tuple(operands), transform, "operands")
    avals = avals_of(ops)
    traced = [trace_body(lambda *xs, f=f: f(*xs), in_tree, avals, transform) for f in funs]
    out_tree = traced[0][2]
    for name, (sub, _, tree) in zip(names[1:], traced[1:]):
        first = traced[0][0].out_avals
        if tree != out_tree or not all(same_types(a, b) for a, b in zip(first, sub.out_avals)):
            raise FungradTypeError(
                f"[{transform}] every branch must return the same structure and types: {names[0]} returns "
                f"{describe_avals(first, out_tree)}, {name} returns {describe_avals(sub.out_avals, tree)}"
            )
    joined, consts = join_consts([(sub, c) for sub, c, _ in traced])
    return tree_util.tree_unflatten(out_tree, _bind(index, consts, ops, joined))
