"""Op records for ``fungrad.numpy``'s statistics (fungrad/numpy/_statistics.py)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes=(), **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


def with_nans(rng):
    x = rng.normal(size=(2, 4))
    x[0, 1] = x[1, 3] = np.nan
    return (x,)


rec("average", lambda m, a: m.average(a, axis=1), [(2, 3)])
rec("average-weights", lambda m, a, w: m.average(a, axis=0, weights=w), [(3, 2), (3,)], domain=["real", "positive"])
rec(
    "average-returned",
    lambda m, a, w: m.average(a, weights=w, returned=True),
    [(2, 2), (2, 2)],
    domain=["real", "positive"],
)
rec("cov", lambda m, a: m.cov(a), [(2, 4)])
rec("cov-y-rowvar-ddof", lambda m, a, b: m.cov(a, b, rowvar=False, ddof=0), [(4, 2), (4, 1)])
rec("corrcoef", lambda m, a: m.corrcoef(a), [(3, 4)])
rec("ptp", lambda m, a: m.ptp(a, axis=0), [(3, 2)])
for name in ["nanmax", "nanmin", "nanmean", "nanvar", "nanstd"]:
    rec(name, lambda m, a, n=name: getattr(m, n)(a, axis=1), make_args=with_nans, fd=False)
rec("nanvar-ddof-all", lambda m, a: m.nanvar(a, ddof=1), make_args=with_nans, fd=False)
for name in ["nanargmax", "nanargmin"]:
    rec(name, lambda m, a, n=name: getattr(m, n)(a, axis=1), make_args=with_nans, grad=False)
rec(
    "nan_to_num",
    lambda m, a: m.nan_to_num(a, nan=-1.0, posinf=9.0),
    make_args=lambda rng: (np.array([np.nan, np.inf, -np.inf, 1.5]),),
    fd=False,
)
rec("bincount", lambda m, x: m.bincount(x, length=6), make_args=lambda rng: (rng.integers(0, 5, size=7),), grad=False)
rec(
    "bincount-weights",
    lambda m, x, w: m.bincount(x, w, length=5),
    make_args=lambda rng: (rng.integers(0, 5, size=6), rng.normal(size=6)),
    grad_argnums=(1,),
)
rec("histogram", lambda m, a: m.histogram(a, bins=4), [(7,)], grad=False)
rec(
    "histogram-range-weights-density",
    lambda m, a, w: m.histogram(a, bins=3, range=(-1.0, 1.0), weights=w, density=True),
    [(6,), (6,)],
    domain=["unit", "positive"],
    grad_argnums=(1,),
)
rec("histogram_bin_edges", lambda m, a: m.histogram_bin_edges(a, bins=3), [(5,)])
rec(
    "digitize",
    lambda m, x, b: m.digitize(x, b),
    make_args=lambda rng: (rng.normal(size=5), np.array([-1.0, 0.0, 0.5, 2.0])),
    grad=False,
)
rec(
    "digitize-decreasing-right",
    lambda m, x, b: m.digitize(x, b, right=True),
    make_args=lambda rng: (rng.normal(size=5), np.array([2.0, 0.5, 0.0, -1.0])),
    grad=False,
)
