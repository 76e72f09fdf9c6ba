"""Automatic differentiation: forward mode (JVP), linearize, and transposition.

Contract. :class:`JVPTrace` carries a (primal, tangent) pair per value and applies each primitive's
jvp rule with the current trace set to its parent; a tangent may be a symbolic :class:`Zero`, which
rules must accept and which never reaches the user or the IR. Reverse mode is linearize + transpose:
:func:`linearize_flat` runs a JVP whose tangents are the inputs of a partially-evaluating
:class:`~fungrad._src.staging.StagingTrace`, so primal work happens now and exactly the tangent work is
recorded as a linear IR whose constants are the residuals. :func:`backward_pass` walks that IR in
reverse, applying each primitive's transpose rule; cotangents accumulate with ``add`` and missing ones
are zero. A forward pre-pass first evaluates any equation that does not touch a linear input.
Rules are written with fungrad ops, so every rule is itself differentiable: ``grad(grad(f))``.

Rule signatures (one per kind, the same for every primitive):

* ``jvp_rules[p](primals, tangents, **params) -> (primal_out, tangent_out)``
* ``transpose_rules[p](ct, *invals, **params) -> sequence of cotangents per input`` where an
  operand being transposed is an :class:`UndefinedPrimal` and a ``None`` cotangent means zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import jax

from fungrad._src import core
from fungrad._src.core import ShapedArray, Tracer
from fungrad._src.ir import IR, ClosedIR, Literal, Var, closure_convert, dce, eval_ir, rewrite
from fungrad._src.staging import RecomputingTrace, StagingTrace, trace_to_subir

jvp_rules: dict[core.Primitive, Callable] = {}
transpose_rules: dict[core.Primitive, Callable] = {}


class Zero:
    """A symbolic zero tangent or cotangent of the given aval."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self):
        return f"Zero({self.aval.str_short()})"


