"""Discrete calculus: ``gradient`` (central differences), ``ediff1d``, ``trapezoid`` (integration),
``interp`` (piecewise-linear interpolation) and ``cross`` products, as compositions of slicing,
``searchsorted``/gather and elementwise ops (differentiable in the values and sample points).
"""

from __future__ import annotations

import numpy as _np

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _indexing as _idx
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _searching as _srch
from fungrad.numpy import _shape_helpers as _shp

__all__ = ["cross", "ediff1d", "gradient", "interp", "trapezoid"]


def _slice(a, axis, start, stop):
    index = [slice(None)] * _get_aval(a).ndim
    index[axis] = slice(start, stop)
    return a[tuple(index)]


def gradient(f, *varargs, axis=None, edge_order=None):
    """Central differences inside, one-sided differences at the ends, per axis (uniform scalar
    spacings ``varargs``). Returns one array per axis (a single array for one axis).

    >>> import fungrad.numpy as fnp
    >>> fnp.gradient(fnp.array([1.0, 2.0, 4.0, 7.0])).tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    if edge_order is not None and edge_order != 1:
        raise NotImplementedError("gradient: only edge_order=1 is supported (as in JAX)")
    f = _conv._to_inexact(f)
    ndim = _get_aval(f).ndim
    axes = tuple(range(ndim)) if axis is None else ((axis,) if _np.ndim(axis) == 0 else tuple(axis))
    axes = tuple(a % ndim for a in axes)
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1:
        spacing = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise _FungradTypeError(f"gradient: expected 0, 1 or {len(axes)} spacings, got {len(varargs)}")
    out = []
    for ax, dx in zip(axes, spacing):
        if _np.ndim(dx) != 0:
            raise NotImplementedError("gradient: only scalar spacings are supported")
        if _get_aval(f).shape[ax] < 2:
            raise _FungradTypeError("gradient: each differentiated axis needs at least 2 elements")
        first = _el.subtract(_slice(f, ax, 1, 2), _slice(f, ax, 0, 1))
        middle = _el.multiply(_el.subtract(_slice(f, ax, 2, None), _slice(f, ax, None, -2)), 0.5)
        last = _el.subtract(_slice(f, ax, -1, None), _slice(f, ax, -2, -1))
        out.append(_el.divide(_man.concatenate([first, middle, last], axis=ax), dx))
    return out[0] if len(out) == 1 else out


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of consecutive elements of the flattened array, with optional ends attached.

    >>> import fungrad.numpy as fnp
    >>> fnp.ediff1d(fnp.array([1.0, 2.0, 4.0]), to_begin=0.0).tolist()
    [0.0, 1.0, 2.0]
    """
    flat = _man.ravel(_conv.asarray(ary))
    parts = [_el.subtract(flat[1:], flat[:-1])]
    dtype = _get_aval(flat).dtype
    if to_begin is not None:
        parts.insert(0, _man.ravel(_conv.asarray(to_begin, dtype)))
    if to_end is not None:
        parts.append(_man.ravel(_conv.asarray(to_end, dtype)))
    return _man.concatenate(parts, axis=0)


def trapezoid(y, x=None, dx=1.0, axis: int = -1):
    """Integral of ``y`` along ``axis`` by the trapezoid rule (samples at ``x``, or spaced ``dx``).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.trapezoid(fnp.array([1.0, 2.0, 3.0])))
    4.0
    """
    y = _conv._to_inexact(y)
    axis = axis % _get_aval(y).ndim
    y_mid = _el.multiply(_el.add(_slice(y, axis, 1, None), _slice(y, axis, None, -1)), 0.5)
    if x is None:
        return _el.multiply(_red.sum(y_mid, axis=axis), dx)
    x = _conv._to_inexact(x)
    if _get_aval(x).ndim == 1:
        d = _shp.diff(x)
        shape = [1] * _get_aval(y).ndim
        shape[axis] = _get_aval(d).shape[0]
        d = _man.reshape(d, tuple(shape))
    else:
        d = _shp.diff(x, axis=axis)
    return _red.sum(_el.multiply(y_mid, d), axis=axis)


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points ``(xp, fp)`` (``xp`` increasing) at ``x``;
    outside, ``left``/``right`` (default: the end values).

    >>> import fungrad.numpy as fnp
    >>> fnp.interp(fnp.array([0.5, 1.5, 3.0]), fnp.array([0.0, 1.0, 2.0]), fnp.array([0.0, 10.0, 0.0])).tolist()
    [5.0, 5.0, 0.0]
    """
    if period is not None:
        raise NotImplementedError("interp: period is not supported yet")
    x, xp, fp = _conv._promote(_conv._to_inexact(x), _conv._to_inexact(xp), _conv._to_inexact(fp))
    n = _get_aval(xp).shape[0]
    i = _el.clip(_srch.searchsorted(xp, x, side="right"), 1, n - 1)
    # take, not fp[i]: fp may be a concrete jax.Array while i is traced
    f_lo, f_hi = _idx.take(fp, _el.subtract(i, 1)), _idx.take(fp, i)
    x_lo, x_hi = _idx.take(xp, _el.subtract(i, 1)), _idx.take(xp, i)
    dx = _el.subtract(x_hi, x_lo)
    # a zero-width interval takes its left value (and no NaN gradient), as in JAX
    flat = _el.less_equal(_el.absolute(dx), _np.spacing(_np.finfo(_get_aval(xp).dtype).eps))
    slope = _el.divide(_el.subtract(x, x_lo), _el.where(flat, _cre.ones_like(dx), dx))
    f = _el.where(flat, f_lo, _el.add(f_lo, _el.multiply(slope, _el.subtract(f_hi, f_lo))))
    f = _el.where(_el.less(x, xp[0]), fp[0] if left is None else left, f)
    return _el.where(_el.greater(x, xp[-1]), fp[-1] if right is None else right, f)


def cross(a, b, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None):
    """Cross product of 3-vectors (or the z-component for 2-vectors) along the given axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.cross(fnp.array([1.0, 0.0, 0.0]), fnp.array([0.0, 1.0, 0.0])).tolist()
    [0.0, 0.0, 1.0]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _conv._promote(_conv.asarray(a), _conv.asarray(b))
    a = _man.moveaxis(a, axisa, -1)
    b = _man.moveaxis(b, axisb, -1)
    na, nb = _get_aval(a).shape[-1], _get_aval(b).shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise _FungradTypeError(f"cross: vectors must have 2 or 3 components, got {na} and {nb}")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    a2 = a[..., 2] if na == 3 else None
    b2 = b[..., 2] if nb == 3 else None
    z = _el.subtract(_el.multiply(a0, b1), _el.multiply(a1, b0))
    if a2 is None and b2 is None:
        return z
    zero = _cre.zeros_like(z)
    a2 = zero if a2 is None else a2
    b2 = zero if b2 is None else b2
    x = _el.subtract(_el.multiply(a1, b2), _el.multiply(a2, b1))
    y = _el.subtract(_el.multiply(a2, b0), _el.multiply(a0, b2))
    return _man.moveaxis(_man.stack([x, y, z], axis=-1), -1, axisc)
