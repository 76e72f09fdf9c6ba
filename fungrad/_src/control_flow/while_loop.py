"""``while_loop``: repeat a body while a predicate holds; with ``max_steps``, reverse-differentiable.

Contract. ``while_p`` takes ``(*cond_consts, *body_consts, *init)`` and two const-free sub-IRs:
``cond`` ``(cond_consts, carry) -> bool[]`` and ``body`` ``(body_consts, carry) -> carry``.
``max_steps`` (None or an int) bounds the iterations; a loop that would need more is an error at run
time (a host callback raises; eagerly it is a :class:`~fungrad._src.core.FungradError`), never a
silently truncated result.

* jvp: ``ad.jvp_ir`` of the body to a fixed point over which carries have nonzero tangents; the
  predicate ignores tangents;
* partial evaluation: carries that do not depend on unknown values run now in a known loop. Without
  ``max_steps`` the unknown loop recomputes everything (forward mode and ``linearize`` work; reverse
  mode fails at the transpose with an error naming the fixes). With ``max_steps=N`` the loop becomes
  a ``scan`` of N steps, each a ``cond`` that runs the body only while the loop is still going, so
  the scan's own rules give reverse mode: exact gradients, residuals O(N x carry);
* batching: a batched predicate runs the loop until every example is done, keeping finished examples
  frozen with ``select_n`` (all carries become batched);
* lowering: ``jax.lax.while_loop``.
"""

from __future__ import annotations

import functools
import weakref

import jax
import numpy as np
from jax import lax, tree_util

from fungrad._src import ad, batching, core, staging
from fungrad._src.ad import Zero
from fungrad._src.control_flow.common import (
    avals_of,
    carry_fixed_point,
    describe_avals,
    flatten_operands,
    insert_inputs,
    merge,
    permute,
    split_list,
    trace_body,
)
from fungrad._src.control_flow.cond import cond
from fungrad._src.control_flow.scan import scan
from fungrad._src.core import FungradError, FungradTypeError, Primitive, get_aval
from fungrad._src.ir import dce_ir, def_effectful, eval_ir
from fungrad._src.lowering import lower_ir
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout, reductions
from fungrad._src.staging import trace_to_subir

while_p = Primitive("while", multiple_results=True)


def _bind(cond_consts, body_consts, init, cond_ir, body_ir, max_steps):
    return while_p.bind(
        *cond_consts,
        *body_consts,
        *init,
        cond=cond_ir,
        body=body_ir,
        cond_nconsts=len(cond_consts),
        body_nconsts=len(body_consts),
        max_steps=max_steps,
    )


def _split_args(args, cond_nconsts, body_nconsts):
    return split_list(args, [cond_nconsts, body_nconsts, len(args) - cond_nconsts - body_nconsts])


def _while_abstract_eval(*avals, cond, body, cond_nconsts, body_nconsts, max_steps):
    return avals[cond_nconsts + body_nconsts :]


def _while_lowering(*args, cond, body, cond_nconsts, body_nconsts, max_steps):
    if max_steps is None:
        cc, bc, init = _split_args(args, cond_nconsts, body_nconsts)
        return lax.while_loop(
            lambda carry: lower_ir(cond, (), [*cc, *carry])[0], lambda carry: lower_ir(body, (), [*bc, *carry]), init
        )
    *out, overflow = _bounded_while(
        *args, cond=cond, body=body, cond_nconsts=cond_nconsts, body_nconsts=body_nconsts, max_steps=max_steps
    )
    _overflow_lowering(overflow, max_steps=max_steps)
    return out


def _bounded_while(*args, cond, body, cond_nconsts, body_nconsts, max_steps):
    """The loop stopped after ``max_steps`` iterations, and whether it wanted to go on (overflow)."""
    cc, bc, init = _split_args(args, cond_nconsts, body_nconsts)
    pred = lambda carry: lower_ir(cond, (), [*cc, *carry])[0]  # noqa: E731
    _, out = lax.while_loop(
        lambda s: lax.bitwise_and(s[0] < max_steps, pred(s[1])),
        lambda s: (s[0] + 1, lower_ir(body, (), [*bc, *s[1]])),
        (0, init),
    )
    return [*out, pred(out)]


_eager_bounded = weakref.WeakKeyDictionary()  # body IR -> compiled bounded loop (lives with the IR)


