"""``fungrad.nn.initializers``: parameter initializers, as ``jax.nn.initializers``.

Each factory returns ``init(key, shape, dtype=...)`` drawing with ``fungrad.random`` on a raw key,
so the values equal JAX's for the same key (up to one rounding in the scaled uniform draws).

>>> import fungrad.nn as fnn, fungrad.random as fr
>>> w = fnn.initializers.glorot_uniform()(fr.PRNGKey(0), (3, 4))
>>> w.shape
(3, 4)
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import numpy as np

import fungrad.numpy as fnp
from fungrad import random

__all__ = [
    "constant",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "ones",
    "truncated_normal",
    "uniform",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]


def _dtype(dtype):
    return np.dtype(jax.dtypes.canonicalize_dtype(float if dtype is None else dtype))


def _shape(shape):
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)


def zeros(key, shape, dtype=None):
    """All zeros (``key`` is ignored)."""
    return fnp.zeros(_shape(shape), _dtype(dtype))


def ones(key, shape, dtype=None):
    """All ones (``key`` is ignored)."""
    return fnp.ones(_shape(shape), _dtype(dtype))


def constant(value, dtype=None):
    """Initializer filling with ``value``."""

    def init(key, shape, dtype=dtype):
        return fnp.full(_shape(shape), value, _dtype(dtype))

    return init


def uniform(scale=1e-2, dtype=None):
    """Uniform in ``[0, scale)``."""

    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        return random.uniform(key, _shape(shape), dtype) * fnp.asarray(scale, dtype)

    return init


def normal(stddev=1e-2, dtype=None):
    """Normal with mean 0 and standard deviation ``stddev``."""

    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        return random.normal(key, _shape(shape), dtype) * fnp.asarray(stddev, dtype)

    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """Normal truncated to ``[lower, upper]`` standard deviations, scaled by ``stddev``."""

    def init(key, shape, dtype=dtype):
        dtype = _dtype(dtype)
        return random.truncated_normal(key, lower, upper, _shape(shape), dtype) * fnp.asarray(stddev, dtype)

    return init


def _axes(axis, ndim) -> tuple[int, ...]:
    axis = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axis)


def _fans(shape, in_axis, out_axis, batch_axis):
    """Fan-in and fan-out: the in/out axes times the receptive field (every other non-batch axis)."""
    ndim = len(shape)
    ins, outs, batch = _axes(in_axis, ndim), _axes(out_axis, ndim), _axes(batch_axis, ndim)
    receptive = np.prod([d for i, d in enumerate(shape) if i not in ins + outs + batch])
    fan_in = np.prod([shape[i] for i in ins]) * receptive
    fan_out = np.prod([shape[i] for i in outs]) * receptive
    return float(fan_in), float(fan_out)


_TRUNCATED_STD = 0.87962566103423978  # std of a standard normal truncated to (-2, 2)


def variance_scaling(
    scale,
    mode: str,
    distribution: str,
    in_axis: int | Sequence[int] = -2,
    out_axis: int | Sequence[int] = -1,
    batch_axis: int | Sequence[int] = (),
    dtype=None,
):
    """Samples with variance ``scale / n``, ``n`` the fan given by ``mode``
    (``fan_in``, ``fan_out``, ``fan_avg``, ``fan_geo_avg``); ``distribution`` is ``truncated_normal``,
    ``normal`` or ``uniform``."""
    if mode not in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        raise ValueError(f"variance_scaling: invalid mode {mode!r}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"variance_scaling: invalid distribution {distribution!r}")

    def init(key, shape, dtype=dtype):
        shape, dtype = _shape(shape), _dtype(dtype)
        fan_in, fan_out = _fans(shape, in_axis, out_axis, batch_axis)
        n = {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "fan_avg": (fan_in + fan_out) / 2,
            "fan_geo_avg": float(np.sqrt(fan_in * fan_out)),
        }[mode]
        variance = fnp.asarray(scale / n, dtype)
        if distribution == "truncated_normal":
            stddev = fnp.sqrt(variance) / fnp.asarray(_TRUNCATED_STD, dtype)
            return random.truncated_normal(key, -2, 2, shape, dtype) * stddev
        if distribution == "normal":
            return random.normal(key, shape, dtype) * fnp.sqrt(variance)
        return random.uniform(key, shape, dtype, -1, 1) * fnp.sqrt(3 * variance)

    return init


def glorot_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Glorot & Bengio (2010): uniform with variance ``2 / (fan_in + fan_out)``."""
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def glorot_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Glorot & Bengio (2010): truncated normal with variance ``2 / (fan_in + fan_out)``."""
    return variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def he_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """He et al. (2015): uniform with variance ``2 / fan_in``."""
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """He et al. (2015): truncated normal with variance ``2 / fan_in``."""
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def lecun_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """LeCun: uniform with variance ``1 / fan_in``."""
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """LeCun: truncated normal with variance ``1 / fan_in``."""
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
