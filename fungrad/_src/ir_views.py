"""Views of the backward pass: forward and backward IR side by side, residuals, Graphviz DOT.

Contract. :func:`backward_view` takes what ``make_ir(f)(*args)`` returns and builds, with fungrad's own
``linearize`` and ``backward_pass``, the backward IR of ``f`` at those shapes: its inputs are the
residuals (the values the forward pass saves) and the output cotangents, its outputs the input
cotangents. Every backward equation is linked to the forward equation it came from by the identity of
the source record: when an equation of the forward IR is linearized it runs under that equation's
``SourceInfo`` object, and the transpose records that same object as ``transposed_from``. The view
prints the two programs side by side (each backward equation on the row of its forward equation, with
its position in the backward order), lists the residuals with their sizes and producers, and
:func:`to_dot` draws either IR (or both, linked) as Graphviz DOT text, rendered to SVG/PNG when the
optional ``graphviz`` package and the ``dot`` program are installed.
"""

from __future__ import annotations

import os
import shutil
import warnings
from typing import NamedTuple

import numpy as np

from fungrad._src import ad, core
from fungrad._src.core import ShapedArray, SourceInfo
from fungrad._src.ir import IR, ClosedIR, Var, _Names, dce, prune_constvars
from fungrad._src.staging import StagingTrace, StagingTracer, trace_to_ir


class Residual(NamedTuple):
    """A value saved by the forward pass for the backward pass."""

    aval: ShapedArray
    nbytes: int
    producer: str  # the primitive that computed it, "argument <name>" or "constant"
    forward_index: int | None  # the forward equation it belongs to (None: an argument or constant)
    source: SourceInfo | None


def _differentiable(aval) -> bool:
    return core.is_differentiable_dtype(aval.dtype)


def _short_params(params) -> str:
    shown = []
    for k, v in sorted(params.items()):
        if isinstance(v, (IR, ClosedIR)) or (isinstance(v, tuple) and v and isinstance(v[0], IR)):
            v = "{...}"
        elif isinstance(v, np.dtype) or isinstance(v, type):
            v = np.dtype(v).name
        shown.append(f"{k}={v}")
    return f"[{', '.join(shown)}]" if shown else ""


def eqn_text(eqn, names: _Names, params: bool = False) -> str:
    """One equation as the pretty printer writes it (sub-IRs elided)."""
    outs = " ".join(names.binder(v) for v in eqn.outputs)
    args = " ".join(names(a) for a in eqn.inputs)
    return f"{outs} = {eqn.primitive.name}{_short_params(eqn.params) if params else ''} {args}".rstrip()