def _while_impl(*args, **params):
    """Eagerly, an overflow raises in Python (no host callback inside the compiled loop)."""
    if params["max_steps"] is None:
        return core.eager_impl(while_p, params)(*args)
    key = (params["cond"], params["cond_nconsts"], params["body_nconsts"], params["max_steps"])
    compiled = _eager_bounded.get(params["body"], {}).get(key)
    if compiled is None:
        compiled = jax.jit(functools.partial(_bounded_while, **params))
        _eager_bounded.setdefault(params["body"], {})[key] = compiled
    *out, overflow = compiled(*args)
    _raise_overflow(overflow, params["max_steps"])
    return out


core.def_abstract_eval(while_p, _while_abstract_eval)
core.def_lowering(while_p, _while_lowering)
core.def_impl(while_p, _while_impl)
ad.def_not_transposable(
    while_p,
    "reverse-mode differentiation (grad/vjp) of while_loop needs a bound on its iterations: pass "
    "while_loop(..., max_steps=N), or use fori_loop with a static trip count, or scan",
)

# ``bound_check(overflow)``: the loop wanted more than ``max_steps`` iterations. An effect (never
# removed as dead code): eagerly it raises, in a compiled program a host callback raises.
bound_check_p = Primitive("while_bound_check", multiple_results=True)


def _overflow_message(max_steps) -> str:
    return (
        f"[while_loop] the loop did not finish within max_steps={int(max_steps)} iterations; raise max_steps "
        "(gradients are exact only when the loop ends within the bound)"
    )


def _raise_overflow(overflow, max_steps):
    if bool(overflow):
        raise FungradError(_overflow_message(max_steps))


def _overflow_lowering(overflow, *, max_steps):
    def report():
        jax.debug.callback(_raise_overflow, True, max_steps)

    lax.cond(overflow, report, lambda: None)
    return []


def _bound_check_impl(overflow, *, max_steps):
    _raise_overflow(overflow, max_steps)
    return []


def _bound_check_batch(args, dims, *, max_steps):
    (overflow,), (d,) = args, dims
    any_overflow = reductions.reduce_max(ew.convert_element_type(overflow, np.int32), (d,))
    return bound_check_p.bind(ew.gt(any_overflow, np.int32(0)), max_steps=max_steps), []


core.def_abstract_eval(bound_check_p, lambda overflow, *, max_steps: [])
core.def_lowering(bound_check_p, _overflow_lowering)
core.def_impl(bound_check_p, _bound_check_impl)
def_effectful(bound_check_p)
ad.defjvp_zero(bound_check_p)
batching.def_batching(bound_check_p, _bound_check_batch)


# ---- jvp -------------------------------------------------------------------------------------------


def _while_jvp(primals, tangents, *, cond, body, cond_nconsts, body_nconsts, max_steps):
    cc, bc, init = _split_args(primals, cond_nconsts, body_nconsts)
    _, t_bc, t_init = _split_args(tangents, cond_nconsts, body_nconsts)
    c_nz = [type(t) is not Zero for t in t_bc]
    k_nz = [type(t) is not Zero for t in t_init]
    r, k_nz = carry_fixed_point(k_nz, lambda k: ad.jvp_ir(body, tuple(c_nz + k), tuple(k)), lambda r: r.out_nonzero)
    t_bc = [t for t in t_bc if type(t) is not Zero]
    t_init = [ad.instantiate(t) for t, nz in zip(t_init, k_nz) if nz]
    nr, nb, nk = len(r.consts), len(bc), len(init)
    # jvp_ir: (rewrite consts, body consts, carry, body-const tangents, carry tangents) ->
    # while body: (consts + const tangents, carry + carry tangents)
    in_order = [*range(nr + nb), *range(nr + nb + nk, nr + nb + nk + len(t_bc)), *range(nr + nb, nr + nb + nk)]
    in_order += range(nr + nb + nk + len(t_bc), len(r.ir.invars))
    cond_ir = insert_inputs(cond, len(cond.invars), [get_aval(t) for t in t_init])
    outs = _bind(cc, [*r.consts, *bc, *t_bc], [*init, *t_init], cond_ir, permute(r.ir, in_order), max_steps)
    zeros = [Zero(get_aval(x).to_tangent_aval()) for x in init]
    return outs[:nk], merge(k_nz, outs[nk:], zeros)


