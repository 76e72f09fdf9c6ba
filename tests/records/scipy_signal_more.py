"""Op records for ``fungrad.scipy.signal.fftconvolve`` (every mode, swapped sizes, ``axes``) and
``detrend`` (constant, linear, breakpoints)."""

from __future__ import annotations

import jax.scipy.signal as jss

import fungrad.scipy.signal as fss
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes, **kw):
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    RECORDS.append(OpRecord(f"scipy.signal.{name}", fun, ref, tuple(shapes), "real", **kw))


for mode in ["full", "same", "valid"]:
    rec(f"fftconvolve-{mode}", lambda a, v, m=mode: fss.fftconvolve(a, v, m),
        lambda a, v, m=mode: jss.fftconvolve(a, v, m), [(5, 4), (3, 2)])  # fmt: skip
    rec(f"fftconvolve-{mode}-swapped", lambda a, v, m=mode: fss.fftconvolve(a, v, m),
        lambda a, v, m=mode: jss.fftconvolve(a, v, m), [(2, 3), (4, 5)])  # fmt: skip
    rec(f"fftconvolve-{mode}-axes", lambda a, v, m=mode: fss.fftconvolve(a, v, m, axes=1),
        lambda a, v, m=mode: jss.fftconvolve(a, v, m, axes=1), [(3, 6), (3, 4)])  # fmt: skip
rec("detrend-linear", lambda x: fss.detrend(x), lambda x: jss.detrend(x), [(3, 7)])
rec("detrend-constant-axis0", lambda x: fss.detrend(x, axis=0, type="constant"),
    lambda x: jss.detrend(x, axis=0, type="constant"), [(5, 3)])  # fmt: skip
rec("detrend-bp", lambda x: fss.detrend(x, bp=[3, 6]), lambda x: jss.detrend(x, bp=[3, 6]), [(2, 9)])
