"""Turning arguments into arrays: ``asarray``, JAX's dtype promotion, NumPy broadcasting, axes.

The bottom of ``fungrad.numpy``: every other module of the package builds on these. Type promotion
follows JAX exactly (weak types included), broadcasting follows NumPy. Concrete inputs (NumPy arrays,
Python scalars) become ``jax.Array`` constants; tracers stay tracers. The private helpers
(``_to_array``, ``_to_inexact``, ``_promote``, ``_promote_broadcast``, ``_canonical_axes``) are the
stable place for the rest of fungrad (``nn``, ``scipy``, ``random``) to get NumPy's argument handling.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from fungrad._src import core
from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import shape as sh

_scalar_cache: dict = {}


def _concrete(x, dtype=None, weak: bool = False):
    """A concrete value as a jax.Array, optionally cast (Python scalars cached)."""
    key = None
    if type(x) in (int, float, bool, complex):
        key = (type(x), x, None if dtype is None else np.dtype(dtype), weak, core.x64_enabled())  # x64: default dtype
        hit = _scalar_cache.get(key)
        if hit is not None:
            return hit
    # Concrete even under the user's jax.jit: the cache must never keep (and leak) a JAX tracer.
    with jax.ensure_compile_time_eval():
        if dtype is None:
            out = jnp.asarray(x) if isinstance(x, (list, tuple)) else core.as_concrete(x)
        elif weak:
            out = ew._lax_convert(jnp.asarray(x), np.dtype(dtype), True)
        else:
            out = jnp.asarray(x, dtype=dtype)
    if key is not None and len(_scalar_cache) < 4096:
        _scalar_cache[key] = out
    return out


def asarray(a, dtype=None, order=None, *, copy=None, device=None):
    """``a`` as an array (a tracer stays a tracer), optionally cast to ``dtype``.

    As ``jax.numpy.asarray``: ``order`` may only be None or ``"K"``; ``copy=True`` copies a
    concrete array (a traced value is immutable, so it is returned as is); ``device`` (a
    ``jax.Device`` or ``Sharding``) places a concrete result there, while a traced result is left to
    the enclosing transformation's placement.

    >>> import fungrad.numpy as fnp
    >>> fnp.asarray([1.0, 2.0]).shape
    (2,)
    """
    _check_order("asarray", order)
    return _place(_asarray(a, dtype, copy=bool(copy)), device)


def _asarray(x, dtype=None, copy: bool = False):
    if isinstance(x, Tracer):
        return x if dtype is None else ew.convert_element_type(x, jax.dtypes.canonicalize_dtype(dtype))
    if isinstance(x, (list, tuple)) and any(isinstance(e, Tracer) for e in jax.tree_util.tree_leaves(x)):
        stacked = _stack([_asarray(e) for e in x])
        return stacked if dtype is None else _asarray(stacked, dtype)
    if dtype is not None:
        dtype = jax.dtypes.canonicalize_dtype(dtype)
    if not core.is_array_like(x) and not isinstance(x, (list, tuple)):
        core.get_aval(x)  # raises the friendly error
    out = _concrete(x, dtype)
    if copy and out is x:
        with jax.ensure_compile_time_eval():
            out = jnp.array(out, copy=True)
    return out


def array(object, dtype=None, *args, copy: bool = True, order: str | None = "K", ndmin: int = 0, device=None):  # noqa: A002
    """``object`` as a new array, as ``jax.numpy.array``: ``ndmin`` prepends size-1 axes up to that
    many dimensions; ``copy``, ``order`` and ``device`` as in :func:`asarray` (``copy`` defaults to True).

    >>> import fungrad.numpy as fnp
    >>> fnp.array([1.0, 2.0], ndmin=3).shape
    (1, 1, 2)
    """
    if args:  # jax.numpy still takes copy, order, ndmin positionally, with a deprecation warning
        if len(args) > 3:
            raise TypeError(f"array() takes at most 5 positional arguments but {len(args) + 2} were given")
        defaults = [True, "K", 0]
        for i, name in enumerate(["copy", "order", "ndmin"][: len(args)]):
            if [copy, order, ndmin][i] != defaults[i]:
                raise TypeError(f"array() got multiple values for argument '{name}'")
        copy, order, ndmin = (list(args) + [copy, order, ndmin][len(args) :])[:3]
        warnings.warn(
            "Passing the copy, order, and ndmin arguments to fnp.array positionally is deprecated (as in "
            "jax.numpy). Use keyword arguments instead.",
            DeprecationWarning,
            stacklevel=2,
        )
    _check_order("array", order)
    out = _asarray(object, dtype, copy=bool(copy))
    missing = int(ndmin) - get_aval(out).ndim
    if missing > 0:
        out = sh.expand_dims(out, tuple(range(missing)))
    return _place(out, device)


def _check_order(name: str, order) -> None:
    if order is not None and order != "K":
        raise NotImplementedError(
            f"{name}: only order='K' (or None) is implemented, got order={order!r} (as in jax.numpy)"
        )


def _place(x, device):
    """``device=``: a concrete array goes to that device or sharding; a traced value is left to the
    enclosing transformation's placement (jax.numpy under ``jit`` likewise leaves it to the compiler)."""
    if device is None or isinstance(x, Tracer):
        return x
    return jax.device_put(x, device)


def _check_out(name: str, out) -> None:
    """NumPy's ``out=`` (writing into an existing array) has no meaning for immutable arrays."""
    if out is not None:
        raise NotImplementedError(
            f"The 'out' argument to fnp.{name} is not supported (arrays are immutable, as in JAX)"
        )


