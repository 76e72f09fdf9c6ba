"""Linear algebra with derivatives against jax.numpy.linalg / jax.scipy.linalg (float64)."""

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
import fungrad.scipy.linalg as fsl
from tests.oracle_checks import check_all

RNG = np.random.default_rng(0)


def spd(n, batch=()):
    m = RNG.normal(size=(*batch, n, n))
    return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)


def well_conditioned(n, batch=()):
    return RNG.normal(size=(*batch, n, n)) + 3 * np.eye(n)


def tri(n, lower=True):
    m = RNG.normal(size=(n, n)) * 0.3 + 2 * np.eye(n)
    return np.tril(m) if lower else np.triu(m)


def test_cholesky_batched():
    check_all(fnp.linalg.cholesky, jnp.linalg.cholesky, (spd(2, (2,)),), order=1)  # batched


@pytest.mark.parametrize("lower", [False])  # lower=True is an op record
@pytest.mark.parametrize("trans", [0, 1])
def test_solve_triangular(lower, trans):
    a, b = tri(3, lower), RNG.normal(size=(3, 2))
    f = lambda a, b: fsl.solve_triangular(a, b, lower=lower, trans=trans)  # noqa: E731
    ref = lambda a, b: jsl.solve_triangular(a, b, lower=lower, trans=trans)  # noqa: E731
    check_all(f, ref, (a, b))


@pytest.mark.parametrize("left_side", [True, False])
def test_lax_triangular_solve(left_side):
    a, b = tri(3), RNG.normal(size=(3, 3))
    kw = dict(left_side=left_side, lower=True, transpose_a=False, unit_diagonal=True)
    check_all(
        lambda a, b: fungrad.lax.linalg.triangular_solve(a, b, **kw),
        lambda a, b: jax.lax.linalg.triangular_solve(a, b, **kw),
        (a, b),
        order=1,
    )


def test_batched_solve_and_slogdet():
    a, b = well_conditioned(3, (2,)), RNG.normal(size=(2, 3, 2))
    check_all(fnp.linalg.solve, jnp.linalg.solve, (a, b), order=1)
    check_all(lambda a: tuple(fnp.linalg.slogdet(a)), lambda a: tuple(jnp.linalg.slogdet(a)), (a,), order=1)


def _svd_parts(lin):
    def f(a):
        u, s, vt = lin.svd(a, full_matrices=False)
        # sign-invariant products of singular vectors
        return s, u * u[..., :1, :], vt * vt[..., :, :1]

    return f


@pytest.mark.parametrize("shape", [(3, 3), (2, 4)])
def test_svd(shape):
    a = RNG.normal(size=shape)
    check_all(_svd_parts(fnp.linalg), _svd_parts(jnp.linalg), (a,), order=1)
    check_all(lambda a: fnp.linalg.svd(a, compute_uv=False), lambda a: jnp.linalg.svd(a, compute_uv=False), (a,))


def test_qr_square_and_complete_forward():
    a = RNG.normal(size=(3, 3))
    check_all(lambda a: tuple(fnp.linalg.qr(a)), lambda a: tuple(jnp.linalg.qr(a)), (a,), order=1, vmap=False)
    b = RNG.normal(size=(4, 2))
    for mode in ("complete", "r"):
        got, want = fnp.linalg.qr(b, mode=mode), jnp.linalg.qr(b, mode=mode)
        for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
            np.testing.assert_allclose(g, w, atol=1e-12)


def test_second_order_through_cholesky_solve():
    a, b = spd(3), RNG.normal(size=(3,))

    def nll(lin, solve_tri):
        def f(a):
            L = lin.cholesky(a)
            z = solve_tri(L, b, lower=True)
            return 0.5 * (z * z).sum() + lin.slogdet(a)[1]

        return f

    f_fg, f_jax = nll(fnp.linalg, fsl.solve_triangular), nll(jnp.linalg, jsl.solve_triangular)
    v = RNG.normal(size=(3, 3))
    # a Hessian-vector product: forward over reverse
    _, hvp_fg = fungrad.jvp(fungrad.grad(f_fg), (a,), (v,))
    _, hvp_jax = jax.jvp(jax.grad(f_jax), (a,), (v,))
    np.testing.assert_allclose(hvp_fg, hvp_jax, atol=1e-8, rtol=1e-7)


@pytest.mark.parametrize("lower", [True, False])
def test_cho_factor_solve(lower):
    a, b = spd(3), RNG.normal(size=(3,))
    check_all(
        lambda a, b: fsl.cho_solve(fsl.cho_factor(a, lower), b),
        lambda a, b: jsl.cho_solve(jsl.cho_factor(a, lower), b),
        (a, b),
        order=1,
        vmap=lower,
    )


