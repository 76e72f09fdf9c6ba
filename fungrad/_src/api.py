"""The public transformations over pytrees: make_ir, jvp, linearize, linear_transpose, vjp, grad,
value_and_grad, vmap, jacfwd, jacrev, hessian.

Contract. Each transformation flattens its pytree arguments (``jax.tree_util``, so optax and chex
trees work as they are), checks them and reports bad input with the transformation's name, runs a
flat interpreter from ``ad`` / ``batching`` / ``staging``, and rebuilds the output tree. Symbolic
zeros are instantiated here, at the boundary, and nowhere else.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence

import jax
import numpy as np
from jax import tree_util

from fungrad._src import ad, batching, core, ir, ir_views, jit, staging
from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import elementwise as ew

# ----------------------------------------------------------------------------------------------
# Argument handling


def _leaf_to_array(x, transform: str, path: str):
    if isinstance(x, (Tracer, jax.Array)):
        return x
    if core.is_array_like(x):
        return core.as_concrete(x)
    raise FungradTypeError(
        f"[{transform}] argument {path} has type {type(x).__name__}, which is not an array: pass jax or "
        "NumPy arrays, Python scalars, or pytrees (tuples, lists, dicts, registered classes) of them; "
        "mark configuration arguments static (fungrad.jit's static_argnums) or close over them"
    )


def flatten_args(tree, transform: str, what: str = "args", positions: Sequence[int] | None = None):
    """Flatten a pytree of arrays, converting leaves to jax arrays; clear error on a non-array leaf.

    ``positions`` renames the top-level indices of a tuple ``tree`` in error messages (the
    positional indices of the differentiated arguments, say).
    """
    leaves_with_paths, treedef = tree_util.tree_flatten_with_path(tree)
    leaves = []
    for p, x in leaves_with_paths:
        if isinstance(x, (Tracer, jax.Array)):
            leaves.append(x)
        else:
            leaves.append(_leaf_to_array(x, transform, _path_name(what, p, positions)))
    return leaves, treedef


def _path_name(what: str, path, positions=None) -> str:
    if positions is not None and path and isinstance(path[0], tree_util.SequenceKey):
        return f"{what}[{positions[path[0].idx]}]{tree_util.keystr(tuple(path[1:]))}"
    return f"{what}{tree_util.keystr(path)}"


def _path_names(tree, prefix: str, positions=None) -> list[str]:
    return [_path_name(prefix, p, positions) for p, _ in tree_util.tree_flatten_with_path(tree)[0]]


def _normalize_argnums(argnums, nargs: int, transform: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise FungradTypeError(
                f"[{transform}] argnums={argnums} refers to positional argument {n}, but the function "
                f"was called with {nargs} positional argument(s)"
            )
    return tuple(n % nargs for n in nums)


def _split_args(args, argnums):
    """The differentiated arguments and a function that puts new values for them back into ``args``."""
    dyn = tuple(args[i] for i in argnums)

    def rebuild(new_dyn):
        out = list(args)
        for i, v in zip(argnums, new_dyn):
            out[i] = v
        return out

    return dyn, rebuild


def _with_user_context(transform: str):
    """Prefix fungrad's type errors raised while tracing with the transformation name."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except TypeError as err:
                if not isinstance(err, FungradTypeError):
                    foreign = core.foreign_use_error(err, transform)
                    if foreign is None:
                        raise
                    raise foreign from None
                msg = str(err)
                if msg.startswith("["):
                    raise
                where = _user_frame_of(err.__traceback__)
                at = f" (at {where})" if where is not None else ""
                raise type(err)(f"[{transform}] {msg}{at}") from None

        return inner

    return wrap


def _user_frame_of(tb) -> core.SourceInfo | None:
    """The innermost frame of a traceback that is user code (where a shape error was made)."""
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if not core._is_internal(code.co_filename):
            found = core.SourceInfo(code.co_filename, tb.tb_lineno, code.co_name)
        tb = tb.tb_next
    return found


def _instantiate_ct(ct, aval: core.ShapedArray):
    """A user-facing cotangent: zeros for symbolic zeros, float0 zeros for integer inputs."""
    if not core.is_differentiable_dtype(aval.dtype):
        return np.zeros(aval.shape, dtype=jax.dtypes.float0)
    if type(ct) is ad.Zero:
        return ad.zeros_like_aval(aval)
    ct_aval = get_aval(ct)
    if (ct_aval.dtype, ct_aval.weak_type) != (aval.dtype, aval.weak_type):
        # Like JAX, a gradient has its primal's dtype and weak type (grad(f)(1.0) is weakly typed).
        return ew.convert_element_type(ct, aval.dtype, aval.weak_type)
    return ct


