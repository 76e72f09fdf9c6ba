"""Windowed reductions: reduce_window_sum (linear) and reduce_window_max / reduce_window_min (pooling).

Every window parameter has one entry per operand axis: ``window_dimensions``, ``window_strides``,
``padding`` (``(low, high)`` pairs), ``base_dilation`` (holes inserted between input elements) and
``window_dilation`` (holes between window taps). Writing ``xp`` for the input after base dilation
and padding, window ``y`` with tap ``k`` reads ``xp[y*s + k*r]`` (stride ``s``, window dilation
``r``), exactly like a convolution with an all-ones kernel.
"""

from __future__ import annotations

import itertools

import numpy as np
from jax import lax
from jax import numpy as jnp

from fungrad._src import ad, batching
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import reductions as red
from fungrad._src.primitives import shape as sh


def _dilate(size: int, d: int) -> int:
    return 0 if size == 0 else 1 + d * (size - 1)


def _normalize(x, window_dimensions, window_strides, padding, base_dilation, window_dilation):
    ndim = get_aval(x).ndim
    ones = (1,) * ndim
    window_dimensions = tuple(int(d) for d in window_dimensions)
    window_strides = tuple(int(s) for s in window_strides)
    base_dilation = ones if base_dilation is None else tuple(int(d) for d in base_dilation)
    window_dilation = ones if window_dilation is None else tuple(int(d) for d in window_dilation)
    if isinstance(padding, str):
        in_shape = [_dilate(n, d) for n, d in zip(get_aval(x).shape, base_dilation)]
        window = [_dilate(w, d) for w, d in zip(window_dimensions, window_dilation)]
        padding = lax.padtype_to_pads(in_shape, window, window_strides, padding)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    return dict(
        window_dimensions=window_dimensions,
        window_strides=window_strides,
        padding=padding,
        base_dilation=base_dilation,
        window_dilation=window_dilation,
    )


def _window_batch(prim):
    """The vmap axis becomes an extra operand axis with a window of one element."""

    def rule(args, dims, *, window_dimensions, window_strides, padding, base_dilation, window_dilation):
        (x,), (d,) = args, dims
        out = bind(
            prim,
            sh.bdim_to_front(x, d),
            window_dimensions=(1, *window_dimensions),
            window_strides=(1, *window_strides),
            padding=((0, 0), *padding),
            base_dilation=(1, *base_dilation),
            window_dilation=(1, *window_dilation),
        )
        return out, 0

    return rule


# ---- reduce_window_sum ------------------------------------------------------------------------------

reduce_window_sum_p = Primitive("reduce_window_sum")


def _sum_lowering(x, **params):
    return lax.reduce_window(x, np.zeros((), x.dtype), lax.add, **params)


def_lowering(reduce_window_sum_p, _sum_lowering)


def reduce_window_sum(x, window_dimensions, window_strides, padding, base_dilation=None, window_dilation=None):
    """Sum over sliding windows (``padding`` may be ``"SAME"``/``"VALID"`` or explicit pairs)."""
    params = _normalize(x, window_dimensions, window_strides, padding, base_dilation, window_dilation)
    return bind(reduce_window_sum_p, x, **params)


def _reduce_window_sum_transpose(ct, x, *, window_dimensions, window_strides, padding, base_dilation, window_dilation):
    # x_bar[p] = sum of ct[y] over the windows y whose taps k hit p (y*s + k*r = p in padded,
    # base-dilated coordinates): dilate ct by the stride (interior padding), pad it so every tap
    # of every window is covered, and sum windows of the same shape again, now striding by the base
    # dilation so that only real input positions are read. The window is all ones, so no flip.
    in_shape, ct_shape = x.aval.shape, get_aval(ct).shape
    config = []
    for n, w, s, (lo, _), b, r, m in zip(
        in_shape, window_dimensions, window_strides, padding, base_dilation, window_dilation, ct_shape
    ):
        in_size, window, out_size = _dilate(n, b), _dilate(w, r), _dilate(m, s)
        before = window - lo - 1
        config.append((before, in_size + window - 1 - out_size - before, s - 1))
    padded = sh.pad(ct, np.zeros((), get_aval(ct).dtype), config)
    ones = (1,) * len(in_shape)
    zeros = ((0, 0),) * len(in_shape)
    return [reduce_window_sum(padded, window_dimensions, base_dilation, zeros, ones, window_dilation)]


ad.deflinear(reduce_window_sum_p, _reduce_window_sum_transpose)
batching.def_batching(reduce_window_sum_p, _window_batch(reduce_window_sum_p))

# ---- reduce_window_max, reduce_window_min -------------------------------------------------------------

reduce_window_max_p = Primitive("reduce_window_max")
reduce_window_min_p = Primitive("reduce_window_min")


