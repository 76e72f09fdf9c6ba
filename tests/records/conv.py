"""Op records for conv_general_dilated, reduce_window and the nn conv/pool layers."""

from __future__ import annotations

import jax.lax as jlax
import jax.numpy as jnp
import numpy as np

import fungrad.lax as flax
import fungrad.nn as fnn
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes, **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), "real", atol=1e-8, rtol=1e-8, **kw))


def conv(**kw):
    return (lambda x, w: flax.conv_general_dilated(x, w, **kw)), (lambda x, w: jlax.conv_general_dilated(x, w, **kw))


rec("lax.conv-valid", *conv(window_strides=(1, 1), padding="VALID"), [(2, 3, 5, 4), (4, 3, 2, 3)])
rec(
    "lax.conv-same-stride-groups",
    *conv(window_strides=(2, 1), padding="SAME", feature_group_count=2),
    [(2, 4, 6, 5), (6, 2, 3, 2)],
    order=1,
)
rec(
    "lax.conv-nhwc-dilated",
    *conv(
        window_strides=(2, 2),
        padding=((1, 2), (0, 1)),
        lhs_dilation=(2, 1),
        rhs_dilation=(1, 2),
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
    ),
    [(2, 5, 6, 3), (3, 2, 3, 4)],
    order=1,
)
rec(
    "lax.conv-1d-batch-groups",
    *conv(window_strides=(1,), padding="VALID", batch_group_count=2),
    [(4, 3, 5), (4, 3, 2)],
    order=1,
)


def window(init, op, **kw):
    return (lambda x: flax.reduce_window(x, init, op, **kw)), (lambda x: jlax.reduce_window(x, init, op, **kw))


POOL = dict(window_dimensions=(1, 2, 2), window_strides=(1, 2, 2), padding="VALID")
SAME = dict(window_dimensions=(1, 3, 3), window_strides=(1, 2, 1), padding="SAME")
DILATED = dict(window_dimensions=(3,), window_strides=(2,), padding=((2, 1),), base_dilation=(2,))
for tag, kw, shape in [("pool", POOL, (2, 4, 6)), ("same", SAME, (2, 5, 4)), ("base-dilated", DILATED, (7,))]:
    rec(f"lax.reduce_window_sum-{tag}", *window(0.0, jlax.add, **kw), [shape])
    rec(f"lax.reduce_window_max-{tag}", *window(-np.inf, jlax.max, **kw), [shape])
    rec(f"lax.reduce_window_min-{tag}", *window(np.inf, jlax.min, **kw), [shape], order=1)

rec(
    "nn.conv2d-nhwc",
    lambda x, w: fnn.conv2d(x, w, stride=2, padding="SAME"),
    lambda x, w: jlax.conv_general_dilated(x, w, (2, 2), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")),
    [(2, 5, 5, 3), (3, 3, 3, 4)],
    order=1,
)
rec(
    "nn.conv2d-nchw",
    lambda x, w: fnn.conv2d(x, w, padding=1, data_format="NCHW"),
    lambda x, w: jlax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1))),
    [(2, 3, 4, 4), (4, 3, 3, 3)],
    order=1,
)
rec(
    "nn.max_pool2d",
    lambda x: fnn.max_pool2d(x, 2),
    lambda x: jlax.reduce_window(x, -jnp.inf, jlax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"),
    [(2, 4, 4, 3)],
)
rec(
    "nn.avg_pool2d-same",
    lambda x: fnn.avg_pool2d(x, 3, stride=2, padding="SAME"),
    lambda x: jlax.reduce_window(x, 0.0, jlax.add, (1, 3, 3, 1), (1, 2, 2, 1), "SAME") / 9,
    [(2, 5, 5, 2)],
)

# ties: the derivative goes to the first maximal element of each window, as JAX's select-and-gather
rec(
    "lax.reduce_window_max-ties",
    *window(-np.inf, jlax.max, window_dimensions=(3,), window_strides=(1,), padding="SAME"),
    [(8,)],
    make_args=lambda rng: (np.array([1.0, 1.0, 2.0, 2.0, 0.0, 3.0, 3.0, 3.0]),),
    fd=False,
    tags=("special-values",),
)


def conv_t(**kw):
    return (lambda x, w: flax.conv_transpose(x, w, **kw)), (lambda x, w: jlax.conv_transpose(x, w, **kw))


rec("lax.conv_transpose-same", *conv_t(strides=(2, 2), padding="SAME"), [(2, 3, 3, 2), (3, 3, 2, 3)], order=1)
rec(
    "lax.conv_transpose-valid-transpose-kernel",
    *conv_t(strides=(2,), padding="VALID", transpose_kernel=True),
    [(2, 4, 3), (2, 2, 3)],
    order=1,
)
rec(
    "lax.conv",
    lambda x, w: flax.conv(x, w, (1, 1), "SAME"),
    lambda x, w: jlax.conv(x, w, (1, 1), "SAME"),
    [(2, 3, 4, 4), (2, 3, 2, 2)],
    order=1,
)
