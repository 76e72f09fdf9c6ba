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

import itertools
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


class IR(NamedTuple):
    constvars: tuple[Var, ...]
    invars: tuple[Var, ...]
    eqns: tuple[Eqn, ...]
    outvars: tuple[Atom, ...]

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self):
        return pretty_print(self)


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


effectful_primitives: set[core.Primitive] = set()


def dce(ir: IR) -> IR:
    """Drop equations whose outputs are never used (inputs and constants are kept)."""
    live = {v for v in ir.outvars if isinstance(v, Var)}
    kept = []
    for eqn in reversed(ir.eqns):
        if eqn.primitive in effectful_primitives or any(v in live for v in eqn.outputs):
            kept.append(eqn)
            live.update(v for v in eqn.inputs if isinstance(v, Var))
    return ir._replace(eqns=tuple(reversed(kept)))


def prune_constvars(closed: ClosedIR) -> ClosedIR:
    """Drop constants that no equation or output uses."""
    ir = closed.ir
    used = {v for eqn in ir.eqns for v in eqn.inputs if isinstance(v, Var)}
    used.update(v for v in ir.outvars if isinstance(v, Var))
    keep = [(v, c) for v, c in zip(ir.constvars, closed.consts) if v in used]
    return ClosedIR(ir._replace(constvars=tuple(v for v, _ in keep)), tuple(c for _, c in keep))


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


pretty_print_param_rules: dict[core.Primitive, Any] = {}


def _format_param(value, indent: int) -> str:
    if isinstance(value, (ClosedIR, IR)):
        ir = value.ir if isinstance(value, ClosedIR) else value
        return "\n" + _pp(ir, indent + 4, _Names())
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
        params = ", ".join(f"{k}={_format_param(v, indent + 4)}" for k, v in sorted(eqn.params.items()))
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
