"""Staging: trace a Python function into an IR.

Contract. A :class:`StagingTrace` records every primitive applied to its own tracers as an equation.
Values that are not its own tracers (concrete arrays, tracers of enclosing transformations) become
constants of the IR: scalars as inline literals, everything else as constant variables whose values
travel with the :class:`~fungrad._src.ir.ClosedIR` (this is closure conversion). Two modes:

* ``stage_constants=True`` (``make_ir``, ``jit``, control-flow bodies): every primitive is staged,
  including ones that only touch constants, so compiled programs build their constants in XLA.
* ``stage_constants=False`` (``linearize``): primitives whose operands are all constants run now on
  the parent trace. Only work that depends on the staged inputs is recorded. This is partial
  evaluation: with tangents as the staged inputs, the recorded program is the linear map and the
  constants it captures are the residuals.
"""

from __future__ import annotations

import collections
import warnings
from collections.abc import Callable, Sequence

import jax

from fungrad._src import core
from fungrad._src.config import config
from fungrad._src.core import ShapedArray, Tracer
from fungrad._src.ir import IR, ClosedIR, Eqn, Literal, Var, canonical, closure_convert

# Partial evaluation of higher-order primitives (``jit``): ``rule(trace, args, params)`` for a
# ``stage_constants=False`` trace runs the part of the call that depends only on values that are not
# the trace's own now and stages the rest (see ``fungrad._src.jit``).
partial_eval_rules: dict[core.Primitive, Callable] = {}


def def_partial_eval(prim: core.Primitive, rule: Callable) -> None:
    """Register how a higher-order ``prim`` splits under partial evaluation (``rule(trace, args, params)``)."""
    partial_eval_rules[prim] = rule


class StagingTracer(Tracer):
    __slots__ = ("var",)

    def __init__(self, trace: StagingTrace, var: Var):
        self._trace = trace
        self.var = var

    @property
    def aval(self) -> ShapedArray:
        return self.var.aval

    @property
    def created_at(self):
        producer = self._trace.producers.get(self.var)
        return producer.source_info if producer is not None else None


class StagingTrace(core.Trace):
    def __init__(self, parent=None, *, stage_constants: bool = True, name: str = "make_ir"):
        super().__init__(parent)
        self.name = name
        self.stage_constants = stage_constants
        self.eqns: list[Eqn] = []
        self.invars: list[Var] = []
        self.arg_names: dict[Var, str] = {}
        self.producers: dict[Var, Eqn] = {}
        self.constvars: dict[int, tuple[object, Var]] = {}

    def new_arg(self, aval: ShapedArray, name: str | None = None) -> StagingTracer:
        var = Var(aval)
        self.invars.append(var)
        if name is not None:
            self.arg_names[var] = name
        return StagingTracer(self, var)

    def to_atom(self, x):
        if isinstance(x, StagingTracer) and x._trace is self:
            return x.var
        if isinstance(x, Tracer):
            if not x._trace.alive:
                core.raise_leaked(x)
        else:
            x = core.as_concrete(x)
            if x.shape == ():
                return Literal(x, core.get_aval(x))
        hit = self.constvars.get(id(x))
        if hit is None:
            hit = self.constvars[id(x)] = (x, Var(core.get_aval(x)))
        return hit[1]

    def process_primitive(self, prim, args, params):
        if not self.stage_constants:
            if not any(isinstance(a, StagingTracer) and a._trace is self for a in args):
                return core.bind_with_parent(self, prim, args, params)
            rule = partial_eval_rules.get(prim)
            if rule is not None:  # higher-order primitives split into a part run now and a staged part
                return rule(self, args, params)
        return self.stage(prim, args, params)

    def stage(self, prim, args, params):
        """Record ``prim`` applied to ``args`` as an equation (no partial evaluation)."""
        inputs = tuple(self.to_atom(a) for a in args)
        try:
            out_avals = core.abstract_eval(prim, [a.aval for a in inputs], params)
        except core.FungradTypeError as err:
            raise core.FungradTypeError(f"[{self.name}] at {core.user_source_info()}: {err}") from None
        if prim.multiple_results:
            outvars = tuple(Var(a) for a in out_avals)
        else:
            outvars = (Var(out_avals),)
        eqn = Eqn(prim, inputs, params, outvars, core.user_source_info())
        self.eqns.append(eqn)
        if len(self.eqns) == config.trace_size_warning:
            self._warn_trace_size()
        for v in outvars:
            self.producers[v] = eqn
        tracers = [StagingTracer(self, v) for v in outvars]
        return tracers if prim.multiple_results else tracers[0]

    def _warn_trace_size(self):
        """A trace this long is usually a Python loop unrolled into the IR: say where, once."""
        lines = collections.Counter(str(e.source_info) for e in self.eqns if e.source_info is not None)
        top = "; ".join(f"{where}: {n} equations" for where, n in lines.most_common(3))
        warnings.warn(
            f"[{self.name}] the traced program has grown to {len(self.eqns)} equations (most from {top}). "
            "A Python loop is unrolled into the program, so tracing and compiling grow with its length; "
            "write it with fungrad.lax.scan or fungrad.lax.fori_loop to keep one loop "
            "(fungrad.config.update('trace_size_warning', 0) silences this).",
            stacklevel=3,
        )

    def concretize(self, tracer, why):
        args = self.arguments_behind(tracer.var)
        named = ", ".join(args) if args else "a traced input"
        hint = ""
        if self.name == "jit":
            hint = (
                " If the control flow depends on a configuration value, mark that argument static "
                "with `static_argnums`/`static_argnames`."
            )
        if "bool()" in why:
            hint += (
                " For control flow on traced values use fungrad.lax.cond / fungrad.lax.switch (branches), "
                "fungrad.lax.while_loop / fori_loop / scan (loops), or fungrad.numpy.where (elementwise)."
            )
        raise core.ConcretizationError(
            f"[{self.name}] {why} needs a concrete value, but this value "
            f"({tracer.aval.str_short()}, created at {tracer.created_at}) is traced: "
            f"it depends on {named}.{hint}"
        )

    def arguments_behind(self, var: Var) -> list[str]:
        """Names of the traced inputs that ``var`` depends on (for error messages)."""
        seen, stack, found = set(), [var], []
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in self.arg_names:
                found.append(self.arg_names[v])
            eqn = self.producers.get(v)
            if eqn is not None:
                stack.extend(a for a in eqn.inputs if isinstance(a, Var))
        return sorted(found)

    def to_closed_ir(self, outputs: Sequence) -> ClosedIR:
        outvars = tuple(self.to_atom(x) for x in outputs)
        consts = list(self.constvars.values())
        ir = IR(tuple(v for _, v in consts), tuple(self.invars), tuple(self.eqns), outvars)
        return ClosedIR(ir, tuple(c for c, _ in consts))


