"""Turning arguments into arrays: ``asarray``, JAX's dtype promotion, NumPy broadcasting, axes.

The bottom of ``fungrad.numpy``: every other module of the package builds on these. Type promotion
follows JAX exactly (weak types included), broadcasting follows NumPy. Concrete inputs (NumPy arrays,
Python scalars) become ``jax.Array`` constants; tracers stay tracers. The private helpers
(``_to_array``, ``_to_inexact``, ``_promote``, ``_promote_broadcast``, ``_canonical_axes``) are the
stable place for the rest of fungrad (``nn``, ``scipy``, ``random``) to get NumPy's argument handling.
"""

from __future__ import annotations

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


def asarray(x, dtype=None):
    """``x`` as an array (a tracer stays a tracer), optionally cast to ``dtype``.

    >>> import fungrad.numpy as fnp
    >>> fnp.asarray([1.0, 2.0]).shape
    (2,)
    """
    if isinstance(x, Tracer):
        return x if dtype is None else ew.convert_element_type(x, jax.dtypes.canonicalize_dtype(dtype))
    if isinstance(x, (list, tuple)) and any(isinstance(e, Tracer) for e in jax.tree_util.tree_leaves(x)):
        stacked = _stack([asarray(e) for e in x])
        return stacked if dtype is None else asarray(stacked, dtype)
    if dtype is not None:
        dtype = jax.dtypes.canonicalize_dtype(dtype)
    if not core.is_array_like(x) and not isinstance(x, (list, tuple)):
        core.get_aval(x)  # raises the friendly error
    return _concrete(x, dtype)


array = asarray


def _to_array(x):
    return x if isinstance(x, (Tracer, jax.Array)) else asarray(x)


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
            raise FungradTypeError(
                "shapes " + ", ".join(str(tuple(s)) for s in shapes) + " cannot be broadcast together"
            )
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape`` with NumPy's rules.

    >>> import fungrad.numpy as fnp
    >>> fnp.broadcast_to(fnp.ones(3), (2, 3)).shape
    (2, 3)
    """
    x = _to_array(x)
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
    return isinstance(x, jax.Array) and x.shape == ()


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


def astype(x, dtype):
    """``x`` cast to ``dtype``.

    >>> import fungrad.numpy as fnp
    >>> fnp.astype(fnp.array([1.7, -1.7]), fnp.int32).tolist()
    [1, -1]
    """
    return asarray(x, dtype)


def result_type(*args):
    """The dtype JAX's promotion gives ``args`` together (weakly typed Python scalars defer).

    >>> import fungrad.numpy as fnp
    >>> str(fnp.result_type(fnp.ones(2, fnp.float32), 2.0)), str(fnp.result_type(fnp.int32(1), fnp.int8(1)))
    ('float32', 'int32')
    """
    return core.result_type(*(get_aval(a) for a in args))[0]
