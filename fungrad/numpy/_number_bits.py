"""Integer and floating-point bit utilities: ``gcd``/``lcm`` (Euclid in a ``while_loop``), ``frexp``,
``nextafter``/``spacing`` (the ``nextafter`` primitive), ``bitwise_count`` (``population_count``),
``packbits``/``unpackbits``.

Only ``frexp``'s mantissa is differentiable (``x * 2 ** -e``); the others have integer outputs or, like
JAX's ``nextafter``, no useful derivative.
"""

from __future__ import annotations

import jax
import numpy as _np

from fungrad._src.control_flow.while_loop import while_loop as _while_loop
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import bits as _bits
from fungrad._src.primitives import elementwise as _ew
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm
from fungrad.numpy import _indexing as _ix
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy import _special as _sp
from fungrad.numpy import _stacking as _stk
from fungrad.numpy._pad import pad

__all__ = ["bitwise_count", "frexp", "gcd", "lcm", "nextafter", "packbits", "spacing", "unpackbits"]


def _shape(x):
    return _get_aval(x).shape


def _dtype(x):
    return _get_aval(x).dtype


def _integers(name, x1, x2):
    x1, x2 = _conv._promote(x1, x2)
    if not _np.issubdtype(_dtype(x1), _np.integer):
        raise ValueError(f"Arguments to jax.numpy.{name} must be integers.")
    return _stk.broadcast_arrays(x1, x2)


def gcd(x1, x2):
    """The greatest common divisor of ``|x1|`` and ``|x2|``, elementwise (Euclid's algorithm in a ``while_loop``).

    >>> import fungrad.numpy as fnp
    >>> fnp.gcd(fnp.array([12, 7, 0]), 18).tolist()
    [6, 1, 18]
    """
    x1, x2 = _integers("gcd", x1, x2)

    def cond(xs):
        return _ss.any(_el.not_equal(xs[1], 0))

    def body(xs):
        a, b = xs
        nz = _el.not_equal(b, 0)
        safe_b = _el.where(nz, b, _ew.scalar_like(1, b))
        a, b = _el.where(nz, b, a), _el.where(nz, _ew.rem(a, safe_b), _cre.zeros_like(b))
        swap = _el.less(a, b)
        return _el.where(swap, b, a), _el.where(swap, a, b)

    out, _ = _while_loop(cond, body, (_el.absolute(x1), _el.absolute(x2)))
    return out


def lcm(x1, x2):
    """The least common multiple of ``|x1|`` and ``|x2|``, elementwise (0 when either is 0).

    >>> import fungrad.numpy as fnp
    >>> fnp.lcm(fnp.array([4, 6, 0]), 6).tolist()
    [12, 6, 0]
    """
    x1, x2 = _integers("lcm", x1, x2)
    x1, x2 = _el.absolute(x1), _el.absolute(x2)
    d = gcd(x1, x2)
    safe_d = _el.where(_el.equal(d, 0), _ew.scalar_like(1, d), d)
    return _el.where(_el.equal(d, 0), _cre.zeros_like(d), _el.multiply(x1, _el.floor_divide(x2, safe_d)))


def _exp2_int(e, dtype):
    """``2.0 ** e`` for an integer array ``e`` as two factors, each in range even when ``2 ** e`` is not."""
    half = _el.floor_divide(e, 2)
    two = _np.asarray(2.0, dtype)
    return _el.power(two, _conv.astype(half, dtype)), _el.power(two, _conv.astype(_el.subtract(e, half), dtype))


def frexp(x, /):
    """Mantissa in ``[0.5, 1)`` (in magnitude) and integer exponent with ``x = m * 2 ** e`` (``jnp.frexp``).

    The mantissa is ``x * 2 ** -e`` (exact: a power-of-two scaling), so its derivative is ``2 ** -e``,
    as in JAX; the exponent is an int32 array.

    >>> import fungrad.numpy as fnp
    >>> m, e = fnp.frexp(fnp.array([8.0, -3.0, 0.0]))
    >>> m.tolist(), e.tolist()
    ([0.5, -0.75, 0.0], [4, 2, 0])
    """
    x = _conv._to_inexact(x)
    dtype = _dtype(x)
    if _np.issubdtype(dtype, _np.complexfloating):
        raise TypeError("frexp does not support complex-valued inputs")
    special = _el.logical_or(_el.logical_not(_el.isfinite(x)), _el.equal(x, 0))
    ax = _el.where(special, _ew.scalar_like(1, x), _el.absolute(x))
    ax = _ew.stop_gradient(ax)
    # subnormals are scaled into the normal range first (log2 of a subnormal is not reliable on every backend)
    info = jax.dtypes.finfo(dtype)
    sub = _el.less(ax, _np.asarray(info.tiny, dtype))
    ax = _el.where(sub, _el.multiply(ax, _np.asarray(2.0**info.nmant, dtype)), ax)
    # log2 can be off by one next to a power of two; one correction step on the scaled mantissa fixes it
    e = _conv.astype(_el.add(_el.floor(_sp.log2(ax)), 1), _np.int32)
    lo, hi = _exp2_int(_el.negative(e), dtype)
    m = _el.multiply(_el.multiply(ax, lo), hi)
    e = _el.add(
        e, _el.subtract(_conv.astype(_el.greater_equal(m, 1), _np.int32), _conv.astype(_el.less(m, 0.5), _np.int32))
    )
    e = _el.where(sub, _el.subtract(e, _np.int32(info.nmant)), e)
    lo, hi = _exp2_int(_el.negative(e), dtype)
    mantissa = _el.where(special, x, _el.multiply(_el.multiply(x, lo), hi))
    return mantissa, _el.where(special, _cre.zeros_like(e), e)


