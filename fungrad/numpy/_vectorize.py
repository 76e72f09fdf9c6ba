"""``vectorize``, ``apply_along_axis`` and ``apply_over_axes``: NumPy's looping helpers, written as
``fungrad.vmap`` (so the function is traced once and batched, not called per element, as in JAX).

``vectorize`` follows NumPy's generalized-ufunc rules: the non-core dimensions of the arguments
broadcast, and one ``vmap`` is added per broadcast dimension (arguments of size 1 there are squeezed
and left unbatched, so the function sees exactly its core shapes).
"""

from __future__ import annotations

import functools
import re

from fungrad._src.api_vmap import vmap as _vmap
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _manipulation as _man

__all__ = ["apply_along_axis", "apply_over_axes", "vectorize"]

_DIM = r"\w+"
_CORE_DIMS = rf"(?:{_DIM}(?:,{_DIM})*)?"
_ARG = rf"\({_CORE_DIMS}\)"
_ARG_LIST = rf"{_ARG}(?:,{_ARG})*"
_SIGNATURE = rf"^{_ARG_LIST}->{_ARG_LIST}$"


def _parse_signature(signature: str):
    if not re.match(_SIGNATURE, signature):
        raise ValueError(f"not a valid gufunc signature: {signature}")
    ins, outs = ([tuple(re.findall(_DIM, arg)) for arg in re.findall(_ARG, part)] for part in signature.split("->"))
    return ins, outs


def _update_dim_sizes(sizes, shape, core_dims, context, *, is_input):
    n = len(core_dims)
    if is_input and len(shape) < n:
        raise ValueError(
            f"input with shape {shape!r} does not have enough dimensions for all core dimensions "
            f"{core_dims!r} {context}"
        )
    if not is_input and len(shape) != n:
        raise ValueError(f"output shape {shape!r} does not match core dimensions {core_dims!r} {context}")
    for dim, size in zip(core_dims, shape[len(shape) - n :] if n else ()):
        if sizes.setdefault(dim, size) != size:
            raise ValueError(f"inconsistent size for core dimension {dim!r}: {size!r} vs {sizes[dim]!r} {context}")


def _apply_excluded(func, excluded, args, kwargs):
    """``func`` with the excluded positional and keyword arguments bound (never batched)."""
    if not excluded:
        return func, list(args), kwargs
    dynamic = [a for i, a in enumerate(args) if i not in excluded]
    dynamic_kwargs = {k: v for k, v in kwargs.items() if k not in excluded}
    static = [(i, args[i]) for i in sorted(e for e in excluded if isinstance(e, int)) if i < len(args)]
    static_kwargs = {k: v for k, v in kwargs.items() if k in excluded}

    def bound(*args, **kwargs):
        args = list(args)
        for i, a in static:
            args.insert(i, a)
        return func(*args, **kwargs, **static_kwargs)

    return bound, dynamic, dynamic_kwargs


def _checked_outputs(func, sizes, out_core_dims, context):
    def wrapped(*args):
        out = func(*args)
        if len(out_core_dims) > 1 and not isinstance(out, tuple):
            raise TypeError(f"output must be a tuple when multiple outputs are expected, got: {out!r}\n{context}")
        outs = out if isinstance(out, tuple) else (out,)
        if len(outs) != len(out_core_dims):
            raise TypeError(
                f"wrong number of output arguments: expected {len(out_core_dims)!r}, got {len(outs)!r} {context}"
            )
        sizes_ = dict(sizes)
        for o, dims in zip(outs, out_core_dims):
            _update_dim_sizes(sizes_, _get_aval(o).shape, dims, context, is_input=False)
        return out

    return wrapped


