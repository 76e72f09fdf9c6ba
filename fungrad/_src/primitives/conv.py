"""conv_general_dilated: N-d convolution (cross-correlation) with strides, padding, dilation, groups.

``dimension_numbers`` is held as three index tuples ``(lhs_spec, rhs_spec, out_spec)``: for the input,
``(batch, feature, *spatial)`` axes; for the kernel, ``(out_feature, in_feature, *spatial)``; for the
output, ``(batch, feature, *spatial)``. In 1-d, without groups, writing ``x`` for the input after
``lhs_dilation`` and padding, ``s`` for the stride and ``r`` for ``rhs_dilation``::

    out[n, o, y] = sum_{i, k} x[n, i, y*s + k*r] * w[o, i, k]

The operation is bilinear, so its jvp is ``conv(dx, w) + conv(x, dw)`` and reverse mode needs the
two transposes below, each itself a convolution with the roles of strides and dilations exchanged.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.core import FungradTypeError, Primitive, abstract_eval, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import shape as sh

conv_general_dilated_p = Primitive("conv_general_dilated")


def _lower(lhs, rhs, *, dimension_numbers, **params):
    return lax.conv_general_dilated(lhs, rhs, dimension_numbers=lax.ConvDimensionNumbers(*dimension_numbers), **params)


def_lowering(conv_general_dilated_p, _lower)


def conv_general_dilated(
    lhs,
    rhs,
    window_strides,
    padding,
    lhs_dilation=None,
    rhs_dilation=None,
    dimension_numbers=None,
    feature_group_count: int = 1,
    batch_group_count: int = 1,
    precision=None,
    preferred_element_type=None,
):
    """General dilated convolution, as ``jax.lax.conv_general_dilated`` (differentiable, batchable).

    ``padding`` is ``"SAME"``, ``"SAME_LOWER"``, ``"VALID"`` or a sequence of ``(low, high)`` pairs;
    ``dimension_numbers`` is ``None`` (NCHW/OIHW/NCHW), a tuple of layout strings such as
    ``("NHWC", "HWIO", "NHWC")``, or a ``ConvDimensionNumbers``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.conv_general_dilated(fnp.ones((1, 1, 4)), fnp.ones((1, 1, 2)), (1,), "VALID").tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    lhs_shape, rhs_shape = get_aval(lhs).shape, get_aval(rhs).shape
    if len(lhs_shape) != len(rhs_shape) or len(lhs_shape) < 2:
        raise FungradTypeError(
            f"conv_general_dilated: lhs {lhs_shape} and rhs {rhs_shape} must have the same rank (at least 2)"
        )
    nspatial = len(lhs_shape) - 2
    if dimension_numbers is not None and not isinstance(dimension_numbers[0], str):
        dimension_numbers = lax.ConvDimensionNumbers(*(tuple(spec) for spec in dimension_numbers))
    dn = tuple(
        tuple(int(a) for a in spec) for spec in lax.conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)
    )
    lhs_dilation = (1,) * nspatial if lhs_dilation is None else tuple(int(d) for d in lhs_dilation)
    rhs_dilation = (1,) * nspatial if rhs_dilation is None else tuple(int(d) for d in rhs_dilation)
    window_strides = tuple(int(s) for s in window_strides)
    if isinstance(padding, str):
        window = [_dilate(rhs_shape[a], r) for a, r in zip(dn[1][2:], rhs_dilation)]
        padding = lax.padtype_to_pads([lhs_shape[a] for a in dn[0][2:]], window, window_strides, padding)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    return bind(
        conv_general_dilated_p,
        lhs,
        rhs,
        window_strides=window_strides,
        padding=padding,
        lhs_dilation=lhs_dilation,
        rhs_dilation=rhs_dilation,
        dimension_numbers=dn,
        feature_group_count=int(feature_group_count),
        batch_group_count=int(batch_group_count),
        precision=precision,
        preferred_element_type=None if preferred_element_type is None else np.dtype(preferred_element_type),
    )


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """Convolution with NCHW inputs and OIHW kernels, no dilation (``jax.lax.conv``).

    Args:
        lhs: the input, ``(N, C, *spatial)``.
        rhs: the kernels, ``(O, I, *window)``.
        window_strides: the stride per spatial axis.
        padding: ``"SAME"``, ``"VALID"`` or ``(low, high)`` pairs.
        precision: as ``jax.lax``.
        preferred_element_type: the accumulation and result dtype.

    Returns:
        ``(N, O, *spatial_out)``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.conv(np.ones((1, 1, 4)), np.ones((1, 1, 2)), (1,), "VALID").tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    return conv_general_dilated(
        lhs, rhs, window_strides, padding, precision=precision, preferred_element_type=preferred_element_type
    )


_TRANSPOSE_LAYOUTS = {3: ("NHC", "HIO", "NHC"), 4: ("NHWC", "HWIO", "NHWC"), 5: ("NHWDC", "HWDIO", "NHWDC")}


def conv_transpose(
    lhs,
    rhs,
    strides,
    padding,
    rhs_dilation=None,
    dimension_numbers=None,
    transpose_kernel: bool = False,
    precision=None,
    preferred_element_type=None,
):
    """Transposed ("deconvolution") convolution, as ``jax.lax.conv_transpose`` (channels-last default).

    It is a convolution of the input dilated by ``strides``; ``"SAME"`` makes the output ``strides``
    times larger, ``"VALID"`` adds the kernel's overhang. With ``transpose_kernel`` the kernel is
    flipped and its in/out features swapped, giving the gradient of ``conv_general_dilated``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.conv_transpose(fnp.ones((1, 3, 1)), fnp.ones((2, 1, 1)), (2,), "SAME").shape
    (1, 6, 1)
    """
    lhs_shape, rhs_shape = get_aval(lhs).shape, get_aval(rhs).shape
    if dimension_numbers is None:
        if len(lhs_shape) not in _TRANSPOSE_LAYOUTS:
            raise FungradTypeError(f"conv_transpose: give dimension_numbers for {len(lhs_shape)}-d inputs")
        dimension_numbers = _TRANSPOSE_LAYOUTS[len(lhs_shape)]
    dn = lax.conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)
    nspatial = len(lhs_shape) - 2
    rhs_dilation = (1,) * nspatial if rhs_dilation is None else tuple(rhs_dilation)
    if isinstance(padding, str):
        kernel = [_dilate(rhs_shape[a], r) for a, r in zip(dn.rhs_spec[2:], rhs_dilation)]
        padding = [_transpose_padding(k, s, padding) for k, s in zip(kernel, strides)]
    if transpose_kernel:
        rhs = sh.rev(rhs, dn.rhs_spec[2:])
        perm = list(range(len(rhs_shape)))
        perm[dn.rhs_spec[0]], perm[dn.rhs_spec[1]] = perm[dn.rhs_spec[1]], perm[dn.rhs_spec[0]]
        rhs = sh.transpose(rhs, perm)
    return conv_general_dilated(
        lhs, rhs, (1,) * nspatial, padding, tuple(strides), rhs_dilation, dn,
        precision=precision, preferred_element_type=preferred_element_type,
    )  # fmt: skip


def _transpose_padding(k: int, s: int, padding: str) -> tuple[int, int]:
    """Padding of the stride-dilated input so SAME gives ``s`` times the size and VALID the full overlap."""
    if padding == "SAME":
        total = k + s - 2
        before = k - 1 if s > k - 1 else int(np.ceil(total / 2))
    elif padding == "VALID":
        total = k + s - 2 + max(k - s, 0)
        before = k - 1
    else:
        raise FungradTypeError(f"conv_transpose: padding must be 'SAME', 'VALID' or explicit pairs, got {padding!r}")
    return before, total - before


def _dilate(size: int, d: int) -> int:
    return 0 if size == 0 else 1 + d * (size - 1)


def _swap01(spec):
    return (spec[1], spec[0], *spec[2:])


def _split_axis(x, axis: int, major: int):
    """Split ``axis`` into ``(major, size // major)`` (two adjacent axes)."""
    shape = list(get_aval(x).shape)
    shape[axis : axis + 1] = [major, shape[axis] // major]
    return sh.reshape(x, shape)


def _merge_axis_into(x, src: int, dst: int):
    """Remove axis ``src`` and make it the major part of axis ``dst`` (``dst`` counted without ``src``)."""
    perm = [i for i in range(get_aval(x).ndim) if i != src]
    perm.insert(dst, src)
    x = sh.transpose(x, perm)
    shape = list(get_aval(x).shape)
    shape[dst : dst + 2] = [shape[dst] * shape[dst + 1]]
    return sh.reshape(x, shape)


def _spatial_sizes(lhs_shape, rhs_shape, ct_shape, params) -> list[tuple[int, int, int]]:
    """Per spatial axis, what both transposes are built from: the lhs-dilated input size, the
    rhs-dilated window size and the stride-dilated output (cotangent) size."""
    lhs_spec, rhs_spec, out_spec = params["dimension_numbers"]
    return [
        (
            _dilate(lhs_shape[lhs_spec[2 + i]], params["lhs_dilation"][i]),
            _dilate(rhs_shape[rhs_spec[2 + i]], params["rhs_dilation"][i]),
            _dilate(ct_shape[out_spec[2 + i]], params["window_strides"][i]),
        )
        for i in range(len(lhs_spec) - 2)
    ]


def _lhs_transpose(ct, lhs, rhs, **params):
    # d x[n, i, p] = sum_{o, y, k : y*s + k*r = p} g[n, o, y] w[o, i, k]: a "full" correlation of g
    # (dilated by the stride s) with the spatially reversed kernel, its in/out features swapped,
    # read only at the input's own (lhs-dilated) positions: strides and lhs dilation trade places.
    lhs_spec, rhs_spec, out_spec = params["dimension_numbers"]
    feature_group_count, batch_group_count = params["feature_group_count"], params["batch_group_count"]
    sizes = _spatial_sizes(lhs.aval.shape, get_aval(rhs).shape, get_aval(ct).shape, params)
    groups = feature_group_count
    if feature_group_count > 1 or batch_group_count > 1:
        # Group g's output features must read group g's input features: fold the group index of the
        # kernel's out-feature axis into its in-feature axis, and convolve with that many groups.
        groups = max(feature_group_count, batch_group_count)
        rhs = _merge_axis_into(_split_axis(rhs, rhs_spec[0], groups), rhs_spec[0], rhs_spec[1])
    pads = []
    for (in_size, window, out_size), (lo, _) in zip(sizes, params["padding"]):
        before = window - lo - 1
        pads.append((before, in_size + window - 1 - out_size - before))
    out = conv_general_dilated(
        ct,
        sh.rev(rhs, rhs_spec[2:]),
        params["lhs_dilation"],
        pads,
        params["window_strides"],
        params["rhs_dilation"],
        (out_spec, _swap01(rhs_spec), lhs_spec),
        groups,
        1,
        params["precision"],
        params["preferred_element_type"],
    )
    if batch_group_count > 1:
        # The batch groups came out as feature groups: move them back into the batch axis.
        out = _merge_axis_into(_split_axis(out, lhs_spec[1], batch_group_count), lhs_spec[1], lhs_spec[0])
    return ew.convert_element_type(out, lhs.aval.dtype)


def _rhs_transpose(ct, lhs, rhs, **params):
    # d w[o, i, k] = sum_{n, y} x[n, i, y*s + k*r] g[n, o, y]: a convolution of x (batch and feature
    # swapped, so the sum runs over n) with g as the kernel (dilated by the stride s), evaluated with
    # stride r. Feature groups become batch groups of this convolution and vice versa.
    lhs_spec, rhs_spec, out_spec = params["dimension_numbers"]
    sizes = _spatial_sizes(get_aval(lhs).shape, rhs.aval.shape, get_aval(ct).shape, params)
    pads = [
        (lo, out_size - in_size + window - lo - 1)
        for (in_size, window, out_size), (lo, _) in zip(sizes, params["padding"])
    ]
    out = conv_general_dilated(
        lhs,
        ct,
        params["rhs_dilation"],
        pads,
        params["lhs_dilation"],
        params["window_strides"],
        (_swap01(lhs_spec), _swap01(out_spec), _swap01(rhs_spec)),
        params["batch_group_count"],
        params["feature_group_count"],
        params["precision"],
        params["preferred_element_type"],
    )
    return ew.convert_element_type(out, rhs.aval.dtype)


ad.defbilinear(conv_general_dilated_p, _lhs_transpose, _rhs_transpose)


def _conv_batch(args, dims, *, dimension_numbers, feature_group_count, batch_group_count, **params):
    (lhs, rhs), (dl, dr) = args, dims
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    size = get_aval(lhs).shape[dl] if dl is not None else get_aval(rhs).shape[dr]
    params.update(dimension_numbers=dimension_numbers)
    if size == 0:  # an empty batch: no groups to fold into, just the right empty shape
        avals = [_unbatched_aval(x, d) for x, d in zip(args, dims)]
        out = abstract_eval(
            conv_general_dilated_p,
            avals,
            dict(params, feature_group_count=feature_group_count, batch_group_count=batch_group_count),
        )
        return ew.full_like_aval(0, out.update_shape((0, *out.shape))), 0
    conv = lambda x, w, fg, bg: bind(  # noqa: E731
        conv_general_dilated_p,
        x,
        w,
        feature_group_count=fg,
        batch_group_count=bg,
        **params,
    )
    if dl is not None and dr is not None:
        # One convolution per example = V times more groups (the vmap index major in each axis):
        # feature groups split the input features, batch groups split the input batch.
        rhs = _merge_axis_into(sh.bdim_to_front(rhs, dr), 0, rhs_spec[0])
        lhs = sh.bdim_to_front(lhs, dl)
        if batch_group_count > 1:
            out = conv(_merge_axis_into(lhs, 0, lhs_spec[0]), rhs, feature_group_count, batch_group_count * size)
        else:
            out = conv(_merge_axis_into(lhs, 0, lhs_spec[1]), rhs, feature_group_count * size, 1)
        return _split_axis(out, out_spec[1], size), out_spec[1]
    if dl is not None:
        # Batched input only: the vmap axis joins the batch axis (inside each batch group).
        lhs = sh.bdim_to_front(lhs, dl)
        if batch_group_count > 1:
            lhs = _split_axis(lhs, lhs_spec[0] + 1, batch_group_count)  # (V, ..., B, N/B, ...)
            lhs = _merge_axis_into(lhs, 0, lhs_spec[0] + 1)
            lhs = _merge_axis_into(lhs, lhs_spec[0], lhs_spec[0])
        else:
            lhs = _merge_axis_into(lhs, 0, lhs_spec[0])
        out = conv(lhs, rhs, feature_group_count, batch_group_count)
        return _split_axis(out, out_spec[0], size), out_spec[0]
    # Batched kernel only: the vmap axis joins the output features (inside each group).
    rhs = sh.bdim_to_front(rhs, dr)
    groups = max(feature_group_count, batch_group_count)
    if groups > 1:
        rhs = _split_axis(rhs, rhs_spec[0] + 1, groups)  # (V, ..., G, O/G, ...)
        rhs = _merge_axis_into(rhs, 0, rhs_spec[0] + 1)
        rhs = _merge_axis_into(rhs, rhs_spec[0], rhs_spec[0])
        out = conv(lhs, rhs, feature_group_count, batch_group_count)
        out = _split_axis(out, out_spec[1], groups)  # (..., G, V * O/G, ...)
        out = _split_axis(out, out_spec[1] + 1, size)  # (..., G, V, O/G, ...)
        out = sh.moveaxis(out, out_spec[1] + 1, out_spec[1])  # (..., V, G, O/G, ...)
        return _merge_axis_into(out, out_spec[1] + 1, out_spec[1] + 1), out_spec[1]
    rhs = _merge_axis_into(rhs, 0, rhs_spec[0])
    out = conv(lhs, rhs, feature_group_count, batch_group_count)
    return _split_axis(out, out_spec[1], size), out_spec[1]


def _unbatched_aval(x, d):
    aval = get_aval(x)
    return aval if d is None else aval.update_shape(aval.shape[:d] + aval.shape[d + 1 :])


batching.def_batching(conv_general_dilated_p, _conv_batch)
