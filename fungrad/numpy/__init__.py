"""``fungrad.numpy``: the NumPy API over fungrad's primitives (differentiable, batchable, jittable).

>>> import fungrad, fungrad.numpy as fnp
>>> print(f"{float(fungrad.grad(lambda x: fnp.sum(fnp.sin(x) ** 2))(1.0)):.6f}")  # sin(2x)
0.909297
"""

import jax as _jax
import numpy as _np

from fungrad._src.core import Tracer as _Tracer
from fungrad.numpy import _methods, linalg
from fungrad.numpy._conversion import (
    array,
    asarray,
    astype,
    broadcast_shapes,
    broadcast_to,
    result_type,
)
from fungrad.numpy._creation import (
    arange,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    zeros,
    zeros_like,
)
from fungrad.numpy._elementwise import (
    abs,
    absolute,
    around,
    ceil,
    clip,
    cos,
    divide,
    equal,
    exp,
    expm1,
    floor,
    floor_divide,
    greater,
    greater_equal,
    invert,
    isfinite,
    less,
    less_equal,
    log,
    log1p,
    logical_not,
    mod,
    not_equal,
    positive,
    power,
    reciprocal,
    remainder,
    round,
    sign,
    sin,
    sqrt,
    square,
    tan,
    tanh,
    true_divide,
)
from fungrad.numpy._indexing import getitem, put_along_axis, take, take_along_axis
from fungrad.numpy._manipulation import (
    concatenate,
    expand_dims,
    flip,
    moveaxis,
    ndim,
    ravel,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    swapaxes,
    transpose,
)
from fungrad.numpy._products import (
    dot,
    inner,
    matmul,
    outer,
    vdot,
)
from fungrad.numpy._reductions import (
    amax,
    amin,
    argmax,
    argmin,
    max,
    mean,
    min,
    std,
    sum,
    var,
)
from fungrad.numpy._searching import (
    argwhere,
    count_nonzero,
    cumulative_prod,
    cumulative_sum,
    flatnonzero,
    lexsort,
    nancumprod,
    nancumsum,
    nanprod,
    nansum,
    nonzero,
    searchsorted,
    where,  # with the one-argument form where(condition, size=, fill_value=)
)
from fungrad.numpy._shape_helpers import (
    diag,
    diag_indices,
    diagflat,
    diagonal,
    diff,
    einsum,
    fliplr,
    flipud,
    kron,
    repeat,
    roll,
    rot90,
    tensordot,
    tile,
    trace,
    tri,
    tril,
    tril_indices,
    triu,
    triu_indices,
)
from fungrad.numpy._sorting_scans import (
    all,
    any,
    argsort,
    cumprod,
    cumsum,
    median,
    percentile,
    prod,
    quantile,
    sort,
)
from fungrad.numpy._special import (
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    cosh,
    exp2,
    hypot,
    log2,
    log10,
    sinh,
)
from fungrad.numpy._ufunc import (  # ufunc objects, with .reduce/.accumulate/.at/.reduceat/.outer
    add,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    frompyfunc,
    logaddexp,
    logaddexp2,
    logical_and,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    multiply,
    negative,
    subtract,
    ufunc,
)

# The public names, one sorted block (new modules add their names here too).
__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "amax",
    "amin",
    "angle",
    "any",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argsort",
    "argwhere",
    "around",
    "array",
    "asarray",
    "astype",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bool_",
    "broadcast_shapes",
    "broadcast_to",
    "ceil",
    "clip",
    "complex128",
    "complex64",
    "concatenate",
    "conj",
    "conjugate",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "cumulative_prod",
    "cumulative_sum",
    "diag",
    "diag_indices",
    "diagflat",
    "diagonal",
    "diff",
    "divide",
    "dot",
    "e",
    "einsum",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fft",
    "flatnonzero",
    "flip",
    "fliplr",
    "flipud",
    "float16",
    "float32",
    "float64",
    "floor",
    "floor_divide",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "hypot",
    "imag",
    "inf",
    "inner",
    "int16",
    "int32",
    "int64",
    "int8",
    "invert",
    "iscomplex",
    "iscomplexobj",
    "isfinite",
    "isreal",
    "isrealobj",
    "kron",
    "less",
    "less_equal",
    "lexsort",
    "linalg",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logical_and",
    "logical_not",
    "logical_or",
    "matmul",
    "max",
    "maximum",
    "mean",
    "median",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "nan",
    "nancumprod",
    "nancumsum",
    "nanprod",
    "nansum",
    "ndarray",
    "ndim",
    "negative",
    "newaxis",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "percentile",
    "pi",
    "positive",
    "power",
    "prod",
    "put_along_axis",
    "quantile",
    "ravel",
    "real",
    "reciprocal",
    "remainder",
    "repeat",
    "reshape",
    "result_type",
    "roll",
    "rot90",
    "round",
    "searchsorted",
    "shape",
    "sign",
    "sin",
    "sinh",
    "size",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "trace",
    "transpose",
    "tri",
    "tril",
    "tril_indices",
    "triu",
    "triu_indices",
    "true_divide",
    "uint32",
    "uint8",
    "var",
    "vdot",
    "where",
    "zeros",
    "zeros_like",
]

