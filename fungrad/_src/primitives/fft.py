"""The discrete Fourier transform: one primitive, ``fft``, over the trailing ``len(fft_lengths)`` axes.

``fft_type`` is one of ``"fft"``, ``"ifft"`` (complex to complex), ``"rfft"`` (real to the
non-redundant half spectrum, last axis ``n // 2 + 1``) and ``"irfft"`` (that half spectrum back to
``n`` reals), exactly as ``jax.lax.fft``, which is the lowering. Every transform is linear, so the jvp
applies it to the tangent and reverse mode needs its transpose; with JAX's complex convention
(transpose with respect to ``Re(sum(ct * t))``, see complex_parts.py):

- ``fft``/``ifft``: the DFT matrix ``F[j, k] = exp(-2 pi i jk / n)`` is symmetric, so each transform is
  its own transpose.
- ``rfft = slice(F x)`` for real ``x``: the transpose zero-pads the cotangent back to ``n`` bins,
  applies ``F`` (its own transpose) and keeps the real part (the transpose of embedding reals in the
  complex numbers). This is not ``irfft``: ``irfft`` would weight the bins that stand for two
  conjugate-symmetric bins twice.
- ``irfft``: it reads each interior half-spectrum bin twice (once as itself, once as its conjugate
  mirror), so its transpose is ``conj(rfft(ct) * mask) / prod(n)`` with ``mask`` 2 on those bins and 1
  on the DC bin and (for even ``n``) the Nyquist bin; the conjugate is JAX's convention for the
  real-linear (not complex-linear) map.

Batching moves the batch dimension to the front, away from the transformed trailing axes.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero
from fungrad._src.core import Primitive, bind, def_lowering
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import shape as sh

FFT_TYPES = ("fft", "ifft", "rfft", "irfft")
_LAX_TYPES = {
    "fft": lax.FftType.FFT,
    "ifft": lax.FftType.IFFT,
    "rfft": lax.FftType.RFFT,
    "irfft": lax.FftType.IRFFT,
}

fft_p = Primitive("fft", linear=True)


def fft(x, fft_type: str, fft_lengths):
    """The ``fft_type`` transform of ``x`` over its last ``len(fft_lengths)`` (1 to 3) axes."""
    fft_lengths = tuple(int(n) for n in fft_lengths)
    if fft_type not in FFT_TYPES:
        raise ValueError(f"fft: fft_type must be one of {FFT_TYPES}, got {fft_type!r}")
    if not 1 <= len(fft_lengths) <= 3:
        raise ValueError(f"fft: transforms 1 to 3 trailing axes at once, got fft_lengths={fft_lengths}")
    return bind(fft_p, x, fft_type=fft_type, fft_lengths=fft_lengths)


def_lowering(fft_p, lambda x, *, fft_type, fft_lengths: lax.fft(x, _LAX_TYPES[fft_type], fft_lengths))


def _rfft_transpose(ct, fft_lengths):
    n = fft_lengths[-1]
    ndim = core.get_aval(ct).ndim
    config = [(0, 0, 0)] * (ndim - 1) + [(0, n - (n // 2 + 1), 0)]
    padded = sh.pad(ct, ew.scalar(0, ct), config)
    return cx.real(fft(padded, "fft", fft_lengths))


def _irfft_transpose(ct, fft_lengths):
    half = fft(ct, "rfft", fft_lengths)
    aval = core.get_aval(half)
    n, m = fft_lengths[-1], aval.shape[-1]
    weights = np.full((m,), 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    weights = jnp.asarray(weights / math.prod(fft_lengths), aval.dtype)
    return cx.conj(ew.mul(half, sh.broadcast_in_dim(weights, aval.shape, (aval.ndim - 1,))))


def _fft_transpose(ct, x, *, fft_type, fft_lengths):
    if type(ct) is Zero:
        return [None]
    if fft_type == "rfft":
        return [_rfft_transpose(ct, fft_lengths)]
    if fft_type == "irfft":
        return [_irfft_transpose(ct, fft_lengths)]
    return [fft(ct, fft_type, fft_lengths)]


ad.deflinear(fft_p, _fft_transpose)


def _fft_batch(args, dims, *, fft_type, fft_lengths):
    (x,), (d,) = args, dims
    size = core.get_aval(x).shape[d]
    return fft(batching.move_to(x, d, 0, size), fft_type, fft_lengths), 0


batching.def_batching(fft_p, _fft_batch)
