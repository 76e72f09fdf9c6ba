"""Floating-point math beyond the primitives: ``logaddexp``, angle units, sign manipulation,
NaN-aware extrema, ``sinc`` and friends, all compositions of elementwise primitives.

Where a composition would differentiate through a branch ``where`` does not take, that branch's
operands are made safe first (no NaN leaks into gradients). ``logaddexp`` shifts by a
``stop_gradient`` maximum, so its derivative is exactly ``exp(x - logaddexp(x, y))`` everywhere,
ties included.
"""

from __future__ import annotations

import numpy as np

from fungrad._src.core import get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives.bessel import bessel_i0e as _bessel_i0e
from fungrad.numpy import _complex as _cplx
from fungrad.numpy import _elementwise as el
from fungrad.numpy._conversion import _check_out, _promote_broadcast, _to_array, _to_inexact, asarray
from fungrad.numpy._creation import ones_like, zeros_like
from fungrad.numpy._special import arccos as acos
from fungrad.numpy._special import arccosh as acosh
from fungrad.numpy._special import arcsin as asin
from fungrad.numpy._special import arcsinh as asinh
from fungrad.numpy._special import arctan as atan
from fungrad.numpy._special import arctan2 as atan2
from fungrad.numpy._special import arctanh as atanh

__all__ = [
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "pow",
    "bitwise_not",
    "bitwise_invert",
    "left_shift",
    "right_shift",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "divmod",
    "modf",
    "ldexp",
    "i0",
    "cbrt",
    "copysign",
    "deg2rad",
    "degrees",
    "fabs",
    "float_power",
    "fmax",
    "fmin",
    "fmod",
    "heaviside",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "logaddexp",
    "logaddexp2",
    "logical_xor",
    "rad2deg",
    "radians",
    "rint",
    "signbit",
    "sinc",
    "trunc",
]


def _floats(*xs):
    return _promote_broadcast(*[_to_inexact(x) for x in xs])


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.logaddexp(0.0, 0.0)), 6)
    0.693147
    """
    x1, x2 = _floats(x1, x2)
    if _cplx.iscomplexobj(x1):  # shift by the argument with the larger real part (|exp(z)| = exp(re z))
        top = el.where(el.greater_equal(_cplx.real(x1), _cplx.real(x2)), x1, x2)
        top = ew.stop_gradient(el.where(el.isfinite(_cplx.real(top)), top, zeros_like(top)))
    else:
        top = el.maximum(x1, x2)
        top = ew.stop_gradient(el.where(el.isfinite(top), top, zeros_like(top)))
    return el.add(el.log(el.add(el.exp(el.subtract(x1, top)), el.exp(el.subtract(x2, top)))), top)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` without overflow.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.logaddexp2(1.0, 1.0))
    2.0
    """
    x1, x2 = _floats(x1, x2)
    ln2 = float(np.log(2.0))
    return el.divide(logaddexp(el.multiply(x1, ln2), el.multiply(x2, ln2)), ln2)


def degrees(x):
    """Radians to degrees.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.degrees(fnp.pi)), 6)
    180.0
    """
    return el.multiply(_to_inexact(x), 180.0 / np.pi)


def radians(x):
    """Degrees to radians.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.radians(180.0)), 6)
    3.141593
    """
    return el.multiply(_to_inexact(x), np.pi / 180.0)


rad2deg, deg2rad = degrees, radians


def isnan(x):
    """Elementwise ``x != x`` (False for integers).

    >>> import fungrad.numpy as fnp
    >>> fnp.isnan(fnp.array([1.0, fnp.nan])).tolist()
    [False, True]
    """
    x = _to_array(x)
    return el.not_equal(x, x)


def isinf(x):
    """Elementwise ``|x| == inf`` (False for integers).

    >>> import fungrad.numpy as fnp
    >>> fnp.isinf(fnp.array([1.0, -fnp.inf])).tolist()
    [False, True]
    """
    x = _to_array(x)
    if not np.issubdtype(get_aval(x).dtype, np.inexact):
        return el.not_equal(x, x)
    return el.equal(el.absolute(x), np.inf)


