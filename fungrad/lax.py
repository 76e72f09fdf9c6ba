"""``fungrad.lax``: primitive-level operations, mirroring ``jax.lax`` (differentiable and batchable).

>>> import fungrad, fungrad.lax as flax
>>> float(fungrad.grad(lambda x: x * flax.stop_gradient(x))(3.0))
3.0
"""

from fungrad._src import lax_linalg as linalg  # fungrad.lax.linalg, like jax.lax.linalg
from fungrad._src.primitives.conv import conv, conv_general_dilated, conv_transpose
from fungrad._src.primitives.dot import dot_general
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
    associative_scan,
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
    reshape,
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
from fungrad.numpy._conversion import _to_array


def stop_gradient(x):
    """``x`` unchanged, but a constant to every differentiation (its derivative is zero).

    Example:
        >>> import fungrad, fungrad.lax as flax
        >>> float(fungrad.grad(lambda x: x * flax.stop_gradient(x))(3.0))
        3.0
    """
    return _stop_gradient(_to_array(x))


# ---- control flow ---------------------------------------------------------------------------------
# cond, switch, while_loop, fori_loop, scan, map, associative_scan go here (with their names added to
# __all__ below), as thin clients of the IR-rewrite toolkit (issue #10).