ad.def_jvp(while_p, _while_jvp)


# ---- partial evaluation ------------------------------------------------------------------------------


def _while_partial_eval(trace, args, params):
    cond_ir, body_ir = params["cond"], params["body"]
    ncc, nbc, max_steps = params["cond_nconsts"], params["body_nconsts"], params["max_steps"]
    unknown = [trace.is_own(a) for a in args]
    cc_uk, bc_uk, k_uk = _split_args(unknown, ncc, nbc)
    _, k_uk = carry_fixed_point(
        k_uk, lambda k: ad.partial_eval_ir(body_ir, tuple(bc_uk + k), tuple(k)), lambda split: split.out_unknown
    )
    if max_steps is not None:  # reverse-differentiable: a bounded scan of conds, partially evaluated by scan
        return _as_bounded_scan(args, cond_ir, body_ir, ncc, nbc, max_steps)
    if ad.partial_eval_ir(cond_ir, tuple(cc_uk + k_uk)).out_unknown[0] or all(k_uk):
        return trace.stage(while_p, args, params)
    # Carries that need only known values run now; the staged loop recomputes everything.
    cc, bc, init = _split_args(args, ncc, nbc)
    keep_k = tuple(not u for u in k_uk)
    body_known, used_b = dce_ir(body_ir, keep_k, (False,) * nbc + keep_k)
    cond_known, used_c = dce_ir(cond_ir, (True,), (False,) * ncc + keep_k)
    known_init = [x for x, u in zip(init, k_uk) if not u]
    known_outs = core.bind_with_parent(
        trace,
        while_p,
        [*(c for c, u in zip(cc, used_c) if u), *(c for c, u in zip(bc, used_b) if u), *known_init],
        dict(params, cond=cond_known, body=body_known, cond_nconsts=sum(used_c[:ncc]), body_nconsts=sum(used_b[:nbc])),
    )
    staged = trace.stage(while_p, args, params)
    return merge(k_uk, [s for s, u in zip(staged, k_uk) if u], known_outs)


def _as_bounded_scan(args, cond_ir, body_ir, ncc, nbc, max_steps):
    cc, bc, init = _split_args(args, ncc, nbc)

    def step(state, _):
        going, carry = state
        going = ew.bind(ew.and_p, going, eval_ir(cond_ir, (), [*cc, *carry])[0])
        carry = cond(going, lambda c: eval_ir(body_ir, (), [*bc, *c]), lambda c: list(c), carry)
        return (going, carry), None

    (going, out), _ = scan(step, (np.bool_(True), list(init)), None, length=max_steps)
    bound_check_p.bind(ew.bind(ew.and_p, going, eval_ir(cond_ir, (), [*cc, *out])[0]), max_steps=max_steps)
    return out


staging.def_partial_eval(while_p, _while_partial_eval)


# ---- batching ----------------------------------------------------------------------------------------


