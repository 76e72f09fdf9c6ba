"""The IR: a typed, first-order program in A-normal form.

Contract. An :class:`IR` has constant variables (values supplied by a :class:`ClosedIR`), input
variables, a list of equations and output atoms. An :class:`Eqn` applies one primitive to atoms
(:class:`Var` or :class:`Literal`) and defines fresh output variables; it remembers the user's source
line that created it (and, for equations of a backward pass, the forward line it was transposed
from). IR values are immutable. This module also holds the type checker (re-runs abstract eval on
every equation), dead-code elimination, the evaluator (which ``bind``\\ s every equation, so
evaluating an IR under a transformation transforms it) and the JAX-like pretty printer.
"""

from __future__ import annotations

import collections
import functools
import itertools
import os
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from fungrad._src import core
from fungrad._src.core import ShapedArray, SourceInfo

_var_ids = itertools.count()


class Var:
    """A variable of the IR, defined once. Compared by identity."""

    __slots__ = ("aval", "id")

    def __init__(self, aval: ShapedArray):
        self.aval = aval
        self.id = next(_var_ids)

    def __repr__(self):
        return f"Var({self.id}:{self.aval.str_short()})"


class Literal:
    """A scalar constant written inline in the IR."""

    __slots__ = ("value", "aval")

    def __init__(self, value, aval: ShapedArray):
        self.value = value
        self.aval = aval

    def __repr__(self):
        value = np.asarray(self.value)
        text = repr(value.item()) if value.dtype != np.bool_ else str(bool(value))
        return f"{text}:{self.aval.str_short()}"


Atom = Var | Literal


class Eqn(NamedTuple):
    primitive: core.Primitive
    inputs: tuple[Atom, ...]
    params: dict[str, Any]
    outputs: tuple[Var, ...]
    source_info: SourceInfo | None


class IR:
    """A program: constant variables, input variables, equations and output atoms.

    Immutable; compared and hashed by identity, and weakly referenceable, so the rewrite toolkit can
    cache what it derives from an IR for exactly as long as the IR lives. ``_replace`` makes a new IR.
    """

    __slots__ = ("constvars", "invars", "eqns", "outvars", "__weakref__")

    def __init__(self, constvars, invars, eqns, outvars):
        object.__setattr__(self, "constvars", tuple(constvars))
        object.__setattr__(self, "invars", tuple(invars))
        object.__setattr__(self, "eqns", tuple(eqns))
        object.__setattr__(self, "outvars", tuple(outvars))

    def __setattr__(self, name, value):
        raise AttributeError("IR is immutable: use _replace")

    def _replace(self, **fields) -> IR:
        current = dict(constvars=self.constvars, invars=self.invars, eqns=self.eqns, outvars=self.outvars)
        return IR(**{**current, **fields})

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self):
        return pretty_print(self)

    def __repr__(self):
        return f"<IR {len(self.invars)} inputs, {len(self.eqns)} equations, {len(self.outvars)} outputs>"


class ClosedIR(NamedTuple):
    """An IR together with the values of its constant variables."""

    ir: IR
    consts: tuple[Any, ...]

    in_avals = property(lambda self: self.ir.in_avals)
    out_avals = property(lambda self: self.ir.out_avals)

    def __str__(self):
        return pretty_print(self.ir)

    def __call__(self, *args):
        return eval_ir(self.ir, self.consts, args)


# ----------------------------------------------------------------------------------------------
# Evaluation


def eval_ir(ir: IR, consts, args) -> list:
    """Evaluate ``ir`` by binding each equation under the current trace."""
    env: dict[Var, Any] = {}

    def read(atom):
        return atom.value if isinstance(atom, Literal) else env[atom]

    for v, x in zip(ir.constvars, consts):
        env[v] = x
    if len(args) != len(ir.invars):
        raise core.FungradTypeError(f"IR takes {len(ir.invars)} arguments, got {len(args)}")
    for v, x in zip(ir.invars, args):
        env[v] = x
    for eqn in ir.eqns:
        with core.source_override(eqn.source_info):
            out = eqn.primitive.bind(*map(read, eqn.inputs), **eqn.params)
        if eqn.primitive.multiple_results:
            env.update(zip(eqn.outputs, out))
        else:
            env[eqn.outputs[0]] = out
    return [read(v) for v in ir.outvars]


# ----------------------------------------------------------------------------------------------
# Type checking and dead-code elimination


class IRTypeError(core.FungradError):
    pass


