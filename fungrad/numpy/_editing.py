"""Array editing and small utilities: pad, insert, delete, resize, fill_diagonal, choose, select, copy, unwrap,
gcd/lcm, bit-level functions, matvec/vecmat/vecdot, vectorize and friends.

The integer and floating-point bit utilities live in ``_number_bits``, ``pad`` in ``_pad`` and the
``vmap``-based helpers in ``_vectorize``; this module re-exports them. Everything is a composition of
fungrad.numpy functions and primitives (gathers, scatters, ``select_n``, ``while_loop``, ``switch``,
``vmap``), so derivatives, batching and ``jit`` come from those. Functions whose result *shape* depends
on an index argument (``delete``) need that argument concrete, as in JAX; the error names the argument
and the alternative.
"""

from __future__ import annotations

import builtins
import math
import operator

import jax
import jax.numpy as _jnp
import numpy as _np

from fungrad._src.control_flow.cond import switch as _switch
from fungrad._src.core import ConcretizationError as _ConcretizationError
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import elementwise as _ew
from fungrad.numpy import _complex as _cplx
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _indexing as _ix
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _products as _prod
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _searching as _srch
from fungrad.numpy import _shape_helpers as _shp
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy import _stacking as _stk
from fungrad.numpy._number_bits import bitwise_count, frexp, gcd, lcm, nextafter, packbits, spacing, unpackbits
from fungrad.numpy._pad import pad
from fungrad.numpy._vectorize import apply_along_axis, apply_over_axes, vectorize

__all__ = [
    "apply_along_axis",
    "apply_over_axes",
    "bitwise_count",
    "choose",
    "copy",
    "delete",
    "fill_diagonal",
    "frexp",
    "gcd",
    "insert",
    "lcm",
    "matvec",
    "nextafter",
    "packbits",
    "pad",
    "piecewise",
    "resize",
    "select",
    "spacing",
    "unpackbits",
    "unwrap",
    "vecdot",
    "vecmat",
    "vectorize",
]


def _shape(x):
    return _get_aval(x).shape


def _dtype(x):
    return _get_aval(x).dtype


def _concrete(x, what: str, fix: str):
    if isinstance(x, _Tracer) or builtins.any(isinstance(e, _Tracer) for e in jax.tree_util.tree_leaves(x)):
        raise _ConcretizationError(f"the {what} must be concrete, but it is traced; {fix}")
    return _np.asarray(x)


def _axis_index(axis, *index):
    return (builtins.slice(None),) * axis + index


# ---- choosing and selecting -----------------------------------------------------------------------------


def select(condlist, choicelist, default=0):
    """``choicelist[i]`` where ``condlist[i]`` is the first true condition, else ``default`` (``jnp.select``).

    >>> import fungrad.numpy as fnp
    >>> x = fnp.arange(4.0)
    >>> fnp.select([x < 1, x > 2], [-x, x * 10], default=7.0).tolist()
    [-0.0, 7.0, 7.0, 30.0]
    """
    if len(condlist) != len(choicelist):
        raise ValueError(f"condlist must have length equal to choicelist ({len(condlist)} vs {len(choicelist)})")
    if len(condlist) == 0:
        raise ValueError("condlist must be non-empty")
    choices = _conv._promote(default, *choicelist)
    conds = _stk.broadcast_arrays(False, *[_conv._to_array(c) for c in condlist])
    which = _red.argmax(_conv.astype(_man.stack(conds), bool), axis=0)
    which, *choices = _stk.broadcast_arrays(_conv.astype(which, _np.int32), *choices)
    return _ew.select_n(which, *choices)


