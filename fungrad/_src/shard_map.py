"""``shard_map``: write the per-device program; JAX runs it on every device of a mesh.

Contract. ``shard_map(f, mesh=, in_specs=, out_specs=)`` has JAX's signature and meaning: each
argument is split into blocks by its ``PartitionSpec`` (a dimension named after mesh axes is divided
among them; an axis not named means the argument is replicated over it), ``f`` runs once per device on
its blocks and may call collectives over the mesh axes (:mod:`fungrad._src.collectives`), and the
results are assembled by ``out_specs``. The per-device body is traced to a const-free sub-IR held by
``shard_map_p``, a client of the rewrite toolkit like ``jit_p``:

* jvp: ``ad.jvp_ir`` of the body; tangents are laid out like their primals;
* partial evaluation: ``ad.partial_eval_ir`` splits the body into a known ``shard_map`` (run now)
  and an unknown one (staged); residuals are per-device values, so they leave the known program with a
  new leading axis split over every mesh axis, and the unknown program drops it again;
* transpose: ``ad.transpose_ir`` of the body; cotangents are laid out like the values they belong to;
* batching: ``batching.batch_ir``; the batch axis is never split (``None`` in the specs);
* dead-code elimination: ``ir.dce_ir`` of the body drops unused outputs and the operands they needed;
* lowering: ``jax.shard_map(..., check_vma=False)`` around the lowered body; XLA's SPMD partitioner
  and runtime do the rest.

Device-varying types. As in JAX with ``check_vma=True``, every value of the body either varies over
some mesh axes or is the same on all devices. While tracing, ``shard_map`` inserts ``pbroadcast`` (the
identity on values) wherever an invariant value meets a varying one; since ``pbroadcast`` transposes
to ``psum``, the gradient of a replicated argument is summed over the devices that used it, and the
transpose of ``psum`` is the free ``pbroadcast``. An output whose ``out_specs`` says replicated but
whose value varies is an error (reduce it with ``psum``/``pmean``/``all_gather`` first); with
``check_vma=False`` that check is skipped (device 0's value is returned, as in JAX).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import jax
from jax import tree_util
from jax.sharding import Mesh, PartitionSpec

from fungrad._src import ad, batching, collectives, core, staging
from fungrad._src.ad import Zero
from fungrad._src.control_flow.common import merge
from fungrad._src.core import FungradTypeError, Primitive, ShapedArray, get_aval
from fungrad._src.ir import IR, Literal, canonical, dce_ir, def_dce, eval_ir, rewrite
from fungrad._src.jit import jit_p
from fungrad._src.lowering import lower_ir
from fungrad._src.primitives import layout
from fungrad._src.staging import trace_to_subir

REPLICATED = PartitionSpec()

# ---- specs and shapes ---------------------------------------------------------------------------------


def _dim_axes(spec: PartitionSpec, dim: int) -> tuple:
    entry = spec[dim] if dim < len(spec) else None
    if entry is None:
        return ()
    return tuple(entry) if isinstance(entry, tuple) else (entry,)


def _spec_axes(spec: PartitionSpec) -> frozenset:
    return frozenset(a for d in range(len(spec)) for a in _dim_axes(spec, d))


def _global_aval(aval: ShapedArray, spec, mesh: Mesh) -> ShapedArray:
    shape = [n * math.prod(mesh.shape[a] for a in _dim_axes(spec, d)) for d, n in enumerate(aval.shape)]
    return aval.update_shape(tuple(shape))


def _local_aval(aval: ShapedArray, spec, mesh: Mesh, what: str) -> ShapedArray:
    if len(spec) > aval.ndim:
        raise FungradTypeError(
            f"[shard_map] {what} has shape {aval.shape}, but its spec {spec} has {len(spec)} entries"
        )
    shape = []
    for d, n in enumerate(aval.shape):
        axes = _dim_axes(spec, d)
        for a in axes:
            if a not in mesh.shape:
                raise FungradTypeError(f"[shard_map] {what}'s spec {spec} names {a!r}, not an axis of {mesh}")
        k = math.prod(mesh.shape[a] for a in axes)
        if n % k:
            raise FungradTypeError(
                f"[shard_map] {what} has shape {aval.shape}: dimension {d} (size {n}) is not divisible by the "
                f"{k} devices of mesh axes {axes} that its spec {spec} splits it over"
            )
        shape.append(n // k)
    return aval.update_shape(tuple(shape))


def _insert_none(spec, ndim: int, dim: int) -> PartitionSpec:
    entries = list(spec) + [None] * (ndim - len(spec))
    entries.insert(dim, None)
    return PartitionSpec(*entries)


# ---- the primitive ------------------------------------------------------------------------------------

shard_map_p = Primitive("shard_map", multiple_results=True, linear=True)


def _abstract_eval(*avals, body, mesh, in_specs, out_specs, name):
    return [_global_aval(a, s, mesh) for a, s in zip(body.out_avals, out_specs)]


def _lowering(*args, body, mesh, in_specs, out_specs, name):
    def per_device(*xs):
        return tuple(lower_ir(body, (), xs))

    with jax.named_scope(f"shard_map({name})"):
        fn = jax.shard_map(per_device, mesh=mesh, in_specs=in_specs, out_specs=out_specs, check_vma=False)
        return list(fn(*args))


core.def_abstract_eval(shard_map_p, _abstract_eval)
core.def_lowering(shard_map_p, _lowering)


def _bind(consts, args, body, mesh, in_specs, out_specs, name):
    specs = (REPLICATED,) * len(consts) + tuple(in_specs)  # closed-over values are the same everywhere
    return shard_map_p.bind(*consts, *args, body=body, mesh=mesh, in_specs=specs, out_specs=tuple(out_specs), name=name)


def _jvp(primals, tangents, *, body, mesh, in_specs, out_specs, name):
    nonzero = tuple(type(t) is not Zero for t in tangents)
    r = ad.jvp_ir(body, nonzero)
    t_specs = [s for s, nz in zip(in_specs, nonzero) if nz]
    t_out_specs = [s for s, nz in zip(out_specs, r.out_nonzero) if nz]
    outs = _bind(
        r.consts,
        [*primals, *(t for t in tangents if type(t) is not Zero)],
        r.ir,
        mesh,
        (*in_specs, *t_specs),
        (*out_specs, *t_out_specs),
        f"jvp({name})",
    )
    n = len(body.outvars)
    zeros = [Zero(get_aval(o).to_tangent_aval()) for o in outs[:n]]
    return outs[:n], merge(r.out_nonzero, outs[n:], zeros)


ad.def_jvp(shard_map_p, _jvp)


class _Split(NamedTuple):
    known: IR
    known_consts: tuple
    unknown: IR
    unknown_consts: tuple
    out_unknown: tuple
    n_known: int
    forwarded: tuple  # per residual: the known operand it is (it enters the unknown program as is), or None


@rewrite
def _split(body: IR, unknown: tuple) -> _Split:
    """``ad.partial_eval_ir`` of the body. A residual that is a known operand is passed on as that
    operand; every other residual gets a leading axis of length 1 so that it can leave the known
    program split over every device (one block per device) and enter the unknown one the same way."""
    split = ad.partial_eval_ir(body, unknown)
    res_avals = split.residual_avals
    sources = split.known_sources[split.n_known_outs :]
    forwarded = tuple(i if kind == "in" else None for kind, i in sources)

    def known_fun(*xs):
        outs, res = ad.run_known(split, list(xs), lambda sub, ops: eval_ir(sub, (), ops))
        made = [layout.reshape(r, (1, *a.shape)) for r, a, f in zip(res, res_avals, forwarded) if f is None]
        return [*outs, *made]

    def unknown_fun(*xs):
        res = [r if f is not None else layout.reshape(r, a.shape) for r, a, f in zip(xs, res_avals, forwarded)]
        return eval_ir(split.unknown, (), [*res, *xs[len(res_avals) :]])

    known_avals = [a for a, u in zip(body.in_avals, unknown) if not u]
    k_ir, k_consts = trace_to_subir(known_fun, known_avals, "shard_map")
    res_in = [a if f is not None else a.update_shape((1, *a.shape)) for a, f in zip(res_avals, forwarded)]
    u_ir, u_consts = trace_to_subir(
        unknown_fun, [*res_in, *(a for a, u in zip(body.in_avals, unknown) if u)], "shard_map"
    )
    return _Split(k_ir, k_consts, u_ir, u_consts, split.out_unknown, split.n_known_outs, forwarded)


def _partial_eval(trace, args, params):
    body, mesh, in_specs, out_specs, name = (params[k] for k in ("body", "mesh", "in_specs", "out_specs", "name"))
    unknown = tuple(trace.is_own(a) for a in args)
    if all(unknown):
        return trace.stage(shard_map_p, args, params)
    s = _split(body, unknown)
    every_device = PartitionSpec(tuple(mesh.axis_names))
    known_args = [a for a, u in zip(args, unknown) if not u]
    known_specs = [sp for sp, u in zip(in_specs, unknown) if not u]
    known_out = [sp for sp, u in zip(out_specs, s.out_unknown) if not u]
    n_made = sum(f is None for f in s.forwarded)
    results = core.bind_with_parent(
        trace,
        shard_map_p,
        [*s.known_consts, *known_args],
        dict(
            body=s.known,
            mesh=mesh,
            in_specs=(REPLICATED,) * len(s.known_consts) + tuple(known_specs),
            out_specs=(*known_out, *(every_device,) * n_made),
            name=name,
        ),
    )
    known_outs, made = results[: s.n_known], iter(results[s.n_known :])
    residuals = [next(made) if f is None else known_args[f] for f in s.forwarded]
    res_specs = [every_device if f is None else known_specs[f] for f in s.forwarded]
    unknown_specs = [sp for sp, u in zip(in_specs, unknown) if u]
    staged = trace.stage(
        shard_map_p,
        [*s.unknown_consts, *residuals, *(a for a, u in zip(args, unknown) if u)],
        dict(
            body=s.unknown,
            mesh=mesh,
            in_specs=(REPLICATED,) * len(s.unknown_consts) + tuple(res_specs) + tuple(unknown_specs),
            out_specs=tuple(sp for sp, u in zip(out_specs, s.out_unknown) if u),
            name=name,
        ),
    )
    return merge(s.out_unknown, staged, known_outs)


staging.def_partial_eval(shard_map_p, _partial_eval)


def _transpose(cts, *args, body, mesh, in_specs, out_specs, name):
    linear = tuple(ad.is_undefined(a) for a in args)
    ct_nonzero = tuple(type(c) is not Zero for c in cts)
    if not any(ct_nonzero):
        return [None] * len(args)
    r = ad.transpose_ir(body, linear, ct_nonzero)
    res_specs = [s for s, lin in zip(in_specs, linear) if not lin]
    ct_specs = [s for s, nz in zip(out_specs, ct_nonzero) if nz]
    lin_specs = [s for s, lin in zip(in_specs, linear) if lin]
    outs = _bind(
        r.consts,
        [*(a for a, lin in zip(args, linear) if not lin), *(c for c in cts if type(c) is not Zero)],
        r.ir,
        mesh,
        (*res_specs, *ct_specs),
        [s for s, nz in zip(lin_specs, r.in_nonzero) if nz],
        f"transpose({name})",
    )
    outs, nonzero = iter(outs), iter(r.in_nonzero)
    return [(next(outs) if next(nonzero) else None) if lin else None for lin in linear]


ad.def_transpose(shard_map_p, _transpose)


def _batch(args, dims, *, body, mesh, in_specs, out_specs, name):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    args = [a if d is None else layout.bdim_to_front(a, d) for a, d in zip(args, dims)]
    in_dims = tuple(None if d is None else 0 for d in dims)
    r = batching.batch_ir(body, size, in_dims)
    specs = [s if d is None else _insert_none(s, a.ndim, 0) for s, d, a in zip(in_specs, in_dims, body.in_avals)]
    outs_specs = [
        s if d is None else _insert_none(s, a.ndim, d) for s, d, a in zip(out_specs, r.out_dims, body.out_avals)
    ]
    outs = _bind(r.consts, args, r.ir, mesh, specs, outs_specs, f"vmap({name})")
    return outs, list(r.out_dims)


batching.def_batching(shard_map_p, _batch)


def _dce(used_outputs, eqn):
    body, used = dce_ir(eqn.params["body"], tuple(used_outputs))
    new = eqn._replace(
        inputs=tuple(a for a, u in zip(eqn.inputs, used) if u),
        outputs=tuple(v for v, u in zip(eqn.outputs, used_outputs) if u),
        params={
            **eqn.params,
            "body": body,
            "in_specs": tuple(s for s, u in zip(eqn.params["in_specs"], used) if u),
            "out_specs": tuple(s for s, u in zip(eqn.params["out_specs"], used_outputs) if u),
        },
    )
    return list(used), new


def_dce(shard_map_p, _dce)


# ---- device-varying types: where pbroadcast goes ---------------------------------------------------------


def _inexact(aval) -> bool:
    return core.is_differentiable_dtype(aval.dtype)


def _with_pbroadcasts(body: IR, in_vmas, out_specs, check_vma: bool, name: str):
    """Re-stage ``body`` with ``pbroadcast`` wherever an invariant value meets a varying one."""

    def fun(*xs):
        wanted = [_spec_axes(spec) for spec in out_specs]
        outs = _run_typed(body, list(xs), list(in_vmas), wanted)
        for i, ((_, m), spec, w) in enumerate(zip(outs, out_specs, wanted)):
            if check_vma and m - w:
                raise FungradTypeError(
                    f"[shard_map] output {i} of `{name}` varies over mesh axes {sorted(m - w)}, but its "
                    f"out_specs {spec} say it is replicated over them: reduce it with fungrad.lax.psum/pmean/"
                    "all_gather over those axes, or name them in out_specs"
                )
        return [x for x, _ in outs]

    return trace_to_subir(fun, body.in_avals, "shard_map")


# Layout changes of one operand: an invariant value they produce is made varying by pbroadcasting
# their (smaller) operand and redoing them, so psum, pbroadcast's transpose, runs on the small value
# (a bias before its broadcast to the batch, say), as in JAX.
_REDO = {"broadcast_in_dim", "reshape", "transpose", "squeeze", "expand_dims", "convert_element_type"}


def _run_typed(ir: IR, xs: list, in_vmas: list, out_wanted: list | None = None) -> list:
    """Evaluate ``ir`` tracking each value's varying axes; returns (value, axes) per output, each output
    made to vary over ``out_wanted`` too. A nested ``jit`` is inlined so the collectives inside are typed."""
    env, vma, origin, lifted = {}, {}, {}, {}

    def read(atom):
        return (atom.value, frozenset()) if type(atom) is Literal else (env[atom], vma[atom])

    def lift(atom, axes):
        x, m = read(atom)
        axes = frozenset(axes) - m
        if not axes or type(atom) is Literal or not _inexact(atom.aval):
            return x
        key = (atom, axes)
        if key not in lifted:
            eqn = origin.get(atom)
            if eqn is not None:
                with core.source_override(eqn.source_info):
                    lifted[key] = eqn.primitive.bind(lift(eqn.inputs[0], axes), **eqn.params)
            else:
                lifted[key] = collectives.pbroadcast_p.bind(x, axes=tuple(sorted(axes, key=str)))
        return lifted[key]

    for v, x, m in zip(ir.invars, xs, in_vmas):
        env[v], vma[v] = x, m
    for eqn in ir.eqns:
        vals, ms = map(list, zip(*map(read, eqn.inputs))) if eqn.inputs else ([], [])
        if eqn.primitive is jit_p:
            typed = _run_typed(eqn.params["ir"], vals, ms)
            outs, out_ms = [x for x, _ in typed], [m for _, m in typed]
        else:
            rule = collectives.vma_rules.get(eqn.primitive)
            if rule is not None:
                need, out_m = rule(ms, **eqn.params)
            else:
                out_m = frozenset().union(*ms)
                need = [out_m if _inexact(a.aval) else m for a, m in zip(eqn.inputs, ms)]
            vals = [lift(a, n) for a, n in zip(eqn.inputs, need)]
            with core.source_override(eqn.source_info):
                out = eqn.primitive.bind(*vals, **eqn.params)
            outs = out if eqn.primitive.multiple_results else [out]
            out_ms = [out_m] * len(outs)
            if eqn.primitive.name in _REDO and len(eqn.inputs) == 1 and type(eqn.inputs[0]) is not Literal:
                origin[eqn.outputs[0]] = eqn
        for o, x, m in zip(eqn.outputs, outs, out_ms):
            env[o], vma[o] = x, m
    wanted = out_wanted or [frozenset()] * len(ir.outvars)
    return [(lift(atom, w), read(atom)[1]) for atom, w in zip(ir.outvars, wanted)]


# ---- the user-facing function -------------------------------------------------------------------------


def _is_spec(x) -> bool:
    return x is None or isinstance(x, PartitionSpec)


def _broadcast_specs(specs, tree, what: str) -> list:
    leaves, treedef = tree_util.tree_flatten(specs, is_leaf=_is_spec)
    try:
        subtrees = treedef.flatten_up_to(tree)
    except (ValueError, TypeError) as err:
        raise FungradTypeError(
            f"[shard_map] {what}={specs!r} is not a pytree prefix of the {what[:-6]}s "
            f"{tree_util.tree_structure(tree)}: {err}"
        ) from None
    out = []
    for spec, sub in zip(leaves, subtrees):
        if not isinstance(spec, PartitionSpec):
            raise FungradTypeError(f"[shard_map] {what} entries must be PartitionSpecs, got {spec!r}")
        out.extend([spec] * len(tree_util.tree_leaves(sub)))
    return out


def shard_map(
    f: Callable | None = None,
    *,
    mesh: Mesh,
    in_specs,
    out_specs,
    axis_names=frozenset(),
    check_vma: bool = True,
):
    """Map ``f`` over the devices of ``mesh``: each device runs ``f`` on its blocks of the arguments.

    Args:
        f: the per-device function, written with fungrad ops and collectives over mesh axes
            (``fungrad.lax.psum``, ``all_gather``, ...). Omit it to get a decorator.
        mesh: a ``jax.sharding.Mesh``.
        in_specs: a ``PartitionSpec`` per argument (a pytree prefix of the arguments): dimension ``d``
            named after mesh axes is split among their devices; unnamed axes replicate the argument.
        out_specs: a ``PartitionSpec`` per output (a pytree prefix of the outputs) saying how the
            per-device results are put together.
        axis_names: JAX's set of manual axes; fungrad makes every mesh axis manual (must be empty or all).
        check_vma: check that outputs declared replicated do not vary across devices (as in JAX).

    Returns:
        The mapped function. ``grad``, ``jvp``, ``vmap`` and ``jit`` of it work as in JAX: the gradient
        of a replicated argument is summed over the devices that used it.

    >>> import jax, numpy as np, fungrad, fungrad.lax as flax
    >>> from jax.sharding import Mesh, PartitionSpec as P
    >>> mesh = Mesh(np.array(jax.devices()[:1]), ("i",))
    >>> total = fungrad.shard_map(lambda x: flax.psum(x.sum(), "i"), mesh=mesh, in_specs=P("i"), out_specs=P())
    >>> float(total(np.arange(4.0)))
    6.0
    """
    if f is None:
        return lambda g: shard_map(
            g, mesh=mesh, in_specs=in_specs, out_specs=out_specs, axis_names=axis_names, check_vma=check_vma
        )
    core.check_callable(f, "shard_map")
    if axis_names and frozenset(axis_names) != frozenset(mesh.axis_names):
        raise NotImplementedError(
            f"[shard_map] axis_names={set(axis_names)}: fungrad's shard_map is manual over every mesh axis "
            f"({mesh.axis_names}); use with_sharding_constraint for the automatic ones"
        )
    name = getattr(f, "__name__", "f")

    def mapped(*args):
        leaves, in_tree = tree_util.tree_flatten(args)
        specs = _broadcast_specs(in_specs, args, "in_specs")
        local = [
            _local_aval(get_aval(x), s, mesh, f"argument {i} of `{name}`")
            for i, (x, s) in enumerate(zip(leaves, specs))
        ]
        flat = core.flatten_fun(lambda *a: f(*a), in_tree)
        with collectives.axis_env(dict(mesh.shape)):
            raw, consts = trace_to_subir(flat, local, "shard_map")
        out_tree = flat.out_tree
        outs_specs = _broadcast_specs(
            out_specs, tree_util.tree_unflatten(out_tree, [0] * len(raw.outvars)), "out_specs"
        )
        in_vmas = [frozenset()] * len(consts) + [_spec_axes(s) for s in specs]
        body, more = _with_pbroadcasts(raw, in_vmas, outs_specs, check_vma, name)
        body = canonical(body)  # an eager call traced again reuses the compiled program
        outs = _bind(more, [*consts, *leaves], body, mesh, (REPLICATED,) * len(consts) + tuple(specs), outs_specs, name)
        return tree_util.tree_unflatten(out_tree, outs)

    mapped.__name__ = f"shard_map({name})"
    mapped.__doc__ = f.__doc__
    return mapped