class BackwardView:
    """A function's forward IR and its backward IR, linked equation by equation.

    Attributes: ``forward`` (the IR ``make_ir`` gave), ``backward`` (inputs: the residuals, then the
    nonzero output cotangents; outputs: the cotangents of the floating inputs), ``residuals`` (one :class:`Residual`
    per residual input of ``backward``), ``links`` (for each backward equation, the index of the forward
    equation it came from, or None). ``str()`` / :meth:`side_by_side` print them; :func:`to_dot` draws.
    """

    def __init__(self, forward: IR, backward: IR, residuals: list[Residual], links: list[int | None], transposed):
        self.forward, self.backward, self.residuals = forward, backward, residuals
        self.links, self.transposed = links, transposed

    primal: ClosedIR | None = None  # inputs -> (outputs, residuals): the forward pass reverse mode runs

    def vjp(self, args, cts) -> list:
        """Run the two programs: the forward pass on the flat ``args`` (its residuals), then the backward
        pass on the residuals and the flat output cotangents ``cts``; returns the input cotangents."""
        values = self.primal(*args)
        residuals = values[len(values) - len(self.residuals) :]
        return ClosedIR(self.backward, ())(*residuals, *cts)

    @property
    def residual_bytes(self) -> int:
        return sum(r.nbytes for r in self.residuals)

    def residual_table(self) -> str:
        lines = [f"residuals: {len(self.residuals)}, {self.residual_bytes} bytes"]
        for i, r in enumerate(self.residuals):
            fwd = f"#{r.forward_index} " if r.forward_index is not None else ""
            where = f"  {r.source}" if r.source is not None else ""
            lines.append(f"  r{i}  {r.aval.str_short():<12} {r.nbytes:>8} B  {fwd}{r.producer}{where}")
        return "\n".join(lines)

    def side_by_side(self, width: int = 40) -> str:
        """Forward equations (numbered) on the left; on the same row, the backward equations that came
        from each (``b<k>``: position in the backward pass, which runs from the last forward equation to
        the first; ``T`` marks a transposed equation, ``R`` one evaluated on residuals only)."""
        fnames, bnames = _Names(), _Names()
        for v in self.forward.invars:
            fnames(v)
        for v in self.backward.invars:
            bnames(v)
        per_forward: dict[int | None, list[str]] = {}
        for k, (eqn, link) in enumerate(zip(self.backward.eqns, self.links)):
            mark = "T" if self.transposed[k] else "R"
            per_forward.setdefault(link, []).append(f"b{k:<3}{mark} {eqn_text(eqn, bnames)}")
        fwd_ins = " ".join(fnames.binder(v) for v in self.forward.invars)
        res = " ".join(bnames.binder(v) for v in self.backward.invars[: len(self.residuals)])
        cts = " ".join(bnames.binder(v) for v in self.backward.invars[len(self.residuals) :])
        rows = [
            ("forward", "backward"),
            (f"in: {fwd_ins}", f"in: residuals {res}; cotangents {cts}"),
        ]
        for i, eqn in enumerate(self.forward.eqns):
            src = f"  # {eqn.source_info}" if eqn.source_info is not None else ""
            left = f"#{i:<3} {eqn_text(eqn, fnames)}{src}"
            right = per_forward.get(i, [""])
            rows.append((left, right[0]))
            rows.extend(("", r) for r in right[1:])
        for r in per_forward.get(None, []):
            rows.append(("(not from a forward equation)", r))
        outs = ", ".join(fnames(a) for a in self.forward.outvars)
        bouts = ", ".join(bnames(a) for a in self.backward.outvars)
        rows.append((f"out: {outs}", f"out: {bouts}"))
        width = max(width, *(len(a) for a, _ in rows))  # the left column is never cut: it holds the source
        lines = [f"{a:<{width}} | {b}".rstrip() for a, b in rows]
        lines.insert(1, "-" * width + "-+-" + "-" * width)
        return "\n".join([*lines, "", self.residual_table()])

    __str__ = side_by_side

    def __repr__(self):
        return (
            f"<BackwardView {len(self.forward.eqns)} forward / {len(self.backward.eqns)} backward equations, "
            f"{len(self.residuals)} residuals ({self.residual_bytes} bytes)>"
        )


def backward_view(traced) -> BackwardView:
    """The backward pass of the function ``traced`` (a ``make_ir`` result) came from, linked to it.

    >>> import fungrad, fungrad.numpy as fnp
    >>> view = fungrad.debug.backward_view(fungrad.make_ir(lambda x: fnp.sum(fnp.sin(x)))(fnp.ones(3)))
    >>> [e.primitive.name for e in view.backward.eqns], view.links
    (['broadcast_in_dim', 'mul'], [1, 0])
    >>> [(r.aval.shape, r.producer) for r in view.residuals]
    [((3,), 'cos')]
    """
    closed: ClosedIR = traced.closed
    forward = closed.ir
    in_avals = forward.in_avals
    outer = StagingTrace(name="backward_view")
    inputs = [outer.new_arg(a, f"input {i}") for i, a in enumerate(in_avals)]
    with core.tracing(outer):
        outs, linear = ad.linearize_flat(lambda *xs: closed(*xs), inputs, name="backward_view")
        lin = prune_constvars(ClosedIR(dce(linear.closed.ir), linear.closed.consts))
        primal = outer.to_closed_ir([*outs, *lin.consts])
    index_of = {id(e.source_info): i for i, e in enumerate(forward.eqns) if e.source_info is not None}
    residuals = []
    for value in lin.consts:
        aval = core.get_aval(value)
        nbytes = int(aval.size * np.dtype(aval.dtype).itemsize)
        if isinstance(value, StagingTracer) and value._trace is outer:
            if value.var in outer.arg_names:
                residuals.append(Residual(aval, nbytes, f"argument {outer.arg_names[value.var]}", None, None))
                continue
            eqn = outer.producers[value.var]
            fwd = index_of.get(id(eqn.source_info))
            residuals.append(Residual(aval, nbytes, eqn.primitive.name, fwd, eqn.source_info))
        else:
            residuals.append(Residual(aval, nbytes, "constant", None, None))
    lin_ir, nres = lin.ir, len(lin.consts)
    ct_avals = [a.aval for a in lin_ir.outvars]

    def backward(*xs):
        cts = ad.backward_pass(lin_ir, xs[:nres], xs[nres:])
        # integer inputs have float0 tangents and no cotangent worth showing
        return [ad.instantiate(c, v.aval) for c, v in zip(cts, lin_ir.invars) if _differentiable(v.aval)]

    closed_b, _ = trace_to_ir(backward, [*(core.get_aval(c) for c in lin.consts), *ct_avals], name="backward")
    bwd = closed_b.ir
    links, transposed = [], []
    for eqn in bwd.eqns:
        info = eqn.source_info
        origin = info.transposed_from if info is not None and info.transposed_from is not None else info
        links.append(index_of.get(id(origin)) if origin is not None else None)
        transposed.append(info is not None and info.transposed_from is not None)
    view = BackwardView(forward, bwd, residuals, links, transposed)
    view.primal = primal
    return view