def vectorize(pyfunc, *, excluded=frozenset(), signature=None):
    """``pyfunc`` made to broadcast over leading dimensions, by ``vmap`` (``jax.numpy.vectorize``).

    Args:
        pyfunc: the function, written for scalars or (with ``signature``) for its core shapes.
        excluded: positions (ints) or keyword names (strs) of arguments passed through unbatched.
        signature: a generalized-ufunc signature such as ``"(m,n),(n)->(m)"``; without it every
            argument's core is a scalar.

    Returns:
        The vectorized function.

    >>> import fungrad.numpy as fnp
    >>> mv = fnp.vectorize(lambda a, b: a @ b, signature="(m,n),(n)->(m)")
    >>> mv(fnp.ones((4, 2, 3)), fnp.ones(3)).shape
    (4, 2)
    """
    if any(not isinstance(e, (str, int)) for e in excluded):
        raise TypeError(f"jax.numpy.vectorize can only exclude integer or string arguments, but excluded={excluded!r}")
    if any(isinstance(e, int) and e < 0 for e in excluded):
        raise ValueError(f"excluded={excluded!r} contains negative numbers")

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        context = f"on vectorized function with excluded={excluded!r} and signature={signature!r}"
        func, args, kwargs = _apply_excluded(pyfunc, excluded, args, kwargs)
        if signature is not None:
            in_core, out_core = _parse_signature(signature)
        else:
            in_core, out_core = [()] * len(args), None
        none_args = {i for i, a in enumerate(args) if a is None}
        if none_args:
            if any(in_core[i] != () for i in none_args):
                raise ValueError(f"Cannot pass None at locations {none_args} with signature={signature!r}")
            func, args, _ = _apply_excluded(func, none_args, args, {})
            in_core = [d for i, d in enumerate(in_core) if i not in none_args]
        args = [_conv.asarray(a) for a in args]
        if len(args) != len(in_core):
            raise TypeError(
                f"wrong number of positional arguments: expected {len(in_core)!r}, got {len(args)!r} {context}"
            )
        sizes: dict = {}
        noncore_shapes = []
        for a, dims in zip(args, in_core):
            shape = _get_aval(a).shape
            _update_dim_sizes(sizes, shape, dims, context, is_input=True)
            noncore_shapes.append(shape[: len(shape) - len(dims)])
        batch_shape = _conv.broadcast_shapes(*noncore_shapes)
        if kwargs:
            func = functools.partial(func, **kwargs)
        checked = func if out_core is None else _checked_outputs(func, sizes, out_core, context)

        squeezed, rev_shapes = [], []
        for a, shape in zip(args, noncore_shapes):
            filled = (1,) * (len(batch_shape) - len(shape)) + shape
            rev_shapes.append(filled[::-1])
            squeezed.append(_man.squeeze(a, axis=tuple(i for i, s in enumerate(shape) if s == 1)))
        vectorized, expand = checked, []
        for negdim, axis_sizes in enumerate(zip(*rev_shapes)):
            in_axes = tuple(None if s == 1 else 0 for s in axis_sizes)
            if all(ax is None for ax in in_axes):
                expand.append(len(batch_shape) - 1 - negdim)
            else:
                vectorized = _vmap(vectorized, in_axes=in_axes)
        result = vectorized(*squeezed)
        if not expand:
            return result
        if isinstance(result, tuple):
            return tuple(_man.expand_dims(r, sorted(expand)) for r in result)
        return _man.expand_dims(result, sorted(expand))

    return wrapped


def apply_along_axis(func1d, axis: int, arr, *args, **kwargs):
    """``func1d`` applied to each 1-D slice of ``arr`` along ``axis``, by ``vmap`` over the other axes.

    Args:
        func1d: ``func1d(row, *args, **kwargs)``; it must be traceable (it is vmapped, not looped).
        axis: the axis the slices run along.
        arr: the array.
        *args: passed to ``func1d``.
        **kwargs: passed to ``func1d``.

    Returns:
        The results, stacked where the slices were (their own dimensions replace ``axis``).

    >>> import fungrad.numpy as fnp
    >>> fnp.apply_along_axis(fnp.sum, 1, fnp.ones((2, 3))).tolist()
    [3.0, 3.0]
    """
    arr = _conv._to_array(arr)
    ndim = _get_aval(arr).ndim
    axis = _conv._canonical_axes(axis, ndim)[0]

    def func(row):
        return func1d(row, *args, **kwargs)

    for i in range(1, ndim - axis):
        func = _vmap(func, in_axes=i, out_axes=-1)
    for _ in range(axis):
        func = _vmap(func, in_axes=0, out_axes=0)
    return func(arr)


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied for each axis in ``axes`` in turn, keeping the rank (``jnp.apply_over_axes``).

    Args:
        func: ``func(array, axis)`` returning an array of the same rank or one less.
        a: the array.
        axes: the axes, in order.

    Returns:
        The result, of ``a``'s rank.

    >>> import fungrad.numpy as fnp
    >>> fnp.apply_over_axes(fnp.sum, fnp.ones((2, 3)), [0, 1]).tolist()
    [[6.0]]
    """
    a = _conv._to_array(a)
    ndim = _get_aval(a).ndim
    for axis in [axes] if isinstance(axes, int) else axes:
        b = func(a, axis)
        if _get_aval(b).ndim == ndim - 1:
            b = _man.expand_dims(b, axis)
        elif _get_aval(b).ndim != ndim:
            raise ValueError("function is not returning an array of the correct shape")
        a = b
    return a
