"""Op records for fungrad.numpy.linalg / fungrad.scipy.linalg (decompositions with derivatives)."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

import fungrad.numpy as fnp
import fungrad.scipy.linalg as fsl
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, make_args, **kw):
    RECORDS.append(OpRecord(name, fun, ref, (), "real", make_args=make_args, atol=1e-8, rtol=1e-8, **kw))


def spd(rng, n=3):
    m = rng.normal(size=(n, n))
    return m @ m.T + n * np.eye(n)


def general(rng, n=3):
    return rng.normal(size=(n, n)) + 3 * np.eye(n)


def lower(rng, n=3):
    return np.tril(rng.normal(size=(n, n)) * 0.3) + 2 * np.eye(n)


rec("linalg.cholesky", fnp.linalg.cholesky, jnp.linalg.cholesky, lambda rng: (spd(rng),))
rec("linalg.solve-vector", fnp.linalg.solve, jnp.linalg.solve, lambda rng: (general(rng), rng.normal(size=(3,))))
rec(
    "linalg.solve-matrix",
    fnp.linalg.solve,
    jnp.linalg.solve,
    lambda rng: (general(rng), rng.normal(size=(3, 2))),
    order=1,
)
rec("linalg.inv", fnp.linalg.inv, jnp.linalg.inv, lambda rng: (general(rng),))
rec("linalg.det", fnp.linalg.det, jnp.linalg.det, lambda rng: (general(rng),))
rec(
    "linalg.slogdet",
    lambda a: tuple(fnp.linalg.slogdet(a)),
    lambda a: tuple(jnp.linalg.slogdet(a)),
    lambda rng: (general(rng),),
)
rec("linalg.eigvalsh", fnp.linalg.eigvalsh, jnp.linalg.eigvalsh, lambda rng: (spd(rng) + np.diag([0.0, 3.0, 6.0]),))
rec(
    "linalg.eigh-vectors",
    lambda a: (lambda v: v * v[..., :1, :])(fnp.linalg.eigh(a).eigenvectors),
    lambda a: (lambda v: v * v[..., :1, :])(jnp.linalg.eigh(a).eigenvectors),
    lambda rng: (spd(rng) + np.diag([0.0, 3.0, 6.0]),),
    order=1,
)
rec(
    "linalg.svdvals",
    lambda a: fnp.linalg.svd(a, compute_uv=False),
    lambda a: jnp.linalg.svd(a, compute_uv=False),
    lambda rng: (rng.normal(size=(4, 3)),),
)
rec(
    "linalg.svd-thin",
    lambda a: (lambda u, s, vt: (s, u * u[..., :1, :], vt * vt[..., :, :1]))(*fnp.linalg.svd(a, full_matrices=False)),
    lambda a: (lambda u, s, vt: (s, u * u[..., :1, :], vt * vt[..., :, :1]))(*jnp.linalg.svd(a, full_matrices=False)),
    lambda rng: (rng.normal(size=(4, 3)),),
    order=1,
)
rec(
    "linalg.qr",
    lambda a: tuple(fnp.linalg.qr(a)),
    lambda a: tuple(jnp.linalg.qr(a)),
    lambda rng: (rng.normal(size=(4, 3)),),
    order=1,
)
rec(
    "scipy.linalg.solve_triangular",
    lambda a, b: fsl.solve_triangular(a, b, lower=True),
    lambda a, b: jsl.solve_triangular(a, b, lower=True),
    lambda rng: (lower(rng), rng.normal(size=(3, 2))),
)
rec(
    "scipy.linalg.solve_triangular-trans",
    lambda a, b: fsl.solve_triangular(a, b, trans=1, lower=True),
    lambda a, b: jsl.solve_triangular(a, b, trans=1, lower=True),
    lambda rng: (lower(rng), rng.normal(size=(3,))),
)
rec(
    "linalg.svd-full-square",
    lambda a: (lambda u, s, vt: (s, u * u[..., :1, :], vt * vt[..., :, :1]))(*fnp.linalg.svd(a)),
    lambda a: (lambda u, s, vt: (s, u * u[..., :1, :], vt * vt[..., :, :1]))(*jnp.linalg.svd(a)),
    lambda rng: (rng.normal(size=(3, 3)),),
    order=1,
)
rec(
    "linalg.svd-full-nonsquare-values",
    lambda a: fnp.linalg.svd(a)[1],
    lambda a: jnp.linalg.svd(a)[1],
    lambda rng: (rng.normal(size=(4, 3)),),
    grad=False,  # derivatives of the full factorization of a non-square matrix raise, as in JAX
)
