"""Array creation: ``full``/``zeros``/``ones`` (and their ``_like`` forms), ``arange``, ``linspace``, ``eye``.

Filled arrays are built by broadcasting a scalar, so under ``jit`` they stage as one operation.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from fungrad._src import core
from fungrad._src.core import Tracer, get_aval
from fungrad._src.primitives import shape as sh
from fungrad.numpy._conversion import _place, _promote, _to_inexact, asarray, broadcast_shapes, broadcast_to
from fungrad.numpy._elementwise import add, divide, multiply, subtract
from fungrad.numpy._manipulation import concatenate, expand_dims


def _default_float():
    return jax.dtypes.canonicalize_dtype(np.float64)


def full(shape, fill_value, dtype=None, *, device=None):
    """An array of ``shape`` filled with ``fill_value`` (built by broadcasting, so it stages as one op).

    ``device`` (a ``jax.Device`` or ``Sharding``) places a concrete result there; a traced result
    (a traced ``fill_value``) is left to the enclosing transformation's placement. The same holds
    for every creation function here.

    >>> import fungrad.numpy as fnp
    >>> fnp.full((2,), 7).tolist()
    [7, 7]
    """
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
    value = asarray(fill_value, dtype)
    return _place(broadcast_to(value, shape), device)


def zeros(shape, dtype=None, *, device=None):
    """An array of zeros.

    >>> import fungrad.numpy as fnp
    >>> fnp.zeros((2, 3)).shape
    (2, 3)
    """
    return full(shape, 0, dtype or _default_float(), device=device)


def ones(shape, dtype=None, *, device=None):
    """An array of ones.

    >>> import fungrad.numpy as fnp
    >>> fnp.ones((2,), dtype=fnp.int32).tolist()
    [1, 1]
    """
    return full(shape, 1, dtype or _default_float(), device=device)


def full_like(a, fill_value, dtype=None, shape=None, *, device=None):
    """An array like ``a`` (its shape and dtype unless given) filled with ``fill_value``.

    >>> import fungrad.numpy as fnp
    >>> fnp.full_like(fnp.zeros((2,)), 3.0).tolist()
    [3.0, 3.0]
    """
    aval = get_aval(a)
    return full(aval.shape if shape is None else shape, fill_value, dtype or aval.dtype, device=device)


def zeros_like(a, dtype=None, shape=None, *, device=None):
    """An array of zeros like ``a`` (its shape and dtype unless given).

    >>> import fungrad.numpy as fnp
    >>> fnp.zeros_like(fnp.array([1.5, 2.5])).tolist()
    [0.0, 0.0]
    """
    return full_like(a, 0, dtype, shape, device=device)


def ones_like(a, dtype=None, shape=None, *, device=None):
    """An array of ones like ``a`` (its shape and dtype unless given).

    >>> import fungrad.numpy as fnp
    >>> fnp.ones_like(fnp.array([1, 2])).tolist()
    [1, 1]
    """
    return full_like(a, 1, dtype, shape, device=device)


def arange(start, stop=None, step=None, dtype=None, *, device=None):
    """Evenly spaced values (a constant: its bounds must be concrete), as ``jax.numpy.arange``.

    >>> import fungrad.numpy as fnp
    >>> fnp.arange(1, 7, 2).tolist()
    [1, 3, 5]
    """
    for v in (start, stop, step):
        if isinstance(v, Tracer):
            core.to_concrete_value(v)
    return _place(jnp.arange(start, stop, step, dtype=dtype), device)


def linspace(
    start, stop, num: int = 50, endpoint: bool = True, retstep: bool = False, dtype=None, axis: int = 0, *, device=None
):
    """``num`` evenly spaced values from ``start`` to ``stop`` (differentiable in the endpoints).

    Array ``start``/``stop`` broadcast together and the samples run along ``axis`` of the result;
    ``retstep=True`` also returns the spacing ``(stop - start) / (num - 1)`` (``/ num`` without
    ``endpoint``; NaN for a single sample with ``endpoint``, as in jax.numpy).

    >>> import fungrad.numpy as fnp
    >>> fnp.linspace(0.0, 1.0, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> samples, step = fnp.linspace(fnp.zeros(2), fnp.array([1.0, 2.0]), 3, retstep=True, axis=1)
    >>> samples.tolist(), step.tolist()
    ([[0.0, 0.5, 1.0], [0.0, 1.0, 2.0]], [0.5, 1.0])
    """
    num = int(core.to_concrete_value(num)) if isinstance(num, Tracer) else int(num)
    if num < 0:
        raise ValueError(f"linspace: number of samples, {num}, must be non-negative")
    start, stop = _promote(_to_inexact(start), _to_inexact(stop))
    bshape = broadcast_shapes(get_aval(start).shape, get_aval(stop).shape)
    start, stop = broadcast_to(start, bshape), broadcast_to(stop, bshape)
    axis = axis % (len(bshape) + 1) if axis < 0 else axis
    if axis > len(bshape):
        raise ValueError(f"linspace: axis {axis} is out of bounds for a result of {len(bshape) + 1} dimensions")
    fdtype = get_aval(start).dtype
    div = (num - 1) if endpoint else num
    out_shape = bshape[:axis] + (num,) + bshape[axis:]
    keep = tuple(d for d in range(len(out_shape)) if d != axis)
    # sample k = start + (stop - start) * k / div; the last one is stop itself with ``endpoint``
    steps = sh.broadcast_in_dim(jnp.arange(num, dtype=fdtype) / max(div, 1), out_shape, (axis,))
    delta = subtract(stop, start)
    out = add(multiply(sh.broadcast_in_dim(delta, out_shape, keep), steps), sh.broadcast_in_dim(start, out_shape, keep))
    if endpoint and num > 1:
        last = [slice(None)] * len(out_shape)
        last[axis] = slice(None, -1)
        out = concatenate([out[tuple(last)], expand_dims(stop, axis)], axis)
    if dtype is not None:
        out = asarray(out, dtype)
    out = _place(out, device)
    if not retstep:
        return out
    step = divide(delta, div) if div > 0 else full_like(delta, np.nan)
    # the step stays in the (strongly typed) computation dtype, also for an integer ``dtype``, as in jax.numpy
    inexact = dtype is not None and np.issubdtype(np.dtype(dtype), np.inexact)
    return out, asarray(step, dtype if inexact else fdtype)


def eye(N: int, M: int | None = None, k: int = 0, dtype=None, *, device=None):  # noqa: N803 - jax.numpy's names
    """The identity matrix (ones on the ``k``-th diagonal).

    >>> import fungrad.numpy as fnp
    >>> fnp.eye(2, 3, k=1).tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return _place(jnp.eye(N, M, k, dtype=dtype or _default_float()), device)