# ----------------------------------------------------------------------------------------------
# make_ir


class TracedIR:
    """The IR of a function at particular argument shapes: ``str()`` prints it, calling evaluates it.

    Attributes: ``closed`` (the :class:`~fungrad._src.ir.ClosedIR`), ``in_tree``, ``out_tree``.
    """

    def __init__(self, closed: ir.ClosedIR, in_tree, out_tree):
        self.closed = closed
        self.in_tree = in_tree
        self.out_tree = out_tree

    @property
    def ir(self) -> ir.IR:
        return self.closed.ir

    @property
    def consts(self):
        return self.closed.consts

    def __str__(self):
        return ir.pretty_print(self.closed.ir)

    def pretty(self, show_source: bool = True) -> str:
        """The IR text with each equation's user source line (and ``[transposed]`` for backward ones)."""
        return ir.pretty_print(self.closed.ir, show_source=show_source)

    def __repr__(self):
        return str(self)

    def side_by_side(self, width: int = 40) -> str:
        """This forward IR beside its backward IR, equation by equation, with the residuals and their
        sizes (see ``fungrad.debug.backward_view``; ``fungrad.debug.to_dot`` draws it)."""
        return ir_views.side_by_side(self, width)

    def typecheck(self) -> None:
        ir.typecheck(self.closed.ir)

    def __call__(self, *args):
        leaves, tree = flatten_args(args, "make_ir")
        if tree != self.in_tree:
            raise FungradTypeError(f"[make_ir] IR was traced for arguments {self.in_tree}, called with {tree}")
        return tree_util.tree_unflatten(self.out_tree, self.closed(*leaves))


def make_ir(fun: Callable, static_argnums: int | Sequence[int] = ()) -> Callable[..., TracedIR]:
    """Trace ``fun`` to fungrad's IR at the given arguments' shapes and dtypes.

    Args:
        fun: a function of arrays / pytrees of arrays.
        static_argnums: positional arguments passed through as Python values (not traced).

    Returns:
        A function that takes example arguments and returns a :class:`TracedIR`.

    >>> import fungrad, fungrad.numpy as fnp
    >>> print(fungrad.make_ir(lambda x: fnp.sin(x) * 2.0)(fnp.float32(1.0)))
    { lambda a:f32[]. let
        b:f32[] = sin a
        c:f32[] = mul b 2.0:f32[]
      in (c,) }
    """
    core.check_callable(fun, "make_ir")
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @_with_user_context("make_ir")
    def traced(*args, **kwargs) -> TracedIR:
        dyn_nums = [i for i in range(len(args)) if i not in static]
        dyn, rebuild = _split_args(args, dyn_nums)
        leaves, in_tree = flatten_args(tuple(dyn), "make_ir")
        flat_fun = core.flatten_fun(lambda *d: fun(*rebuild(d), **kwargs), in_tree)
        avals = [get_aval(x) for x in leaves]
        names = _path_names(tuple(dyn), "args")
        closed, _ = staging.trace_to_ir(flat_fun, avals, name="make_ir", arg_names=names)
        return TracedIR(closed, in_tree, flat_fun.out_tree)

    return traced


# ----------------------------------------------------------------------------------------------
# Forward mode


def _check_tangents(primals, tangents, transform: str):
    for i, (p, t) in enumerate(zip(primals, tangents)):
        pa, ta = get_aval(p), get_aval(t)
        expected = pa.to_tangent_aval()
        if ta.shape != pa.shape or (
            ta.dtype != expected.dtype and not (expected.dtype == jax.dtypes.float0 and ta.dtype.kind in "iub")
        ):
            raise FungradTypeError(
                f"[{transform}] tangent {i} has shape/dtype {ta.str_short()} but its primal is "
                f"{pa.str_short()}: tangents must match primals (float0 tangents for integer primals)"
            )


