"""Op records for grids, index helpers and creation (fungrad/numpy/_grids.py)."""

from __future__ import annotations

import jax.numpy as jnp

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes, **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


# ---- differentiable: grids and concatenations of their array arguments -----------------------------------
rec("meshgrid-xy", lambda m, a, b, c: m.meshgrid(a, b, c), [(3,), (2,), (4,)])
rec("meshgrid-ij-sparse", lambda m, a, b: m.meshgrid(a, b, indexing="ij", sparse=True), [(3,), (2,)])
rec("meshgrid-xy-sparse", lambda m, a, b: m.meshgrid(a, b, sparse=True), [(3,), (2,)])
rec("meshgrid-complex", lambda m, a, b: m.meshgrid(a, b), [(2,), (3,)], domain="complex")
rec("r_", lambda m, a, b: m.r_[a, 0.5, b], [(2,), (3,)])
rec("r_-slice", lambda m, a: m.r_[a, 0:3, a], [(2,)])
rec("r_-directive-axis-ndmin", lambda m, a, b: m.r_["0,2", a, b], [(2, 3), (3,)])
rec("r_-directive-axis", lambda m, a, b: m.r_["-1", a, b], [(2, 1), (2, 3)])
rec("r_-directive-trans1d", lambda m, a, b: m.r_["0,2,0", a, b], [(2,), (2,)])
rec("r_-row-matrix", lambda m, a, b: m.r_["r", a, b], [(2,), (3,)])
rec("r_-column-matrix", lambda m, a: m.r_["c", a], [(3,)])
rec("c_", lambda m, a, b: m.c_[a, b], [(3,), (3,)])
rec("c_-2d", lambda m, a, b: m.c_[a, b, a], [(2, 2), (2,)])
rec("logspace", lambda m, a, b: m.logspace(a, b, 5), [(), ()])
rec(
    "logspace-axis-base",
    lambda m, a, b, c: m.logspace(a, b, 4, base=c, axis=1, endpoint=False),
    [(2,), (), ()],
    domain=("real", "real", "positive"),
)
rec("geomspace", lambda m, a, b: m.geomspace(a, b, 5), [(), (3,)], domain="positive")
rec(
    "geomspace-negative-axis",
    lambda m, a, b: m.geomspace(-a, -b, 3, axis=-1, endpoint=False),
    [(2,), ()],
    domain="positive",
)
rec("kaiser", lambda m, b: m.kaiser(6, b), [()], domain="positive")
rec(
    "fromfunction", lambda m, a: m.fromfunction(lambda i, j: m.take(a, i) * j + m.take(a, j), (3, 3), dtype=int), [(3,)]
)
rec("empty_like", lambda m, a: m.empty_like(a), [(2, 3)])

# ---- integer-valued: index helpers -----------------------------------------------------------------------
rec("ix_", lambda m, a, b: m.ix_(a, b), [(2,), (3,)], domain="int", grad=False)
rec("unravel_index", lambda m, i: m.unravel_index(i, (2, 3)), [(4,)], domain="int", grad=False)
rec("unravel_index-oob", lambda m, i: m.unravel_index(i * 3, (2, 2)), [(5,)], domain="int", grad=False)
rec(
    "ravel_multi_index-wrap",
    lambda m, i, j: m.ravel_multi_index((i, j), (3, 4), mode="wrap"),
    [(5,), (5,)],
    domain="int",
    grad=False,
)
rec(
    "ravel_multi_index-clip-F",
    lambda m, i, j: m.ravel_multi_index((i, j), (3, 4), mode="clip", order="F"),
    [(5,), (5,)],
    domain="int",
    grad=False,
)
rec("tril_indices_from", lambda m, a: m.tril_indices_from(a, k=1), [(3, 4)], grad=False)
rec("triu_indices_from", lambda m, a: m.triu_indices_from(a, k=-1), [(4, 3)], grad=False)
rec("diag_indices_from", lambda m, a: m.diag_indices_from(a), [(3, 3)], grad=False)
