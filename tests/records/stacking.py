"""Op records for stacking, splitting and axis reordering (fungrad/numpy/_stacking.py)."""

from __future__ import annotations

import jax.numpy as jnp

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes, **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


rec("hstack", lambda m, a, b: m.hstack([a, b]), [(2, 3), (2, 1)])
rec("hstack-1d", lambda m, a, b: m.hstack((a, b)), [(2,), ()])
rec("vstack", lambda m, a, b: m.vstack([a, b]), [(3,), (2, 3)])
rec("dstack", lambda m, a, b: m.dstack([a, b]), [(2, 3), (2, 3, 2)])
rec("column_stack", lambda m, a, b: m.column_stack([a, b]), [(3,), (3, 2)])
rec("concat-axis-none", lambda m, a, b: m.concat([a, b], axis=None), [(2, 2), (3,)])
rec("array_split", lambda m, a: m.array_split(a, 3, axis=1), [(2, 5)])
rec("array_split-indices", lambda m, a: m.array_split(a, [1, 3]), [(4,)])
rec("hsplit", lambda m, a: m.hsplit(a, 2), [(2, 4)])
rec("vsplit", lambda m, a: m.vsplit(a, [1]), [(3, 2)])
rec("dsplit", lambda m, a: m.dsplit(a, 2), [(1, 2, 4)])
rec("atleast_1d", lambda m, a, b: m.atleast_1d(a, b), [(), (2,)])
rec("atleast_2d", lambda m, a: m.atleast_2d(a), [(3,)])
rec("atleast_3d", lambda m, a, b: m.atleast_3d(a, b), [(3,), (2, 3)])
rec("unstack", lambda m, a: m.unstack(a, axis=1), [(2, 3)])
rec("append", lambda m, a, b: m.append(a, b), [(2, 2), (3,)])
rec("append-axis", lambda m, a, b: m.append(a, b, axis=0), [(2, 2), (1, 2)])
rec("block", lambda m, a, b, c, d: m.block([[a, b], [c, d]]), [(1, 1), (1, 2), (2, 1), (2, 2)])
rec("broadcast_arrays", lambda m, a, b: m.broadcast_arrays(a, b), [(2, 1), (3,)])
rec("permute_dims", lambda m, a: m.permute_dims(a, (2, 0, 1)), [(1, 2, 3)])
rec("matrix_transpose", lambda m, a: m.matrix_transpose(a), [(2, 1, 3)])
rec("rollaxis", lambda m, a: m.rollaxis(a, 2, 1), [(1, 2, 3)])
