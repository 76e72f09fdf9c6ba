"""``fungrad.numpy.fft``: NumPy's discrete Fourier transforms over fungrad's ``fft`` primitive.

Every transform is differentiable in both modes (the primitive's transpose is the adjoint of each
transform, see fungrad/_src/primitives/fft.py), batchable and jittable. Semantics follow
``jax.numpy.fft.`: ``n``/``s`` crop or zero-pad the input, ``axes`` pick the transformed axes (moved to
the end, where XLA transforms), ``norm`` is ``"backward"`` (default), ``"ortho"`` or ``"forward"``.

>>> import fungrad, fungrad.numpy as fnp
>>> x = fnp.array([1.0, 2.0, 3.0, 4.0])
>>> [round(float(v), 6) for v in fnp.fft.irfft(fnp.fft.rfft(x))]
[1.0, 2.0, 3.0, 4.0]
>>> power = lambda x: fnp.sum(fnp.real(fnp.fft.fft(x) * fnp.conj(fnp.fft.fft(x))))  # = n sum(x^2) (Parseval)
>>> [round(float(g), 6) for g in fungrad.grad(power)(x)]
[8.0, 16.0, 24.0, 32.0]
"""

from __future__ import annotations

import math as _math
import operator as _operator
from collections.abc import Sequence

import jax as _jax
import numpy as _np

from fungrad._src import core as _core
from fungrad._src.primitives import complex_parts as _cx
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import fft as _fft_prims
from fungrad._src.primitives import shape as _sh
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _shape_helpers as _shp

__all__ = [
    "fft",
    "fft2",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifft2",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfft2",
    "irfftn",
    "rfft",
    "rfft2",
    "rfftfreq",
    "rfftn",
]

_NORMS = (None, "backward", "ortho", "forward")


def _default_float() -> _np.dtype:
    return _jax.dtypes.canonicalize_dtype(_np.float64)


def _as_inexact(name: str, a, fft_type: str):
    """``a`` as the input dtype of ``fft_type``: real floats for rfft, complex for the others."""
    a = _conv.asarray(a)
    dtype = _core.get_aval(a).dtype
    if not _np.issubdtype(dtype, _np.inexact):
        a = _conv.asarray(a, dtype=_default_float())
    if fft_type == "rfft":
        if _cx.is_complex(a):
            raise TypeError(f"jax.numpy.fft.{name}: only real valued inputs are supported, got {dtype}")
        return a
    return _cx.to_complex(a)


def _resize(a, axis: int, size: int):
    """Crop or zero-pad ``a`` along ``axis`` to ``size`` (at the end, as NumPy)."""
    shape = _core.get_aval(a).shape
    if shape[axis] > size:
        limits = list(shape)
        limits[axis] = size
        return _sh.slice(a, (0,) * len(shape), tuple(limits))
    if shape[axis] < size:
        config = [(0, 0, 0)] * len(shape)
        config[axis] = (0, size - shape[axis], 0)
        return _sh.pad(a, _ew.scalar(0, a), config)
    return a


def _transform(a, fft_type: str, lengths: tuple[int, ...]):
    """The transform over the trailing ``len(lengths)`` axes; more than 3 split into 3-or-fewer steps,
    each separable (real steps outermost, as jnp does)."""
    if len(lengths) <= 3:
        return _fft_prims.fft(a, fft_type, lengths)
    n = 2 if len(lengths) == 4 else 3
    ndim = _core.get_aval(a).ndim
    src = tuple(range(ndim - len(lengths), ndim - n))
    dst = tuple(range(ndim - len(lengths) + n, ndim))
    if fft_type in ("fft", "rfft"):
        a = _fft_prims.fft(a, fft_type, lengths[-n:])
        return _man.moveaxis(_transform(_man.moveaxis(a, src, dst), "fft", lengths[:-n]), dst, src)
    a = _man.moveaxis(_transform(_man.moveaxis(a, src, dst), "ifft", lengths[:-n]), dst, src)
    return _fft_prims.fft(a, fft_type, lengths[-n:])


def _norm_factor(name: str, lengths, norm):
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    total = float(_math.prod(lengths))
    if norm == "ortho":
        return _math.sqrt(total) if name.startswith("i") else 1 / _math.sqrt(total)
    if norm == "forward":
        return total if name.startswith("i") else 1 / total
    return None


