"""Custom derivative rules: ``custom_jvp`` and ``custom_vjp``.

Contract. Both are *final style*: the user's rules stay Python callables, called by the
transformation that needs them (so Python control flow inside a rule works), while the function
itself is traced to a const-free sub-IR for everything else (evaluation, lowering, batching).

* ``custom_jvp_call_p(*consts, *args; call, rule)``: evaluation and lowering run ``call``; the jvp
  rule calls the user's jvp on the explicit arguments. Reverse mode needs nothing more: linearize
  stages the tangent half of the user's rule, which is linear, and transposes it. Tangents of values
  the function closes over (not arguments) are added by differentiating ``call`` itself.
* ``custom_vjp_call_p(*consts, *args; call, rule)``: the jvp rule runs the user's ``fwd`` and applies
  ``custom_lin_p`` to the tangents: a linear primitive whose transpose is the user's ``bwd``. Forward
  mode (a fungrad extension; JAX refuses it) evaluates ``custom_lin_p`` as the transpose of ``bwd``,
  which is linear in its cotangent; a ``bwd`` that is not linear gets an error naming the equation.
* Under ``vmap`` the rules are batched, not called per example: the batching rules wrap the user's
  callables in a batch interpreter with every output batched at axis 0.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import jax
import numpy as np
from jax import tree_util

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero
from fungrad._src.core import FungradTypeError, Primitive, get_aval
from fungrad._src.ir import Var, eval_ir
from fungrad._src.lowering import lower_ir
from fungrad._src.primitives import layout
from fungrad._src.staging import StagingTrace, trace_to_subir


class SymbolicZero:
    """A zero tangent passed to a ``custom_jvp`` rule defined with ``symbolic_zeros=True``.

    Rules may test for it (``isinstance(t, SymbolicZero)``) to skip work, and may return one.
    """

    def __init__(self, aval: core.ShapedArray):
        self.aval = aval

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)

    def instantiate(self):
        return ad.zeros_like_aval(self.aval)

    def __repr__(self):
        return f"SymbolicZero({self.aval.str_short()})"


# ---- shared plumbing ---------------------------------------------------------------------------------


def _resolve_args(fun, args, kwargs, what: str):
    if not kwargs:
        return tuple(args)
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as err:
        raise FungradTypeError(f"[{what}] cannot bind the arguments of `{_name(fun)}`: {err}") from None
    bound.apply_defaults()
    return tuple(bound.args) + tuple(bound.kwargs.values())


def _name(fun) -> str:
    return getattr(fun, "__name__", type(fun).__name__)


def _split_nondiff(args, nondiff_argnums):
    nondiff = tuple(args[i] for i in nondiff_argnums)
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff_argnums)
    return nondiff, dyn


def _merge_nondiff(nondiff_argnums, nondiff, dyn):
    full, nd, d = [], iter(nondiff), iter(dyn)
    for i in range(len(nondiff) + len(dyn)):
        full.append(next(nd) if i in nondiff_argnums else next(d))
    return full


def _trace_call(fun, nondiff_argnums, nondiff, leaves, in_tree, what):
    flat = core.flatten_fun(lambda *dyn: fun(*_merge_nondiff(nondiff_argnums, nondiff, dyn)), in_tree)
    sub, consts = trace_to_subir(flat, [get_aval(x) for x in leaves], what)
    return sub, consts, flat.out_tree


def _check_like(what, got_tree, want_tree, got, want):
    if got_tree != want_tree or any(
        tuple(np.shape(g)) != a.shape or core.get_aval(g).dtype != a.dtype for g, a in zip(got, want)
    ):
        got_text = tree_util.tree_unflatten(got_tree, [core.get_aval(g).str_short() for g in got])
        want_text = tree_util.tree_unflatten(want_tree, [a.str_short() for a in want])
        raise FungradTypeError(f"{what}: expected {want_text}, got {got_text}")


def _primal_and_other(result, what: str, pair: str, rule):
    """A rule's ``(primal_out, other)`` pair, its primal output checked against the function's."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise FungradTypeError(f"{what} must return a pair {pair}")
    out, other = result
    out_leaves, out_tree = tree_util.tree_flatten(out)
    _check_like(
        f"{what} returned a primal output unlike the function's", out_tree, rule.out_tree, out_leaves, rule.out_avals
    )
    return out_leaves, other