def isposinf(x, /, out=None):
    """Elementwise ``x == +inf``.

    >>> import fungrad.numpy as fnp
    >>> fnp.isposinf(fnp.array([fnp.inf, -fnp.inf])).tolist()
    [True, False]
    """
    _check_out("isposinf", out)
    return el.equal(_to_inexact(x), np.inf)


def isneginf(x, /, out=None):
    """Elementwise ``x == -inf``.

    >>> import fungrad.numpy as fnp
    >>> fnp.isneginf(fnp.array([fnp.inf, -fnp.inf])).tolist()
    [False, True]
    """
    _check_out("isneginf", out)
    return el.equal(_to_inexact(x), -np.inf)


def signbit(x):
    """Whether the sign bit is set (True for ``-0.0``).

    >>> import fungrad.numpy as fnp
    >>> fnp.signbit(fnp.array([-1.0, -0.0, 0.0])).tolist()
    [True, True, False]
    """
    x = _to_inexact(x)
    negative_zero = el.logical_and(el.equal(x, 0), el.less(el.divide(1.0, el.where(el.equal(x, 0), x, 1.0)), 0))
    return el.logical_or(el.less(x, 0), negative_zero)


def copysign(x1, x2):
    """``|x1|`` with the sign of ``x2``.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.copysign(2.0, -1.0))
    -2.0
    """
    x1, x2 = _floats(x1, x2)
    magnitude = el.absolute(x1)
    return el.where(signbit(x2), el.negative(magnitude), magnitude)


def fabs(x):
    """``|x|`` for real floating ``x``.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.fabs(-2))
    2.0
    """
    return el.absolute(_to_inexact(x))


def trunc(x):
    """Round toward zero.

    >>> import fungrad.numpy as fnp
    >>> fnp.trunc(fnp.array([-1.5, 1.5])).tolist()
    [-1.0, 1.0]
    """
    x = _to_array(x)
    if not np.issubdtype(get_aval(x).dtype, np.inexact):
        return x
    return el.multiply(el.sign(x), el.floor(el.absolute(x)))


def rint(x):
    """Round to the nearest integer, ties to even.

    >>> import fungrad.numpy as fnp
    >>> fnp.rint(fnp.array([0.5, 1.5])).tolist()
    [0.0, 2.0]
    """
    return el.round(_to_inexact(x))


def cbrt(x):
    """The real cube root.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.cbrt(-8.0)), 6)
    -2.0
    """
    x = _to_inexact(x)
    return el.multiply(el.sign(x), el.power(el.absolute(x), 1.0 / 3.0))


