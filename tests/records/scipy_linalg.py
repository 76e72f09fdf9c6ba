"""Op records for the ``fungrad.scipy.linalg`` functions added with issue 14 (cholesky, cho_solve and
solve_triangular are in linalg.py)."""

from __future__ import annotations

import jax.scipy.linalg as jsl
import numpy as np

import fungrad.scipy.linalg as fsl
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, make_args, **kw):
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    RECORDS.append(OpRecord(f"scipy.linalg.{name}", fun, ref, (), "real", make_args=make_args, **kw))


def general(rng, n=3):
    return (rng.normal(size=(n, n)) + 3 * np.eye(n),)


def symmetric(rng, n=3):
    m = rng.normal(size=(n, n))
    return (m + m.T + np.diag([0.0, 3.0, 6.0]),)


rec("det", fsl.det, jsl.det, general)
rec("inv", fsl.inv, jsl.inv, general)
rec("eigh-eigvals_only", lambda a: fsl.eigh(a, eigvals_only=True), lambda a: jsl.eigh(a, eigvals_only=True), symmetric)
rec(
    "eigh-upper",
    lambda a: fsl.eigh(a, lower=False)[0],
    lambda a: jsl.eigh(a, lower=False)[0],
    lambda rng: (rng.normal(size=(3, 3)) + np.diag([0.0, 3.0, 6.0]),),
)
rec(
    "qr-economic",
    lambda a: fsl.qr(a, mode="economic"),
    lambda a: jsl.qr(a, mode="economic"),
    lambda rng: (rng.normal(size=(4, 3)),),
)
rec(
    "svd-values",
    lambda a: fsl.svd(a, compute_uv=False),
    lambda a: jsl.svd(a, compute_uv=False),
    lambda rng: (rng.normal(size=(3, 2)),),
)
rec("lu", fsl.lu, jsl.lu, general)
rec("lu-permute_l", lambda a: fsl.lu(a, permute_l=True), lambda a: jsl.lu(a, permute_l=True), general)
rec("lu_factor", lambda a: fsl.lu_factor(a)[0], lambda a: jsl.lu_factor(a)[0], general)
for trans in (0, 1):
    rec(
        f"lu_solve-trans{trans}",
        lambda a, b, t=trans: fsl.lu_solve(fsl.lu_factor(a), b, trans=t),
        lambda a, b, t=trans: jsl.lu_solve(jsl.lu_factor(a), b, trans=t),
        lambda rng: (*general(rng), rng.normal(size=(3, 2))),
    )
rec("expm", fsl.expm, jsl.expm, lambda rng: (0.5 * rng.normal(size=(3, 3)),), atol=1e-7, rtol=1e-7)
rec(
    "expm-squarings",
    fsl.expm,
    jsl.expm,
    lambda rng: (4.0 * rng.normal(size=(2, 2)),),
    atol=1e-7,
    rtol=1e-7,
    fd_tol=1e-4,
)


def spd(rng, n=3):
    m = rng.normal(size=(n, n))
    return (m @ m.T + n * np.eye(n),)


def sym(a):
    return (a + a.T) / 2  # the factorizations read one triangle: differentiate along symmetric directions


rec("cholesky", lambda a: fsl.cholesky(sym(a), lower=True), lambda a: jsl.cholesky(sym(a), lower=True), spd)
rec("solve", fsl.solve, jsl.solve, lambda rng: (*general(rng), rng.normal(size=(3,))))
rec(
    "cho_solve",
    lambda a, b: fsl.cho_solve(fsl.cho_factor(sym(a)), b),
    lambda a, b: jsl.cho_solve(jsl.cho_factor(sym(a)), b),
    lambda rng: (*spd(rng), rng.normal(size=(3, 2))),
)
rec("cho_factor", lambda a: fsl.cho_factor(sym(a), lower=True)[0], lambda a: jsl.cho_factor(sym(a), lower=True)[0], spd)