# dtypes and constants, as in jax.numpy
bool_ = _np.bool_
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint32 = _np.uint8, _np.uint32
float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None


class _ArrayType(type):
    def __instancecheck__(cls, value):
        return isinstance(value, _jax.Array)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, _jax.Array)


class ndarray(metaclass=_ArrayType):  # noqa: N801 - NumPy's name
    """The array type of fungrad.numpy, for ``isinstance`` checks and annotations, as ``jax.numpy.ndarray``:
    concrete ``jax.Array`` values and fungrad's tracers (the values a transformed function sees) are both
    instances, and both are instances of ``jax.Array`` itself.

    >>> import fungrad, fungrad.numpy as fnp, jax.numpy as jnp
    >>> isinstance(jnp.ones(2), fnp.ndarray)
    True
    >>> fungrad.grad(lambda x: float(isinstance(x, fnp.ndarray)) * x)(1.0).tolist()
    1.0
    """

    def __new__(cls, *args, **kwargs):
        raise TypeError("fungrad.numpy.ndarray is for isinstance checks; create arrays with fnp.array/zeros/...")


_methods.install()
del getitem

# Issue 14 (complex numbers, FFT, breadth): thematic modules, imported after the core names they use.
from fungrad.numpy import fft  # noqa: E402
from fungrad.numpy._calculus import cross, ediff1d, gradient, interp, trapezoid  # noqa: E402
from fungrad.numpy._comparison import allclose, array_equal, array_equiv, isclose  # noqa: E402
from fungrad.numpy._complex import (  # noqa: E402
    angle,
    conj,
    conjugate,
    imag,
    iscomplex,
    iscomplexobj,
    isreal,
    isrealobj,
    real,
)
from fungrad.numpy._convolution import convolve, correlate  # noqa: E402
from fungrad.numpy._dtypes import *  # noqa: E402, F403 - dtypes and dtype utilities, listed in its __all__
from fungrad.numpy._dtypes import __all__ as _dtypes_all  # noqa: E402
from fungrad.numpy._float_math import (  # noqa: E402
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    bitwise_invert,
    bitwise_left_shift,
    bitwise_not,
    bitwise_right_shift,
    cbrt,
    copysign,
    deg2rad,
    degrees,
    divmod,
    fabs,
    float_power,
    fmax,
    fmin,
    fmod,
    heaviside,
    i0,
    isinf,
    isnan,
    isneginf,
    isposinf,
    ldexp,
    left_shift,
    modf,
    pow,
    rad2deg,
    radians,
    right_shift,
    rint,
    signbit,
    sinc,
    trunc,
)
from fungrad.numpy._polynomial import *  # noqa: E402, F403 - listed in its __all__
from fungrad.numpy._polynomial import __all__ as _polynomial_all  # noqa: E402
from fungrad.numpy._stacking import *  # noqa: E402, F403 - listed in its __all__
from fungrad.numpy._stacking import __all__ as _stacking_all  # noqa: E402
from fungrad.numpy._statistics import *  # noqa: E402, F403 - listed in its __all__
from fungrad.numpy._statistics import __all__ as _statistics_all  # noqa: E402

# issue-14 breadth modules (each module's own __all__ lists the same names)
__all__ += [
    *("cbrt", "copysign", "deg2rad", "degrees", "fabs", "float_power", "fmax", "fmin", "fmod", "heaviside"),
    *("isinf", "isnan", "isneginf", "isposinf", "logaddexp", "logaddexp2", "logical_xor", "rad2deg", "radians"),
    *("rint", "signbit", "sinc", "trunc"),
    *("convolve", "correlate", "allclose", "array_equal", "array_equiv", "isclose"),
    *("acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_invert", "bitwise_left_shift"),
    *("bitwise_not", "bitwise_right_shift", "divmod", "i0", "ldexp", "left_shift", "modf", "pow", "right_shift"),
    *_dtypes_all,
    *_stacking_all,
    *_statistics_all,
    *_polynomial_all,
    *("cross", "ediff1d", "gradient", "interp", "trapezoid"),
]

# issue-14 round-two breadth modules (each lists its public names in its own __all__)
from fungrad.numpy._editing import *  # noqa: E402, F403
from fungrad.numpy._editing import __all__ as _editing_all  # noqa: E402
from fungrad.numpy._grids import *  # noqa: E402, F403
from fungrad.numpy._grids import __all__ as _grids_all  # noqa: E402
from fungrad.numpy._io import *  # noqa: E402, F403
from fungrad.numpy._io import __all__ as _io_all  # noqa: E402
from fungrad.numpy._sets import *  # noqa: E402, F403
from fungrad.numpy._sets import __all__ as _sets_all  # noqa: E402

__all__ += [*_editing_all, *_grids_all, *_sets_all, *_io_all, "frompyfunc", "ufunc"]

if "choose" in _editing_all and "compress" in _sets_all:
    _methods.install_late(choose, compress)  # noqa: F405 - from the star imports above

# issue-14 round two: partial sorts and the full einsum (sublists, optimize=, einsum_path) replace the earlier imports
from fungrad.numpy._products import einsum, einsum_path  # noqa: E402, F811
from fungrad.numpy._sorting_scans import argpartition, partition, sort_complex  # noqa: E402

__all__ += ["argpartition", "einsum_path", "partition", "sort_complex"]
