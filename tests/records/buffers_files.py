"""Op records for the data-reading constructors of fungrad.numpy (fungrad/numpy/_io.py): ``frombuffer``,
``fromstring``, ``load`` (after ``save``/``savez``) and ``from_dlpack``. They read concrete data, so the
records compare values (and dtypes) with jax.numpy; there is nothing to differentiate or batch over."""

from __future__ import annotations

import array
import io

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []
VALUES_ONLY = dict(grad=False, vmap=False, jit=False)


def rec(name, call, **kw):
    RECORDS.append(OpRecord(f"numpy.{name}", lambda: call(fnp), lambda: call(jnp), (), **VALUES_ONLY, **kw))


def saved(m, x, *, archive=False):
    """Write ``x`` with ``m.save`` (or ``m.savez``) and read it back with ``m.load``."""
    buf = io.BytesIO()
    (m.savez if archive else m.save)(buf, x)
    buf.seek(0)
    out = m.load(buf)
    return out["arr_0"] if archive else out


BYTES = np.arange(6.0, dtype=np.float32).tobytes()
rec("frombuffer", lambda m: m.frombuffer(BYTES, dtype=np.float32))
rec("frombuffer-count-offset", lambda m: m.frombuffer(BYTES, dtype=np.float32, count=3, offset=4))
rec("frombuffer-array-module", lambda m: m.frombuffer(array.array("i", [3, 1, 2]), dtype=np.int32))
rec("fromstring", lambda m: m.fromstring("1.5, 2, -3", sep=","))
rec("fromstring-int-count", lambda m: m.fromstring("4 5 6 7", dtype=np.int32, count=2, sep=" "))
rec("load-after-save", lambda m: saved(m, m.arange(6.0).reshape(2, 3)))
rec("load-after-save-bool", lambda m: saved(m, m.array([True, False])))
rec("load-after-savez", lambda m: saved(m, np.arange(4), archive=True))
rec("from_dlpack", lambda m: m.from_dlpack(np.linspace(0.0, 1.0, 4)))
