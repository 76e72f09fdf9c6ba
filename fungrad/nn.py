"""``fungrad.nn``: activation functions and helpers for neural networks (composites of primitives).

>>> import fungrad.nn as fnn, fungrad.numpy as fnp
>>> fnn.relu(fnp.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import jax
import numpy as np

import fungrad.numpy as fnp
from fungrad._src.core import get_aval
from fungrad.lax import stop_gradient


def relu(x):
    """``max(x, 0)``; as in JAX its derivative is 0 at exactly 0 (and at NaN, which propagates)."""
    x = fnp.asarray(x)
    return fnp.where(x > 0, x, stop_gradient(fnp.maximum(x, 0)))


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))``."""
    from fungrad._src.primitives import elementwise as ew

    return ew.logistic(fnp._lax_numpy._to_inexact(x))


def softplus(x):
    """``log(1 + exp(x))``, computed stably: ``x + log1p(exp(-x))`` for ``x > 0``, else ``log1p(exp(x))``.

    Not ``max(x, 0) + log1p(exp(-|x|))``: its two kinks at 0 give the derivative ``relu'(0) - abs'(0)/2``
    (-0.5 with JAX's conventions) instead of ``sigmoid(0) = 0.5``. Each branch sees a clamped input
    (double ``where``) so the unselected one never overflows into a NaN cotangent.

    >>> import fungrad, fungrad.nn as fnn
    >>> float(fungrad.grad(fnn.softplus)(0.0))
    0.5
    """
    x = fnp._lax_numpy._to_inexact(fnp.asarray(x))
    positive = x > 0
    hi, lo = fnp.where(positive, x, 0.0), fnp.where(positive, 0.0, x)
    return fnp.where(positive, hi + fnp.log1p(fnp.exp(-hi)), fnp.log1p(fnp.exp(lo)))


def logsumexp(x, axis=None, keepdims: bool = False):
    """``log(sum(exp(x)))`` along ``axis`` without overflow.

    The maximum is subtracted first and treated as a constant (its derivative cancels exactly, so
    it is taken of ``stop_gradient(x)`` and no derivative work is spent on it);
    an all ``-inf`` slice gives ``-inf``, not NaN.

    >>> import fungrad.nn as fnn
    >>> round(float(fnn.logsumexp(fnp.array([1000.0, 1000.0]))), 4)
    1000.6931
    """
    x = fnp.asarray(x)
    shift = fnp.max(stop_gradient(x), axis=axis, keepdims=True)
    shift = fnp.where(fnp.isfinite(shift), shift, fnp.zeros_like(shift))
    out = fnp.log(fnp.sum(fnp.exp(x - shift), axis=axis, keepdims=True)) + shift
    if not keepdims:
        axes = fnp._lax_numpy._canonical_axes(axis, get_aval(x).ndim)
        out = fnp.squeeze(out, axes) if axes else out
    return out


def log_softmax(x, axis: int = -1):
    """``x - logsumexp(x)`` along ``axis`` (stable)."""
    x = fnp.asarray(x)
    shifted = x - fnp.max(stop_gradient(x), axis=axis, keepdims=True)
    return shifted - fnp.log(fnp.sum(fnp.exp(shifted), axis=axis, keepdims=True))


def softmax(x, axis: int = -1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (stable).

    >>> import fungrad.nn as fnn
    >>> fnn.softmax(fnp.array([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    x = fnp.asarray(x)
    unnormalized = fnp.exp(x - fnp.max(stop_gradient(x), axis=axis, keepdims=True))
    return unnormalized / fnp.sum(unnormalized, axis=axis, keepdims=True)


def one_hot(x, num_classes: int, dtype=None, axis: int = -1):
    """One-hot encode integer labels ``x`` along a new axis of length ``num_classes``.

    Labels outside ``[0, num_classes)`` give all-zero rows, as in JAX.

    >>> import fungrad.nn as fnn
    >>> fnn.one_hot(fnp.array([0, 2]), 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    x = fnp.asarray(x)
    dtype = jax.dtypes.canonicalize_dtype(np.float64 if dtype is None else dtype)
    classes = fnp.arange(num_classes, dtype=get_aval(x).dtype)
    out_axis = axis % (get_aval(x).ndim + 1)
    shape = [1] * (get_aval(x).ndim + 1)
    shape[out_axis] = num_classes
    hit = fnp.expand_dims(x, out_axis) == fnp.reshape(classes, shape)
    return fnp.asarray(hit, dtype)


# ---- more activations, normalisation, dropout, conv/pool layers, initializers (fungrad/_src/nn_extra.py) ----
from fungrad._src import nn_initializers as initializers  # noqa: E402, F401
from fungrad._src.nn_extra import (  # noqa: E402, F401
    avg_pool2d,
    celu,
    conv2d,
    dropout,
    elu,
    gelu,
    leaky_relu,
    log_sigmoid,
    max_pool2d,
    relu6,
    selu,
    silu,
    soft_sign,
    standardize,
    swish,
)
