"""Op records for ``fungrad.scipy.signal``'s spectral functions ``stft``, ``istft``, ``welch`` and ``csd``:
each window kind (name, ``(name, parameter)`` tuple, array argument), boundary extension, padding,
detrending, one- and two-sided spectra, ``axis``/``time_axis``/``freq_axis``, ``average`` and ``fs`` as a
differentiated argument. Signals of 16-24 samples and ``nperseg`` 7-8 keep the records fast."""

from __future__ import annotations

import jax.scipy.signal as jss

import fungrad.scipy.signal as fss
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fn, shapes, domain="real", call=None, **kw):
    """``fss.<fn>`` against ``jss.<fn>``; ``call(module)`` builds the function when options alone do not."""
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    fun = call(fss) if call else getattr(fss, fn)
    ref = call(jss) if call else getattr(jss, fn)
    RECORDS.append(OpRecord(f"scipy.signal.{fn}-{name}", fun, ref, tuple(shapes), domain, **kw))


def opts(fn, **options):
    return lambda mod: lambda *a: getattr(mod, fn)(*a, **options)


# stft: default hann with zero extension and padding; every other boundary; linear/constant detrend
rec("hann", "stft", [(20,)], call=opts("stft", nperseg=8))
rec("even-linear-nfft", "stft", [(2, 16)],
    call=opts("stft", nperseg=8, noverlap=2, nfft=10, detrend="linear", boundary="even", padded=False))  # fmt: skip
rec("odd-hamming-twosided-axis0", "stft", [(16, 2)],
    call=opts("stft", nperseg=8, window="hamming", boundary="odd", return_onesided=False, axis=0))  # fmt: skip
rec("constant-kaiser-odd-nperseg", "stft", [(18,)],
    call=opts("stft", nperseg=7, window=("kaiser", 4.0), boundary="constant", detrend="constant"))  # fmt: skip
rec("no-boundary-fs", "stft", [(17,)], call=opts("stft", nperseg=8, boundary=None, padded=False, fs=2.0))
rec("complex-twosided", "stft", [(16,)], "complex", call=opts("stft", nperseg=8, return_onesided=False))
# a differentiated window array (nperseg from its length)
rec("window-array", "stft", [(16,), (8,)], ("real", "positive"),
    call=lambda m: lambda x, w: m.stft(x, window=w, nperseg=None))  # fmt: skip

# istft of arbitrary (not necessarily consistent) spectra: a linear map, checked as such
rec("onesided", "istft", [(5, 5)], "complex", call=opts("istft", nperseg=8))
rec("twosided-no-boundary", "istft", [(8, 4)], "complex", call=opts("istft", input_onesided=False, boundary=False))
rec("axes-hamming", "istft", [(5, 2, 4)], "complex", call=opts("istft", window="hamming", freq_axis=0, time_axis=-1))
rec("time-axis-first", "istft", [(4, 5)], "complex", call=opts("istft", time_axis=0, freq_axis=1, fs=4.0))
rec("window-array", "istft", [(5, 4), (8,)], ("complex", "positive"),
    call=lambda m: lambda z, w: m.istft(z, window=w))  # fmt: skip

# welch: default, median with spectrum scaling and zero-padded FFT, two-sided linear, axis 0, fs differentiated
rec("hann", "welch", [(2, 24)], call=opts("welch", nperseg=8))
rec("median-spectrum-nfft", "welch", [(24,)],
    call=opts("welch", nperseg=8, average="median", scaling="spectrum", nfft=9))  # fmt: skip
rec("twosided-linear-blackman", "welch", [(20,)],
    call=opts("welch", nperseg=8, noverlap=3, return_onesided=False, detrend="linear", window="blackman"))  # fmt: skip
rec("axis0-no-detrend", "welch", [(24, 2)], call=opts("welch", nperseg=8, axis=0, detrend=False))
rec("fs-argument", "welch", [(16,), ()], ("real", "positive"), call=lambda m: lambda x, fs: m.welch(x, fs, nperseg=8))

# csd: unequal lengths (the shorter zero-padded), broadcasting outer axes with median averaging
rec("unequal-lengths", "csd", [(2, 24), (2, 20)], call=opts("csd", nperseg=8))
rec("broadcast-median", "csd", [(1, 24), (2, 24)], call=opts("csd", nperseg=8, average="median", window="triang"))
rec("one-segment", "csd", [(16,), (16,)], call=opts("csd", window="boxcar", scaling="spectrum"))
