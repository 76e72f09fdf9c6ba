"""``scan``: a loop with a carry, over the leading axis of its inputs, that stays one loop.

Contract. ``scan_p`` takes ``(*consts, *init, *xs)`` and a const-free ``body``: ``(consts, carry,
x slices) -> (carry, y slices)``; it returns ``(*final carry, *ys)`` with the ys stacked along a new
leading axis of size ``length``. Each rule rewrites the body with the toolkit once per call pattern
(cached on the body's identity), iterating to a fixed point over the carries:

* jvp: ``ad.jvp_ir``; a carry's tangent is nonzero if its initial tangent or the body makes it so;
* partial evaluation (reverse mode): ``ad.partial_eval_ir`` splits the body; the known scan runs now
  and returns, stacked, the residuals the unknown scan needs. Residuals that are the scan's own
  constants or xs are passed along, not stacked again;
* transpose: ``ad.transpose_ir`` of the body, run as a scan in the other direction whose carry holds
  the carried cotangents and the accumulated cotangents of the linear constants;
* batching: ``batching.batch_ir`` with batched carries at axis 0 and xs batched at axis 1;
* lowering: ``jax.lax.scan`` (one XLA loop).
"""

from __future__ import annotations

import functools

import numpy as np
from jax import lax, tree_util

from fungrad._src import ad, batching, core, staging
from fungrad._src.ad import Zero
from fungrad._src.control_flow.common import (
    avals_of,
    carry_fixed_point,
    describe_avals,
    flatten_operands,
    merge,
    permute,
    split_list,
    trace_body,
)
from fungrad._src.core import FungradTypeError, Primitive, get_aval
from fungrad._src.ir import Var, dce_ir, def_dce, eval_ir
from fungrad._src.lowering import lower_ir
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout
from fungrad._src.staging import trace_to_subir

scan_p = Primitive("scan", multiple_results=True, linear=True)


def _bind(consts, init, xs, body, length, reverse, unroll):
    return scan_p.bind(
        *consts,
        *init,
        *xs,
        body=body,
        num_consts=len(consts),
        num_carry=len(init),
        length=length,
        reverse=reverse,
        unroll=unroll,
    )


def _split_args(args, num_consts, num_carry):
    return split_list(args, [num_consts, num_carry, len(args) - num_consts - num_carry])


def _scan_abstract_eval(*avals, body, num_consts, num_carry, length, reverse, unroll):
    outs = body.out_avals
    ys = [a.update_shape((length, *a.shape)) for a in outs[num_carry:]]
    return [*outs[:num_carry], *ys]


def _scan_lowering(*args, body, num_consts, num_carry, length, reverse, unroll):
    consts, init, xs = _split_args(args, num_consts, num_carry)

    def step(carry, x):
        outs = lower_ir(body, (), [*consts, *carry, *x])
        return outs[:num_carry], outs[num_carry:]

    carry, ys = lax.scan(step, init, xs, length=length, reverse=reverse, unroll=unroll)
    return [*carry, *ys]


core.def_abstract_eval(scan_p, _scan_abstract_eval)
core.def_lowering(scan_p, _scan_lowering)


# ---- jvp -------------------------------------------------------------------------------------------


