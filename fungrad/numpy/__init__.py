"""``fungrad.numpy``: the NumPy API over fungrad's primitives (differentiable, batchable, jittable).

>>> import fungrad, fungrad.numpy as fnp
>>> print(f"{float(fungrad.grad(lambda x: fnp.sum(fnp.sin(x) ** 2))(1.0)):.6f}")  # sin(2x)
0.909297
"""

import numpy as _np

from fungrad.numpy import _methods, linalg
from fungrad.numpy._indexing import getitem, put_along_axis, take, take_along_axis
from fungrad.numpy._lax_numpy import (
    abs,
    absolute,
    add,
    amax,
    amin,
    arange,
    argmax,
    argmin,
    around,
    array,
    asarray,
    astype,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    broadcast_shapes,
    broadcast_to,
    ceil,
    clip,
    concatenate,
    cos,
    divide,
    dot,
    equal,
    exp,
    expand_dims,
    expm1,
    eye,
    flip,
    floor,
    floor_divide,
    full,
    full_like,
    greater,
    greater_equal,
    inner,
    invert,
    isfinite,
    less,
    less_equal,
    linspace,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mod,
    moveaxis,
    multiply,
    ndim,
    negative,
    not_equal,
    ones,
    ones_like,
    outer,
    positive,
    power,
    ravel,
    reciprocal,
    remainder,
    reshape,
    result_type,
    round,
    shape,
    sign,
    sin,
    size,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    subtract,
    sum,
    swapaxes,
    tan,
    tanh,
    transpose,
    true_divide,
    var,
    vdot,
    where,
    zeros,
    zeros_like,
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

# dtypes and constants, as in jax.numpy
bool_ = _np.bool_
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint32 = _np.uint8, _np.uint32
float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None
ndarray = None  # set below: the array type users see is jax.Array

import jax as _jax  # noqa: E402

ndarray = _jax.Array

_methods.install()
del getitem
