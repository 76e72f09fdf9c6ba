"""``pad``: every mode of ``jax.numpy.pad``, as compositions of slicing, ``flip``, ``concatenate`` and
``lax.pad``.

Each mode builds the padded array one axis at a time from slices of the (already partly padded) array,
the way NumPy defines it, so derivatives are those of the slices and concatenations: a reflected or
wrapped element sends its cotangent back to the element it copies, a statistic (``mean``, ``median``,
...) to the elements it was computed from, a linear ramp to the edge element it ends on.
"""

from __future__ import annotations

import builtins

import jax
import numpy as _np

from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import shape as _sh
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _shape_helpers as _shp
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy._grids import _linspace
from fungrad.numpy._vectorize import apply_along_axis as _apply_along_axis

__all__ = ["pad"]


def _concrete_tree(tree, name):
    def leaf(x):
        if isinstance(x, _Tracer):
            raise TypeError(
                f"jnp.pad: the {name} argument must be concrete (static), got a traced value {_get_aval(x)}; "
                "pass Python numbers or NumPy arrays"
            )
        return _np.asarray(x)

    return jax.tree_util.tree_map(leaf, tree)


def _broadcast_to_pairs(nvals, nd: int, name: str):
    """``nvals`` in any of NumPy's forms (``n``, ``(n,)``, ``(b, a)``, ``((b, a),)``, per axis) as
    ``nd`` pairs ``(before, after)``."""
    try:
        arr = _np.asarray(_concrete_tree(nvals, name))
    except ValueError as e:
        raise TypeError(f"`{name}` entries must be the same shape: {nvals}") from e
    if arr.dtype == object:
        raise TypeError(f"`{name}` entries must be the same shape: {nvals}")
    if arr.shape == (nd, 2):
        return tuple((arr[i, 0], arr[i, 1]) for i in range(nd))
    if arr.shape == (1, 2):
        return tuple((arr[0, 0], arr[0, 1]) for _ in range(nd))
    if arr.shape == (2,):
        return tuple((arr[0], arr[1]) for _ in range(nd))
    if arr.shape in ((1,), ()):
        v = arr.reshape(-1)[0]
        return tuple((v, v) for _ in range(nd))
    raise ValueError(
        f"jnp.pad: {name} with nd={nd} has unsupported shape {arr.shape}. "
        f"Valid shapes are ({nd}, 2), (1, 2), (2,), (1,), or ()."
    )


def _slice_in_dim(x, start, stop, axis):
    shape = _get_aval(x).shape
    lo, hi, _ = builtins.slice(start, stop).indices(shape[axis])
    hi = builtins.max(hi, lo)
    starts = [0] * len(shape)
    limits = list(shape)
    starts[axis], limits[axis] = lo, hi
    return _sh.slice(x, starts, limits)


def _cast_like(x, array):
    aval = _get_aval(array)
    return _ew.convert_element_type(_conv._to_array(x), aval.dtype, aval.weak_type)


def _check_no_padding(pair, mode):
    if pair[0] > 0 or pair[1] > 0:
        raise ValueError(f"Cannot apply '{mode}' padding to empty axis")


def _pad_constant(array, pad_width, constant_values):
    nd = _get_aval(array).ndim
    cv = _cast_like(constant_values, array)
    cv_shape = _get_aval(cv).shape
    if len(cv_shape) == 0 or (len(cv_shape) == 1 and cv_shape[-1] == 1):
        return _sh.pad(array, _man.reshape(cv, ()), [(lo, hi, 0) for lo, hi in pad_width])
    if len(cv_shape) == 1 and cv_shape[-1] != 2:
        raise ValueError(
            f"jnp.pad: constant_values has unsupported shape {cv_shape}. "
            "If the shape is 1D or 2D, the last dimension must be of size 1 or 2."
        )
    cv = _conv.broadcast_to(cv, (nd, 2))
    for i in range(nd):
        for side in (0, 1):
            if pad_width[i][side] != 0:
                config = [(0, 0, 0)] * nd
                config[i] = (pad_width[i][0], 0, 0) if side == 0 else (0, pad_width[i][1], 0)
                value = _sh.slice(cv, (i, side), (i + 1, side + 1))
                array = _sh.pad(array, _man.reshape(value, ()), config)
    return array


def _pad_wrap(array, pad_width):
    for i, n in enumerate(_get_aval(array).shape):
        if n == 0:
            _check_no_padding(pad_width[i], "wrap")
            continue
        left_repeats, left_rem = divmod(pad_width[i][0], n)
        right_repeats, right_rem = divmod(pad_width[i][1], n)
        parts = [_slice_in_dim(array, n - left_rem, n, i)] if left_rem else []
        parts += [array] * (left_repeats + right_repeats + 1)
        parts += [_slice_in_dim(array, 0, right_rem, i)] if right_rem else []
        array = _man.concatenate(parts, axis=i)
    return array