def _scan_jvp(primals, tangents, *, body, num_consts, num_carry, length, reverse, unroll):
    nonzero = [type(t) is not Zero for t in tangents]
    c_nz, k_nz, x_nz = _split_args(nonzero, num_consts, num_carry)
    n_ys = len(body.outvars) - num_carry
    r, k_nz = carry_fixed_point(
        k_nz,
        lambda k: ad.jvp_ir(body, tuple(c_nz + k + x_nz), tuple(k) + (False,) * n_ys),
        lambda r: r.out_nonzero[:num_carry],
    )
    consts, init, xs = _split_args(primals, num_consts, num_carry)
    t_consts, t_init, t_xs = _split_args(tangents, num_consts, num_carry)
    t_consts = [t for t in t_consts if type(t) is not Zero]
    t_init = [ad.instantiate(t) for t, nz in zip(t_init, k_nz) if nz]
    t_xs = [t for t in t_xs if type(t) is not Zero]
    # jvp_ir's layout is (rewrite consts, primals, tangents) -> (primal outs, tangent outs); scan's
    # is (consts, carry, xs) -> (carry, ys): put each tangent group beside its primal group.
    nr, n = len(r.consts), len(primals)
    counts = [num_consts, num_carry, n - num_consts - num_carry]
    t_counts = [len(t_consts), len(t_init), len(t_xs)]
    p_start = np.cumsum([nr, *counts[:-1]])
    t_start = np.cumsum([nr + n, *t_counts[:-1]])
    in_order = list(range(nr))
    for g in range(3):
        in_order += list(range(p_start[g], p_start[g] + counts[g]))
        in_order += list(range(t_start[g], t_start[g] + t_counts[g]))
    y_nz = r.out_nonzero[num_carry:]
    n_out = len(body.outvars)
    n_tk = sum(k_nz)
    out_order = [
        *range(num_carry),
        *range(n_out, n_out + n_tk),
        *range(num_carry, n_out),
        *range(n_out + n_tk, n_out + n_tk + sum(y_nz)),
    ]
    outs = _bind(
        [*r.consts, *consts, *t_consts],
        [*init, *t_init],
        [*xs, *t_xs],
        permute(r.ir, in_order, out_order),
        length,
        reverse,
        unroll,
    )
    carry, t_carry, ys, t_ys = split_list(outs, [num_carry, n_tk, n_ys, sum(y_nz)])
    zeros = [Zero(get_aval(o).to_tangent_aval()) for o in outs]
    return [*carry, *ys], [*merge(k_nz, t_carry, zeros[:num_carry]), *merge(y_nz, t_ys, zeros[num_carry:])]


ad.def_jvp(scan_p, _scan_jvp)


# ---- partial evaluation ------------------------------------------------------------------------------


def _scan_partial_eval(trace, args, params):
    body, num_consts, num_carry = params["body"], params["num_consts"], params["num_carry"]
    unknown = [trace.is_own(a) for a in args]
    c_uk, k_uk, x_uk = _split_args(unknown, num_consts, num_carry)
    n_ys = len(body.outvars) - num_carry
    split, k_uk = carry_fixed_point(
        k_uk,
        lambda k: ad.partial_eval_ir(body, tuple(c_uk + k + x_uk), tuple(k) + (False,) * n_ys),
        lambda split: split.out_unknown[:num_carry],
    )
    unknown = c_uk + k_uk + x_uk
    if all(unknown):
        return trace.stage(scan_p, args, params)

    consts, init, xs = _split_args(args, num_consts, num_carry)
    known_consts = [a for a, u in zip(consts, c_uk) if not u]
    known_init = [a for a, u in zip(init, k_uk) if not u]
    known_xs = [a for a, u in zip(xs, x_uk) if not u]
    n_kc, n_kk = len(known_consts), len(known_init)
    residual_sources = split.known_sources[split.n_known_outs :]
    # Residuals the known scan need not stack: its own constants and whatever the body computes from
    # them alone (loop-invariant: computed once, before the loop) and its own xs (already stacked).
    computed_invariant = _invariant_outputs(split, n_kc)
    invariant = [
        (kind == "in" and i < n_kc) or (kind == "out" and computed_invariant[i]) for kind, i in residual_sources
    ]
    from_xs = [kind == "in" and i >= n_kc + n_kk for kind, i in residual_sources]
    stacked = [not (a or b) for a, b in zip(invariant, from_xs)]

    def known_step(*operands):
        outs, residuals = ad.run_known(split, list(operands), lambda sub, ops: eval_ir(sub, (), ops))
        return [*outs, *(r for r, s in zip(residuals, stacked) if s)]

    kc_avals = avals_of(known_consts) + avals_of(known_init)
    kx_avals = [a.update_shape(a.shape[1:]) for a in avals_of(known_xs)]
    sub, sub_consts = trace_to_subir(known_step, kc_avals + kx_avals, "scan")
    results = core.bind_with_parent(
        trace,
        scan_p,
        [*sub_consts, *known_consts, *known_init, *known_xs],
        dict(params, body=sub, num_consts=len(sub_consts) + n_kc, num_carry=n_kk),
    )
    n_known = split.n_known_outs
    known_outs, stacked_res = results[:n_known], iter(results[n_known:])
    hoisted = iter(_hoisted_residuals(split, computed_invariant, known_consts, residual_sources))
    known_operands = [*known_consts, *known_init, *known_xs]
    residuals = [
        next(stacked_res) if s else next(hoisted) if kind == "out" else known_operands[i]
        for (kind, i), s in zip(residual_sources, stacked)
    ]

    # The unknown scan: residuals join its consts (invariant) or its xs (stacked, or known xs).
    n_res = len(residuals)
    n_uc, n_uk = sum(c_uk), sum(k_uk)
    in_order = [
        *(i for i, inv in enumerate(invariant) if inv),
        *range(n_res, n_res + n_uc),
        *range(n_res + n_uc, n_res + n_uc + n_uk),
        *(i for i, inv in enumerate(invariant) if not inv),
        *range(n_res + n_uc + n_uk, len(split.unknown.invars)),
    ]
    staged = trace.stage(
        scan_p,
        [
            *(r for r, inv in zip(residuals, invariant) if inv),
            *(a for a, u in zip(consts, c_uk) if u),
            *(a for a, u in zip(init, k_uk) if u),
            *(r for r, inv in zip(residuals, invariant) if not inv),
            *(a for a, u in zip(xs, x_uk) if u),
        ],
        dict(params, body=permute(split.unknown, in_order), num_consts=sum(invariant) + n_uc, num_carry=n_uk),
    )
    return merge(split.out_unknown, staged, known_outs)