def jvp(fun: Callable, primals, tangents, has_aux: bool = False):
    """Forward-mode derivative: ``(fun(*primals), J @ tangents)``.

    Args:
        fun: function of the positional arguments in ``primals``.
        primals: tuple or list of arguments (pytrees of arrays).
        tangents: same structure, dtypes and shapes as ``primals``.
        has_aux: ``fun`` returns ``(output, aux)``; aux is returned undifferentiated.

    >>> import fungrad, fungrad.numpy as fnp
    >>> y, t = fungrad.jvp(fnp.sin, (0.0,), (2.0,))
    >>> float(y), float(t)
    (0.0, 2.0)
    """
    core.check_callable(fun, "jvp")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise FungradTypeError("[jvp] primals and tangents must be tuples or lists of arguments")
    p_leaves, p_tree = flatten_args(tuple(primals), "jvp", "primals")
    t_leaves, t_tree = flatten_args(tuple(tangents), "jvp", "tangents")
    if p_tree != t_tree:
        raise FungradTypeError(f"[jvp] primals and tangents have different structures: {p_tree} vs {t_tree}")
    _check_tangents(p_leaves, t_leaves, "jvp")
    aux_box = _Aux("jvp", fun)

    def checked(*args):
        out = fun(*args)
        if not has_aux:
            core.check_outputs(out, "jvp", fun)
            return out
        out, aux_arrays = aux_box.split(out)
        core.check_outputs(out, "jvp", fun)
        return out, aux_arrays

    flat_fun = core.flatten_fun(checked, p_tree)

    tangents_in = [
        ad.Zero(get_aval(p).to_tangent_aval()) if not core.is_differentiable_dtype(get_aval(p).dtype) else t
        for p, t in zip(p_leaves, t_leaves)
    ]
    outs, touts = _with_user_context("jvp")(ad.jvp_flat)(flat_fun, p_leaves, tangents_in)
    touts = [
        _instantiate_ct(
            t, get_aval(o).to_tangent_aval() if core.is_differentiable_dtype(get_aval(o).dtype) else get_aval(o)
        )
        for t, o in zip(touts, outs)
    ]
    out_tree = flat_fun.out_tree
    if has_aux:
        (out, aux), (t_out, _) = (tree_util.tree_unflatten(out_tree, x) for x in (outs, touts))
        return out, t_out, aux_box.merge(aux)
    return tree_util.tree_unflatten(out_tree, outs), tree_util.tree_unflatten(out_tree, touts)


# ----------------------------------------------------------------------------------------------
# Reverse mode


class _Aux:
    """Splits ``(output, aux)``: aux's array leaves go through the trace (they may be tracers of an
    enclosing transformation), any other Python object (strings, ints, None) is passed back as is,
    as JAX does."""

    def __init__(self, transform: str, fun):
        self.transform, self.fun = transform, fun
        self.tree, self.kept = None, None

    def split(self, out):
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise FungradTypeError(
                f"[{self.transform}] has_aux=True requires {core.describe_fun(self.fun)} to return a pair "
                f"(output, aux), but it returned {type(out).__name__}"
            )
        out, aux = out
        leaves, self.tree = tree_util.tree_flatten(aux)
        arrays = [core.is_array_like(x) and not isinstance(x, (str, bytes)) for x in leaves]
        self.kept = [None if a else x for x, a in zip(leaves, arrays)]
        return out, [x for x, a in zip(leaves, arrays) if a]

    def merge(self, traced):
        traced = iter(traced)
        return tree_util.tree_unflatten(self.tree, [next(traced) if k is None else k for k in self.kept])


def _linearize(fun, primals, transform: str, has_aux: bool = False, user_fun=None):
    """Linearize ``fun`` at the pytree ``primals`` (a tuple of arguments); errors name ``user_fun``."""
    leaves, in_tree = flatten_args(tuple(primals), transform)
    out_tree_box = []
    user_fun = fun if user_fun is None else user_fun
    aux_box = _Aux(transform, user_fun)

    def flat_fun(*xs):
        out = fun(*tree_util.tree_unflatten(in_tree, xs))
        aux_leaves = []
        if has_aux:
            out, aux_leaves = aux_box.split(out)
        core.check_outputs(out, transform, user_fun)
        out_leaves, out_tree = tree_util.tree_flatten(out)
        out_tree_box.append((out_tree, len(out_leaves)))
        return [*out_leaves, *aux_leaves]

    outs, linear = _with_user_context(transform)(ad.linearize_flat)(flat_fun, leaves, name=transform)
    out_tree, n_out = out_tree_box[0]
    aux = aux_box.merge(outs[n_out:]) if has_aux else None
    return leaves, in_tree, outs[:n_out], out_tree, linear, aux


