"""More of ``fungrad.nn``: activations, normalisation, dropout, convolution and pooling layers.

All are composites of primitives (no rules of their own); the formulas follow ``jax.nn`` so values
and derivatives agree with it. Layers take channels-last (``NHWC``, kernels ``HWIO``) by default,
or channels-first with ``data_format="NCHW"`` (kernels ``OIHW``).
"""

from __future__ import annotations

import numpy as np

import fungrad.numpy as fnp
from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import conv as _conv
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import special as _sp
from fungrad._src.primitives import windows as _win
from fungrad.numpy._lax_numpy import _to_inexact

__all__ = [
    "avg_pool2d",
    "celu",
    "conv2d",
    "dropout",
    "elu",
    "gelu",
    "leaky_relu",
    "log_sigmoid",
    "max_pool2d",
    "relu6",
    "selu",
    "silu",
    "soft_sign",
    "standardize",
    "swish",
]

# ---- activations -----------------------------------------------------------------------------------


def gelu(x, approximate: bool = True):
    """Gaussian error linear unit: ``x * Phi(x)``, or its tanh approximation (the default, as JAX).

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
    """``x * sigmoid(x)`` (also called swish)."""
    x = _to_inexact(x)
    return x * _ew.logistic(x)


swish = silu


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)`` (the unused branch is guarded, so no NaN)."""
    x = _to_inexact(x)
    safe = fnp.where(x > 0, 0.0, x)
    return fnp.where(x > 0, x, alpha * fnp.expm1(safe))


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + alpha * min(0, expm1(x / alpha))``."""
    x = _to_inexact(x)
    return fnp.maximum(x, 0.0) + alpha * fnp.expm1(fnp.minimum(x, 0.0) / alpha)


def selu(x):
    """Scaled ELU with the self-normalising constants of Klambauer et al. (2017)."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * elu(x, alpha)


def leaky_relu(x, negative_slope=1e-2):
    """``x`` for ``x >= 0``, else ``negative_slope * x``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.leaky_relu(fnp.array([-2.0, 3.0]), 0.5).tolist()
    [-1.0, 3.0]
    """
    x = _to_inexact(x)
    return fnp.where(x >= 0, x, negative_slope * x)


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return fnp.minimum(fnp.maximum(_to_inexact(x), 0.0), 6.0)


def soft_sign(x):
    """``x / (|x| + 1)``."""
    x = _to_inexact(x)
    return x / (fnp.abs(x) + 1)


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    from fungrad.nn import softplus

    return -softplus(-_to_inexact(x))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5):
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis`` (statistics computed if not given).

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

    ``key`` is a ``fungrad.random`` key; with ``deterministic=True`` (or ``rate == 0``) ``x`` is
    returned unchanged. The gradient flows through the kept elements only.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp, fungrad.random as fr
    >>> y = fnn.dropout(fr.PRNGKey(0), 0.5, fnp.ones(4))
    >>> sorted(set(y.tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """
    from fungrad import random

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

    ``NHWC`` input takes ``HWIO`` kernels (``I = C / groups``); ``NCHW`` input takes ``OIHW``.
    ``padding`` is ``"SAME"``, ``"VALID"``, an int, or ``((top, bottom), (left, right))``.

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.conv2d(fnp.ones((1, 4, 4, 3)), fnp.ones((3, 3, 3, 8)), padding="SAME").shape
    (1, 4, 4, 8)
    """
    if isinstance(padding, int):
        padding = ((padding, padding), (padding, padding))
    x, w = fnp._lax_numpy._promote(_to_inexact(x), _to_inexact(w))
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

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.max_pool2d(fnp.arange(16.0).reshape(1, 4, 4, 1)).reshape(-1).tolist()
    [5.0, 7.0, 13.0, 15.0]
    """
    x = _to_inexact(x)
    return _win.reduce_window_max(x, *_pool_params(x, window, stride, padding, data_format))


def avg_pool2d(x, window=2, stride=None, padding="VALID", data_format: str = "NHWC"):
    """Mean over ``window`` patches; padded positions count as zeros in the mean (like flax).

    >>> import fungrad.nn as fnn, fungrad.numpy as fnp
    >>> fnn.avg_pool2d(fnp.arange(16.0).reshape(1, 4, 4, 1)).reshape(-1).tolist()
    [2.5, 4.5, 10.5, 12.5]
    """
    x = _to_inexact(x)
    dims, strides, padding = _pool_params(x, window, stride, padding, data_format)
    return _win.reduce_window_sum(x, dims, strides, padding) / float(np.prod(dims))
