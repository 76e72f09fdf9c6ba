"""Op records for fungrad.numpy names that had tests elsewhere but no record: the window functions, the
index and triangle constructors, ``fliplr``, ``flatnonzero``, ``nancumprod``/``nansum`` with NaNs, and
``einsum_path``'s path fed back to ``einsum``. Constructors of constants check values (and dtypes)
only; the rest run every check."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []
CONSTANT = dict(grad=False, vmap=False, jit=False)


def rec(name, call, shapes=(), **kw):
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


for window in ("bartlett", "blackman", "hamming", "hanning"):
    rec(window, lambda m, w=window: getattr(m, w)(7), **CONSTANT)
    rec(f"{window}-short", lambda m, w=window: (getattr(m, w)(1), getattr(m, w)(0)), **CONSTANT)
rec("empty", lambda m: m.empty((2, 3)).shape, **CONSTANT)  # contents unspecified: shape and dtype only
rec("empty-dtype", lambda m: m.empty((2,), dtype=m.int32).dtype == m.int32, **CONSTANT)
rec("identity", lambda m: m.identity(3, dtype=m.float32), **CONSTANT)
rec("tri", lambda m: (m.tri(3), m.tri(3, 4, k=1), m.tri(2, 3, k=-1, dtype=m.int32)), **CONSTANT)
rec("indices", lambda m: m.indices((2, 3)), **CONSTANT)
rec("indices-sparse", lambda m: m.indices((2, 3), sparse=True, dtype=m.int32), **CONSTANT)
rec("mask_indices", lambda m: m.mask_indices(3, m.triu, 1), **CONSTANT)
rec("tril_indices", lambda m: (m.tril_indices(3), m.tril_indices(3, k=-1, m=4)), **CONSTANT)
rec("triu_indices", lambda m: (m.triu_indices(3), m.triu_indices(2, k=1, m=4)), **CONSTANT)
rec("diag_indices", lambda m: (m.diag_indices(3), m.diag_indices(2, ndim=3)), **CONSTANT)

rec("fliplr", lambda m, x: m.fliplr(x), [(2, 3)])
rec("fliplr-3d", lambda m, x: m.fliplr(x), [(2, 3, 2)])
rec("flatnonzero-size", lambda m, x: m.flatnonzero(x > 0, size=4, fill_value=-1), [(2, 3)], grad=False)
rec("flatnonzero", lambda m, x: m.flatnonzero(x > 0), [(2, 3)], **CONSTANT)


def with_nans(rng):
    x = rng.normal(size=(2, 3))
    x[0, 1] = x[1, 2] = np.nan
    return (x,)


rec("nancumprod", lambda m, x: m.nancumprod(x, axis=1), make_args=with_nans)
rec("nancumprod-flat", lambda m, x: m.nancumprod(x), make_args=with_nans)
rec("nansum", lambda m, x: m.nansum(x, axis=0), make_args=with_nans)
rec("nansum-keepdims", lambda m, x: m.nansum(x, axis=1, keepdims=True), make_args=with_nans)


def contract_along_path(m, a, b, c):
    path, _ = m.einsum_path("ij,jk,kl->il", a, b, c, optimize="optimal")
    return m.einsum("ij,jk,kl->il", a, b, c, optimize=path)


rec("einsum_path", contract_along_path, [(2, 3), (3, 4), (4, 2)])
