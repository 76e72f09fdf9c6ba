"""Array creation: ``full``/``zeros``/``ones`` (and their ``_like`` forms), ``arange``, ``linspace``, ``eye``.

Filled arrays are built by broadcasting a scalar, so under ``jit`` they stage as one operation.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from fungrad._src import core
from fungrad._src.core import Tracer, get_aval
from fungrad.numpy._conversion import _promote, _to_inexact, asarray, broadcast_to
from fungrad.numpy._elementwise import add, multiply, subtract
from fungrad.numpy._manipulation import concatenate, expand_dims


def _default_float():
    return jax.dtypes.canonicalize_dtype(np.float64)


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value`` (built by broadcasting, so it stages as one op).

    >>> import fungrad.numpy as fnp
    >>> fnp.full((2,), 7).tolist()
    [7, 7]
    """
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
    value = asarray(fill_value, dtype)
    return broadcast_to(value, shape)


def zeros(shape, dtype=None):
    """An array of zeros.

    >>> import fungrad.numpy as fnp
    >>> fnp.zeros((2, 3)).shape
    (2, 3)
    """
    return full(shape, 0, dtype or _default_float())


def ones(shape, dtype=None):
    """An array of ones.

    >>> import fungrad.numpy as fnp
    >>> fnp.ones((2,), dtype=fnp.int32).tolist()
    [1, 1]
    """
    return full(shape, 1, dtype or _default_float())


def full_like(x, fill_value, dtype=None, shape=None):
    """An array like ``x`` (its shape and dtype unless given) filled with ``fill_value``.

    >>> import fungrad.numpy as fnp
    >>> fnp.full_like(fnp.zeros((2,)), 3.0).tolist()
    [3.0, 3.0]
    """
    aval = get_aval(x)
    return full(aval.shape if shape is None else shape, fill_value, dtype or aval.dtype)


def zeros_like(x, dtype=None, shape=None):
    """An array of zeros like ``x`` (its shape and dtype unless given).

    >>> import fungrad.numpy as fnp
    >>> fnp.zeros_like(fnp.array([1.5, 2.5])).tolist()
    [0.0, 0.0]
    """
    return full_like(x, 0, dtype, shape)


def ones_like(x, dtype=None, shape=None):
    """An array of ones like ``x`` (its shape and dtype unless given).

    >>> import fungrad.numpy as fnp
    >>> fnp.ones_like(fnp.array([1, 2])).tolist()
    [1, 1]
    """
    return full_like(x, 1, dtype, shape)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values (a constant: its bounds must be concrete), as ``jax.numpy.arange``.

    >>> import fungrad.numpy as fnp
    >>> fnp.arange(1, 7, 2).tolist()
    [1, 3, 5]
    """
    for v in (start, stop, step):
        if isinstance(v, Tracer):
            core.to_concrete_value(v)
    return jnp.arange(start, stop, step, dtype=dtype)


def linspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` (differentiable in the endpoints).

    >>> import fungrad.numpy as fnp
    >>> fnp.linspace(0.0, 1.0, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    start, stop = _promote(_to_inexact(start), _to_inexact(stop))
    div = (num - 1) if endpoint else num
    steps = jnp.arange(num, dtype=get_aval(start).dtype) / max(div, 1)
    shape = (num,)
    out = add(multiply(subtract(stop, start), steps), broadcast_to(start, shape))
    if endpoint and num > 1:
        out = concatenate([out[:-1], expand_dims(stop, 0)])
    return out if dtype is None else asarray(out, dtype)


def eye(n: int, m: int | None = None, k: int = 0, dtype=None):
    """The identity matrix (ones on the ``k``-th diagonal).

    >>> import fungrad.numpy as fnp
    >>> fnp.eye(2, 3, k=1).tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return jnp.eye(n, m, k, dtype=dtype or _default_float())
