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


def test_cholesky():
    check_all(fnp.linalg.cholesky, jnp.linalg.cholesky, (spd(3),))
    check_all(fnp.linalg.cholesky, jnp.linalg.cholesky, (spd(2, (2,)),), order=1)


@pytest.mark.parametrize("lower", [True, False])
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


def test_solve_inv_det():
    a = well_conditioned(3)
    check_all(fnp.linalg.solve, jnp.linalg.solve, (a, RNG.normal(size=(3,))))
    check_all(fnp.linalg.solve, jnp.linalg.solve, (a, RNG.normal(size=(3, 2))), order=1)
    check_all(fnp.linalg.inv, jnp.linalg.inv, (a,))
    check_all(fnp.linalg.det, jnp.linalg.det, (a,))
    check_all(lambda a: tuple(fnp.linalg.slogdet(a)), lambda a: tuple(jnp.linalg.slogdet(a)), (a,))


def test_eigh():
    a = spd(3) + np.diag([0.0, 3.0, 6.0])  # distinct eigenvalues
    # eigenvalues, and a gauge-invariant function of the eigenvectors
    check_all(lambda a: fnp.linalg.eigh(a).eigenvalues, lambda a: jnp.linalg.eigh(a).eigenvalues, (a,))

    def proj(lin):
        def f(a):
            v = lin.eigh(a).eigenvectors
            return v * v[..., :1, :]  # invariant under flipping the sign of an eigenvector

        return f

    check_all(proj(fnp.linalg), proj(jnp.linalg), (a,), order=1)


def _svd_parts(lin):
    def f(a):
        u, s, vt = lin.svd(a, full_matrices=False)
        # sign-invariant products of singular vectors
        return s, u * u[..., :1, :], vt * vt[..., :, :1]

    return f


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
def test_svd(shape):
    a = RNG.normal(size=shape)
    check_all(_svd_parts(fnp.linalg), _svd_parts(jnp.linalg), (a,), order=1)
    check_all(lambda a: fnp.linalg.svd(a, compute_uv=False), lambda a: jnp.linalg.svd(a, compute_uv=False), (a,))


@pytest.mark.parametrize("shape", [(3, 3), (4, 2)])
def test_qr(shape):
    a = RNG.normal(size=shape)
    check_all(lambda a: tuple(fnp.linalg.qr(a)), lambda a: tuple(jnp.linalg.qr(a)), (a,), order=1)


def test_second_order_through_cholesky_solve():
    a, b = spd(3), RNG.normal(size=(3,))

    def nll(lin, solve_tri):
        def f(a):
            L = lin.cholesky(a)
            z = solve_tri(L, b, lower=True)
            return 0.5 * (z * z).sum() + lin.slogdet(a)[1]

        return f

    f_fg, f_jax = nll(fnp.linalg, fsl.solve_triangular), nll(jnp.linalg, jsl.solve_triangular)
    np.testing.assert_allclose(fungrad.hessian(f_fg)(a), jax.hessian(f_jax)(a), atol=1e-8, rtol=1e-7)