def _while_batch(args, dims, *, cond, body, cond_nconsts, body_nconsts, max_steps):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    cc, bc, init = _split_args(args, cond_nconsts, body_nconsts)
    cc_d, bc_d, k_d = _split_args(dims, cond_nconsts, body_nconsts)

    def rewrite(k_b):
        carry_dims = tuple(0 if b else None for b in k_b)
        pred_batched = batching.batch_ir(cond, size, (*cc_d, *carry_dims)).out_dims[0] is not None
        if pred_batched:  # finished examples must be frozen per example: every carry is batched
            return None, [True] * len(k_b)
        r = batching.batch_ir(body, size, (*bc_d, *carry_dims), tuple(k_b))
        return r, [d is not None for d in r.out_dims]

    (r, _), k_b = carry_fixed_point([d is not None for d in k_d], rewrite, lambda result: result[1])
    pred_batched = r is None
    carry_dims = tuple(0 if b else None for b in k_b)
    if pred_batched:  # every carry batched, so the body's pattern is known
        r = batching.batch_ir(body, size, (*bc_d, *carry_dims), tuple(k_b))
    init = [batching.move_to(x, d, 0, size) if b else x for x, d, b in zip(init, k_d, k_b)]
    rc = batching.batch_ir(cond, size, (*cc_d, *carry_dims))
    if not pred_batched:
        outs = _bind([*rc.consts, *cc], [*r.consts, *bc], init, rc.ir, r.ir, max_steps)
        return outs, list(carry_dims)
    n_cc = len(rc.consts) + len(cc)

    def any_going(*xs):
        going = eval_ir(rc.ir, (), xs)[0]
        return [ew.gt(reductions.reduce_max(ew.convert_element_type(going, np.int32), (0,)), np.int32(0))]

    def step_going(*xs):  # examples whose predicate is false keep their carry
        c_consts, b_consts, carry = split_list(xs, [n_cc, len(r.consts) + len(bc), len(init)])
        going = eval_ir(rc.ir, (), [*c_consts, *carry])[0]
        new = eval_ir(r.ir, (), [*b_consts, *carry])
        return [ew.select_n(layout.broadcast_in_dim(going, get_aval(c).shape, (0,)), c, n) for c, n in zip(carry, new)]

    c_avals = avals_of([*rc.consts, *cc])
    b_avals = avals_of([*rc.consts, *cc, *r.consts, *bc])
    cond_sub, cond_consts = trace_to_subir(any_going, c_avals + avals_of(init), "vmap")
    body_sub, body_consts = trace_to_subir(step_going, b_avals + avals_of(init), "vmap")
    outs = _bind(
        [*cond_consts, *rc.consts, *cc],
        [*body_consts, *rc.consts, *cc, *r.consts, *bc],
        init,
        cond_sub,
        body_sub,
        max_steps,
    )
    return outs, [0] * len(init)


batching.def_batching(while_p, _while_batch)


# ---- user-facing function ----------------------------------------------------------------------------


def while_loop(cond_fun, body_fun, init_val, *, max_steps: int | None = None):
    """Repeat ``val = body_fun(val)`` while ``cond_fun(val)``; returns the final ``val``.

    Semantics (as ``jax.lax.while_loop``), staged as one loop::

        while cond_fun(val):
            val = body_fun(val)

    Forward mode (``jvp``, ``jacfwd``) and ``vmap`` work as in JAX. Reverse mode does not in JAX; in
    fungrad (an extension), ``max_steps=N`` makes the loop reverse-differentiable: it records at most
    N iterations (exact gradients whenever the loop ends within N steps; memory grows with N), and a
    loop that would need more iterations raises an error when it runs, in every mode.

    Args:
        cond_fun: ``val -> bool`` scalar.
        body_fun: ``val -> val`` of the same structure, shapes and dtypes.
        init_val: the initial value (a pytree of arrays).
        max_steps: an optional static bound on the number of iterations.

    >>> import fungrad, fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> halve = lambda x: lax.while_loop(lambda v: v > 1.0, lambda v: v / 2.0, x, max_steps=20)
    >>> float(halve(10.0)), float(fungrad.grad(halve)(10.0))
    (0.625, 0.0625)
    """
    init_leaves, tree = flatten_operands(init_val, "while_loop", "init_val")
    avals = avals_of(init_leaves)
    if max_steps is not None:
        max_steps = int(core.to_concrete_value(max_steps))
        if max_steps < 0:
            raise FungradTypeError(f"[while_loop] max_steps must be >= 0, got {max_steps}")
    cond_ir, cond_consts, cond_tree = trace_body(cond_fun, tree_util.tree_structure((init_val,)), avals, "while_loop")
    if cond_tree.num_leaves != 1 or cond_ir.out_avals[0].shape != () or cond_ir.out_avals[0].dtype != np.bool_:
        got = describe_avals(cond_ir.out_avals, cond_tree)
        raise FungradTypeError(f"[while_loop] cond_fun must return a boolean scalar, got {got}")
    body_ir, body_consts, body_tree = trace_body(body_fun, tree_util.tree_structure((init_val,)), avals, "while_loop")
    if body_tree != tree or any(a.shape != b.shape or a.dtype != b.dtype for a, b in zip(avals, body_ir.out_avals)):
        raise FungradTypeError(
            "[while_loop] body_fun must return a value of the same structure, shapes and dtypes as init_val: "
            f"init_val is {describe_avals(avals, tree)}, "
            f"body_fun returns {describe_avals(body_ir.out_avals, body_tree)}"
        )
    outs = _bind(cond_consts, body_consts, init_leaves, cond_ir, body_ir, max_steps)
    return tree_util.tree_unflatten(tree, outs)
