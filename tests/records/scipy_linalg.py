"""Op records for the ``fungrad.scipy.linalg`` functions added with issue 14 (cholesky, cho_solve and
solve_triangular are in linalg.py)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

import fungrad.numpy as fnp
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


# ---- matrix functions and Schur-type factorizations --------------------------------------------------------


def _sqrtm_by_eig(a):
    """A JAX-differentiable oracle for sqrtm (JAX's own is not differentiable): V sqrt(w) V^-1."""
    w, v = jax.lax.linalg.eig(a, compute_left_eigenvectors=False, enable_eigvec_derivs=True)
    return jnp.linalg.solve(v.T, (v * jnp.sqrt(w)).T).T


def positive_spectrum(rng, n=3):
    return (np.diag([1.0, 4.0, 9.0][:n]) + 0.3 * rng.normal(size=(n, n)),)


rec("sqrtm", fsl.sqrtm, _sqrtm_by_eig, positive_spectrum, order=1)
rec(
    "sqrtm-spd",
    lambda a: fsl.sqrtm(sym(a)),
    lambda a: (lambda w, v: (v * jnp.sqrt(w)) @ v.T)(*jnp.linalg.eigh(sym(a))).astype(jnp.complex128),
    spd,
)
rec(
    "sqrtm-complex",
    fsl.sqrtm,
    _sqrtm_by_eig,
    lambda rng: (positive_spectrum(rng)[0] + 0.3j * rng.normal(size=(3, 3)),),
    order=1,
)


def _sylvester_by_kron(a, b, c):
    m, n = c.shape
    kron = jnp.kron(a, jnp.eye(n)) + jnp.kron(jnp.eye(m), b.T)
    return jnp.linalg.solve(kron, c.reshape(-1)).reshape(m, n)


rec(
    "solve_sylvester",
    fsl.solve_sylvester,
    _sylvester_by_kron,
    lambda rng: (*general(rng), general(rng, 2)[0], rng.normal(size=(3, 2))),
)
for side, shape in (("right", (4, 3)), ("left", (3, 4))):
    rec(
        f"polar-{side}",
        lambda a, s=side: fsl.polar(a, side=s),
        lambda a, s=side: jsl.polar(a, side=s, method="svd"),
        lambda rng, shape=shape: (rng.normal(size=shape),),
        order=1,
    )
rec(
    "polar-svd-complex",
    lambda a: fsl.polar(a, method="svd"),
    lambda a: jsl.polar(a, method="svd"),
    lambda rng: (rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)),),
    order=1,
)
rec("schur", fsl.schur, jsl.schur, lambda rng: (rng.normal(size=(3, 3)),), grad=False)
rec(
    "schur-complex",
    lambda a: fsl.schur(a, output="complex"),
    lambda a: jsl.schur(a, output="complex"),
    lambda rng: (rng.normal(size=(3, 3)),),
    grad=False,
)
rec(
    "hessenberg",
    lambda a: fsl.hessenberg(a, calc_q=True),
    lambda a: jsl.hessenberg(a, calc_q=True),
    lambda rng: (rng.normal(size=(4, 4)),),
    grad=False,
)

# ---- special matrices ----------------------------------------------------------------------------------------


def vectors(*shapes):
    return lambda rng: tuple(rng.normal(size=s) for s in shapes)


rec("block_diag", fsl.block_diag, jsl.block_diag, vectors((2, 2), (3,), (), (1, 3)), vmap=False)
rec("toeplitz", fsl.toeplitz, jsl.toeplitz, vectors((3,), (4,)))
rec("toeplitz-batched", fsl.toeplitz, jsl.toeplitz, vectors((2, 3), (4,)))
rec("toeplitz-symmetric", fsl.toeplitz, jsl.toeplitz, vectors((3,)))
rec("hankel", fsl.hankel, jsl.hankel, vectors((3,), (4,)))
rec("hankel-default", fsl.hankel, jsl.hankel, vectors((2, 3)))
rec("circulant", fsl.circulant, jsl.circulant, vectors((2, 4)))
rec("companion", fsl.companion, jsl.companion, lambda rng: (rng.normal(size=(4,)) + np.array([3.0, 0, 0, 0]),))
rec("leslie", fsl.leslie, jsl.leslie, vectors((4,), (3,)))
rec("fiedler", fsl.fiedler, jsl.fiedler, vectors((2, 4)))
for n in (1, 2, 5):
    rec(
        f"fiedler_companion-{n}",
        fsl.fiedler_companion,
        jsl.fiedler_companion,
        lambda rng, n=n: (rng.normal(size=(n,)) + np.eye(1, n)[0] * 3,),
    )
