"""``fungrad.scipy.signal``: convolution, correlation and spectral analysis, mirroring ``jax.scipy.signal``.

Direct convolutions lowered to fungrad's ``conv_general_dilated`` primitive (so they are
differentiable in both inputs, batchable and jittable); ``mode`` is ``"full"``, ``"same"`` or
``"valid"``. ``method="fft"`` is accepted and computed directly too (same values). ``fftconvolve``
goes through ``fungrad.numpy.fft``; ``detrend`` removes constant or linear trends; ``stft``,
``istft``, ``welch`` and ``csd`` (in ``_signal_spectral``) are compositions of framing, windows and
real FFTs, differentiable in the signal, the window and ``fs``.

>>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
>>> fss.convolve(fnp.array([1.0, 2.0]), fnp.array([1.0, 1.0])).tolist()
[1.0, 3.0, 2.0]
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import conv as _conv_prims
from fungrad._src.primitives import shape as _sh
from fungrad.numpy import fft as _fft
from fungrad.numpy._complex import conj as _conj
from fungrad.numpy._complex import iscomplexobj as _iscomplexobj
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.scipy._signal_spectral import csd, istft, stft, welch

__all__ = [
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
    "csd",
    "detrend",
    "fftconvolve",
    "istft",
    "stft",
    "welch",
]

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


def fftconvolve(in1, in2, mode: str = "full", axes=None):
    """Convolution through the FFT (``rfftn``/``irfftn``, ``fftn``/``ifftn`` for complex inputs) over ``axes``
    (all by default); the other axes must match and are multiplied elementwise. ``mode`` as :func:`convolve`.

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> [round(v, 6) for v in fss.fftconvolve(fnp.array([1.0, 2.0, 3.0]), fnp.array([0.0, 1.0, 0.5])).tolist()]
    [-0.0, 1.0, 2.5, 4.0, 1.5]
    """
    in1, in2 = _promote(_to_inexact(in1), _to_inexact(in2))
    s1, s2 = _get_aval(in1).shape, _get_aval(in2).shape
    if len(s1) != len(s2):
        raise ValueError(f"fftconvolve: in1 {s1} and in2 {s2} should have the same dimensionality")
    if mode not in _MODES:
        raise ValueError(f"fftconvolve: mode must be one of {list(_MODES)}, got {mode!r}")
    ndim = len(s1)
    if axes is None:
        axes = tuple(range(ndim))
    else:
        axes = (axes,) if isinstance(axes, int) else tuple(axes)
        axes = tuple(sorted({a % ndim for a in axes}))
    mapped = [i for i in range(ndim) if i not in axes]
    if any(s1[i] != s2[i] for i in mapped):
        raise ValueError(
            f"fftconvolve: mapped axes must have same shape; got in1.shape={s1} in2.shape={s2} axes={axes}"
        )
    if mode == "valid":
        no_swap = all(s1[i] >= s2[i] for i in axes)
        swap = all(s1[i] <= s2[i] for i in axes)
        if not (no_swap or swap):
            raise ValueError(
                "fftconvolve: for 'valid' mode, one input must be at least as large as the other in every dimension"
            )
        if swap:
            in1, in2, s1, s2 = in2, in1, s2, s1
    full = [s1[i] + s2[i] - 1 if i in axes else s1[i] for i in range(ndim)]
    if all(s1[i] == 1 or s2[i] == 1 for i in axes):
        conv = _fnp.multiply(in1, in2)  # no overlap to sum over: a plain (broadcast) product, as in JAX
    else:
        lengths = [full[i] for i in axes]
        if _iscomplexobj(in1):
            conv = _fft.ifftn(
                _fnp.multiply(_fft.fftn(in1, lengths, axes), _fft.fftn(in2, lengths, axes)), lengths, axes
            )
        else:
            conv = _fft.irfftn(
                _fnp.multiply(_fft.rfftn(in1, lengths, axes), _fft.rfftn(in2, lengths, axes)), lengths, axes
            )
    shape = _get_aval(conv).shape
    if mode == "full":
        out = full
    elif mode == "same":
        out = [s1[i] if i in axes else shape[i] for i in range(ndim)]
    else:
        out = [s1[i] - s2[i] + 1 if i in axes else shape[i] for i in range(ndim)]
    starts = [(shape[i] - out[i]) // 2 for i in range(ndim)]
    return conv[tuple(slice(b, b + n) for b, n in zip(starts, out))]


def detrend(data, axis: int = -1, type: str = "linear", bp=0, overwrite_data=None):  # noqa: A002 - SciPy's name
    """Remove the mean (``type="constant"``) or a least-squares line per segment between the breakpoints
    ``bp`` (``type="linear"``) along ``axis``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> [round(v, 6) + 0.0 for v in fss.detrend(fnp.array([1.0, 2.0, 4.0])).tolist()]
    [0.166667, -0.333333, 0.166667]
    """
    if overwrite_data is not None:
        raise NotImplementedError("detrend: the overwrite_data argument is not implemented (as in JAX)")
    if type not in ("constant", "linear"):
        raise ValueError("Trend type must be 'linear' or 'constant'.")
    data = _to_inexact(data)
    if type == "constant":
        return _fnp.subtract(data, _fnp.mean(data, axis, keepdims=True))
    n = _get_aval(data).shape[axis]
    points = _np.sort(_np.unique(_np.r_[0, bp, n]))
    if points[0] < 0 or points[-1] > n:
        raise ValueError("Breakpoints must be non-negative and less than length of data along given axis.")
    moved = _fnp.moveaxis(data, axis, 0)
    pieces = []
    for lo, hi in zip(points[:-1], points[1:]):
        seg = moved[int(lo) : int(hi)]
        count = int(hi - lo)
        if count == 1:  # one point: the line through it (lstsq's minimum-norm fit) leaves nothing
            pieces.append(_fnp.zeros_like(seg))
            continue
        # residual of the fit y ~ c0 + c1 t: y - mean(y) - (t - mean t) cov(t, y) / var(t)
        t = _np.arange(1, count + 1, dtype=_np.float64) / count
        tc = (t - t.mean()).reshape((count,) + (1,) * (_get_aval(seg).ndim - 1)).astype(_get_aval(seg).dtype)
        centered = _fnp.subtract(seg, _fnp.mean(seg, 0, keepdims=True))
        slope = _fnp.divide(_fnp.sum(_fnp.multiply(tc, centered), 0, keepdims=True), float((tc**2).sum()))
        pieces.append(_fnp.subtract(centered, _fnp.multiply(tc, slope)))
    out = pieces[0] if len(pieces) == 1 else _fnp.concatenate(pieces, axis=0)
    return _fnp.moveaxis(out, 0, axis)
