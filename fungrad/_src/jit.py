"""``jit``: trace once, compile with XLA through JAX, and stay compiled under every transformation.

Contract. ``jit(f)`` called on concrete values is a ``jax.jit`` whose body traces ``f`` to fungrad's
IR (:func:`~fungrad._src.staging.trace_to_ir`, then DCE) and lowers it equation by equation
(:func:`~fungrad._src.lowering.lower_ir`). JAX's C++ dispatch therefore owns the fast path: a call
that hits the cache does no Python tracing and costs what a ``jax.jit`` call costs. The closed IR is
cached per (input tree, avals, static arguments), so the IR traced for one use (say under ``grad``)
serves every other use.

Under any other transformation (``grad``, ``jvp``, ``vmap``, an enclosing ``jit``) a call binds the
call primitive ``jit_p``. Its operands are the closure-converted constants followed by the
flattened arguments; its ``ir`` param is the const-free sub-IR (hashed by identity, so every IR
derived from it is cached). ``jit_p`` is the first client of the rewrite toolkit, and the model for
every higher-order primitive (see "Writing a higher-order primitive" in ``docs/design.md``):

* jvp: :func:`ad.jvp_ir` of the sub-IR;
* partial evaluation (reverse mode): :func:`ad.partial_eval_ir` splits the sub-IR into a known call
  run now (returning the residuals) and an unknown call staged into the linear IR;
* transpose: :func:`ad.transpose_ir` of the (linear) sub-IR;
* batching: :func:`batching.batch_ir`;
* lowering: the sub-IR is inlined into the enclosing XLA computation.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import weakref
from collections.abc import Callable, Sequence

import jax
from jax import tree_util

from fungrad._src import ad, batching, core, staging
from fungrad._src.ad import Zero
from fungrad._src.core import FungradTypeError, Primitive, get_aval
from fungrad._src.ir import IR, ClosedIR, closure_convert, dce, prune_constvars
from fungrad._src.lowering import Lowered, lower_ir
from fungrad._src.staging import StagingTrace, trace_to_ir

logger = logging.getLogger("fungrad.jit")
# Set while debug_nans / debug_infs is on (fungrad._src.debug_nans): ``check(jitted, args, kwargs, out)``.
result_check: Callable | None = None

# ----------------------------------------------------------------------------------------------
# The call primitive: the first client of the rewrite toolkit (ad.jvp_ir, ad.partial_eval_ir,
# ad.transpose_ir, batching.batch_ir). Operands are the sub-IR's inputs one to one; every rule
# rewrites the sub-IR and binds ``jit_p`` again, so transformed work stays compiled.

jit_p = Primitive("jit", multiple_results=True, linear=True)
core.def_abstract_eval(jit_p, lambda *avals, ir, name: ir.out_avals)


def _jit_lowering(*args, ir, name):
    with jax.named_scope(f"jit({name})"):
        return lower_ir(ir, (), args)


core.def_lowering(jit_p, _jit_lowering)


def call_jit(sub: IR, consts: Sequence, args: Sequence, name: str) -> list:
    return jit_p.bind(*consts, *args, ir=sub, name=name)


def _jit_jvp(primals, tangents, *, ir, name):
    nonzero = tuple(type(t) is not Zero for t in tangents)
    rewritten = ad.jvp_ir(ir, nonzero)
    tangents_in = [t for t in tangents if type(t) is not Zero]
    outs = call_jit(rewritten.ir, rewritten.consts, [*primals, *tangents_in], f"jvp({name})")
    n = len(ir.outvars)
    t_outs = iter(outs[n:])
    avals = ir.out_avals
    return outs[:n], [next(t_outs) if nz else Zero(a.to_tangent_aval()) for a, nz in zip(avals, rewritten.out_nonzero)]


ad.def_jvp(jit_p, _jit_jvp)


def _jit_partial_eval(trace: StagingTrace, args, params):
    """Known operands run now (one compiled call that also returns the residuals); the rest is a new
    ``jit`` equation on residuals and staged operands. Without this split the jvp rule's single call
    would land whole in the linear IR: primal work would rerun in the backward pass."""
    ir, name = params["ir"], params["name"]
    unknown = tuple(trace.is_own(a) for a in args)
    if all(unknown):
        return trace.stage(jit_p, args, params)
    split = ad.partial_eval_ir(ir, unknown)
    known_args = [a for a, u in zip(args, unknown) if not u]
    known_outs, residuals = ad.run_known(
        split, known_args, lambda sub, ops: core.bind_with_parent(trace, jit_p, ops, dict(ir=sub, name=name))
    )
    staged = trace.stage(
        jit_p, [*residuals, *(a for a, u in zip(args, unknown) if u)], dict(ir=split.unknown, name=name)
    )
    known_it, staged_it = iter(known_outs), iter(staged)
    return [next(staged_it) if u else next(known_it) for u in split.out_unknown]


staging.def_partial_eval(jit_p, _jit_partial_eval)


def _jit_transpose(cts, *args, ir, name):
    linear = tuple(ad.is_undefined(a) for a in args)
    ct_nonzero = tuple(type(c) is not Zero for c in cts)
    if not any(ct_nonzero):
        return [None] * len(args)
    rewritten = ad.transpose_ir(ir, linear, ct_nonzero)
    residuals = [a for a, lin in zip(args, linear) if not lin]
    cts_in = [c for c in cts if type(c) is not Zero]
    outs = call_jit(rewritten.ir, rewritten.consts, [*residuals, *cts_in], f"transpose({name})")
    outs, nonzero = iter(outs), iter(rewritten.in_nonzero)
    return [(next(outs) if next(nonzero) else None) if lin else None for lin in linear]


ad.def_transpose(jit_p, _jit_transpose)


def _jit_batch(args, dims, *, ir, name):
    size = next(get_aval(a).shape[d] for a, d in zip(args, dims) if d is not None)
    rewritten = batching.batch_ir(ir, size, tuple(dims))
    return call_jit(rewritten.ir, rewritten.consts, args, f"vmap({name})"), list(rewritten.out_dims)


batching.def_batching(jit_p, _jit_batch)


# ----------------------------------------------------------------------------------------------
# The user-facing transformation
#
# ``jit(f)`` returns a light :class:`Jitted` wrapper; what it compiles and caches lives in a
# :class:`_Shared` record kept per (function, options) in a registry keyed *weakly* on the function,
# as JAX does: ``jit(f)`` re-created inside a loop or a function body finds the traces of earlier
# ``jit(f)``\ s, and everything is freed with ``f``. The record must therefore never hold ``f``
# strongly (a weak dictionary's value that refers to its key keeps it alive forever): it holds a
# weak reference, and each ``Jitted`` holds ``f``.


class _Entry:
    __slots__ = ("closed", "out_tree", "callee", "consts")

    def __init__(self, closed: ClosedIR, out_tree):
        self.closed, self.out_tree = closed, out_tree
        self.callee, self.consts = closure_convert(closed)


class _Foreign:
    """Cache entry of a signature whose function runs JAX-written code (optax, chex, jax.numpy).

    Called directly, such a function runs on JAX's tracers inside one ``jax.jit`` program; it has no
    fungrad IR, so transforming it (or asking for its IR) raises ``error``.
    """

    __slots__ = ("error",)

    def __init__(self, error: Exception):
        self.error = error


def _is_tracer(x) -> bool:
    return isinstance(x, (core.Tracer, jax.core.Tracer))


def _normalize_options(static_argnums, static_argnames, donate_argnums):
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
    donate = (donate_argnums,) if isinstance(donate_argnums, int) else tuple(donate_argnums)
    return nums, names, donate


class _Shared:
    """The traces, IR cache and compiled programs of one function under one set of jit options."""

    def __init__(self, fun, fun_ref, nums, names, donate, explain_retraces, shardings=(None, None)):
        self.fun_ref = fun_ref  # a weak reference when this record is in the registry
        self.name = getattr(fun, "__name__", type(fun).__name__)
        try:
            self.signature = inspect.signature(fun)
        except (TypeError, ValueError):
            self.signature = None
        params = list(self.signature.parameters.values()) if self.signature is not None else []
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        self.static_nums = frozenset(nums) | {positional.index(n) for n in names if n in positional}
        self.static_names = frozenset(names) | {positional[i] for i in nums if 0 <= i < len(positional)}
        self.positional = positional
        self.explain = explain_retraces
        self.cache: dict = {}
        self.seen: list = []  # signatures traced so far (kept only with explain_retraces)
        self.trace_count = 0

        def body(*args, **kwargs):  # runs only when jax.jit traces: a cache miss
            leaves, in_tree, statics = self.flatten(args, kwargs)
            entry = self.entry(args, kwargs, leaves, in_tree, statics)
            if type(entry) is _Foreign:  # JAX-written code: run it on JAX's tracers, one XLA program
                return self.fun_ref()(*args, **kwargs)
            return tree_util.tree_unflatten(entry.out_tree, lower_ir(entry.closed.ir, entry.closed.consts, leaves))

        # What functools.wraps would copy, except __wrapped__ (a strong reference to ``fun``).
        for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
            if hasattr(fun, attr):
                setattr(body, attr, getattr(fun, attr))
        if self.signature is not None:
            body.__signature__ = self.signature  # jax.jit resolves static_argnames with it
        jax_names = tuple(sorted(self.static_names)) if self.signature is not None else names
        placement = {k: v for k, v in zip(("in_shardings", "out_shardings"), shardings) if v is not None}
        self.jax_jitted = jax.jit(
            body,
            static_argnums=tuple(sorted(self.static_nums)),
            static_argnames=jax_names,
            donate_argnums=donate,
            **placement,  # XLA's SPMD partitioner places everything else (docs/scaling.md)
        )

    # -- tracing and caching

    def flatten(self, args, kwargs, check: bool = False):
        snums, snames = self.static_nums, self.static_names
        dyn = (
            tuple(a for i, a in enumerate(args) if i not in snums),
            {k: v for k, v in kwargs.items() if k not in snames},
        )
        statics = (
            tuple((i, args[i]) for i in sorted(snums) if i < len(args)),
            tuple(sorted((k, v) for k, v in kwargs.items() if k in snames)),
        )
        leaves, in_tree = tree_util.tree_flatten(dyn)
        if check:
            for i, x in enumerate(leaves):
                if not core.is_array_like(x):
                    name = self.arg_names(args, kwargs)[i]
                    raise FungradTypeError(
                        f"[jit] argument `{name}` of `{self.name}` has type {type(x).__name__}, which is not "
                        "an array: pass jax or NumPy arrays, Python scalars, or pytrees of them; mark "
                        "configuration arguments static with `static_argnums`/`static_argnames`"
                    )
            leaves = [core.as_concrete(x) for x in leaves]
        return leaves, in_tree, statics

    def arg_names(self, args, kwargs) -> list[str]:
        """Readable names of the flattened dynamic arguments (``x``, ``params['w']``), in leaf order."""
        positions = [i for i in range(len(args)) if i not in self.static_nums]
        dyn = (
            tuple(args[i] for i in positions),
            {k: v for k, v in kwargs.items() if k not in self.static_names},
        )
        names = []
        for path, _ in tree_util.tree_flatten_with_path(dyn)[0]:
            if path[0].idx == 0:
                i = positions[path[1].idx]
                base = self.positional[i] if i < len(self.positional) else f"args[{i}]"
            else:
                base = str(path[1].key)
            names.append(base + tree_util.keystr(tuple(path[2:])))
        return names

    def entry(self, args, kwargs, leaves, in_tree, statics) -> _Entry | _Foreign:
        avals = tuple(get_aval(x) for x in leaves)
        key = (in_tree, avals, statics, core.x64_enabled())
        try:
            entry = self.cache.get(key)
        except TypeError:
            raise FungradTypeError(f"[jit] static arguments of `{self.name}` must be hashable, got {statics}") from None
        if entry is not None:
            return entry
        names = self.arg_names(args, kwargs)
        if self.explain:
            if self.seen:
                _explain_retrace(self.name, self.trace_count + 1, self.seen, (in_tree, names, avals, statics))
            self.seen = [*self.seen[-63:], (in_tree, names, avals, statics)]
        self.trace_count += 1
        snames, fun, fun_name = self.static_names, self.fun_ref(), self.name

        def call_with_statics(dyn_args, dyn_kwargs):
            full, it = [], iter(dyn_args)
            static_pos = dict(statics[0])
            for i in range(len(dyn_args) + len(static_pos)):
                full.append(static_pos[i] if i in static_pos else next(it))
            out = fun(*full, **dyn_kwargs, **{k: v for k, v in kwargs.items() if k in snames})
            core.check_outputs(out, "jit", fun)
            return out

        flat_fun = core.flatten_fun(call_with_statics, in_tree)
        try:
            # Tracing may run inside JAX's own trace (our jax.jit body, or a user's jax.jit), where even
            # jnp.asarray(1.0) would give a JAX tracer; the cached IR must hold concrete constants.
            with jax.ensure_compile_time_eval():
                closed, _ = trace_to_ir(flat_fun, avals, name="jit", arg_names=names)
        except Exception as err:
            foreign = core.foreign_use_error(err, "jit", fun_name)
            if foreign is None:
                raise
            self.cache[key] = entry = _Foreign(foreign)
            return entry
        closed = prune_constvars(ClosedIR(dce(closed.ir), closed.consts))
        entry = _Entry(closed, flat_fun.out_tree)
        if not any(_is_tracer(c) for c in closed.consts):  # closed-over tracers are call-specific
            self.cache[key] = entry
        return entry

    def traced_entry(self, args, kwargs) -> tuple[list, _Entry]:
        """The entry (with IR) for these arguments; raise if the function runs JAX-written code."""
        leaves, in_tree, statics = self.flatten(args, kwargs, check=True)
        entry = self.entry(args, kwargs, leaves, in_tree, statics)
        if type(entry) is _Foreign:
            err = entry.error
            raise type(err)(core.retag(str(err), core.current_trace_name("jit"))) from None
        return leaves, entry


_registry: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # fun -> {options: _Shared}
_registry_lock = threading.Lock()


def _shared_for(fun, nums, names, donate, explain_retraces, shardings=(None, None)) -> _Shared:
    options = (nums, names, donate, bool(explain_retraces), shardings)
    try:
        with _registry_lock:
            per_fun = _registry.get(fun)
            hit = per_fun.get(options) if per_fun is not None else None
            if hit is None:
                hit = _Shared(fun, weakref.ref(fun), nums, names, donate, explain_retraces, shardings)
                _registry.setdefault(fun, {})[options] = hit
            return hit
    except TypeError:  # not weakly referenceable, or unhashable: a record of its own, holding ``fun``
        return _Shared(fun, lambda: fun, nums, names, donate, explain_retraces, shardings)


def clear_caches() -> None:
    """Forget every traced IR and compiled program of every ``jit``-ed function (they trace again)."""
    with _registry_lock:
        records = [r for per_fun in _registry.values() for r in per_fun.values()]
    for record in records:
        record.cache.clear()
        record.jax_jitted.clear_cache()


class Jitted:
    """A function compiled by :func:`jit`. Call it; ``lower(*args)`` for ahead-of-time compilation.

    Every ``jit(f)`` with the same options shares one trace cache (``trace_count`` counts its traces).
    """

    def __init__(self, fun, shared: _Shared):
        functools.update_wrapper(self, fun)
        self._fun = fun  # keeps ``fun`` (and so the shared record) alive as long as this wrapper
        self._shared = shared
        self._name = shared.name

    @property
    def trace_count(self) -> int:
        return self._shared.trace_count

    def __call__(self, *args, **kwargs):
        if not core.is_eager():
            return self._call_traced(args, kwargs)
        try:
            out = self._shared.jax_jitted(*args, **kwargs)
        except TypeError:
            self._shared.flatten(args, kwargs, check=True)  # a friendlier error for a non-array argument
            raise
        if result_check is not None:  # debug_nans / debug_infs: re-run op by op only if a NaN came out
            result_check(self, args, kwargs, out)
        return out

    def __repr__(self):
        return f"<fungrad.jit({self._name})>"

    def __get__(self, obj, objtype=None):  # decorating a method binds ``self`` like a function would
        return self if obj is None else functools.partial(self, obj)

    def _arg_names(self, args, kwargs) -> list[str]:
        return self._shared.arg_names(args, kwargs)

    def _call_traced(self, args, kwargs):
        leaves, entry = self._shared.traced_entry(args, kwargs)
        outs = call_jit(entry.callee, entry.consts, leaves, self._name)
        return tree_util.tree_unflatten(entry.out_tree, outs)

    # -- ahead of time

    def lower(self, *args, **kwargs) -> Lowered:
        """Lower for these arguments' shapes: ``.as_text()`` gives StableHLO, ``.compile()`` compiles.

        ``.ir`` of the result is the fungrad IR (None for a function that runs JAX-written code).

        >>> import fungrad, fungrad.numpy as fnp
        >>> compiled = fungrad.jit(lambda x: fnp.sin(x) * 2.0).lower(fnp.ones(3)).compile()
        >>> compiled.cost_analysis()["flops"] > 0
        True
        """
        if not core.is_eager():
            raise FungradTypeError(f"[jit] `{self._name}`.lower() must be called outside other transformations")
        shared = self._shared
        leaves, in_tree, statics = shared.flatten(args, kwargs, check=True)
        lowered = shared.jax_jitted.lower(*args, **kwargs)
        entry = shared.entry(args, kwargs, leaves, in_tree, statics)
        return Lowered(lowered, None if type(entry) is _Foreign else entry.closed)

    def ir(self, *args, **kwargs) -> ClosedIR:
        """The (cached) fungrad IR traced for these arguments."""
        return self._shared.traced_entry(args, kwargs)[1].closed


def _describe_change(old, new) -> list[str]:
    o_tree, o_names, o_avals, o_statics = old
    n_tree, n_names, n_avals, n_statics = new
    lines = []
    if o_tree != n_tree:
        lines.append(f"the argument structure changed from {o_tree} to {n_tree}")
    else:
        for name, a, b in zip(n_names, o_avals, n_avals):
            if a.shape != b.shape:
                lines.append(f"argument `{name}` changed shape from {a.str_short()} to {b.str_short()}")
            elif a.dtype != b.dtype:
                lines.append(f"argument `{name}` changed dtype from {a.dtype.name} to {b.dtype.name}")
            elif a.weak_type != b.weak_type:
                kind = lambda w: "weakly typed (a Python scalar)" if w else "strongly typed"  # noqa: E731
                lines.append(
                    f"argument `{name}` changed from {kind(a.weak_type)} to {kind(b.weak_type)} {b.str_short()}"
                )
    o_static = {**dict(o_statics[0]), **dict(o_statics[1])}
    for k, v in {**dict(n_statics[0]), **dict(n_statics[1])}.items():
        label = f"argument {k}" if isinstance(k, int) else f"argument `{k}`"
        if k in o_static and o_static[k] != v:
            lines.append(f"static {label} changed value from {o_static[k]!r} to {v!r}")
    return lines


def _explain_retrace(name: str, number: int, seen: list, new) -> None:
    best = min((_describe_change(old, new) for old in seen), key=len)
    why = "; ".join(best) if best else "no argument changed (the cache entry held a closed-over tracer)"
    logger.warning("[jit] retracing `%s` (trace %d): %s", name, number, why)


def jit(
    fun: Callable | None = None,
    static_argnums: int | Sequence[int] = (),
    static_argnames: str | Sequence[str] = (),
    donate_argnums: int | Sequence[int] = (),
    explain_retraces: bool = False,
    in_shardings=None,
    out_shardings=None,
) -> Jitted | Callable[[Callable], Jitted]:
    """Compile ``fun`` with XLA: trace it once per argument signature, then run the compiled program.

    Args:
        fun: a function of arrays / pytrees of arrays, written with fungrad ops. Omit it to get a
            decorator: ``@fungrad.jit(static_argnames="n")``.
        static_argnums, static_argnames: arguments passed as Python values (hashable); each new value
            traces again. Use them for configuration that Python control flow depends on.
        donate_argnums: positional arguments whose buffers XLA may reuse for outputs.
        explain_retraces: log (logger ``fungrad.jit``) which argument's shape, dtype, weak type or
            static value changed whenever ``fun`` is traced again.
        in_shardings, out_shardings: ``jax.sharding`` objects (or pytrees of them), passed to
            ``jax.jit``: where the compiled program's arguments and results live across devices
            (``docs/scaling.md``). They apply to the compiled call, not inside other transformations.

    The trace cache belongs to ``fun`` (held weakly) and these options, as in JAX: ``jit(f)`` created
    anew for every call traces only once. Inside ``grad``, ``vmap``, ``jvp`` or another ``jit`` the
    call becomes a ``jit`` equation, so the transformed work stays compiled. Called directly (no
    fungrad transformation around it), ``fun`` may also call JAX-written code such as an optax
    update: it then runs on JAX's tracers as one XLA program. Results are ``jax.Array``\\ s on JAX's
    default device.

    >>> import fungrad, fungrad.numpy as fnp
    >>> f = fungrad.jit(lambda x: fnp.sum(fnp.tanh(x) ** 2))
    >>> float(f(fnp.zeros(3)))
    0.0
    >>> float(fungrad.grad(f)(0.0))
    0.0
    >>> @fungrad.jit(static_argnames="n")
    ... def power(x, n):
    ...     return x**n
    >>> float(power(2.0, n=3))
    8.0
    """
    nums, names, donate = _normalize_options(static_argnums, static_argnames, donate_argnums)
    if fun is None:
        return functools.partial(
            jit,
            static_argnums=nums,
            static_argnames=names,
            donate_argnums=donate,
            explain_retraces=explain_retraces,
            in_shardings=in_shardings,
            out_shardings=out_shardings,
        )
    core.check_callable(fun, "jit")
    return Jitted(fun, _shared_for(fun, nums, names, donate, explain_retraces, (in_shardings, out_shardings)))
