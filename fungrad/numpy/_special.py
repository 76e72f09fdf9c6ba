"""NumPy names for inverse trigonometric, hyperbolic and logarithmic functions.

Primitives where jax.lax has one (``fungrad._src.primitives.special``), composites otherwise
(``log2``, ``log10``, ``exp2``, ``hypot``). Integer inputs are promoted to floating point, as in
jax.numpy.
"""

from __future__ import annotations

import numpy as np

from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import special as sp
from fungrad.numpy._conversion import _promote_broadcast, _to_inexact
from fungrad.numpy._elementwise import _unary_float, maximum, minimum, where

arcsin = _unary_float(sp.asin, "arcsin", "[0.0]", "[0.0]")
arccos = _unary_float(sp.acos, "arccos", "[1.0]", "[0.0]")
arctan = _unary_float(sp.atan, "arctan", "[0.0]", "[0.0]")
sinh = _unary_float(sp.sinh, "sinh", "[0.0]", "[0.0]")
cosh = _unary_float(sp.cosh, "cosh", "[0.0]", "[1.0]")
arcsinh = _unary_float(sp.asinh, "arcsinh", "[0.0]", "[0.0]")
arccosh = _unary_float(sp.acosh, "arccosh", "[1.0]", "[0.0]")
arctanh = _unary_float(sp.atanh, "arctanh", "[0.0]", "[0.0]")

# Made by a factory in _elementwise, so doctest would not look for their examples here without this.
__test__ = {f.__name__: f for f in (arcsin, arccos, arctan, sinh, cosh, arcsinh, arccosh, arctanh)}


def arctan2(x1, x2):
    """Elementwise angle of the point ``(x2, x1)`` in radians, in ``[-pi, pi]``.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.arctan2(1.0, -1.0)), 6)
    2.356194
    """
    x1, x2 = _promote_broadcast(_to_inexact(x1), _to_inexact(x2))
    return sp.atan2(x1, x2)


def log2(x):
    """Base-2 logarithm.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.log2(8.0))
    3.0
    """
    x = _to_inexact(x)
    return ew.div(ew.log(x), ew.scalar(np.log(2.0), x))


def log10(x):
    """Base-10 logarithm.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.log10(100.0))
    2.0
    """
    x = _to_inexact(x)
    return ew.div(ew.log(x), ew.scalar(np.log(10.0), x))


def exp2(x):
    """``2 ** x``.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.exp2(3.0)), 6)
    8.0
    """
    x = _to_inexact(x)
    return sp.exp2(x)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` without overflow: ``big * sqrt(1 + (small/big)**2)``.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.hypot(3.0, 4.0))
    5.0
    """
    x1, x2 = _promote_broadcast(_to_inexact(x1), _to_inexact(x2))
    a, b = ew.abs(x1), ew.abs(x2)
    big, small = maximum(a, b), minimum(a, b)
    is_zero = ew.eq(big, ew.scalar(0, big))
    # Guard the division at big == 0 so its derivative there is finite too (see `where`).
    safe_big = where(is_zero, ew.scalar(1, big), big)
    ratio = ew.div(small, safe_big)
    out = ew.mul(big, ew.sqrt(ew.add(ew.scalar(1, ratio), ew.mul(ratio, ratio))))
    out = where(is_zero, big, out)
    is_inf = ew.eq(big, ew.scalar(np.inf, big))
    return where(is_inf, ew.scalar(np.inf, big), out)