for mode in ("full", "same", "valid"):
    rec(
        f"convolution_matrix-{mode}",
        lambda a, m=mode: fsl.convolution_matrix(a, 4, m),
        lambda a, m=mode: jsl.convolution_matrix(a, 4, m),
        vectors((3,)),
    )
for name, call in [
    ("hilbert", lambda m: m.hilbert(4)),
    ("invhilbert", lambda m: m.invhilbert(4)),
    ("pascal", lambda m: m.pascal(5)),
    ("pascal-lower", lambda m: m.pascal(4, kind="lower")),
    ("invpascal", lambda m: m.invpascal(4)),
    ("invpascal-upper", lambda m: m.invpascal(4, kind="upper")),
    ("helmert", lambda m: m.helmert(4)),
    ("helmert-full", lambda m: m.helmert(4, full=True)),
    ("dft", lambda m: m.dft(5)),
    ("dft-sqrtn", lambda m: m.dft(4, scale="sqrtn")),
    ("hadamard", lambda m: m.hadamard(4)),
]:
    # JAX's pascal goes through float32 lgamma (entries off by ~1e-6); fungrad's are exact
    tol = 1e-4 if name.startswith("pascal") else 1e-8
    rec(name, lambda c=call: c(fsl), lambda c=call: c(jsl), lambda rng: (), grad=False, vmap=False, atol=tol, rtol=tol)
rec(
    "expm_frechet",
    fsl.expm_frechet,
    jsl.expm_frechet,
    lambda rng: (0.5 * rng.normal(size=(3, 3)), rng.normal(size=(3, 3))),
    order=1,
    atol=1e-7,
    rtol=1e-7,
)
for mode, c_shape in (("right", (2, 4)), ("left", (3,))):
    for conj in (False, True):
        rec(
            f"qr_multiply-{mode}-conj{conj}",
            lambda a, c, m=mode, cj=conj: fsl.qr_multiply(a, c, mode=m, conjugate=cj),
            lambda a, c, m=mode, cj=conj: jsl.qr_multiply(a, c, mode=m, conjugate=cj),
            lambda rng, s=c_shape: (rng.normal(size=(4, 3)) + 1j * rng.normal(size=(4, 3)), rng.normal(size=s)),
            grad=False,  # JAX cannot differentiate it (geqrf); fungrad's goes through qr's rule
            vmap=False,  # JAX's qr_multiply batches by broadcasting; checked in test_linalg.py
        )
rec(
    "eigh_tridiagonal-eigvals",
    lambda d, e: fsl.eigh_tridiagonal(d, e, eigvals_only=True),
    lambda d, e: jsl.eigh_tridiagonal(d, e, eigvals_only=True),
    lambda rng: (rng.normal(size=(5,)), rng.normal(size=(4,))),
    grad=False,  # JAX bisects (no usable derivative); fungrad's derivative is checked in test_linalg.py
    vmap=False,
)
rec(
    "eigh_tridiagonal-select-i",
    lambda d, e: fsl.eigh_tridiagonal(d, e, eigvals_only=True, select="i", select_range=(1, 2)),
    lambda d, e: jsl.eigh_tridiagonal(d, e, eigvals_only=True, select="i", select_range=(1, 2)),
    lambda rng: (rng.normal(size=(5,)), rng.normal(size=(4,))),
    grad=False,
    vmap=False,
)
rec(
    "rsf2csf",
    lambda a: fsl.rsf2csf(*fsl.schur(a)),
    lambda a: jsl.rsf2csf(*jsl.schur(a)),
    lambda rng: (rng.normal(size=(4, 4)),),
    grad=False,  # the real Schur form has no derivative, as in JAX
)
for name, f_fun, j_fun in (("exp", fnp.exp, jnp.exp), ("sin", fnp.sin, jnp.sin)):
    rec(
        f"funm-{name}",
        lambda a, f=f_fun: fsl.funm(a, f),
        lambda a, f=j_fun: jsl.funm(a, f),
        lambda rng: (rng.normal(size=(3, 3)),),
        grad=False,  # through a Schur form: not differentiable, as in JAX
    )
rec(
    "funm-error-estimate",
    lambda a: fsl.funm(a, fnp.sqrt, disp=False),
    lambda a: jsl.funm(a, jnp.sqrt, disp=False),
    lambda rng: (np.diag([1.0, 4.0, 9.0]) + 0.3 * rng.normal(size=(3, 3)),),
    grad=False,
)
