"""Tolerance and whole-array comparisons: ``isclose``, ``allclose``, ``array_equal``, ``array_equiv``.

Boolean results, no derivatives; the tolerance test is NumPy's ``|a - b| <= atol + rtol |b|``, with
infinities equal only to themselves and ``equal_nan`` deciding whether NaNs match.
"""

from __future__ import annotations

from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy import _elementwise as _el
from fungrad.numpy._conversion import _promote_broadcast, _to_inexact
from fungrad.numpy._conversion import asarray as _asarray
from fungrad.numpy._conversion import broadcast_shapes as _broadcast_shapes
from fungrad.numpy._sorting_scans import all as _all

__all__ = ["allclose", "array_equal", "array_equiv", "isclose"]


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan: bool = False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (infinities must match exactly).

    >>> import fungrad.numpy as fnp
    >>> fnp.isclose(fnp.array([1.0, 1.1, fnp.inf]), fnp.array([1.0 + 1e-9, 1.0, fnp.inf])).tolist()
    [True, False, True]
    """
    a, b = _promote_broadcast(_to_inexact(a), _to_inexact(b))
    finite = _el.logical_and(_el.isfinite(a), _el.isfinite(b))
    close = _el.less_equal(_el.absolute(_el.subtract(a, b)), _el.add(atol, _el.multiply(rtol, _el.absolute(b))))
    out = _el.where(finite, close, _el.equal(a, b))
    if equal_nan:
        out = _el.logical_or(out, _el.logical_and(_el.not_equal(a, a), _el.not_equal(b, b)))
    return out


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan: bool = False):
    """Whether :func:`isclose` holds everywhere (a boolean array of shape ``()``).

    >>> import fungrad.numpy as fnp
    >>> bool(fnp.allclose(fnp.ones(3), fnp.ones(3) + 1e-9))
    True
    """
    return _all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1, a2, equal_nan: bool = False):
    """Whether the arrays have the same shape and elements.

    >>> import fungrad.numpy as fnp
    >>> bool(fnp.array_equal(fnp.ones(2), fnp.ones(2))), bool(fnp.array_equal(fnp.ones(2), fnp.ones(3)))
    (True, False)
    """
    a1, a2 = _asarray(a1), _asarray(a2)
    if _get_aval(a1).shape != _get_aval(a2).shape:
        return _asarray(False)
    a1, a2 = _promote_broadcast(a1, a2)
    eq = _el.equal(a1, a2)
    if equal_nan:
        eq = _el.logical_or(eq, _el.logical_and(_el.not_equal(a1, a1), _el.not_equal(a2, a2)))
    return _all(eq)


def array_equiv(a1, a2):
    """Whether the arrays are equal after broadcasting (False when they do not broadcast).

    >>> import fungrad.numpy as fnp
    >>> bool(fnp.array_equiv(fnp.ones((2, 2)), fnp.ones(2)))
    True
    """
    a1, a2 = _asarray(a1), _asarray(a2)
    try:
        _broadcast_shapes(_get_aval(a1).shape, _get_aval(a2).shape)
    except (ValueError, TypeError):
        return _asarray(False)
    return _all(_el.equal(*_promote_broadcast(a1, a2)))
