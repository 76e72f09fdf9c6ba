"""Reductions: ``sum``, ``mean``, ``var``, ``std``, ``max``/``min`` and ``argmax``/``argmin``.

jax.numpy's dtype rules apply (booleans and narrow integers sum in the default integer type, means
of integers are floating point, results are strongly typed), and so do its keywords: ``where=``
masks elements out of a reduction (they are replaced by the operation's identity before reducing,
so they get an exactly zero derivative), ``initial=`` joins the reduction as one more element,
``correction=`` is ``ddof``'s Array-API name and ``out=`` is refused (arrays are immutable).
"""

from __future__ import annotations

import builtins

import jax
import numpy as np

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import reductions as red
from fungrad.numpy._conversion import (
    _canonical_axes,
    _check_out,
    _check_where,
    _to_array,
    _to_inexact,
    asarray,
    broadcast_shapes,
    broadcast_to,
)
from fungrad.numpy._elementwise import sqrt, square, subtract
from fungrad.numpy._elementwise import where as _select
from fungrad.numpy._function_docs import named
from fungrad.numpy._manipulation import expand_dims, ravel


def _keepdims(out, axes, keepdims: bool):
    return expand_dims(out, axes) if keepdims and axes else out


def _identity(dtype, value) -> np.ndarray:
    """An operation's identity ``value`` (0, 1 or +-inf) as a scalar of ``dtype``: booleans take
    ``value > 0`` and integers clip infinities to their range (as XLA's reductions need)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.array(value > 0, dtype)
    if dtype.kind in "iu" and np.isinf(value):
        info = np.iinfo(dtype)
        return np.array(info.min if value < 0 else info.max, dtype)
    return np.array(value, dtype)


def _masked(name: str, x, where, identity):
    """``x`` with the elements outside ``where`` replaced by ``identity``: they drop out of the reduction
    and, being selected away, get a zero derivative (never ``0 * inf``)."""
    where = _check_where(name, where)
    if where is None:
        return x
    return _select(where, x, _identity(get_aval(x).dtype, identity))


def _join_initial(name: str, combine, result, initial):
    """``combine(initial, result)``: ``initial`` is one more element of the reduction (jax.numpy's rule)."""
    if initial is None:
        return result
    init = asarray(initial, get_aval(result).dtype)
    if get_aval(init).shape != ():
        raise ValueError(f"fnp.{name}: initial value must be a scalar. Got array of shape {get_aval(init).shape}")
    return combine(broadcast_to(init, get_aval(result).shape), result)


def _default_int_like(dtype):
    return jax.dtypes.canonicalize_dtype(np.uint64 if np.dtype(dtype).kind == "u" else np.int64)


def _promoted(x, dtype, promote_integers: bool):
    """jax.numpy's accumulator dtype: ``dtype`` if given; booleans count in the default integer type;
    with ``promote_integers`` integers narrower than the default (unsigned) integer widen to it."""
    aval = get_aval(x)
    if dtype is not None:
        return asarray(x, dtype)
    if aval.dtype == np.bool_:
        return asarray(x, jax.dtypes.canonicalize_dtype(np.int64))
    if promote_integers and aval.dtype.kind in "iu" and aval.dtype.itemsize < _default_int_like(aval.dtype).itemsize:
        return asarray(x, _default_int_like(aval.dtype))
    return x


def sum(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None, promote_integers=True):  # noqa: A001
    """Sum over ``axis`` (all axes by default); booleans and small integers sum as the default int
    (narrow integers keep their type with ``promote_integers=False``). ``where`` picks the elements
    summed and ``initial`` is added to the result.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.sum(fnp.ones((2, 3))))
    6.0
    >>> float(fnp.sum(fnp.array([1.0, 2.0, 3.0]), where=fnp.array([True, False, True]), initial=10.0))
    14.0
    """
    _check_out("sum", out)
    x = _strip_weak(_promoted(_to_array(a), dtype, promote_integers))
    x = _masked("sum", x, where, 0)
    axes = _canonical_axes(axis, get_aval(x).ndim)
    result = _join_initial("sum", ew.add, red.reduce_sum(x, axes), initial)
    return _keepdims(result, axes, keepdims)


def _strip_weak(x):
    """jax.numpy's reductions return strongly typed results, even of weakly typed inputs."""
    aval = get_aval(x)
    return ew.convert_element_type(x, aval.dtype, False) if aval.weak_type else x


def _count(x, axes, keepdims: bool, where, dtype):
    """How many elements each reduction sees: static without ``where``, else the mask's sum."""
    shape = get_aval(x).shape
    if where is None:
        return int(np.prod([shape[d] for d in axes], dtype=np.int64))
    return sum(broadcast_to(where, shape), axis=axes, dtype=dtype, keepdims=keepdims)


def mean(a, axis=None, dtype=None, out=None, keepdims: bool = False, *, where=None):
    """Arithmetic mean over ``axis`` (of the elements where ``where`` is True); integers average in
    floating point.

    >>> import fungrad.numpy as fnp
    >>> fnp.mean(fnp.array([[1, 2], [3, 4]]), axis=0).tolist()
    [2.0, 3.0]
    >>> float(fnp.mean(fnp.array([1.0, 2.0, 6.0]), where=fnp.array([True, False, True])))
    3.5
    """
    _check_out("mean", out)
    x = _to_inexact(a) if dtype is None else asarray(a, dtype)
    where = _check_where("mean", where)
    if where is not None:  # the result takes the broadcast shape of ``a`` and ``where``, as in jax.numpy
        x = broadcast_to(x, broadcast_shapes(get_aval(x).shape, get_aval(where).shape))
    axes = _canonical_axes(axis, get_aval(x).ndim)
    total = sum(x, axis=axes, keepdims=keepdims, where=where)
    count = _count(x, axes, keepdims, where, get_aval(total).dtype)
    return ew.div(total, count if where is not None else ew.scalar_like(count, total))


def _var_correction(name: str, ddof, correction):
    if correction is None:
        return ddof
    if not isinstance(ddof, int) or ddof != 0:
        raise ValueError(f"fnp.{name}: ddof and correction can't be provided simultaneously.")
    return correction


def var(
    a, axis=None, dtype=None, out=None, ddof: int = 0, keepdims: bool = False, *, where=None, mean=None, correction=None
):
    """Variance over ``axis``: the sum of squared deviations over ``count - correction``
    (``correction`` is ``ddof``'s Array-API name; give one of them). ``where`` picks the elements;
    ``mean`` supplies a precomputed mean (with ``keepdims=True`` shape). NaN where the divisor is
    not positive, as in jax.numpy.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.var(fnp.array([1.0, 2.0, 3.0, 4.0]))), float(fnp.var(fnp.array([1.0, 3.0]), ddof=1))
    (1.25, 2.0)
    >>> float(fnp.var(fnp.array([1.0, 3.0, 100.0]), where=fnp.array([True, True, False]), correction=1))
    2.0
    """
    _check_out("var", out)
    correction = _var_correction("var", ddof, correction)
    x = _to_inexact(a) if dtype is None else asarray(a, dtype)
    where = _check_where("var", where)
    if where is not None:
        x = broadcast_to(x, broadcast_shapes(get_aval(x).shape, get_aval(where).shape))
    axes = _canonical_axes(axis, get_aval(x).ndim)
    center = _mean(x, axis=axes, keepdims=True, where=where) if mean is None else asarray(mean, get_aval(x).dtype)
    centered = subtract(x, center)
    if where is not None:
        # zero the masked deviations before squaring: a masked inf/NaN then gets a zero derivative, not 0 * inf
        centered = _select(where, centered, _identity(get_aval(centered).dtype, 0))
    # |x - mean|^2: for complex input the variance is real, as in NumPy and JAX
    squared = square(cx.real(centered)) + square(cx.imag(centered)) if cx.is_complex(centered) else square(centered)
    total = sum(squared, axis=axes, keepdims=keepdims)
    count = _count(x, axes, keepdims, where, get_aval(total).dtype)
    if where is None:
        divisor = count - correction
        result = ew.div(total, ew.scalar_like(divisor if divisor > 0 else 1, total))
        return result if divisor > 0 else ew.mul(result, ew.scalar_like(np.nan, result))
    divisor = ew.sub(count, ew.scalar_like(correction, count))
    positive = ew.gt(divisor, ew.scalar_like(0, divisor))
    # double where: the all-masked slices divide by 1 (no 0/0 in the derivative) and then read NaN
    safe = _select(positive, divisor, _identity(get_aval(divisor).dtype, 1))
    return _select(positive, ew.div(total, safe), _identity(get_aval(total).dtype, np.nan))


_mean = mean  # ``var``'s ``mean=`` keyword shadows the function inside it


def std(
    a, axis=None, dtype=None, out=None, ddof: int = 0, keepdims: bool = False, *, where=None, mean=None, correction=None
):
    """Standard deviation over ``axis`` (the square root of :func:`var`, same keywords).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.std(fnp.array([1.0, 3.0])))
    1.0
    """
    _check_out("std", out)
    if dtype is not None and not np.issubdtype(np.dtype(dtype), np.inexact):
        raise ValueError(f"dtype argument to fnp.std must be inexact; got {dtype}")
    return sqrt(
        var(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where, mean=mean, correction=correction, ddof=ddof)
    )


def _extremum(reduce, combine, identity, name, example_result: str):
    def fn(a, axis=None, out=None, keepdims: bool = False, initial=None, where=None):
        _check_out(name, out)
        x = _strip_weak(_to_array(a))
        if where is not None and initial is None:
            raise ValueError(
                f"fnp.{name}: reduction operation {name} does not have an identity, so to use a where mask one "
                "has to specify 'initial'"
            )
        x = _masked(name, x, where, identity)
        axes = _canonical_axes(axis, get_aval(x).ndim)
        if initial is None and builtins.any(get_aval(x).shape[d] == 0 for d in axes):
            raise FungradTypeError(f"{name}: zero-size array has no {name}; pass initial= to give it one")
        return _keepdims(_join_initial(name, combine, reduce(x, axes), initial), axes, keepdims)

    summary = (
        f"``{name}`` over ``axis``; the gradient is shared evenly among tied elements. ``initial`` joins the "
        f"reduction; ``where`` (which needs ``initial``) picks the elements."
    )
    return named(fn, name, summary, f"fnp.{name}(fnp.array([[1.0, 4.0], [3.0, 2.0]]), axis=0).tolist()", example_result)


max = _extremum(red.reduce_max, ew.maximum, -np.inf, "max", "[3.0, 4.0]")  # noqa: A001
min = _extremum(red.reduce_min, ew.minimum, np.inf, "min", "[1.0, 2.0]")  # noqa: A001
amax, amin = max, min


def _arg_extremum(prim_fn, name, example_result: str):
    def fn(a, axis=None, out=None, keepdims=None):
        _check_out(name, out)
        x = _to_array(a)
        ndim = get_aval(x).ndim
        if axis is None:
            x, axis, kept = ravel(x), 0, tuple(range(ndim))  # keepdims: one size-1 axis per input axis
        else:
            axis = _canonical_axes(axis, ndim)[0]
            kept = (axis,)
        result = prim_fn(x, axis, jax.dtypes.canonicalize_dtype(np.int64))
        return _keepdims(result, kept, bool(keepdims))

    summary = f"Index of the {name[3:]} along ``axis`` (of the flattened array if None)."
    return named(fn, name, summary, f"int(fnp.{name}(fnp.array([1.0, 4.0, 3.0])))", example_result)


argmax = _arg_extremum(red.argmax, "argmax", "1")
argmin = _arg_extremum(red.argmin, "argmin", "0")
