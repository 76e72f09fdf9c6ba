"""The public vectorizing transformations: vmap, jacfwd, jacrev, hessian.

Contract. ``vmap`` maps a function over an axis of its inputs with JAX's ``in_axes``/``out_axes``
semantics (ints, negative ints, ``None``, pytree prefixes); values that are not batched pass straight
through to the enclosing trace. ``chunk_size`` bounds memory by mapping the batch in pieces and
concatenating (results are identical). Jacobians are vmaps of jvp (forward) or vjp (reverse) over
standard basis vectors, reshaped into JAX's nested output-by-input pytree layout.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from jax import tree_util

from fungrad._src import batching, collectives, core
from fungrad._src.api import (
    _check_grad_inputs,
    _normalize_argnums,
    _split_args,
    _with_user_context,
    flatten_args,
    jvp,
    vjp,
)
from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import shape as sh

# ----------------------------------------------------------------------------------------------
# vmap


def _broadcast_prefix(prefix, tree, what: str, shown=None) -> list:
    """One entry of ``prefix`` per leaf of ``tree`` (``prefix`` is a pytree prefix of ``tree``).

    ``shown`` is ``(user's value, user's tree)`` for the error message when ``prefix``/``tree`` wrap them.
    """
    prefix_leaves, prefix_def = tree_util.tree_flatten(prefix, is_leaf=lambda x: x is None)
    try:
        subtrees = prefix_def.flatten_up_to(tree)
    except (ValueError, TypeError) as err:
        value, user_tree = shown if shown is not None else (prefix, tree)
        kind = "arguments" if what == "in_axes" else "outputs"
        raise FungradTypeError(
            f"[vmap] {what}={value!r} does not match the structure of the {kind} "
            f"{tree_util.tree_structure(user_tree)}: {what} must be an int, None, or a pytree prefix of the "
            f"{kind} ({err})"
        ) from None
    out = []
    for p, sub in zip(prefix_leaves, subtrees):
        if p is not None and not isinstance(p, int):
            raise FungradTypeError(f"[vmap] {what} entries must be ints or None, got {p!r}")
        out.extend([p] * len(tree_util.tree_leaves(sub)))
    return out


def _axis_size(leaves, dims, names, axis_size):
    sizes = {}
    for x, d, name in zip(leaves, dims, names):
        if d is not None:
            sizes[name] = get_aval(x).shape[d]
    if axis_size is not None:
        bad = {n: s for n, s in sizes.items() if s != axis_size}
        if bad:
            raise FungradTypeError(f"[vmap] axis_size={axis_size} but mapped axes have sizes {bad}")
        return axis_size
    if not sizes:
        raise FungradTypeError(
            "[vmap] needs at least one mapped input (an in_axes entry that is not None) or axis_size"
        )
    if len(set(sizes.values())) > 1:
        listing = ", ".join(f"{n} has size {s}" for n, s in sizes.items())
        raise FungradTypeError(f"[vmap] inconsistent sizes of the mapped axis: {listing}")
    return next(iter(sizes.values()))


def _normalize_dims(leaves, dims, names):
    out = []
    for x, d, name in zip(leaves, dims, names):
        if d is None:
            out.append(None)
            continue
        ndim = get_aval(x).ndim
        if not -ndim <= d < ndim:
            raise FungradTypeError(
                f"[vmap] in_axes={d} is out of range for {name} of shape {get_aval(x).shape} (ndim {ndim})"
            )
        out.append(d % ndim)
    return out


def _slice_axis(x, axis, start, stop):
    shape = get_aval(x).shape
    lo, hi = [0] * len(shape), list(shape)
    lo[axis], hi[axis] = start, stop
    return sh.slice(x, lo, hi)


def vmap(
    fun: Callable,
    in_axes=0,
    out_axes=0,
    axis_size: int | None = None,
    chunk_size: int | None = None,
    *,
    axis_name=None,
) -> Callable:
    """Vectorize ``fun`` over an axis of its inputs.

    Args:
        fun: function of arrays / pytrees.
        in_axes: int, None, or a pytree prefix of the positional arguments giving each input's mapped
            axis (None: not mapped, passed to every call as is). Negative ints count from the end.
        out_axes: int, None, or pytree prefix of the output: where the mapped axis goes.
        axis_size: the mapped size, needed only when no input is mapped.
        chunk_size: map at most this many elements at a time (bounds memory; same result).
        axis_name: a name for the mapped axis, so collectives (``fungrad.lax.psum`` ...) can reduce over
            it, as in JAX.

    Keyword arguments of the vmapped function are mapped over their axis 0.

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.vmap(lambda x, y: fnp.dot(x, y), in_axes=(0, None))(fnp.ones((4, 3)), fnp.ones(3)).shape
    (4,)
    """
    core.check_callable(fun, "vmap")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)

    @functools.wraps(fun)
    @_with_user_context("vmap")
    def vmapped(*args, **kwargs):
        all_args = (args, kwargs)
        flatten_args(args, "vmap")  # names a non-array argument args[i]... / kwargs[...] in the error
        flatten_args(kwargs, "vmap", "kwargs")
        leaves, in_tree = flatten_args(all_args, "vmap")
        prefix = (in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args), 0)
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise FungradTypeError(
                f"[vmap] in_axes is a tuple of length {len(in_axes)} but the function was called with "
                f"{len(args)} positional argument(s)"
            )
        dims = _broadcast_prefix(prefix, all_args, "in_axes", shown=(in_axes, args))
        names = [
            f"args{tree_util.keystr(p)[3:]}"
            if tree_util.keystr(p).startswith("[0]")
            else f"kwargs{tree_util.keystr(p)[3:]}"
            for p, _ in tree_util.tree_flatten_with_path(all_args)[0]
        ]
        dims = _normalize_dims(leaves, dims, names)
        size = _axis_size(leaves, dims, names, axis_size)

        def checked(a, k):
            out = fun(*a, **k)
            core.check_outputs(out, "vmap", fun)
            return out

        flat_fun = core.flatten_fun(checked, in_tree)

        def run(xs, n):
            if axis_name is None:
                pairs = batching.batch_flat(flat_fun, xs, dims, n)
            else:  # collectives over axis_name reduce along the batch (fungrad._src.collectives)
                pairs = collectives.named_batch_flat(flat_fun, xs, dims, n, axis_name)
            out_tree = flat_fun.out_tree
            out_dims = _broadcast_prefix(out_axes, tree_util.tree_unflatten(out_tree, [0] * len(pairs)), "out_axes")
            return [_place_output(v, d, o, n, i) for i, ((v, d), o) in enumerate(zip(pairs, out_dims))], out_dims

        if chunk_size is None or chunk_size >= size or size == 0 or axis_name is not None:
            outs, _ = run(leaves, size)
        else:
            pieces = []
            for start in range(0, size, chunk_size):
                stop = min(start + chunk_size, size)
                xs = [x if d is None else _slice_axis(x, d, start, stop) for x, d in zip(leaves, dims)]
                pieces.append(run(xs, stop - start))
            out_dims = pieces[0][1]
            outs = [
                pieces[0][0][i] if o is None else _concat([p[0][i] for p in pieces], o, get_aval(pieces[0][0][i]).ndim)
                for i, o in enumerate(out_dims)
            ]
        return tree_util.tree_unflatten(flat_fun.out_tree, outs)

    return vmapped


def _concat(parts, axis, ndim):
    return sh.concatenate(parts, axis % ndim)


def _place_output(value, bdim, out_axis, size, index):
    if out_axis is None:
        if bdim is not None:
            raise FungradTypeError(
                f"[vmap] out_axes=None for output {index}, but that output depends on the mapped inputs "
                "(it differs across the batch); give it an out_axes int"
            )
        return value
    ndim = get_aval(value).ndim + (bdim is None)
    if not -ndim <= out_axis < ndim:
        raise FungradTypeError(f"[vmap] out_axes={out_axis} is out of range for output {index} with {ndim} dims")
    return batching.move_to(value, bdim, out_axis % ndim, size)


# ----------------------------------------------------------------------------------------------
# Jacobians


def _basis(leaves) -> list:
    """Standard basis vectors for the flattened ``leaves``: one array (N, *leaf.shape) per leaf."""
    sizes = [get_aval(x).size for x in leaves]
    total = sum(sizes)
    out, offset = [], 0
    for x, n in zip(leaves, sizes):
        aval = get_aval(x)
        block = np.zeros((total, n), dtype=aval.dtype)
        block[offset : offset + n] = np.eye(n, dtype=aval.dtype)
        out.append(block.reshape((total, *aval.shape)))
        offset += n
    return out


def _jacobian_setup(fun, argnums, args, kwargs, transform, holomorphic=False):
    nums = _normalize_argnums(argnums, len(args), transform)
    dyn, rebuild = _split_args(args, nums)
    dyn_leaves, dyn_tree = flatten_args(dyn, transform, positions=nums)
    _check_grad_inputs(dyn_leaves, dyn, False, transform, nums, holomorphic)
    if transform == "jacfwd" and not holomorphic:
        _require_real(dyn_leaves, "jacfwd", "inputs")

    def f_flat(*leaves):
        return fun(*rebuild(tree_util.tree_unflatten(dyn_tree, leaves)), **kwargs)

    return dyn_leaves, dyn_tree, f_flat


def _require_real(leaves, transform: str, what: str) -> None:
    """As in JAX: without ``holomorphic=True`` a Jacobian of complex values would be ambiguous."""
    for x in leaves:
        dtype = get_aval(x).dtype
        if np.issubdtype(dtype, np.complexfloating):
            raise FungradTypeError(
                f"[{transform}] requires real-valued {what}, got dtype {dtype.name}; for holomorphic functions "
                f"pass holomorphic=True, otherwise split the values into real and imaginary parts"
            )


def _require_complex(leaves, transform: str, what: str) -> None:
    for x in leaves:
        dtype = get_aval(x).dtype
        if not np.issubdtype(dtype, np.complexfloating):
            raise FungradTypeError(f"[{transform}] holomorphic=True requires complex {what}, got dtype {dtype.name}")


def _assemble(blocks_per_out, out_tree, dyn_tree, argnums):
    """Nest per-(output leaf, input leaf) Jacobian blocks as out-tree of in-tree, like JAX."""
    per_out = []
    for blocks in blocks_per_out:
        inner = tree_util.tree_unflatten(dyn_tree, blocks)
        per_out.append(inner[0] if isinstance(argnums, int) else inner)
    return tree_util.tree_unflatten(out_tree, per_out)


def jacfwd(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    chunk_size: int | None = None,
):
    """The Jacobian of ``fun`` by forward mode (a vmap of jvp over input basis vectors).

    Output layout follows JAX: for each output leaf of shape ``S`` and input leaf of shape ``T``,
    a block of shape ``S + T``. ``chunk_size`` limits how many basis vectors are pushed at once.
    ``holomorphic=True`` for complex-to-complex holomorphic functions (entries are complex derivatives).

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.jacfwd(lambda x: x ** 2)(fnp.array([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    core.check_callable(fun, "jacfwd")

    def jacobian(*args, **kwargs):
        dyn_leaves, dyn_tree, f_flat = _jacobian_setup(fun, argnums, args, kwargs, "jacfwd", holomorphic)

        def pushfwd(*basis):
            out = jvp(f_flat, dyn_leaves, list(basis), has_aux=has_aux)
            return (out[1], out[2]) if has_aux else out[1]

        basis = _basis(dyn_leaves)
        out_axes = (-1, None) if has_aux else -1
        result = vmap(pushfwd, out_axes=out_axes, chunk_size=chunk_size)(*basis)
        tangents, aux = result if has_aux else (result, None)
        t_leaves, out_tree = tree_util.tree_flatten(tangents)
        if holomorphic:
            _require_complex(t_leaves, "jacfwd", "outputs")
        sizes = [get_aval(x).size for x in dyn_leaves]
        blocks_per_out = []
        for t in t_leaves:
            out_shape = get_aval(t).shape[:-1]
            blocks, offset = [], 0
            for x, n in zip(dyn_leaves, sizes):
                block = _slice_axis(t, get_aval(t).ndim - 1, offset, offset + n)
                blocks.append(_reshape(block, out_shape + get_aval(x).shape))
                offset += n
            blocks_per_out.append(blocks)
        jac = _assemble(blocks_per_out, out_tree, dyn_tree, argnums)
        return (jac, aux) if has_aux else jac

    return jacobian


def jacrev(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    chunk_size: int | None = None,
):
    """The Jacobian of ``fun`` by reverse mode (a vmap of vjp over output basis vectors).

    ``holomorphic=True`` for complex-to-complex holomorphic functions (entries are complex derivatives).

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.jacrev(lambda x: x ** 2)(fnp.array([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    core.check_callable(fun, "jacrev")

    def jacobian(*args, **kwargs):
        dyn_leaves, dyn_tree, f_flat = _jacobian_setup(fun, argnums, args, kwargs, "jacrev", holomorphic)
        result = vjp(f_flat, *dyn_leaves, has_aux=has_aux)
        out, pullback = result[0], result[1]
        out_leaves, out_tree = tree_util.tree_flatten(out)
        for o in out_leaves:
            if not core.is_differentiable_dtype(get_aval(o).dtype):
                raise FungradTypeError("[jacrev] requires floating-point outputs")
        (_require_complex if holomorphic else _require_real)(out_leaves, "jacrev", "outputs")
        basis = _basis(out_leaves)
        cts = vmap(lambda *b: pullback(tree_util.tree_unflatten(out_tree, list(b))), chunk_size=chunk_size)(*basis)
        blocks_per_out, offset = [], 0
        for o in out_leaves:
            n, out_shape = get_aval(o).size, get_aval(o).shape
            blocks = []
            for x, ct in zip(dyn_leaves, cts):
                rows = _slice_axis(ct, 0, offset, offset + n)
                blocks.append(_reshape(rows, out_shape + get_aval(x).shape))
            blocks_per_out.append(blocks)
            offset += n
        jac = _assemble(blocks_per_out, out_tree, dyn_tree, argnums)
        return (jac, result[2]) if has_aux else jac

    return jacobian


def _reshape(x, shape):
    return sh.reshape(x, shape)


def hessian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False):
    """The Hessian of a scalar ``fun``: ``jacfwd(jacrev(fun))`` (forward-over-reverse).

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.hessian(lambda x: fnp.sum(x ** 3))(fnp.array([1.0, 2.0])).tolist()
    [[6.0, 0.0], [0.0, 12.0]]
    """
    core.check_callable(fun, "hessian")
    inner = jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic)
    return jacfwd(inner, argnums, has_aux=has_aux, holomorphic=holomorphic)