def fmax(x1, x2):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN).

    >>> import fungrad.numpy as fnp
    >>> fnp.fmax(fnp.array([1.0, fnp.nan]), fnp.array([fnp.nan, 2.0])).tolist()
    [1.0, 2.0]
    """
    x1, x2 = _floats(x1, x2)
    # JAX's selection (ties and double NaN pick x2, so derivatives agree with jnp.fmax)
    return el.where(el.logical_or(el.greater(x1, x2), isnan(x2)), x1, x2)


def fmin(x1, x2):
    """Elementwise minimum ignoring NaN (NaN only where both are NaN).

    >>> import fungrad.numpy as fnp
    >>> fnp.fmin(fnp.array([1.0, fnp.nan]), fnp.array([fnp.nan, 2.0])).tolist()
    [1.0, 2.0]
    """
    x1, x2 = _floats(x1, x2)
    return el.where(el.logical_or(el.less(x1, x2), isnan(x2)), x1, x2)


def fmod(x1, x2):
    """Remainder with the sign of the dividend (C's ``fmod``).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.fmod(-5.0, 3.0))
    -2.0
    """
    x1, x2 = _promote_broadcast(x1, x2)
    return ew.rem(x1, x2)


def heaviside(x1, x2):
    """0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``.

    >>> import fungrad.numpy as fnp
    >>> fnp.heaviside(fnp.array([-1.0, 0.0, 2.0]), 0.5).tolist()
    [0.0, 0.5, 1.0]
    """
    x1, x2 = _floats(x1, x2)
    return el.where(el.less(x1, 0), zeros_like(x1), el.where(el.greater(x1, 0), ones_like(x1), x2))


def sinc(x):
    """The normalized sinc ``sin(pi x) / (pi x)``, 1 at 0.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.sinc(0.0)), round(float(fnp.sinc(0.5)), 6)
    (1.0, 0.63662)
    """
    x = _to_inexact(x)
    zero = el.equal(x, 0)
    pi_x = el.multiply(el.where(zero, ones_like(x), x), np.pi)
    return el.where(zero, ones_like(x), el.divide(el.sin(pi_x), pi_x))


def float_power(x1, x2):
    """``x1 ** x2`` computed in the widest floating dtype (float64 under x64).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.float_power(2, 3))
    8.0
    """
    import jax

    widest = np.complex128 if _cplx.iscomplexobj(x1) or _cplx.iscomplexobj(x2) else np.float64
    dtype = jax.dtypes.canonicalize_dtype(widest)
    x1, x2 = _promote_broadcast(asarray(x1, dtype), asarray(x2, dtype))
    return el.power(x1, x2)


def logical_xor(x1, x2):
    """Elementwise exclusive or of the truth values.

    >>> import fungrad.numpy as fnp
    >>> fnp.logical_xor(fnp.array([True, False]), True).tolist()
    [False, True]
    """
    return el.not_equal(el.not_equal(_to_array(x1), 0), el.not_equal(_to_array(x2), 0))


# Array-API spellings of NumPy's names (the same functions)
pow = el.power  # noqa: A001 - the Array-API name
bitwise_not = bitwise_invert = el.invert


def left_shift(x1, x2):
    """``x1 * 2**x2`` for integers (bits shifted left).

    >>> import fungrad.numpy as fnp
    >>> int(fnp.left_shift(3, 2))
    12
    """
    x1, x2 = _promote_broadcast(x1, x2)
    return el.multiply(x1, el.power(ones_like(x1) * 2, x2))


def right_shift(x1, x2):
    """``floor(x1 / 2**x2)`` for integers (arithmetic shift right).

    >>> import fungrad.numpy as fnp
    >>> int(fnp.right_shift(-12, 2))
    -3
    """
    x1, x2 = _promote_broadcast(x1, x2)
    return el.floor_divide(x1, el.power(ones_like(x1) * 2, x2))


bitwise_left_shift, bitwise_right_shift = left_shift, right_shift


def divmod(x1, x2):  # noqa: A001 - NumPy's name
    """``(floor_divide(x1, x2), remainder(x1, x2))``.

    >>> import fungrad.numpy as fnp
    >>> [float(v) for v in fnp.divmod(7.0, 2.0)]
    [3.0, 1.0]
    """
    return el.floor_divide(x1, x2), el.remainder(x1, x2)


def modf(x, /, out=None):
    """``(fractional part, integral part)``, both with the sign of ``x``.

    >>> import fungrad.numpy as fnp
    >>> [float(v) for v in fnp.modf(-2.5)]
    [-0.5, -2.0]
    """
    _check_out("modf", out)
    whole = trunc(_to_inexact(x))
    return el.subtract(_to_inexact(x), whole), whole


def ldexp(x1, x2):
    """``x1 * 2**x2`` (``x2`` an integer exponent).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.ldexp(1.5, 2))
    6.0
    """
    x1 = _to_inexact(x1)
    return el.multiply(x1, el.power(2.0, asarray(x2, get_aval(x1).dtype)))


def i0(x):
    """The modified Bessel function of the first kind, order 0: ``i0e(x) * exp(|x|)``.

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.i0(1.0)), 6)
    1.266066
    """
    x = _to_inexact(x)
    return el.multiply(_bessel_i0e(x), el.exp(el.absolute(x)))