def typecheck(ir: IR) -> None:
    """Re-run abstract evaluation on every equation; raise :class:`IRTypeError` on any mismatch."""
    defined: set[Var] = set()

    def check_atom(atom, where):
        if isinstance(atom, Var) and atom not in defined:
            raise IRTypeError(f"{where}: variable {atom} used before it is defined")

    for v in (*ir.constvars, *ir.invars):
        if v in defined:
            raise IRTypeError(f"variable {v} bound twice")
        defined.add(v)
    for eqn in ir.eqns:
        where = f"equation `{eqn.primitive.name}` at {eqn.source_info}"
        for atom in eqn.inputs:
            check_atom(atom, where)
        expected = core.abstract_eval(eqn.primitive, [a.aval for a in eqn.inputs], eqn.params)
        expected = expected if eqn.primitive.multiple_results else [expected]
        got = [v.aval for v in eqn.outputs]
        if [(a.shape, a.dtype) for a in expected] != [(a.shape, a.dtype) for a in got]:
            raise IRTypeError(f"{where}: outputs typed {got}, abstract eval gives {expected}")
        for sub in _sub_irs(eqn.params):
            typecheck(sub)
        for v in eqn.outputs:
            if v in defined:
                raise IRTypeError(f"{where}: variable {v} bound twice")
            defined.add(v)
    for atom in ir.outvars:
        check_atom(atom, "output")


def _sub_irs(params):
    for value in params.values():
        if isinstance(value, ClosedIR):
            yield value.ir
        elif isinstance(value, IR):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, IR))


effectful_primitives: set[core.Primitive] = set()
# Higher-order primitives prune their sub-IRs: ``rule(used_outputs, eqn) -> (used_inputs, new_eqn)``.
dce_rules: dict[core.Primitive, Callable] = {}


def def_effectful(prim: core.Primitive) -> None:
    """``prim`` has an effect (a host callback, say): DCE keeps it even when its outputs are unused."""
    effectful_primitives.add(prim)


def def_dce(prim: core.Primitive, rule: Callable) -> None:
    """Register how DCE prunes a higher-order ``prim`` given which of its outputs are used."""
    dce_rules[prim] = rule


_effects: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def has_effect(eqn: Eqn) -> bool:
    """The equation has an effect of its own or in a sub-IR (a debug callback inside a loop body)."""
    if eqn.primitive in effectful_primitives:
        return True
    for sub in _sub_irs(eqn.params):
        hit = _effects.get(sub)
        if hit is None:
            hit = _effects[sub] = any(has_effect(e) for e in sub.eqns)
        if hit:
            return True
    return False


def _dce_eqns(eqns, live: set) -> list:
    kept = []
    for eqn in reversed(eqns):
        used_outs = [v in live for v in eqn.outputs]
        if not any(used_outs) and not has_effect(eqn):
            continue
        rule = dce_rules.get(eqn.primitive)
        if rule is not None:
            inputs = eqn.inputs  # used_ins is a mask over these, not over the pruned equation's inputs
            used_ins, eqn = rule(used_outs, eqn)
            if eqn is None:
                continue
            live.update(a for a, u in zip(inputs, used_ins) if u and type(a) is Var)
        else:
            live.update(a for a in eqn.inputs if type(a) is Var)
        kept.append(eqn)
    return kept[::-1]


def dce(ir: IR) -> IR:
    """Drop equations whose outputs are never used (inputs, outputs and constants are kept)."""
    live = {v for v in ir.outvars if type(v) is Var}
    return ir._replace(eqns=_dce_eqns(ir.eqns, live))


def prune_constvars(closed: ClosedIR) -> ClosedIR:
    """Drop constants that no equation or output uses."""
    ir = closed.ir
    used = {v for eqn in ir.eqns for v in eqn.inputs if isinstance(v, Var)}
    used.update(v for v in ir.outvars if isinstance(v, Var))
    keep = [(v, c) for v, c in zip(ir.constvars, closed.consts) if v in used]
    return ClosedIR(ir._replace(constvars=tuple(v for v, _ in keep)), tuple(c for _, c in keep))


def closure_convert(closed: ClosedIR) -> tuple[IR, tuple]:
    """A const-free IR (constants become leading inputs) and the constants to pass for them.

    Higher-order primitives hold const-free sub-IRs as params and take the constants as operands,
    so a sub-IR never captures a value (tracer or array) and can be cached by identity.
    """
    closed = prune_constvars(ClosedIR(dce(closed.ir), closed.consts))
    ir = closed.ir
    return IR((), (*ir.constvars, *ir.invars), ir.eqns, ir.outvars), closed.consts


# ----------------------------------------------------------------------------------------------
# The rewrite toolkit's cache: results live exactly as long as the IR they were derived from.

# Tests turn this on (FUNGRAD_CHECK_REWRITES=1): every IR a rewrite produces is type checked.
check_rewrites = os.environ.get("FUNGRAD_CHECK_REWRITES", "") not in ("", "0")


def rewrite(fn: Callable) -> Callable:
    """Cache an IR-to-IR rewrite ``fn(ir, *hashable_args)`` on the identity of ``ir``, weakly.

    Each result holds only new IRs, never ``ir`` itself, so when ``ir`` dies its entries go too.
    With :data:`check_rewrites` on, every IR in the result (a tuple of fields) is type checked.
    """
    cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @functools.wraps(fn)
    def cached(ir: IR, *args):
        per_ir = cache.get(ir)
        if per_ir is None:
            per_ir = cache[ir] = {}
        hit = per_ir.get(args)
        if hit is None:
            hit = per_ir[args] = fn(ir, *args)
            if check_rewrites:
                for field in hit:
                    if isinstance(field, IR):
                        typecheck(field)
        return hit

    cached.cache = cache
    return cached