def _add_closure_tangents(call, primals, tangents, num_consts, t_outs):
    t_consts = tangents[:num_consts]
    if all(type(t) is Zero for t in t_consts):
        return t_outs
    nonzero = tuple(type(t) is not Zero for t in t_consts) + (False,) * (len(primals) - num_consts)
    rewritten = ad.jvp_ir(call, nonzero)
    results = eval_ir(rewritten.ir, (), [*rewritten.consts, *primals, *(t for t in t_consts if type(t) is not Zero)])
    extra = iter(results[len(call.outvars) :])
    return [ad.add_tangents(t, next(extra)) if nz else t for t, nz in zip(t_outs, rewritten.out_nonzero)]


def _batched_outputs(fun, args, dims, size):
    """``fun`` (flat -> flat) applied to batched ``args``, every output batched at axis 0."""
    pairs = batching.batch_flat(fun, args, dims, size)
    return [batching.move_to(v, d, 0, size) for v, d in pairs]


def _dim_of(x, per_example: core.ShapedArray):
    """A value of the batched world: batched at 0 if it has one more axis than the per-example aval."""
    return None if np.ndim(x) == per_example.ndim else 0


# ---- custom_jvp --------------------------------------------------------------------------------------

custom_jvp_call_p = Primitive("custom_jvp_call", multiple_results=True)


class _JvpRule:
    """The user's jvp over flat lists: ``(primals, tangents) -> (outs, tangent outs)`` (Zero allowed)."""

    def __init__(self, owner, nondiff, in_tree, out_tree, out_avals):
        self.owner, self.nondiff, self.in_tree = owner, nondiff, in_tree
        self.out_tree, self.out_avals = out_tree, out_avals

    def __call__(self, primals, tangents):
        owner = self.owner
        args = tree_util.tree_unflatten(self.in_tree, primals)
        t_leaves = [
            (SymbolicZero(t.aval) if owner.symbolic_zeros else _zeros_for(t.aval)) if type(t) is Zero else t
            for t in tangents
        ]
        t_args = tree_util.tree_unflatten(self.in_tree, t_leaves)
        result = owner.jvp(*self.nondiff, tuple(args), tuple(t_args))
        what = f"[custom_jvp] the jvp rule of `{_name(owner.fun)}`"
        out_leaves, t_out = _primal_and_other(result, what, "(primal_out, tangent_out)", self)
        t_leaves, t_tree = tree_util.tree_flatten(t_out, is_leaf=lambda x: isinstance(x, SymbolicZero))
        if t_tree != self.out_tree:
            raise FungradTypeError(
                f"[custom_jvp] the jvp rule of `{_name(owner.fun)}` returned a tangent output with structure "
                f"{t_tree}, unlike the primal output's {self.out_tree}"
            )
        t_leaves = [Zero(t.aval) if isinstance(t, SymbolicZero) else t for t in t_leaves]
        for t, a in zip(t_leaves, self.out_avals):
            want = a.to_tangent_aval()
            got = t.aval if type(t) is Zero else core.get_aval(t)
            if got.shape != want.shape or (got.dtype != want.dtype and want.dtype != jax.dtypes.float0):
                raise FungradTypeError(
                    f"[custom_jvp] the jvp rule of `{_name(owner.fun)}` returned a tangent {got.str_short()} for "
                    f"a primal output {a.str_short()}: tangents must match their primal's shape and dtype"
                )
        return out_leaves, t_leaves


def _rule_name(rule) -> str:
    while not hasattr(rule, "owner"):
        rule = rule.rule
    return _name(rule.owner.fun)


def _zeros_for(aval: core.ShapedArray):
    if aval.dtype == jax.dtypes.float0:
        return np.zeros(aval.shape, dtype=jax.dtypes.float0)
    return ad.zeros_like_aval(aval)


class _BatchedRule:
    """A flat rule run under ``vmap``: operands batched as laid out at bind time, outputs at axis 0."""

    def __init__(self, rule, size, dims, in_avals, n_outs):
        self.rule, self.size, self.dims, self.in_avals, self.n_outs = rule, size, dims, in_avals, n_outs

    def __call__(self, primals, tangents):
        nonzero = [type(t) is not Zero for t in tangents]

        def flat(*xs):
            ps, ts = xs[: len(primals)], iter(xs[len(primals) :])
            outs, t_outs = self.rule(list(ps), [next(ts) if nz else t for nz, t in zip(nonzero, tangents)])
            return [*outs, *(ad.instantiate(t) for t in t_outs)]

        t_dims = [d for d, nz in zip(self.dims, nonzero) if nz]  # a tangent is laid out like its primal
        vals = _batched_outputs(
            flat, [*primals, *(t for t in tangents if type(t) is not Zero)], [*self.dims, *t_dims], self.size
        )
        return vals[: self.n_outs], vals[self.n_outs :]