def linearize(fun: Callable, *primals):
    """Evaluate ``fun`` and return its linear map (the JVP at ``primals``) as a reusable function.

    The primal computation runs once, now; calling the returned function only does tangent work.

    >>> import fungrad, fungrad.numpy as fnp
    >>> y, f_jvp = fungrad.linearize(fnp.exp, 0.0)
    >>> float(f_jvp(3.0))
    3.0
    """
    core.check_callable(fun, "linearize")
    leaves, in_tree, outs, out_tree, linear, _ = _linearize(fun, primals, "linearize")

    def f_jvp(*tangents):
        t_leaves, t_tree = flatten_args(tuple(tangents), "linearize", "tangents")
        if t_tree != in_tree:
            raise FungradTypeError(f"[linearize] tangents structure {t_tree} does not match primals {in_tree}")
        _check_tangents(leaves, t_leaves, "linearize")
        touts = linear.apply(t_leaves)
        avals = linear.out_avals
        return tree_util.tree_unflatten(out_tree, [_instantiate_ct(t, a) for t, a in zip(touts, avals)])

    return tree_util.tree_unflatten(out_tree, outs), f_jvp


def _make_vjp_fun(leaves, in_tree, outs, out_tree, linear, transform: str):
    out_avals = [get_aval(o) for o in outs]

    def vjp_fun(cts):
        ct_leaves, ct_tree = flatten_args(cts, transform, "cotangent")
        if ct_tree != out_tree:
            raise FungradTypeError(
                f"[{transform}] cotangent structure {ct_tree} does not match the output structure {out_tree}"
            )
        clean = []
        for i, (ct, aval) in enumerate(zip(ct_leaves, out_avals)):
            cta = get_aval(ct)
            if not core.is_differentiable_dtype(aval.dtype):
                clean.append(ad.Zero(aval.to_tangent_aval()))
                continue
            if cta.shape != aval.shape:
                raise FungradTypeError(
                    f"[{transform}] cotangent shape {cta.shape} does not match output shape {aval.shape}"
                    + (f" (output {i})" if len(out_avals) > 1 else "")
                )
            if cta.dtype != aval.dtype:
                if np.issubdtype(cta.dtype, np.complexfloating) and not np.issubdtype(aval.dtype, np.complexfloating):
                    raise FungradTypeError(
                        f"[{transform}] cotangent{f' {i}' if len(out_avals) > 1 else ''} has dtype "
                        f"{cta.dtype.name} but the output has dtype {aval.dtype.name}: casting would drop the "
                        f"imaginary part. Pass a cotangent of dtype {aval.dtype.name} (the output's dtype)"
                    )
                ct = ew.convert_element_type(ct, aval.dtype, aval.weak_type)
            clean.append(ct)
        cts_in = linear.transpose(clean)
        grads = [_instantiate_ct(ct, get_aval(x)) for ct, x in zip(cts_in, leaves)]
        return tree_util.tree_unflatten(in_tree, grads)

    return vjp_fun


def vjp(fun: Callable, *primals, has_aux: bool = False):
    """Reverse-mode derivative: ``(fun(*primals), vjp_fun)`` with ``vjp_fun(ct) == ct @ J``.

    ``vjp_fun`` takes a cotangent with the output's structure and returns a tuple with one cotangent
    per primal argument.

    >>> import fungrad, fungrad.numpy as fnp
    >>> y, f_vjp = fungrad.vjp(lambda x: x * x, 3.0)
    >>> [float(g) for g in f_vjp(1.0)]
    [6.0]
    """
    core.check_callable(fun, "vjp")
    leaves, in_tree, outs, out_tree, linear, aux = _linearize(fun, primals, "vjp", has_aux)
    vjp_fun = _make_vjp_fun(leaves, in_tree, outs, out_tree, linear, "vjp")
    out = tree_util.tree_unflatten(out_tree, outs)
    return (out, vjp_fun, aux) if has_aux else (out, vjp_fun)


