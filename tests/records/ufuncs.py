"""Op records for the ufunc objects of fungrad.numpy (fungrad/numpy/_ufunc.py): the methods ``reduce``,
``accumulate``, ``at``, ``reduceat`` and ``outer`` of the predefined ufuncs (direct forms: ``add.reduce`` is
``sum``) and of the general scan-based forms (``subtract``, ``logaddexp.at``, ``frompyfunc`` ufuncs).

Each record's ``call(module, *args)`` runs once with fungrad.numpy and once with jax.numpy.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes=(), **kw):
    prefix = "numpy." if name.startswith("frompyfunc") else "numpy.ufunc."
    RECORDS.append(OpRecord(f"{prefix}{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


MASK = np.array([True, False, True])
IDX = np.array([0, 2, 0, 3])  # a repeated index: updates apply once per occurrence
SEGMENTS = np.array([0, 2, 1, 3])  # 1 < 2: that segment is just a[2], as in NumPy


def mul_sin(m):
    """A ufunc made from a Python function of scalars (non-associative: the general forms fold in order)."""
    return m.frompyfunc(lambda a, b: a * m.sin(b) + 0.5, 2, 1)


# reduce: direct forms (sum, prod, max, min, logsumexp) and the general left fold
rec("add.reduce-keepdims", lambda m, x: m.add.reduce(x, axis=1, keepdims=True), [(2, 3)])
rec("add.reduce-where-initial", lambda m, x: m.add.reduce(x, axis=1, where=MASK, initial=2.0), [(2, 3)])
rec("add.reduce-axes", lambda m, x: m.add.reduce(x, axis=(0, 2)), [(2, 3, 2)])
rec("multiply.reduce", lambda m, x: m.multiply.reduce(x, axis=None), [(2, 3)], domain="nonzero")
rec("maximum.reduce-where", lambda m, x: m.maximum.reduce(x, axis=1, where=MASK, initial=-5.0), [(2, 3)], fd=False)
rec("minimum.reduce", lambda m, x: m.minimum.reduce(x, axis=0), [(3, 2)])
rec("logaddexp.reduce", lambda m, x: m.logaddexp.reduce(x, axis=1), [(2, 3)])
rec("logaddexp2.reduce", lambda m, x: m.logaddexp2.reduce(x), [(3, 2)])
rec("subtract.reduce", lambda m, x: m.subtract.reduce(x, axis=1), [(2, 3)])
rec("subtract.reduce-initial-where", lambda m, x: m.subtract.reduce(x, axis=1, initial=1.0, where=MASK), [(2, 3)])
rec("logical_and.reduce", lambda m, x: m.logical_and.reduce(x, axis=0), [(3, 2)], domain="bool", grad=False)
rec("bitwise_or.reduce", lambda m, x: m.bitwise_or.reduce(x, axis=1), [(2, 3)], domain="int", grad=False)
rec("frompyfunc-reduce", lambda m, x: mul_sin(m).reduce(x, axis=0), [(3, 2)])

# accumulate
rec("add.accumulate", lambda m, x: m.add.accumulate(x, axis=1), [(2, 3)])
rec("multiply.accumulate", lambda m, x: m.multiply.accumulate(x), [(3, 2)], domain="nonzero")
rec("maximum.accumulate", lambda m, x: m.maximum.accumulate(x, axis=1), [(2, 4)])
rec("subtract.accumulate", lambda m, x: m.subtract.accumulate(x, axis=-1), [(2, 3)])
rec("frompyfunc-accumulate", lambda m, x: mul_sin(m).accumulate(x, axis=1), [(2, 3)])

# at: repeated indices (direct scatters and the in-order general form)
rec("add.at", lambda m, a, b: m.add.at(a, IDX, b, inplace=False), [(4,), (4,)])
rec("subtract.at-2d", lambda m, a, b: m.subtract.at(a, (IDX, 1), b, inplace=False), [(4, 2), (4,)])
# JAX cannot differentiate its multiply scatter w.r.t. repeated updates: the operand only (see
# tests/test_ufunc.py for fungrad's update derivative against finite differences)
rec("multiply.at", lambda m, a, b: m.multiply.at(a, IDX, b, inplace=False), [(4,), (4,)], grad_argnums=(0,))
rec("maximum.at", lambda m, a, b: m.maximum.at(a, IDX, b, inplace=False), [(4,), (4,)], fd=False)
rec("logaddexp.at", lambda m, a, b: m.logaddexp.at(a, IDX, b, inplace=False), [(4,), (4,)])
rec("negative.at", lambda m, a: m.negative.at(a, IDX, inplace=False), [(4,)])
rec("frompyfunc-at", lambda m, a, b: mul_sin(m).at(a, IDX, b, inplace=False), [(4,), (4,)])
# a slice in the index: JAX's ufunc.at cannot take one (it is a jit argument there); fungrad's can
RECORDS.append(
    OpRecord(
        "numpy.ufunc.add.at-slice",
        lambda a, b: fnp.add.at(a, (slice(None), 1), b, inplace=False),
        lambda a, b: jnp.asarray(a).at[:, 1].add(b),
        [(3, 2), (3,)],
    )
)

# reduceat
rec("add.reduceat", lambda m, x: m.add.reduceat(x, SEGMENTS), [(5,)])
rec("maximum.reduceat-axis1", lambda m, x: m.maximum.reduceat(x, SEGMENTS, axis=1), [(2, 5)], fd=False)
rec("frompyfunc-reduceat", lambda m, x: mul_sin(m).reduceat(x, SEGMENTS), [(5,)])

# outer
rec("subtract.outer", lambda m, a, b: m.subtract.outer(a, b), [(2,), (3,)])
rec("multiply.outer-2d", lambda m, a, b: m.multiply.outer(a, b), [(2, 2), (3,)])
rec("logaddexp.outer", lambda m, a, b: m.logaddexp.outer(a, b), [(3,), (2,)])
rec("frompyfunc-outer", lambda m, a, b: mul_sin(m).outer(a, b), [(2,), (3,)])
rec("frompyfunc-call", lambda m, a, b: mul_sin(m)(a, b), [(2, 3), (3,)])