def _custom_jvp_abstract_eval(*avals, call, rule, num_consts):
    return call.out_avals


def _custom_jvp_lowering(*args, call, rule, num_consts):
    return lower_ir(call, (), args)


def _call_rule(what, name, rule_call, *args):
    try:
        return rule_call(*args)
    except core.LeakedTracerError as err:
        raise FungradTypeError(
            f"[{what}] the rule of `{name}` uses a value that the enclosing transformation is "
            "differentiating but that is not an argument of the function (a closed-over value): pass it as "
            f"an explicit argument instead (as in JAX). ({err})"
        ) from None


def _custom_jvp_jvp(primals, tangents, *, call, rule, num_consts):
    outs, t_outs = _call_rule(
        "custom_jvp", _rule_name(rule), rule, list(primals[num_consts:]), list(tangents[num_consts:])
    )
    return outs, _add_closure_tangents(call, primals, tangents, num_consts, t_outs)


def _custom_jvp_batch(args, dims, *, call, rule, num_consts):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    batched = batching.batch_ir(call, size, tuple(dims), True)
    new_rule = _BatchedRule(rule, size, list(dims[num_consts:]), call.in_avals[num_consts:], len(call.outvars))
    outs = custom_jvp_call_p.bind(
        *batched.consts, *args, call=batched.ir, rule=new_rule, num_consts=len(batched.consts) + num_consts
    )
    return outs, [0] * len(outs)


core.def_abstract_eval(custom_jvp_call_p, _custom_jvp_abstract_eval)
core.def_lowering(custom_jvp_call_p, _custom_jvp_lowering)
ad.def_jvp(custom_jvp_call_p, _custom_jvp_jvp)
batching.def_batching(custom_jvp_call_p, _custom_jvp_batch)


class custom_jvp:
    """A function with a custom forward-mode derivative rule (as ``jax.custom_jvp``).

    Decorate ``fun``, then give its rule with :meth:`defjvp` (``jvp(primals, tangents) ->
    (primal_out, tangent_out)``) or :meth:`defjvps` (one function per argument). Reverse mode
    transposes the rule's tangent computation, so one rule serves ``jvp``, ``grad`` and ``hessian``.

    Args:
        fun: the function.
        nondiff_argnums: positions of arguments that are not differentiated (Python values such as
            functions or flags); they are passed first to the jvp rule.

    >>> import fungrad, fungrad.numpy as fnp
    >>> @fungrad.custom_jvp
    ... def log1pexp(x):
    ...     return fnp.log1p(fnp.exp(x))
    >>> @log1pexp.defjvp
    ... def log1pexp_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return log1pexp(x), t * (1.0 - 1.0 / (1.0 + fnp.exp(x)))
    >>> float(fungrad.grad(log1pexp)(100.0))  # the naive derivative is nan here
    1.0
    """

    def __init__(self, fun: Callable, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable | None = None
        self.symbolic_zeros = False

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Set the rule ``jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)``.

        With ``symbolic_zeros=True``, zero tangents arrive as :class:`SymbolicZero` objects.
        """
        self.jvp, self.symbolic_zeros = jvp, symbolic_zeros
        return jvp

    def defjvps(self, *per_arg: Callable | None) -> None:
        """Set the rule from one function per argument: ``jvp_i(t_i, primal_out, *primals)`` gives that
        argument's contribution to the tangent of the output (``None``: no contribution)."""

        def jvp(*args):
            *nondiff, primals, tangents = args
            out = self(*_merge_nondiff(self.nondiff_argnums, nondiff, primals))
            total = None
            for fn, t in zip(per_arg, tangents):
                if fn is None or isinstance(t, SymbolicZero):
                    continue
                term = fn(t, out, *primals)
                total = term if total is None else tree_util.tree_map(lambda a, b: a + b, total, term)
            if total is None:
                total = tree_util.tree_map(lambda o: ad.zeros_like_aval(get_aval(o).to_tangent_aval()), out)
            return out, total

        self.defjvp(jvp, symbolic_zeros=True)

    def __call__(self, *args, **kwargs):
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {_name(self.fun)} using defjvp.")
        args = _resolve_args(self.fun, args, kwargs, "custom_jvp")
        if core.is_eager():  # nothing to differentiate: just run the function
            return self.fun(*args)
        nondiff, dyn = _split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tree_util.tree_flatten(dyn)
        leaves = [x if isinstance(x, core.Tracer) else core.as_concrete(x) for x in leaves]
        call, consts, out_tree = _trace_call(self.fun, self.nondiff_argnums, nondiff, leaves, in_tree, "custom_jvp")
        rule = _JvpRule(self, nondiff, in_tree, out_tree, call.out_avals)
        outs = custom_jvp_call_p.bind(*consts, *leaves, call=call, rule=rule, num_consts=len(consts))
        return tree_util.tree_unflatten(out_tree, outs)