def _reflect_side(array, i, padding, before, mode, odd, n):
    """NumPy's iterative reflection: each round mirrors at most ``n - offset`` elements about the current
    edge (odd reflection mirrors the values too: ``2 * edge - x``), so wide pads reflect repeatedly."""
    edge = _slice_in_dim(array, 0, 1, i) if before else _slice_in_dim(array, -1, None, i)
    offset = 1 if (mode == "reflect" and n > 1) else 0
    while padding > 0:
        cur = builtins.min(padding, n - offset)
        padding -= cur
        if before:
            x = _slice_in_dim(array, offset, offset + cur, i)
        else:
            stop = None if (mode == "symmetric" or n == 1) else -1
            x = _slice_in_dim(array, -(cur + offset), stop, i)
        x = _man.flip(x, axis=i)
        if odd:
            x = _el.subtract(_el.multiply(_ew.scalar_like(2, edge), edge), x)
            if n > 1:
                edge = _slice_in_dim(x, 0, 1, i) if before else _slice_in_dim(x, -1, None, i)
        array = _man.concatenate([x, array] if before else [array, x], axis=i)
    return array


def _pad_symmetric_or_reflect(array, pad_width, mode, reflect_type):
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"jnp.pad: reflect_type must be 'even' or 'odd', got {reflect_type!r}")
    for i, n in enumerate(_get_aval(array).shape):
        if n == 0:
            _check_no_padding(pad_width[i], mode)
            continue
        if pad_width[i][0] == 0 and pad_width[i][1] == 0:
            continue
        array = _reflect_side(array, i, pad_width[i][0], True, mode, reflect_type == "odd", n)
        array = _reflect_side(array, i, pad_width[i][1], False, mode, reflect_type == "odd", n)
    return array


def _pad_edge(array, pad_width):
    for i, n in enumerate(_get_aval(array).shape):
        if n == 0:
            _check_no_padding(pad_width[i], "edge")
            continue
        before = _shp.repeat(_slice_in_dim(array, 0, 1, i), int(pad_width[i][0]), axis=i)
        after = _shp.repeat(_slice_in_dim(array, n - 1, n, i), int(pad_width[i][1]), axis=i)
        array = _man.concatenate([before, array, after], axis=i)
    return array


def _pad_linear_ramp(array, pad_width, end_values):
    for axis in range(_get_aval(array).ndim):
        edge_before = _slice_in_dim(array, 0, 1, axis)
        edge_after = _slice_in_dim(array, -1, None, axis)
        aval = _get_aval(array)
        ramps = []
        for end, edge, num in (
            (end_values[axis][0], edge_before, pad_width[axis][0]),
            (end_values[axis][1], edge_after, pad_width[axis][1]),
        ):
            ramp = _linspace(end, _man.squeeze(edge, axis), num, endpoint=False, dtype=aval.dtype, axis=axis)
            ramps.append(_ew.convert_element_type(ramp, aval.dtype, aval.weak_type))
        ramp_before, ramp_after = ramps
        array = _man.concatenate([ramp_before, array, _man.flip(ramp_after, axis=axis)], axis=axis)
    return array


def _median(x, axis, keepdims):
    return _ss.median(x, axis=axis, keepdims=keepdims)


_STAT_FUNCS = {
    "maximum": lambda x, axis, keepdims: _red.max(x, axis=axis, keepdims=keepdims),
    "minimum": lambda x, axis, keepdims: _red.min(x, axis=axis, keepdims=keepdims),
    "mean": lambda x, axis, keepdims: _red.mean(x, axis=axis, keepdims=keepdims),
    "median": _median,
}


def _pad_stats(array, pad_width, stat_length, stat_func):
    for i in range(_get_aval(array).ndim):
        if stat_length is None:
            stat_before = stat_after = stat_func(array, axis=i, keepdims=True)
        else:
            length = _get_aval(array).shape[i]
            len_before, len_after = (int(v) for v in stat_length[i])
            if len_before == 0 or len_after == 0:
                raise ValueError("stat_length of 0 yields no value for padding")
            len_before, len_after = builtins.min(len_before, length), builtins.min(len_after, length)
            stat_before = stat_func(_slice_in_dim(array, 0, len_before, i), axis=i, keepdims=True)
            stat_after = stat_func(_slice_in_dim(array, -len_after, None, i), axis=i, keepdims=True)
        if _np.issubdtype(_get_aval(array).dtype, _np.integer):
            stat_before, stat_after = _el.round(stat_before), _el.round(stat_after)
        stat_before, stat_after = _cast_like(stat_before, array), _cast_like(stat_after, array)
        before = _shp.repeat(stat_before, int(pad_width[i][0]), axis=i)
        after = _shp.repeat(stat_after, int(pad_width[i][1]), axis=i)
        array = _man.concatenate([before, array, after], axis=i)
    return array