def _invariant_outputs(split, n_consts: int) -> list[bool]:
    """Which outputs of a split's known body depend only on the scan's constants (not carry or xs)."""
    known = split.known
    varying = set(known.invars[len(split.known_consts) + n_consts :])
    for eqn in known.eqns:
        if any(a in varying for a in eqn.inputs if type(a) is Var):
            varying.update(eqn.outputs)
    return [type(v) is not Var or v not in varying for v in known.outvars]


def _hoisted_residuals(split, invariant, known_consts, residual_sources) -> list:
    """Compute the loop-invariant residuals once, outside the loop (on the known values)."""
    wanted = [False] * len(split.known.outvars)
    for kind, i in residual_sources:
        if kind == "out" and invariant[i]:
            wanted[i] = True
    if not any(wanted):
        return []
    keep = (False,) * len(split.known.invars)
    sub, used = dce_ir(split.known, tuple(wanted), keep)
    operands = [*split.known_consts, *known_consts]
    outs = iter(eval_ir(sub, (), [x for x, u in zip(operands, used) if u]))
    return [next(outs) for kind, i in residual_sources if kind == "out" and invariant[i]]


staging.def_partial_eval(scan_p, _scan_partial_eval)


# ---- transpose ---------------------------------------------------------------------------------------


def _scan_transpose(cts, *args, body, num_consts, num_carry, length, reverse, unroll):
    consts, init, xs = _split_args(args, num_consts, num_carry)
    c_lin = [ad.is_undefined(a) for a in consts]
    x_lin = [ad.is_undefined(a) for a in xs]
    # Every carry of a linear scan is linear (a carry with a known start is a zero tangent made real).
    linear = (*c_lin, *(True,) * num_carry, *x_lin)
    ct_carry = [ad.instantiate(c, v.aval) for c, v in zip(cts[:num_carry], body.outvars)]
    ct_ys = cts[num_carry:]
    y_nz = tuple(type(c) is not Zero for c in ct_ys)
    t = ad.transpose_ir(body, linear, (True,) * num_carry + y_nz, True)
    res_consts = [a for a, lin in zip(consts, c_lin) if not lin]
    res_xs = [a for a, lin in zip(xs, x_lin) if not lin]
    lin_c_avals = [a.aval for a, lin in zip(consts, c_lin) if lin]
    n_rc, n_lc, n_rx = len(res_consts), len(lin_c_avals), len(res_xs)

    def transposed_step(*operands):
        rc, acc, ct_k, rx, ct_y = split_list(operands, [n_rc, n_lc, num_carry, n_rx, sum(y_nz)])
        cts_in = eval_ir(t.ir, (), [*t.consts, *rc, *rx, *ct_k, *ct_y])
        ct_c, ct_init, ct_x = split_list(cts_in, [n_lc, num_carry, len(cts_in) - n_lc - num_carry])
        return [*(ew.add(a, c) for a, c in zip(acc, ct_c)), *ct_init, *ct_x]

    slice_avals = [a.update_shape(a.shape[1:]) for a in avals_of([*res_xs, *(c for c in ct_ys if type(c) is not Zero)])]
    step_avals = [*avals_of(res_consts), *lin_c_avals, *(v.aval for v in body.outvars[:num_carry]), *slice_avals]
    sub, sub_consts = trace_to_subir(transposed_step, step_avals, "transpose")
    outs = _bind(
        [*sub_consts, *res_consts],
        [*(ad.zeros_like_aval(a) for a in lin_c_avals), *ct_carry],
        [*res_xs, *(c for c in ct_ys if type(c) is not Zero)],
        sub,
        length,
        not reverse,
        unroll,
    )
    ct_consts, ct_init, ct_xs = split_list(outs, [n_lc, num_carry, len(outs) - n_lc - num_carry])
    return [
        *merge(c_lin, ct_consts, [None] * num_consts),
        *(c if ad.is_undefined(a) else None for c, a in zip(ct_init, init)),
        *merge(x_lin, ct_xs, [None] * len(xs)),
    ]


