"""fungrad.lax.linalg against jax.lax.linalg: every public name exists with JAX's signature; bad input
gets clear errors; the behaviours op records cannot express (warnings, derivative refusals, batching
beyond JAX's 2-d functions). Values and derivatives are in tests/records/lax_linalg_extra.py."""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.lax as flax

FL = flax.linalg
JL = jax.lax.linalg
PUBLIC = sorted(n for n in dir(JL) if not n.startswith("_") and not n.endswith("_p"))


def test_every_public_name_exists():
    assert [n for n in PUBLIC if not hasattr(FL, n)] == []


@pytest.mark.parametrize("name", [n for n in PUBLIC if not isinstance(getattr(JL, n), type)])
def test_signature_matches_jax(name):
    def params(f):
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    assert params(getattr(FL, name)) == params(getattr(JL, name))


@pytest.mark.parametrize("name", ["EigImplementation", "EighImplementation", "SvdAlgorithm"])
def test_enums_are_jax_enums(name):
    assert getattr(FL, name) is getattr(JL, name)


@pytest.mark.parametrize("name", [n for n in PUBLIC if not isinstance(getattr(JL, n), type)])
def test_docstring_has_example(name):
    assert ">>>" in (getattr(FL, name).__doc__ or "")


def test_result_containers_match_jax():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    s = a @ a.T + 3 * np.eye(3)
    for f in ("lu", "hessenberg", "schur", "qr", "svd", "eig", "eigh", "qdwh"):
        assert type(getattr(FL, f)(s)) is type(getattr(JL, f)(s)), f
    assert type(FL.tridiagonal(s)) is type(JL.tridiagonal(s))


# ---- errors -------------------------------------------------------------------------------------------------------


def test_shape_errors_name_the_function_and_argument():
    with pytest.raises(ValueError, match=r"cholesky: x must be a batch of square matrices .* shape \(2, 3\)"):
        FL.cholesky(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"hessenberg: a must be .*square"):
        FL.hessenberg(np.ones(3))
    with pytest.raises(ValueError, match=r"qdwh: .*M >= N.*\(2, 3\)"):
        FL.qdwh(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"householder_product: taus .* k <= min\(m, n\) = 2"):
        FL.householder_product(np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match=r"ormqr: c must have 3 rows"):
        FL.ormqr(np.ones((3, 2)), np.ones(1), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"cholesky_update: w_vector must have shape \(3,\)"):
        FL.cholesky_update(np.eye(3), np.ones(2))
    with pytest.raises(ValueError, match=r"symmetric_product: .*\(3, 2\) and \(2, 2\)"):
        FL.symmetric_product(np.ones((3, 2)), np.eye(2))
    with pytest.raises(ValueError, match=r"triangular_solve: b must have .* 3 rows"):
        FL.triangular_solve(np.eye(3), np.ones((2, 2)), left_side=True)
    with pytest.raises(TypeError, match=r"tridiagonal_solve: dl, d and du must have one shape"):
        FL.tridiagonal_solve(np.ones(3), np.ones(2), np.ones(3), np.ones((3, 1)))
    with pytest.raises(TypeError, match=r"tridiagonal_solve: b must have shape .* = \(3, k\), got \(2, 1\)"):
        FL.tridiagonal_solve(np.ones(3), np.ones(3), np.ones(3), np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"lu_pivots_to_permutation: .*k <= permutation_size=2"):
        FL.lu_pivots_to_permutation(np.zeros(3, np.int32), 2)
    with pytest.raises(TypeError, match=r"cholesky: x must have a floating or complex dtype"):
        FL.cholesky(np.eye(2, dtype=np.int32))


def test_option_errors():
    with pytest.raises(ValueError, match=r"eigh: subset_by_index must be \(start, end\)"):
        FL.eigh(np.eye(3), subset_by_index=(2, 5))
    with pytest.raises(ValueError, match="full_matrices and subset_by_index cannot both be set"):
        FL.svd(np.eye(3), subset_by_index=(0, 2))
    with pytest.raises(NotImplementedError, match="sort_eig_vals"):
        FL.schur(np.eye(2), sort_eig_vals=True)
    with pytest.raises(TypeError, match="SvdAlgorithm"):
        FL.svd(np.eye(2), algorithm="qr")


def test_use_magma_is_deprecated_as_in_jax():
    with pytest.warns(DeprecationWarning, match="use_magma is deprecated"):
        FL.eig(np.eye(2), use_magma=False)


def test_enums_are_accepted():
    x = np.array([[2.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(FL.svd(x, algorithm=FL.SvdAlgorithm.QR)[1], JL.svd(x)[1])
    np.testing.assert_allclose(FL.eigh(x, implementation=FL.EighImplementation.QR)[1], JL.eigh(x)[1])


# ---- derivatives JAX refuses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hessenberg", "tridiagonal", "schur"])
def test_lapack_forms_refuse_derivatives(name):
    x = np.array([[2.0, 1.0], [1.0, 3.0]])
    with pytest.raises(NotImplementedError, match=f"{name} is not differentiable"):
        fungrad.jvp(lambda a: getattr(FL, name)(a)[0], (x,), (x,))


def test_qdwh_reverse_mode_matches_polar_formula():
    # JAX differentiates qdwh's iteration in forward mode only; fungrad's closed form works in both.
    rng = np.random.default_rng(1)
    x, ct = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))

    def polar_u(a):
        w, _, vh = jnp.linalg.svd(a, full_matrices=False)
        return w @ vh

    got = fungrad.vjp(lambda a: FL.qdwh(a)[0], x)[1](ct)[0]
    want = jax.vjp(polar_u, x)[1](ct)[0]
    np.testing.assert_allclose(got, want, atol=1e-8)
    # forward mode agrees with JAX's derivative of the iteration too (to its convergence tolerance)
    t = rng.normal(size=(4, 3))
    np.testing.assert_allclose(
        fungrad.jvp(lambda a: FL.qdwh(a)[0], (x,), (t,))[1], jax.jvp(lambda a: JL.qdwh(a)[0], (x,), (t,))[1], atol=1e-6
    )


# ---- batching beyond JAX's 2-d functions -------------------------------------------------------------------------


def test_batched_inputs_where_jax_is_2d_only():
    rng = np.random.default_rng(2)
    m = rng.normal(size=(2, 3, 3))
    r = np.linalg.cholesky(m @ np.swapaxes(m, -1, -2) + 3 * np.eye(3)).swapaxes(-1, -2)
    w = rng.normal(size=(2, 3))
    got = FL.cholesky_update(r, w)
    for i in range(2):
        np.testing.assert_allclose(got[i], JL.cholesky_update(r[i], w[i]), atol=1e-12)
    x = rng.normal(size=(2, 4, 3))
    u, h, iters, ok = FL.qdwh(x)
    for i in range(2):
        want = JL.qdwh(x[i])
        np.testing.assert_allclose(u[i], want[0], atol=1e-12)
        np.testing.assert_allclose(h[i], want[1], atol=1e-12)
        assert int(iters[i]) == int(want[2]) and bool(ok[i])
