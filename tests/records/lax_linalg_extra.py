"""Op records for ``fungrad.lax.linalg`` against ``jax.lax.linalg``: the LAPACK-form reductions
(hessenberg, tridiagonal, schur, householder_product, ormqr), rectangular and pivoted
factorizations (lu, qr), the keyword forms of eigh/svd/triangular_solve, tridiagonal_solve,
cholesky_update, symmetric_product and qdwh.

Where JAX has no derivative and fungrad's function is differentiable (householder_product, ormqr,
symmetric_product, cholesky_update, qdwh in reverse mode), the reference returns JAX's value with the
derivative of an independent JAX formula of the same mathematics (``_value_with_derivative_of``), so
the jvp/vjp checks compare to that formula and the finite differences check it too. Factors with a
free sign or phase are compared through invariant products, as in tests/records/linalg*.py.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import fungrad.lax as flax
import fungrad.numpy as fnp
from tests.op_record import OpRecord

FL = flax.linalg
JL = jax.lax.linalg
RECORDS: list[OpRecord] = []


def rec(name, fun, ref, make_args, **kw):
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    RECORDS.append(OpRecord(f"lax.linalg.{name}", fun, ref, (), "real", make_args=make_args, **kw))


def _value_with_derivative_of(value, formula):
    """JAX's ``value`` with the derivative of ``formula`` (which must agree with it in value)."""

    def ref(*args):
        exact, smooth = value(*map(jax.lax.stop_gradient, args)), formula(*args)
        return jax.tree_util.tree_map(lambda e, s: e + (s - jax.lax.stop_gradient(s)), exact, smooth)

    return ref


def cnormal(rng, *shape):
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


def spd(rng, n=3):
    m = rng.normal(size=(n, n))
    return m @ m.T + n * np.eye(n)


def phase_fixed(v, first, np_mod):
    """Columns times the conjugate of ``first`` (a row of them): invariant to each column's phase."""
    return v * np_mod.conj(first)


# ---- reductions to LAPACK forms (no derivatives, as in JAX) ----------------------------------------------------------

rec("hessenberg", FL.hessenberg, JL.hessenberg, lambda rng: (rng.normal(size=(4, 4)),), grad=False)
rec("hessenberg-complex", FL.hessenberg, JL.hessenberg, lambda rng: (cnormal(rng, 3, 3),), grad=False)
for lower in (True, False):
    rec(
        f"tridiagonal-lower{lower}",
        lambda a, lo=lower: FL.tridiagonal(a, lower=lo),
        lambda a, lo=lower: JL.tridiagonal(a, lower=lo),
        lambda rng: (rng.normal(size=(4, 4)),),
        grad=False,
    )
rec("tridiagonal-complex", FL.tridiagonal, JL.tridiagonal, lambda rng: (cnormal(rng, 3, 3),), grad=False)
rec("schur", FL.schur, JL.schur, lambda rng: (rng.normal(size=(3, 3)),), grad=False)
rec(
    "schur-no-vectors",
    lambda a: FL.schur(a, compute_schur_vectors=False),
    lambda a: JL.schur(a, compute_schur_vectors=False),
    lambda rng: (cnormal(rng, 3, 3),),
    grad=False,
)

# ---- Householder products (JAX: no derivative; oracle: the explicit product of reflectors) ---------------------------


def _reflectors(a, taus):
    m = a.shape[-2]
    k = taus.shape[-1]
    v = jnp.tril(a[:, :k], -1) + jnp.eye(m, k, dtype=a.dtype)
    q = jnp.eye(m, dtype=a.dtype)
    for i in range(k):
        q = q @ (jnp.eye(m, dtype=a.dtype) - taus[i] * jnp.outer(v[:, i], jnp.conj(v[:, i])))
    return q


def _householder_formula(a, taus):
    return _reflectors(a, taus)[:, : a.shape[-1]]


def _ormqr_formula(left, transpose):
    def formula(a, taus, c):
        q = _reflectors(a, taus)
        q = jnp.conj(q.T) if transpose else q
        return q @ c if left else c @ q

    return formula


def _householder_args(rng, m=4, n=3, k=2, complex_=False):
    draw = (lambda *s: cnormal(rng, *s)) if complex_ else (lambda *s: rng.normal(size=s))
    return draw(m, n), 0.5 * draw(k)


for cplx in (False, True):
    suffix = "-complex" if cplx else ""
    rec(
        f"householder_product{suffix}",
        FL.householder_product,
        _value_with_derivative_of(JL.householder_product, _householder_formula),
        lambda rng, c=cplx: _householder_args(rng, complex_=c),
    )
for left in (True, False):
    for transpose in (False, True):
        rec(
            f"ormqr-left{left}-transpose{transpose}",
            lambda a, t, c, lf=left, tr=transpose: FL.ormqr(a, t, c, left=lf, transpose=tr),
            _value_with_derivative_of(
                lambda a, t, c, lf=left, tr=transpose: JL.ormqr(a, t, c, left=lf, transpose=tr),
                _ormqr_formula(left, transpose),
            ),
            lambda rng, lf=left: (*_householder_args(rng), rng.normal(size=(4, 2) if lf else (2, 4))),
        )
