"""``jax.lax``'s convolution helpers for ``fungrad.lax``: the pure-Python shape and padding
arithmetic (``padtype_to_pads``, ``conv_dimension_numbers``, the ``*_shape_tuple`` functions) and the
convolutions built on ``conv_general_dilated`` (``conv_with_general_padding``, patches, unshared
"local" convolution), plus ``fft``, ``scatter_sub``.

Layouts. A ``ConvDimensionNumbers`` holds, for the input, kernel and output, the axis positions of
``(batch, feature, *spatial)`` / ``(out_feature, in_feature, *spatial)``; a layout string such as
``"NHWC"`` names them by letter, spatial letters ordered as the kernel's string orders them.
"""

from __future__ import annotations

import math

import numpy as np
from jax import lax as _jlax

from fungrad._src.core import get_aval
from fungrad._src.primitives import conv as _conv
from fungrad._src.primitives import dot as _dot
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import fft as _fft
from fungrad._src.primitives import indexing as _ix
from fungrad._src.primitives import layout

ConvDimensionNumbers = _jlax.ConvDimensionNumbers


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """Explicit ``(low, high)`` pads for ``"VALID"``, ``"SAME"`` or ``"SAME_LOWER"`` padding.

    SAME pads so the output has ``ceil(in / stride)`` elements, the odd element going high
    (SAME_LOWER: low).

    >>> import fungrad.lax as flax
    >>> flax.padtype_to_pads((5,), (3,), (2,), "SAME")
    [(1, 1)]
    """
    name = getattr(padding, "name", padding)
    if not isinstance(name, str) or name.upper() not in ("VALID", "SAME", "SAME_LOWER"):
        raise RuntimeError(f"Unrecognized padding type: expected 'VALID' or 'SAME', got {padding}.")
    name = name.upper()
    if name == "VALID":
        return [(0, 0)] * len(in_shape)
    pads = []
    for n, k, s in zip(in_shape, window_shape, window_strides):
        total = max(0, (-(-int(n) // int(s)) - 1) * int(s) + int(k) - int(n))
        small, big = total // 2, total - total // 2
        pads.append((small, big) if name == "SAME" else (big, small))
    return pads


def conv_general_permutations(dimension_numbers):
    """The axis permutations ``(lhs, rhs, out)`` that a triple of layout strings describes.

    >>> import fungrad.lax as flax
    >>> flax.conv_general_permutations(("NHWC", "HWIO", "NHWC"))
    ((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    """
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    if not (len(lhs_spec) == len(rhs_spec) == len(out_spec)):
        raise TypeError(f"conv_general_permutations: specs {dimension_numbers} must have one length")
    for spec, chars in ((lhs_spec, "NC"), (rhs_spec, "OI"), (out_spec, "NC")):
        if any(spec.count(c) != 1 for c in chars) or len(set(spec)) != len(spec):
            raise TypeError(f"conv_general_permutations: {spec!r} must hold {chars[0]!r} and {chars[1]!r} once each")
    spatial = [c for c in rhs_spec if c not in "OI"]
    for spec in (lhs_spec, out_spec):
        if sorted(c for c in spec if c not in "NC") != sorted(spatial):
            raise TypeError(f"conv_general_permutations: {spec!r} and {rhs_spec!r} name different spatial axes")

    def perm(spec, lead):
        return tuple(spec.index(c) for c in (*lead, *spatial))

    return perm(lhs_spec, "NC"), perm(rhs_spec, "OI"), perm(out_spec, "NC")


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers):
    """A ``ConvDimensionNumbers`` from ``None`` (NCHW/OIHW/NCHW), layout strings or one already made.

    >>> import fungrad.lax as flax
    >>> flax.conv_dimension_numbers((1, 2, 3), (4, 2, 1), None)
    ConvDimensionNumbers(lhs_spec=(0, 1, 2), rhs_spec=(0, 1, 2), out_spec=(0, 1, 2))
    """
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(
            f"convolution requires lhs and rhs ndim to be equal, got {len(lhs_shape)} and {len(rhs_shape)}."
        )
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return dimension_numbers
    if dimension_numbers is None:
        default = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(default, default, default)
    if len(dimension_numbers) != 3:
        raise TypeError(f"convolution dimension_numbers must have length 3, got {len(dimension_numbers)}.")
    if not all(isinstance(s, str) for s in dimension_numbers):
        return ConvDimensionNumbers(*(tuple(int(a) for a in spec) for spec in dimension_numbers))
    if any(len(s) != len(lhs_shape) for s in dimension_numbers):
        raise TypeError(f"convolution dimension_numbers {dimension_numbers} must each have length {len(lhs_shape)}")
    return ConvDimensionNumbers(*conv_general_permutations(dimension_numbers))


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count=1):
    """The output shape of an NCHW/OIHW convolution with explicit (or named) padding.

    >>> import fungrad.lax as flax
    >>> flax.conv_shape_tuple((1, 2, 5), (3, 2, 2), (1,), [(0, 0)])
    (1, 3, 4)
    """
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError(
            f"Wrong number of explicit pads for convolution: expected {len(lhs_shape) - 2}, got {len(pads)}"
        )
    spatial = tuple(
        max(0, (int(n) + int(lo) + int(hi) - int(k)) // int(s) + 1)
        for n, k, s, (lo, hi) in zip(lhs_shape[2:], rhs_shape[2:], strides, pads)
    )
    return (int(lhs_shape[0]) // int(batch_group_count), int(rhs_shape[0]), *spatial)


def _in_layout(shape_canonical, out_perm):
    out = [0] * len(out_perm)
    for size, axis in zip(shape_canonical, out_perm):
        out[axis] = int(size)
    return tuple(out)


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """The output shape of ``conv_general_dilated`` (no dilation) in the output layout.

    >>> import fungrad.lax as flax
    >>> flax.conv_general_shape_tuple((1, 5, 2), (2, 2, 3), (1,), "VALID", ("NWC", "WIO", "NWC"))
    (1, 4, 3)
    """
    dn = conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)
    lhs = tuple(lhs_shape[a] for a in dn.lhs_spec)
    rhs = tuple(rhs_shape[a] for a in dn.rhs_spec)
    return _in_layout(conv_shape_tuple(lhs, rhs, window_strides, padding), dn.out_spec)


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """The output shape of ``conv_transpose`` in the output layout.

    >>> import fungrad.lax as flax
    >>> flax.conv_transpose_shape_tuple((1, 2, 4), (3, 2, 3), (2,), "SAME", None)
    (1, 3, 8)
    """
    dn = conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)
    lhs = tuple(lhs_shape[a] for a in dn.lhs_spec)
    rhs = tuple(rhs_shape[a] for a in dn.rhs_spec)
    if isinstance(padding, str):
        padding = [_conv._transpose_padding(k, s, padding) for k, s in zip(rhs[2:], window_strides)]
    # the stride-dilated input, padded, less the kernel's extent, plus one
    spatial = tuple(
        (int(n) - 1) * int(s) + 1 + int(lo) + int(hi) - int(k) + 1
        for n, k, s, (lo, hi) in zip(lhs[2:], rhs[2:], window_strides, padding)
    )
    return _in_layout((lhs[0], rhs[0], *spatial), dn.out_spec)


def reduce_window_shape_tuple(
    operand_shape, window_dimensions, window_strides, padding, base_dilation=None, window_dilation=None
):
    """The output shape of ``reduce_window`` with explicit ``(low, high)`` padding.

    >>> import fungrad.lax as flax
    >>> flax.reduce_window_shape_tuple((6,), (2,), (2,), ((0, 0),))
    (3,)
    """
    n = len(operand_shape)
    base = (1,) * n if base_dilation is None else base_dilation
    wdil = (1,) * n if window_dilation is None else window_dilation
    out = []
    for d, w, s, (lo, hi), b, r in zip(operand_shape, window_dimensions, window_strides, padding, base, wdil):
        size = _conv._dilate(int(d), int(b)) + int(lo) + int(hi)
        out.append(max(0, (size - _conv._dilate(int(w), int(r))) // int(s) + 1))
    return tuple(out)


def conv_with_general_padding(
    lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, precision=None, preferred_element_type=None
):
    """``conv_general_dilated`` in NCHW/OIHW layout with both dilations given.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.conv_with_general_padding(np.ones((1, 1, 4)), np.ones((1, 1, 2)), (1,), [(1, 0)], None, None).tolist()
    [[[1.0, 2.0, 2.0, 2.0]]]
    """
    return _conv.conv_general_dilated(
        lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
        precision=precision, preferred_element_type=preferred_element_type,
    )  # fmt: skip


def conv_general_dilated_patches(
    lhs,
    filter_shape,
    window_strides,
    padding,
    lhs_dilation=None,
    rhs_dilation=None,
    dimension_numbers=None,
    precision=None,
    preferred_element_type=None,
):
    """Every receptive-field patch of ``lhs``, as the feature axis of a convolution's output: feature
    ``c * prod(filter_shape) + p`` is input channel ``c`` at window position ``p`` (row-major).

    Built as a grouped convolution with one-hot kernels, so it is differentiable and batchable.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.conv_general_dilated_patches(np.arange(4.0).reshape(1, 1, 4), (2,), (1,), "VALID").tolist()
    [[[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]]]
    """
    lhs_shape = get_aval(lhs).shape
    filter_shape = tuple(int(k) for k in filter_shape)
    if len(filter_shape) != len(lhs_shape) - 2:
        raise ValueError(f"conv_general_dilated_patches: filter_shape {filter_shape} needs {len(lhs_shape) - 2} sizes")
    dn = conv_dimension_numbers(lhs_shape, lhs_shape, dimension_numbers)
    channels, window = lhs_shape[dn.lhs_spec[1]], math.prod(filter_shape)
    one_hot = np.eye(window, dtype=get_aval(lhs).dtype).reshape(window, 1, *filter_shape)
    kernel = np.tile(one_hot, (channels,) + (1,) * (len(lhs_shape) - 1))
    canonical = tuple(range(len(lhs_shape)))
    return _conv.conv_general_dilated(
        lhs, kernel, window_strides, padding, lhs_dilation, rhs_dilation,
        ConvDimensionNumbers(dn.lhs_spec, canonical, dn.out_spec), feature_group_count=channels,
        precision=precision, preferred_element_type=preferred_element_type,
    )  # fmt: skip


def conv_general_dilated_local(
    lhs,
    rhs,
    window_strides,
    padding,
    filter_shape,
    lhs_dilation=None,
    rhs_dilation=None,
    dimension_numbers=None,
    precision=None,
):
    """Unshared ("locally connected") convolution: a separate kernel at every output position.

    ``rhs`` has the kernel layout, its spatial axes being the *output* positions and its input-feature
    axis the flattened patch (channel-major, as :func:`conv_general_dilated_patches` gives it).

    >>> import fungrad.lax as flax, numpy as np
    >>> x, w = np.arange(4.0).reshape(1, 1, 4), np.ones((1, 2, 3))
    >>> flax.conv_general_dilated_local(x, w, (1,), "VALID", (2,)).tolist()
    [[[1.0, 3.0, 5.0]]]
    """
    patches = conv_general_dilated_patches(
        lhs, filter_shape, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers, precision
    )
    dn = conv_dimension_numbers(get_aval(lhs).shape, get_aval(rhs).shape, dimension_numbers)
    ndim = len(dn.out_spec)
    p = layout.transpose(patches, tuple(dn.out_spec))  # (N, C*P, *Y)
    w = layout.transpose(rhs, tuple(dn.rhs_spec))  # (O, C*P, *Y)
    spatial = tuple(range(2, ndim))
    out = _dot.dot_general(p, w, (((1,), (1,)), (spatial, spatial)), None, precision)  # (*Y, N, O)
    nsp = ndim - 2
    canonical = layout.transpose(out, (nsp, nsp + 1, *range(nsp)))  # (N, O, *Y)
    return layout.transpose(canonical, tuple(int(a) for a in np.argsort(dn.out_spec)))


# ---- fft and scatter_sub ------------------------------------------------------------------------------------


def fft(x, fft_type, fft_lengths):
    """The ``fft_type`` transform (an ``FftType`` or its name) over the last ``len(fft_lengths)`` axes.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.fft(np.array([1.0, 0.0]).astype(np.complex64), "FFT", (2,)).tolist()
    [(1+0j), (1+0j)]
    """
    name = getattr(fft_type, "name", fft_type)
    if not isinstance(name, str) or name.lower() not in _fft.FFT_TYPES:
        raise TypeError(f"fft: fft_type must be an FftType or one of FFT, IFFT, RFFT, IRFFT, got {fft_type!r}")
    return _fft.fft(x, name.lower(), fft_lengths)


def scatter_sub(
    operand,
    scatter_indices,
    updates,
    dimension_numbers,
    *,
    indices_are_sorted=False,
    unique_indices=False,
    mode=None,
):
    """``operand`` with ``updates`` subtracted at ``scatter_indices`` (``scatter_add`` of ``-updates``).

    >>> import fungrad.lax as flax, numpy as np
    >>> dn = flax.ScatterDimensionNumbers((), (0,), (0,))
    >>> flax.scatter_sub(np.zeros(3), np.array([[1], [1]]), np.array([1.0, 2.0]), dn).tolist()
    [0.0, -3.0, 0.0]
    """
    return _ix.scatter_add(
        operand, scatter_indices, ew.neg(updates), dimension_numbers,
        mode=mode, indices_are_sorted=indices_are_sorted, unique_indices=unique_indices,
    )  # fmt: skip
