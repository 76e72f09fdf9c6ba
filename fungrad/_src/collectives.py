"""Collectives over named axes: psum, pmean, pmax, all_gather, psum_scatter, ppermute, axis_index.

Contract. A collective names one or more *axes*: the mesh axes of an enclosing
:func:`~fungrad._src.shard_map.shard_map` (then it lowers to the ``jax.lax`` collective, which XLA
runs between devices) or the axis of an enclosing ``vmap(..., axis_name=...)`` (then it is a
reduction, gather or permutation along the batch dimension, see :class:`NamedBatchTrace`). Axis
sizes are known while tracing from the *axis environment* that both of them push
(:func:`axis_env`), so shapes never wait for XLA.

Differentiation follows JAX's ``shard_map`` with ``check_vma=True``: a value is *device-varying* over
some mesh axes or *device-invariant* (the same on every device). ``psum`` turns a varying value into
an invariant one and its transpose is ``pbroadcast`` (identity on values, marks an invariant value
varying); ``pbroadcast``'s transpose is ``psum``. ``shard_map`` inserts ``pbroadcast`` wherever an
invariant value meets a varying one (:data:`vma_rules` below), so the cotangent of a replicated
parameter is summed over devices exactly where JAX sums it. ``all_gather`` and ``psum_scatter``
transpose into each other, ``ppermute`` into the inverse permutation. ``pmax`` and ``axis_index`` are
not differentiable (``axis_index`` has no operands; ``pmax`` raises as in JAX).

Batching has two cases. vmap over a function that *contains* a collective over other axes (a vmap of
a shard_map body) batches it like any op: the collective acts per example. vmap *with* the
collective's axis name reduces along the batch dimension instead; that is handled by the named batch
trace, never by the batching rules.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Sequence

import numpy as np
from jax import lax, tree_util

from fungrad._src import ad, batching, core
from fungrad._src import ir as ir_module
from fungrad._src.ad import Zero
from fungrad._src.core import FungradTypeError, Primitive, ShapedArray, get_aval
from fungrad._src.ir import eval_ir
from fungrad._src.jit import jit_p
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout, reductions
from fungrad._src.primitives import shape as sh

# ---- the axis environment: name -> size for the axes collectives may name -----------------------


class _AxisEnv(threading.local):
    def __init__(self):
        self.sizes: dict = {}
        self.named_vmaps: tuple = ()  # names of enclosing vmap(axis_name=...) whose rules are running


_env = _AxisEnv()


@contextlib.contextmanager
def axis_env(sizes: dict):
    """Make the named axes ``sizes`` ({name: size}) available to collectives traced inside."""
    saved = _env.sizes
    _env.sizes = {**saved, **sizes}
    try:
        yield
    finally:
        _env.sizes = saved


def _axes(axis_name) -> tuple:
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


def axis_size(axis_name) -> int:
    """The number of devices (or batch members) along ``axis_name`` (a name or a tuple of names)."""
    sizes = []
    for name in _axes(axis_name):
        if name not in _env.sizes:
            bound = ", ".join(repr(n) for n in _env.sizes) or "none"
            raise NameError(
                f"unbound axis name: {name!r} (bound axis names: {bound}); collectives must run inside "
                "fungrad.shard_map over a mesh with that axis or inside fungrad.vmap(..., axis_name=...)"
            )
        sizes.append(_env.sizes[name])
    return math.prod(sizes)


# ---- device-varying types: how shard_map decides where pbroadcast goes ------------------------------
# rule(in_vmas, **params) -> (vma each operand must have, vma of the outputs). Primitives not listed
# vary over the union of their operands' axes (and invariant operands are pbroadcast to it).
vma_rules: dict = {}


def _reducing(in_vmas, *, axes, **_):
    (vma,) = in_vmas
    need = vma | frozenset(axes)
    return [need], need - frozenset(axes)


def _varying(in_vmas, *, axes, **_):
    (vma,) = in_vmas
    need = vma | frozenset(axes)
    return [need], need


# ---- psum and pbroadcast: transposes of each other ---------------------------------------------------

psum_p = Primitive("psum", linear=True)
pbroadcast_p = Primitive("pbroadcast", linear=True)
core.def_abstract_eval(psum_p, lambda x, *, axes: x)
core.def_abstract_eval(pbroadcast_p, lambda x, *, axes: x)
core.def_lowering(psum_p, lambda x, *, axes: lax.psum(x, axes))
# Lowered inside jax.shard_map(check_vma=False): the varying/invariant bookkeeping is fungrad's own.
core.def_lowering(pbroadcast_p, lambda x, *, axes: x)
ad.deflinear(psum_p, lambda ct, x, *, axes: [_zero_or(ct, lambda c: pbroadcast_p.bind(c, axes=axes))])
ad.deflinear(pbroadcast_p, lambda ct, x, *, axes: [_zero_or(ct, lambda c: psum_p.bind(c, axes=axes))])
vma_rules[psum_p] = _reducing
vma_rules[pbroadcast_p] = lambda in_vmas, *, axes: (in_vmas, in_vmas[0] | frozenset(axes))


def _zero_or(ct, fn):
    return ct if type(ct) is Zero else fn(ct)


def _elementwise_batch(prim):
    def rule(args, dims, **params):
        _refuse_named(prim, params["axes"])
        return prim.bind(args[0], **params), dims[0]

    return rule


def _refuse_named(prim, axes):
    """A collective over a named vmap axis reached an ordinary batching rule (inside a cond/scan body)."""
    named = set(axes) & set(_env.named_vmaps)
    if named:
        raise NotImplementedError(
            f"[vmap] {prim.name} over the vmap axis {sorted(named)} inside a cond, scan, while_loop or "
            "shard_map body is not supported; call the collective outside the loop or conditional"
        )


batching.def_batching(psum_p, _elementwise_batch(psum_p))
batching.def_batching(pbroadcast_p, _elementwise_batch(pbroadcast_p))


def psum(x, axis_name):
    """Sum ``x`` (a pytree) over the devices or batch members along ``axis_name``.

    Args:
        x: an array or pytree of arrays.
        axis_name: a mesh axis name of the enclosing ``shard_map``, the ``axis_name`` of an enclosing
            ``vmap``, or a tuple of names.

    Returns:
        The sum, the same on every device along the axis.

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> fungrad.vmap(lambda x: flax.psum(x, "i"), axis_name="i")(np.arange(3.0)).tolist()
    [3.0, 3.0, 3.0]
    """
    axes = _axes(axis_name)
    axis_size(axes)  # a clear error for an unbound name
    return tree_util.tree_map(lambda v: psum_p.bind(v, axes=axes), x)


def pmean(x, axis_name):
    """The mean of ``x`` over ``axis_name`` (``psum`` divided by the axis size).

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> fungrad.vmap(lambda x: flax.pmean(x, "i"), axis_name="i")(np.arange(3.0)).tolist()
    [1.0, 1.0, 1.0]
    """
    n = axis_size(axis_name)
    return tree_util.tree_map(lambda v: ew.div(v, ew.scalar(n, v)), psum(x, axis_name))


# ---- pmax: values and batching (not differentiable, as in JAX) ---------------------------------------

pmax_p = Primitive("pmax")
core.def_abstract_eval(pmax_p, lambda x, *, axes: x)
core.def_lowering(pmax_p, lambda x, *, axes: lax.pmax(x, axes))


def _pmax_jvp(primals, tangents, *, axes):
    raise NotImplementedError(
        "[jvp] pmax is not differentiable (as in JAX); for a differentiable maximum all_gather the values "
        "and take fungrad.numpy.max"
    )


ad.def_jvp(pmax_p, _pmax_jvp)
batching.def_batching(pmax_p, _elementwise_batch(pmax_p))
vma_rules[pmax_p] = _reducing


def pmax(x, axis_name):
    """The maximum of ``x`` (a pytree) over ``axis_name``.

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> fungrad.vmap(lambda x: flax.pmax(x, "i"), axis_name="i")(np.array([1.0, 5.0, 2.0])).tolist()
    [5.0, 5.0, 5.0]
    """
    axes = _axes(axis_name)
    axis_size(axes)
    return tree_util.tree_map(lambda v: pmax_p.bind(v, axes=axes), x)


# ---- all_gather and psum_scatter: transposes of each other -------------------------------------------

all_gather_p = Primitive("all_gather", linear=True)
psum_scatter_p = Primitive("psum_scatter", linear=True)


def _all_gather_aval(x, *, axes, axis, tiled, size):
    shape = list(x.shape)
    if tiled:
        shape[axis] *= size
    else:
        shape.insert(axis, size)
    return x.update_shape(tuple(shape))


def _psum_scatter_aval(x, *, axes, axis, tiled, size):
    shape = list(x.shape)
    if shape[axis] % size:
        raise FungradTypeError(
            f"psum_scatter: dimension {axis} of {x.str_short()} is not divisible by the size {size} of axis {axes}"
        )
    if tiled:
        shape[axis] //= size
    elif shape[axis] != size:
        raise FungradTypeError(
            f"psum_scatter: dimension {axis} of {x.str_short()} must equal the axis size {size} (or pass tiled=True)"
        )
    else:
        del shape[axis]
    return x.update_shape(tuple(shape))


core.def_abstract_eval(all_gather_p, _all_gather_aval)
core.def_abstract_eval(psum_scatter_p, _psum_scatter_aval)
core.def_lowering(all_gather_p, lambda x, *, axes, axis, tiled, size: lax.all_gather(x, axes, axis=axis, tiled=tiled))
core.def_lowering(
    psum_scatter_p,
    lambda x, *, axes, axis, tiled, size: lax.psum_scatter(x, axes, scatter_dimension=axis, tiled=tiled),
)
ad.deflinear(all_gather_p, lambda ct, x, **p: [_zero_or(ct, lambda c: psum_scatter_p.bind(c, **p))])
ad.deflinear(psum_scatter_p, lambda ct, x, **p: [_zero_or(ct, lambda c: all_gather_p.bind(c, **p))])
vma_rules[all_gather_p] = _varying
vma_rules[psum_scatter_p] = _varying


def _shifted_axis_batch(prim):
    def rule(args, dims, *, axes, axis, tiled, size):
        _refuse_named(prim, axes)
        x = layout.bdim_to_front(args[0], dims[0])
        return prim.bind(x, axes=axes, axis=axis + 1, tiled=tiled, size=size), 0

    return rule


batching.def_batching(all_gather_p, _shifted_axis_batch(all_gather_p))
batching.def_batching(psum_scatter_p, _shifted_axis_batch(psum_scatter_p))


def all_gather(x, axis_name, *, axis: int = 0, tiled: bool = False):
    """Gather ``x`` from every device along ``axis_name``, stacked at ``axis`` (concatenated if ``tiled``).

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> fungrad.vmap(lambda x: flax.all_gather(x, "i"), axis_name="i")(np.arange(2.0)).tolist()
    [[0.0, 1.0], [0.0, 1.0]]
    """
    axes, size = _axes(axis_name), axis_size(axis_name)

    def one(v):
        ndim = get_aval(v).ndim
        return all_gather_p.bind(v, axes=axes, axis=axis % (ndim + (not tiled)), tiled=tiled, size=size)

    return tree_util.tree_map(one, x)


def psum_scatter(x, axis_name, *, scatter_dimension: int = 0, tiled: bool = False):
    """Sum ``x`` over ``axis_name`` and give each device its block of ``scatter_dimension``.

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> fungrad.vmap(lambda x: flax.psum_scatter(x, "i"), axis_name="i")(np.ones((2, 2))).tolist()
    [2.0, 2.0]
    """
    axes, size = _axes(axis_name), axis_size(axis_name)

    def one(v):
        dim = scatter_dimension % get_aval(v).ndim
        return psum_scatter_p.bind(v, axes=axes, axis=dim, tiled=tiled, size=size)

    return tree_util.tree_map(one, x)


# ---- ppermute: its transpose is the inverse permutation ---------------------------------------------

ppermute_p = Primitive("ppermute", linear=True)
core.def_abstract_eval(ppermute_p, lambda x, *, axes, perm: x)
core.def_lowering(ppermute_p, lambda x, *, axes, perm: lax.ppermute(x, axes, perm))


def _inverse(perm):
    return tuple((dst, src) for src, dst in perm)


ad.deflinear(
    ppermute_p,
    lambda ct, x, *, axes, perm: [_zero_or(ct, lambda c: ppermute_p.bind(c, axes=axes, perm=_inverse(perm)))],
)
batching.def_batching(ppermute_p, _elementwise_batch(ppermute_p))
vma_rules[ppermute_p] = _varying


def ppermute(x, axis_name, perm: Sequence[tuple[int, int]]):
    """Send ``x`` from device ``src`` to device ``dst`` for each ``(src, dst)`` in ``perm`` along
    ``axis_name``; devices that receive nothing get zeros.

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> shift = lambda x: flax.ppermute(x, "i", [(0, 1), (1, 2), (2, 0)])
    >>> fungrad.vmap(shift, axis_name="i")(np.array([1.0, 2.0, 3.0])).tolist()
    [3.0, 1.0, 2.0]
    """
    axes = _axes(axis_name)
    axis_size(axes)
    perm = tuple((int(s), int(d)) for s, d in perm)
    if len({s for s, _ in perm}) != len(perm) or len({d for _, d in perm}) != len(perm):
        raise FungradTypeError(f"ppermute: perm {perm} sends from or to some device twice")
    return tree_util.tree_map(lambda v: ppermute_p.bind(v, axes=axes, perm=perm), x)


# ---- axis_index ------------------------------------------------------------------------------------

axis_index_p = Primitive("axis_index")
core.def_abstract_eval(axis_index_p, lambda *, axes: ShapedArray((), np.dtype(np.int32), False))
core.def_lowering(axis_index_p, lambda *, axes: lax.axis_index(axes))
ad.defjvp_zero(axis_index_p)
batching.def_batching(axis_index_p, lambda args, dims, *, axes: (axis_index_p.bind(axes=axes), None))
vma_rules[axis_index_p] = lambda in_vmas, *, axes: ([], frozenset(axes))


def axis_index(axis_name):
    """This device's (or batch member's) position along ``axis_name``, an int32 scalar.

    >>> import fungrad, fungrad.lax as flax, numpy as np
    >>> fungrad.vmap(lambda x: x * flax.axis_index("i"), axis_name="i")(np.ones(3)).tolist()
    [0.0, 1.0, 2.0]
    """
    axes = _axes(axis_name)
    axis_size(axes)
    return axis_index_p.bind(axes=axes)


COLLECTIVES = (psum_p, pbroadcast_p, pmax_p, all_gather_p, psum_scatter_p, ppermute_p, axis_index_p)


# ---- vmap(..., axis_name=...): collectives over the batch dimension ----------------------------------


class NamedBatchTrace(batching.BatchTrace):
    """The batch trace of ``vmap(..., axis_name=name)``: collectives over ``name`` act along the batch
    dimension (a sum, maximum, gather or permutation of the batch members); every other primitive is
    batched as by plain ``vmap``. A ``jit`` call whose body uses ``name`` is inlined so its collectives
    meet this trace (the batching rules of a cond/scan body cannot see the name: they refuse it)."""

    def __init__(self, axis_size: int, axis_name, parent=None):
        super().__init__(axis_size, parent, name="vmap")
        self.axis_name = axis_name

    def process_primitive(self, prim, args, params):
        axes = params.get("axes", ()) if prim in COLLECTIVES else ()
        if self.axis_name in axes:
            return self._collective(prim, args, params)
        if prim is jit_p and _mentions(params["ir"], self.axis_name):
            with core.set_current_trace(self):
                return eval_ir(params["ir"], (), args)
        saved = _env.named_vmaps
        _env.named_vmaps = (*saved, self.axis_name)
        try:
            return super().process_primitive(prim, args, params)
        finally:
            _env.named_vmaps = saved

    def _unbox(self, x):
        if type(x) is batching.BatchTracer and x._trace is self:
            return x.val, x.bdim
        return x, None

    def _collective(self, prim, args, params):
        n = self.axis_size
        rest = tuple(a for a in params["axes"] if a != self.axis_name)
        (x, bdim) = self._unbox(args[0]) if args else (None, None)
        with core.set_current_trace(self.parent):
            out, out_dim = _named_rules[prim](x, bdim, n, params)
            if rest and prim in (psum_p, pbroadcast_p, pmax_p):
                out = prim.bind(out, axes=rest)
            elif rest:
                raise NotImplementedError(
                    f"[vmap] {prim.name} over the vmap axis {self.axis_name!r} together with other axes {rest}"
                )
        return self._box(out, out_dim)


def _mentions(ir, name) -> bool:
    for eqn in ir.eqns:
        if eqn.primitive in COLLECTIVES and name in eqn.params["axes"]:
            return True
        if any(_mentions(sub, name) for sub in ir_module._sub_irs(eqn.params)):
            return True
    return False


def _named_psum(x, bdim, n, params):
    if bdim is None:  # every member holds the same value: the sum is n copies (JAX's pvary + psum)
        return ew.mul(x, ew.scalar(n, x)), None
    return layout.reduce_sum(x, (bdim,)), None


def _named_pmax(x, bdim, n, params):
    return (x, None) if bdim is None else (reductions.reduce_max(x, (bdim,)), None)


def _named_all_gather(x, bdim, n, params):
    axis, tiled = params["axis"], params["tiled"]
    x = batching.move_to(x, bdim, axis, n)  # the batch axis is the gathered axis
    if tiled:
        shape = get_aval(x).shape
        x = layout.reshape(x, (*shape[:axis], shape[axis] * shape[axis + 1], *shape[axis + 2 :]))
    return x, None


def _named_psum_scatter(x, bdim, n, params):
    axis, tiled = params["axis"], params["tiled"]
    total, _ = _named_psum(x, bdim, n, params)
    if tiled:  # split the scattered axis into (member, block): the member axis becomes the batch axis
        shape = get_aval(total).shape
        total = layout.reshape(total, (*shape[:axis], n, shape[axis] // n, *shape[axis + 1 :]))
    return total, axis


def _named_ppermute(x, bdim, n, params):
    x = batching.move_to(x, bdim, 0, n)
    shape = get_aval(x).shape
    source = {d: s for s, d in params["perm"]}
    rows = []
    for i in range(n):
        if i in source:
            s = source[i]
            rows.append(sh.slice(x, (s, *[0] * (len(shape) - 1)), (s + 1, *shape[1:])))
        else:
            rows.append(ew.full_like_aval(0, get_aval(x).update_shape((1, *shape[1:]))))
    return sh.concatenate(rows, 0), 0


def _named_axis_index(x, bdim, n, params):
    return core.as_concrete(np.arange(n, dtype=np.int32)), 0


_named_rules = {
    psum_p: _named_psum,
    # Under vmap pbroadcast only arises as psum's transpose, and JAX's vmap transposes psum to psum: the
    # cotangent of a member's value collects every member's loss (vmap(grad(f)) sums over the axis).
    pbroadcast_p: _named_psum,
    pmax_p: _named_pmax,
    all_gather_p: _named_all_gather,
    psum_scatter_p: _named_psum_scatter,
    ppermute_p: _named_ppermute,
    axis_index_p: _named_axis_index,
}


def named_batch_flat(fun, args, in_dims, size: int, axis_name) -> list[tuple]:
    """:func:`batching.batch_flat` for ``vmap(..., axis_name=axis_name)``."""
    trace = NamedBatchTrace(size, axis_name)
    ins = [a if d is None else batching.BatchTracer(trace, a, d) for a, d in zip(args, in_dims)]
    with axis_env({axis_name: size}), core.tracing(trace):
        outs = fun(*ins)
    return [(x.val, x.bdim) if type(x) is batching.BatchTracer and x._trace is trace else (x, None) for x in outs]