rec(
    "ormqr-complex",
    lambda a, t, c: FL.ormqr(a, t, c, transpose=True),
    _value_with_derivative_of(lambda a, t, c: JL.ormqr(a, t, c, transpose=True), _ormqr_formula(True, True)),
    lambda rng: (*_householder_args(rng, complex_=True), cnormal(rng, 4, 2)),
)

# ---- LU (rectangular too; JAX differentiates the packed factor) --------------------------------------------------

for shape in ((2, 4), (4, 2)):
    tag = f"{shape[0]}x{shape[1]}"
    rec(f"lu-{tag}", FL.lu, JL.lu, lambda rng, s=shape: (rng.normal(size=s),), grad=False)
    rec(f"lu-{tag}-factor", lambda x: FL.lu(x)[0], lambda x: JL.lu(x)[0], lambda rng, s=shape: (rng.normal(size=s),))
rec(
    "lu-3x3-complex-factor",
    lambda x: FL.lu(x)[0],
    lambda x: JL.lu(x)[0],
    lambda rng: (cnormal(rng, 3, 3),),
)


def _pivots(rng, k=3, n=4):
    return (np.array([rng.integers(i, n) for i in range(k)], np.int32),)


rec(
    "lu_pivots_to_permutation",
    lambda p: FL.lu_pivots_to_permutation(p, 4),
    lambda p: JL.lu_pivots_to_permutation(p, 4),
    _pivots,
    grad=False,
)

# ---- QR: wide, complete and pivoted ------------------------------------------------------------------------------


for shape, full in (((2, 4), True), ((2, 4), False), ((4, 2), True), ((3, 3), True)):
    tag = f"{shape[0]}x{shape[1]}-full{full}"
    rec(
        f"qr-{tag}",
        lambda x, f=full: FL.qr(x, full_matrices=f),
        lambda x, f=full: JL.qr(x, full_matrices=f),
        lambda rng, s=shape: (rng.normal(size=s),),
    )
rec(
    "qr-4x2-full-complex",
    lambda x: FL.qr(x, full_matrices=True),
    lambda x: JL.qr(x, full_matrices=True),
    lambda rng: (cnormal(rng, 4, 2),),
    order=1,
)
rec(
    "qr-2x4-complex",
    lambda x: FL.qr(x, full_matrices=False),
    lambda x: JL.qr(x, full_matrices=False),
    lambda rng: (cnormal(rng, 2, 4),),
)
rec(
    "qr-pivoting",
    lambda x: FL.qr(x, pivoting=True),
    lambda x: JL.qr(x, pivoting=True),
    lambda rng: (rng.normal(size=(4, 3)),),
    grad=False,
)
rec(
    "qr-pivoting-factors",
    lambda x: FL.qr(x, pivoting=True, full_matrices=False)[:2],
    lambda x: JL.qr(x, pivoting=True, full_matrices=False)[:2],
    lambda rng: (rng.normal(size=(3, 4)),),
)

# ---- eigh / svd keyword forms ------------------------------------------------------------------------------------


def _spread_hermitian(rng, complex_=False):
    m = cnormal(rng, 3, 3) if complex_ else rng.normal(size=(3, 3))
    return (m + np.conj(m.T) + np.diag([0.0, 4.0, 8.0]),)


def _eigh_subset(eigh, np_mod):
    def fun(x):
        v, w = eigh(x)
        return phase_fixed(v, v[..., :1, :], np_mod), w

    return fun


# JAX refuses subset_by_index on CPU; its reference is the full decomposition, sliced.
rec(
    "eigh-subset",
    _eigh_subset(lambda x: FL.eigh(x, subset_by_index=(1, 3)), fnp),
    _eigh_subset(lambda x: (lambda v, w: (v[..., :, 1:3], w[..., 1:3]))(*JL.eigh(x)), jnp),
    _spread_hermitian,
    order=1,
)
rec(
    "eigh-upper-no-symmetrize",
    lambda x: FL.eigh(x, lower=False, symmetrize_input=False)[1],
    lambda x: JL.eigh(x, lower=False, symmetrize_input=False)[1],
    lambda rng: (_spread_hermitian(rng, True)[0] + np.triu(cnormal(rng, 3, 3), 1),),
    grad=False,  # JAX's tangent ignores which triangle was read; neither matches finite differences
)
rec(
    "svd-subset",
    lambda x: (lambda u, s, vh: (s, u * vh[..., :, :1].T))(*FL.svd(x, full_matrices=False, subset_by_index=(0, 2))),
    lambda x: (lambda u, s, vh: (s[:2], u[:, :2] * vh[:2, :1].T))(*JL.svd(x, full_matrices=False)),
    lambda rng: (rng.normal(size=(4, 3)),),
    order=1,
    vmap=False,  # the references' .T is per-matrix; vmap of svd is covered by the other svd records
)
rec(
    "svd-values-full-matrices",
    lambda x: FL.svd(x, compute_uv=False),
    lambda x: JL.svd(x, compute_uv=False),
    lambda rng: (rng.normal(size=(2, 4)),),
)

