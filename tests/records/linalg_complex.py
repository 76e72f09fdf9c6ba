"""Op records for complex inputs to the linear algebra primitives (cholesky, triangular solve, lu, qr,
eigh, svd, det, slogdet, inv, solve, eig), and for the general eigendecomposition.

Derivatives follow JAX's convention for complex numbers (the oracle's ``jax.jvp``/``jax.vjp``).
Factors with a free phase (eigh and svd vectors) are compared through phase-invariant products.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

import fungrad
import fungrad.numpy as fnp
import fungrad.scipy.linalg as fsl
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, make_args, **kw):
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    RECORDS.append(OpRecord(name, fun, ref, (), "complex", make_args=make_args, **kw))


def cnormal(rng, *shape):
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


def cgeneral(rng, n=3):
    return cnormal(rng, n, n) + 3 * np.eye(n)


def hpd(rng, n=3):
    m = cnormal(rng, n, n)
    return m @ m.conj().T + n * np.eye(n)


def hermitian_spread(rng, n=3):
    m = cnormal(rng, n, n)
    return m + m.conj().T + np.diag([0.0, 4.0, 8.0])


def phase_fixed(v, first_row, np_mod):
    """Columns multiplied by the conjugate of their first entry: invariant to a column's phase."""
    return v * np_mod.conj(first_row)


# ---- eig / eigvals (general matrices; real and complex inputs; complex results) --------------------

RECORDS.append(
    OpRecord(
        "linalg.eigvals",
        fnp.linalg.eigvals,
        jnp.linalg.eigvals,
        (),
        "real",
        make_args=lambda rng: (rng.normal(size=(3, 3)) + np.diag([0.0, 3.0, 6.0]),),
        order=1,  # second derivatives need eigenvector derivatives, which JAX refuses too
        atol=1e-8,
        rtol=1e-8,
    )
)
rec("linalg.eigvals-complex", fnp.linalg.eigvals, jnp.linalg.eigvals, lambda rng: (cgeneral(rng),), order=1)
RECORDS.append(
    OpRecord(
        "linalg.eig",
        lambda a: tuple(fnp.linalg.eig(a)),
        lambda a: tuple(jnp.linalg.eig(a)),
        (),
        "real",
        make_args=lambda rng: (rng.normal(size=(3, 3)) + np.diag([0.0, 3.0, 6.0]),),
        grad=False,  # eigenvector derivatives raise, as in JAX
        atol=1e-8,
        rtol=1e-8,
    )
)
rec(
    "lax.linalg.eig-vector-derivs",
    lambda a: tuple(fungrad.lax.linalg.eig(a, enable_eigvec_derivs=True)),
    lambda a: tuple(jax.lax.linalg.eig(a, enable_eigvec_derivs=True)),
    lambda rng: (cgeneral(rng) + np.diag([0.0, 3.0, 6.0]),),
    order=1,
)

# ---- the other primitives with complex inputs ----------------------------------------------------------

rec("linalg.solve-complex", fnp.linalg.solve, jnp.linalg.solve, lambda rng: (cgeneral(rng), cnormal(rng, 3, 2)))
rec("linalg.inv-complex", fnp.linalg.inv, jnp.linalg.inv, lambda rng: (cgeneral(rng),))
# a batch of two, so the output is not a complex scalar (which grad would refuse)
rec("linalg.det-complex", fnp.linalg.det, jnp.linalg.det, lambda rng: (np.stack([cgeneral(rng), cgeneral(rng)]),))
rec(
    "linalg.slogdet-complex",
    lambda a: tuple(fnp.linalg.slogdet(a)),
    lambda a: tuple(jnp.linalg.slogdet(a)),
    lambda rng: (cgeneral(rng),),
)
rec("linalg.cholesky-complex", fnp.linalg.cholesky, jnp.linalg.cholesky, lambda rng: (hpd(rng),))
rec("linalg.eigvalsh-complex", fnp.linalg.eigvalsh, jnp.linalg.eigvalsh, lambda rng: (hermitian_spread(rng),))
rec(
    "linalg.eigh-vectors-complex",
    lambda a: (lambda v: phase_fixed(v, v[..., :1, :], fnp))(fnp.linalg.eigh(a).eigenvectors),
    lambda a: (lambda v: phase_fixed(v, v[..., :1, :], jnp))(jnp.linalg.eigh(a).eigenvectors),
    lambda rng: (hermitian_spread(rng),),
    order=1,
)
rec("linalg.svdvals-complex", fnp.linalg.svdvals, jnp.linalg.svdvals, lambda rng: (cnormal(rng, 4, 3),))
for m, n in ((4, 3), (3, 4)):
    rec(
        f"linalg.svd-thin-complex-{m}x{n}",
        lambda a: (lambda u, s, vt: (s, phase_fixed(u, u[..., :1, :], fnp), phase_fixed(vt, vt[..., :, :1], fnp)))(
            *fnp.linalg.svd(a, full_matrices=False)
        ),
        lambda a: (lambda u, s, vt: (s, phase_fixed(u, u[..., :1, :], jnp), phase_fixed(vt, vt[..., :, :1], jnp)))(
            *jnp.linalg.svd(a, full_matrices=False)
        ),
        lambda rng, m=m, n=n: (cnormal(rng, m, n),),
        order=1,
    )
rec(
    "linalg.svd-full-square-complex",
    lambda a: (lambda u, s, vt: (s, phase_fixed(u, u[..., :1, :], fnp)))(*fnp.linalg.svd(a)),
    lambda a: (lambda u, s, vt: (s, phase_fixed(u, u[..., :1, :], jnp)))(*jnp.linalg.svd(a)),
    lambda rng: (cnormal(rng, 3, 3),),
    order=1,
)
rec(
    "linalg.qr-complex",
    lambda a: tuple(fnp.linalg.qr(a)),
    lambda a: tuple(jnp.linalg.qr(a)),
    lambda rng: (cnormal(rng, 4, 3),),
    order=1,
)
for trans in (0, 1, 2):
    rec(
        f"scipy.linalg.solve_triangular-complex-trans{trans}",
        lambda a, b, t=trans: fsl.solve_triangular(a, b, trans=t, lower=True),
        lambda a, b, t=trans: jsl.solve_triangular(a, b, trans=t, lower=True),
        lambda rng: (np.tril(0.3 * cnormal(rng, 3, 3)) + 2 * np.eye(3), cnormal(rng, 3, 2)),
    )
rec("scipy.linalg.lu-complex", fsl.lu, jsl.lu, lambda rng: (cgeneral(rng),))
rec(
    "scipy.linalg.lu_solve-complex",
    lambda a, b: fsl.lu_solve(fsl.lu_factor(a), b),
    lambda a, b: jsl.lu_solve(jsl.lu_factor(a), b),
    lambda rng: (cgeneral(rng), cnormal(rng, 3)),
)
