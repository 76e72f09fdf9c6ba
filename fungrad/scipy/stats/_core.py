"""``rankdata``, ``sem`` and ``mode`` of ``jax.scipy.stats`` (re-exported by the package).

Ranks and modes come from pairwise comparisons along the axis (``O(n^2)`` work, exact, no sort), which
batch and jit with no rules of their own.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy._conversion import _to_inexact
from fungrad.numpy._creation import _default_float

__all__ = ["ModeResult", "mode", "rankdata", "sem"]

_METHODS = ("average", "min", "max", "dense", "ordinal")


def _check_nan_policy(name, nan_policy):
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"Illegal nan_policy value {nan_policy!r}; expected one of {{'propagate', 'omit', 'raise'}}")
    if nan_policy != "propagate":
        raise NotImplementedError(
            f"{name}: nan_policy={nan_policy!r} is not implemented (as in JAX); check for NaNs outside {name}"
        )


def _ranks_last_axis(a, method):
    # a[..., i] against a[..., j]: less[..., i, j] = a_j < a_i
    ai, aj = _fnp.expand_dims(a, -1), _fnp.expand_dims(a, -2)
    less = _fnp.less(aj, ai)
    equal = _fnp.equal(aj, ai)
    dtype = _default_float()
    n_less = _fnp.sum(less, axis=-1).astype(dtype)
    n_equal = _fnp.sum(equal, axis=-1).astype(dtype)
    if method == "min":
        return _fnp.add(n_less, 1)
    if method == "max":
        return _fnp.add(n_less, n_equal)
    if method == "average":
        return _fnp.add(n_less, _fnp.multiply(0.5, _fnp.add(n_equal, 1)))
    if method == "ordinal":  # ties broken by position (a stable sort)
        size = _get_aval(a).shape[-1]
        earlier = _np.tril(_np.ones((size, size), dtype=bool), -1)
        return _fnp.add(_fnp.add(n_less, _fnp.sum(_fnp.logical_and(equal, earlier), axis=-1).astype(dtype)), 1)
    # dense: the number of distinct smaller values, + 1 (each value counted once: the first of its ties)
    size = _get_aval(a).shape[-1]
    earlier = _np.tril(_np.ones((size, size), dtype=bool), -1)
    first = _fnp.logical_not(_fnp.any(_fnp.logical_and(equal, earlier), axis=-1))  # first occurrence of a_i
    return _fnp.add(_fnp.sum(_fnp.logical_and(less, _fnp.expand_dims(first, -2)), axis=-1).astype(dtype), 1)


def rankdata(a, method: str = "average", *, axis=None, nan_policy: str = "propagate"):
    """Ranks of the data, ties resolved by ``method`` (``average``, ``min``, ``max``, ``dense`` or
    ``ordinal``), as floats from 1; all NaN if the (flattened, or per-``axis``) data holds a NaN.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> fst.rankdata(fnp.array([3.0, 1.0, 3.0, 2.0])).tolist()
    [3.5, 1.0, 3.5, 2.0]
    >>> fst.rankdata(fnp.array([3.0, 1.0, 3.0, 2.0]), method="dense").tolist()
    [3.0, 1.0, 3.0, 2.0]
    """
    _check_nan_policy("rankdata", nan_policy)
    if method not in _METHODS:
        raise ValueError(f"unknown method '{method}'")
    a = _fnp.asarray(a)
    if axis is None:
        a = _fnp.ravel(a)
        axis = 0
    moved = _fnp.moveaxis(a, axis, -1)
    ranks = _ranks_last_axis(moved, method)
    has_nan = (
        _fnp.any(_fnp.isnan(moved), axis=-1, keepdims=True)
        if _fnp.issubdtype(_get_aval(a).dtype, _np.inexact)
        else None
    )
    if has_nan is not None:
        ranks = _fnp.where(has_nan, _fnp.full_like(ranks, _np.nan), ranks)
    return _fnp.moveaxis(ranks, -1, axis)


def sem(a, axis=0, ddof: int = 1, nan_policy: str = "propagate", *, keepdims: bool = False):
    """The standard error of the mean, ``std(a, ddof) / sqrt(n)`` along ``axis``; ``nan_policy="omit"``
    ignores NaNs.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.sem(fnp.array([1.0, 2.0, 3.0, 4.0]))), 6)
    0.645497
    """
    b = _to_inexact(a)
    if nan_policy == "propagate":
        size = _fnp.size(b) if axis is None else _get_aval(b).shape[axis]
        return _fnp.divide(_fnp.std(b, axis, ddof=ddof, keepdims=keepdims), float(_np.sqrt(size)))
    if nan_policy == "omit":
        count = _fnp.sum(_fnp.logical_not(_fnp.isnan(b)), axis, keepdims=keepdims).astype(_get_aval(b).dtype)
        return _fnp.divide(_fnp.nanstd(b, axis, ddof=ddof, keepdims=keepdims), _fnp.sqrt(count))
    raise ValueError(f"{nan_policy} is not supported")


class ModeResult(NamedTuple):
    """The result of :func:`mode`: the most common value and its count."""

    mode: object
    count: object


def mode(a, axis=0, nan_policy: str = "propagate", keepdims: bool = False) -> ModeResult:
    """The most common value along ``axis`` (the smallest one among ties) and how often it occurs.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> m = fst.mode(fnp.array([2.0, 1.0, 2.0, 1.0, 3.0]))
    >>> float(m.mode), int(m.count)
    (1.0, 2)
    """
    _check_nan_policy("mode", nan_policy)
    x = _fnp.atleast_1d(_fnp.asarray(a))
    ndim = _get_aval(x).ndim
    if axis is None:
        out_shape = (1,) * ndim if keepdims else ()
        x, axis = _fnp.ravel(x), 0
    else:
        axis = axis % ndim
        shape = _get_aval(x).shape
        out_shape = (
            tuple(1 if i == axis else s for i, s in enumerate(shape)) if keepdims else shape[:axis] + shape[axis + 1 :]
        )
    moved = _fnp.moveaxis(x, axis, -1)
    if _get_aval(moved).shape[-1] == 0:
        dtype = _default_float()
        return ModeResult(_fnp.full(out_shape, _np.nan, dtype), _fnp.zeros(out_shape, dtype))
    equal = _fnp.equal(_fnp.expand_dims(moved, -1), _fnp.expand_dims(moved, -2))
    counts = _fnp.sum(equal, axis=-1)
    top = _fnp.max(counts, axis=-1, keepdims=True)
    is_top = _fnp.equal(counts, top)
    big = _fnp.max(moved, axis=-1, keepdims=True)
    value = _fnp.min(_fnp.where(is_top, moved, big), axis=-1)
    return ModeResult(_fnp.reshape(value, out_shape), _fnp.reshape(_fnp.squeeze(top, -1), out_shape))