NORMS = [
    {},
    {"ord": 1},
    {"ord": np.inf},
    {"ord": "nuc"},
    {"ord": 2},
    {"ord": -1, "axis": (1, 0)},
    {"ord": 3, "axis": 1},
]


@pytest.mark.parametrize("kw", NORMS, ids=[str(k) for k in NORMS])
def test_norm(kw):
    x = RNG.normal(size=(3, 4))
    check_all(lambda x: fnp.linalg.norm(x, **kw), lambda x: jnp.linalg.norm(x, **kw), (x,), order=1, vmap=False)


def test_svd_full_matrices_nonsquare_derivative_raises_like_jax():
    a = RNG.normal(size=(4, 3))
    with pytest.raises(NotImplementedError):
        jax.jvp(lambda a: jnp.linalg.svd(a)[0], (a,), (a,))
    with pytest.raises(NotImplementedError, match="full_matrices=True need square matrices"):
        fungrad.jvp(lambda a: fnp.linalg.svd(a)[0], (a,), (a,))
    # singular values alone stay differentiable, as in JAX
    got = fungrad.grad(lambda a: fnp.sum(fnp.linalg.svd(a, compute_uv=False)))(a)
    want = jax.grad(lambda a: jnp.sum(jnp.linalg.svd(a, compute_uv=False)))(a)
    np.testing.assert_allclose(got, want, atol=1e-10)


def test_eig_vector_derivatives_raise_like_jax_and_eigvals_grad_matches():
    a = RNG.normal(size=(3, 3)) + np.diag([0.0, 3.0, 6.0])
    with pytest.raises(NotImplementedError, match="enable_eigvec_derivs=True"):
        fungrad.grad(lambda a: fnp.sum(fnp.real(fnp.linalg.eig(a).eigenvectors)))(a)
    with pytest.raises(NotImplementedError):
        jax.grad(lambda a: jnp.sum(jnp.real(jnp.linalg.eig(a).eigenvectors)))(a)
    f = lambda np_: lambda a: np_.sum(np_.imag(np_.linalg.eigvals(a)) ** 2 + np_.real(np_.linalg.eigvals(a)))  # noqa: E731
    np.testing.assert_allclose(fungrad.grad(f(fnp))(a), jax.grad(f(jnp))(a), atol=1e-9)
    z = a + 1j * RNG.normal(size=(3, 3))
    np.testing.assert_allclose(fungrad.grad(f(fnp))(z), jax.grad(f(jnp))(z), atol=1e-9)
    np.testing.assert_allclose(
        fungrad.jit(fungrad.vmap(fnp.linalg.eigvals))(np.stack([a, 2 * a])),
        jnp.linalg.eigvals(np.stack([a, 2 * a])),
        atol=1e-10,
    )


def test_complex_grads_of_real_losses_match_jax():
    z = RNG.normal(size=(3, 3)) + 1j * RNG.normal(size=(3, 3))
    h = z @ z.conj().T + 3 * np.eye(3)
    cases = [
        (lambda np_: lambda a: np_.abs(np_.linalg.det(a)), z + 3 * np.eye(3)),
        (lambda np_: lambda a: np_.linalg.slogdet(a)[1], z + 3 * np.eye(3)),
        (lambda np_: lambda a: np_.sum(np_.abs(np_.linalg.inv(a)) ** 2), z + 3 * np.eye(3)),
        (lambda np_: lambda a: np_.sum(np_.abs(np_.linalg.cholesky(a))), h),
        (lambda np_: lambda a: np_.sum(np_.linalg.eigvalsh(a) ** 3), h),
        (lambda np_: lambda a: np_.sum(np_.linalg.svd(a, compute_uv=False) ** 2), z),
        (lambda np_: lambda a: np_.linalg.norm(a, ord=2), z),
        (lambda np_: lambda a: np_.sum(np_.abs(np_.linalg.qr(a)[1])), z),
    ]
    for make, x in cases:
        np.testing.assert_allclose(fungrad.grad(make(fnp))(x), jax.grad(make(jnp))(x), atol=1e-8, rtol=1e-8)


