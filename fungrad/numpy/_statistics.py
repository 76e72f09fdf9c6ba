"""Statistics: weighted ``average``, ``cov``/``corrcoef``, ``ptp``, NaN-ignoring reductions,
``nan_to_num``, and counting (``bincount``, ``histogram``, ``histogram_bin_edges``, ``digitize``).

Compositions of reductions and ``where``; the NaN-ignoring ones replace NaNs by the reduction's
identity (or exclude them from the count) before reducing, so their derivatives are zero at NaNs.
Counting functions need static output sizes (``bincount`` takes ``length``, or reads it from a
concrete input, as in JAX).
"""

from __future__ import annotations

import numpy as _np

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import _complex as _cplx
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _products as _prod
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _searching as _srch
from fungrad.numpy import _shape_helpers as _shp
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy import _stacking as _stk
from fungrad.numpy._conversion import _to_inexact

__all__ = [
    "average",
    "bincount",
    "corrcoef",
    "cov",
    "digitize",
    "histogram",
    "histogram_bin_edges",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmean",
    "nanmin",
    "nanstd",
    "nanvar",
    "ptp",
]


def average(a, axis=None, weights=None, returned: bool = False, keepdims: bool = False):
    """Weighted mean ``sum(a * w) / sum(w)`` over ``axis`` (``weights`` 1-D along ``axis`` or ``a``'s shape).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.average(fnp.array([1.0, 2.0, 4.0]), weights=fnp.array([1.0, 1.0, 2.0])))
    2.75
    """
    a = _to_inexact(a)
    if weights is None:
        avg = _red.mean(a, axis=axis, keepdims=keepdims)
        count = _cre.full_like(
            avg, _np.size(_np.empty(_get_aval(a).shape)) / max(1, _np.size(_np.empty(_get_aval(avg).shape)))
        )
        return (avg, count) if returned else avg
    w = _to_inexact(weights)
    shape = _get_aval(a).shape
    if _get_aval(w).shape != shape:
        if axis is None or _get_aval(w).ndim != 1:
            raise _FungradTypeError(f"average: weights of shape {_get_aval(w).shape} need axis= for a of shape {shape}")
        ax = axis % len(shape)
        w = _man.reshape(w, tuple(shape[ax] if i == ax else 1 for i in range(len(shape))))
    total = _red.sum(_el.multiply(a, w), axis=axis, keepdims=keepdims)
    scale = _red.sum(_el.multiply(_cre.ones_like(a), w), axis=axis, keepdims=keepdims)
    avg = _el.divide(total, scale)
    return (avg, scale) if returned else avg


