"""Why is this gradient zero? Explanations read from the IR.

Contract. :func:`why_zero` differentiates ``f`` once (fungrad's ``vjp`` with a unit cotangent on every
output) to find the input leaves and elements whose gradient is exactly zero, then stages ``f`` with
``make_ir``, evaluates the IR once keeping every intermediate value, and propagates two marks forward
from each zero-gradient input: *data* (the value depends on the input at all) and *derivative* (a
derivative can flow). An equation that receives the derivative mark but does not pass it on *cuts*
the path, and the cut is the explanation, with the user's line that created the equation:

* an integer or boolean result (an integer cast, a comparison), a primitive whose derivative is zero
  everywhere (``sign``, ``floor``, ``round``, ``argmax``...; registered with ``ad.defjvp_zero``), or
  ``stop_gradient``: static facts of the program;
* a ``where``/``select_n`` operand selected nowhere on these inputs, a ``max``/``min`` operand that never
  wins, a ReLU (``where(x > 0, x, ...)`` or ``max(x, 0)``) with ``x <= 0`` for every element: facts of
  these input values (the same program has gradients elsewhere).

An input whose data never reaches an output has *no data dependence*; elements of an input that a
``gather``/``slice`` applied to it never reads are reported as such. ``jit`` calls and the taken
branch of a ``cond`` are entered with their values; a ``scan`` body is analysed statically (its carries
to a fixed point) only when it is nested where values are unknown or runs more than
``MAX_SCAN_STEPS`` steps; otherwise it is run step by step with values, and each cut says at which
steps it happened. Element-level zeros of a leaf with
some nonzero gradient are attributed to ReLU units dead on the whole batch when such units lie on
its path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from jax import tree_util

from fungrad._src import ad, api, core
from fungrad._src.checkpoint import checkpoint_p
from fungrad._src.control_flow.cond import cond_p
from fungrad._src.control_flow.scan import scan_p
from fungrad._src.core import SourceInfo
from fungrad._src.ir import IR, Literal, Var
from fungrad._src.jit import jit_p
from fungrad._src.primitives import elementwise as ew

# ----------------------------------------------------------------------------------------------
# Evaluating an IR while keeping every intermediate value (also used by blame and the IR views)


# Call-like primitives (operands one to one with the sub-IR's inputs) and the param holding the sub-IR.
CALLS = {jit_p: "ir", checkpoint_p: "body"}


def evaluate_recording(ir: IR, consts, args, env: dict | None = None) -> dict:
    """Evaluate ``ir`` eagerly, equation by equation; returns ``env`` mapping every Var to its value.

    ``jit`` and ``checkpoint`` calls and the taken branch of a ``cond`` are entered, so their inner variables get values
    too. Other higher-order primitives run whole.
    """
    env = {} if env is None else env

    def read(a):
        return a.value if type(a) is Literal else env[a]

    env.update(zip(ir.constvars, consts))
    env.update(zip(ir.invars, args))
    for eqn in ir.eqns:
        ins = [read(a) for a in eqn.inputs]
        if eqn.primitive in CALLS:
            sub = eqn.params[CALLS[eqn.primitive]]
            evaluate_recording(sub, (), ins, env)
            outs = [read(a) for a in sub.outvars]
        elif eqn.primitive is cond_p:
            branch = eqn.params["branches"][int(np.clip(int(np.asarray(ins[0])), 0, len(eqn.params["branches"]) - 1))]
            evaluate_recording(branch, (), ins[1:], env)
            outs = [read(a) for a in branch.outvars]
        else:
            with core.source_override(eqn.source_info):
                out = eqn.primitive.bind(*ins, **eqn.params)
            outs = out if eqn.primitive.multiple_results else [out]
        env.update(zip(eqn.outputs, outs))
    return env


# ----------------------------------------------------------------------------------------------
# The report


class ZeroReason(NamedTuple):
    """One explanation: ``arg`` (the input leaf's path), ``kind`` (one of the kinds below), the
    ``primitive`` and user ``source`` where the derivative path is cut (None for ``no_dependence``
    and ``value_zero``), the zero ``elements`` it explains (None: the whole leaf) and a ``message``.

    Kinds: ``no_dependence``, ``not_read`` (elements an indexing or slice never reads), ``integer_cast``,
    ``comparison``, ``non_differentiable``, ``zero_derivative``, ``stop_gradient``, ``where_not_taken``,
    ``max_not_taken``, ``relu_inactive``, ``cond_branch_not_taken``, ``value_zero``.
    """

    arg: str
    kind: str
    primitive: str | None
    source: SourceInfo | None
    message: str
    elements: tuple | None = None

    def __str__(self):
        where = f" at {self.source}" if self.source is not None else ""
        return f"{self.kind}{where}: {self.message}"


class WhyZero:
    """The report of :func:`why_zero`: ``.reasons`` (a list of :class:`ZeroReason`), ``.zero`` (a dict
    from each input leaf with exact zeros to ``(number of zero elements, number of elements)``),
    ``.reasons_for(arg)`` and readable ``str()``."""

    def __init__(self, reasons, zero, names):
        self.reasons: list[ZeroReason] = reasons
        self.zero: dict[str, tuple[int, int]] = zero
        self.names = names

    def reasons_for(self, arg: str) -> list[ZeroReason]:
        return [r for r in self.reasons if r.arg == arg]

    def kinds(self, arg: str) -> list[str]:
        return [r.kind for r in self.reasons_for(arg)]

    def __str__(self):
        if not self.zero:
            return f"why_zero: no input among {', '.join(self.names)} has an exactly-zero gradient"
        lines = [f"why_zero: {len(self.zero)} of {len(self.names)} input leaves have exactly-zero gradients"]
        for arg, (nzero, size) in self.zero.items():
            whole = "the whole gradient is zero" if nzero == size else f"{nzero} of {size} elements are zero"
            lines.append(f"{arg}: {whole}")
            for r in self.reasons_for(arg):
                lines.append(f"  - {r}")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


# ----------------------------------------------------------------------------------------------
# The analysis

# A scan with known operands is analysed step by step, with values, up to this many steps (then statically).
MAX_SCAN_STEPS = 1000
_CASTS = {"convert_element_type"}
_INDEXING = {"gather", "slice", "dynamic_slice"}
_COMPARISONS = {"eq", "ne", "lt", "le", "gt", "ge", "and", "or", "xor", "not"}


def _is_zero_jvp(prim) -> bool:
    rule = ad.jvp_rules.get(prim)
    return rule is not None and "defjvp_zero" in getattr(rule, "__qualname__", "")


def _differentiable(aval) -> bool:
    return core.is_differentiable_dtype(aval.dtype)


class _Analysis:
    """Forward propagation of the data and derivative marks of one input over an IR."""

    def __init__(self, env: dict | None, arg: str):
        self.env, self.arg = env, arg
        self.data: set[Var] = set()
        self.diff: set[Var] = set()
        self.cuts: list[ZeroReason] = []
        self.partial: list[ZeroReason] = []
        self.cut_outputs: list[tuple[Var, ...]] = []
        self.leaf_var: Var | None = None  # the input being explained (for element-level reasons)
        self.producers: dict[Var, object] = {}

    def value(self, atom):
        if type(atom) is Literal:
            return np.asarray(atom.value)
        if self.env is not None and atom in self.env:
            return np.asarray(self.env[atom])
        return None

    def cut(self, kind, eqn, message):
        self.cuts.append(ZeroReason(self.arg, kind, eqn.primitive.name, eqn.source_info, message))
        self.cut_outputs.append(eqn.outputs)

    def run(self, ir: IR, in_data, in_diff) -> tuple[list[bool], list[bool]]:
        for v, d, g in zip(ir.invars, in_data, in_diff):
            if d:
                self.data.add(v)
            if g and _differentiable(v.aval):
                self.diff.add(v)
        for eqn in ir.eqns:
            for v in eqn.outputs:
                self.producers[v] = eqn
            data = [type(a) is Var and a in self.data for a in eqn.inputs]
            if not any(data):
                continue
            diff = [type(a) is Var and a in self.diff for a in eqn.inputs]
            out_data, out_diff = self.equation(eqn, data, diff)
            self.data.update(v for v, d in zip(eqn.outputs, out_data) if d)
            self.diff.update(v for v, d in zip(eqn.outputs, out_diff) if d and _differentiable(v.aval))
        outs = [type(a) is Var and a in self.data for a in ir.outvars]
        return outs, [type(a) is Var and a in self.diff for a in ir.outvars]

    def equation(self, eqn, data, diff):
        prim, n_out = eqn.primitive, len(eqn.outputs)
        everything = [True] * n_out
        if prim in CALLS:
            return self.run(eqn.params[CALLS[prim]], data, diff)
        if prim is cond_p:
            return self.cond(eqn, data, diff)
        if prim is scan_p:
            return self.scan(eqn, data, diff)
        if not any(diff):
            return everything, [False] * n_out
        if prim.name in _INDEXING and diff[0] and eqn.inputs[0] is self.leaf_var:
            self.unread_elements(eqn)
        if prim is ew.select_n_p:
            return everything, [self.select(eqn, diff)]
        if prim.name in ("max", "min"):
            return everything, [self.max_min(eqn, diff)]
        if _is_zero_jvp(prim):
            if prim.name == "stop_gradient":
                self.cut("stop_gradient", eqn, "stop_gradient blocks the derivative")
            elif prim.name in _COMPARISONS:
                self.cut("comparison", eqn, f"a comparison (`{prim.name}`) has no derivative")
            else:
                self.cut("zero_derivative", eqn, f"`{prim.name}` is piecewise constant: its derivative is zero")
            return everything, [False] * n_out
        if not any(_differentiable(v.aval) for v in eqn.outputs):
            dtype = eqn.outputs[0].aval.dtype
            if prim.name in _CASTS:
                self.cut("integer_cast", eqn, f"a cast to {np.dtype(dtype).name} drops the derivative")
            else:
                self.cut(
                    "non_differentiable", eqn, f"`{prim.name}` returns {np.dtype(dtype).name} values (no derivative)"
                )
            return everything, [False] * n_out
        return everything, everything

    def select(self, eqn, diff) -> bool:
        # The predicate never carries a derivative: its comparison is no news when a case is cut.
        self.forget_cuts_into([eqn.inputs[0]])
        relu = [k for k in range(1, len(eqn.inputs)) if self.relu_input(eqn, k)]
        if relu:  # nn.relu's stop_gradient(max(x, 0)) branch is an implementation detail
            self.forget_cuts_into(
                [a for k, a in enumerate(eqn.inputs) if k and k not in relu], ("stop_gradient", "max")
            )
        which = self.value(eqn.inputs[0])
        flows = False
        for k in range(1, len(eqn.inputs)):
            if not diff[k]:
                continue
            if which is None:
                flows = True
                continue
            chosen = which.astype(np.int64) == (k - 1)
            if chosen.any():
                flows = True
                if self.relu_input(eqn, k):
                    self.dead_units(eqn, k, chosen)
                elif not chosen.all():
                    self.unselected_elements(eqn, k, chosen)
            elif self.relu_input(eqn, k):
                self.cut("relu_inactive", eqn, "ReLU inactive on every element: its input is <= 0 everywhere")
            else:
                case = _case_name(k, len(eqn.inputs))
                self.cut("where_not_taken", eqn, f"the where/select operand {case} is selected nowhere on these inputs")
        return flows

    def forget_cuts_into(self, atoms, through=("broadcast_in_dim", "reshape", "convert_element_type")):
        """Drop the cuts that produce ``atoms`` (following producers through the ``through`` primitives)."""
        atoms, stack = set(atoms), list(atoms)
        while stack:
            eqn = self.producers.get(stack.pop())
            if eqn is not None and eqn.primitive.name in through:
                new = [a for a in eqn.inputs if type(a) is Var and a not in atoms]
                atoms.update(new)
                stack.extend(new)
        keep = [i for i, outs in enumerate(self.cut_outputs) if not any(v in atoms for v in outs)]
        self.cuts = [self.cuts[i] for i in keep]
        self.cut_outputs = [self.cut_outputs[i] for i in keep]

    def live_cuts(self, ir: IR) -> list[ZeroReason]:
        """The cuts on paths that reach an output of ``ir`` (cuts in sub-IRs are kept)."""
        live = {v for v in ir.outvars if type(v) is Var}
        for eqn in reversed(ir.eqns):
            if any(v in live for v in eqn.outputs):
                live.update(a for a in eqn.inputs if type(a) is Var)
        top = {v for eqn in ir.eqns for v in eqn.outputs}
        return [r for r, outs in zip(self.cuts, self.cut_outputs) if any(v in live or v not in top for v in outs)]

    def relu_input(self, eqn, k) -> bool:
        """``where(x > 0, x, ...)``: the predicate compares the selected operand itself with 0."""
        pred = self.producers.get(eqn.inputs[0])
        while pred is not None and pred.primitive.name in ("broadcast_in_dim", "reshape"):
            pred = self.producers.get(pred.inputs[0])
        if pred is None or pred.primitive.name != "gt":
            return False
        zero = self.value(pred.inputs[1])
        return pred.inputs[0] is eqn.inputs[k] and zero is not None and not np.any(zero)

    def unread_elements(self, eqn):
        """Indexing applied to the input leaf itself: the elements it never reads get no gradient."""
        ins = [self.value(a) for a in eqn.inputs]
        if any(x is None for x in ins):
            return
        read_one = lambda v: eqn.primitive.bind(v, *ins[1:], **eqn.params)  # noqa: E731
        out, pull = api.vjp(read_one, ins[0])
        (reach,) = pull(np.ones(np.shape(out), np.asarray(out).dtype))
        unread = np.argwhere(np.asarray(reach) == 0)
        if len(unread) == 0:
            return
        shown = ", ".join(str(tuple(int(i) for i in m)) for m in unread[:5]) + (" ..." if len(unread) > 5 else "")
        message = (
            f"`{eqn.primitive.name}` reads {ins[0].size - len(unread)} of {ins[0].size} elements; never read: {shown}"
        )
        elements = tuple(tuple(int(i) for i in m) for m in unread)
        self.partial.append(ZeroReason(self.arg, "not_read", eqn.primitive.name, eqn.source_info, message, elements))

    def unselected_elements(self, eqn, k, chosen):
        """A where/select case taken on some elements only: the others get no gradient through it."""
        missed = np.argwhere(~chosen)
        shown = ", ".join(str(tuple(int(i) for i in m)) for m in missed[:5]) + (" ..." if len(missed) > 5 else "")
        self.partial.append(
            ZeroReason(
                self.arg,
                "where_not_taken",
                eqn.primitive.name,
                eqn.source_info,
                f"the where/select operand {_case_name(k, len(eqn.inputs))} is not selected at {len(missed)} of "
                f"{chosen.size} elements on these inputs: {shown}",
                tuple(tuple(int(i) for i in m) for m in missed),
            )
        )

    def dead_units(self, eqn, k, chosen):
        """Partial ReLU: units (last axis) never active over the leading (batch) axes."""
        if chosen.ndim < 2 or not self.relu_input(eqn, k):
            return
        never = ~chosen.any(axis=tuple(range(chosen.ndim - 1)))
        if never.any():
            units = tuple(int(i) for i in np.flatnonzero(never))
            self.partial.append(
                ZeroReason(
                    self.arg,
                    "relu_inactive",
                    eqn.primitive.name,
                    eqn.source_info,
                    f"ReLU units {list(units)} (of {never.size}) are inactive on the whole batch "
                    f"of {int(np.prod(chosen.shape[:-1]))} (input <= 0 for every example)",
                    units,
                )
            )

    def max_min(self, eqn, diff) -> bool:
        a, b = self.value(eqn.inputs[0]), self.value(eqn.inputs[1])
        if a is None or b is None:
            return True
        flows = False
        for k, (mine, other) in enumerate(((a, b), (b, a))):
            if not diff[k]:
                continue
            wins = (mine >= other) if eqn.primitive.name == "max" else (mine <= other)
            if np.any(wins):
                flows = True
            elif eqn.primitive.name == "max" and not np.any(other):
                self.cut("relu_inactive", eqn, "max(x, 0) with x <= 0 everywhere: the ReLU is inactive")
            else:
                self.cut("max_not_taken", eqn, f"this operand of `{eqn.primitive.name}` never wins on these inputs")
        return flows

    def cond(self, eqn, data, diff):
        branches = eqn.params["branches"]
        self.forget_cuts_into([eqn.inputs[0]], ("convert_element_type", "clamp", "gt", "lt", "ge", "le", "eq", "ne"))
        index = self.value(eqn.inputs[0])
        if index is not None:
            taken = int(np.clip(int(index), 0, len(branches) - 1))
            out_data, out_diff = self.run(branches[taken], data[1:], diff[1:])
            if any(diff[1:]) and not any(out_diff):
                others = [b for i, b in enumerate(branches) if i != taken]
                if any(any(_Analysis(None, self.arg).run(b, data[1:], diff[1:])[1]) for b in others):
                    self.cut(
                        "cond_branch_not_taken",
                        eqn,
                        f"cond takes {_branch_name(taken, len(branches))}; "
                        "the derivative flows only in the other branch(es)",
                    )
            return out_data, out_diff
        results = [self.run(b, data[1:], diff[1:]) for b in branches]
        return [any(r[0][i] for r in results) for i in range(len(eqn.outputs))], [
            any(r[1][i] for r in results) for i in range(len(eqn.outputs))
        ]

    def scan(self, eqn, data, diff):
        body, nc, ncarry = eqn.params["body"], eqn.params["num_consts"], eqn.params["num_carry"]
        ins = [self.value(a) for a in eqn.inputs]
        if all(x is not None for x in ins) and 0 < eqn.params["length"] <= MAX_SCAN_STEPS:
            return self.scan_steps(eqn, data, diff, ins)
        data, diff = list(data), list(diff)
        while True:  # carries: iterate the body's marks to a fixed point
            inner = _Analysis(None, self.arg)
            out_data, out_diff = inner.run(body, data, diff)
            new_data = [d or o for d, o in zip(data[nc : nc + ncarry], out_data[:ncarry])]
            new_diff = [d or o for d, o in zip(diff[nc : nc + ncarry], out_diff[:ncarry])]
            if new_data == data[nc : nc + ncarry] and new_diff == diff[nc : nc + ncarry]:
                break
            data[nc : nc + ncarry], diff[nc : nc + ncarry] = new_data, new_diff
        self.cuts.extend(inner.cuts)
        self.cut_outputs.extend(inner.cut_outputs)
        return out_data, out_diff

    def scan_steps(self, eqn, data, diff, ins):
        """A scan with known operands: run the body step by step with values, carrying the marks."""
        body, nc, ncarry, length = (eqn.params[k] for k in ("body", "num_consts", "num_carry", "length"))
        carry = ins[nc : nc + ncarry]
        c_data, c_diff = data[nc : nc + ncarry], diff[nc : nc + ncarry]
        ny = len(body.outvars) - ncarry
        y_data, y_diff = [False] * ny, [False] * ny
        cuts: dict = {}
        for t in range(length - 1, -1, -1) if eqn.params["reverse"] else range(length):
            env = evaluate_recording(body, (), [*ins[:nc], *carry, *(x[t] for x in ins[nc + ncarry :])])
            inner = _Analysis(env, self.arg)
            out_data, out_diff = inner.run(
                body, [*data[:nc], *c_data, *data[nc + ncarry :]], [*diff[:nc], *c_diff, *diff[nc + ncarry :]]
            )
            for r, outs in zip(inner.cuts, inner.cut_outputs):
                cuts.setdefault((r.kind, r.source, r.message), (r, outs, []))[2].append(t)
            carry = [env[v] if type(v) is Var else v.value for v in body.outvars[:ncarry]]
            c_data, c_diff = out_data[:ncarry], out_diff[:ncarry]
            y_data = [a or b for a, b in zip(y_data, out_data[ncarry:])]
            y_diff = [a or b for a, b in zip(y_diff, out_diff[ncarry:])]
        for r, outs, steps in cuts.values():
            when = "every step" if len(steps) == length else f"step{'s' if len(steps) > 1 else ''} {_ranges(steps)}"
            self.cuts.append(r._replace(message=f"{r.message} (at {when} of the scan)"))
            self.cut_outputs.append(outs)
        return [*c_data, *y_data], [*c_diff, *y_diff]


def _ranges(steps: list[int]) -> str:
    """``0-3, 7``: consecutive runs of step indices."""
    runs, start = [], steps[0]
    for a, b in zip(steps, [*steps[1:], None]):
        if b != a + 1:
            runs.append(f"{start}-{a}" if a != start else f"{a}")
            start = b
    return ", ".join(runs)


def _branch_name(index: int, n: int) -> str:
    if n == 2:
        return f"its {'true' if index else 'false'} branch (index {index})"
    return f"branch {index}"


def why_zero(f: Callable, argnums: int | tuple[int, ...] = 0) -> Callable[..., WhyZero]:
    """Explain, for every input leaf (and element) whose gradient is exactly zero, why.

    The gradient is fungrad's ``vjp`` of ``f`` with a cotangent of ones on every output (for a scalar
    loss: its gradient). Each zero-gradient leaf of the differentiated arguments gets the reasons
    found in the IR of ``f``: no data dependence on the output; the derivative path cut by an integer
    cast, a comparison, a zero-derivative primitive (``argmax``, ``round``, ``sign``, ``floor``...) or
    ``stop_gradient``; ``where`` branches not taken; ReLU units inactive on the whole batch; each with
    the user's source line where the path is cut. See the module docstring for what is analysed.

    Args:
        f: the function (pytrees of arrays in, pytrees of arrays out).
        argnums: the positional argument(s) to explain.

    Returns:
        A function of ``f``'s arguments returning a :class:`WhyZero` report (``.reasons``, ``.zero``,
        ``str()``).

    >>> import fungrad, fungrad.numpy as fnp
    >>> report = fungrad.debug.why_zero(lambda x: fnp.round(x) * 2.0)(fnp.ones(2))
    >>> [r.kind for r in report.reasons]
    ['zero_derivative']
    """
    core.check_callable(f, "why_zero")

    def explain(*args) -> WhyZero:
        nums = api._normalize_argnums(argnums, len(args), "why_zero")
        out, f_vjp = api.vjp(f, *args)
        ones = tree_util.tree_map(lambda o: np.ones(np.shape(o), core.get_aval(o).to_tangent_aval().dtype), out)
        grads = f_vjp(ones)
        traced = api.make_ir(f)(*args)
        leaves_with_paths = tree_util.tree_flatten_with_path(tuple(args))[0]
        names = [f"args[{p[0].idx}]{tree_util.keystr(tuple(p[1:]))}" for p, _ in leaves_with_paths]
        positions = [p[0].idx for p, _ in leaves_with_paths]
        g_leaves = tree_util.tree_leaves(tuple(grads))
        env = evaluate_recording(traced.ir, traced.consts, [x for _, x in leaves_with_paths])
        reasons, zero, considered = [], {}, []
        for i, (name, pos, (_, x), g) in enumerate(zip(names, positions, leaves_with_paths, g_leaves)):
            if pos not in nums or not _differentiable(core.get_aval(x)):
                continue
            considered.append(name)
            g = np.asarray(g)
            nzero = int(np.sum(g == 0))
            if nzero == 0:
                continue
            zero[name] = (nzero, int(g.size))
            marks = [j == i for j in range(len(traced.ir.invars))]
            analysis = _Analysis(env, name)
            analysis.leaf_var = traced.ir.invars[i]
            out_data, out_diff = analysis.run(traced.ir, marks, marks)
            if nzero < g.size:
                found = [r for r in analysis.partial if _explains(r, g)]
                if not found:
                    found = [ZeroReason(name, "value_zero", None, None, _value_zero_message(g))]
                reasons.extend(found)
            elif not any(out_data):
                reasons.append(ZeroReason(name, "no_dependence", None, None, "no output depends on this input"))
            elif not any(out_diff) and analysis.live_cuts(traced.ir):
                reasons.extend(analysis.live_cuts(traced.ir))
            else:
                reasons.append(ZeroReason(name, "value_zero", None, None, _value_zero_message(g)))
        return WhyZero(reasons, zero, considered)

    return explain


def _case_name(k: int, n_inputs: int) -> str:
    if n_inputs == 3:  # where(c, x, y) is select_n(c, y, x)
        return "x (condition True)" if k == 2 else "y (condition False)"
    return f"case {k - 1}"


def _explains(reason: ZeroReason, g: np.ndarray) -> bool:
    """An elementwise where explains the zeros at the elements it does not select (same shape as the leaf).
    Dead units explain a leaf's zeros when the leaf is indexed by those units (a bias or the output axis
    of a weight: ``g[..., u] == 0``) or fed by them (the input axis of the next weight: ``g[u] == 0``)."""
    if reason.kind in ("where_not_taken", "not_read"):
        if not reason.elements or len(reason.elements[0]) != g.ndim:
            return False
        mask = np.zeros(g.shape, bool)
        mask[tuple(np.array(reason.elements).T)] = True
        return mask.shape == g.shape and not np.any(g[mask])
    units, n = list(reason.elements), int(reason.message.split("(of ")[1].split(")")[0])
    if g.ndim >= 1 and g.shape[-1] == n and not np.any(g[..., units]):
        return True
    return g.ndim >= 2 and g.shape[0] == n and not np.any(g[units])


def _value_zero_message(g) -> str:
    where = np.argwhere(g == 0)[:5]
    shown = ", ".join(str(tuple(int(i) for i in w)) for w in where) if g.ndim else "()"
    return (
        "a derivative path exists but its value is exactly zero at these inputs (a factor of 0, a masked "
        f"product); zero at {shown}{' ...' if np.sum(g == 0) > 5 else ''}"
    )
