"""Vectorization (``vmap``): the batch interpreter.

Contract. A :class:`BatchTracer` holds a value of the parent trace and the position of its batch
dimension (``bdim``; ``None`` means the value is the same for every batch member). A
:class:`BatchTrace` applies each primitive's batching rule with the current trace set to its parent;
primitives whose operands are all unbatched go straight to the parent untouched.

Rule signature (the same for every primitive)::

    batching_rules[p](args, dims, **params) -> (out, out_dim)     # lists for multiple results

``args`` are parent-trace values and ``dims`` their batch positions (``None`` if unbatched). Rules are
written with fungrad ops, so batched code stays differentiable and stageable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from fungrad._src import core
from fungrad._src.core import ShapedArray, Tracer
from fungrad._src.ir import IR, eval_ir, rewrite
from fungrad._src.staging import trace_to_subir

batching_rules: dict[core.Primitive, Callable] = {}


class _BatchOps:
    """Operations the interpreter needs, registered by the primitive families:
    ``moveaxis(x, src, dst)``, ``broadcast(x, size, axis)`` (insert a new axis of ``size``) and
    ``broadcast_in_dim(x, shape, dims)``."""

    moveaxis: Callable | None = None
    broadcast: Callable | None = None
    broadcast_in_dim: Callable | None = None


batch_ops = _BatchOps()


class BatchTracer(Tracer):
    __slots__ = ("val", "bdim")

    def __init__(self, trace: BatchTrace, val, bdim: int | None):
        self._trace = trace
        self.val = val
        self.bdim = bdim

    @property
    def aval(self) -> ShapedArray:
        aval = core.get_aval(self.val)
        if self.bdim is None:
            return aval
        shape = aval.shape[: self.bdim] + aval.shape[self.bdim + 1 :]
        return ShapedArray(shape, aval.dtype, aval.weak_type)


class BatchTrace(core.Trace):
    def __init__(self, axis_size: int, parent=None, name: str = "vmap"):
        super().__init__(parent)
        self.axis_size = axis_size
        self.name = name

    def process_primitive(self, prim, args, params):
        vals, dims, batched = [], [], False
        for x in args:
            if type(x) is BatchTracer and x._trace is self and x.bdim is not None:
                vals.append(x.val)
                dims.append(x.bdim)
                batched = True
            else:
                vals.append(x.val if type(x) is BatchTracer and x._trace is self else x)
                dims.append(None)
        if not batched:
            return core.bind_with_parent(self, prim, vals, params)
        rule = batching_rules.get(prim)
        if rule is None:
            raise NotImplementedError(f"[vmap] batching rule for primitive `{prim.name}` is not implemented")
        with core.set_current_trace(self.parent):
            out, out_dim = rule(vals, dims, **params)
        if prim.multiple_results:
            return [self._box(v, d) for v, d in zip(out, out_dim)]
        return self._box(out, out_dim)

    def _box(self, val, bdim):
        return val if bdim is None else BatchTracer(self, val, bdim)

    def concretize(self, tracer, why):
        raise core.ConcretizationError(
            f"[vmap] {why} needs a concrete value, but the value is batched by `vmap` "
            f"(per-example aval {tracer.aval.str_short()}); Python control flow cannot differ per "
            "example: use `fungrad.numpy.where` (elementwise) or fungrad.lax.cond / switch / while_loop, which "
            "vmap batches."
        )


def move_to(x, src: int | None, dst: int, size: int):
    """Put ``x``'s batch dim at ``dst`` (materialising it by broadcast when ``src`` is None)."""
    if src is None:
        return batch_ops.broadcast(x, size, dst)
    if src == dst:
        return x
    return batch_ops.moveaxis(x, src, dst)


def batch_flat(fun: Callable, args: Sequence, in_dims: Sequence, axis_size: int) -> list[tuple]:
    """Apply ``fun`` to batched ``args`` (batch positions ``in_dims``, None: unbatched) and return
    ``(value, batch_dim)`` per output (``None``: the output is the same for every batch member)."""
    trace = BatchTrace(axis_size)
    ins = [a if d is None else BatchTracer(trace, a, d) for a, d in zip(args, in_dims)]
    with core.tracing(trace):
        outs = fun(*ins)
    return [(x.val, x.bdim) if type(x) is BatchTracer and x._trace is trace else (x, None) for x in outs]