def _check_where(name: str, where):
    """The ``where=`` mask of a reduction as a boolean array (or None); other dtypes are refused, as in JAX."""
    if where is None:
        return None
    where = _to_array(where)
    if get_aval(where).dtype != np.bool_:
        raise ValueError(f"fnp.{name}: where must be None or a boolean array; got where.dtype={get_aval(where).dtype}")
    return where


def _to_array(x):
    return x if isinstance(x, (Tracer, jax.Array)) else _asarray(x)


def _promote(*args):
    """Convert ``args`` to one dtype by JAX's promotion (weak types respected); no broadcasting."""
    avals = [get_aval(a) for a in args]
    dtype, weak = core.result_type(*avals)
    out = []
    for a, aval in zip(args, avals):
        if aval.dtype == dtype and aval.weak_type == weak and not isinstance(a, (int, float, bool, complex)):
            out.append(_to_array(a))
        elif isinstance(a, Tracer):
            out.append(ew.convert_element_type(a, dtype, weak))
        else:
            out.append(_concrete(a, dtype, weak))
    return out


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """The shape NumPy's broadcasting gives ``shapes`` together.

    >>> import fungrad.numpy as fnp
    >>> fnp.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    # Pure Python: np.broadcast_shapes allocates and so fails (wrongly, as a broadcasting error) on
    # shapes too large for memory; those are refused with their size in bytes when created.
    shapes = [tuple(int(d) for d in s) if np.iterable(s) else (int(s),) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for axis in range(ndim):
        sizes = {s[axis - ndim + len(s)] for s in shapes if axis - ndim + len(s) >= 0} - {1}
        if len(sizes) > 1:
            raise core.BroadcastError(
                "shapes " + ", ".join(str(tuple(s)) for s in shapes) + " cannot be broadcast together"
            )
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to(array, shape):  # noqa: A002 - jax.numpy's name
    """Broadcast ``array`` to ``shape`` with NumPy's rules.

    >>> import fungrad.numpy as fnp
    >>> fnp.broadcast_to(fnp.ones(3), (2, 3)).shape
    (2, 3)
    """
    x = _to_array(array)
    shape = tuple(int(d) for d in shape)
    x_shape = get_aval(x).shape
    if x_shape == shape:
        return x
    if len(x_shape) > len(shape) or broadcast_shapes(x_shape, shape) != shape:
        raise FungradTypeError(f"broadcast_to: cannot broadcast shape {x_shape} to {shape}")
    return sh.broadcast_in_dim(x, shape, range(len(shape) - len(x_shape), len(shape)))


def _promote_broadcast(*args):
    """Promote dtypes and broadcast shapes; concrete scalars stay scalars (primitives broadcast them)."""
    args = _promote(*args)
    shape = broadcast_shapes(*(get_aval(a).shape for a in args))
    return [a if _is_concrete_scalar(a) else broadcast_to(a, shape) for a in args]


def _is_concrete_scalar(x) -> bool:
    return isinstance(x, jax.Array) and not isinstance(x, Tracer) and x.shape == ()


def _to_inexact(x):
    x = _to_array(x)
    aval = get_aval(x)
    if core.is_differentiable_dtype(aval.dtype):
        return x
    # jax.numpy's mapping: bools and integers of up to 32 bits become float32, wider ones float64.
    target = np.float32 if aval.dtype.itemsize <= 4 else np.float64
    return ew.convert_element_type(x, jax.dtypes.canonicalize_dtype(target), aval.weak_type)


def _canonical_axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise FungradTypeError(f"axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(a % max(ndim, 1))
    return tuple(sorted(set(out)))


def _stack(arrays: Sequence, axis: int = 0):
    """``stack``, here because ``asarray`` of a list of tracers needs it."""
    arrays = _promote(*arrays)
    shapes = {get_aval(a).shape for a in arrays}
    if len(shapes) != 1:
        raise FungradTypeError(f"stack: all input arrays must have the same shape, got {sorted(shapes)}")
    out_ndim = get_aval(arrays[0]).ndim + 1
    axis = axis % out_ndim
    return sh.concatenate([sh.expand_dims(a, (axis,)) for a in arrays], axis)


def astype(x, dtype, /, *, copy: bool = False, device=None):
    """``x`` cast to ``dtype`` (``copy`` and ``device`` as in :func:`asarray`).

    >>> import fungrad.numpy as fnp
    >>> fnp.astype(fnp.array([1.7, -1.7]), fnp.int32).tolist()
    [1, -1]
    """
    return _place(_asarray(x, dtype, copy=copy), device)


def result_type(*args):
    """The dtype JAX's promotion gives ``args`` together (weakly typed Python scalars defer).

    >>> import fungrad.numpy as fnp
    >>> str(fnp.result_type(fnp.ones(2, fnp.float32), 2.0)), str(fnp.result_type(fnp.int32(1), fnp.int8(1)))
    ('float32', 'int32')
    """
    return core.result_type(*(_dtype_or_aval(a) for a in args))[0]


_PYTHON_TYPES = {bool: np.bool_, int: np.int64, float: np.float64, complex: np.complex128}


def _dtype_or_aval(arg):
    """The abstract value ``result_type`` promotes: a dtype (``np.float32``, ``"int8"``, ``jnp.bfloat16``)
    stands for a strongly typed scalar of it, a Python type (``int``, ``float``) for a weak one."""
    if isinstance(arg, type) and arg in _PYTHON_TYPES:
        return core.ShapedArray((), jax.dtypes.canonicalize_dtype(_PYTHON_TYPES[arg]), arg is not bool)
    if isinstance(arg, (np.dtype, str)) or (isinstance(arg, type) and not core.is_array_like(arg)):
        return core.ShapedArray((), jax.dtypes.canonicalize_dtype(np.dtype(arg)), False)
    return get_aval(arg)
