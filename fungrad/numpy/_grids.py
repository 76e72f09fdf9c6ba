"""Grids, index helpers and creation: meshgrid, mgrid/ogrid, indices, r_/c_/ix_, *_indices_from, unravel_index,
ravel_multi_index, logspace, geomspace; the windows and ``empty``/``identity``/``fromfunction`` live in
``_windows`` and are re-exported here.

Index-valued results (``indices``, ``ix_``, ``unravel_index``, ...) are integer arrays, so they carry no
derivative. ``meshgrid``, ``r_``/``c_``, ``logspace``, ``geomspace`` and ``kaiser`` (in ``beta``) are built
from differentiable fungrad ops, so gradients flow to their array arguments as in JAX.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as _jnp
import numpy as _np

from fungrad._src import core as _core
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import elementwise as _ew
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _searching as _srch
from fungrad.numpy import _shape_helpers as _shp
from fungrad.numpy import _special as _sp
from fungrad.numpy._windows import (
    _static_int,
    bartlett,
    blackman,
    empty,
    empty_like,
    fromfunction,
    hamming,
    hanning,
    identity,
    kaiser,
)

__all__ = [
    "bartlett",
    "blackman",
    "c_",
    "diag_indices_from",
    "empty",
    "empty_like",
    "fromfunction",
    "geomspace",
    "hamming",
    "hanning",
    "identity",
    "indices",
    "ix_",
    "kaiser",
    "logspace",
    "mask_indices",
    "meshgrid",
    "mgrid",
    "ogrid",
    "r_",
    "ravel_multi_index",
    "tril_indices_from",
    "triu_indices_from",
    "unravel_index",
]


def _int_dtype(dtype=None):
    return jax.dtypes.canonicalize_dtype(int if dtype is None else dtype)


# ---- linspace along an axis (jnp.linspace's formula, so values and derivatives match) -------------------


def _linspace(start, stop, num: int, endpoint: bool = True, dtype=None, axis: int = 0):
    """``jnp.linspace`` with array endpoints and ``axis``: ``start * (1 - t) + stop * t``."""
    num = _static_int(num, "num argument of linspace")
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    start, stop = _conv._to_array(start), _conv._to_array(stop)
    if dtype is None:
        dtype = jax.dtypes.result_type(_get_aval(start).dtype, _get_aval(stop).dtype)
        dtype = _get_aval(_conv._to_inexact(_jnp.zeros((), dtype))).dtype
    dtype = jax.dtypes.canonicalize_dtype(dtype)
    cdtype = _get_aval(_conv._to_inexact(_jnp.zeros((), dtype))).dtype
    start = _ew.convert_element_type(start, cdtype)
    stop = _ew.convert_element_type(stop, cdtype)
    bounds = list(_conv.broadcast_shapes(_get_aval(start).shape, _get_aval(stop).shape))
    start, stop = _conv.broadcast_to(start, tuple(bounds)), _conv.broadcast_to(stop, tuple(bounds))
    axis = len(bounds) + axis + 1 if axis < 0 else axis
    shape = list(bounds)
    shape.insert(axis, 1)
    start, stop = _man.reshape(start, tuple(shape)), _man.reshape(stop, tuple(shape))
    div = (num - 1) if endpoint else num
    if num > 1:
        iota_shape = [1] * len(shape)
        iota_shape[axis] = div
        real = _np.finfo(cdtype).dtype
        step = (_np.arange(div, dtype=real) / _np.asarray(div, real)).reshape(iota_shape).astype(cdtype)
        out = _el.add(_el.multiply(start, 1 - step), _el.multiply(stop, step))
        if endpoint:
            out = _man.concatenate([out, stop], axis=axis)
    elif num == 1:
        out = start
    else:
        shape[axis] = 0
        out = _jnp.zeros(shape, dtype)
    if _np.issubdtype(dtype, _np.integer) and not _np.issubdtype(_get_aval(out).dtype, _np.integer):
        out = _el.floor(out)
    return _ew.convert_element_type(out, dtype)


def logspace(start, stop, num: int = 50, endpoint: bool = True, base=10.0, dtype=None, axis: int = 0):
    """``base ** linspace(start, stop, num)`` (``jnp.logspace``; differentiable in ``start``, ``stop``, ``base``).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 6) for v in fnp.logspace(0.0, 2.0, 3)]
    [1.0, 10.0, 100.0]
    """
    if dtype is None:
        dtype = _get_aval(_conv._to_inexact(_cre.zeros((), _conv.result_type(start, stop)))).dtype
    dtype = jax.dtypes.canonicalize_dtype(dtype)
    cdtype = _get_aval(_conv._to_inexact(_jnp.zeros((), dtype))).dtype
    start = _conv.asarray(start, cdtype)
    stop = _conv.asarray(stop, cdtype)
    lin = _linspace(start, stop, num, endpoint=endpoint, axis=axis)
    return _ew.convert_element_type(_el.power(base, lin), dtype)


def geomspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None, axis: int = 0):
    """Numbers evenly spaced on a log scale from ``start`` to ``stop`` (``jnp.geomspace``; differentiable).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 6) for v in fnp.geomspace(1.0, 1000.0, 4)]
    [1.0, 10.0, 100.0, 1000.0]
    """
    if dtype is None:
        dtype = _get_aval(_conv._to_inexact(_cre.zeros((), _conv.result_type(start, stop)))).dtype
    dtype = jax.dtypes.canonicalize_dtype(dtype)
    cdtype = _get_aval(_conv._to_inexact(_jnp.zeros((), dtype))).dtype
    start = _conv.asarray(start, cdtype)
    stop = _conv.asarray(stop, cdtype)
    sign = _el.sign(start)
    res = _el.multiply(
        sign,
        logspace(
            _sp.log10(_el.true_divide(start, sign)),
            _sp.log10(_el.true_divide(stop, sign)),
            num,
            endpoint=endpoint,
            base=10.0,
            dtype=cdtype,
            axis=0,
        ),
    )
    ndim = _get_aval(res).ndim
    axis = _conv._canonical_axes(axis, ndim)[0]
    if axis != 0:
        res = _man.transpose(res, (*range(1, axis + 1), 0, *range(axis + 1, ndim)))
    return _ew.convert_element_type(res, dtype)


# ---- meshgrid, mgrid/ogrid, r_/c_ --------------------------------------------------------------------------


def meshgrid(*xi, copy: bool = True, sparse: bool = False, indexing: str = "xy"):
    """Coordinate arrays from 1-D coordinate vectors (``jnp.meshgrid``; differentiable).

    Args:
        *xi: 1-D arrays.
        copy: must be True (JAX arrays are immutable).
        sparse: return broadcastable arrays with one non-unit dimension each.
        indexing: ``"xy"`` (Cartesian: the first two outputs' axes swapped) or ``"ij"`` (matrix).

    Returns:
        A list of arrays, one per input.

    >>> import fungrad.numpy as fnp
    >>> X, Y = fnp.meshgrid(fnp.arange(3), fnp.arange(2))
    >>> X.shape, Y.tolist()
    ((2, 3), [[0, 0, 0], [1, 1, 1]])
    """
    args = [_conv._to_array(x) for x in xi]
    if not copy:
        raise ValueError("jax.numpy.meshgrid only supports copy=True")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Valid values for indexing are 'xy' and 'ij', got {indexing}")
    shapes = [_get_aval(a).shape for a in args]
    if builtins.any(len(s) != 1 for s in shapes):
        raise ValueError(f"Arguments to jax.numpy.meshgrid must be 1D, got shapes {shapes}")
    if indexing == "xy" and len(args) >= 2:
        args[0], args[1] = args[1], args[0]
    sizes = [_get_aval(a).shape[0] for a in args]
    full = tuple(1 if sparse else n for n in sizes)
    out = []
    for i, a in enumerate(args):
        one = [1] * len(args)
        one[i] = sizes[i]
        shaped = _man.reshape(a, tuple(one))
        out.append(shaped if sparse else _conv.broadcast_to(shaped, full))
    if indexing == "xy" and len(args) >= 2:
        out[0], out[1] = out[1], out[0]
    return out


def _grid_from_slice(s, op_name):
    def value(v, default, what):
        if v is None:
            return default
        if isinstance(v, _Tracer):
            raise _core.ConcretizationError(f"the slice {what} of jnp.{op_name} must be concrete, got {_get_aval(v)}")
        return v

    start, stop, step = value(s.start, 0, "start"), value(s.stop, None, "stop"), value(s.step, 1, "step")
    if _np.iscomplex(step):
        return _jnp.linspace(start, stop, int(abs(step)))
    return _jnp.arange(start, stop, step)


def _promote_all(arrays):
    dtype = _conv.result_type(*arrays)
    return [_conv.asarray(a, dtype) for a in arrays]


class _Mgrid:
    """``mgrid[a:b:s, ...]``: a dense grid (``jnp.mgrid``); a complex step ``nj`` means ``n`` points.

    >>> import fungrad.numpy as fnp
    >>> fnp.mgrid[0:2, 0:1:3j].shape
    (2, 2, 3)
    """

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _grid_from_slice(key, "mgrid")
        grids = _promote_all([_grid_from_slice(k, "mgrid") for k in key])
        if not grids:
            return _jnp.arange(0)
        return _man.stack(meshgrid(*grids, indexing="ij", sparse=False), 0)


class _Ogrid:
    """``ogrid[a:b:s, ...]``: an open (sparse) grid (``jnp.ogrid``).

    >>> import fungrad.numpy as fnp
    >>> [g.shape for g in fnp.ogrid[0:2, 0:3]]
    [(2, 1), (1, 3)]
    """

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _grid_from_slice(key, "ogrid")
        grids = _promote_all([_grid_from_slice(k, "ogrid") for k in key])
        return meshgrid(*grids, indexing="ij", sparse=True)


mgrid = _Mgrid()
ogrid = _Ogrid()


def _ndmin(x, ndmin):
    shape = _get_aval(x).shape
    return _man.reshape(x, (1,) * (ndmin - len(shape)) + shape) if len(shape) < ndmin else x


class _AxisConcat:
    """``r_``/``c_``: concatenation by index syntax, with NumPy's string directives
    (``"axis"``, ``"axis,ndmin"``, ``"axis,ndmin,trans1d"``, ``"r"``, ``"c"``) and slices as ranges."""

    axis: int
    ndmin: int
    trans1d: int
    op_name: str

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        params = [self.axis, self.ndmin, self.trans1d, -1]
        directive = items[0] if items else None
        if isinstance(directive, str):
            items = items[1:]
            if directive == "r":
                params[-1] = 0
            elif directive == "c":
                params[-1] = 1
            else:
                vec = directive.split(",")
                vec = vec + params[len(vec) :] if len(vec) < 4 else vec[:3] + [params[-1]]
                try:
                    params = [int(v) for v in vec]
                except ValueError as err:
                    raise ValueError(f"could not understand directive {directive!r}") from err
        axis, ndmin, trans1d, matrix = params
        output = []
        for item in items:
            if isinstance(item, slice):
                new, item_ndim = _grid_from_slice(item, self.op_name), 0
            elif isinstance(item, str):
                raise ValueError("string directive must be placed at the beginning")
            else:
                new = _conv.asarray(item)
                item_ndim = _get_aval(new).ndim
            new = _ndmin(new, ndmin)
            if trans1d != -1 and ndmin - item_ndim > 0:
                perm = tuple(range(ndmin))
                shifts = ndmin - builtins.abs(ndmin + trans1d + 1) % ndmin
                new = _man.transpose(new, perm[shifts:] + perm[:shifts])
            output.append(new)
        res = _man.concatenate(output, axis=axis)
        if matrix != -1 and _get_aval(res).ndim == 1:
            res = _man.expand_dims(res, matrix)
        return res

    def __len__(self) -> int:
        return 0


class _RClass(_AxisConcat):
    """``r_[...]``: concatenate along the first axis (``jnp.r_``).

    >>> import fungrad.numpy as fnp
    >>> fnp.r_[fnp.array([1, 2]), 0, 3:5].tolist()
    [1, 2, 0, 3, 4]
    """

    axis, ndmin, trans1d, op_name = 0, 1, -1, "r_"


class _CClass(_AxisConcat):
    """``c_[...]``: stack 1-D items as columns, concatenate along the last axis (``jnp.c_``).

    >>> import fungrad.numpy as fnp
    >>> fnp.c_[fnp.array([1, 2]), fnp.array([3, 4])].tolist()
    [[1, 3], [2, 4]]
    """

    axis, ndmin, trans1d, op_name = -1, 2, 0, "c_"


r_ = _RClass()
c_ = _CClass()


# ---- index helpers ------------------------------------------------------------------------------------------


def indices(dimensions, dtype=None, sparse: bool = False):
    """The index grid of an array of shape ``dimensions`` (``jnp.indices``).

    >>> import fungrad.numpy as fnp
    >>> fnp.indices((2, 2)).tolist()
    [[[0, 0], [1, 1]], [[0, 1], [0, 1]]]
    """
    dtype = _int_dtype(dtype)
    dims = tuple(_static_int(d, "dimensions argument of jnp.indices") for d in dimensions)
    out = []
    for i, d in enumerate(dims):
        shape = (1,) * i + (d,) + (1,) * (len(dims) - i - 1)
        idx = _jnp.arange(d, dtype=dtype).reshape(shape)
        out.append(idx if sparse else _jnp.broadcast_to(idx, dims))
    if sparse:
        return tuple(out)
    return _jnp.stack(out, 0) if out else _jnp.array([], dtype=dtype)


def ix_(*args):
    """Open-mesh index arrays from 1-D sequences, for cross-product indexing (``jnp.ix_``).

    >>> import fungrad.numpy as fnp
    >>> [a.shape for a in fnp.ix_(fnp.array([0, 1]), fnp.array([2, 0, 1]))]
    [(2, 1), (1, 3)]
    """
    args = [_conv._to_array(a) for a in args]
    out = []
    for i, a in enumerate(args):
        aval = _get_aval(a)
        if aval.ndim != 1:
            raise ValueError(f"Arguments to jax.numpy.ix_ must be 1-dimensional, got shape {aval.shape}")
        if aval.dtype == _np.bool_:
            raise NotImplementedError("Boolean arguments to jax.numpy.ix_ are not implemented")
        shape = [1] * len(args)
        shape[i] = aval.shape[0]
        if aval.shape[0] == 0:
            out.append(_jnp.zeros(shape, jax.dtypes.canonicalize_dtype(_np.intp)))
        else:
            out.append(_man.reshape(a, tuple(shape)))
    return tuple(out)


def _shape_of(arr, name):
    shape = arr.shape if hasattr(arr, "shape") else _get_aval(_conv.asarray(arr)).shape
    if len(shape) != 2:
        raise ValueError("Only 2-D inputs are accepted")
    return shape


def tril_indices_from(arr, k: int = 0):
    """The indices of the lower triangle of the 2-D ``arr`` (``jnp.tril_indices_from``).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.tril_indices_from(fnp.ones((2, 2)))]
    [[0, 1, 1], [0, 0, 1]]
    """
    n, m = _shape_of(arr, "tril_indices_from")
    return _shp.tril_indices(n, k=k, m=m)


def triu_indices_from(arr, k: int = 0):
    """The indices of the upper triangle of the 2-D ``arr`` (``jnp.triu_indices_from``).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.triu_indices_from(fnp.ones((2, 2)))]
    [[0, 0, 1], [0, 1, 1]]
    """
    n, m = _shape_of(arr, "triu_indices_from")
    return _shp.triu_indices(n, k=k, m=m)


def diag_indices_from(arr):
    """The indices of the main diagonal of ``arr`` (all its dimensions equal; ``jnp.diag_indices_from``).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.diag_indices_from(fnp.ones((2, 2)))]
    [[0, 1], [0, 1]]
    """
    shape = _get_aval(_conv._to_array(arr)).shape
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return _shp.diag_indices(shape[0], ndim=len(shape))


def mask_indices(n: int, mask_func, k: int = 0, *, size=None):
    """The indices where ``mask_func(ones((n, n)), k)`` is nonzero (``jnp.mask_indices``; ``size`` pads).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.mask_indices(2, fnp.triu)]
    [[0, 0, 1], [0, 1, 1]]
    """
    i, j = _srch.nonzero(mask_func(_cre.ones((n, n)), k), size=size)
    return i, j


def unravel_index(indices, shape):
    """Flat indices as a tuple of coordinate arrays for ``shape`` (``jnp.unravel_index``; out-of-range
    indices are clipped, as in JAX, rather than raising).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.unravel_index(fnp.array([5, 1]), (2, 3))]
    [[1, 0], [2, 1]]
    """
    idx = _conv._to_array(indices)
    try:
        shape = list(shape)
    except TypeError:
        shape = [shape]
    if builtins.any(_np.ndim(s) != 0 for s in shape):
        raise ValueError("unravel_index: shape should be a scalar or 1D sequence.")
    out = [0] * len(shape)
    for i, s in reversed(list(enumerate(shape))):
        idx, out[i] = _fm.divmod(idx, s)
    oob_pos = _el.greater(idx, 0)
    if _np.issubdtype(_get_aval(idx).dtype, _np.unsignedinteger):
        oob_neg = _conv.asarray(False)
    else:
        oob_neg = _el.less(idx, -1)
    return tuple(_el.where(oob_pos, s - 1, _el.where(oob_neg, 0, i)) for s, i in zip(shape, out))


def ravel_multi_index(multi_index, dims, mode: str = "raise", order: str = "C", *, dtype=None):
    """Coordinate arrays as flat indices into ``dims`` (``jnp.ravel_multi_index``).

    Args:
        multi_index: one integer array per dimension.
        dims: the static shape.
        mode: ``"raise"`` (indices must be concrete, and in range), ``"wrap"``, ``"clip"`` or
            ``"ignore"``; under ``jit`` use ``"wrap"`` or ``"clip"``.
        order: ``"C"`` (row-major) or ``"F"``.
        dtype: the integer result dtype.

    Returns:
        The flat indices.

    >>> import fungrad.numpy as fnp
    >>> fnp.ravel_multi_index((fnp.array([1, 0]), fnp.array([2, 1])), (2, 3)).tolist()
    [5, 1]
    """
    if len(multi_index) != len(dims):
        raise ValueError(f"len(multi_index)={len(multi_index)} != len(dims)={len(dims)}")
    dims = tuple(_static_int(d, "dims argument of ravel_multi_index()") for d in dims)
    arrays = [_conv._to_array(i) for i in multi_index]
    if dtype is None:
        avals = [_get_aval(a) for a in arrays]
        dtype = jax.dtypes.result_type(int, *(jax.ShapeDtypeStruct((), v.dtype, weak_type=v.weak_type) for v in avals))
    dtype = jax.dtypes.canonicalize_dtype(dtype)
    if not _np.issubdtype(dtype, _np.integer):
        raise ValueError(f"dtype={dtype} is not an integer type.")
    if _np.prod(dims, dtype=_np.int64) - 1 > _np.iinfo(dtype).max:
        raise ValueError(
            f"jnp.ravel_multi_index: dtype={dtype} not large enough to hold flattened index for dims={dims}. "
            "Use the dtype argument to pass a suitable dtype (e.g. dtype=np.min_scalar_type(prod(dims)))."
        )
    for a in arrays:
        if mode == "raise" and isinstance(a, _Tracer):
            raise _core.ConcretizationError(
                "ravel_multi_index with mode='raise' needs concrete indices (it checks their range); "
                "it was given a traced value. Use mode='wrap' or mode='clip' instead."
            )
        if not _np.issubdtype(_get_aval(a).dtype, _np.integer):
            raise TypeError("only int indices permitted")
    if mode == "raise":
        if builtins.any(bool(_np.any((_np.asarray(i) < 0) | (_np.asarray(i) >= d))) for i, d in zip(arrays, dims)):
            raise ValueError("invalid entry in coordinates array")
    elif mode == "clip":
        arrays = [_el.clip(i, 0, d - 1) for i, d in zip(arrays, dims)]
    elif mode == "wrap":
        arrays = [_el.remainder(i, d) for i, d in zip(arrays, dims)]
    elif mode != "ignore":
        raise ValueError(f"invalid mode={mode!r}. Expected 'raise', 'wrap', 'clip', or 'ignore'.")
    if order == "F":
        strides = _np.cumprod((1,) + dims[:-1])
    elif order == "C":
        strides = _np.cumprod((1,) + dims[1:][::-1])[::-1]
    else:
        raise ValueError(f"invalid order={order!r}. Expected 'C' or 'F'")
    result = _jnp.array(0, dtype=dtype)
    for i, s in zip(arrays, strides):
        result = _el.add(result, _el.multiply(_conv.asarray(i, dtype), int(s)))
    return result
