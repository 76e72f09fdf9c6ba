"""Reductions: reduce_max, reduce_min, argmax, argmin (reduce_sum, being linear and the transpose of
broadcast_in_dim, lives with it in :mod:`layout` and is re-exported here)."""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import batching
from fungrad._src.ad import defjvp, defjvp_zero
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout
from fungrad._src.primitives.layout import reduce_sum, reduce_sum_p  # noqa: F401  (re-exported)

# ---- reduce_max, reduce_min: the derivative is shared evenly among tied extrema (as in JAX) ----

reduce_max_p = Primitive("reduce_max")
reduce_min_p = Primitive("reduce_min")
def_lowering(reduce_max_p, lambda x, *, axes: lax.reduce_max(x, axes))
def_lowering(reduce_min_p, lambda x, *, axes: lax.reduce_min(x, axes))


reduce_max = layout.reduction_function(
    reduce_max_p, "reduce_max", "Maximum over ``axes``; tied maxima share the derivative evenly, as in JAX.",
    "flax.reduce_max(np.array([[1.0, 3.0], [2.0, 0.0]]), (1,)).tolist()", "[3.0, 2.0]",
)  # fmt: skip
reduce_min = layout.reduction_function(
    reduce_min_p, "reduce_min", "Minimum over ``axes``; tied minima share the derivative evenly, as in JAX.",
    "flax.reduce_min(np.array([[1.0, 3.0], [2.0, 0.0]]), (1,)).tolist()", "[1.0, 0.0]",
)  # fmt: skip


def _extremum_jvp(t, ans, x, *, axes):
    x_shape = get_aval(x).shape
    kept = tuple(d for d in range(len(x_shape)) if d not in axes)
    at_extremum = ew.eq(x, layout.broadcast_in_dim(ans, x_shape, kept))
    weight = ew.convert_element_type(at_extremum, get_aval(t).dtype)
    return ew.div(reduce_sum(ew.mul(t, weight), axes), reduce_sum(weight, axes))


for _p in (reduce_max_p, reduce_min_p):
    defjvp(_p, _extremum_jvp)
    batching.def_batching(_p, layout.shifted_axes_batch(_p, "axes"))

# ---- argmax, argmin ----------------------------------------------------------------------------------

argmax_p = Primitive("argmax")
argmin_p = Primitive("argmin")
def_lowering(argmax_p, lambda x, *, axes, index_dtype: lax.argmax(x, axes[0], index_dtype))
def_lowering(argmin_p, lambda x, *, axes, index_dtype: lax.argmin(x, axes[0], index_dtype))


def argmax(x, axis: int, index_dtype=np.int32):
    """Index of the (first) maximum along ``axis``.

    Args:
        x: an array.
        axis: the axis to search.
        index_dtype: the integer dtype of the result.

    Returns:
        ``x``'s shape without ``axis``, holding indices.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.argmax(np.array([1.0, 3.0, 3.0]), 0).tolist()
    1
    """
    return bind(argmax_p, x, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


def argmin(x, axis: int, index_dtype=np.int32):
    """Index of the (first) minimum along ``axis``; arguments as :func:`argmax`.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.argmin(np.array([1.0, 0.0, 0.0]), 0).tolist()
    1
    """
    return bind(argmin_p, x, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


for _p in (argmax_p, argmin_p):
    defjvp_zero(_p)
    batching.def_batching(_p, layout.shifted_axes_batch(_p, "axes"))


# The reductions above are made by layout's factory, so doctest looks for their examples there;
# name them here so that their examples run with this module's doctests.
__test__ = {fn.__name__: fn for fn in (reduce_max, reduce_min)}
