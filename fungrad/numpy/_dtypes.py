"""Dtypes, scalar types and dtype utilities of ``jax.numpy``, for code that spells them ``fnp.<name>``.

fungrad arrays are ``jax.Array``s, so these are NumPy's (and ml_dtypes', through ``jax.dtypes``)
types and JAX's dtype rules (``promote_types``, ``issubdtype``, ``finfo`` with bfloat16 support),
re-exported unchanged. ``isscalar`` also accepts fungrad tracers of rank 0.
"""

from __future__ import annotations

import jax.numpy as _jnp
import ml_dtypes as _ml
import numpy as _np

from fungrad._src import core as _core

__all__ = [
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "float8_e4m3b11fnuz",
    "float8_e3m4",
    "float8_e4m3",
    "float8_e8m0fnu",
    "float4_e2m1fn",
    "float6_e2m3fn",
    "float6_e3m2fn",
    "int1",
    "int2",
    "uint1",
    "uint2",
    "ComplexWarning",
    "array_repr",
    "array_str",
    "bfloat16",
    "bool",
    "can_cast",
    "cdouble",
    "character",
    "complex_",
    "complexfloating",
    "csingle",
    "double",
    "dtype",
    "euler_gamma",
    "finfo",
    "flexible",
    "float8_e4m3fn",
    "float8_e5m2",
    "float_",
    "floating",
    "generic",
    "get_printoptions",
    "iinfo",
    "index_exp",
    "inexact",
    "int4",
    "int_",
    "integer",
    "isdtype",
    "isscalar",
    "issubdtype",
    "iterable",
    "number",
    "object_",
    "printoptions",
    "promote_types",
    "s_",
    "set_printoptions",
    "signedinteger",
    "single",
    "uint",
    "uint4",
    "uint16",
    "uint64",
    "unsignedinteger",
]

ComplexWarning = _np.exceptions.ComplexWarning
bool = _np.bool_  # noqa: A001 - jax.numpy's name
double, single, float_ = _np.float64, _np.float32, _np.float64
cdouble, csingle, complex_ = _np.complex128, _np.complex64, _np.complex128
int_, uint, uint16, uint64 = _np.int64, _np.uint64, _np.uint16, _np.uint64
bfloat16, float8_e4m3fn, float8_e5m2 = _ml.bfloat16, _ml.float8_e4m3fn, _ml.float8_e5m2
int4, uint4 = _ml.int4, _ml.uint4
float8_e4m3fnuz = _ml.float8_e4m3fnuz
float8_e5m2fnuz = _ml.float8_e5m2fnuz
float8_e4m3b11fnuz = _ml.float8_e4m3b11fnuz
float8_e3m4 = _ml.float8_e3m4
float8_e4m3 = _ml.float8_e4m3
float8_e8m0fnu = _ml.float8_e8m0fnu
float4_e2m1fn = _ml.float4_e2m1fn
float6_e2m3fn = _ml.float6_e2m3fn
float6_e3m2fn = _ml.float6_e3m2fn
int1 = _ml.int1
int2 = _ml.int2
uint1 = _ml.uint1
uint2 = _ml.uint2
generic, number, integer, signedinteger, unsignedinteger = (
    _np.generic,
    _np.number,
    _np.integer,
    _np.signedinteger,
    _np.unsignedinteger,
)
inexact, floating, complexfloating, flexible, character, object_ = (
    _np.inexact,
    _np.floating,
    _np.complexfloating,
    _np.flexible,
    _np.character,
    _np.object_,
)
dtype = _np.dtype
euler_gamma = float(_np.euler_gamma)
finfo, iinfo = _jnp.finfo, _jnp.iinfo
issubdtype, promote_types = _jnp.issubdtype, _jnp.promote_types
can_cast, iterable = _np.can_cast, _np.iterable
array_repr, array_str = _np.array_repr, _np.array_str
printoptions, get_printoptions, set_printoptions = _np.printoptions, _np.get_printoptions, _np.set_printoptions
index_exp, s_ = _np.index_exp, _np.s_


def isscalar(element) -> bool:
    """Whether ``element`` is a scalar: a Python or NumPy scalar, or a rank-0 array or tracer.

    >>> import fungrad.numpy as fnp
    >>> fnp.isscalar(1.0), fnp.isscalar(fnp.ones(())), fnp.isscalar(fnp.ones(2))
    (True, True, False)
    """
    if isinstance(element, (_np.ndarray, _np.generic)) or _core.is_array_like(element):
        try:
            return _core.get_aval(element).ndim == 0
        except TypeError:
            return False
    return _np.isscalar(element)


def isdtype(dtype, kind) -> bool:
    """Array-API dtype test: whether ``dtype`` is of ``kind`` (a dtype, a kind name such as
    ``"real floating"``, or a tuple of them).

    >>> import fungrad.numpy as fnp
    >>> fnp.isdtype(fnp.float32, "real floating"), fnp.isdtype(fnp.int32, "real floating")
    (True, False)
    """
    return _jnp.isdtype(dtype, kind)