# ---- custom_vjp --------------------------------------------------------------------------------------

custom_vjp_call_p = Primitive("custom_vjp_call", multiple_results=True)
custom_lin_p = Primitive("custom_lin", multiple_results=True, linear=True)


class _VjpRule:
    """The user's fwd and bwd over flat lists."""

    def __init__(self, owner, nondiff, in_tree, out_tree, in_avals, out_avals):
        self.owner, self.nondiff, self.in_tree, self.out_tree = owner, nondiff, in_tree, out_tree
        self.in_avals, self.out_avals = in_avals, out_avals
        self.name = _name(owner.fun)

    def fwd(self, primals):
        """Returns (outs, residual leaves, residual tree)."""
        owner = self.owner
        args = _merge_nondiff(owner.nondiff_argnums, self.nondiff, tree_util.tree_unflatten(self.in_tree, primals))
        what = f"[custom_vjp] fwd of `{_name(owner.fun)}`"
        out_leaves, res = _primal_and_other(owner.fwd(*args), what, "(primal_out, residuals)", self)
        res_leaves, res_tree = tree_util.tree_flatten(res)
        res_leaves = [x if isinstance(x, core.Tracer) else core.as_concrete(x) for x in res_leaves]
        return out_leaves, res_leaves, res_tree

    def bwd(self, res_leaves, res_tree, cts):
        """Cotangents of the differentiable arguments (Zero where ``bwd`` returned None)."""
        owner = self.owner
        res = tree_util.tree_unflatten(res_tree, res_leaves)
        result = owner.bwd(*self.nondiff, res, tree_util.tree_unflatten(self.out_tree, cts))
        n_args = len(tree_util.treedef_children(self.in_tree))
        if not isinstance(result, (tuple, list)) or len(result) != n_args:
            raise FungradTypeError(
                f"[custom_vjp] bwd of `{_name(owner.fun)}` must return a tuple with one cotangent per "
                f"differentiable argument ({n_args}), got {type(result).__name__}"
                + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
            )
        out = []
        for ct, sub in zip(result, tree_util.treedef_children(self.in_tree)):
            if ct is None:
                out.extend([None] * sub.num_leaves)
                continue
            leaves, tree = tree_util.tree_flatten(ct, is_leaf=lambda x: x is None)
            if tree != sub:
                raise FungradTypeError(
                    f"[custom_vjp] bwd of `{_name(owner.fun)}` returned a cotangent with structure {tree} for an "
                    f"argument with structure {sub}"
                )
            out.extend(leaves)
        for ct, aval in zip(out, self.in_avals):
            if ct is not None and np.shape(ct) != aval.shape:
                raise FungradTypeError(
                    f"[custom_vjp] bwd of `{_name(owner.fun)}` returned a cotangent of shape {np.shape(ct)} for an "
                    f"argument of shape {aval.shape}"
                )
        return [Zero(a.to_tangent_aval()) if ct is None else ct for ct, a in zip(out, self.in_avals)]


def _custom_vjp_jvp(primals, tangents, *, call, rule, num_consts):
    args, t_args = primals[num_consts:], tangents[num_consts:]
    outs, res, res_tree = _call_rule("custom_vjp", rule.name, rule.fwd, list(args))
    nonzero = tuple(type(t) is not Zero for t in t_args)
    if any(nonzero):
        t_outs = custom_lin_p.bind(
            *res, *(t for t in t_args if type(t) is not Zero), rule=rule, res_tree=res_tree, nonzero=nonzero
        )
    else:
        t_outs = [Zero(a.to_tangent_aval()) for a in rule.out_avals]
    return outs, _add_closure_tangents(call, primals, tangents, num_consts, t_outs)


