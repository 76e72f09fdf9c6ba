"""The implementation of ``fungrad.nn``: activations, softmax and friends, normalisation, dropout,
convolution and pooling layers (``fungrad/nn.py`` re-exports them with the initializers).

All are composites of primitives (no rules of their own); the formulas follow ``jax.nn`` so values
and derivatives agree with it. Layers take channels-last (``NHWC``, kernels ``HWIO``) by default,
or channels-first with ``data_format="NCHW"`` (kernels ``OIHW``).
"""

from __future__ import annotations

import jax
import numpy as np

import fungrad.numpy as fnp
from fungrad import random
from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import conv as _conv
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import special as _sp
from fungrad._src.primitives import windows as _win
from fungrad.lax import stop_gradient
from fungrad.numpy._conversion import _canonical_axes, _promote, _to_inexact

# ---- relu, sigmoid, softplus, softmax, one_hot -------------------------------------------------------


def relu(x):
    """``max(x, 0)``; as in JAX its derivative is 0 at exactly 0 (and at NaN, which propagates).

    Args:
        x: input array.

    Returns:
        ``x`` with negative entries replaced by 0.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.relu(fnp.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    x = fnp.asarray(x)
    return fnp.where(x > 0, x, stop_gradient(fnp.maximum(x, 0)))


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))``.

    Args:
        x: input array (integers are converted to the default float type).

    Returns:
        The elementwise logistic of ``x``, in ``(0, 1)``.

    >>> import fungrad.nn as fnn
    >>> float(fnn.sigmoid(0.0))
    0.5
    """
    return _ew.logistic(_to_inexact(x))


def softplus(x):
    """``log(1 + exp(x))``, computed stably: ``x + log1p(exp(-x))`` for ``x > 0``, else ``log1p(exp(x))``.

    Not ``max(x, 0) + log1p(exp(-|x|))``: its two kinks at 0 give the derivative ``relu'(0) - abs'(0)/2``
    (-0.5 with JAX's conventions) instead of ``sigmoid(0) = 0.5``. Each branch sees a clamped input
    (double ``where``) so the unselected one never overflows into a NaN cotangent.

    Args:
        x: input array.

    Returns:
        The elementwise softplus of ``x``.

    >>> import fungrad, fungrad.nn as fnn
    >>> float(fungrad.grad(fnn.softplus)(0.0))
    0.5
    """
    x = _to_inexact(fnp.asarray(x))
    positive = x > 0
    hi, lo = fnp.where(positive, x, 0.0), fnp.where(positive, 0.0, x)
    return fnp.where(positive, hi + fnp.log1p(fnp.exp(-hi)), fnp.log1p(fnp.exp(lo)))


def logsumexp(x, axis=None, keepdims: bool = False):
    """``log(sum(exp(x)))`` along ``axis`` without overflow.

    The maximum is subtracted first and treated as a constant (its derivative cancels exactly, so
    it is taken of ``stop_gradient(x)`` and no derivative work is spent on it);
    an all ``-inf`` slice gives ``-inf``, not NaN.

    Args:
        x: input array.
        axis: axis or axes to reduce (``None``: all).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced array.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> round(float(fnn.logsumexp(fnp.array([1000.0, 1000.0]))), 4)
    1000.6931
    """
    x = fnp.asarray(x)
    shift = fnp.max(stop_gradient(x), axis=axis, keepdims=True)
    shift = fnp.where(fnp.isfinite(shift), shift, fnp.zeros_like(shift))
    out = fnp.log(fnp.sum(fnp.exp(x - shift), axis=axis, keepdims=True)) + shift
    if not keepdims:
        axes = _canonical_axes(axis, get_aval(x).ndim)
        out = fnp.squeeze(out, axes) if axes else out
    return out