def _chooser_lowering(op, identity):
    def lower(x, **params):
        init = np.array(identity(x.dtype), x.dtype)
        return lax.reduce_window(x, init, op, **params)

    return lower


def _lowest(dtype):
    return -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).max


def_lowering(reduce_window_max_p, _chooser_lowering(lax.max, _lowest))
def_lowering(reduce_window_min_p, _chooser_lowering(lax.min, _highest))


def reduce_window_max(x, window_dimensions, window_strides, padding, base_dilation=None, window_dilation=None):
    """Maximum over sliding windows (padding and holes count as ``-inf``)."""
    params = _normalize(x, window_dimensions, window_strides, padding, base_dilation, window_dilation)
    return bind(reduce_window_max_p, x, **params)


def reduce_window_min(x, window_dimensions, window_strides, padding, base_dilation=None, window_dilation=None):
    """Minimum over sliding windows (padding and holes count as ``+inf``)."""
    params = _normalize(x, window_dimensions, window_strides, padding, base_dilation, window_dilation)
    return bind(reduce_window_min_p, x, **params)


def _window_taps(x, fill, out_shape, *, window_dimensions, window_strides, padding, base_dilation, window_dilation):
    """``(K, *out_shape)``: for each of the K window taps, the element every window reads there."""
    config = [(lo, hi, b - 1) for (lo, hi), b in zip(padding, base_dilation)]
    xp = sh.pad(x, np.array(fill, get_aval(x).dtype), config)
    taps = []
    for k in itertools.product(*(range(w) for w in window_dimensions)):
        start = [ki * r for ki, r in zip(k, window_dilation)]
        limit = [st + (m - 1) * s + 1 for st, m, s in zip(start, out_shape, window_strides)]
        taps.append(sh.expand_dims(sh.slice(xp, start, limit, window_strides), (0,)))
    return sh.concatenate(taps, 0)


def _chooser_jvp(prim, identity):
    # The derivative of a window's max is the tangent of the element that attains it (the first
    # one in window order at ties), as in JAX's select-and-gather formulation. The selection is a
    # constant one-hot mask over the window taps, so the tangent map (pad, slices, mask, sum) is
    # linear and transposes with existing rules.
    def rule(primals, tangents, **params):
        (x,), (t,) = primals, tangents
        ans = bind(prim, x, **params)
        out_shape = get_aval(ans).shape
        dtype = get_aval(x).dtype
        x_taps = _window_taps(x, identity(dtype), out_shape, **params)
        t_taps = _window_taps(t, 0, out_shape, **params)
        choice = red.argmax(x_taps, 0) if prim is reduce_window_max_p else red.argmin(x_taps, 0)
        k = get_aval(x_taps).shape[0]
        taps = sh.broadcast_in_dim(np.arange(k, dtype=np.int32), get_aval(x_taps).shape, (0,))
        chosen = ew.eq(taps, sh.broadcast_in_dim(choice, get_aval(x_taps).shape, tuple(range(1, 1 + len(out_shape)))))
        mask = ew.convert_element_type(chosen, get_aval(t).dtype)
        return ans, red.reduce_sum(ew.mul(t_taps, mask), (0,))

    return rule


for _p, _identity in ((reduce_window_max_p, _lowest), (reduce_window_min_p, _highest)):
    ad.def_jvp(_p, _chooser_jvp(_p, _identity))
    batching.def_batching(_p, _window_batch(_p))


def reduce_window(
    operand,
    init_value,
    computation,
    window_dimensions,
    window_strides,
    padding,
    base_dilation=None,
    window_dilation=None,
):
    """``jax.lax.reduce_window`` for the sum, max and min monoids (with their identity as init).

    >>> import jax, fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.reduce_window(fnp.arange(4.0), -fnp.inf, jax.lax.max, (2,), (2,), "VALID").tolist()
    [1.0, 3.0]
    """
    kind = _monoids().get(computation)
    dtype = get_aval(operand).dtype
    init = float(np.asarray(init_value))
    expected = {"sum": 0.0, "max": float(_lowest(dtype)), "min": float(_highest(dtype))}.get(kind)
    if kind is None or init != expected:
        raise NotImplementedError(
            "reduce_window: supported computations are add with init 0, max with init -inf and min with "
            f"init +inf (got {getattr(computation, '__name__', computation)} with init {init_value})"
        )
    fn = {"sum": reduce_window_sum, "max": reduce_window_max, "min": reduce_window_min}[kind]
    return fn(operand, window_dimensions, window_strides, padding, base_dilation, window_dilation)


def _monoids():
    return {
        lax.add: "sum", ew.add: "sum", jnp.add: "sum",
        lax.max: "max", ew.maximum: "max", jnp.maximum: "max",
        lax.min: "min", ew.minimum: "min", jnp.minimum: "min",
    }  # fmt: skip
