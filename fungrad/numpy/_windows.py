"""Window functions (``bartlett``, ``blackman``, ``hamming``, ``hanning``, ``kaiser``) and the creation
functions ``empty``, ``empty_like``, ``identity`` and ``fromfunction``.

Windows of a static length are constants computed with NumPy in float64 and cast to the default float
dtype; ``kaiser`` is differentiable in ``beta`` (through ``i0``). ``empty`` is zeros, as in JAX.
"""

from __future__ import annotations

import functools
import operator

import jax
import jax.numpy as _jnp
import numpy as _np

from fungrad._src import core as _core
from fungrad._src.api_vmap import vmap as _vmap
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm

__all__ = ["bartlett", "blackman", "empty", "empty_like", "fromfunction", "hamming", "hanning", "identity", "kaiser"]


def _static_int(v, what: str) -> int:
    if isinstance(v, _Tracer):
        raise _core.ConcretizationError(
            f"the {what} must be a concrete integer, got a traced value {_get_aval(v)}; "
            "pass a Python int (mark it static under jit)"
        )
    return operator.index(v)


def _window(M, name, formula):
    M = _static_int(M, f"M argument of jnp.{name}")
    dtype = _cre._default_float()
    if M <= 1:
        return _jnp.ones((M,), dtype)
    return _jnp.asarray(formula(_np.arange(M, dtype=_np.float64), M).astype(dtype))


def bartlett(M: int):
    """The Bartlett (triangular) window of ``M`` points (``jnp.bartlett``).

    >>> import fungrad.numpy as fnp
    >>> fnp.bartlett(5).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _window(M, "bartlett", lambda n, M: 1 - _np.abs(2 * n + 1 - M) / (M - 1))


def blackman(M: int):
    """The Blackman window of ``M`` points (``jnp.blackman``).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 6) for v in fnp.blackman(3)]
    [-0.0, 1.0, -0.0]
    """
    return _window(
        M,
        "blackman",
        lambda n, M: 0.42 - 0.5 * _np.cos(2 * _np.pi * n / (M - 1)) + 0.08 * _np.cos(4 * _np.pi * n / (M - 1)),
    )


def hamming(M: int):
    """The Hamming window of ``M`` points (``jnp.hamming``).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 6) for v in fnp.hamming(3)]
    [0.08, 1.0, 0.08]
    """
    return _window(M, "hamming", lambda n, M: 0.54 - 0.46 * _np.cos(2 * _np.pi * n / (M - 1)))


def hanning(M: int):
    """The Hann window of ``M`` points (``jnp.hanning``).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 6) for v in fnp.hanning(3)]
    [0.0, 1.0, 0.0]
    """
    return _window(M, "hanning", lambda n, M: 0.5 * (1 - _np.cos(2 * _np.pi * n / (M - 1))))


def kaiser(M: int, beta):
    """The Kaiser window of ``M`` points with shape ``beta`` (``jnp.kaiser``; differentiable in ``beta``).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 4) for v in fnp.kaiser(3, 2.0)]
    [0.4387, 1.0, 0.4387]
    """
    M = _static_int(M, "M argument of jnp.kaiser")
    dtype = _cre._default_float()
    if M <= 1:
        return _jnp.ones((M,), dtype)
    n = _np.arange(M, dtype=_np.float64)
    alpha = 0.5 * (M - 1)
    ramp = _jnp.asarray(_np.sqrt(1 - ((n - alpha) / alpha) ** 2).astype(dtype))
    beta = _conv._to_array(beta)
    return _el.true_divide(_fm.i0(_el.multiply(beta, ramp)), _fm.i0(beta))


def empty(shape, dtype=None, *, device=None, out_sharding=None):
    """An array of ``shape`` (zeros, as ``jnp.empty``: JAX has no uninitialised memory).

    >>> import fungrad.numpy as fnp
    >>> fnp.empty((2,)).tolist()
    [0.0, 0.0]
    """
    out = _cre.zeros(shape, _cre._default_float() if dtype is None else dtype)
    placement = device if out_sharding is None else out_sharding
    return out if placement is None else jax.device_put(out, placement)


def empty_like(prototype, dtype=None, shape=None, *, device=None):
    """An array shaped and typed like ``prototype`` (zeros, as ``jnp.empty_like``).

    >>> import fungrad.numpy as fnp
    >>> fnp.empty_like(fnp.ones((2, 1), dtype=int)).tolist()
    [[0], [0]]
    """
    out = _cre.zeros_like(prototype, dtype=dtype, shape=shape)
    return out if device is None else jax.device_put(out, device)


def identity(n: int, dtype=None):
    """The ``n`` by ``n`` identity matrix (``jnp.identity``).

    >>> import fungrad.numpy as fnp
    >>> fnp.identity(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return _cre.eye(n, dtype=dtype)


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """``function(*index_grids)`` over ``shape``, built with ``vmap`` (``jnp.fromfunction``).

    >>> import fungrad.numpy as fnp
    >>> fnp.fromfunction(lambda i, j: i + 10 * j, (2, 2), dtype=int).tolist()
    [[0, 10], [1, 11]]
    """
    shape = (shape,) if _np.ndim(shape) == 0 else tuple(shape)
    shape = tuple(_static_int(d, "shape argument of jnp.fromfunction()") for d in shape)
    if kwargs:  # bound, not mapped (jax.vmap would map keyword arguments over their leading axis)
        function = functools.partial(function, **kwargs)
    for i in range(len(shape)):
        in_axes = [0 if i == j else None for j in range(len(shape))]
        function = _vmap(function, in_axes=tuple(in_axes[::-1]))
    return function(*(_jnp.arange(s, dtype=dtype) for s in shape))