def cov(m, y=None, rowvar: bool = True, bias: bool = False, ddof: int | None = None, fweights=None, aweights=None):
    """Covariance matrix of the variables (rows, or columns with ``rowvar=False``) of ``m`` (and ``y``).

    >>> import fungrad.numpy as fnp
    >>> fnp.cov(fnp.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported yet")
    x = _stk.atleast_2d(_to_inexact(m))
    if not rowvar and _get_aval(x).shape[0] != 1:
        x = _man.transpose(x)
    if y is not None:
        y = _stk.atleast_2d(_to_inexact(y))
        if not rowvar and _get_aval(y).shape[0] != 1:
            y = _man.transpose(y)
        x = _man.concatenate([x, y], axis=0)
    ddof = (0 if bias else 1) if ddof is None else ddof
    n = _get_aval(x).shape[1]
    centered = _el.subtract(x, _red.mean(x, axis=1, keepdims=True))
    c = _el.divide(_prod.matmul(centered, _man.transpose(_cplx.conj(centered))), float(n - ddof))
    return _man.squeeze(c) if _get_aval(c).shape == (1, 1) else c


def corrcoef(x, y=None, rowvar: bool = True):
    """Pearson correlation coefficients ``cov[i, j] / sqrt(cov[i, i] cov[j, j])``, clipped to [-1, 1].

    >>> import fungrad.numpy as fnp
    >>> fnp.corrcoef(fnp.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    c = cov(x, y, rowvar)
    if _get_aval(c).ndim == 0:
        return _el.divide(c, c)
    d = _shp.diagonal(c)
    stddev = _el.sqrt(_cplx.real(d))
    c = _el.divide(_el.divide(c, stddev[:, None]), stddev[None, :])
    return _el.clip(c, -1.0, 1.0)


def ptp(a, axis=None, keepdims: bool = False):
    """Range ``max - min`` over ``axis`` ("peak to peak").

    >>> import fungrad.numpy as fnp
    >>> float(fnp.ptp(fnp.array([1.0, 5.0, 2.0])))
    4.0
    """
    return _el.subtract(_red.max(a, axis=axis, keepdims=keepdims), _red.min(a, axis=axis, keepdims=keepdims))


def _nan_filled(a, value):
    a = _to_inexact(a)
    return a, _fm.isnan(a), _el.where(_fm.isnan(a), _cre.full_like(a, value), a)


def _all_nan_to_nan(out, nan_mask, axis, keepdims):
    empty = _ss.all(nan_mask, axis=axis, keepdims=keepdims)
    return _el.where(empty, _cre.full_like(out, _np.nan), out)


def nanmax(a, axis=None, keepdims: bool = False):
    """Maximum ignoring NaNs (NaN where every element is NaN).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmax(fnp.array([1.0, fnp.nan, 3.0])))
    3.0
    """
    a, mask, filled = _nan_filled(a, -_np.inf)
    return _all_nan_to_nan(_red.max(filled, axis=axis, keepdims=keepdims), mask, axis, keepdims)


def nanmin(a, axis=None, keepdims: bool = False):
    """Minimum ignoring NaNs (NaN where every element is NaN).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmin(fnp.array([1.0, fnp.nan, 3.0])))
    1.0
    """
    a, mask, filled = _nan_filled(a, _np.inf)
    return _all_nan_to_nan(_red.min(filled, axis=axis, keepdims=keepdims), mask, axis, keepdims)


def nanargmax(a, axis=None, keepdims: bool = False):
    """Index of the maximum ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> int(fnp.nanargmax(fnp.array([1.0, fnp.nan, 3.0])))
    2
    """
    return _red.argmax(_nan_filled(a, -_np.inf)[2], axis=axis, keepdims=keepdims)


def nanargmin(a, axis=None, keepdims: bool = False):
    """Index of the minimum ignoring NaNs.

    >>> import fungrad.numpy as fnp
    >>> int(fnp.nanargmin(fnp.array([1.0, fnp.nan, 3.0])))
    0
    """
    return _red.argmin(_nan_filled(a, _np.inf)[2], axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, keepdims: bool = False):
    """Mean of the non-NaN elements.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmean(fnp.array([1.0, fnp.nan, 3.0])))
    2.0
    """
    a, mask, filled = _nan_filled(a, 0.0)
    count = _red.sum(_el.logical_not(mask), axis=axis, keepdims=keepdims)
    return _el.divide(_red.sum(filled, axis=axis, keepdims=keepdims), _conv.asarray(count, _get_aval(a).dtype))


def nanvar(a, axis=None, ddof: int = 0, keepdims: bool = False):
    """Variance of the non-NaN elements (divisor ``count - ddof``).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanvar(fnp.array([1.0, fnp.nan, 3.0])))
    1.0
    """
    a, mask, filled = _nan_filled(a, 0.0)
    mean = nanmean(a, axis=axis, keepdims=True)
    dev = _el.where(mask, _cre.zeros_like(a), _el.subtract(filled, mean))
    count = _conv.asarray(_red.sum(_el.logical_not(mask), axis=axis, keepdims=keepdims), _get_aval(a).dtype)
    total = _red.sum(_el.multiply(dev, dev), axis=axis, keepdims=keepdims)
    return _el.divide(total, _el.maximum(_el.subtract(count, ddof), 0))


def nanstd(a, axis=None, ddof: int = 0, keepdims: bool = False):
    """Standard deviation of the non-NaN elements.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanstd(fnp.array([1.0, fnp.nan, 3.0])))
    1.0
    """
    return _el.sqrt(nanvar(a, axis=axis, ddof=ddof, keepdims=keepdims))


def nan_to_num(x, copy: bool = True, nan=0.0, posinf=None, neginf=None):
    """NaN replaced by ``nan``, infinities by ``posinf``/``neginf`` (default: the dtype's extremes).

    >>> import fungrad.numpy as fnp
    >>> fnp.nan_to_num(fnp.array([fnp.nan, 1.0]), nan=-1.0).tolist()
    [-1.0, 1.0]
    """
    x = _conv.asarray(x)
    dtype = _get_aval(x).dtype
    if not _np.issubdtype(dtype, _np.inexact):
        return x
    if _np.issubdtype(dtype, _np.complexfloating):
        return _cplx.real(x) * 0 + nan_to_num(_cplx.real(x), nan=nan, posinf=posinf, neginf=neginf)
    info = _np.finfo(dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = _el.where(_fm.isnan(x), _cre.full_like(x, nan), x)
    out = _el.where(_fm.isposinf(x), _cre.full_like(x, posinf), out)
    return _el.where(_fm.isneginf(x), _cre.full_like(x, neginf), out)


def bincount(x, weights=None, minlength: int = 0, *, length: int | None = None):
    """Counts (or summed ``weights``) of each non-negative integer in ``x``; ``length`` fixes the
    output size (needed when ``x`` is traced; larger values are dropped).

    >>> import fungrad.numpy as fnp
    >>> fnp.bincount(fnp.array([0, 1, 1, 3])).tolist()
    [1, 2, 0, 1]
    """
    x = _conv.asarray(x)
    if not _np.issubdtype(_get_aval(x).dtype, _np.integer):
        raise _FungradTypeError(f"bincount: x must be integers, got {_get_aval(x).dtype}")
    if length is None:
        if isinstance(x, _Tracer):
            raise _FungradTypeError("bincount: x is traced, so the output size is unknown; pass length=")
        length = max(int(minlength), int(_np.max(_np.asarray(x), initial=-1)) + 1)
    hits = _el.equal(x[:, None], _cre.arange(length)[None, :])
    if weights is None:
        return _red.sum(hits, axis=0)
    w = _conv.asarray(weights)
    return _red.sum(_el.where(hits, w[:, None], _cre.zeros_like(w)[:, None]), axis=0)


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002 - NumPy's name
    """The ``bins + 1`` equally spaced edges over ``range`` (default: the data's min and max).

    >>> import fungrad.numpy as fnp
    >>> fnp.histogram_bin_edges(fnp.array([0.0, 1.0]), bins=2).tolist()
    [0.0, 0.5, 1.0]
    """
    if not isinstance(bins, (int, _np.integer)):
        return _to_inexact(bins)
    a = _man.ravel(_to_inexact(a))
    lo, hi = (
        (_red.min(a), _red.max(a))
        if range is None
        else (_conv.asarray(range[0], _get_aval(a).dtype), _conv.asarray(range[1], _get_aval(a).dtype))
    )
    same = _el.equal(lo, hi)
    lo, hi = _el.where(same, lo - 0.5, lo), _el.where(same, hi + 0.5, hi)
    steps = _cre.arange(int(bins) + 1, dtype=_get_aval(a).dtype) / int(bins)
    edges = _el.add(lo, _el.multiply(_el.subtract(hi, lo), steps))
    # the last edge is exactly hi (lo + (hi - lo) * 1 may round below it and drop the maximum)
    return _el.where(_cre.arange(int(bins) + 1) == int(bins), hi, edges)


def histogram(a, bins=10, range=None, weights=None, density=None):  # noqa: A002 - NumPy's name
    """``(counts, bin_edges)``: how many elements (or how much ``weights``) fall in each bin; the last
    bin includes its right edge. ``density=True`` normalizes to a probability density.

    >>> import fungrad.numpy as fnp
    >>> counts, edges = fnp.histogram(fnp.array([0.0, 0.2, 0.9, 1.0]), bins=2)
    >>> counts.tolist(), edges.tolist()
    ([2.0, 2.0], [0.0, 0.5, 1.0])
    """
    a = _man.ravel(_to_inexact(a))
    edges = histogram_bin_edges(a, bins, range)
    nbins = _get_aval(edges).shape[0] - 1
    idx = _srch.searchsorted(edges, a, side="right")
    idx = _el.where(_el.equal(a, edges[-1]), nbins, idx) - 1
    hits = _el.equal(idx[:, None], _cre.arange(nbins)[None, :])
    w = _cre.ones_like(a) if weights is None else _man.ravel(_to_inexact(weights))
    counts = _red.sum(_el.where(hits, w[:, None], _cre.zeros_like(w)[:, None]), axis=0)
    if density:
        widths = _shp.diff(edges)
        counts = _el.divide(_el.divide(counts, widths), _red.sum(counts))
    return counts, edges


def digitize(x, bins, right: bool = False):
    """The index of the bin each ``x`` falls in (``bins`` increasing or decreasing).

    >>> import fungrad.numpy as fnp
    >>> fnp.digitize(fnp.array([0.5, 1.5, 3.0]), fnp.array([0.0, 1.0, 2.0])).tolist()
    [1, 2, 3]
    """
    x, bins = _conv.asarray(x), _conv.asarray(bins)
    side = "left" if right else "right"
    n = _get_aval(bins).shape[0]
    up = _srch.searchsorted(bins, x, side=side)
    down = n - _srch.searchsorted(_man.flip(bins, 0), x, side="right" if right else "left")
    return _el.where(_el.greater_equal(bins[-1], bins[0]), up, down)