class UndefinedPrimal:
    """Marks the operand a transpose rule is transposing with respect to."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self):
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x) -> bool:
    return type(x) is UndefinedPrimal


class _TangentOps:
    """The two operations AD itself needs, registered by the primitive families
    (interpreters never import families): ``add(x, y)`` of equal avals, ``zeros(aval)``."""

    add: Callable | None = None
    zeros: Callable | None = None


tangent_ops = _TangentOps()


def add_tangents(x, y):
    if type(x) is Zero:
        return y
    if type(y) is Zero:
        return x
    return tangent_ops.add(x, y)


def instantiate(t, aval: ShapedArray | None = None):
    """Turn a symbolic zero into an array of zeros (float0 stays symbolic-free zeros of float0)."""
    if type(t) is Zero:
        return tangent_ops.zeros(t.aval if aval is None else aval)
    return t


def zeros_like_aval(aval: ShapedArray):
    return tangent_ops.zeros(aval)


# ----------------------------------------------------------------------------------------------
# Forward mode


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace: JVPTrace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self) -> ShapedArray:
        return core.get_aval(self.primal)


class JVPTrace(core.Trace):
    carries_derivative = True  # float()/np.asarray on its tracers would drop the derivative: core refuses

    def __init__(self, parent=None, name: str = "jvp"):
        super().__init__(parent)
        self.name = name

    def process_primitive(self, prim, args, params):
        primals, tangents, any_tangent = [], [], False
        for x in args:
            if type(x) is JVPTracer and x._trace is self:
                primals.append(x.primal)
                tangents.append(x.tangent)
                any_tangent = True
            else:
                primals.append(x)
                tangents.append(None)
        if not any_tangent:
            return core.bind_with_parent(self, prim, args, params)
        rule = jvp_rules.get(prim)
        if rule is None:
            raise NotImplementedError(
                f"[{self.name}] differentiation rule for primitive `{prim.name}` is not implemented"
            )
        tangents = [Zero(core.get_aval(p).to_tangent_aval()) if t is None else t for p, t in zip(primals, tangents)]
        with core.set_current_trace(self.parent):
            primal_out, tangent_out = rule(primals, tangents, **params)
        if prim.multiple_results:
            return [self._box(p, t) for p, t in zip(primal_out, tangent_out)]
        return self._box(primal_out, tangent_out)

    def _box(self, primal, tangent):
        return primal if type(tangent) is Zero else JVPTracer(self, primal, tangent)

    def concretize(self, tracer, why):
        primal = tracer.primal
        return primal._concrete(why) if isinstance(primal, Tracer) else primal


def _unbox(trace, x):
    if type(x) is JVPTracer and x._trace is trace:
        return x.primal, x.tangent
    return x, Zero(core.get_aval(x).to_tangent_aval())


def jvp_flat(fun: Callable, primals: Sequence, tangents: Sequence, name: str = "jvp"):
    """Forward mode over flat lists: returns (primals_out, tangents_out); tangents may be Zero."""
    trace = JVPTrace(name=name)
    ins = [p if type(t) is Zero else JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
    with core.tracing(trace):
        outs = fun(*ins)
    pairs = [_unbox(trace, x) for x in outs]
    return [p for p, _ in pairs], [t for _, t in pairs]


# ----------------------------------------------------------------------------------------------
# Linearize


class LinearFunction:
    """The linear map produced by :func:`linearize_flat`: a linear IR with residuals as constants.

    Outputs whose tangent is identically zero are not in the IR (``out_zero`` marks them).
    """

    def __init__(self, closed: ClosedIR, in_avals, out_avals, out_zero):
        self.closed = closed
        self.in_avals = in_avals
        self.out_avals = out_avals
        self.out_zero = out_zero

    def apply(self, tangents: Sequence) -> list:
        outs = iter(self.closed(*[instantiate(t, a) for t, a in zip(tangents, self.in_avals)]))
        return [Zero(a) if z else next(outs) for a, z in zip(self.out_avals, self.out_zero)]

    def transpose(self, cts: Sequence) -> list:
        """Cotangents of the inputs given output cotangents (Zero where nothing flows)."""
        nonzero = [ct for ct, z in zip(cts, self.out_zero) if not z]
        return backward_pass(self.closed.ir, self.closed.consts, nonzero)


def linearize_flat(fun: Callable, primals: Sequence, name: str = "linearize"):
    """Run ``fun`` forward now and stage its tangent map: returns (primals_out, LinearFunction)."""
    staging = StagingTrace(stage_constants=False, name=name)
    jvp_trace = JVPTrace(parent=staging, name=name)
    in_avals = [core.get_aval(p).to_tangent_aval() for p in primals]
    tangents = [staging.new_arg(a) for a in in_avals]
    ins = [
        JVPTracer(jvp_trace, p, t) if core.is_differentiable_dtype(a.dtype) else p
        for p, t, a in zip(primals, tangents, in_avals)
    ]
    with core.tracing(jvp_trace, staging):
        outs = fun(*ins)
        pairs = [_unbox(jvp_trace, x) for x in outs]
        out_zero = [type(t) is Zero for _, t in pairs]
        closed = staging.to_closed_ir([t for _, t in pairs if type(t) is not Zero])
    out_avals = [core.get_aval(p).to_tangent_aval() for p, _ in pairs]
    return [p for p, _ in pairs], LinearFunction(closed, in_avals, out_avals, out_zero)


# ----------------------------------------------------------------------------------------------
# Transposition


def backward_pass(ir: IR, consts: Sequence, cts_out: Sequence) -> list:
    """Transpose the linear ``ir`` (linear in its invars, constant in its constvars).

    Returns one cotangent per invar (``Zero`` where nothing flowed). Equations that do not depend on a
    linear input are evaluated forward first; the rest are transposed in reverse order.
    """
    primal_env: dict[Var, object] = dict(zip(ir.constvars, consts))
    linear: set[Var] = set(ir.invars)
    linear_eqns = []
    for eqn in ir.eqns:
        if any(type(a) is Var and a in linear for a in eqn.inputs):
            linear.update(eqn.outputs)
            linear_eqns.append(eqn)
        else:
            vals = [a.value if type(a) is Literal else primal_env[a] for a in eqn.inputs]
            with core.source_override(eqn.source_info):
                out = eqn.primitive.bind(*vals, **eqn.params)
            primal_env.update(zip(eqn.outputs, out if eqn.primitive.multiple_results else [out]))

    ct_env: dict[Var, object] = {}

    def accumulate(v, ct):
        if type(v) is Var and v in linear and ct is not None and type(ct) is not Zero:
            ct_env[v] = add_tangents(ct_env[v], ct) if v in ct_env else ct

    for v, ct in zip(ir.outvars, cts_out):
        accumulate(v, ct)
    for eqn in reversed(linear_eqns):
        cts = [ct_env.pop(v, None) for v in eqn.outputs]
        if all(ct is None for ct in cts):
            continue
        cts = [Zero(v.aval) if ct is None else ct for v, ct in zip(eqn.outputs, cts)]
        invals = [
            UndefinedPrimal(a.aval)
            if type(a) is Var and a in linear
            else (a.value if type(a) is Literal else primal_env[a])
            for a in eqn.inputs
        ]
        rule = transpose_rules.get(eqn.primitive)
        if rule is None:
            why = not_transposable.get(eqn.primitive)
            if why is not None:
                raise core.FungradTypeError(f"[vjp] at {eqn.source_info}: {why}")
            raise NotImplementedError(f"[vjp] transpose rule for primitive `{eqn.primitive.name}` is not implemented")
        info = eqn.source_info
        with core.source_override(info._replace(transposed_from=info) if info is not None else None):
            cts_in = rule(cts if eqn.primitive.multiple_results else cts[0], *invals, **eqn.params)
            for a, ct in zip(eqn.inputs, cts_in):
                accumulate(a, ct)
    return [ct_env.get(v, Zero(v.aval)) for v in ir.invars]


def vjp_flat(fun: Callable, primals: Sequence, name: str = "vjp"):
    """Returns (primals_out, vjp_fun) where ``vjp_fun(cts_out) -> cts_in`` (Zero where nothing flows)."""
    primals_out, linear = linearize_flat(fun, primals, name=name)
    return primals_out, linear.transpose


# ----------------------------------------------------------------------------------------------
# Registration: the only way rules enter this module's tables.


def def_jvp(prim: core.Primitive, rule: Callable) -> None:
    """Register ``rule(primals, tangents, **params) -> (primal_out, tangent_out)`` for ``prim``."""
    jvp_rules[prim] = rule


def def_transpose(prim: core.Primitive, rule: Callable) -> None:
    """Register ``rule(ct, *invals, **params) -> cts`` for a primitive declared ``linear=True``."""
    if not prim.linear:
        raise core.FungradError(
            f"def_transpose: primitive `{prim.name}` is not declared linear; create it with "
            "Primitive(..., linear=True) if it is linear in some operand"
        )
    transpose_rules[prim] = rule


def def_tangent_ops(*, add: Callable, zeros: Callable) -> None:
    """Register the operations AD needs from the primitive families (see ``_TangentOps``)."""
    tangent_ops.add, tangent_ops.zeros = add, zeros


not_transposable: dict[core.Primitive, str] = {}


def def_not_transposable(prim: core.Primitive, why: str) -> None:
    """``prim`` cannot be transposed (reverse mode through it fails): ``why`` says what to do instead."""
    not_transposable[prim] = why


# ----------------------------------------------------------------------------------------------
# Rule families (one-line registration for most primitives)


def defjvp(prim: core.Primitive, *per_operand: Callable | None) -> None:
    """jvp from per-operand derivatives: ``fn(t, ans, *primals, **params)`` gives that operand's term.

    ``None`` marks an operand with no derivative (an integer index, say). Terms of zero tangents are
    skipped, so symbolic zeros stay symbolic.
    """

    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        out = None
        for fn, t in zip(per_operand, tangents):
            if fn is None or type(t) is Zero:
                continue
            term = fn(t, ans, *primals, **params)
            out = term if out is None else tangent_ops.add(out, term)
        return ans, Zero(core.get_aval(ans).to_tangent_aval()) if out is None else out

    def_jvp(prim, rule)


def defjvp_zero(prim: core.Primitive) -> None:
    """The output does not depend differentiably on the inputs (comparisons, argmax, stop_gradient)."""

    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [Zero(core.get_aval(a).to_tangent_aval()) for a in ans]
        return ans, Zero(core.get_aval(ans).to_tangent_aval())

    def_jvp(prim, rule)


def deflinear(prim: core.Primitive, transpose: Callable) -> None:
    """A primitive linear in all its operands: jvp applies it to the tangents; ``transpose`` given."""

    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if all(type(t) is Zero for t in tangents):
            return ans, Zero(core.get_aval(ans).to_tangent_aval())
        return ans, prim.bind(*[instantiate(t) for t in tangents], **params)

    prim.linear = True  # linear in every operand by construction
    def_jvp(prim, rule)
    def_transpose(prim, transpose)


def defbilinear(prim: core.Primitive, lhs_transpose: Callable, rhs_transpose: Callable) -> None:
    """``prim(x, y)`` linear in each operand separately (mul, dot_general).

    ``lhs_transpose(ct, x_undefined, y, **params)`` gives the cotangent of ``x``; likewise for ``y``.
    """
    defjvp(
        prim,
        lambda t, ans, x, y, **params: prim.bind(t, y, **params),
        lambda t, ans, x, y, **params: prim.bind(x, t, **params),
    )

    def transpose(ct, x, y, **params):
        if type(ct) is Zero:
            return [None, None]
        if is_undefined(x) and is_undefined(y):
            raise NotImplementedError(f"[vjp] {prim.name} is not linear in both operands at once")
        if is_undefined(x):
            return [lhs_transpose(ct, x, y, **params), None]
        return [None, rhs_transpose(ct, x, y, **params)]

    prim.linear = True  # linear in each operand by construction
    def_transpose(prim, transpose)


# ----------------------------------------------------------------------------------------------
# The rewrite toolkit: IR -> IR versions of the interpreters above, for higher-order primitives.
# Sub-IRs are const-free (``ir.closure_convert``); each rewrite returns a new const-free IR plus the
# constants to pass as its leading operands, and is cached weakly on the identity of its input.


def _per_output(flag, n: int) -> tuple[bool, ...]:
    return (flag,) * n if isinstance(flag, bool) else tuple(flag)


class JvpIR(NamedTuple):
    """``ir``: (primals, nonzero tangents) -> (primal outs, nonzero tangent outs); ``out_nonzero``."""

    ir: IR
    consts: tuple
    out_nonzero: tuple[bool, ...]


@rewrite
def jvp_ir(ir: IR, nonzero: tuple[bool, ...], force_nonzero: bool | tuple[bool, ...] = False) -> JvpIR:
    """Forward-mode version of ``ir`` given which input tangents are (symbolically) nonzero.

    ``force_nonzero`` makes the marked outputs' tangents real zeros instead of symbolic ones (only for
    differentiable outputs), so a loop body's tangent pattern can be held fixed.
    """
    in_avals, n = ir.in_avals, len(ir.invars)
    force = _per_output(force_nonzero, len(ir.outvars))
    out_nonzero: list[bool] = []

    def fun(*xs):
        ts = iter(xs[n:])
        tangents = [next(ts) if nz else Zero(a.to_tangent_aval()) for a, nz in zip(in_avals, nonzero)]
        outs, t_outs = jvp_flat(lambda *p: eval_ir(ir, (), p), xs[:n], tangents, name="jvp")
        t_outs = [
            instantiate(t) if f and type(t) is Zero and core.is_differentiable_dtype(t.aval.dtype) else t
            for t, f in zip(t_outs, force)
        ]
        out_nonzero.extend(type(t) is not Zero for t in t_outs)
        return [*outs, *(t for t in t_outs if type(t) is not Zero)]

    t_avals = [a.to_tangent_aval() for a, nz in zip(in_avals, nonzero) if nz]
    sub, consts = trace_to_subir(fun, [*in_avals, *t_avals], "jvp")
    return JvpIR(sub, consts, tuple(out_nonzero))


class Split(NamedTuple):
    """A partial evaluation of an IR into what runs now and what is staged.

    ``known``: (known operands) -> (known outputs, residuals), const-free, with ``known_consts`` as its
    leading operands. ``unknown``: (residuals, unknown operands) -> unknown outputs. ``out_unknown``
    marks the unknown outputs. ``known_sources`` says where each known output / residual comes from:
    ``("in", i)`` forwards known operand ``i`` (no copy through XLA), ``("out", j)`` is output ``j``
    of the known IR. ``n_known_outs`` separates known outputs from residuals in that list.
    """

    known: IR
    known_consts: tuple
    unknown: IR
    out_unknown: tuple[bool, ...]
    n_known_outs: int
    known_sources: tuple[tuple[str, int], ...]

    @property
    def residual_avals(self) -> list[ShapedArray]:
        return self.unknown.in_avals[: len(self.known_sources) - self.n_known_outs]


@rewrite
def partial_eval_ir(
    ir: IR, unknown: tuple[bool, ...], force_unknown: bool | tuple[bool, ...] = False, policy: Callable | None = None
) -> Split:
    """Split ``ir`` into the work that needs only known operands and the work that needs unknown ones.

    Reverse mode applies this to a jvp IR with primals known and tangents unknown: the known part is
    the forward pass (plus residuals), the unknown part is the linear map. The split is found by
    evaluating ``ir`` under a partially-evaluating trace whose parent stages every known value, so
    nested higher-order primitives split recursively. ``force_unknown`` marks outputs that must come
    out of the unknown IR even when they are known (a loop carry that is unknown elsewhere).

    With a ``policy`` (``checkpoint``'s: ``policy(primitive, *in_avals, **params) -> bool``) a known
    value the unknown part needs is a residual only if the equation producing it is saveable; other
    known values are recomputed inside the unknown IR from saveable values and the known inputs.
    """
    force = _per_output(force_unknown, len(ir.outvars))
    known_trace = StagingTrace(stage_constants=True, name="partial_eval")
    if policy is None:
        unknown_trace = StagingTrace(parent=known_trace, stage_constants=False, name="partial_eval")
    else:
        saveable = lambda eqn: policy(eqn.primitive, *(a.aval for a in eqn.inputs), **eqn.params)  # noqa: E731
        unknown_trace = RecomputingTrace(known_trace, saveable)
    args = [(unknown_trace if u else known_trace).new_arg(a) for a, u in zip(ir.in_avals, unknown)]
    with core.tracing(unknown_trace, known_trace), jax.ensure_compile_time_eval():
        outs = eval_ir(ir, (), args)
        out_unknown = tuple(f or unknown_trace.is_own(o) for o, f in zip(outs, force))
        u_closed = unknown_trace.to_closed_ir([o for o, u in zip(outs, out_unknown) if u])
        u_ir = dce(u_closed.ir)
        used = {a for e in u_ir.eqns for a in e.inputs if type(a) is Var} | set(u_ir.outvars)
        keep = [(v, r) for v, r in zip(u_ir.constvars, u_closed.consts) if v in used]
        residuals = [r for _, r in keep]
        u_sub = IR((), (*(v for v, _ in keep), *u_ir.invars), u_ir.eqns, u_ir.outvars)
        known_outs = [o for o, u in zip(outs, out_unknown) if not u]
        k_closed = known_trace.to_closed_ir([*known_outs, *residuals])
    k_ir = k_closed.ir
    positions = {v: i for i, v in enumerate(k_ir.invars)}
    sources, kept_outs, returned = [], [], {}
    for atom in k_ir.outvars:
        if type(atom) is Var and atom in positions:
            sources.append(("in", positions[atom]))
        elif type(atom) is Var and atom in returned:  # a residual that is also a known output
            sources.append(("out", returned[atom]))
        else:
            if type(atom) is Var:
                returned[atom] = len(kept_outs)
            sources.append(("out", len(kept_outs)))
            kept_outs.append(atom)
    k_sub, k_consts = closure_convert(ClosedIR(k_ir._replace(outvars=tuple(kept_outs)), k_closed.consts))
    return Split(k_sub, k_consts, u_sub, out_unknown, len(known_outs), tuple(sources))


def run_known(split: Split, known_args: Sequence, call: Callable) -> tuple[list, list]:
    """Evaluate a split's known part: ``call(known_ir, operands)`` runs it (e.g. binds the primitive)
    when it has work, else its outputs are forwarded operands. Returns (known outputs, residuals)."""
    if split.known.eqns:
        results = call(split.known, [*split.known_consts, *known_args])
    else:  # nothing to compute: the known outputs are operands or literals
        results = eval_ir(split.known, (), [*split.known_consts, *known_args])
    values = [known_args[i] if kind == "in" else results[i] for kind, i in split.known_sources]
    return values[: split.n_known_outs], values[split.n_known_outs :]


class TransposeIR(NamedTuple):
    """``ir``: (non-linear operands, nonzero output cts) -> nonzero cts of the linear operands."""

    ir: IR
    consts: tuple
    in_nonzero: tuple[bool, ...]


@rewrite
def transpose_ir(
    ir: IR, linear: tuple[bool, ...], ct_nonzero: tuple[bool, ...], force_nonzero: bool = False
) -> TransposeIR:
    """The transpose of ``ir`` with respect to its ``linear`` inputs (the rest are residuals).

    ``force_nonzero`` returns real zeros instead of symbolic ones for every linear input (a loop's
    carried cotangent must keep one pattern).
    """
    res_vars = tuple(v for v, lin in zip(ir.invars, linear) if not lin)
    lin_vars = tuple(v for v, lin in zip(ir.invars, linear) if lin)
    view = IR(res_vars, lin_vars, ir.eqns, ir.outvars)  # backward_pass: constvars are non-linear
    ct_avals = [a.aval for a, nz in zip(ir.outvars, ct_nonzero) if nz]
    nres, in_nonzero = len(res_vars), []

    def fun(*xs):
        cts = iter(xs[nres:])
        cts_out = [next(cts) if nz else Zero(a.aval) for a, nz in zip(ir.outvars, ct_nonzero)]
        cts_in = backward_pass(view, xs[:nres], cts_out)
        if force_nonzero:
            cts_in = [instantiate(c, v.aval) for c, v in zip(cts_in, lin_vars)]
        in_nonzero.extend(type(c) is not Zero for c in cts_in)
        return [c for c in cts_in if type(c) is not Zero]

    sub, consts = trace_to_subir(fun, [*(v.aval for v in res_vars), *ct_avals], "transpose")
    return TransposeIR(sub, consts, tuple(in_nonzero))