ad.def_transpose(scan_p, _scan_transpose)


# ---- batching ----------------------------------------------------------------------------------------


def _scan_batch(args, dims, *, body, num_consts, num_carry, length, reverse, unroll):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    consts, init, xs = _split_args(args, num_consts, num_carry)
    c_dims, k_dims, x_dims = _split_args(dims, num_consts, num_carry)
    k_b = [d is not None for d in k_dims]
    x_slice_dims = [None if d is None else 0 for d in x_dims]  # xs get their batch axis at 1
    n_ys = len(body.outvars) - num_carry

    def rewrite(k_b):
        in_dims = (*c_dims, *(0 if b else None for b in k_b), *x_slice_dims)
        return batching.batch_ir(body, size, in_dims, tuple(k_b) + (False,) * n_ys)

    r, k_b = carry_fixed_point(k_b, rewrite, lambda r: [d is not None for d in r.out_dims[:num_carry]])
    init = [batching.move_to(x, d, 0, size) if b else x for x, d, b in zip(init, k_dims, k_b)]
    xs = [x if d is None else layout.moveaxis(x, d, 1) if d != 1 else x for x, d in zip(xs, x_dims)]
    outs = _bind([*r.consts, *consts], init, xs, r.ir, length, reverse, unroll)
    y_dims = [None if d is None else d + 1 for d in r.out_dims[num_carry:]]
    return outs, [*(0 if b else None for b in k_b), *y_dims]


batching.def_batching(scan_p, _scan_batch)


# ---- dead-code elimination: unused ys, and carries nobody reads, leave the loop ---------------------


def _scan_dce(used_outputs, eqn):
    body, num_consts, num_carry = eqn.params["body"], eqn.params["num_consts"], eqn.params["num_carry"]
    used_ys = tuple(used_outputs[num_carry:])
    n_xs = len(eqn.inputs) - num_consts - num_carry

    def rewrite(used_carry):  # a carry stays if its result or its value in the next step is needed
        keep = (False,) * num_consts + tuple(used_carry) + (False,) * n_xs
        return dce_ir(body, tuple(used_carry) + used_ys, keep)

    carries_read = lambda pruned: pruned[1][num_consts : num_consts + num_carry]  # noqa: E731
    (sub, used_in), used_carry = carry_fixed_point(used_outputs[:num_carry], rewrite, carries_read)
    new = eqn._replace(
        inputs=tuple(a for a, u in zip(eqn.inputs, used_in) if u),
        outputs=tuple(v for v, u in zip(eqn.outputs, (*used_carry, *used_ys)) if u),
        params=dict(eqn.params, body=sub, num_consts=sum(used_in[:num_consts]), num_carry=sum(used_carry)),
    )
    return list(used_in), new


def_dce(scan_p, _scan_dce)


# ---- user-facing function ----------------------------------------------------------------------------