def side_by_side(traced, width: int = 40) -> str:
    """``traced``'s forward IR and its backward IR side by side, with the residuals (see
    :class:`BackwardView`).

    >>> import fungrad, fungrad.numpy as fnp
    >>> text = fungrad.debug.side_by_side(fungrad.make_ir(lambda x: fnp.sum(fnp.sin(x)))(fnp.ones(3, "float32")))
    >>> print(text.splitlines()[3].split("|")[1].strip())
    b1  T d:f32[3] = mul c a
    """
    return backward_view(traced).side_by_side(width)


# ----------------------------------------------------------------------------------------------
# Graphviz


def _q(text: str) -> str:
    """A quoted DOT string; newlines become DOT's ``\\n`` line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _ir_nodes(ir: IR, prefix: str, lines: list, names: _Names, style, in_labels=None):
    """Nodes and data edges of ``ir``; returns {Var: node id of its producer}."""
    producer: dict[Var, str] = {}
    for i, v in enumerate(ir.invars):
        node = f"{prefix}in{i}"
        label = f"{names(v)}: {v.aval.str_short()}"
        if in_labels is not None:
            label = f"{in_labels[i]}\n{label}"
        lines.append(f"    {node} [shape=ellipse, label={_q(label)}];")
        producer[v] = node
    for k, eqn in enumerate(ir.eqns):
        node = f"{prefix}e{k}"
        outs = ", ".join(v.aval.str_short() for v in eqn.outputs)
        src = f"\n{os.path.basename(eqn.source_info.filename)}:{eqn.source_info.lineno}" if eqn.source_info else ""
        label = f"{prefix}{k} {eqn.primitive.name}\n{outs}{src}"
        lines.append(f"    {node} [shape=box, {style(k, eqn)}label={_q(label)}];")
        for a in eqn.inputs:
            if type(a) is Var and a in producer:
                lines.append(f"    {producer[a]} -> {node} [label={_q(a.aval.str_short())}];")
        for v in eqn.outputs:
            producer[v] = node
    for i, a in enumerate(ir.outvars):
        node = f"{prefix}out{i}"
        label = f"out {i}" if type(a) is Var else f"out {i} = {a!r}"
        lines.append(f"    {node} [shape=ellipse, style=dashed, label={_q(label)}];")
        if type(a) is Var and a in producer:
            lines.append(f"    {producer[a]} -> {node};")
    return producer


def to_dot(obj, path: str | None = None) -> str:
    """Graphviz DOT text of a ``make_ir`` result (or a :class:`BackwardView`), optionally rendered.

    Equations are boxes labelled with primitive, output types and the user's line; arrows carry
    values. Equations of a backward pass (``make_ir(fungrad.grad(f))``) are filled blue and linked by a
    dotted arrow to the forward equation they were transposed from. A :class:`BackwardView` draws the
    forward and backward IRs as two clusters, with dashed arrows for residuals.

    Args:
        obj: a ``TracedIR`` (what ``fungrad.make_ir(f)(*args)`` returns) or a :class:`BackwardView`.
        path: if given, render to this file (``.svg``, ``.png``, ``.pdf`` by its extension) with the
            optional ``graphviz`` Python package and Graphviz's ``dot`` program; when either is missing,
            the DOT text is written to ``path + ".dot"`` instead, with a warning saying what to install.

    Returns:
        The DOT text.

    >>> import fungrad, fungrad.numpy as fnp
    >>> dot = fungrad.debug.to_dot(fungrad.make_ir(fungrad.grad(lambda x: fnp.sin(x)))(1.0))
    >>> dot.splitlines()[0], "transposed" in dot
    ('digraph fungrad_ir {', True)
    """
    lines = ["digraph fungrad_ir {", "    rankdir=TB;", '    node [fontname="monospace", fontsize=10];']
    if isinstance(obj, BackwardView):
        fwd_style = lambda k, e: ""  # noqa: E731
        bwd_style = lambda k, e: 'style=filled, fillcolor="#cfe2ff", ' if obj.transposed[k] else ""  # noqa: E731
        lines.append('    subgraph cluster_forward { label="forward";')
        fwd = _ir_nodes(obj.forward, "f", lines, _Names(), fwd_style)
        lines.append("    }")
        lines.append('    subgraph cluster_backward { label="backward";')
        labels = [f"r{i}" for i in range(len(obj.residuals))] + [
            f"ct {i}" for i in range(len(obj.backward.invars) - len(obj.residuals))
        ]
        _ir_nodes(obj.backward, "b", lines, _Names(), bwd_style, labels)
        lines.append("    }")
        for i, r in enumerate(obj.residuals):
            if r.forward_index is not None:
                lines.append(f"    fe{r.forward_index} -> bin{i} [style=dashed, color=gray40, label=residual];")
        for k, link in enumerate(obj.links):
            if link is not None:
                lines.append(f"    be{k} -> fe{link} [style=dotted, color=blue, constraint=false];")
        del fwd
    else:
        ir = obj.closed.ir if hasattr(obj, "closed") else obj
        index_of: dict[int, int] = {}
        transposed = []
        for k, eqn in enumerate(ir.eqns):
            info = eqn.source_info
            if info is not None and info.transposed_from is None:
                index_of.setdefault(id(info), k)
                index_of.setdefault(hash((info.filename, info.lineno, info.function)), k)
            transposed.append(info is not None and info.transposed_from is not None)
        style = lambda k, e: 'style=filled, fillcolor="#cfe2ff", ' if transposed[k] else ""  # noqa: E731
        _ir_nodes(ir, "", lines, _Names(), style)
        for k, eqn in enumerate(ir.eqns):
            if transposed[k]:
                t = eqn.source_info.transposed_from
                src = index_of.get(id(t), index_of.get(hash((t.filename, t.lineno, t.function))))
                if src is not None:
                    lines.append(
                        f'    e{k} -> e{src} [style=dotted, color=blue, constraint=false, label="transposed"];'
                    )
    lines.append("}")
    text = "\n".join(lines)
    if path is not None:
        render_dot(text, path)
    return text


def render_dot(text: str, path: str) -> str | None:
    """Render DOT ``text`` to ``path`` (format from the extension); see :func:`to_dot`."""
    fmt = os.path.splitext(path)[1].lstrip(".") or "svg"
    missing = None
    try:
        import graphviz
    except ImportError:
        missing = "the `graphviz` Python package (pip install graphviz)"
    if missing is None and shutil.which("dot") is None:
        missing = "Graphviz's `dot` program (apt-get install graphviz, brew install graphviz, conda install graphviz)"
    if missing is not None:
        with open(path + ".dot", "w") as f:
            f.write(text)
        warnings.warn(
            f"fungrad.debug.to_dot: cannot render {path}: {missing} is not installed; wrote the DOT text to "
            f"{path}.dot instead (render it with `dot -T{fmt} {path}.dot -o {path}` or paste it into any "
            "Graphviz viewer)",
            stacklevel=3,
        )
        return None
    base = os.path.splitext(path)[0]
    return graphviz.Source(text).render(outfile=path, format=fmt, cleanup=True) or base
