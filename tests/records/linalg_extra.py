"""Op records for the ``fungrad.numpy.linalg`` functions added with issue 14: array-API products, matrix
powers and chains, tensor solves, pinv/lstsq, every norm order, cond, matrix_rank and the hermitian svd."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, make_args, **kw):
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    RECORDS.append(OpRecord(f"linalg.{name}", fun, ref, (), "real", make_args=make_args, **kw))


def both(name):
    return getattr(fnp.linalg, name), getattr(jnp.linalg, name)


def general(rng, n=3):
    return rng.normal(size=(n, n)) + 3 * np.eye(n)


def normal(*shape):
    return lambda rng: tuple(rng.normal(size=s) for s in shape)


# ---- products ------------------------------------------------------------------------------------------
rec("matmul", *both("matmul"), normal((2, 3, 4), (4, 2)))
rec("tensordot", *both("tensordot"), normal((2, 3, 4), (3, 4, 2)))
rec("tensordot-axes1", *(lambda x, y, f=f: f(x, y, axes=1) for f in both("tensordot")), normal((2, 3), (3, 2)))
rec("trace", *both("trace"), normal((2, 3, 3)))
rec("trace-offset", *(lambda x, f=f: f(x, offset=1) for f in both("trace")), normal((3, 4)))
rec("diagonal", *both("diagonal"), normal((2, 3, 4)))
rec("diagonal-offset", *(lambda x, f=f: f(x, offset=-1) for f in both("diagonal")), normal((3, 4)))
rec("outer", *both("outer"), normal((3,), (2,)))
rec("cross", *both("cross"), normal((2, 3), (2, 3)))
rec("cross-axis0", *(lambda x, y, f=f: f(x, y, axis=0) for f in both("cross")), normal((3, 2), (3, 2)))
rec("matrix_transpose", *both("matrix_transpose"), normal((2, 3, 4)))
rec("vecdot", *both("vecdot"), normal((2, 3), (3,)))
rec("vecdot-axis0", *(lambda x, y, f=f: f(x, y, axis=0) for f in both("vecdot")), normal((3, 2), (3, 2)))
rec(
    "vecdot-complex",
    *both("vecdot"),
    lambda rng: tuple(rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3)) for _ in range(2)),
)

# ---- powers, chains, tensor inverses and solves -------------------------------------------------------------
for n in (0, 1, 2, 3, 5, -1, -2):
    rec(
        f"matrix_power-{n}",
        *(lambda a, f=f, n=n: f(a, n) for f in both("matrix_power")),
        lambda rng: (0.5 * general(rng),),
        grad=n != 0,
    )
rec("multi_dot", lambda *a: fnp.linalg.multi_dot(a), lambda *a: jnp.linalg.multi_dot(a), normal((2, 5), (5, 3), (3, 4)))
rec(
    "multi_dot-vectors",
    lambda *a: fnp.linalg.multi_dot(a),
    lambda *a: jnp.linalg.multi_dot(a),
    normal((5,), (5, 3), (3, 6), (6, 2), (2,)),
)
rec("tensorinv", *both("tensorinv"), lambda rng: ((rng.normal(size=(4, 4)) + 3 * np.eye(4)).reshape(2, 2, 4),))
rec(
    "tensorinv-ind1",
    *(lambda a, f=f: f(a, ind=1) for f in both("tensorinv")),
    lambda rng: ((rng.normal(size=(4, 4)) + 3 * np.eye(4)).reshape(4, 2, 2),),
)
rec(
    "tensorsolve",
    *both("tensorsolve"),
    lambda rng: ((rng.normal(size=(4, 4)) + 3 * np.eye(4)).reshape(2, 2, 4), rng.normal(size=(2, 2))),
)
rec(
    "tensorsolve-axes",
    *(lambda a, b, f=f: f(a, b, axes=(0,)) for f in both("tensorsolve")),
    lambda rng: ((rng.normal(size=(4, 4)) + 3 * np.eye(4)).reshape(4, 2, 2), rng.normal(size=(2, 2))),
)

# ---- pseudo-inverse and least squares -----------------------------------------------------------------
rec("pinv-tall", *both("pinv"), normal((4, 3)))
rec("pinv-wide", *both("pinv"), normal((2, 3)))
rec("pinv-batched", *both("pinv"), normal((2, 3, 3)), order=1)
rec(
    "pinv-hermitian",
    *(lambda a, f=f: f(a, hermitian=True) for f in both("pinv")),
    lambda rng: (general(rng) + general(rng).T,),
    order=1,
)
rec(
    "pinv-rank-deficient",
    *both("pinv"),
    lambda rng: (np.outer(rng.normal(size=3), rng.normal(size=3)) + np.outer(rng.normal(size=3), rng.normal(size=3)),),
    order=1,
    fd=False,  # the cutoff drops a zero singular value: constant rank holds only along low-rank directions
)
rec(
    "lstsq",
    lambda a, b: fnp.linalg.lstsq(a, b)[:2],
    lambda a, b: jnp.linalg.lstsq(a, b)[:2],
    normal((5, 3), (5,)),
    vmap=False,  # single matrices only, as in JAX (vmap runs over the jnp.linalg.lstsq loop elsewhere)
)
rec(
    "lstsq-matrix-rank-s",
    lambda a, b: (lambda x, r, k, s: (x, r, s))(*fnp.linalg.lstsq(a, b, rcond=1e-3)),
    lambda a, b: (lambda x, r, k, s: (x, r, s))(*jnp.linalg.lstsq(a, b, rcond=1e-3)),
    normal((4, 3), (4, 2)),
    order=1,
)
rec(
    "lstsq-rank",
    lambda a, b: fnp.linalg.lstsq(a, b)[2],
    lambda a, b: jnp.linalg.lstsq(a, b)[2],
    lambda rng: (np.outer(rng.normal(size=4), rng.normal(size=3)), rng.normal(size=(4,))),
    grad=False,
)

# ---- norms ----------------------------------------------------------------------------------------------
for ord_ in (None, 2, 1, np.inf, -np.inf, 0, 3, -3, 0.5):
    rec(
        f"vector_norm-ord{ord_}",
        lambda x, o=ord_: fnp.linalg.vector_norm(x, ord=o, axis=-1),
        lambda x, o=ord_: jnp.linalg.vector_norm(x, ord=o, axis=-1),
        normal((2, 4)),
        grad=ord_ != 0,
    )
    rec(
        f"norm-vector-ord{ord_}",
        lambda x, o=ord_: fnp.linalg.norm(x, ord=o, axis=0, keepdims=True),
        lambda x, o=ord_: jnp.linalg.norm(x, ord=o, axis=0, keepdims=True),
        normal((4, 2)),
        grad=ord_ != 0,
    )
rec("vector_norm-all-axes", fnp.linalg.vector_norm, jnp.linalg.vector_norm, normal((2, 3, 2)))
rec("norm-flat", fnp.linalg.norm, jnp.linalg.norm, normal((2, 3, 2)))
for ord_ in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
    for keepdims in (False, True):
        rec(
            f"norm-matrix-ord{ord_}-keepdims{keepdims}",
            lambda x, o=ord_, k=keepdims: fnp.linalg.norm(x, ord=o, axis=(2, 0), keepdims=k),
            lambda x, o=ord_, k=keepdims: jnp.linalg.norm(x, ord=o, axis=(2, 0), keepdims=k),
            normal((3, 2, 4)),
        )
    rec(
        f"matrix_norm-ord{ord_}",
        lambda x, o=ord_: fnp.linalg.matrix_norm(x, ord=o if o is not None else "fro"),
        lambda x, o=ord_: jnp.linalg.matrix_norm(x, ord=o if o is not None else "fro"),
        normal((2, 3, 4)),
    )
rec(
    "norm-complex-nuc",
    lambda x: fnp.linalg.norm(x, ord="nuc"),
    lambda x: jnp.linalg.norm(x, ord="nuc"),
    lambda rng: (rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2)),),
    order=1,
)
rec(
    "norm-complex-vector",
    lambda x: fnp.linalg.norm(x, axis=-1),
    lambda x: jnp.linalg.norm(x, axis=-1),
    lambda rng: (rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2)),),
)
for p in (None, 2, -2, 1, -1, np.inf, -np.inf, "fro", "nuc"):
    rec(f"cond-p{p}", lambda a, p=p: fnp.linalg.cond(a, p), lambda a, p=p: jnp.linalg.cond(a, p), normal((2, 3, 3)))
rec(
    "matrix_rank",
    fnp.linalg.matrix_rank,
    jnp.linalg.matrix_rank,
    lambda rng: (np.stack([np.outer(rng.normal(size=4), rng.normal(size=3)), rng.normal(size=(4, 3))]),),
    grad=False,
)
rec(
    "matrix_rank-tol",
    lambda a: fnp.linalg.matrix_rank(a, tol=0.5),
    lambda a: jnp.linalg.matrix_rank(a, tol=0.5),
    normal((3, 3)),
    grad=False,
)
rec(
    "svd-hermitian",
    lambda a: (lambda u, s, vh: (s, u * u[..., :1, :], vh * vh[..., :, :1]))(*fnp.linalg.svd(a, hermitian=True)),
    lambda a: (lambda u, s, vh: (s, u * u[..., :1, :], vh * vh[..., :, :1]))(*jnp.linalg.svd(a, hermitian=True)),
    lambda rng: (np.diag([1.0, -4.0, 2.5]) + 0.2 * (lambda m: m + m.T)(rng.normal(size=(3, 3))),),
    order=1,
)
rec(
    "svdvals-hermitian",
    lambda a: fnp.linalg.svd(a, hermitian=True, compute_uv=False),
    lambda a: jnp.linalg.svd(a, hermitian=True, compute_uv=False),
    lambda rng: (np.diag([1.0, -4.0, 2.5]) + 0.2 * (lambda m: m + m.T)(rng.normal(size=(3, 3))),),
)