def linear_transpose(fun: Callable, *primals):
    """The transpose of the linear function ``fun`` (whose inputs look like ``primals``).

    >>> import fungrad, fungrad.numpy as fnp
    >>> f_t = fungrad.linear_transpose(lambda x: 2.0 * x, 1.0)
    >>> [float(c) for c in f_t(1.0)]
    [2.0]
    """
    core.check_callable(fun, "linear_transpose")
    leaves, in_tree = flatten_args(tuple(primals), "linear_transpose")
    flat_fun = core.flatten_fun(fun, in_tree)
    trace = staging.StagingTrace(stage_constants=False, name="linear_transpose")
    args = [trace.new_arg(get_aval(x)) for x in leaves]
    with core.tracing(trace):
        closed = trace.to_closed_ir(flat_fun(*args))
    out_tree = flat_fun.out_tree
    out_avals = [v.aval for v in closed.ir.outvars]

    def transposed(*cts):
        ct_leaves, ct_tree = flatten_args(cts[0] if len(cts) == 1 else cts, "linear_transpose", "cotangent")
        if ct_tree != out_tree:
            raise FungradTypeError(f"[linear_transpose] cotangent structure {ct_tree} != output structure {out_tree}")
        for ct, aval in zip(ct_leaves, out_avals):
            if get_aval(ct).shape != aval.shape:
                raise FungradTypeError(
                    f"[linear_transpose] cotangent shape {get_aval(ct).shape} does not match output shape {aval.shape}"
                )
        cts_in = ad.backward_pass(closed.ir, closed.consts, ct_leaves)
        return tree_util.tree_unflatten(in_tree, [_instantiate_ct(c, get_aval(x)) for c, x in zip(cts_in, leaves)])

    return transposed


def _check_grad_inputs(dyn_leaves, dyn, allow_int: bool, transform: str, positions=None, holomorphic=False):
    names = _path_names(dyn, "args", positions)
    for name, x in zip(names, dyn_leaves):
        dtype = get_aval(x).dtype
        if holomorphic and not np.issubdtype(dtype, np.complexfloating):
            raise FungradTypeError(
                f"[{transform}] holomorphic=True requires complex inputs, but {name} has dtype {dtype.name}: "
                "convert it with `.astype(complex)`"
            )
        if not core.is_differentiable_dtype(dtype) and not allow_int:
            raise FungradTypeError(
                f"[{transform}] cannot differentiate with respect to {name}, which has dtype {dtype.name}: "
                "grad requires floating-point (or complex) inputs. Convert it with "
                "`.astype(float)`, pass allow_int=True to get float0 zeros for it, or leave it out of argnums."
            )


def value_and_grad(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    allow_int: bool = False,
    holomorphic: bool = False,
) -> Callable:
    """Like :func:`grad`, but returns ``(value, gradient)`` (``((value, aux), gradient)`` with has_aux).

    >>> import fungrad
    >>> v, g = fungrad.value_and_grad(lambda x: x ** 3)(2.0)
    >>> float(v), float(g)
    (8.0, 12.0)
    """
    transform = "grad"
    core.check_callable(fun, "value_and_grad")
    if not isinstance(argnums, int):
        argnums = tuple(argnums)
        repeated = sorted({n for n in argnums if argnums.count(n) > 1})
        if repeated:
            raise FungradTypeError(
                f"[grad] argnums={argnums} repeats argument(s) {repeated}: each argument can be "
                "differentiated once (its gradient would be split between the copies); pass unique argnums"
            )

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        nums = _normalize_argnums(argnums, len(args), transform)
        if len(set(nums)) != len(nums):
            raise FungradTypeError(f"[grad] argnums={argnums} names an argument twice (counting from the end)")
        dyn, rebuild = _split_args(args, nums)
        dyn_leaves, _ = flatten_args(dyn, transform, positions=nums)
        _check_grad_inputs(dyn_leaves, dyn, allow_int, transform, nums, holomorphic)
        leaves, in_tree, outs, out_tree, linear, aux = _linearize(
            lambda *d: fun(*rebuild(d), **kwargs), dyn, transform, has_aux, fun
        )
        if not outs:
            raise FungradTypeError(
                f"[grad] requires a scalar output, but {core.describe_fun(fun)} returned "
                f"{'None' if out_tree == tree_util.tree_structure(None) else out_tree} (no arrays): "
                "return the scalar to differentiate (a loss), and other values with has_aux=True"
            )
        if len(outs) != 1 or get_aval(outs[0]).shape != ():
            shapes = [get_aval(o).shape for o in outs]
            raise FungradTypeError(
                f"[grad] requires a scalar output, but the function returned shape "
                f"{shapes[0] if len(shapes) == 1 else shapes}: for vector outputs use vjp or jacrev"
            )
        out_aval = get_aval(outs[0])
        if not core.is_differentiable_dtype(out_aval.dtype):
            raise FungradTypeError(f"[grad] requires a floating-point output, got dtype {out_aval.dtype.name}")
        is_complex = np.issubdtype(out_aval.dtype, np.complexfloating)
        if is_complex and not holomorphic:
            raise FungradTypeError(
                f"[grad] requires a real-valued output, but {core.describe_fun(fun)} returned dtype "
                f"{out_aval.dtype.name} (its gradient is not defined). For a holomorphic function pass "
                "holomorphic=True; to differentiate the real part, return `fnp.real(...)`; for the "
                "general complex case use vjp"
            )
        if holomorphic and not is_complex:
            raise FungradTypeError(
                f"[grad] holomorphic=True requires a complex output, got dtype {out_aval.dtype.name}"
            )
        one = np.ones((), dtype=out_aval.dtype)
        grads = _make_vjp_fun(leaves, in_tree, outs, out_tree, linear, transform)(
            tree_util.tree_unflatten(out_tree, [one])
        )
        grads = grads[0] if isinstance(argnums, int) else tuple(grads)
        value = tree_util.tree_unflatten(out_tree, outs)
        return ((value, aux) if has_aux else value), grads

    return value_and_grad_fun