def batched_aval(aval: ShapedArray, dim: int | None, size: int) -> ShapedArray:
    """The aval of a value batched at ``dim`` (``None``: unbatched) with batch size ``size``."""
    if dim is None:
        return aval
    return aval.update_shape((*aval.shape[:dim], size, *aval.shape[dim:]))


class BatchIR(NamedTuple):
    """``ir``: batched operands -> batched outputs, and each output's batch dim (None: unbatched)."""

    ir: IR
    consts: tuple
    out_dims: tuple


@rewrite
def batch_ir(ir: IR, axis_size: int, in_dims: tuple, force_batched: bool | tuple[bool, ...] = False) -> BatchIR:
    """The batched version of ``ir``, its inputs batched at ``in_dims`` (None: unbatched).

    Outputs marked in ``force_batched`` are batched at dim 0 even when they do not depend on a batched
    input (a loop carry that is batched elsewhere must keep one layout).
    """
    force = (force_batched,) * len(ir.outvars) if isinstance(force_batched, bool) else force_batched
    out_dims: list = []

    def fun(*xs):
        pairs = batch_flat(lambda *ys: eval_ir(ir, (), ys), xs, in_dims, axis_size)
        outs = [(move_to(v, d, 0, axis_size), 0) if f else (v, d) for (v, d), f in zip(pairs, force)]
        out_dims.extend(d for _, d in outs)
        return [v for v, _ in outs]

    in_avals = [batched_aval(a, d, axis_size) for a, d in zip(ir.in_avals, in_dims)]
    sub, consts = trace_to_subir(fun, in_avals, "vmap")
    return BatchIR(sub, consts, tuple(out_dims))


def def_batching(prim: core.Primitive, rule: Callable) -> None:
    """Register ``rule(args, dims, **params) -> (out, out_dim)`` for ``prim``."""
    batching_rules[prim] = rule


def def_batch_ops(*, moveaxis: Callable, broadcast: Callable, broadcast_in_dim: Callable) -> None:
    """Register the operations this interpreter needs from the primitive families (see ``_BatchOps``)."""
    batch_ops.moveaxis, batch_ops.broadcast, batch_ops.broadcast_in_dim = moveaxis, broadcast, broadcast_in_dim


def def_vectorized(prim: core.Primitive) -> None:
    """``prim`` is elementwise in its one operand: batching applies it as is."""
    def_batching(prim, vectorized_rule(prim))


def def_broadcasting(prim: core.Primitive) -> None:
    """``prim`` is elementwise over equally shaped operands: batching aligns their batch dims."""
    def_batching(prim, broadcasting_rule(prim))


def vectorized_rule(prim: core.Primitive) -> Callable:
    """Batching for elementwise primitives of one operand (and params): apply as is."""

    def rule(args, dims, **params):
        (x,), (d,) = args, dims
        return prim.bind(x, **params), d

    return rule


def broadcasting_rule(prim: core.Primitive) -> Callable:
    """Batching for n-ary elementwise primitives: align every batch dim at 0.

    Operands have equal per-example shapes, except unbatched scalar constants, which stay as they are.
    """

    def rule(args, dims, **params):
        avals = [core.get_aval(a) for a in args]
        shapes = [a.shape if d is None else a.shape[:d] + a.shape[d + 1 :] for a, d in zip(avals, dims)]
        example_shape = max(shapes, key=len)
        first = next(d for d in dims if d is not None)
        if all((d == first and s == example_shape) or (d is None and not s) for s, d in zip(shapes, dims)):
            return prim.bind(*args, **params), first
        size = avals[dims.index(first)].shape[first]
        aligned = []
        for x, s, d in zip(args, shapes, dims):
            if d is None and not s:
                aligned.append(x)  # a scalar constant broadcasts by itself
                continue
            x = move_to(x, d, 0, size)
            if s != example_shape:  # a batched per-example scalar beside per-example arrays
                x = batch_ops.broadcast_in_dim(x, (size, *example_shape), (0,))
            aligned.append(x)
        return prim.bind(*aligned, **params), 0

    return rule