def test_sqrtm_values_match_jax_and_derivative_solves_sylvester():
    a = np.diag([1.0, 4.0, 9.0]) + 0.3 * RNG.normal(size=(3, 3))
    z = a + 0.3j * RNG.normal(size=(3, 3))
    for x in (a, z, spd(4)):
        np.testing.assert_allclose(fsl.sqrtm(x), jsl.sqrtm(x), atol=1e-10)
    # X dX + dX X = dA, checked directly and by second-order finite differences
    da = RNG.normal(size=(3, 3))
    x, dx = fungrad.jvp(fsl.sqrtm, (a,), (da,))
    np.testing.assert_allclose(x @ dx + dx @ x, da, atol=1e-10)
    fungrad.testing.check_grads(
        lambda a: fnp.real(fsl.sqrtm(a)), (a,), order=2, modes=("fwd", "rev"), atol=1e-5, rtol=1e-5
    )
    batched = fungrad.vmap(fsl.sqrtm)(np.stack([a, 2 * a]))
    np.testing.assert_allclose(batched[1], jsl.sqrtm(2 * a), atol=1e-10)


def test_solve_sylvester_matches_jax_values_and_singular_case():
    a, b, c = well_conditioned(3), well_conditioned(2), RNG.normal(size=(3, 2))
    np.testing.assert_allclose(fsl.solve_sylvester(a, b, c), jsl.solve_sylvester(a, b, c), atol=1e-10)
    np.testing.assert_allclose(
        fungrad.jit(fsl.solve_sylvester)(a, b, c), jsl.solve_sylvester(a, b, c, method="eigen"), atol=1e-8
    )
    singular = fsl.solve_sylvester(np.eye(2), -np.eye(2), np.ones((2, 2)))
    assert (
        np.isnan(np.asarray(singular)).all()
        and np.isnan(jsl.solve_sylvester(np.eye(2), -np.eye(2), np.ones((2, 2)))).all()
    )
    with pytest.raises(ValueError, match="Unrecognized method"):
        fsl.solve_sylvester(a, b, c, method="qr")


def test_polar_matches_qdwh_and_its_shape_rules():
    a = RNG.normal(size=(4, 3))
    for got, want in zip(fsl.polar(a), jsl.polar(a)):
        np.testing.assert_allclose(got, want, atol=1e-8)
    for got, want in zip(fsl.polar(a.T, side="left"), jsl.polar(a.T, side="left")):
        np.testing.assert_allclose(got, want, atol=1e-8)
    with pytest.raises(NotImplementedError, match="qdwh"):
        fsl.polar(a.T)


def test_schur_and_hessenberg_are_not_differentiable_as_in_jax():
    a = RNG.normal(size=(3, 3))
    with pytest.raises(NotImplementedError, match="schur is not differentiable"):
        fungrad.grad(lambda a: fnp.sum(fsl.schur(a)[0]))(a)
    with pytest.raises(NotImplementedError, match="hessenberg is not differentiable"):
        fungrad.grad(lambda a: fnp.sum(fsl.hessenberg(a)))(a)
    t, z = fsl.schur(a, output="complex")
    np.testing.assert_allclose(z @ t @ z.conj().T, a, atol=1e-10)


def test_special_matrix_dtypes_match_jax():
    for name, call in [
        ("pascal", lambda m: m.pascal(3)),
        ("hilbert", lambda m: m.hilbert(3)),
        ("dft", lambda m: m.dft(3)),
        ("hadamard", lambda m: m.hadamard(2)),
        ("block_diag", lambda m: m.block_diag(np.ones(2, np.float32), np.ones((1, 1), np.float32))),
    ]:
        assert call(fsl).dtype == call(jsl).dtype, name


def test_eigh_tridiagonal_vectors_and_derivatives():
    d, e = RNG.normal(size=5), RNG.normal(size=4)
    w, v = fsl.eigh_tridiagonal(d, e)
    w_jax, v_jax = jsl.eigh_tridiagonal(d, e)
    np.testing.assert_allclose(w, w_jax, atol=1e-10)
    np.testing.assert_allclose(np.abs(v), np.abs(v_jax), atol=1e-8)  # unique up to sign
    t = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)
    np.testing.assert_allclose(t @ v, v * w, atol=1e-10)
    fungrad.testing.check_grads(lambda d, e: fsl.eigh_tridiagonal(d, e, eigvals_only=True), (d, e), order=2)


def test_qr_multiply_batched():
    a, c = RNG.normal(size=(2, 4, 3)), RNG.normal(size=(3, 2))
    for got, want in zip(fsl.qr_multiply(a, c, mode="left"), jsl.qr_multiply(a, c, mode="left")):
        np.testing.assert_allclose(got, want, atol=1e-10)
    # differentiable (JAX's is not): through qr's rule
    fungrad.testing.check_grads(lambda a: fsl.qr_multiply(a, c, mode="left")[0], (a,), order=1)
