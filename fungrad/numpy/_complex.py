"""Complex numbers in ``fungrad.numpy``: parts, conjugate, angle, and the complex/real predicates.

``real``, ``imag`` and ``conj`` are primitives (fungrad/_src/primitives/complex_parts.py) whose
transposes follow JAX's complex-cotangent convention, so ``grad`` of a real-valued function of complex
inputs agrees with ``jax.grad``. On real inputs they behave as in ``jax.numpy``: ``real`` and ``conj``
return the input, ``imag`` returns zeros.
"""

from __future__ import annotations

import numpy as np

from fungrad._src import core
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import special
from fungrad.numpy._conversion import _to_array, _to_inexact, asarray

__all__ = ["angle", "conj", "conjugate", "imag", "iscomplex", "iscomplexobj", "isreal", "isrealobj", "real"]


def real(x):
    """The real part of ``x`` (``x`` itself when real).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.real(fnp.asarray(3.0 + 4.0j)))
    3.0
    """
    x = _to_array(x)
    return cx.real(x) if cx.is_complex(x) else x


def imag(x):
    """The imaginary part of ``x`` (zeros when real).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.imag(fnp.asarray(3.0 + 4.0j)))
    4.0
    """
    x = _to_array(x)
    return cx.imag(x) if cx.is_complex(x) else ew.scalar_like(0, x)


def conjugate(x):
    """The complex conjugate of ``x`` (``x`` itself when real).

    >>> import fungrad.numpy as fnp
    >>> complex(fnp.conj(fnp.asarray(3.0 + 4.0j)))
    (3-4j)
    """
    x = _to_array(x)
    return cx.conj(x) if cx.is_complex(x) else x


conj = conjugate


def angle(z, deg: bool = False):
    """The argument of ``z``, ``atan2(imag, real)``, in radians (or degrees with ``deg=True``).

    >>> import fungrad.numpy as fnp
    >>> round(float(fnp.angle(fnp.asarray(1.0j), deg=True)), 6)
    90.0
    """
    z = _to_array(z)
    re, im = (cx.real(z), cx.imag(z)) if cx.is_complex(z) else (_to_inexact(z), None)
    if im is None:
        im = ew.scalar_like(0, re)
    out = special.atan2(im, re)
    return ew.mul(out, ew.scalar(180 / np.pi, out)) if deg else out


def iscomplexobj(x) -> bool:
    """Whether ``x`` has a complex dtype (regardless of its values).

    >>> import fungrad.numpy as fnp
    >>> fnp.iscomplexobj(fnp.ones(2)), fnp.iscomplexobj(1j)
    (False, True)
    """
    return bool(np.issubdtype(core.get_aval(asarray(x)).dtype, np.complexfloating))


def isrealobj(x) -> bool:
    """Whether ``x`` does not have a complex dtype.

    >>> import fungrad.numpy as fnp
    >>> fnp.isrealobj(fnp.ones(2))
    True
    """
    return not iscomplexobj(x)


def iscomplex(x):
    """Elementwise: whether the imaginary part is non-zero (always False for real dtypes).

    >>> import fungrad.numpy as fnp
    >>> fnp.iscomplex(fnp.asarray([1.0 + 0j, 1j])).tolist()
    [False, True]
    """
    x = _to_array(x)
    im = imag(x)
    return ew.ne(im, ew.scalar(0, im))


def isreal(x):
    """Elementwise: whether the imaginary part is zero.

    >>> import fungrad.numpy as fnp
    >>> fnp.isreal(fnp.asarray([1.0 + 0j, 1j])).tolist()
    [True, False]
    """
    x = _to_array(x)
    im = imag(x)
    return ew.eq(im, ew.scalar(0, im))