def _fft_core(name: str, fft_type: str, a, s, axes, norm):
    a = _as_inexact(name, a, fft_type)
    ndim = _core.get_aval(a).ndim
    if s is not None:
        s = tuple(_operator.index(n) for n in s)
        if any(n <= 0 for n in s):
            raise ValueError("Shape should be positive.")
        if axes is not None and len(s) != len(axes):
            raise ValueError("Shape and axes have different lengths.")
    moved = axes is not None
    if axes is None:
        axes = tuple(range(ndim)) if s is None else tuple(range(ndim - len(s), ndim))
    axes = tuple(_operator.index(ax) % max(ndim, 1) for ax in axes)
    if len(axes) != len(set(axes)):
        raise ValueError(f"jax.numpy.fft.{name} does not support repeated axes. Got axes {axes}.")
    trailing = tuple(range(ndim - len(axes), ndim))
    if moved:
        a = _man.moveaxis(a, axes, trailing)
    shape = _core.get_aval(a).shape
    if s is not None:
        in_s = list(s)
        if fft_type == "irfft":
            in_s[-1] = in_s[-1] // 2 + 1
        for ax, size in zip(trailing, in_s):
            a = _resize(a, ax, size)
        lengths = s
    elif fft_type == "irfft":
        lengths = tuple(shape[ax] for ax in trailing[:-1]) + ((max(0, 2 * (shape[-1] - 1)),) if axes else ())
    else:
        lengths = tuple(shape[ax] for ax in trailing)
    out = _transform(a, fft_type, tuple(lengths)) if lengths else a
    factor = _norm_factor(name, lengths, norm)
    if factor is not None:
        out = _ew.mul(out, _ew.scalar(factor, out))
    if moved:
        out = _man.moveaxis(out, trailing, axes)
    return out


def _one_axis(axis):
    if not isinstance(axis, (int, _np.integer)):
        raise ValueError(f"axis must be a single integer, got {axis!r}")
    return (int(axis),)


def fft(a, n: int | None = None, axis: int = -1, norm: str | None = None):
    """One-dimensional discrete Fourier transform along ``axis`` (``n`` crops or zero-pads it).

    >>> import fungrad.numpy as fnp
    >>> [complex(v) for v in fnp.fft.fft(fnp.array([1.0, 0.0, -1.0, 0.0]))]
    [0j, (2+0j), 0j, (2+0j)]
    """
    return _fft_core("fft", "fft", a, None if n is None else [n], _one_axis(axis), norm)


def ifft(a, n: int | None = None, axis: int = -1, norm: str | None = None):
    """Inverse of :func:`fft`.

    >>> import fungrad.numpy as fnp
    >>> [complex(v) for v in fnp.fft.ifft(fnp.array([0.0, 2.0, 0.0, 2.0]))]
    [(1+0j), 0j, (-1+0j), 0j]
    """
    return _fft_core("ifft", "ifft", a, None if n is None else [n], _one_axis(axis), norm)


def rfft(a, n: int | None = None, axis: int = -1, norm: str | None = None):
    """Discrete Fourier transform of a real input: the ``n // 2 + 1`` non-negative frequency bins.

    >>> import fungrad.numpy as fnp
    >>> [complex(v) for v in fnp.fft.rfft(fnp.array([1.0, 1.0, 1.0, 1.0]))]
    [(4+0j), 0j, 0j]
    """
    return _fft_core("rfft", "rfft", a, None if n is None else [n], _one_axis(axis), norm)


def irfft(a, n: int | None = None, axis: int = -1, norm: str | None = None):
    """Inverse of :func:`rfft`: ``n`` (default ``2 * (m - 1)``) real samples from ``m`` bins.

    >>> import fungrad.numpy as fnp
    >>> [float(v) for v in fnp.fft.irfft(fnp.array([4.0, 0.0, 0.0]))]
    [1.0, 1.0, 1.0, 1.0]
    """
    return _fft_core("irfft", "irfft", a, None if n is None else [n], _one_axis(axis), norm)


def hfft(a, n: int | None = None, axis: int = -1, norm: str | None = None):
    """FFT of a signal whose spectrum is Hermitian-symmetric (the inverse of :func:`ihfft`): real output.

    >>> import fungrad.numpy as fnp
    >>> [float(v) for v in fnp.fft.hfft(fnp.array([1.0, 3.0, 5.0, 7.0]))]
    [24.0, -8.0, 0.0, -2.0, 0.0, -8.0]
    """
    conj_a = _cx.conj(_as_inexact("hfft", a, "irfft"))
    (ax,) = _one_axis(axis)
    nn = (_core.get_aval(conj_a).shape[ax] - 1) * 2 if n is None else n
    out = _fft_core("hfft", "irfft", conj_a, None if n is None else [n], (ax,), norm)
    return _ew.mul(out, _ew.scalar(nn, out))


def ihfft(a, n: int | None = None, axis: int = -1, norm: str | None = None):
    """Inverse of :func:`hfft`: the ``n // 2 + 1`` bins of a real signal, conjugated and scaled by ``1/n``.

    >>> import fungrad.numpy as fnp
    >>> [complex(v) for v in fnp.fft.ihfft(fnp.array([1.0, 1.0, 1.0, 1.0]))]
    [(1+0j), 0j, 0j]
    """
    (ax,) = _one_axis(axis)
    a = _conv.asarray(a)
    nn = _core.get_aval(a).shape[ax] if n is None else n
    out = _cx.conj(_fft_core("ihfft", "rfft", a, None if n is None else [n], (ax,), norm))
    return _ew.mul(out, _ew.scalar(1 / nn, out))