def _pad_empty(array, pad_width):
    # jax.numpy.empty is zeros, so the "empty" padding is zeros too
    return _pad_constant(array, pad_width, 0)


def _pad_func(array, pad_width, func, **kwargs):
    padded = _pad_constant(array, pad_width, 0)
    for axis in range(_get_aval(padded).ndim):
        padded = _apply_along_axis(func, axis, padded, pad_width[axis], axis, kwargs)
    return padded


_MODE_KWARGS = {
    "constant": {"constant_values"},
    "edge": set(),
    "linear_ramp": {"end_values"},
    "maximum": {"stat_length"},
    "mean": {"stat_length"},
    "median": {"stat_length"},
    "minimum": {"stat_length"},
    "reflect": {"reflect_type"},
    "symmetric": {"reflect_type"},
    "wrap": set(),
    "empty": set(),
}


def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` padded along every axis (``jax.numpy.pad``; every NumPy mode, or a callable).

    Args:
        array: the array to pad.
        pad_width: static widths: ``n``, ``(n,)``, ``(before, after)``, ``((before, after),)`` or one
            ``(before, after)`` pair per axis.
        mode: ``"constant"`` (``constant_values``), ``"edge"``, ``"linear_ramp"`` (``end_values``),
            ``"maximum"``/``"minimum"``/``"mean"``/``"median"`` (``stat_length``), ``"reflect"``/
            ``"symmetric"`` (``reflect_type="even"|"odd"``), ``"wrap"``, ``"empty"`` (zeros, as in JAX),
            or a function ``f(row, pad_width, iaxis, kwargs) -> row`` applied to each 1-D slice of the
            zero-padded array along each axis in turn.
        **kwargs: the options of ``mode``.

    Returns:
        The padded array, differentiable in ``array`` (and in ``constant_values``).

    >>> import fungrad.numpy as fnp
    >>> fnp.pad(fnp.array([1, 2, 3]), (2, 1), mode="reflect").tolist()
    [3, 2, 1, 2, 3, 2]
    >>> fnp.pad(fnp.array([1.0, 2.0]), 1, constant_values=(-1.0, 9.0)).tolist()
    [-1.0, 1.0, 2.0, 9.0]
    """
    array = _conv._to_array(array)
    nd = _get_aval(array).ndim
    pad_width = _broadcast_to_pairs(pad_width, nd, "pad_width")
    for pair in pad_width:
        for p in pair:
            if not _np.issubdtype(_np.asarray(p).dtype, _np.integer):
                raise TypeError("`pad_width` must be of integral type.")
    pad_width = tuple((int(b), int(a)) for b, a in pad_width)
    if callable(mode):
        return _pad_func(array, pad_width, mode, **kwargs)
    if mode not in _MODE_KWARGS:
        raise NotImplementedError(f"Unimplemented padding mode '{mode}' for np.pad.")
    unsupported = set(kwargs) - _MODE_KWARGS[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    if nd == 0:
        return array
    if builtins.any(p < 0 for pair in pad_width for p in pair):
        raise ValueError("index can't contain negative values")
    if mode == "constant":
        return _pad_constant(array, pad_width, kwargs.get("constant_values", 0))
    if mode == "wrap":
        return _pad_wrap(array, pad_width)
    if mode in ("symmetric", "reflect"):
        return _pad_symmetric_or_reflect(array, pad_width, mode, kwargs.get("reflect_type", "even"))
    if mode == "edge":
        return _pad_edge(array, pad_width)
    if mode == "linear_ramp":
        end_values = _broadcast_to_pairs(kwargs.get("end_values", 0), nd, "end_values")
        return _pad_linear_ramp(array, pad_width, end_values)
    if mode in _STAT_FUNCS:
        stat_length = kwargs.get("stat_length")
        if stat_length is not None:
            stat_length = _broadcast_to_pairs(stat_length, nd, "stat_length")
        return _pad_stats(array, pad_width, stat_length, _STAT_FUNCS[mode])
    return _pad_empty(array, pad_width)