def grad(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    allow_int: bool = False,
    holomorphic: bool = False,
) -> Callable:
    """The gradient of a scalar-valued ``fun`` with respect to argument(s) ``argnums``.

    Args:
        fun: returns a scalar (or ``(scalar, aux)`` with ``has_aux``). Arguments may be pytrees.
        argnums: an int, or a tuple of ints (then a tuple of gradients is returned).
        has_aux: return ``(gradient, aux)``.
        allow_int: allow integer inputs (their gradient is a ``float0`` zero array).
        holomorphic: ``fun`` is complex-differentiable, from complex inputs to a complex output
            (as in JAX); without it a complex output is an error.

    >>> import fungrad, fungrad.numpy as fnp
    >>> float(fungrad.grad(fnp.tanh)(0.0))
    1.0
    >>> float(fungrad.grad(fungrad.grad(lambda x: x ** 3))(2.0))
    12.0
    """
    core.check_callable(fun, "grad")
    vg = value_and_grad(fun, argnums, has_aux, allow_int, holomorphic)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        (value_aux, g) = vg(*args, **kwargs)
        return (g, value_aux[1]) if has_aux else g

    return grad_fun


# ----------------------------------------------------------------------------------------------
# Caches

# Constant caches of the array layers (imported after this module, so looked up by name): bounded
# dicts of small concrete scalars, keyed on dtype and the x64 flag.
_CONSTANT_CACHES = (
    ("fungrad.numpy._conversion", "_scalar_cache"),
    ("fungrad._src.primitives.elementwise", "_constants"),
)


def clear_caches() -> None:
    """Drop every cache fungrad keeps: traced IRs of ``jit``-ed functions, IR rewrites, compiled
    eager primitives, abstract evaluation, constants, and JAX's compilation caches (``jax.clear_caches``).

    Nothing here is needed for correctness or for bounded memory (entries about a function or an IR
    are freed with it, the rest are LRUs of documented size, see ``docs/reliability.md``); use it
    to release memory at once, or to measure cold-start costs. Later calls trace and compile again.

    >>> import fungrad, fungrad.numpy as fnp
    >>> f = fungrad.jit(lambda x: x * 2.0)
    >>> _ = f(1.0)
    >>> fungrad.clear_caches()
    >>> float(f(1.0))
    2.0
    """
    core.clear_caches()
    jit.clear_caches()
    for rewrite in (ad.jvp_ir, ad.partial_eval_ir, ad.transpose_ir, batching.batch_ir, ir.dce_ir):
        rewrite.cache.clear()
    ir.clear_canonical()
    for module, name in _CONSTANT_CACHES:
        cache = getattr(sys.modules.get(module), name, None)
        if cache is not None:
            cache.clear()
    jax.clear_caches()
