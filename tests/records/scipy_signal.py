"""Op records for ``fungrad.scipy.signal`` and ``fungrad.numpy.convolve``/``correlate``: every mode,
and swapped argument orders (the smaller input slides) where the code branches on them."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.signal as jss

import fungrad.numpy as fnp
import fungrad.scipy.signal as fss
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes, **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), "real", **kw))


def pair(prefix, fmod, jmod, name, mode, shapes):
    tag = "x".join("-".join(map(str, s)) for s in shapes)
    rec(
        f"{prefix}.{name}-{mode}-{tag}",
        lambda a, v: getattr(fmod, name)(a, v, mode),
        lambda a, v: getattr(jmod, name)(a, v, mode),
        shapes,
    )


for mode in ["full", "same", "valid"]:
    for name in ["convolve", "correlate"]:
        pair("numpy", fnp, jnp, name, mode, [(5,), (3,)])
        pair("scipy.signal", fss, jss, name, mode, [(4, 3), (2, 2)])
    pair("scipy.signal", fss, jss, "convolve2d", mode, [(4, 3), (2, 2)])
    pair("scipy.signal", fss, jss, "correlate2d", mode, [(2, 2), (3, 4)])  # swapped: in1 is the smaller
pair("numpy", fnp, jnp, "correlate", "full", [(2,), (4,)])  # swapped: the output is reversed
pair("scipy.signal", fss, jss, "correlate2d", "full", [(4, 3), (2, 2)])
