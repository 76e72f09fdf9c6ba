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
    """An initializer: all zeros.

    Args:
        key: a ``fungrad.random`` key (ignored).
        shape: the shape of the result.
        dtype: its dtype (default: the default float type).

    Returns:
        An array of zeros.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> fnn.initializers.zeros(fr.PRNGKey(0), (2,)).tolist()
    [0.0, 0.0]
    """
    return fnp.zeros(_shape(shape), _dtype(dtype))


def ones(key, shape, dtype=None):
    """An initializer: all ones; the arguments are those of :func:`zeros`.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> fnn.initializers.ones(fr.PRNGKey(0), (2,)).tolist()
    [1.0, 1.0]
    """
    return fnp.ones(_shape(shape), _dtype(dtype))


def constant(value, dtype=None):
    """An initializer factory: fill with ``value``.

    Args:
        value: the fill value.
        dtype: the dtype ``init`` uses when its call gives none.

    Returns:
        ``init(key, shape, dtype=dtype)``, filling an array of ``shape`` with ``value``.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> fnn.initializers.constant(0.5)(fr.PRNGKey(0), (2,)).tolist()
    [0.5, 0.5]
    """

    def init(key, shape, dtype=dtype):
        return fnp.full(_shape(shape), value, _dtype(dtype))

    return init


def _scaled(draw, scale, default_dtype):
    """``init(key, shape, dtype)`` drawing with ``draw(key, shape, dtype)`` times ``scale``."""

    def init(key, shape, dtype=default_dtype):
        dtype = _dtype(dtype)
        return draw(key, _shape(shape), dtype) * fnp.asarray(scale, dtype)

    return init


def uniform(scale=1e-2, dtype=None):
    """An initializer factory: uniform in ``[0, scale)``.

    Args:
        scale: the upper bound.
        dtype: the dtype ``init`` uses when its call gives none.

    Returns:
        ``init(key, shape, dtype=dtype)``, drawing from ``key``.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> w = fnn.initializers.uniform(2.0)(fr.PRNGKey(0), (100,))
    >>> bool((w >= 0).all() and (w < 2).all())
    True
    """

    return _scaled(random.uniform, scale, dtype)


def normal(stddev=1e-2, dtype=None):
    """An initializer factory: normal with mean 0 and standard deviation ``stddev``.

    Args:
        stddev: the standard deviation.
        dtype: the default dtype (as for :func:`uniform`, which returns the same kind of ``init``).

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> fnn.initializers.normal(1.0)(fr.PRNGKey(0), (2, 3)).shape
    (2, 3)
    """

    return _scaled(random.normal, stddev, dtype)


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """An initializer factory: normal truncated to ``[lower, upper]`` standard deviations, scaled by ``stddev``.

    Args:
        stddev: the scale.
        dtype: the default dtype (as for :func:`uniform`, which returns the same kind of ``init``).
        lower: lower truncation bound, in standard deviations.
        upper: upper truncation bound, in standard deviations.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> w = fnn.initializers.truncated_normal(1.0)(fr.PRNGKey(0), (100,))
    >>> bool((abs(w) <= 2).all())
    True
    """

    return _scaled(lambda key, shape, dtype: random.truncated_normal(key, lower, upper, shape, dtype), stddev, dtype)


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
    """An initializer factory: samples with variance ``scale / n``, ``n`` the fan given by ``mode``.

    Args:
        scale: the variance numerator.
        mode: ``"fan_in"``, ``"fan_out"``, ``"fan_avg"`` or ``"fan_geo_avg"``.
        distribution: ``"truncated_normal"``, ``"normal"`` or ``"uniform"``.
        in_axis: the input axis or axes of the weight shape.
        out_axis: the output axis or axes.
        batch_axis: axes that are neither (excluded from the fans).
        dtype: the default dtype of the arrays ``init`` makes.

    Returns:
        ``init(key, shape, dtype=dtype)``.

    Raises:
        ValueError: for an unknown ``mode`` or ``distribution``.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> init = fnn.initializers.variance_scaling(2.0, "fan_in", "normal")
    >>> init(fr.PRNGKey(0), (3, 4)).shape
    (3, 4)
    """
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


def _preset(name: str, scale: float, mode: str, distribution: str, what: str):
    """A named :func:`variance_scaling` preset (``glorot_uniform`` and friends), documented."""

    def factory(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)

    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = f"""An initializer factory: {what}.

    ``variance_scaling({scale}, "{mode}", "{distribution}", ...)``.

    Args:
        in_axis, out_axis, batch_axis, dtype: as for :func:`variance_scaling`.

    Returns:
        ``init(key, shape, dtype=dtype)``, drawing from ``key``.

    >>> import fungrad.nn as fnn, fungrad.random as fr
    >>> fnn.initializers.{name}()(fr.PRNGKey(0), (3, 4)).shape
    (3, 4)
    """
    return factory


glorot_uniform = _preset(
    "glorot_uniform", 1.0, "fan_avg", "uniform", "Glorot & Bengio (2010), variance 2 / (fan_in + fan_out)"
)
glorot_normal = _preset(
    "glorot_normal", 1.0, "fan_avg", "truncated_normal", "Glorot & Bengio (2010), variance 2 / (fan_in + fan_out)"
)
he_uniform = _preset("he_uniform", 2.0, "fan_in", "uniform", "He et al. (2015), variance 2 / fan_in")
he_normal = _preset("he_normal", 2.0, "fan_in", "truncated_normal", "He et al. (2015), variance 2 / fan_in")
lecun_uniform = _preset("lecun_uniform", 1.0, "fan_in", "uniform", "LeCun, variance 1 / fan_in")
lecun_normal = _preset("lecun_normal", 1.0, "fan_in", "truncated_normal", "LeCun, variance 1 / fan_in")
xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