def _inexact_pair(x, y):
    x, y = _conv._promote(_conv._to_inexact(x), _conv._to_inexact(y))
    x, y = _conv._promote(x, y)
    shape = _conv.broadcast_shapes(_shape(x), _shape(y))
    return _conv.broadcast_to(x, shape), _conv.broadcast_to(y, shape)


def nextafter(x, y, /):
    """The next floating-point value after ``x`` towards ``y``, elementwise (``jnp.nextafter``).

    >>> import fungrad.numpy as fnp
    >>> bool(fnp.nextafter(1.0, 2.0) > 1.0)
    True
    """
    x, y = _inexact_pair(x, y)
    return _bits.nextafter(x, y)


def spacing(x, /):
    """The distance from ``x`` to the next floating-point value away from zero (``jnp.spacing``).

    >>> import fungrad.numpy as fnp
    >>> bool(fnp.spacing(fnp.float32(1.0)) == fnp.finfo(fnp.float32).eps)
    True
    """
    x = _conv._to_inexact(x)
    if _np.issubdtype(_dtype(x), _np.complexfloating):
        raise ValueError("jnp.spacing is not defined for complex inputs.")
    inf = _conv.broadcast_to(_conv.asarray(_np.inf, _dtype(x)), _shape(x))
    if _dtype(x) == _np.float16:
        return _el.subtract(_bits.nextafter(x, inf), x)
    result = _el.subtract(_bits.nextafter(x, _fm.copysign(inf, x)), x)
    tiny = _conv.asarray(jax.dtypes.finfo(_dtype(x)).smallest_subnormal, _dtype(x))
    return _el.where(_el.equal(result, 0), _fm.copysign(tiny, x), result)


def bitwise_count(x, /):
    """The number of set bits in ``|x|``, elementwise, as uint8 (``jnp.bitwise_count``).

    >>> import fungrad.numpy as fnp
    >>> fnp.bitwise_count(fnp.array([7, -8, 0])).tolist()
    [3, 1, 0]
    """
    x = _conv._to_array(x)
    if not (_np.issubdtype(_dtype(x), _np.integer) or _dtype(x) == _np.bool_):
        raise TypeError(f"bitwise_count requires integer or boolean input, got {_dtype(x)}")
    if _dtype(x) == _np.bool_:
        x = _conv.astype(x, _np.uint8)
    if _np.issubdtype(_dtype(x), _np.signedinteger):
        x = _el.absolute(x)
    return _conv.astype(_bits.population_count(x), _np.uint8)


def packbits(a, axis=None, bitorder: str = "big"):
    """Pack the truth values of ``a`` into the bits of uint8 bytes (``jnp.packbits``).

    >>> import fungrad.numpy as fnp
    >>> fnp.packbits(fnp.array([1, 0, 1, 1])).tolist()
    [176]
    """
    arr = _conv._to_array(a)
    if not (_np.issubdtype(_dtype(arr), _np.integer) or _dtype(arr) == _np.bool_):
        raise TypeError("Expected an input array of integer or boolean data type")
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")
    arr = _conv.astype(_el.not_equal(arr, 0), _np.uint8)
    bits = _np.arange(8, dtype=_np.uint8)
    if bitorder == "big":
        bits = bits[::-1]
    if axis is None:
        arr, axis = _man.ravel(arr), 0
    arr = _man.swapaxes(arr, axis, -1)
    rem = _shape(arr)[-1] % 8
    if rem:
        arr = pad(arr, [(0, 0)] * (len(_shape(arr)) - 1) + [(0, 8 - rem)])
    shape = _shape(arr)
    arr = _man.reshape(arr, shape[:-1] + (shape[-1] // 8, 8))
    packed = _conv.astype(_red.sum(_fm.left_shift(arr, bits), axis=-1), _np.uint8)
    return _man.swapaxes(packed, axis, -1)


def unpackbits(a, axis=None, count=None, bitorder: str = "big"):
    """The bits of the uint8 array ``a`` as a uint8 array of 0s and 1s (``jnp.unpackbits``).

    >>> import fungrad.numpy as fnp, numpy as np
    >>> fnp.unpackbits(np.uint8(176)[None]).tolist()
    [1, 0, 1, 1, 0, 0, 0, 0]
    """
    arr = _conv._to_array(a)
    if _dtype(arr) != _np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")
    bits = (_np.uint8(1) << _np.arange(8, dtype=_np.uint8)).astype(_np.uint8)
    if bitorder == "big":
        bits = bits[::-1]
    if axis is None:
        arr, axis = _man.ravel(arr), 0
    arr = _man.swapaxes(arr, axis, -1)
    unpacked = _conv.astype(_el.greater(_el.bitwise_and(_man.expand_dims(arr, -1), bits), 0), _np.uint8)
    shape = _shape(unpacked)
    unpacked = _man.reshape(unpacked, shape[:-2] + (shape[-2] * shape[-1],))
    if count is not None:
        n = _shape(unpacked)[-1]
        if count > n:
            unpacked = pad(unpacked, [(0, 0)] * (len(_shape(unpacked)) - 1) + [(0, count - n)])
        else:
            unpacked = _ix.getitem(unpacked, (Ellipsis, slice(None, count)))
    return _man.swapaxes(unpacked, axis, -1)