def _custom_vjp_batch(args, dims, *, call, rule, num_consts):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    batched = batching.batch_ir(call, size, tuple(dims), True)
    new_rule = _BatchedVjpRule(rule, size, list(dims[num_consts:]))
    outs = custom_vjp_call_p.bind(
        *batched.consts, *args, call=batched.ir, rule=new_rule, num_consts=len(batched.consts) + num_consts
    )
    return outs, [0] * len(outs)


class _BatchedVjpRule:
    """fwd and bwd run under ``vmap``: residuals and outputs batched at 0, cotangents back in the
    arguments' layout (summed over the batch for arguments that are not batched)."""

    def __init__(self, rule, size, dims):
        self.rule, self.size, self.dims, self.name = rule, size, dims, rule.name
        self.out_avals = [a.update_shape((size, *a.shape)) for a in rule.out_avals]
        self.in_avals = rule.in_avals  # per example; batched ones gain an axis at their dim

    def fwd(self, primals):
        trees = []

        def flat(*xs):
            outs, res, res_tree = self.rule.fwd(list(xs))
            trees.append((len(outs), res_tree))
            return [*outs, *res]

        vals = _batched_outputs(flat, primals, self.dims, self.size)
        n_outs, res_tree = trees[0]
        return vals[:n_outs], vals[n_outs:], res_tree

    def bwd(self, res_leaves, res_tree, cts):
        ct_dims = [_dim_of(c, a) for c, a in zip(cts, self.rule.out_avals)]
        kinds = []

        def flat(*xs):
            res, cs = xs[: len(res_leaves)], xs[len(res_leaves) :]
            out = self.rule.bwd(list(res), res_tree, list(cs))
            kinds[:] = [type(c) is Zero for c in out]
            return [c for c in out if type(c) is not Zero]

        pairs = batching.batch_flat(flat, [*res_leaves, *cts], [0] * len(res_leaves) + ct_dims, self.size)
        pairs = iter(pairs)
        out = []
        for is_zero, d, aval in zip(kinds, self.dims, self.in_avals):
            if is_zero:
                out.append(Zero(batching.batched_aval(aval, d, self.size).to_tangent_aval()))
                continue
            value, vd = next(pairs)
            if d is None:  # shared by every example: its cotangent is the sum over the batch
                out.append(value if vd is None else layout.reduce_sum(value, (vd,)))
            else:
                out.append(batching.move_to(value, vd, d, self.size))
        return out


def _custom_lin_transpose(cts, *operands, rule, res_tree, nonzero):
    n_res = len(operands) - sum(nonzero)
    res = operands[:n_res]
    cts = [ad.instantiate(c, a.to_tangent_aval()) for c, a in zip(cts, rule.out_avals)]
    cts_in = rule.bwd(list(res), res_tree, cts)
    return [None] * n_res + [None if type(c) is Zero else c for c, nz in zip(cts_in, nonzero) if nz]


def _custom_lin_forward(*operands, rule, res_tree, nonzero):
    """``J t`` from ``bwd``: ``bwd`` is linear in its cotangent, ``ct -> J^T ct``; transposing it
    gives ``t -> J t`` (forward mode through custom_vjp, which JAX does not offer)."""
    n_res = len(operands) - sum(nonzero)
    res, tangents = operands[:n_res], operands[n_res:]
    trace = StagingTrace(stage_constants=False, name="custom_vjp")
    ct_avals = [a.to_tangent_aval() for a in rule.out_avals]
    with core.tracing(trace):
        cts = [trace.new_arg(a) for a in ct_avals]
        cts_in = rule.bwd(list(res), res_tree, cts)
        kept = [ad.instantiate(c) for c, nz in zip(cts_in, nonzero) if nz]
        closed = trace.to_closed_ir(kept)
    _check_linear(closed.ir, rule)
    t_outs = ad.backward_pass(closed.ir, closed.consts, list(tangents))
    return [ad.instantiate(t, a) for t, a in zip(t_outs, ct_avals)]


def _check_linear(ir, rule):
    """Forward mode needs ``bwd`` linear in its cotangent: name the first equation that is not."""
    linear = set(ir.invars)
    for eqn in ir.eqns:
        if any(type(a) is Var and a in linear for a in eqn.inputs):
            if eqn.primitive not in ad.transpose_rules:
                raise FungradTypeError(
                    f"[jvp] forward mode through the custom_vjp function `{rule.name}` transposes its bwd rule, "
                    f"which must be linear in the cotangent; bwd applies `{eqn.primitive.name}` to the cotangent "
                    f"at {eqn.source_info}, which is not linear. Give the function a custom_jvp rule for "
                    "forward mode."
                )
            linear.update(eqn.outputs)


