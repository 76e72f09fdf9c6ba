"""NumPy products, cumulative ops, truth reductions and sorting over fungrad's scan primitives.

Dtype rules follow jax.numpy: booleans accumulate in the default integer type, ``prod`` also widens
narrower integers to it (``cumsum``/``cumprod`` keep them). ``axis=None`` works on the flattened
array for the cumulative ops and for ``sort``/``argsort``.
"""

from __future__ import annotations

import jax
import numpy as np

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import scans
from fungrad._src.primitives import shape as sh
from fungrad.numpy._lax_numpy import _canonical_axes, _keepdims, _to_array, asarray, ravel


def _accumulation_dtype(x, dtype, widen_integers: bool):
    """jax.numpy's accumulator: booleans count in the default integer type; with ``widen_integers``
    (prod) integers narrower than the default integer are widened too (cumsum/cumprod keep them)."""
    aval = get_aval(x)
    if dtype is not None:
        return asarray(x, dtype)
    default_int = jax.dtypes.canonicalize_dtype(np.int64)
    if aval.dtype == np.bool_:
        return asarray(x, default_int)
    if widen_integers and aval.dtype.kind in "iu" and aval.dtype.itemsize < default_int.itemsize:
        return asarray(x, jax.dtypes.canonicalize_dtype(np.uint64 if aval.dtype.kind == "u" else np.int64))
    return x


def prod(a, axis=None, dtype=None, keepdims: bool = False):
    """Product over ``axis`` (all axes by default). Gradients are exact with zeros in the input.

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.grad(fnp.prod)(fnp.array([2.0, 0.0, 3.0])).tolist()
    [0.0, 6.0, 0.0]
    """
    a = _accumulation_dtype(_to_array(a), dtype, widen_integers=True)
    axes = _canonical_axes(axis, get_aval(a).ndim)
    return _keepdims(scans.reduce_prod(a, axes), axes, keepdims)


def _cumulative(prim_fn, name: str):
    def fn(a, axis=None, dtype=None):
        a = _accumulation_dtype(_to_array(a), dtype, widen_integers=False)
        if axis is None:
            a, axis = ravel(a), 0
        axis = _canonical_axes(axis, get_aval(a).ndim)[0]
        return prim_fn(a, axis)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"Inclusive ``{name}`` along ``axis`` (of the flattened array if None).\n\n"
        f">>> import fungrad.numpy as fnp\n>>> fnp.{name}(fnp.array([1.0, 2.0, 3.0])).tolist()\n"
        + ("[1.0, 3.0, 6.0]" if name == "cumsum" else "[1.0, 2.0, 6.0]")
    )
    return fn


cumsum = _cumulative(scans.cumsum, "cumsum")
cumprod = _cumulative(scans.cumprod, "cumprod")


def _truth(reduce, name: str):
    def fn(a, axis=None, keepdims: bool = False):
        a = asarray(_to_array(a), bool)
        axes = _canonical_axes(axis, get_aval(a).ndim)
        return _keepdims(reduce(a, axes), axes, keepdims)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Whether {'any' if name == 'any' else 'all'} elements along ``axis`` are true (no derivative)."
    return fn


any = _truth(scans.reduce_or, "any")
all = _truth(scans.reduce_and, "all")


def _sort_axis(a, axis):
    a = _to_array(a)
    if axis is None:
        return ravel(a), 0
    if get_aval(a).ndim == 0:
        raise FungradTypeError("sort: zero-dimensional arrays cannot be sorted along an axis")
    return a, _canonical_axes(axis, get_aval(a).ndim)[0]


def sort(a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True, descending: bool = False):
    """Sorted copy of ``a`` along ``axis`` (NaNs last). The derivative follows the permutation.

    >>> import fungrad, fungrad.numpy as fnp
    >>> fungrad.grad(lambda x: fnp.sort(x)[0])(fnp.array([3.0, 1.0, 2.0])).tolist()
    [0.0, 1.0, 0.0]
    """
    if order is not None:
        raise FungradTypeError("sort: the `order` argument (structured arrays) is not supported")
    a, axis = _sort_axis(a, axis)
    (out,) = scans.sort([a], axis, is_stable=stable)
    return sh.rev(out, (axis,)) if descending else out


def argsort(a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True, descending: bool = False):
    """Indices that sort ``a`` along ``axis``; ``stable`` keeps ties in their original order (also
    with ``descending=True``).

    >>> import fungrad.numpy as fnp
    >>> fnp.argsort(fnp.array([3.0, 1.0, 3.0]), descending=True).tolist()
    [0, 2, 1]
    """
    if order is not None:
        raise FungradTypeError("argsort: the `order` argument (structured arrays) is not supported")
    a, axis = _sort_axis(a, axis)
    index_dtype = jax.dtypes.canonicalize_dtype(np.int64)
    aval = get_aval(a)
    iota = sh.broadcast_in_dim(np.arange(aval.shape[axis], dtype=index_dtype), aval.shape, (axis,))
    if not descending:
        return scans.sort([a, iota], axis, is_stable=stable, num_keys=1)[1]
    # Stable descending: sort the reversed array ascending (ties then come in reverse original
    # order), map indices back, and reverse the result.
    _, idx = scans.sort([sh.rev(a, (axis,)), iota], axis, is_stable=stable, num_keys=1)
    n_minus_1 = np.array(aval.shape[axis] - 1, index_dtype)
    return sh.rev(ew.sub(n_minus_1, idx), (axis,))