class RecomputingTrace(StagingTrace):
    """Partial evaluation that recomputes instead of saving (rematerialization, ``checkpoint``).

    Where a staged equation needs a known value, a plain partial-evaluating trace captures the value
    as a residual. This one asks ``saveable(eqn)`` about the known equation that produced it and, if
    the answer is no, stages that equation again (its own known inputs recursively likewise), so the
    staged program recomputes the value from saveable values and the known inputs.
    """

    def __init__(self, parent: StagingTrace, saveable: Callable, name: str = "checkpoint"):
        super().__init__(parent, stage_constants=False, name=name)
        self.saveable = saveable
        self.recomputed: dict[Var, StagingTracer] = {}

    def to_atom(self, x):
        if isinstance(x, StagingTracer) and x._trace is self.parent:
            eqn = self.parent.producers.get(x.var)
            if eqn is not None and not self.saveable(eqn):
                return self._recompute(x.var, eqn).var
        return super().to_atom(x)

    def _recompute(self, var: Var, eqn: Eqn) -> StagingTracer:
        hit = self.recomputed.get(var)
        if hit is None:
            known = self.parent
            args = [a.value if type(a) is Literal else StagingTracer(known, a) for a in eqn.inputs]
            with core.source_override(eqn.source_info):
                outs = self.stage(eqn.primitive, args, eqn.params)
            self.recomputed.update(zip(eqn.outputs, outs if eqn.primitive.multiple_results else [outs]))
            hit = self.recomputed[var]
        return hit


def trace_to_ir(
    fun_flat: Callable, in_avals: Sequence[ShapedArray], *, name: str = "make_ir", arg_names=None
) -> tuple[ClosedIR, list]:
    """Trace ``fun_flat`` (a function of a flat list of arrays returning a flat list) to a ClosedIR."""
    trace = StagingTrace(stage_constants=True, name=name)
    names = arg_names or [None] * len(in_avals)
    args = [trace.new_arg(a, n) for a, n in zip(in_avals, names)]
    with core.tracing(trace):
        outs = fun_flat(*args)
        return trace.to_closed_ir(outs), outs


def trace_to_subir(fun_flat: Callable, in_avals: Sequence[ShapedArray], name: str) -> tuple[IR, tuple]:
    """Trace ``fun_flat`` to the const-free IR a higher-order primitive holds, and its constants.

    Tracing may happen inside JAX's own trace (fungrad's jit body, or a user's ``jax.jit``), where
    even ``jnp.asarray(1.0)`` would give a JAX tracer; the IR's constants must be concrete.
    """
    with jax.ensure_compile_time_eval():
        closed, _ = trace_to_ir(fun_flat, in_avals, name=name)
    sub, consts = closure_convert(closed)
    # Structurally identical sub-IRs share one IR, so everything cached on its identity (compiled
    # programs, rewrites) is reused when a body is traced again, e.g. by every eager call.
    return canonical(sub), consts
