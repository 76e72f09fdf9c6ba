"""``fungrad.scipy.signal``: N-dimensional convolution and correlation, mirroring ``jax.scipy.signal``.

Direct convolutions lowered to fungrad's ``conv_general_dilated`` primitive (so they are
differentiable in both inputs, batchable and jittable); ``mode`` is ``"full"``, ``"same"`` or
``"valid"``. ``method="fft"`` is accepted and computed directly too (same values).

>>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
>>> fss.convolve(fnp.array([1.0, 2.0]), fnp.array([1.0, 1.0])).tolist()
[1.0, 3.0, 2.0]
"""

from __future__ import annotations

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import conv as _conv_prims
from fungrad._src.primitives import shape as _sh
from fungrad.numpy._complex import conj as _conj
from fungrad.numpy._conversion import _promote, _to_inexact

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d"]

_MODES = ("full", "same", "valid")


def _flip(x):
    return _sh.rev(x, tuple(range(_get_aval(x).ndim)))


def _convolve_nd(in1, in2, mode: str, name: str):
    if mode not in _MODES:
        raise _FungradTypeError(f"{name}: mode must be one of {list(_MODES)}, got {mode!r}")
    in1, in2 = _promote(_to_inexact(in1), _to_inexact(in2))
    s1, s2 = _get_aval(in1).shape, _get_aval(in2).shape
    if len(s1) != len(s2):
        raise _FungradTypeError(f"{name}: in1 {s1} and in2 {s2} must have the same number of dimensions")
    if 0 in s1 or 0 in s2:
        raise _FungradTypeError(f"{name}: zero-size arrays are not supported, got shapes {s1} and {s2}")
    no_swap = all(a >= b for a, b in zip(s1, s2))
    swap = all(a <= b for a, b in zip(s1, s2))
    if not (no_swap or swap):
        raise _FungradTypeError(f"{name}: one input must be smaller than the other in every dimension ({s1}, {s2})")
    shape_o = s2
    if swap:
        in1, in2 = in2, in1
    shape = _get_aval(in2).shape
    in2 = _flip(in2)
    if mode == "valid":
        padding = [(0, 0) for _ in shape]
    elif mode == "same":
        padding = [(s - 1 - (so - 1) // 2, s - so + (so - 1) // 2) for s, so in zip(shape, shape_o)]
    else:
        padding = [(s - 1, s - 1) for s in shape]
    lhs = _sh.reshape(in1, (1, 1, *_get_aval(in1).shape))
    rhs = _sh.reshape(in2, (1, 1, *shape))
    out = _conv_prims.conv_general_dilated(lhs, rhs, (1,) * len(shape), padding)
    return _sh.reshape(out, _get_aval(out).shape[2:])


def convolve(in1, in2, mode: str = "full", method: str = "auto", precision=None):
    """N-dimensional convolution of ``in1`` and ``in2`` (the smaller one slides over the larger).

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> fss.convolve(fnp.array([1.0, 2.0, 3.0]), fnp.array([1.0, 1.0]), mode="valid").tolist()
    [3.0, 5.0]
    """
    if method not in ("auto", "direct", "fft"):
        raise _FungradTypeError(f"convolve: method must be 'auto', 'direct' or 'fft', got {method!r}")
    return _convolve_nd(in1, in2, mode, "convolve")


def correlate(in1, in2, mode: str = "full", method: str = "auto", precision=None):
    """N-dimensional cross-correlation: ``convolve(in1, flip(conj(in2)))``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> fss.correlate(fnp.array([1.0, 2.0, 3.0]), fnp.array([1.0, 0.0]), mode="valid").tolist()
    [1.0, 2.0]
    """
    if method not in ("auto", "direct", "fft"):
        raise _FungradTypeError(f"correlate: method must be 'auto', 'direct' or 'fft', got {method!r}")
    in2 = _to_inexact(in2)
    return _convolve_nd(in1, _flip(_conj(in2)), mode, "correlate")


def _check_2d(name, in1, in2, boundary, fillvalue):
    if _get_aval(in1).ndim != 2 or _get_aval(in2).ndim != 2:
        raise _FungradTypeError(f"{name}: inputs must be 2-D, got {_get_aval(in1).shape} and {_get_aval(in2).shape}")
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError(f"{name}: only boundary='fill' with fillvalue=0 is supported (as in JAX)")


def convolve2d(in1, in2, mode: str = "full", boundary: str = "fill", fillvalue=0, precision=None):
    """Two-dimensional convolution (``boundary="fill"`` with ``fillvalue=0`` only, as in JAX).

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> fss.convolve2d(fnp.ones((2, 2)), fnp.ones((2, 2))).tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    in1, in2 = _to_inexact(in1), _to_inexact(in2)
    _check_2d("convolve2d", in1, in2, boundary, fillvalue)
    return _convolve_nd(in1, in2, mode, "convolve2d")


def correlate2d(in1, in2, mode: str = "full", boundary: str = "fill", fillvalue=0, precision=None):
    """Two-dimensional cross-correlation (``boundary="fill"`` with ``fillvalue=0`` only, as in JAX).

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> fss.correlate2d(fnp.ones((2, 2)), fnp.ones((1, 1)), mode="valid").tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    in1, in2 = _to_inexact(in1), _to_inexact(in2)
    _check_2d("correlate2d", in1, in2, boundary, fillvalue)
    s1, s2 = _get_aval(in1).shape, _get_aval(in2).shape
    swap = all(a <= b for a, b in zip(s1, s2))
    same_shape = s1 == s2
    # JAX's arrangement (which operand slides, and where the output is flipped), kept value for value
    if mode == "same":
        return _flip(_convolve_nd(_flip(in1), _conj(in2), mode, "correlate2d"))
    if mode == "valid" and not (swap and not same_shape):
        return _flip(_convolve_nd(_flip(in1), _conj(in2), mode, "correlate2d"))
    if swap:
        out = _convolve_nd(_flip(in2), _conj(in1), mode, "correlate2d")
        return out if mode == "valid" else _conj(out)
    return _flip(_convolve_nd(_flip(in1), _conj(in2), mode, "correlate2d"))
