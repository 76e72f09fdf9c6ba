"""Spectral analysis for ``fungrad.scipy.signal``: ``stft``, ``istft``, ``welch`` and ``csd``, mirroring
``jax.scipy.signal``.

Contract: every transform is a composition of fungrad ops (a static gather cuts the signal into
segments, then detrending, windowing and ``fungrad.numpy.fft``), so it is differentiable in the signal
(and in ``fs`` or an array ``window``), batchable and jittable without primitives of its own. Segment
lengths, overlaps and FFT sizes are static Python integers. Named windows are periodic (SciPy's
``get_window`` with ``fftbins=True``); the common ones are computed here, any other name falls back to
SciPy's ``get_window`` when SciPy is installed (as in JAX).

Deliberate differences from JAX 0.10.2, each following SciPy: ``istft(noverlap=0)`` means no overlap
(JAX's ``noverlap or nperseg // 2`` turns 0 into ``nperseg // 2``); ``istft`` with an odd ``nperseg``
and ``nfft=None`` inverts with the FFT length it computed (JAX raises a shape error); a ``detrend``
callable with ``axis != -1`` receives segments whose time axis sits at ``axis`` (JAX moves ``axis``
to the end, the inverse move); ``istft(nperseg=1, boundary=True)`` trims nothing instead of
everything.

>>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
>>> x = fnp.array([1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 1.0, 2.0])
>>> f, t, Z = fss.stft(x, nperseg=4)
>>> [round(v, 6) + 0.0 for v in fss.istft(Z)[1].tolist()]
[1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 1.0, 2.0]
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable

import jax.numpy as _jnp
import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import fft as _fft
from fungrad.numpy._conversion import _promote, _to_inexact

__all__ = ["csd", "istft", "stft", "welch"]

# ---- windows ---------------------------------------------------------------------------------------------

# Cosine-sum windows: w(n) = sum_k (-1)^k a_k cos(2 pi k n / (N - 1)) for the symmetric length N.
_COSINE_SUMS = {
    "hann": (0.5, 0.5),
    "hamming": (0.54, 0.46),
    "blackman": (0.42, 0.5, 0.08),
    "nuttall": (0.3635819, 0.4891775, 0.1365995, 0.0106411),
    "blackmanharris": (0.35875, 0.48829, 0.14128, 0.01168),
    "flattop": (0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368),
}
_ALIASES = {
    "han": "hann",
    "hamm": "hamming",
    "ham": "hamming",
    "black": "blackman",
    "blk": "blackman",
    "nutl": "nuttall",
    "nut": "nuttall",
    "blackharr": "blackmanharris",
    "bkh": "blackmanharris",
    "flat": "flattop",
    "flt": "flattop",
    "box": "boxcar",
    "ones": "boxcar",
    "rect": "boxcar",
    "rectangular": "boxcar",
    "bart": "bartlett",
    "brt": "bartlett",
    "triangle": "triang",
    "tri": "triang",
    "halfcosine": "cosine",
    "ksr": "kaiser",
    "gauss": "gaussian",
    "gss": "gaussian",
    "tuk": "tukey",
}
_NEEDS_PARAMETER = ("kaiser", "gaussian")


def _symmetric_window(name: str, N: int, params: tuple) -> _np.ndarray:
    """The symmetric window of ``N >= 2`` points in float64 (``None`` for a name not computed here)."""
    n = _np.arange(N, dtype=_np.float64)
    if name in _COSINE_SUMS and not params:
        phase = 2 * _np.pi * n / (N - 1)
        return sum((-1) ** k * a * _np.cos(k * phase) for k, a in enumerate(_COSINE_SUMS[name]))
    if name == "boxcar" and not params:
        return _np.ones(N)
    if name == "bartlett" and not params:
        return 1 - _np.abs(2 * n / (N - 1) - 1)
    if name == "triang" and not params:  # ends at 1/N (even N) or 2/(N+1) (odd N), never at 0
        return 1 - _np.abs(2 * n - (N - 1)) / (N + N % 2)
    if name == "cosine" and not params:
        return _np.sin(_np.pi * (n + 0.5) / N)
    if name == "kaiser" and len(params) == 1:
        (beta,) = params
        return _np.i0(beta * _np.sqrt(1 - (2 * n / (N - 1) - 1) ** 2)) / _np.i0(beta)
    if name == "gaussian" and len(params) == 1:
        (std,) = params
        return _np.exp(-0.5 * ((n - (N - 1) / 2) / std) ** 2)
    if name == "tukey" and len(params) <= 1:
        alpha = params[0] if params else 0.5
        if alpha <= 0:
            return _np.ones(N)
        if alpha >= 1:
            return _symmetric_window("hann", N, ())
        # raised-cosine tapers over the first and last alpha (N - 1) / 2 samples, flat in between
        edge = _np.minimum(n, N - 1 - n)
        taper = 0.5 * (1 - _np.cos(2 * _np.pi * edge / (alpha * (N - 1))))
        return _np.where(edge <= alpha * (N - 1) / 2, taper, 1.0)
    return None


def _named_window(window, M: int, name: str) -> _np.ndarray:
    """The periodic (DFT-even) window ``window`` (a name or a ``(name, *parameters)`` tuple) of ``M`` points."""
    spec, params = (window[0], tuple(window[1:])) if isinstance(window, tuple) else (window, ())
    if not isinstance(spec, str):
        raise ValueError(f"{name}: a window tuple must start with the window's name, got {window!r}")
    key = _ALIASES.get(spec.lower(), spec.lower())
    if key in _NEEDS_PARAMETER and not params:
        raise ValueError(f"{name}: the {spec!r} window needs a parameter; pass a tuple such as ({spec!r}, 8.0)")
    if M <= 1:
        return _np.ones(M)
    # periodic: the symmetric window one point longer, its last point dropped
    sym = _symmetric_window(key, M + 1, params)
    if sym is not None:
        return sym[:M]
    try:
        from scipy.signal import get_window  # optional, as in JAX: windows not computed here
    except ImportError as err:
        raise ImportError(f"{name}: scipy must be installed to use window={window!r}") from err
    return _np.asarray(get_window(window, M), dtype=_np.float64)


def _segment_window(window, nperseg, input_length: int, dtype, name: str):
    """The window as an array of ``dtype`` and the segment length (SciPy's ``_triage_segments``)."""
    if isinstance(window, (str, tuple)):
        n = input_length if nperseg is None else int(nperseg)
        if n > input_length:
            warnings.warn(
                f"{name}: nperseg={n} is greater than input_length={input_length}, using nperseg={input_length}",
                stacklevel=4,  # the user's call of stft/csd
            )
            n = input_length
        return _jnp.asarray(_named_window(window, n, name), dtype), n
    win = _fnp.astype(_fnp.asarray(window), dtype)
    shape = _get_aval(win).shape
    if len(shape) != 1:
        raise ValueError(f"{name}: window must be 1-D, got shape {shape}")
    n = shape[0] if nperseg is None else int(nperseg)
    if input_length < shape[0]:
        raise ValueError(f"{name}: window (length {shape[0]}) is longer than input signal (length {input_length})")
    if n != shape[0]:
        raise ValueError(f"{name}: value specified for nperseg ({n}) is different from length of window ({shape[0]})")
    return win, n


# ---- helpers -------------------------------------------------------------------------------------------


def _complex_dtype(dtype):
    dtype = _np.dtype(dtype)
    return dtype if dtype.kind == "c" else _np.result_type(dtype, _np.complex64)


def _static_int(v, what: str, name: str) -> int:
    if isinstance(v, _Tracer):
        raise TypeError(f"{name}: {what} must be a concrete integer, got a traced value; pass a Python int")
    return operator.index(v)


def _pad_last(x, before: int, after: int, mode: str = "constant"):
    widths = [(0, 0)] * (_get_aval(x).ndim - 1) + [(before, after)]
    return _fnp.pad(x, widths, mode)


def _extend(x, n: int, boundary: str, name: str):
    """Extend ``x`` by ``n`` points at both ends of its last axis (``stft``'s ``boundary``)."""
    if boundary == "zeros":
        return _pad_last(x, n, n)
    if boundary == "constant":
        return _pad_last(x, n, n, "edge")
    if boundary == "even":
        return _pad_last(x, n, n, "reflect")
    # odd: the point reflection through each end sample, 2 x[0] - x[k] and 2 x[-1] - x[-1-k]
    if n < 1:
        return x
    length = _get_aval(x).shape[-1]
    if n > length - 1:
        raise ValueError(f"{name}: the odd extension length {n} must not exceed the signal length - 1 = {length - 1}")
    left = _fnp.subtract(_fnp.multiply(2, x[..., :1]), x[..., n:0:-1])
    right = _fnp.subtract(_fnp.multiply(2, x[..., -1:]), x[..., -2 : -n - 2 : -1])
    return _fnp.concatenate([left, x, right], axis=-1)


def _detrend_last(data, kind: str):
    """Remove the mean (``"constant"``) or the least-squares line (``"linear"``) along the last axis."""
    centered = _fnp.subtract(data, _fnp.mean(data, -1, keepdims=True))
    count = _get_aval(data).shape[-1]
    if kind == "constant" or count == 1:  # one point: the line through it leaves nothing, as the mean does
        return centered
    # the residual of y ~ c0 + c1 t is y - mean y - (t - mean t) cov(t, y) / var(t)
    tc = _np.arange(count, dtype=_np.float64) - (count - 1) / 2
    tc_arr = _jnp.asarray(tc, _get_aval(data).dtype)
    slope = _fnp.divide(_fnp.sum(_fnp.multiply(tc_arr, centered), -1, keepdims=True), float((tc**2).sum()))
    return _fnp.subtract(centered, _fnp.multiply(tc_arr, slope))


def _detrend_function(detrend, axis: int, ndim: int, name: str) -> Callable:
    if isinstance(detrend, str):
        if detrend not in ("constant", "linear"):
            raise ValueError(f"{name}: detrend must be 'constant', 'linear', False or a callable, got {detrend!r}")
        return lambda d: _detrend_last(d, detrend)
    if callable(detrend):
        if axis == ndim - 1:
            return detrend
        # SciPy's convention: the callable sees segments with their time axis where it was in x
        return lambda d: _fnp.moveaxis(detrend(_fnp.moveaxis(d, -1, axis)), axis, -1)
    if not detrend:
        return lambda d: d
    raise ValueError(f"{name}: unsupported detrend {detrend!r}; use 'constant', 'linear', False or a callable")


def _windowed_fft(x, win, detrend_fn, nperseg: int, noverlap: int, nfft: int, onesided: bool):
    """FFTs of the detrended, windowed segments of ``x``'s last axis: shape ``(..., nseg, nfreq)``."""
    length = _get_aval(x).shape[-1]
    step = nperseg - noverlap
    starts = _np.arange(0, length - nperseg + 1, step)
    segments = _fnp.take(x, starts[:, None] + _np.arange(nperseg)[None, :], axis=-1)
    segments = _fnp.multiply(win, detrend_fn(segments))
    if onesided:
        return _fft.rfft(_fnp.real(segments), n=nfft)
    return _fft.fft(segments, n=nfft)


def _overlap_add(frames, step: int):
    """Sum frames ``(..., nframes, seg)`` placed ``step`` apart: shape ``(..., step (nframes - 1) + seg)``.

    Each frame is cut into ``chunks`` pieces of ``step`` samples; piece ``s`` of frame ``i`` lands in output
    block ``i + s``, so shifting the frame axis by ``s`` blocks (a pad) and summing over ``s`` places them all.
    """
    *batch, nframes, seg = _get_aval(frames).shape
    chunks = -(-seg // step)
    frames = _pad_last(frames, 0, chunks * step - seg)
    frames = _fnp.reshape(frames, (*batch, nframes, chunks, step))
    total = None
    for s in range(chunks):
        part = _fnp.pad(frames[..., s, :], [(0, 0)] * len(batch) + [(s, chunks - 1 - s), (0, 0)])
        total = part if total is None else _fnp.add(total, part)
    total = _fnp.reshape(total, (*batch, (nframes + chunks - 1) * step))
    return total[..., : step * (nframes - 1) + seg]


# ---- the shared spectral engine --------------------------------------------------------------------------

_BOUNDARIES = (None, "even", "odd", "constant", "zeros")


def _spectral(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, mode, boundary,
              padded, name):  # fmt: skip
    """``(freqs, times, result)``: windowed FFTs (``mode="stft"``) or (cross) periodograms (``"psd"``) per segment,
    the segment axis last and the frequency axis at ``axis``."""
    if boundary not in _BOUNDARIES:
        raise ValueError(f"{name}: unknown boundary option {boundary!r}, must be one of {list(_BOUNDARIES)}")
    x = _to_inexact(x)
    ndim = _get_aval(x).ndim
    axis = _static_int(axis, "axis", name)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an input of shape {_get_aval(x).shape}")
    axis %= ndim
    if y is not None:
        x, y = _promote(x, _to_inexact(y))
        xs, ys = _get_aval(x).shape, _get_aval(y).shape
        if len(xs) != len(ys):
            raise ValueError(f"{name}: x {xs} and y {ys} must have the same rank")
        outer = [s for i, s in enumerate(xs) if i != axis], [s for i, s in enumerate(ys) if i != axis]
        try:
            _np.broadcast_shapes(tuple(outer[0]), tuple(outer[1]))
        except ValueError as err:
            raise ValueError(f"{name}: x {xs} and y {ys} cannot be broadcast together outside axis {axis}") from err
    dtype = _get_aval(x).dtype
    result_dtype = _complex_dtype(dtype)
    freq_dtype = _np.finfo(result_dtype).dtype
    if nperseg is not None:
        nperseg = _static_int(nperseg, "nperseg", name)
        if nperseg < 1:
            raise ValueError(f"{name}: nperseg must be a positive integer, got {nperseg}")
    win, nperseg = _segment_window(window, nperseg, _get_aval(x).shape[axis], dtype, name)
    noverlap = nperseg // 2 if noverlap is None else _static_int(noverlap, "noverlap", name)
    nfft = nperseg if nfft is None else _static_int(nfft, "nfft", name)

    shape_x = _get_aval(x).shape
    if y is None and 0 in shape_x:
        return _fnp.zeros(shape_x, freq_dtype), _fnp.zeros(shape_x, freq_dtype), _fnp.zeros(shape_x, result_dtype)
    if y is not None and (0 in shape_x or 0 in _get_aval(y).shape):
        shape = list(_np.broadcast_shapes(tuple(outer[0]), tuple(outer[1])))
        shape.insert(axis, min(shape_x[axis], _get_aval(y).shape[axis]))
        return _fnp.zeros(shape, freq_dtype), _fnp.zeros(shape, freq_dtype), _fnp.zeros(shape, result_dtype)

    x = _fnp.moveaxis(x, axis, -1)
    if y is not None:
        y = _fnp.moveaxis(y, axis, -1)
        lx, ly = _get_aval(x).shape[-1], _get_aval(y).shape[-1]
        x, y = _pad_last(x, 0, max(ly - lx, 0)), _pad_last(y, 0, max(lx - ly, 0))  # the shorter one gets zeros
    if nfft < nperseg:
        raise ValueError(f"{name}: nfft ({nfft}) must be greater than or equal to nperseg ({nperseg})")
    if noverlap >= nperseg:
        raise ValueError(f"{name}: noverlap ({noverlap}) must be less than nperseg ({nperseg})")
    step = nperseg - noverlap
    signals = [x] if y is None else [x, y]
    if boundary is not None:
        signals = [_extend(s, nperseg // 2, boundary, name) for s in signals]
    if padded:  # zeros up to a whole number of segments
        extra = (-(_get_aval(signals[0]).shape[-1] - nperseg) % step) % nperseg
        signals = [_pad_last(s, 0, extra) for s in signals]
    detrend_fn = _detrend_function(detrend, axis, ndim, name)

    if scaling == "density":
        scale = _fnp.divide(1.0, _fnp.multiply(fs, _fnp.sum(_fnp.multiply(win, win))))
    elif scaling == "spectrum":
        scale = _fnp.divide(1.0, _fnp.square(_fnp.sum(win)))
    else:
        raise ValueError(f"{name}: unknown scaling {scaling!r}, must be 'density' or 'spectrum'")
    if mode == "stft":
        scale = _fnp.sqrt(scale)

    onesided = bool(return_onesided)
    if onesided and _np.dtype(dtype).kind == "c":
        warnings.warn(f"{name}: input data is complex, switching to return_onesided=False", stacklevel=3)
        onesided = False
    bins = _np.arange(nfft // 2 + 1) if onesided else _np.arange(nfft)
    bins = _np.where(bins >= (nfft + 1) // 2, bins - nfft, bins) if not onesided else bins  # negative half
    freqs = _fnp.multiply(_jnp.asarray(bins / nfft, freq_dtype), fs)

    spectra = [_windowed_fft(s, win, detrend_fn, nperseg, noverlap, nfft, onesided) for s in signals]
    if y is not None:
        result = _fnp.multiply(_fnp.conj(spectra[0]), spectra[1])
    elif mode == "psd":
        result = _fnp.multiply(_fnp.conj(spectra[0]), spectra[0])
    else:
        result = spectra[0]
    result = _fnp.multiply(result, scale)
    if onesided and mode == "psd":  # every bin but DC (and Nyquist for even nfft) stands for two
        double = _np.full(nfft // 2 + 1, 2.0)
        double[0] = 1.0
        if nfft % 2 == 0:
            double[-1] = 1.0
        result = _fnp.multiply(result, _jnp.asarray(double, freq_dtype))

    length = _get_aval(signals[0]).shape[-1]
    centres = _np.arange(nperseg / 2, length - nperseg / 2 + 1, step, dtype=_np.float64)
    if boundary is not None:
        centres = centres - nperseg / 2
    times = _fnp.divide(_jnp.asarray(centres, freq_dtype), fs)
    result = _fnp.astype(result, result_dtype)
    if y is None and mode != "stft":
        result = _fnp.real(result)
    return freqs, times, _fnp.moveaxis(result, -1, axis)


# ---- public functions ------------------------------------------------------------------------------------


def stft(x, fs=1.0, window="hann", nperseg: int = 256, noverlap: int | None = None, nfft: int | None = None,
         detrend=False, return_onesided: bool = True, boundary: str | None = "zeros", padded: bool = True,
         axis: int = -1):  # fmt: skip
    """Short-time Fourier transform: ``(f, t, Zxx)``, the frequencies, segment times and ``Zxx`` with the
    frequency axis at ``axis`` and the segment axis last (``jax.scipy.signal.stft``).

    Args:
        x: the signal. fs: its sampling frequency. window: a window name (``"hann"``, ``"hamming"``, ...),
            a ``(name, parameter)`` tuple such as ``("kaiser", 8.0)``, or a 1-D array of ``nperseg`` points.
        nperseg: segment length (clipped to the signal's length, with a warning). noverlap: overlap
            (``nperseg // 2``). nfft: FFT length (``nperseg``). detrend: ``False``, ``"constant"``,
            ``"linear"`` or a callable on segments. return_onesided: half spectrum for real input.
        boundary: extend the signal by ``nperseg // 2`` at both ends with ``"zeros"``, ``"even"``,
            ``"odd"``, ``"constant"`` or not at all (``None``). padded: zero-pad to whole segments.
        axis: the time axis of ``x``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> f, t, Z = fss.stft(fnp.ones(8), nperseg=4)
    >>> f.tolist(), t.tolist(), Z.shape
    ([0.0, 0.25, 0.5], [0.0, 2.0, 4.0, 6.0, 8.0], (3, 5))
    """
    return _spectral(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, "spectrum", axis, "stft",
                     boundary, padded, "stft")  # fmt: skip


def csd(x, y, fs=1.0, window="hann", nperseg: int | None = None, noverlap: int | None = None,
        nfft: int | None = None, detrend="constant", return_onesided: bool = True, scaling: str = "density",
        axis: int = -1, average: str = "mean"):  # fmt: skip
    """Cross power spectral density by Welch's method: ``(f, Pxy)``, the mean (or bias-corrected median) over
    segments of ``conj(X) Y`` (``jax.scipy.signal.csd``). ``y=None`` gives the real PSD of ``x``; otherwise
    ``Pxy`` is complex and the shorter signal is zero-padded.

    Options as :func:`welch`; ``nperseg=None`` takes the whole signal (or the window array's length).

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> f, P = fss.csd(fnp.array([1.0, -1.0, 1.0, -1.0]), fnp.array([1.0, -1.0, 1.0, -1.0]), window="boxcar")
    >>> P.tolist()
    [0j, 0j, (4+0j)]
    """
    freqs, _, pxy = _spectral(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis,
                              "psd", None, False, "csd")  # fmt: skip
    if y is not None:
        pxy = _fnp.astype(pxy, _complex_dtype(_get_aval(pxy).dtype))
    shape = _get_aval(pxy).shape
    if len(shape) >= 2 and 0 not in shape:
        if shape[-1] == 1:
            pxy = _fnp.reshape(pxy, shape[:-1])
        elif average == "median":
            # the median of n chi-squared(2) periodograms sits below their mean by this factor
            evens = _np.arange(2.0, shape[-1], 2)
            bias = 1 + _np.sum(1.0 / (evens + 1) - 1.0 / evens)
            if _np.dtype(_get_aval(pxy).dtype).kind == "c":
                pxy = _fnp.add(
                    _fnp.median(_fnp.real(pxy), axis=-1), _fnp.multiply(1j, _fnp.median(_fnp.imag(pxy), axis=-1))
                )
            else:
                pxy = _fnp.median(pxy, axis=-1)
            pxy = _fnp.divide(pxy, _jnp.asarray(bias, _get_aval(pxy).dtype))
        elif average == "mean":
            pxy = _fnp.mean(pxy, axis=-1)
        else:
            raise ValueError(f"csd: average must be 'median' or 'mean', got {average!r}")
    return freqs, pxy


def welch(x, fs=1.0, window="hann", nperseg: int | None = None, noverlap: int | None = None,
          nfft: int | None = None, detrend="constant", return_onesided: bool = True, scaling: str = "density",
          axis: int = -1, average: str = "mean"):  # fmt: skip
    """Power spectral density by Welch's method: ``(f, Pxx)``, the average of the segments' modified
    periodograms (``jax.scipy.signal.welch``).

    Args:
        x: the signal. fs: sampling frequency. window, nperseg, noverlap, nfft, detrend, return_onesided:
            as :func:`stft` (``nperseg=None``: the whole signal; ``detrend="constant"`` by default).
        scaling: ``"density"`` (V**2/Hz) or ``"spectrum"`` (V**2). axis: the time axis.
        average: ``"mean"`` or ``"median"`` (bias-corrected) over segments.

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> f, P = fss.welch(fnp.array([1.0, -1.0, 1.0, -1.0]), window="boxcar")
    >>> f.tolist(), P.tolist()
    ([0.0, 0.25, 0.5], [0.0, 0.0, 4.0])
    """
    freqs, pxx = csd(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average)
    return freqs, _fnp.real(pxx)


def istft(Zxx, fs=1.0, window="hann", nperseg: int | None = None, noverlap: int | None = None,
          nfft: int | None = None, input_onesided: bool = True, boundary: bool = True, time_axis: int = -1,
          freq_axis: int = -2):  # fmt: skip
    """Inverse short-time Fourier transform by weighted overlap-add: ``(t, x)`` (``jax.scipy.signal.istft``).

    Args:
        Zxx: the STFT, frequencies along ``freq_axis`` and segments along ``time_axis``.
        fs: sampling frequency. window: as :func:`stft`. nperseg: segment length (from ``Zxx``'s size).
        noverlap: overlap (``nperseg // 2``). nfft: FFT length (from ``Zxx``'s size).
        input_onesided: ``Zxx`` holds only non-negative frequencies (a real signal).
        boundary: ``stft`` extended the signal (its ``nperseg // 2`` end points are removed).

    As in JAX and SciPy, ``t`` counts the samples along the first axis of ``x``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.signal as fss
    >>> x = fnp.array([0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0])  # stft pads it to whole segments: one zero more
    >>> [round(v, 6) + 0.0 for v in fss.istft(fss.stft(x, nperseg=4)[2], nperseg=4)[1].tolist()]
    [0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0, 0.0]
    """
    Zxx = _fnp.asarray(Zxx)
    shape = _get_aval(Zxx).shape
    ndim = len(shape)
    if ndim < 2:
        raise ValueError(f"istft: Zxx must be at least 2-D (frequencies x segments), got shape {shape}")
    freq_axis, time_axis = _static_int(freq_axis, "freq_axis", "istft"), _static_int(time_axis, "time_axis", "istft")
    for what, ax in (("freq_axis", freq_axis), ("time_axis", time_axis)):
        if not -ndim <= ax < ndim:
            raise ValueError(f"istft: {what}={ax} is out of bounds for Zxx of shape {shape}")
    freq_axis, time_axis = freq_axis % ndim, time_axis % ndim
    if freq_axis == time_axis:
        raise ValueError(f"istft: time_axis and freq_axis must differ, both are {freq_axis}")
    Zxx = _fnp.astype(Zxx, _complex_dtype(_get_aval(Zxx).dtype))

    n_default = 2 * (shape[freq_axis] - 1) if input_onesided else shape[freq_axis]
    nperseg = n_default if nperseg is None else _static_int(nperseg, "nperseg", "istft")
    if nperseg < 1:
        raise ValueError(f"istft: nperseg must be a positive integer, got {nperseg}")
    if nfft is None:
        nfft = n_default + 1 if input_onesided and nperseg == n_default + 1 else n_default  # odd nperseg
    else:
        nfft = _static_int(nfft, "nfft", "istft")
    if nfft < nperseg:
        raise ValueError(f"istft: FFT length ({nfft}) must be at least nperseg ({nperseg})")
    noverlap = nperseg // 2 if noverlap is None else _static_int(noverlap, "noverlap", "istft")
    if noverlap >= nperseg:
        raise ValueError(f"istft: noverlap ({noverlap}) must be less than nperseg ({nperseg})")
    step = nperseg - noverlap

    if time_axis != ndim - 1 or freq_axis != ndim - 2:
        outer = tuple(i for i in range(ndim) if i not in (time_axis, freq_axis))
        Zxx = _fnp.transpose(Zxx, outer + (freq_axis, time_axis))
    inverse = _fft.irfft if input_onesided else _fft.ifft
    segments = inverse(Zxx, n=nfft, axis=-2)[..., :nperseg, :]  # (..., nperseg, nframes)
    seg_dtype = _get_aval(segments).dtype

    if isinstance(window, (str, tuple)):
        win = _jnp.asarray(_named_window(window, nperseg, "istft"), seg_dtype)
    else:
        win = _fnp.asarray(window)
        if _get_aval(win).ndim != 1:
            raise ValueError(f"istft: window must be 1-D, got shape {_get_aval(win).shape}")
        if _get_aval(win).shape[0] != nperseg:
            raise ValueError(f"istft: window must have length {nperseg}, got {_get_aval(win).shape[0]}")
    segments = _fnp.multiply(segments, _fnp.sum(win))  # undoes stft's 'spectrum' scaling
    nframes = _get_aval(segments).shape[-1]
    col = _fnp.reshape(win, (nperseg, 1))
    x = _overlap_add(_fnp.swapaxes(_fnp.multiply(segments, col), -2, -1), step)
    norm = _overlap_add(_fnp.broadcast_to(_fnp.square(win), (nframes, nperseg)), step)
    if boundary:
        half, total = nperseg // 2, _get_aval(x).shape[-1]
        x, norm = x[..., half : total - half], norm[..., half : total - half]
    # zero-weight samples (NOLA fails there) are left unnormalised; a two-sided window is complex-typed
    x = _fnp.divide(x, _fnp.where(_fnp.greater(_fnp.real(norm), 1e-10), norm, _fnp.ones_like(norm)))

    if _get_aval(x).ndim > 1 and time_axis != ndim - 1:
        x = _fnp.moveaxis(x, -1, time_axis - 1 if freq_axis < time_axis else time_axis)
    real_dtype = _np.finfo(_get_aval(x).dtype).dtype
    times = _fnp.divide(_jnp.arange(_get_aval(x).shape[0], dtype=real_dtype), fs)
    return times, x