def scan(f, init, xs=None, length=None, reverse=False, unroll=1, _split_transpose=False):
    """Loop ``f`` over the leading axis of ``xs``, threading a carry: ``(carry, ys)``.

    Semantics (as ``jax.lax.scan``), but staged as one loop that every transformation keeps a loop::

        def scan(f, init, xs, length=None):
            carry, ys = init, []
            for x in xs:
                carry, y = f(carry, x)
                ys.append(y)
            return carry, stack(ys)

    Args:
        f: ``(carry, x) -> (carry, y)``; the carry keeps its structure, shapes and dtypes.
        init: the initial carry (a pytree of arrays).
        xs: a pytree of arrays scanned along their leading axis, or None (then give ``length``).
        length: the number of steps, when ``xs`` is None (or to check it).
        reverse: scan from the last element to the first.
        unroll: how many steps XLA unrolls per loop iteration (an int, or True for all).
        _split_transpose: accepted for JAX compatibility; ignored (an XLA scheduling experiment).

    >>> import fungrad, fungrad.numpy as fnp
    >>> from fungrad import lax
    >>> cumsum = lambda xs: lax.scan(lambda c, x: (c + x, c + x), 0.0, xs)[1]
    >>> cumsum(fnp.array([1.0, 2.0, 3.0])).tolist()
    [1.0, 3.0, 6.0]
    >>> fungrad.grad(lambda xs: fnp.sum(cumsum(xs)))(fnp.array([1.0, 2.0, 3.0])).tolist()
    [3.0, 2.0, 1.0]
    """
    init_leaves, carry_tree = flatten_operands(init, "scan", "init")
    xs_leaves, xs_tree = flatten_operands(xs, "scan", "xs")
    length = _scan_length(xs_leaves, length)
    x_avals = [a.update_shape(a.shape[1:]) for a in avals_of(xs_leaves)]
    in_tree = tree_util.tree_structure((init, xs))
    for _ in range(2):  # a second trace only if a weakly typed carry must become strongly typed
        in_avals = avals_of(init_leaves) + x_avals
        sub, consts, out_tree = trace_body(functools.partial(_step, f), in_tree, in_avals, "scan")
        carry_out_tree, y_tree = tree_util.treedef_children(out_tree)
        carry_in, carry_out = avals_of(init_leaves), sub.out_avals[: carry_out_tree.num_leaves]
        # As in JAX, a weakly typed initial carry takes the type the body gives it (0.0 beside f32 xs).
        promote = [
            a.weak_type and (a.dtype != b.dtype or not b.weak_type) and a.shape == b.shape
            for a, b in zip(carry_in, carry_out)
        ]
        if not any(promote):
            _check_carry(carry_tree, carry_out_tree, carry_in, carry_out)
            break
        init_leaves = [
            ew.convert_element_type(x, b.dtype) if p else x for x, b, p in zip(init_leaves, carry_out, promote)
        ]
    outs = _bind(consts, init_leaves, xs_leaves, sub, length, bool(reverse), unroll)
    carry, ys = outs[: len(init_leaves)], outs[len(init_leaves) :]
    return tree_util.tree_unflatten(carry_out_tree, carry), tree_util.tree_unflatten(y_tree, ys)


def _step(f, carry, x):
    out = f(carry, x)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise FungradTypeError(
            f"[scan] the scanned function must return a pair (new_carry, y), got {type(out).__name__}"
            + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else "")
        )
    return tuple(out)


def _scan_length(xs_leaves, length) -> int:
    lengths = set()
    for x in xs_leaves:
        shape = get_aval(x).shape
        if not shape:
            raise FungradTypeError("[scan] every leaf of xs needs a leading axis to scan over, got a scalar")
        lengths.add(shape[0])
    if len(lengths) > 1:
        raise FungradTypeError(f"[scan] the leaves of xs have different leading axis sizes {sorted(lengths)}")
    if length is not None:
        length = int(core.to_concrete_value(length))
        if lengths and lengths != {length}:
            raise FungradTypeError(f"[scan] length={length} but xs have leading axis size {lengths.pop()}")
        return length
    if not lengths:
        raise FungradTypeError("[scan] with xs=None (or no arrays in xs) the number of steps must be given as length=")
    return lengths.pop()


def _check_carry(in_tree, out_tree, in_avals, out_avals):
    if in_tree != out_tree or any(a.shape != b.shape or a.dtype != b.dtype for a, b in zip(in_avals, out_avals)):
        raise FungradTypeError(
            "[scan] the carry must keep its structure, shapes and dtypes: it starts as "
            f"{describe_avals(in_avals, in_tree)} but the scanned function returns "
            f"{describe_avals(out_avals, out_tree)}"
        )
