"""Complex parts: ``real``, ``imag``, ``conj`` and ``complex`` (build a complex number from two reals).

All four are linear over the reals, so each needs only a transpose rule. The transposes follow JAX's
convention for complex cotangents: reverse mode transposes with respect to the real pairing
``<ct, t> = Re(sum(ct * t))`` (no conjugation), which is what makes ``grad`` of a real-valued function
of a complex input return the conjugate of the Wirtinger-style gradient, exactly as ``jax.grad`` does.
Derivations (``t`` a tangent, ``ct`` a cotangent):

- ``real``: ``Re(ct' t) = ct Re(t)`` holds for ``ct' = ct + 0j``.
- ``imag``: ``Re(ct' t) = ct Im(t)`` holds for ``ct' = -1j ct``.
- ``conj``: ``Re(ct' t) = Re(ct conj(t))`` holds for ``ct' = conj(ct)``.
- ``complex(x, y) = x + 1j y``: ``Re(ct (x + 1j y)) = Re(ct) x - Im(ct) y``.

A complex value never passes through ``convert_element_type`` to a real dtype: that cast drops the
imaginary part with a NumPy ``ComplexWarning``; ``real`` is the explicit way (convert_element_type's
transpose and ``abs``'s jvp on complex operands use these primitives, so this family sits below the
elementwise one and is written with ``layout`` only).
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero, is_undefined
from fungrad._src.core import Primitive, bind, def_lowering
from fungrad._src.primitives import layout


def complex_dtype(dtype) -> np.dtype:
    """The complex dtype holding two ``dtype`` reals (complex dtypes map to themselves)."""
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        return dtype
    return np.dtype(np.complex128) if dtype == np.float64 else np.dtype(np.complex64)


def real_dtype(dtype) -> np.dtype:
    """The real dtype of a complex dtype's parts (real dtypes map to themselves)."""
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        return np.dtype(np.float64) if dtype == np.complex128 else np.dtype(np.float32)
    return dtype


def is_complex(x) -> bool:
    return np.issubdtype(core.get_aval(x).dtype, np.complexfloating)


def _zeros(shape, dtype):
    return layout.broadcast_in_dim(np.zeros((), dtype), tuple(shape), ())


real_p = Primitive("real", linear=True)
imag_p = Primitive("imag", linear=True)
conj_p = Primitive("conj", linear=True)
complex_p = Primitive("complex", linear=True)


def real(x):
    """The real part of a complex array."""
    return bind(real_p, x)


def imag(x):
    """The imaginary part of a complex array."""
    return bind(imag_p, x)


def conj(x):
    """The complex conjugate of a complex array."""
    return bind(conj_p, x)


def complex(x, y):  # noqa: A001 - mirrors lax.complex
    """``x + 1j * y`` for real arrays of one shape and dtype."""
    return bind(complex_p, x, y)


def_lowering(real_p, lax.real)
def_lowering(imag_p, lax.imag)
def_lowering(conj_p, lax.conj)
def_lowering(complex_p, lax.complex)


def _real_transpose(ct, x):
    if type(ct) is Zero:
        return [None]
    aval = core.get_aval(ct)
    return [complex(ct, _zeros(aval.shape, aval.dtype))]


def _imag_transpose(ct, x):
    # -1j * ct, written as conj(1j * ct) (this family sits below the arithmetic primitives)
    if type(ct) is Zero:
        return [None]
    aval = core.get_aval(ct)
    return [conj(complex(_zeros(aval.shape, aval.dtype), ct))]


def _complex_transpose(ct, x, y):
    if type(ct) is Zero:
        return [None, None]
    return [real(ct) if is_undefined(x) else None, imag(conj(ct)) if is_undefined(y) else None]


ad.deflinear(real_p, _real_transpose)
ad.deflinear(imag_p, _imag_transpose)
ad.deflinear(conj_p, lambda ct, x: [None if type(ct) is Zero else conj(ct)])
ad.deflinear(complex_p, _complex_transpose)
for _p in (real_p, imag_p, conj_p):
    batching.def_vectorized(_p)
batching.def_broadcasting(complex_p)


def to_complex(x):
    """``x`` as a complex array (real arrays get a zero imaginary part; complex ones pass through).

    Built with ``complex`` rather than a dtype cast, so its transpose takes the real part explicitly.
    """
    if is_complex(x):
        return x
    aval = core.get_aval(x)
    return complex(x, _zeros(aval.shape, aval.dtype))
