"""Statistics: weighted ``average``, ``cov``/``corrcoef``, ``ptp``, NaN-ignoring reductions,
``nan_to_num``, NaN-ignoring order statistics (``nanquantile``, ``nanpercentile``, ``nanmedian``), and
counting (``bincount``, ``histogram``, ``histogram2d``, ``histogramdd``, ``histogram_bin_edges``, ``digitize``).

Compositions of reductions and ``where``; the NaN-ignoring ones replace NaNs by the reduction's
identity (or exclude them from the count) before reducing, so their derivatives are zero at NaNs.
Counting functions need static output sizes (``bincount`` takes ``length``, or reads it from a
concrete input, as in JAX).
"""

from __future__ import annotations

import builtins

import numpy as _np

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import _complex as _cplx
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm
from fungrad.numpy import _indexing as _idx
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
    "histogram2d",
    "histogram_bin_edges",
    "histogramdd",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanquantile",
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


def cov(
    m,
    y=None,
    rowvar: bool = True,
    bias: bool = False,
    ddof: int | None = None,
    fweights=None,
    aweights=None,
    dtype=None,
):
    """Covariance matrix of the variables (rows, or columns with ``rowvar=False``) of ``m`` (and ``y``).

    >>> import fungrad.numpy as fnp
    >>> fnp.cov(fnp.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not supported yet")
    if dtype is not None:  # the computation dtype of the inputs (and so of the result)
        m = _conv.asarray(m, dtype)
        y = None if y is None else _conv.asarray(y, dtype)
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


def corrcoef(x, y=None, rowvar: bool = True, dtype=None):
    """Pearson correlation coefficients ``cov[i, j] / sqrt(cov[i, i] cov[j, j])``, clipped to [-1, 1].

    >>> import fungrad.numpy as fnp
    >>> fnp.corrcoef(fnp.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if _get_aval(c).ndim == 0:
        return _el.divide(c, c)
    d = _shp.diagonal(c)
    stddev = _el.sqrt(_cplx.real(d))
    c = _el.divide(_el.divide(c, stddev[:, None]), stddev[None, :])
    return _el.clip(c, -1.0, 1.0)


def ptp(a, axis=None, out=None, keepdims: bool = False):
    """Range ``max - min`` over ``axis`` ("peak to peak").

    >>> import fungrad.numpy as fnp
    >>> float(fnp.ptp(fnp.array([1.0, 5.0, 2.0])))
    4.0
    """
    _conv._check_out("ptp", out)
    return _el.subtract(_red.max(a, axis=axis, keepdims=keepdims), _red.min(a, axis=axis, keepdims=keepdims))


def _isnan(a):
    return _el.not_equal(a, a)


def _nan_extremum(name, reduce, identity, a, axis, out, keepdims, initial, where):
    """NaNs become the reduction's identity; a slice of NaNs only is NaN unless ``initial`` is given (as jax.numpy)."""
    a = _conv._to_array(a)
    if not _np.issubdtype(_get_aval(a).dtype, _np.inexact):
        return reduce(a, axis, out, keepdims, initial, where)
    nan = _isnan(a)
    result = reduce(
        _el.where(nan, _red._identity(_get_aval(a).dtype, identity), a), axis, out, keepdims, initial, where
    )
    if initial is not None:
        return result
    return _el.where(_ss.all(nan, axis=axis, keepdims=keepdims), _np.array(_np.nan, _get_aval(result).dtype), result)


def nanmax(a, axis=None, out=None, keepdims: bool = False, initial=None, where=None):
    """Maximum ignoring NaNs (NaN where every element is NaN and there is no ``initial``).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmax(fnp.array([1.0, fnp.nan, 3.0])))
    3.0
    """
    return _nan_extremum("nanmax", _red.max, -_np.inf, a, axis, out, keepdims, initial, where)


def nanmin(a, axis=None, out=None, keepdims: bool = False, initial=None, where=None):
    """Minimum ignoring NaNs (NaN where every element is NaN and there is no ``initial``).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmin(fnp.array([1.0, fnp.nan, 3.0])))
    1.0
    """
    return _nan_extremum("nanmin", _red.min, _np.inf, a, axis, out, keepdims, initial, where)


def _nan_arg_extremum(name, arg_reduce, identity, a, axis, out, keepdims):
    _conv._check_out(name, out)
    a = _conv._to_array(a)
    if not _np.issubdtype(_get_aval(a).dtype, _np.inexact):
        return arg_reduce(a, axis=axis, keepdims=keepdims)
    nan = _isnan(a)
    index = arg_reduce(_el.where(nan, _red._identity(_get_aval(a).dtype, identity), a), axis=axis, keepdims=keepdims)
    if axis is None and keepdims:  # argmax keeps one size-1 axis per input axis
        every = _man.reshape(_ss.all(nan), (1,) * _get_aval(a).ndim)
    else:
        every = _ss.all(nan, axis=axis, keepdims=bool(keepdims))
    return _el.where(every, _np.array(-1, _get_aval(index).dtype), index)  # -1: only NaNs, as in jax.numpy


def nanargmax(a, axis=None, out=None, keepdims=None):
    """Index of the maximum ignoring NaNs (-1 where every element is NaN).

    >>> import fungrad.numpy as fnp
    >>> int(fnp.nanargmax(fnp.array([1.0, fnp.nan, 3.0])))
    2
    """
    return _nan_arg_extremum("nanargmax", _red.argmax, -_np.inf, a, axis, out, keepdims)


def nanargmin(a, axis=None, out=None, keepdims=None):
    """Index of the minimum ignoring NaNs (-1 where every element is NaN).

    >>> import fungrad.numpy as fnp
    >>> int(fnp.nanargmin(fnp.array([1.0, fnp.nan, 3.0])))
    0
    """
    return _nan_arg_extremum("nanargmin", _red.argmin, _np.inf, a, axis, out, keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims: bool = False, where=None):
    """Mean of the non-NaN elements (of those where ``where`` is True).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmean(fnp.array([1.0, fnp.nan, 3.0])))
    2.0
    """
    _conv._check_out("nanmean", out)
    a = _conv._to_array(a)
    if not _np.issubdtype(_get_aval(a).dtype, _np.inexact):
        return _red.mean(a, axis, dtype, None, keepdims, where=where)
    dtype = _get_aval(a).dtype if dtype is None else dtype
    count = _red.sum(_el.logical_not(_isnan(a)), axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    total = _srch.nansum(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    return _el.divide(total, count)


def nanvar(a, axis=None, dtype=None, out=None, ddof: int = 0, keepdims: bool = False, where=None, mean=None):
    """Variance of the non-NaN elements (of those where ``where`` is True), divided by ``count - ddof``
    (NaN where that is not positive); ``mean`` supplies a precomputed mean (``keepdims=True`` shape).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanvar(fnp.array([1.0, fnp.nan, 3.0])))
    1.0
    """
    _conv._check_out("nanvar", out)
    a = _to_inexact(a) if dtype is None else _conv.asarray(a, dtype)
    where = _conv._check_where("nanvar", where)
    nan = _isnan(a)
    center = (
        nanmean(a, axis=axis, keepdims=True, where=where) if mean is None else _conv.asarray(mean, _get_aval(a).dtype)
    )
    # NaNs (and masked elements) are zeroed before squaring so their derivative is exactly 0, not 0 * NaN
    skip = nan if where is None else _el.logical_or(nan, _el.logical_not(where))
    dev = _el.where(skip, _np.zeros((), _get_aval(a).dtype), _el.subtract(a, center))
    squared = (
        _el.add(_el.square(_cplx.real(dev)), _el.square(_cplx.imag(dev)))
        if _cplx.iscomplexobj(dev)
        else _el.square(dev)
    )
    total = _red.sum(squared, axis=axis, keepdims=keepdims, where=where)
    count = _red.sum(_el.logical_not(nan), axis=axis, keepdims=keepdims, where=where)
    count = _el.subtract(_conv.asarray(count, _get_aval(total).dtype), ddof)
    empty = _el.less_equal(count, 0)
    # double where: a slice without enough elements divides by 1 (no 0/0 in the derivative), then reads NaN
    ratio = _el.divide(total, _el.where(empty, _np.ones((), _get_aval(count).dtype), count))
    return _el.where(empty, _np.array(_np.nan, _get_aval(ratio).dtype), ratio)


def nanstd(a, axis=None, dtype=None, out=None, ddof: int = 0, keepdims: bool = False, where=None, mean=None):
    """Standard deviation of the non-NaN elements (the square root of :func:`nanvar`, same keywords).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanstd(fnp.array([1.0, fnp.nan, 3.0])))
    1.0
    """
    return _el.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where, mean))


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


def digitize(x, bins, right: bool = False, *, method: str | None = None):
    """The index of the bin each ``x`` falls in (``bins`` increasing or decreasing).

    ``method`` names jax.numpy's ``searchsorted`` strategy; fungrad's searchsorted compares every
    ``x`` with every bin whichever is named (same results).

    >>> import fungrad.numpy as fnp
    >>> fnp.digitize(fnp.array([0.5, 1.5, 3.0]), fnp.array([0.0, 1.0, 2.0])).tolist()
    [1, 2, 3]
    """
    if method not in (None, "scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(
            f"digitize: method must be one of 'scan', 'scan_unrolled', 'sort' or 'compare_all', got {method!r}"
        )
    x, bins = _conv.asarray(x), _conv.asarray(bins)
    side = "left" if right else "right"
    n = _get_aval(bins).shape[0]
    up = _srch.searchsorted(bins, x, side=side)
    down = n - _srch.searchsorted(_man.flip(bins, 0), x, side="right" if right else "left")
    return _el.where(_el.greater_equal(bins[-1], bins[0]), up, down)


def nanquantile(
    a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear", keepdims: bool = False, *,
    weights=None,
):  # fmt: skip
    """The ``q``-th quantiles (``q`` in [0, 1], scalar or 1-D) of the non-NaN elements along ``axis``
    (an int, a tuple of ints, or None for all).

    Each slice is sorted (NaNs last) and the position ``q (count - 1)`` is taken among its ``count``
    non-NaN values, with ``method`` as in :func:`quantile`; an all-NaN slice gives NaN. The derivative
    flows to the order statistics used, with the interpolation weights. ``method="inverted_cdf"``
    takes ``weights`` (NaNs weigh nothing), as :func:`quantile`.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanquantile(fnp.array([1.0, fnp.nan, 3.0, 2.0]), 0.5))
    2.0
    """
    _ss._check_quantile_args("nanquantile", out, overwrite_input, method, weights)
    if method == "inverted_cdf":
        return _ss._inverted_cdf(a, q, axis, keepdims, weights, squash_nans=True)
    a = _to_inexact(a)
    if _np.issubdtype(_get_aval(a).dtype, _np.complexfloating):
        raise ValueError("quantile does not support complex input, as the operation is poorly defined.")
    ndim = _get_aval(a).ndim
    if axis is None:
        a, kept_axes = _man.ravel(a), tuple(range(ndim))
    else:
        kept_axes = _conv._canonical_axes(axis, ndim)
        # the reduced axes move last and merge into one (a tuple reduces over all of them)
        k = len(kept_axes)
        a = _man.moveaxis(a, kept_axes, tuple(range(ndim - k, ndim)))
        a = _man.reshape(a, _get_aval(a).shape[: ndim - k] + (-1,))
    dtype = _get_aval(a).dtype
    q = _conv.asarray(q, dtype)
    q_shape = _get_aval(q).shape
    if len(q_shape) > 1:
        raise ValueError(f"q must be have rank <= 1, got shape {q_shape}")
    # NaN entries get a zero derivative (an all-NaN slice reads one of them), as in JAX
    a = _el.where(_fm.isnan(a), _cre.full_like(a, _np.nan), a)
    s = _ss.sort(a, axis=-1)  # NaNs sort last, so the first `count` entries are the non-NaN values
    rest = _get_aval(s).shape[:-1]
    count = _conv.asarray(_red.sum(_el.logical_not(_fm.isnan(a)), axis=-1), dtype)
    pos = _el.multiply(_man.reshape(q, q_shape + (1,) * len(rest)), _el.subtract(count, 1))
    low, high = _el.floor(pos), _el.ceil(pos)
    high_weight = _el.subtract(pos, low)
    s = _conv.broadcast_to(s, q_shape + _get_aval(s).shape)

    def order_statistic(i):
        i = _el.maximum(0, _el.minimum(i, _el.subtract(count, 1)))
        i = _conv.asarray(i, _srch._default_int())
        return _man.squeeze(_idx.take_along_axis(s, _man.expand_dims(i, -1), axis=-1), -1)

    lo_v, hi_v = order_statistic(low), order_statistic(high)
    if method == "linear":
        out = _el.add(_el.multiply(lo_v, _el.subtract(1, high_weight)), _el.multiply(hi_v, high_weight))
    elif method == "lower":
        out = lo_v
    elif method == "higher":
        out = hi_v
    elif method == "nearest":
        out = _el.where(_el.less_equal(high_weight, 0.5), lo_v, hi_v)
    else:
        out = _el.multiply(_el.add(lo_v, hi_v), 0.5)
    if keepdims:
        out = _man.expand_dims(out, tuple(len(q_shape) + ax for ax in kept_axes))
    return out


def nanpercentile(
    a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear", keepdims: bool = False, *,
    weights=None,
):  # fmt: skip
    """:func:`nanquantile` with ``q`` in percent.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanpercentile(fnp.array([1.0, fnp.nan, 2.0, 3.0, 4.0, 5.0]), 25.0))
    2.0
    """
    q = _el.divide(_to_inexact(q), 100)
    return nanquantile(a, q, axis, out, overwrite_input, method, keepdims, weights=weights)


def nanmedian(a, axis=None, out=None, overwrite_input: bool = False, keepdims: bool = False):
    """The median of the non-NaN elements along ``axis`` (NaN for an all-NaN slice).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.nanmedian(fnp.array([3.0, fnp.nan, 1.0, 2.0])))
    2.0
    """
    return nanquantile(a, 0.5, axis, out, overwrite_input, "midpoint", keepdims)


def histogramdd(sample, bins=10, range=None, weights=None, density=None):  # noqa: A002 - NumPy's name
    """``(hist, edges)``: counts (or summed ``weights``) of the ``(N, D)`` ``sample`` points in each cell of
    a ``D``-dimensional grid; ``bins`` is a count or edges, per dimension or for all, ``range`` one
    ``(lo, hi)`` or None per dimension. The last bin of each dimension includes its right edge.

    >>> import fungrad.numpy as fnp
    >>> hist, edges = fnp.histogramdd(fnp.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]]), bins=2)
    >>> hist.tolist()
    [[1, 0], [1, 1]]
    """
    sample = _to_inexact(sample)
    if weights is not None:
        weights = _conv.asarray(weights)
        if _get_aval(weights).shape != _get_aval(sample).shape[:1]:
            raise ValueError("should have one weight for each sample.")
        sample, weights = _conv._promote(sample, _to_inexact(weights))
    n, d = _get_aval(sample).shape
    if range is not None and (len(range) != d or builtins.any(r is not None and _np.shape(r)[0] != 2 for r in range)):
        raise ValueError(
            f"For sample.shape={(n, d)}, range must be a sequence of {d} pairs or Nones; got range={range}"
        )
    try:
        bins_per_dim = list(bins)
    except TypeError:
        bins_per_dim = d * [bins]
    else:
        if len(bins_per_dim) != d:
            raise ValueError("should be a bin for each dimension.")
    flat, edges_by_dim, nbins = None, [], []
    for i in builtins.range(d):
        column = sample[:, i]
        edges = histogram_bin_edges(column, bins_per_dim[i], None if range is None else range[i])
        idx = _srch.searchsorted(edges, column, side="right")
        idx = _el.where(_el.equal(column, edges[-1]), _el.subtract(idx, 1), idx)
        m = _get_aval(edges).shape[0] + 1  # bins, plus one below and one above the edges
        idx = _el.clip(idx, 0, m - 1)
        flat = idx if flat is None else _el.add(_el.multiply(flat, m), idx)
        edges_by_dim.append(edges)
        nbins.append(m)
    total = int(_np.prod(nbins))
    hist = bincount(flat, weights, length=total)
    hist = _man.reshape(hist, tuple(nbins))[(slice(1, -1),) * d]
    if density:
        hist = _conv.asarray(hist, _get_aval(sample).dtype)
        hist = _el.divide(hist, _red.sum(hist))
        for i, edges in enumerate(edges_by_dim):
            width = _shp.diff(edges)
            hist = _el.divide(hist, _man.reshape(width, tuple(-1 if j == i else 1 for j in builtins.range(d))))
    return hist, edges_by_dim


def histogram2d(x, y, bins=10, range=None, weights=None, density=None):  # noqa: A002 - NumPy's name
    """``(hist, x_edges, y_edges)``: the 2-D histogram of the points ``(x[i], y[i])`` (see :func:`histogramdd`).

    >>> import fungrad.numpy as fnp
    >>> hist, xe, ye = fnp.histogram2d(fnp.array([0.0, 1.0, 1.0]), fnp.array([0.0, 1.0, 0.0]), bins=2)
    >>> hist.tolist()
    [[1, 0], [1, 1]]
    """
    try:
        nb = len(bins)
    except TypeError:
        nb = 1
    if nb not in (1, 2):
        bins = [_conv.asarray(bins), _conv.asarray(bins)]
    x, y = _conv._promote(_to_inexact(x), _to_inexact(y))
    hist, edges = histogramdd(_man.stack([x, y], axis=1), bins, range, weights, density)
    return hist, edges[0], edges[1]
