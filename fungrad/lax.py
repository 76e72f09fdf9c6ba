"""``fungrad.lax``: primitive-level operations, mirroring ``jax.lax`` (differentiable and batchable).

>>> import fungrad, fungrad.lax as flax
>>> float(fungrad.grad(lambda x: x * flax.stop_gradient(x))(3.0))
3.0
"""

from jax import tree_util as _tree_util
from jax.lax import (  # the enums and records users pass as arguments: data, not transformations
    AccuracyMode,
    DotAlgorithm,
    DotAlgorithmPreset,
    FftType,
    Precision,
    RaggedDotDimensionNumbers,
    RandomAlgorithm,
    RoundingMethod,
    Tolerance,
)

from fungrad._src import lax_linalg as linalg  # fungrad.lax.linalg, like jax.lax.linalg
from fungrad._src.collectives import all_gather, axis_index, pmax, pmean, ppermute, psum, psum_scatter
from fungrad._src.lax_conv_extra import (
    ConvDimensionNumbers,
    conv_dimension_numbers,
    conv_general_dilated_local,
    conv_general_dilated_patches,
    conv_general_permutations,
    conv_general_shape_tuple,
    conv_shape_tuple,
    conv_transpose_shape_tuple,
    conv_with_general_padding,
    fft,
    padtype_to_pads,
    reduce_window_shape_tuple,
    scatter_sub,
)
from fungrad._src.lax_extra import (  # noqa: A004 - jax.lax's names
    bessel_i0e,
    bessel_i1e,
    bitcast_convert_type,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    broadcast,
    broadcast_like,
    broadcast_shapes,
    broadcast_to_rank,
    broadcasted_iota,
    cbrt,
    clamp,
    clz,
    collapse,
    complex,
    conj,
    dtype,
    empty,
    full,
    full_like,
    igamma_grad_a,
    igammac,
    imag,
    index_in_dim,
    index_take,
    iota,
    is_finite,
    mulhi,
    nextafter,
    optimization_barrier,
    population_count,
    random_gamma_grad,
    real,
    reciprocal,
    reduce_precision,
    select,
    shift_left,
    shift_right_arithmetic,
    slice_in_dim,
    split,
    square,
    stack,
    tile,
    unstack,
    zeta,
)
from fungrad._src.lax_implicit import custom_linear_solve, custom_root
from fungrad._src.lax_reductions import (  # noqa: A004 - jax.lax's names
    approx_max_k,
    approx_min_k,
    batch_matmul,
    cumlogsumexp,
    dot,
    ragged_dot,
    reduce,
    reduce_xor,
)
from fungrad._src.primitives import dot as _dot
from fungrad._src.primitives import shape as _shape
from fungrad._src.primitives.conv import conv, conv_general_dilated, conv_transpose
from fungrad._src.primitives.elementwise import (
    abs,
    add,
    ceil,
    convert_element_type,
    cos,
    div,
    eq,
    exp,
    expm1,
    floor,
    ge,
    gt,
    integer_pow,
    le,
    log,
    log1p,
    logistic,
    lt,
    mul,
    ne,
    neg,
    pow,
    rem,
    round,
    rsqrt,
    select_n,
    sign,
    sin,
    sqrt,
    sub,
    tan,
    tanh,
)
from fungrad._src.primitives.elementwise import maximum as max  # jax.lax's names for the extrema
from fungrad._src.primitives.elementwise import minimum as min
from fungrad._src.primitives.elementwise import stop_gradient as _stop_gradient
from fungrad._src.primitives.indexing import (
    GatherDimensionNumbers,
    GatherScatterMode,
    ScatterDimensionNumbers,
    dynamic_index_in_dim,
    dynamic_slice,
    dynamic_slice_in_dim,
    dynamic_update_index_in_dim,
    dynamic_update_slice,
    dynamic_update_slice_in_dim,
    gather,
    scatter,
    scatter_add,
    scatter_max,
    scatter_min,
    scatter_mul,
)
from fungrad._src.primitives.reductions import argmax, argmin, reduce_max, reduce_min, reduce_sum
from fungrad._src.primitives.scans import (
    cummax,
    cummin,
    cumprod,
    cumsum,
    reduce_and,
    reduce_or,
    reduce_prod,
    sort,
    sort_key_val,
    top_k,
)
from fungrad._src.primitives.shape import (
    broadcast_in_dim,
    concatenate,
    expand_dims,
    pad,
    rev,
    slice,
    squeeze,
    transpose,
)
from fungrad._src.primitives.special import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    betainc,
    cosh,
    digamma,
    erf,
    erf_inv,
    erfc,
    exp2,
    igamma,
    lgamma,
    polygamma,
    shift_right_logical,
    sinh,
)
from fungrad._src.primitives.windows import reduce_window
from fungrad._src.sharding import with_sharding_constraint
from fungrad.numpy._conversion import _to_array

