"""Reductions: reduce_sum, reduce_max, reduce_min, argmax, argmin."""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import batching
from fungrad._src.ad import defjvp, defjvp_zero, deflinear
from fungrad._src.batching import move_to
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import shape


def _kept_dims(ndim: int, axes) -> tuple[int, ...]:
    return tuple(d for d in range(ndim) if d not in axes)


def _reduce_batch(prim):
    """Batching for reductions over ``axes``: put the batch dim first and shift the axes past it."""

    def rule(args, dims, *, axes, **params):
        (x,), (d,) = args, dims
        x = move_to(x, d, 0, 0)
        return bind(prim, x, axes=tuple(a + 1 for a in axes), **params), 0

    return rule


# ---- reduce_sum ----------------------------------------------------------------------------------

reduce_sum_p = Primitive("reduce_sum")
def_lowering(reduce_sum_p, lambda x, *, axes: lax.reduce_sum(x, axes))


def reduce_sum(x, axes):
    axes = tuple(sorted(int(a) for a in axes))
    return bind(reduce_sum_p, x, axes=axes) if axes else x


def _reduce_sum_transpose(ct, x, *, axes):
    in_shape = x.aval.shape
    return [shape.broadcast_in_dim(ct, in_shape, _kept_dims(len(in_shape), axes))]


deflinear(reduce_sum_p, _reduce_sum_transpose)
batching.batching_rules[reduce_sum_p] = _reduce_batch(reduce_sum_p)

# ---- reduce_max, reduce_min: the derivative is shared evenly among tied extrema (as in JAX) ----

reduce_max_p = Primitive("reduce_max")
reduce_min_p = Primitive("reduce_min")
def_lowering(reduce_max_p, lambda x, *, axes: lax.reduce_max(x, axes))
def_lowering(reduce_min_p, lambda x, *, axes: lax.reduce_min(x, axes))


def reduce_max(x, axes):
    axes = tuple(sorted(int(a) for a in axes))
    return bind(reduce_max_p, x, axes=axes) if axes else x


def reduce_min(x, axes):
    axes = tuple(sorted(int(a) for a in axes))
    return bind(reduce_min_p, x, axes=axes) if axes else x


def _extremum_jvp(t, ans, x, *, axes):
    x_shape = get_aval(x).shape
    kept = _kept_dims(len(x_shape), axes)
    at_extremum = ew.eq(x, shape.broadcast_in_dim(ans, x_shape, kept))
    weight = ew.convert_element_type(at_extremum, get_aval(t).dtype)
    return ew.div(reduce_sum(ew.mul(t, weight), axes), reduce_sum(weight, axes))


for _p in (reduce_max_p, reduce_min_p):
    defjvp(_p, _extremum_jvp)
    batching.batching_rules[_p] = _reduce_batch(_p)

# ---- argmax, argmin ----------------------------------------------------------------------------------

argmax_p = Primitive("argmax")
argmin_p = Primitive("argmin")
def_lowering(argmax_p, lambda x, *, axes, index_dtype: lax.argmax(x, axes[0], index_dtype))
def_lowering(argmin_p, lambda x, *, axes, index_dtype: lax.argmin(x, axes[0], index_dtype))


def argmax(x, axis: int, index_dtype=np.int32):
    return bind(argmax_p, x, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


def argmin(x, axis: int, index_dtype=np.int32):
    return bind(argmin_p, x, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


for _p in (argmax_p, argmin_p):
    defjvp_zero(_p)
    batching.batching_rules[_p] = _reduce_batch(_p)
