"""Op records for array editing and small utilities (fungrad/numpy/_editing.py, _pad.py, _vectorize.py)."""

from __future__ import annotations

import jax.numpy as jnp

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes, **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


# ---- pad: every mode, the pad_width forms, wide pads that reflect or wrap more than once ----------------
rec("pad-constant", lambda m, a: m.pad(a, ((1, 2), (0, 3))), [(2, 3)])
rec("pad-constant-int-width", lambda m, a: m.pad(a, 2, constant_values=1.5), [(3,)])
rec("pad-constant-values-traced", lambda m, a, c: m.pad(a, (1, 2), constant_values=c), [(2, 2), ()])
rec("pad-constant-values-pairs", lambda m, a, c: m.pad(a, 1, constant_values=c), [(2, 3), (2, 2)])
rec("pad-constant-complex", lambda m, a: m.pad(a, (2, 1), constant_values=1j), [(3,)], domain="complex")
rec("pad-edge", lambda m, a: m.pad(a, ((2, 1), (1, 0)), mode="edge"), [(2, 3)])
rec("pad-reflect", lambda m, a: m.pad(a, ((2, 3), (1, 1)), mode="reflect"), [(3, 2)])
rec("pad-reflect-wide", lambda m, a: m.pad(a, (7, 5), mode="reflect"), [(3,)])
rec("pad-reflect-odd", lambda m, a: m.pad(a, (5, 4), mode="reflect", reflect_type="odd"), [(3,)])
rec("pad-symmetric", lambda m, a: m.pad(a, ((1, 4), (2, 0)), mode="symmetric"), [(3, 2)])
rec("pad-symmetric-odd", lambda m, a: m.pad(a, 4, mode="symmetric", reflect_type="odd"), [(2, 3)])
rec("pad-wrap", lambda m, a: m.pad(a, ((4, 1), (2, 5)), mode="wrap"), [(2, 3)])
rec("pad-linear_ramp", lambda m, a: m.pad(a, ((2, 1), (3, 2)), mode="linear_ramp", end_values=(1.0, -2.0)), [(2, 3)])
rec("pad-linear_ramp-complex", lambda m, a: m.pad(a, (2, 1), mode="linear_ramp"), [(3,)], domain="complex")
rec("pad-maximum", lambda m, a: m.pad(a, ((1, 2), (2, 1)), mode="maximum"), [(2, 3)], fd=False)
rec("pad-minimum-stat_length", lambda m, a: m.pad(a, 2, mode="minimum", stat_length=2), [(4,)], fd=False)
rec("pad-mean", lambda m, a: m.pad(a, ((1, 2), (2, 1)), mode="mean"), [(2, 3)])
rec(
    "pad-mean-stat_length", lambda m, a: m.pad(a, ((1, 2), (2, 1)), mode="mean", stat_length=((1, 2), (2, 3))), [(3, 4)]
)
rec("pad-median", lambda m, a: m.pad(a, (2, 1), mode="median", stat_length=3), [(5,)], fd=False)
rec("pad-median-even", lambda m, a: m.pad(a, ((1, 1), (1, 2)), mode="median"), [(2, 4)])
rec("pad-empty", lambda m, a: m.pad(a, (1, 2), mode="empty"), [(3,)])
rec("pad-int", lambda m, a: m.pad(a, (2, 3), mode="reflect"), [(4,)], domain="int", grad=False)
rec("pad-int-mean", lambda m, a: m.pad(a, 2, mode="mean"), [(4,)], domain="int", grad=False)