# Only jax.lax's names, with jax.lax's positional parameters (tests/test_public_api.py checks both).
__all__ = [
    "AccuracyMode",
    "ConvDimensionNumbers",
    "DotAlgorithm",
    "DotAlgorithmPreset",
    "FftType",
    "GatherDimensionNumbers",
    "GatherScatterMode",
    "Precision",
    "RaggedDotDimensionNumbers",
    "RandomAlgorithm",
    "RoundingMethod",
    "ScatterDimensionNumbers",
    "Tolerance",
    "abs",
    "acos",
    "acosh",
    "add",
    "all_gather",
    "approx_max_k",
    "approx_min_k",
    "argmax",
    "argmin",
    "asin",
    "asinh",
    "associative_scan",
    "atan",
    "atan2",
    "atanh",
    "axis_index",
    "batch_matmul",
    "bessel_i0e",
    "bessel_i1e",
    "betainc",
    "bitcast_convert_type",
    "bitwise_and",
    "bitwise_not",
    "bitwise_or",
    "bitwise_xor",
    "broadcast",
    "broadcast_in_dim",
    "broadcast_like",
    "broadcast_shapes",
    "broadcast_to_rank",
    "broadcasted_iota",
    "cbrt",
    "ceil",
    "clamp",
    "clz",
    "collapse",
    "complex",
    "concatenate",
    "cond",
    "conj",
    "conv",
    "conv_dimension_numbers",
    "conv_general_dilated",
    "conv_general_dilated_local",
    "conv_general_dilated_patches",
    "conv_general_permutations",
    "conv_general_shape_tuple",
    "conv_shape_tuple",
    "conv_transpose",
    "conv_transpose_shape_tuple",
    "conv_with_general_padding",
    "convert_element_type",
    "cos",
    "cosh",
    "cumlogsumexp",
    "cummax",
    "cummin",
    "cumprod",
    "cumsum",
    "custom_linear_solve",
    "custom_root",
    "digamma",
    "div",
    "dot",
    "dot_general",
    "dtype",
    "dynamic_index_in_dim",
    "dynamic_slice",
    "dynamic_slice_in_dim",
    "dynamic_update_index_in_dim",
    "dynamic_update_slice",
    "dynamic_update_slice_in_dim",
    "empty",
    "eq",
    "erf",
    "erf_inv",
    "erfc",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "fft",
    "floor",
    "fori_loop",
    "full",
    "full_like",
    "gather",
    "ge",
    "gt",
    "igamma",
    "igamma_grad_a",
    "igammac",
    "imag",
    "index_in_dim",
    "index_take",
    "integer_pow",
    "iota",
    "is_finite",
    "le",
    "lgamma",
    "linalg",
    "log",
    "log1p",
    "logistic",
    "lt",
    "map",
    "max",
    "min",
    "mul",
    "mulhi",
    "ne",
    "neg",
    "nextafter",
    "optimization_barrier",
    "pad",
    "padtype_to_pads",
    "pmax",
    "pmean",
    "polygamma",
    "population_count",
    "pow",
    "ppermute",
    "psum",
    "psum_scatter",
    "ragged_dot",
    "random_gamma_grad",
    "real",
    "reciprocal",
    "reduce",
    "reduce_and",
    "reduce_max",
    "reduce_min",
    "reduce_or",
    "reduce_precision",
    "reduce_prod",
    "reduce_sum",
    "reduce_window",
    "reduce_window_shape_tuple",
    "reduce_xor",
    "rem",
    "reshape",
    "rev",
    "round",
    "rsqrt",
    "scan",
    "scatter",
    "scatter_add",
    "scatter_max",
    "scatter_min",
    "scatter_mul",
    "scatter_sub",
    "select",
    "select_n",
    "shift_left",
    "shift_right_arithmetic",
    "shift_right_logical",
    "sign",
    "sin",
    "sinh",
    "slice",
    "slice_in_dim",
    "sort",
    "sort_key_val",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "sub",
    "switch",
    "tan",
    "tanh",
    "tile",
    "top_k",
    "transpose",
    "unstack",
    "while_loop",
    "with_sharding_constraint",
    "zeta",
]


def stop_gradient(x):
    """``x`` unchanged, but a constant to every differentiation (its derivative is zero). ``x`` may
    be a pytree of arrays (as in JAX).

    >>> import fungrad, fungrad.lax as flax
    >>> float(fungrad.grad(lambda x: x * flax.stop_gradient(x))(3.0))
    3.0
    >>> sorted(flax.stop_gradient({"a": 1.0, "b": 2.0}))
    ['a', 'b']
    """
    return _tree_util.tree_map(lambda leaf: _stop_gradient(_to_array(leaf)), x)


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    """General tensor contraction, as ``jax.lax.dot_general``.

    ``dimension_numbers`` is ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``; the result
    holds the batch axes, then ``lhs``'s free axes, then ``rhs``'s free axes. ``precision`` (a
    ``lax.Precision``, its name, or a pair for lhs and rhs) is XLA's contraction precision.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.dot_general(fnp.ones((2, 3)), fnp.ones((3, 4)), (((1,), (0,)), ((), ())), precision="highest").tolist()[0]
    [3.0, 3.0, 3.0, 3.0]
    """
    return _dot.dot_general(lhs, rhs, dimension_numbers, preferred_element_type, precision)


def reshape(operand, new_sizes, dimensions=None):
    """``operand``'s elements in row-major order, in shape ``new_sizes``, as ``jax.lax.reshape``.

    ``dimensions``, if given, is a permutation applied to ``operand`` first.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.reshape(fnp.arange(6), (2, 3)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    >>> flax.reshape(fnp.array([[1, 2], [3, 4]]), (4,), dimensions=(1, 0)).tolist()
    [1, 3, 2, 4]
    """
    if dimensions is not None:
        operand = _shape.transpose(operand, tuple(dimensions))
    return _shape.reshape(operand, new_sizes)


# ---- control flow ---------------------------------------------------------------------------------
# cond, switch, while_loop, fori_loop, scan, map and associative_scan (JAX's signatures) go here, with
# their names in __all__ above.
from fungrad._src.control_flow import (  # noqa: E402
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    while_loop,
)