def choose(a, choices, out=None, mode: str = "raise"):
    """``choices[a[i]][i]`` elementwise, all broadcast together (``jnp.choose``).

    Args:
        a: integer indices into ``choices``.
        choices: a sequence of arrays.
        out: unsupported (must be None).
        mode: ``"raise"`` (``a`` must be concrete and in range), ``"wrap"`` or ``"clip"``.

    Returns:
        The chosen values, differentiable in ``choices``.

    >>> import fungrad.numpy as fnp
    >>> fnp.choose(fnp.array([1, 0, 1]), [fnp.zeros(3), fnp.arange(3.0)]).tolist()
    [0.0, 0.0, 2.0]
    """
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.choose is not supported.")
    a = _conv._to_array(a)
    choices = [_conv._to_array(c) for c in choices]
    if not _np.issubdtype(_dtype(a), _np.integer):
        raise ValueError("`a` array must be integer typed")
    n = len(choices)
    if mode == "raise":
        arr = _concrete(
            a,
            "index array of jnp.choose with mode='raise'",
            "the range check needs the values. Use mode='wrap' or mode='clip' instead.",
        )
        if _np.any((arr < 0) | (arr >= n)):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        a = _el.remainder(a, n)
    elif mode == "clip":
        a = _el.clip(a, 0, n - 1)
    else:
        raise ValueError(f"mode={mode!r} not understood. Must be 'raise', 'wrap', or 'clip'")
    a, *choices = _stk.broadcast_arrays(a, *_conv._promote(*choices))
    stacked = _man.stack(choices)
    return _man.squeeze(_ix.take_along_axis(stacked, _man.expand_dims(a, 0), axis=0), 0)


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i](x)`` where ``condlist[i]`` holds (the last such wins), as ``jnp.piecewise``.

    Each function (or constant) is evaluated per element through ``switch``, so only the chosen
    branch contributes to the derivative.

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([-2.0, 0.5, 3.0])
    >>> fnp.piecewise(x, [x < 0, x > 1], [lambda v: -v, lambda v: v * v, 0.0]).tolist()
    [2.0, 0.0, 9.0]
    """
    x = _conv._to_array(x)
    nc, nf = len(condlist), len(funclist)
    if nf == nc + 1:
        funclist = list(funclist[-1:]) + list(funclist[:-1])
    elif nf == nc:
        funclist = [0] + list(funclist)
    else:
        raise ValueError(f"with {nc} condition(s), either {nc} or {nc + 1} functions are expected; got {nf}")
    conds = _conv.asarray(condlist, dtype=bool)
    zeros = _cre.zeros_like(_man.expand_dims(conds[0], 0) if nc else conds)
    index = _red.argmax(_ss.cumsum(_man.concatenate([zeros, conds], 0), axis=0), axis=0)
    dtype = _dtype(x)

    def call(f):
        return lambda v: _conv.astype(f(v, *args, **kw), dtype)

    def const(c):
        return lambda v: _conv.asarray(c, dtype)

    branches = [call(f) if callable(f) else const(f) for f in funclist]
    return vectorize(_switch, excluded=(1,))(_conv.astype(index, _np.int32), branches, x)


# ---- copying, inserting, deleting, resizing --------------------------------------------------------------


def copy(a, order=None):
    """A copy of ``a`` (``jnp.copy``; arrays are immutable, so traced values pass through).

    >>> import fungrad.numpy as fnp
    >>> fnp.copy(fnp.array([1, 2])).tolist()
    [1, 2]
    """
    if isinstance(a, _Tracer):
        return a
    return _jnp.array(a, copy=True, order=order)


def delete(arr, obj, axis=None, *, assume_unique_indices: bool = False):
    """``arr`` without the entries ``obj`` along ``axis`` (flattened when ``axis`` is None; ``jnp.delete``).

    Args:
        arr: the array.
        obj: an integer, a slice, an integer array or a boolean mask. It must be concrete, unless it
            is an integer array and ``assume_unique_indices=True`` (then it may be traced: the result
            size is fixed by ``obj``'s size).
        axis: the axis (None: flatten first).
        assume_unique_indices: promise that integer ``obj`` holds no duplicates.

    Returns:
        The smaller array, differentiable in ``arr``.

    >>> import fungrad.numpy as fnp
    >>> fnp.delete(fnp.arange(5), [0, 3]).tolist()
    [1, 2, 4]
    """
    a = _conv._to_array(arr)
    if axis is None:
        a, axis = _man.ravel(a), 0
    axis = _conv._canonical_axes(axis, _get_aval(a).ndim)[0]
    n = _shape(a)[axis]
    try:
        index = operator.index(obj)
    except TypeError:
        pass
    else:
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of bounds for axis {axis} with size {n}")
        index %= n
        return _man.concatenate(
            [
                _ix.getitem(a, _axis_index(axis, builtins.slice(0, index))),
                _ix.getitem(a, _axis_index(axis, builtins.slice(index + 1, None))),
            ],
            axis=axis,
        )
    if isinstance(obj, builtins.slice):
        obj, assume_unique_indices = _np.arange(n)[obj], True
    if isinstance(obj, _Tracer) and assume_unique_indices and _np.issubdtype(_dtype(obj), _np.integer):
        # Traced unique indices: the kept positions are 0..n-k-1 shifted past each sorted deleted index.
        idx = _man.ravel(obj)
        idx = _el.clip(_el.where(_el.less(idx, 0), _el.add(idx, n), idx), 0, n)
        idx = _ss.sort(idx)
        k = _shape(idx)[0]
        idx = _el.subtract(idx, _np.arange(k, dtype=_dtype(idx)))
        keep = _np.arange(n - k, dtype=_dtype(idx))
        shift = _red.sum(_el.greater_equal(keep[None, :], _man.expand_dims(idx, 1)), axis=0, dtype=_dtype(idx))
        return _ix.take(a, _el.add(keep, shift), axis=axis)
    obj = _concrete(
        obj,
        "'obj' argument of jnp.delete()",
        "the output shape depends on it. For traced unique integer indices pass assume_unique_indices=True.",
    )
    if _np.issubdtype(obj.dtype, _np.integer):
        mask = _np.ones(n, dtype=bool)
        mask[obj] = False
    elif obj.dtype == _np.bool_:
        if obj.shape != (n,):
            raise ValueError(
                "np.delete(arr, obj): for boolean indices, obj must be one-dimensional "
                "with length matching specified axis."
            )
        mask = ~obj
    elif obj.size == 0:
        mask = _np.ones(n, dtype=bool)
    else:
        raise ValueError(f"np.delete(arr, obj): got obj.dtype={obj.dtype}; must be integer or bool.")
    return _ix.take(a, _np.flatnonzero(mask), axis=axis)


def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before the indices ``obj`` along ``axis`` (``jnp.insert``).

    Args:
        arr: the array (flattened when ``axis`` is None).
        obj: an index, a slice, or a 1-D integer array of indices (may be traced: the result size
            comes from its size and ``values``).
        values: the values, broadcast to the inserted shape.
        axis: the axis.

    Returns:
        The larger array, differentiable in ``arr`` and ``values``.

    >>> import fungrad.numpy as fnp
    >>> fnp.insert(fnp.array([1.0, 2.0, 3.0]), 1, 9.0).tolist()
    [1.0, 9.0, 2.0, 3.0]
    """
    a = _conv._to_array(arr)
    if axis is None:
        a, axis = _man.ravel(a), 0
    if isinstance(axis, _Tracer):
        raise _ConcretizationError("the axis argument of jnp.insert() must be concrete")
    axis = _conv._canonical_axes(axis, _get_aval(a).ndim)[0]
    ndim = _get_aval(a).ndim
    if isinstance(obj, builtins.slice):
        indices = _jnp.arange(*obj.indices(_shape(a)[axis]))
    else:
        indices = _conv._to_array(obj)
    if _get_aval(indices).ndim > 1:
        raise ValueError(f"jnp.insert(): obj must be a slice, a one-dimensional array, or a scalar; got {obj}")
    if not _np.issubdtype(_dtype(indices), _np.integer):
        if _get_aval(indices).size == 0 and not isinstance(obj, (_Tracer, jax.Array)):
            indices = _conv.astype(indices, int)
        else:
            raise ValueError(f"jnp.insert(): index array must be integer typed; got {obj}")
    values = _conv._to_array(values)
    vaval = _get_aval(values)
    values = _conv.astype(values, _dtype(a)) if vaval.dtype != _dtype(a) else values
    if vaval.ndim < ndim:
        values = _man.reshape(values, (1,) * (ndim - vaval.ndim) + vaval.shape)
    if _get_aval(indices).size == 1:
        index = _man.reshape(indices, ())
        if _get_aval(indices).ndim == 0:
            values = _man.moveaxis(values, 0, axis)
        indices = _conv.broadcast_to(index, (_shape(values)[axis],))
    n_input = _shape(a)[axis]
    n_insert = _conv.broadcast_shapes(_shape(indices), (_shape(values)[axis],))[0]
    out_shape = list(_shape(a))
    out_shape[axis] += n_insert
    out = _cre.zeros_like(a, shape=tuple(out_shape))
    indices = _el.clip(_el.where(_el.less(indices, 0), _el.add(indices, n_input), indices), 0, n_input)
    indices = _conv.broadcast_to(indices, (n_insert,))
    values_ind = _ix.at(indices)[_ss.argsort(indices)].add(_np.arange(n_insert, dtype=_dtype(indices)))
    arr_mask = _ix.at(_cre.ones(n_input + n_insert, dtype=bool))[values_ind].set(False)
    arr_ind = _srch.nonzero(arr_mask, size=n_input)[0]
    values = _conv.broadcast_to(values, tuple(out_shape[:axis]) + (n_insert,) + tuple(out_shape[axis + 1 :]))
    out = _ix.at(out)[_axis_index(axis, values_ind)].set(values)
    return _ix.at(out)[_axis_index(axis, arr_ind)].set(a)


def resize(a, new_shape):
    """``a`` flattened, repeated as needed and reshaped to ``new_shape`` (``jnp.resize``).

    >>> import fungrad.numpy as fnp
    >>> fnp.resize(fnp.array([1, 2, 3]), (2, 2)).tolist()
    [[1, 2], [3, 1]]
    """
    new_shape = (new_shape,) if _np.ndim(new_shape) == 0 else tuple(new_shape)
    new_shape = tuple(operator.index(d) for d in new_shape)
    if builtins.any(d < 0 for d in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    arr = _man.ravel(_conv._to_array(a))
    size, new_size = _shape(arr)[0], math.prod(new_shape)
    if size == 0 or new_size == 0:
        return _cre.zeros_like(arr, shape=new_shape)
    arr = _shp.tile(arr, -(-new_size // size))
    return _man.reshape(_ix.getitem(arr, builtins.slice(None, new_size)), new_shape)


def fill_diagonal(a, val, wrap: bool = False, *, inplace: bool = True):
    """``a`` with its main diagonal set to ``val`` (repeated as needed); JAX requires ``inplace=False``.

    >>> import fungrad.numpy as fnp
    >>> fnp.fill_diagonal(fnp.zeros((2, 2)), 5.0, inplace=False).tolist()
    [[5.0, 0.0], [0.0, 5.0]]
    """
    if inplace:
        raise NotImplementedError("JAX arrays are immutable, must use inplace=False")
    if wrap:
        raise NotImplementedError("wrap=True is not implemented, must use wrap=False")
    a, val = _conv._to_array(a), _conv._to_array(val)
    shape = _shape(a)
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and not builtins.all(d == shape[0] for d in shape[1:]):
        raise ValueError("All dimensions of input must be of equal length")
    n = builtins.min(shape)
    idx = _shp.diag_indices(n, len(shape))
    if _get_aval(val).ndim:
        val = _man.ravel(val)
        size = _shape(val)[0]
        if size < n:
            val = _shp.tile(val, -(-n // size))
        if _shape(val)[0] > n:
            val = _ix.getitem(val, builtins.slice(None, n))
    return _ix.at(a)[idx].set(val)


# ---- numerical utilities ----------------------------------------------------------------------------------


def unwrap(p, discont=None, axis: int = -1, period=2 * _np.pi):
    """``p`` with jumps larger than ``discont`` replaced by their ``period`` complement (``jnp.unwrap``).

    >>> import fungrad.numpy as fnp
    >>> [round(float(v), 4) for v in fnp.unwrap(fnp.array([0.0, 3.0, 6.5]))]
    [0.0, 3.0, 0.2168]
    """
    p, period = _conv._promote(p, period)
    if _np.issubdtype(_dtype(p), _np.complexfloating):
        raise ValueError("jnp.unwrap does not support complex inputs.")
    axis = _conv._canonical_axes(axis, _get_aval(p).ndim)[0]
    if _shape(p)[axis] == 0:
        return p
    if discont is None:
        discont = _el.true_divide(period, 2)
    if _np.issubdtype(_dtype(p), _np.integer):
        interval = _el.floor_divide(period, 2)
    else:
        interval = _el.true_divide(period, 2)
    dd = _shp.diff(p, axis=axis)
    ddmod = _el.subtract(_el.remainder(_el.add(dd, interval), period), interval)
    ddmod = _el.where(_el.logical_and(_el.equal(ddmod, _el.negative(interval)), _el.greater(dd, 0)), interval, ddmod)
    correct = _el.where(_el.less(_el.absolute(dd), discont), 0, _el.subtract(ddmod, dd))
    first = _ix.getitem(p, _axis_index(axis, builtins.slice(0, 1)))
    rest = _ix.getitem(p, _axis_index(axis, builtins.slice(1, None)))
    return _man.concatenate([first, _el.add(rest, _ss.cumsum(correct, axis=axis))], axis=axis)


# ---- vector products -------------------------------------------------------------------------------------


def matvec(x1, x2, /):
    """Batched matrix-vector product ``x1 @ x2`` over leading dimensions (signature ``(n,m),(m)->(n)``).

    >>> import fungrad.numpy as fnp
    >>> fnp.matvec(fnp.ones((2, 3)), fnp.arange(3.0)).tolist()
    [3.0, 3.0]
    """
    return vectorize(_prod.matmul, signature="(n,m),(m)->(n)")(x1, x2)


def vecmat(x1, x2, /):
    """Batched vector-matrix product ``conj(x1) @ x2`` (signature ``(n),(n,m)->(m)``).

    >>> import fungrad.numpy as fnp
    >>> fnp.vecmat(fnp.arange(2.0), fnp.ones((2, 3))).tolist()
    [1.0, 1.0, 1.0]
    """
    return vectorize(_prod.matmul, signature="(n),(n,m)->(m)")(_cplx.conj(_conv._to_array(x1)), x2)


def vecdot(x1, x2, /, *, axis: int = -1, precision=None, preferred_element_type=None):
    """Batched vector dot product ``sum(conj(x1) * x2)`` along ``axis`` (``jnp.vecdot``).

    >>> import fungrad.numpy as fnp
    >>> fnp.vecdot(fnp.ones((2, 3)), fnp.arange(3.0)).tolist()
    [3.0, 3.0]
    """
    x1, x2 = _conv._to_array(x1), _conv._to_array(x2)
    if _shape(x1)[axis] != _shape(x2)[axis]:
        raise ValueError(f"axes must match; got shapes {_shape(x1)} and {_shape(x2)} with axis={axis}")
    x1, x2 = _man.moveaxis(x1, axis, -1), _man.moveaxis(x2, axis, -1)
    out = vectorize(_prod.vdot, signature="(n),(n)->()")(x1, x2)
    return out if preferred_element_type is None else _conv.astype(out, preferred_element_type)
