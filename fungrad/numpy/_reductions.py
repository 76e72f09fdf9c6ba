"""Reductions: ``sum``, ``mean``, ``var``, ``std``, ``max``/``min`` and ``argmax``/``argmin``.

jax.numpy's dtype rules apply (booleans and narrow integers sum in the default integer type, means
of integers are floating point, results are strongly typed).
"""

from __future__ import annotations

import jax
import numpy as np

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import reductions as red
from fungrad.numpy._conversion import _canonical_axes, _to_array, _to_inexact, asarray
from fungrad.numpy._elementwise import sqrt, square, subtract
from fungrad.numpy._function_docs import named
from fungrad.numpy._manipulation import expand_dims, ravel


def _keepdims(out, axes, keepdims: bool):
    return expand_dims(out, axes) if keepdims and axes else out


def sum(x, axis=None, dtype=None, keepdims: bool = False):  # noqa: A001
    """Sum over ``axis`` (all axes by default); booleans and small integers sum as the default int.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.sum(fnp.ones((2, 3))))
    6.0
    """
    x = _to_array(x)
    aval = get_aval(x)
    if dtype is not None:
        x = asarray(x, dtype)
    elif aval.dtype == np.bool_ or aval.dtype.kind in "iu":
        # jax.numpy sums booleans and integers narrower than the default int in the default int.
        default = jax.dtypes.canonicalize_dtype(np.uint64 if aval.dtype.kind == "u" else np.int64)
        if aval.dtype.itemsize < default.itemsize or aval.dtype == np.bool_:
            x = asarray(x, default)
    axes = _canonical_axes(axis, aval.ndim)
    return _keepdims(red.reduce_sum(_strip_weak(x), axes), axes, keepdims)


def _strip_weak(x):
    """jax.numpy's reductions return strongly typed results, even of weakly typed inputs."""
    aval = get_aval(x)
    return ew.convert_element_type(x, aval.dtype, False) if aval.weak_type else x


def mean(x, axis=None, dtype=None, keepdims: bool = False):
    """Arithmetic mean over ``axis``; integers average in floating point.

    >>> import fungrad.numpy as fnp
    >>> fnp.mean(fnp.array([[1, 2], [3, 4]]), axis=0).tolist()
    [2.0, 3.0]
    """
    x = _to_inexact(x) if dtype is None else asarray(x, dtype)
    aval = get_aval(x)
    axes = _canonical_axes(axis, aval.ndim)
    count = int(np.prod([aval.shape[a] for a in axes], dtype=np.int64))
    total = sum(x, axis=axes, keepdims=keepdims)
    return ew.div(total, ew.scalar_like(count, total))


def var(x, axis=None, dtype=None, ddof: int = 0, keepdims: bool = False):
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.var(fnp.array([1.0, 2.0, 3.0, 4.0]))), float(fnp.var(fnp.array([1.0, 3.0]), ddof=1))
    (1.25, 2.0)
    """
    x = _to_inexact(x) if dtype is None else asarray(x, dtype)
    aval = get_aval(x)
    axes = _canonical_axes(axis, aval.ndim)
    centered = subtract(x, mean(x, axis=axes, keepdims=True))
    count = int(np.prod([aval.shape[a] for a in axes], dtype=np.int64)) - ddof
    # |x - mean|^2: for complex input the variance is real, as in NumPy and JAX
    squared = square(cx.real(centered)) + square(cx.imag(centered)) if cx.is_complex(centered) else square(centered)
    total = sum(squared, axis=axes, keepdims=keepdims)
    return ew.div(total, ew.scalar_like(count, total))


def std(x, axis=None, dtype=None, ddof: int = 0, keepdims: bool = False):
    """Standard deviation over ``axis``.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.std(fnp.array([1.0, 3.0])))
    1.0
    """
    return sqrt(var(x, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def _extremum(reduce, name, example_result: str):
    def fn(x, axis=None, keepdims: bool = False):
        x = _to_array(x)
        axes = _canonical_axes(axis, get_aval(x).ndim)
        if get_aval(x).size == 0:
            raise FungradTypeError(f"{name}: zero-size array has no {name}")
        return _keepdims(reduce(_strip_weak(x), axes), axes, keepdims)

    summary = f"``{name}`` over ``axis``; the gradient is shared evenly among tied elements."
    return named(fn, name, summary, f"fnp.{name}(fnp.array([[1.0, 4.0], [3.0, 2.0]]), axis=0).tolist()", example_result)


max = _extremum(red.reduce_max, "max", "[3.0, 4.0]")  # noqa: A001
min = _extremum(red.reduce_min, "min", "[1.0, 2.0]")  # noqa: A001
amax, amin = max, min


def _arg_extremum(prim_fn, name, example_result: str):
    def fn(x, axis=None, keepdims: bool = False):
        x = _to_array(x)
        if axis is None:
            x, axis = ravel(x), 0
        axis = _canonical_axes(axis, get_aval(x).ndim)[0]
        out = prim_fn(x, axis, jax.dtypes.canonicalize_dtype(np.int64))
        return _keepdims(out, (axis,), keepdims)

    summary = f"Index of the {name[3:]} along ``axis`` (of the flattened array if None)."
    return named(fn, name, summary, f"int(fnp.{name}(fnp.array([1.0, 4.0, 3.0])))", example_result)


argmax = _arg_extremum(red.argmax, "argmax", "1")
argmin = _arg_extremum(red.argmin, "argmin", "0")