def fftn(a, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str | None = None):
    """N-dimensional discrete Fourier transform over ``axes`` (default: all, or the last ``len(s)``).

    >>> import fungrad.numpy as fnp
    >>> complex(fnp.fft.fftn(fnp.ones((2, 3)))[0, 0])
    (6+0j)
    """
    return _fft_core("fftn", "fft", a, s, axes, norm)


def ifftn(a, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str | None = None):
    """Inverse of :func:`fftn`.

    >>> import fungrad.numpy as fnp
    >>> complex(fnp.fft.ifftn(fnp.ones((2, 3)))[0, 0])
    (1+0j)
    """
    return _fft_core("ifftn", "ifft", a, s, axes, norm)


def rfftn(a, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str | None = None):
    """N-dimensional FFT of a real input (the last axis keeps ``n // 2 + 1`` bins).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfftn(fnp.ones((2, 4))).shape
    (2, 3)
    """
    return _fft_core("rfftn", "rfft", a, s, axes, norm)


def irfftn(a, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str | None = None):
    """Inverse of :func:`rfftn`.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.irfftn(fnp.ones((2, 3))).shape
    (2, 4)
    """
    return _fft_core("irfftn", "irfft", a, s, axes, norm)


def fft2(a, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None):
    """Two-dimensional :func:`fftn` (over the last two axes by default).

    >>> import fungrad.numpy as fnp
    >>> complex(fnp.fft.fft2(fnp.ones((2, 2)))[0, 0])
    (4+0j)
    """
    return _fft_core("fft2", "fft", a, s, axes, norm)


def ifft2(a, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None):
    """Two-dimensional :func:`ifftn`.

    >>> import fungrad.numpy as fnp
    >>> complex(fnp.fft.ifft2(fnp.ones((2, 2)))[0, 0])
    (1+0j)
    """
    return _fft_core("ifft2", "ifft", a, s, axes, norm)


def rfft2(a, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None):
    """Two-dimensional :func:`rfftn`.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfft2(fnp.ones((2, 4))).shape
    (2, 3)
    """
    return _fft_core("rfft2", "rfft", a, s, axes, norm)


def irfft2(a, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None):
    """Two-dimensional :func:`irfftn`.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.irfft2(fnp.ones((2, 3))).shape
    (2, 4)
    """
    return _fft_core("irfft2", "irfft", a, s, axes, norm)


def fftfreq(n: int, d=1.0, *, dtype=None):
    """Sample frequencies of :func:`fft`'s bins: ``[0, 1, ..., n//2 - 1 (or n//2), -n//2, ..., -1] / (d n)``.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fftfreq(4, 0.5).tolist()
    [0.0, 0.5, -1.0, -0.5]
    """
    if isinstance(n, (list, tuple)) or isinstance(d, (list, tuple)):
        raise ValueError(f"fftfreq takes an int n and a scalar d, got n={n!r}, d={d!r}")
    dtype = _default_float() if dtype is None else dtype
    k = (_np.arange(n) + n // 2) % n - n // 2
    return _el.divide(_conv.asarray(k, dtype=dtype), _conv.asarray(d * n, dtype=dtype))


def rfftfreq(n: int, d=1.0, *, dtype=None):
    """Sample frequencies of :func:`rfft`'s bins: ``[0, 1, ..., n // 2] / (d n)``.

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.rfftfreq(4, 0.5).tolist()
    [0.0, 0.5, 1.0]
    """
    if isinstance(n, (list, tuple)) or isinstance(d, (list, tuple)):
        raise ValueError(f"rfftfreq takes an int n and a scalar d, got n={n!r}, d={d!r}")
    dtype = _default_float() if dtype is None else dtype
    return _el.divide(_conv.asarray(_np.arange(n // 2 + 1), dtype=dtype), _conv.asarray(d * n, dtype=dtype))


def _shift(x, axes, sign: int):
    x = _conv.asarray(x)
    shape = _core.get_aval(x).shape
    if axes is None:
        axes = tuple(range(len(shape)))
    elif isinstance(axes, (int, _np.integer)):
        axes = (int(axes),)
    return _shp.roll(x, [sign * (shape[ax] // 2) for ax in axes], tuple(axes))


def fftshift(x, axes: int | Sequence[int] | None = None):
    """Move the zero-frequency bin to the centre (rolls each axis by ``n // 2``).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.fftshift(fnp.fft.fftfreq(5, 0.2)).tolist()
    [-2.0, -1.0, 0.0, 1.0, 2.0]
    """
    return _shift(x, axes, 1)


def ifftshift(x, axes: int | Sequence[int] | None = None):
    """Inverse of :func:`fftshift` (rolls each axis by ``-(n // 2)``).

    >>> import fungrad.numpy as fnp
    >>> fnp.fft.ifftshift(fnp.array([-2.0, -1.0, 0.0, 1.0, 2.0])).tolist()
    [0.0, 1.0, 2.0, -2.0, -1.0]
    """
    return _shift(x, axes, -1)