def log_softmax(x, axis: int = -1):
    """``x - logsumexp(x)`` along ``axis`` (stable).

    Args:
        x: input array (logits).
        axis: the axis to normalise over.

    Returns:
        Log-probabilities with the shape of ``x``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> [round(v, 4) for v in fnn.log_softmax(fnp.array([0.0, 0.0])).tolist()]
    [-0.6931, -0.6931]
    """
    x = fnp.asarray(x)
    shifted = x - fnp.max(stop_gradient(x), axis=axis, keepdims=True)
    return shifted - fnp.log(fnp.sum(fnp.exp(shifted), axis=axis, keepdims=True))


def softmax(x, axis: int = -1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (stable).

    Args:
        x: input array (logits).
        axis: the axis to normalise over.

    Returns:
        Probabilities with the shape of ``x``, summing to 1 along ``axis``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.softmax(fnp.array([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    x = fnp.asarray(x)
    unnormalized = fnp.exp(x - fnp.max(stop_gradient(x), axis=axis, keepdims=True))
    return unnormalized / fnp.sum(unnormalized, axis=axis, keepdims=True)


def one_hot(x, num_classes: int, dtype=None, axis: int = -1):
    """One-hot encode integer labels ``x`` along a new axis of length ``num_classes``.

    Labels outside ``[0, num_classes)`` give all-zero rows, as in JAX.

    Args:
        x: integer labels.
        num_classes: length of the new axis.
        dtype: result dtype (default: the default float type).
        axis: where the new axis goes.

    Returns:
        An array with one more axis than ``x``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
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


# ---- activations -----------------------------------------------------------------------------------


def gelu(x, approximate: bool = True):
    """Gaussian error linear unit: ``x * Phi(x)``, or its tanh approximation (the default, as JAX).

    Args:
        x: input array.
        approximate: use the tanh approximation instead of the exact ``erf`` form.

    Returns:
        The elementwise GELU of ``x``.

    >>> import fungrad.nn as fnn
    >>> round(float(fnn.gelu(1.0, approximate=False)), 4)
    0.8413
    """
    x = _to_inexact(x)
    if approximate:
        inner = np.sqrt(2 / np.pi) * (x + 0.044715 * (x**3))
        return x * (0.5 * (1.0 + fnp.tanh(inner)))
    return x * (_sp.erf(x / np.sqrt(2)) + 1) / 2


def silu(x):
    """``x * sigmoid(x)`` (also called swish).

    Args:
        x: input array.

    Returns:
        The elementwise SiLU of ``x``.

    >>> import fungrad.nn as fnn
    >>> round(float(fnn.silu(1.0)), 4)
    0.7311
    """
    x = _to_inexact(x)
    return x * _ew.logistic(x)


swish = silu


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)`` (the unused branch is guarded, so no NaN).

    Args:
        x: input array.
        alpha: scale of the negative part.

    Returns:
        The elementwise ELU of ``x``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> [round(v, 4) for v in fnn.elu(fnp.array([-1.0, 2.0])).tolist()]
    [-0.6321, 2.0]
    """
    x = _to_inexact(x)
    safe = fnp.where(x > 0, 0.0, x)
    return fnp.where(x > 0, x, alpha * fnp.expm1(safe))


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + alpha * min(0, expm1(x / alpha))``.

    The arguments are those of :func:`elu`; the result is elementwise, of ``x``'s shape.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> [round(v, 4) for v in fnn.celu(fnp.array([-1.0, 2.0]), alpha=2.0).tolist()]
    [-0.7869, 2.0]
    """
    x = _to_inexact(x)
    return fnp.maximum(x, 0.0) + alpha * fnp.expm1(fnp.minimum(x, 0.0) / alpha)


def selu(x):
    """Scaled ELU with the self-normalising constants of Klambauer et al. (2017).

    Args:
        x: input array.

    Returns:
        ``scale * elu(x, alpha)`` with ``alpha ~ 1.6733`` and ``scale ~ 1.0507``.

    >>> import fungrad.nn as fnn
    >>> round(float(fnn.selu(1.0)), 4)
    1.0507
    """
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * elu(x, alpha)


def leaky_relu(x, negative_slope=1e-2):
    """``x`` for ``x >= 0``, else ``negative_slope * x``.

    Args:
        x: input array.
        negative_slope: slope of the negative part.

    Returns:
        The elementwise leaky ReLU of ``x``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.leaky_relu(fnp.array([-2.0, 3.0]), 0.5).tolist()
    [-1.0, 3.0]
    """
    x = _to_inexact(x)
    return fnp.where(x >= 0, x, negative_slope * x)


def relu6(x):
    """``min(max(x, 0), 6)``.

    Args:
        x: input array.

    Returns:
        ``x`` clipped to ``[0, 6]``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.relu6(fnp.array([-1.0, 3.0, 8.0])).tolist()
    [0.0, 3.0, 6.0]
    """
    return fnp.minimum(fnp.maximum(_to_inexact(x), 0.0), 6.0)


def soft_sign(x):
    """``x / (|x| + 1)``.

    Args:
        x: input array.

    Returns:
        The elementwise soft sign of ``x``, in ``(-1, 1)``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.soft_sign(fnp.array([-1.0, 3.0])).tolist()
    [-0.5, 0.75]
    """
    x = _to_inexact(x)
    return x / (fnp.abs(x) + 1)


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``.

    Args:
        x: input array.

    Returns:
        The elementwise log-sigmoid of ``x`` (at most 0).

    >>> import fungrad.nn as fnn
    >>> round(float(fnn.log_sigmoid(0.0)), 4)
    -0.6931
    """
    return -softplus(-_to_inexact(x))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5):
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis`` (statistics computed if not given).

    Args:
        x: input array.
        axis: axis or axes the statistics are taken over.
        mean: the mean to subtract (default: computed from ``x``).
        variance: the variance to divide by (default: computed from ``x``).
        epsilon: added to the variance for stability.

    Returns:
        The standardized array, with the shape of ``x``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.standardize(fnp.array([1.0, 3.0]), epsilon=0.0).tolist()
    [-1.0, 1.0]
    """
    x = _to_inexact(x)
    if mean is None:
        mean = fnp.mean(x, axis=axis, keepdims=True)
    if variance is None:
        # E[x^2] - E[x]^2, as jax.nn.standardize
        variance = fnp.mean(fnp.square(x), axis=axis, keepdims=True) - fnp.square(mean)
    return (x - mean) * _ew.rsqrt(variance + epsilon)


def dropout(key, rate: float, x, deterministic: bool = False):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    With ``deterministic=True`` (or ``rate == 0``) ``x`` is returned unchanged. The gradient flows
    through the kept elements only.

    Args:
        key: a ``fungrad.random`` key.
        rate: the probability of dropping an element, in ``[0, 1)``.
        x: input array.
        deterministic: return ``x`` unchanged (evaluation mode).

    Returns:
        ``x`` with dropped elements zeroed and the others scaled.

    Raises:
        FungradTypeError: if ``rate`` is not in ``[0, 1)``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp, fungrad.random as fr
    >>> y = fnn.dropout(fr.PRNGKey(0), 0.5, fnp.ones(4))
    >>> sorted(set(y.tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """
    if not 0.0 <= rate < 1.0:
        raise FungradTypeError(f"dropout: rate must be in [0, 1), got {rate}")
    x = _to_inexact(x)
    if deterministic or rate == 0.0:
        return x
    keep = random.bernoulli(key, 1.0 - rate, get_aval(x).shape)
    return fnp.where(keep, x / (1.0 - rate), 0.0)


# ---- convolution and pooling layers --------------------------------------------------------------------

_LAYOUTS = {"NHWC": ("NHWC", "HWIO", "NHWC"), "NCHW": ("NCHW", "OIHW", "NCHW")}


def _pair(v, name):
    v = (v, v) if isinstance(v, int) else tuple(v)
    if len(v) != 2:
        raise FungradTypeError(f"{name} must be an int or a pair, got {v}")
    return v


def _layout(data_format):
    if data_format not in _LAYOUTS:
        raise FungradTypeError(f"data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    return _LAYOUTS[data_format]


def conv2d(x, w, stride=1, padding="VALID", dilation=1, groups: int = 1, data_format: str = "NHWC"):
    """2-d convolution (cross-correlation) of images ``x`` with kernels ``w``.

    Args:
        x: a batch of images, ``NHWC`` (or ``NCHW`` with ``data_format="NCHW"``).
        w: kernels, ``HWIO`` for ``NHWC`` input (``I = C / groups``), ``OIHW`` for ``NCHW``.
        stride: an int or a pair.
        padding: ``"SAME"``, ``"VALID"``, an int, or ``((top, bottom), (left, right))``.
        dilation: kernel dilation, an int or a pair.
        groups: number of feature groups.
        data_format: ``"NHWC"`` or ``"NCHW"``.

    Returns:
        The convolved batch, in ``data_format``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.conv2d(fnp.ones((1, 4, 4, 3)), fnp.ones((3, 3, 3, 8)), padding="SAME").shape
    (1, 4, 4, 8)
    """
    if isinstance(padding, int):
        padding = ((padding, padding), (padding, padding))
    x, w = _promote(_to_inexact(x), _to_inexact(w))
    return _conv.conv_general_dilated(
        x,
        w,
        _pair(stride, "stride"),
        padding,
        rhs_dilation=_pair(dilation, "dilation"),
        dimension_numbers=_layout(data_format),
        feature_group_count=groups,
    )


def _pool_params(x, window, stride, padding, data_format):
    window = _pair(window, "window")
    stride = window if stride is None else _pair(stride, "stride")
    if get_aval(x).ndim != 4:
        raise FungradTypeError(f"pooling expects a 4-d {data_format} batch of images, got shape {get_aval(x).shape}")
    _layout(data_format)
    if data_format == "NHWC":
        dims, strides = (1, *window, 1), (1, *stride, 1)
    else:
        dims, strides = (1, 1, *window), (1, 1, *stride)
    if isinstance(padding, int):
        padding = ((padding, padding), (padding, padding))
    if not isinstance(padding, str):
        pairs = tuple(tuple(p) for p in padding)
        padding = ((0, 0), *pairs, (0, 0)) if data_format == "NHWC" else ((0, 0), (0, 0), *pairs)
    return dims, strides, padding


def max_pool2d(x, window=2, stride=None, padding="VALID", data_format: str = "NHWC"):
    """Maximum over ``window`` patches (stride defaults to the window); padding counts as ``-inf``.

    The gradient goes to the (first) maximal element of each window, as in JAX.

    Args:
        x: a 4-d batch of images in ``data_format``.
        window: an int or a pair.
        stride: an int or a pair (default: the window).
        padding: ``"SAME"``, ``"VALID"``, an int, or ``((top, bottom), (left, right))``.
        data_format: ``"NHWC"`` or ``"NCHW"``.

    Returns:
        The pooled batch.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.max_pool2d(fnp.arange(16.0).reshape(1, 4, 4, 1)).reshape(-1).tolist()
    [5.0, 7.0, 13.0, 15.0]
    """
    x = _to_inexact(x)
    return _win.reduce_window_max(x, *_pool_params(x, window, stride, padding, data_format))


def avg_pool2d(x, window=2, stride=None, padding="VALID", data_format: str = "NHWC"):
    """Mean over ``window`` patches; padded positions count as zeros in the mean (like flax).

    The arguments are those of :func:`max_pool2d`.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.avg_pool2d(fnp.arange(16.0).reshape(1, 4, 4, 1)).reshape(-1).tolist()
    [2.5, 4.5, 10.5, 12.5]
    """
    x = _to_inexact(x)
    dims, strides, padding = _pool_params(x, window, stride, padding, data_format)
    return _win.reduce_window_sum(x, dims, strides, padding) / float(np.prod(dims))