def _custom_lin_abstract_eval(*avals, rule, res_tree, nonzero):
    return [a.to_tangent_aval() for a in rule.out_avals]


def _custom_lin_lowering(*operands, rule, res_tree, nonzero):
    sub, consts = trace_to_subir(
        lambda *xs: _custom_lin_forward(*xs, rule=rule, res_tree=res_tree, nonzero=nonzero),
        [get_aval(x) for x in operands],
        "custom_vjp",
    )
    return lower_ir(sub, (), [*consts, *operands])


def _custom_lin_jvp(primals, tangents, *, rule, res_tree, nonzero):
    fun = functools.partial(_custom_lin_forward, rule=rule, res_tree=res_tree, nonzero=nonzero)
    return ad.jvp_flat(lambda *xs: fun(*xs), primals, tangents, name="jvp")


def _custom_lin_batch(args, dims, *, rule, res_tree, nonzero):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    fun = functools.partial(_custom_lin_forward, rule=rule, res_tree=res_tree, nonzero=nonzero)
    return _batched_outputs(lambda *xs: fun(*xs), args, dims, size), [0] * len(rule.out_avals)


core.def_abstract_eval(custom_vjp_call_p, _custom_jvp_abstract_eval)
core.def_lowering(custom_vjp_call_p, _custom_jvp_lowering)
ad.def_jvp(custom_vjp_call_p, _custom_vjp_jvp)
batching.def_batching(custom_vjp_call_p, _custom_vjp_batch)
core.def_abstract_eval(custom_lin_p, _custom_lin_abstract_eval)
core.def_lowering(custom_lin_p, _custom_lin_lowering)
core.def_impl(custom_lin_p, _custom_lin_forward)
ad.def_jvp(custom_lin_p, _custom_lin_jvp)
ad.def_transpose(custom_lin_p, _custom_lin_transpose)
batching.def_batching(custom_lin_p, _custom_lin_batch)


class custom_vjp:
    """A function with a custom reverse-mode derivative rule (as ``jax.custom_vjp``).

    Give the rule with :meth:`defvjp`: ``fwd(*args) -> (out, residuals)`` runs in the forward pass,
    ``bwd(*nondiff_args, residuals, out_cotangent) -> tuple of argument cotangents`` (``None`` for a
    zero) in the backward pass. Residuals and cotangents may be pytrees.

    Beyond JAX: forward mode (``jvp``, ``jacfwd``, and so ``hessian``) works too, by transposing
    ``bwd``, which must then be linear in its cotangent (it is for every true derivative; a clipping
    ``bwd`` is not, and forward mode then says so).

    Args:
        fun: the function.
        nondiff_argnums: positions of arguments that are not differentiated; passed first to ``bwd``.

    >>> import fungrad, fungrad.numpy as fnp
    >>> @fungrad.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (fnp.clip(g, -1.0, 1.0),))
    >>> float(fungrad.grad(lambda x: 5.0 * clip_gradient(x))(2.0))
    1.0
    """

    def __init__(self, fun: Callable, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False) -> None:
        """Set the forward function ``fwd(*args) -> (out, residuals)`` and the backward function
        ``bwd(*nondiff_args, residuals, g) -> tuple of cotangents``.

        ``symbolic_zeros=True`` (JAX's perturbed-primal protocol) is not supported: it raises rather
        than being silently ignored."""
        if symbolic_zeros:
            raise NotImplementedError(
                "[custom_vjp] defvjp(..., symbolic_zeros=True) is not supported by fungrad; zero cotangents "
                "reach bwd as arrays of zeros"
            )
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args, **kwargs):
        if self.fwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {_name(self.fun)} using defvjp.")
        args = _resolve_args(self.fun, args, kwargs, "custom_vjp")
        if core.is_eager():
            return self.fun(*args)
        nondiff, dyn = _split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tree_util.tree_flatten(dyn)
        leaves = [x if isinstance(x, core.Tracer) else core.as_concrete(x) for x in leaves]
        call, consts, out_tree = _trace_call(self.fun, self.nondiff_argnums, nondiff, leaves, in_tree, "custom_vjp")
        rule = _VjpRule(self, nondiff, in_tree, out_tree, [get_aval(x) for x in leaves], call.out_avals)
        outs = custom_vjp_call_p.bind(*consts, *leaves, call=call, rule=rule, num_consts=len(consts))
        return tree_util.tree_unflatten(out_tree, outs)