@rewrite
def dce_ir(ir: IR, used_outputs: tuple[bool, ...], keep_inputs: tuple[bool, ...] | None = None):
    """Keep only the used outputs and what they need; returns ``(ir, used_inputs)``.

    Inputs neither needed nor marked in ``keep_inputs`` are dropped. Loop primitives iterate this to
    a fixed point over their carries (a carry stays while its output or its input is used).
    """
    outvars = tuple(v for v, u in zip(ir.outvars, used_outputs) if u)
    live = {v for v in outvars if type(v) is Var}
    eqns = _dce_eqns(ir.eqns, live)
    keep = keep_inputs or (False,) * len(ir.invars)
    used_inputs = tuple(v in live or k for v, k in zip(ir.invars, keep))
    new = IR(ir.constvars, tuple(v for v, u in zip(ir.invars, used_inputs) if u), eqns, outvars)
    return new, used_inputs


# A sub-IR traced again (an eager call in a Python loop, a function re-created per call) gives a new IR
# with the same text; mapping it to the first one keeps every cache keyed on IR identity warm. The
# text includes every parameter and literal, and constants are operands, so equal text means equal
# programs. The table holds IRs weakly, plus the most recently used few strongly (a body re-traced by
# every eager call in a loop stays warm between calls): a strong table of hundreds of IRs would keep
# each one's rewrites and compiled programs alive, about 3 MB per function (#17.1 memory soak).
_CANONICAL_RECENT = 32
_canonical: weakref.WeakValueDictionary[tuple, IR] = weakref.WeakValueDictionary()
_recent: collections.OrderedDict[tuple, IR] = collections.OrderedDict()


def clear_canonical() -> None:
    _canonical.clear()
    _recent.clear()


def canonical(sub: IR) -> IR:
    """The first IR seen with ``sub``'s text and types (``sub`` itself if it is the first)."""
    key = (pretty_print(sub), tuple(sub.in_avals), tuple(sub.out_avals))
    hit = _canonical.get(key)
    if hit is None:
        _canonical[key] = hit = sub
    _recent[key] = hit
    _recent.move_to_end(key)
    if len(_recent) > _CANONICAL_RECENT:
        _recent.popitem(last=False)
    return hit


# ----------------------------------------------------------------------------------------------
# Pretty printing


def _name_generator():
    letters = "abcdefghijklmnopqrstuvwxyz"
    for n in itertools.count(1):
        for combo in itertools.product(letters, repeat=n):
            yield "".join(combo)


class _Names:
    def __init__(self):
        self.names: dict[Var, str] = {}
        self.fresh = _name_generator()

    def __call__(self, atom) -> str:
        if isinstance(atom, Literal):
            return repr(atom)
        name = self.names.get(atom)
        if name is None:
            name = self.names[atom] = next(self.fresh)
        return name

    def binder(self, v: Var) -> str:
        return f"{self(v)}:{v.aval.str_short()}"


def _format_param(value, indent: int, show_source: bool) -> str:
    """A parameter's text; sub-IRs are printed indented under their equation, with their sources."""
    if isinstance(value, (ClosedIR, IR)):
        ir = value.ir if isinstance(value, ClosedIR) else value
        return "\n" + _pp(ir, indent + 4, _Names(), show_source)
    if isinstance(value, tuple) and value and all(isinstance(v, IR) for v in value):
        return "(" + ",".join(_format_param(v, indent, show_source) for v in value) + ")"
    if isinstance(value, np.dtype) or isinstance(value, type):
        return np.dtype(value).name
    return str(value)


def _pp(ir: IR, indent: int, names: _Names, show_source: bool = False) -> str:
    pad = " " * indent
    consts = " ".join(names.binder(v) for v in ir.constvars)
    ins = " ".join(names.binder(v) for v in ir.invars)
    lines = [f"{pad}{{ lambda {consts}{'; ' if consts else ''}{ins}. let"]
    for eqn in ir.eqns:
        outs = " ".join(names.binder(v) for v in eqn.outputs)
        params = ", ".join(f"{k}={_format_param(v, indent + 4, show_source)}" for k, v in sorted(eqn.params.items()))
        params = f"[{params}]" if params else ""
        args = " ".join(names(a) for a in eqn.inputs)
        where = f"    # {eqn.source_info}" if show_source and eqn.source_info else ""
        lines.append(f"{pad}    {outs} = {eqn.primitive.name}{params} {args}{where}".rstrip())
    outs = ", ".join(names(a) for a in ir.outvars)
    lines.append(f"{pad}  in ({outs}{',' if len(ir.outvars) == 1 else ''}) }}")
    return "\n".join(lines)


def pretty_print(ir: IR, show_source: bool = False) -> str:
    """JAX-like text of ``ir``; ``show_source`` appends each equation's user source line."""
    return _pp(ir, 0, _Names(), show_source)