# ---- solves ------------------------------------------------------------------------------------------------------

for left in (True, False):
    rec(
        f"triangular_solve-vector-left{left}",
        lambda a, b, lf=left: FL.triangular_solve(a, b, left_side=lf, lower=True, transpose_a=True),
        lambda a, b, lf=left: JL.triangular_solve(a, b, left_side=lf, lower=True, transpose_a=True),
        lambda rng: (np.tril(rng.normal(size=(3, 3))) + 3 * np.eye(3), rng.normal(size=(3,))),
    )


def _tridiagonal_args(rng, complex_=False):
    draw = (lambda *s: cnormal(rng, *s)) if complex_ else (lambda *s: rng.normal(size=s))
    return draw(3), draw(3) + 4.0, draw(3), draw(3, 2)


rec("tridiagonal_solve", FL.tridiagonal_solve, JL.tridiagonal_solve, _tridiagonal_args)
rec(
    "tridiagonal_solve-complex",
    FL.tridiagonal_solve,
    JL.tridiagonal_solve,
    lambda rng: _tridiagonal_args(rng, True),
)

# ---- products and updates (JAX: no derivative; oracle formulas) --------------------------------------------------


def _symmetric_product_formula(alpha, beta):
    return lambda a, c: alpha * a @ a.T + beta * c


rec(
    "symmetric_product",
    lambda a, c: FL.symmetric_product(a, c, alpha=2.0, beta=0.5),
    _value_with_derivative_of(
        lambda a, c: JL.symmetric_product(a, c, alpha=2.0, beta=0.5), _symmetric_product_formula(2.0, 0.5)
    ),
    lambda rng: (rng.normal(size=(3, 2)), spd(rng)),
)
rec(
    "symmetric_product-symmetrize",
    lambda a, c: FL.symmetric_product(a, c, symmetrize_output=True),
    lambda a, c: JL.symmetric_product(a, c, symmetrize_output=True),
    lambda rng: (rng.normal(size=(3, 2)), rng.normal(size=(3, 3))),
    grad=False,  # the copied triangle is a different function than the formula; values checked here
)


def _cholesky_update_formula(r, w):
    # With a positive diagonal the Givens result is the Cholesky factor of R^T R + w w^T.
    return jnp.linalg.cholesky(r.T @ r + jnp.outer(w, w)).T


def _cholesky_args(rng):
    return np.linalg.cholesky(spd(rng)).T, rng.normal(size=(3,))


# JAX's cholesky_update has no batching rule, so the reference is the formula alone (equal values).
# Both sides read only R's upper triangle, so tangents stay on the triangular factors (the Givens
# rows would otherwise carry the lower triangle along, which the formula does not).
rec(
    "cholesky_update",
    lambda r, w: FL.cholesky_update(fnp.triu(r), w),
    lambda r, w: _cholesky_update_formula(jnp.triu(r), w),
    _cholesky_args,
)

# ---- polar decomposition ---------------------------------------------------------------------------------------------


def _polar_formula(x):
    w, s, vh = jnp.linalg.svd(x, full_matrices=False)
    return w @ vh, (jnp.conj(vh.T) * s.astype(x.dtype)) @ vh


rec(
    "qdwh",
    lambda x: FL.qdwh(x)[:2],
    _value_with_derivative_of(lambda x: JL.qdwh(x)[:2], _polar_formula),
    lambda rng: (rng.normal(size=(4, 3)),),
    atol=1e-7,
    rtol=1e-7,
)
rec(
    "qdwh-complex",
    lambda x: FL.qdwh(x)[:2],
    _value_with_derivative_of(lambda x: JL.qdwh(x)[:2], _polar_formula),
    lambda rng: (cnormal(rng, 3, 3),),
    atol=1e-7,
    rtol=1e-7,
)
rec("qdwh-all-outputs", FL.qdwh, JL.qdwh, lambda rng: (rng.normal(size=(3, 2)),), grad=False, atol=1e-7, rtol=1e-7)

# ---- cholesky and eig keyword forms ------------------------------------------------------------------------------

rec(
    "cholesky-no-symmetrize-complex",
    lambda x: FL.cholesky(x, symmetrize_input=False),
    lambda x: JL.cholesky(x, symmetrize_input=False),
    lambda rng: ((lambda m: m @ np.conj(m.T) + 3 * np.eye(3))(cnormal(rng, 3, 3)),),
    grad=False,  # only the lower triangle is read; JAX's tangent uses the whole matrix (see eigh above)
)
rec(
    "eig-eigenvalues-only",
    lambda x: FL.eig(x, compute_left_eigenvectors=False, compute_right_eigenvectors=False),
    lambda x: JL.eig(x, compute_left_eigenvectors=False, compute_right_eigenvectors=False),
    lambda rng: (rng.normal(size=(3, 3)) + np.diag([0.0, 3.0, 6.0]),),
    order=1,  # second derivatives need eigenvector derivatives, which JAX refuses
)
