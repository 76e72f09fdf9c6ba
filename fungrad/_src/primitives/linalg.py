"""Linear algebra primitives: cholesky, triangular_solve, solve, det, slogdet, eigh, svd, qr.

Every primitive takes arrays with any number of leading batch axes (the matrices are the last two
axes), so batching moves the vmap axis to the front and binds again. The factorizations are not
linear, so they have jvp rules only; reverse mode comes from linearizing those jvps and transposing
the linear operations they are written with (``dot_general``, ``mul``, and the two primitives that
*are* linear in one operand: ``triangular_solve`` and ``solve`` in their right-hand side, which
therefore have transposes). Real and complex dtypes: the rules follow JAX's (conjugate transposes
``_H`` where the factorization is unitary/Hermitian; transposes of the linear solves are plain
transposes, JAX's convention for complex cotangents).
"""

from __future__ import annotations

import numpy as np
from jax import lax
from jax import numpy as jnp

from fungrad._src import ad, batching
from fungrad._src.ad import Zero, is_undefined
from fungrad._src.core import FungradTypeError, Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import dot
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import reductions as red
from fungrad._src.primitives import shape as sh

# ---- small matrix helpers written with primitives (so they are differentiable and batchable) -----


def _T(x):
    n = get_aval(x).ndim
    return sh.transpose(x, (*range(n - 2), n - 1, n - 2))


def _H(x):
    """The conjugate transpose of the last two axes (the transpose for real dtypes)."""
    return cx.conj(_T(x)) if cx.is_complex(x) else _T(x)


def _real(x):
    return cx.real(x) if cx.is_complex(x) else x


def _cast_like(x, like):
    """``x`` (real) in ``like``'s dtype (a complex dtype embeds the reals)."""
    dtype = get_aval(like).dtype
    return x if get_aval(x).dtype == dtype else ew.convert_element_type(x, dtype)


def _matmul(a, b):
    """``a @ b`` for equal leading batch shapes."""
    n = get_aval(a).ndim
    batch = tuple(range(n - 2))
    return dot.dot_general(a, b, (((n - 1,), (n - 2,)), (batch, batch)))


def _const_like(value: np.ndarray, x):
    """A constant matrix (last two axes) broadcast to ``x``'s batch shape and dtype."""
    aval = get_aval(x)
    value = np.asarray(value, aval.dtype)
    return sh.broadcast_in_dim(value, aval.shape[:-2] + value.shape, (aval.ndim - 2, aval.ndim - 1))


def _eye_like(x):
    return _const_like(np.eye(get_aval(x).shape[-1]), x)


def _tril_mask(x, k: int = 0):
    m, n = get_aval(x).shape[-2:]
    return _const_like(np.tri(m, n, k), x)


def _diag_part(x):
    """The diagonal of square matrices: ``(..., n, n) -> (..., n)``."""
    return red.reduce_sum(ew.mul(x, _eye_like(x)), (get_aval(x).ndim - 1,))


def _trace(x):
    n = get_aval(x).ndim
    return red.reduce_sum(ew.mul(x, _eye_like(x)), (n - 2, n - 1))


def _col_scale(x, v):
    """``x * v[..., None, :]``: scale column j by ``v[j]``."""
    aval = get_aval(x)
    return ew.mul(x, sh.broadcast_in_dim(v, aval.shape, (*range(aval.ndim - 2), aval.ndim - 1)))


def _batch_all(prim):
    """Batching for linalg primitives: every operand gets the vmap axis at 0; results have it at 0."""

    def rule(args, dims, **params):
        out = bind(prim, *sh.all_to_front(args, dims), **params)
        return out, ([0] * len(out) if prim.multiple_results else 0)

    return rule


def _check_square(name, x):
    shape = get_aval(x).shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise FungradTypeError(f"{name}: expected square matrices in the last two axes, got shape {shape}")


# ---- triangular_solve: op(a) x = b (left side) or x op(a) = b; linear in b -----------------------

triangular_solve_p = Primitive("triangular_solve", linear=True)  # linear in b
def_lowering(
    triangular_solve_p,
    lambda a, b, **p: lax.linalg.triangular_solve(a, b, **p),
)


def triangular_solve(a, b, *, left_side=False, lower=False, transpose_a=False, conjugate_a=False, unit_diagonal=False):
    """Solve a triangular system, as ``jax.lax.linalg.triangular_solve``.

    Args:
        a: triangular matrices ``(..., m, m)`` (only the triangle given by ``lower`` is read).
        b: right-hand sides, ``(..., m, n)`` if ``left_side`` else ``(..., n, m)``.
        left_side: solve ``op(a) x = b`` (else ``x op(a) = b``).
        lower: ``a`` is lower (else upper) triangular.
        transpose_a: ``op(a) = a.T`` (else ``a``).
        conjugate_a: conjugate ``a`` too (``op(a) = a.conj().T`` with ``transpose_a``).
        unit_diagonal: assume ones on the diagonal.

    Returns:
        ``x``, of ``b``'s shape.

    >>> import fungrad.lax as flax, numpy as np
    >>> a = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> flax.linalg.triangular_solve(a, np.array([[2.0, 3.0]]), lower=True).tolist()
    [[-0.5, 3.0]]
    """
    params = dict(left_side=bool(left_side), lower=bool(lower), transpose_a=bool(transpose_a))
    params["conjugate_a"] = bool(conjugate_a) and cx.is_complex(a)
    return bind(triangular_solve_p, a, b, unit_diagonal=bool(unit_diagonal), **params)


def _triangular_solve_jvp(primals, tangents, **params):
    (a, b), (a_dot, b_dot) = primals, tangents
    x = triangular_solve(a, b, **params)
    out = None if type(b_dot) is Zero else triangular_solve(a, b_dot, **params)
    if type(a_dot) is not Zero:
        # Only the referenced triangle of a matters: X = op(A)^-1 B gives dX = -op(A)^-1 op(dA) X,
        # and X = B op(A)^-1 gives dX = -X op(dA) op(A)^-1.
        k = -1 if params["unit_diagonal"] else 0
        mask = _tril_mask(a, k) if params["lower"] else _T(_tril_mask(a, k))
        op_da = ew.mul(a_dot, mask)
        op_da = _T(op_da) if params["transpose_a"] else op_da
        op_da = cx.conj(op_da) if params["conjugate_a"] else op_da
        rhs = _matmul(op_da, x) if params["left_side"] else _matmul(x, op_da)
        term = ew.neg(triangular_solve(a, rhs, **params))
        out = term if out is None else ew.add(out, term)
    return x, out if out is not None else Zero(get_aval(x))


def _triangular_solve_transpose(ct, a, b, *, transpose_a, **params):
    if is_undefined(a):
        raise NotImplementedError("[vjp] triangular_solve is linear in b only")
    if type(ct) is Zero:
        return [None, None]
    # (op(A)^-1)^T = (op(A)^T)^-1: solve the same system with transpose_a flipped (a plain transpose,
    # so conjugate_a stays).
    return [None, triangular_solve(a, ct, transpose_a=not transpose_a, **params)]


ad.def_jvp(triangular_solve_p, _triangular_solve_jvp)
ad.def_transpose(triangular_solve_p, _triangular_solve_transpose)
batching.def_batching(triangular_solve_p, _batch_all(triangular_solve_p))

# ---- solve: a x = b for general square a, b of shape (..., n, k); linear in b -------------------

solve_p = Primitive("solve", linear=True)  # linear in b
def_lowering(solve_p, lambda a, b: jnp.linalg.solve(a, b))


def solve(a, b):
    return bind(solve_p, a, b)


def _solve_jvp(primals, tangents):
    # X = A^-1 B:  dX = A^-1 (dB - dA X)
    (a, b), (a_dot, b_dot) = primals, tangents
    x = solve(a, b)
    rhs = None if type(b_dot) is Zero else b_dot
    if type(a_dot) is not Zero:
        minus = ew.neg(_matmul(a_dot, x))
        rhs = minus if rhs is None else ew.add(rhs, minus)
    return x, Zero(get_aval(x)) if rhs is None else solve(a, rhs)


def _solve_transpose(ct, a, b):
    if is_undefined(a):
        raise NotImplementedError("[vjp] solve is linear in b only")
    return [None, None if type(ct) is Zero else solve(_T(a), ct)]


ad.def_jvp(solve_p, _solve_jvp)
ad.def_transpose(solve_p, _solve_transpose)
batching.def_batching(solve_p, _batch_all(solve_p))

# ---- det and slogdet: d log|det A| = tr(A^-1 dA) (Jacobi's formula; Giles 2008, sec. 2.2.4) ------

det_p = Primitive("det")
def_lowering(det_p, jnp.linalg.det)
slogdet_p = Primitive("slogdet", multiple_results=True)
def_lowering(slogdet_p, lambda a: list(jnp.linalg.slogdet(a)))


def det(a):
    return bind(det_p, a)


def slogdet(a):
    return bind(slogdet_p, a)


def _det_jvp(primals, tangents):
    (a,), (a_dot,) = primals, tangents
    ans = det(a)
    return ans, ew.mul(ans, _trace(solve(a, a_dot)))


def _slogdet_jvp(primals, tangents):
    (a,), (a_dot,) = primals, tangents
    sign, logabsdet = slogdet(a)
    ans_dot = _trace(solve(a, a_dot))
    if not cx.is_complex(a):
        return [sign, logabsdet], [Zero(get_aval(sign)), ans_dot]
    # d log det = tr(A^-1 dA): its real part moves log|det|, its imaginary part rotates the sign.
    sign_dot = ew.mul(cx.complex(ew.scalar_like(0, cx.real(ans_dot)), cx.imag(ans_dot)), sign)
    return [sign, logabsdet], [sign_dot, cx.real(ans_dot)]


ad.def_jvp(det_p, _det_jvp)
ad.def_jvp(slogdet_p, _slogdet_jvp)
batching.def_batching(det_p, _batch_all(det_p))
batching.def_batching(slogdet_p, _batch_all(slogdet_p))

# ---- cholesky: A = L L^T ----------------------------------------------------------------------------

cholesky_p = Primitive("cholesky")
def_lowering(cholesky_p, lambda a: lax.linalg.cholesky(a, symmetrize_input=False))


def cholesky(a):
    """Lower Cholesky factor of symmetric positive-definite ``a`` (only its lower triangle is read)."""
    return bind(cholesky_p, a)


def _cholesky_jvp(primals, tangents):
    # Murray 2016, "Differentiation of the Cholesky decomposition", eq. 9:
    # dL = L Phi(L^-1 dA L^-H), Phi = lower triangle with the diagonal halved.
    (a,), (a_dot,) = primals, tangents
    L = cholesky(a)
    right = triangular_solve(L, a_dot, left_side=False, lower=True, transpose_a=True, conjugate_a=True)
    inner = triangular_solve(L, right, left_side=True, lower=True)
    phi = ew.mul(inner, ew.sub(_tril_mask(inner), ew.mul(_eye_like(inner), ew.scalar(0.5, inner))))
    return L, _matmul(L, phi)


ad.def_jvp(cholesky_p, _cholesky_jvp)
batching.def_batching(cholesky_p, _batch_all(cholesky_p))

# ---- eigh: A = V diag(w) V^T, eigenvalues ascending ----------------------------------------------

eigh_p = Primitive("eigh", multiple_results=True)
def_lowering(eigh_p, lambda a: list(lax.linalg.eigh(a, lower=True, symmetrize_input=False)))


def eigh(a):
    """``[v, w]``: eigenvectors (columns) and ascending eigenvalues of symmetric ``a`` (lower triangle)."""
    return bind(eigh_p, a)


def _eigh_jvp(primals, tangents):
    # Giles 2008, sec. 3.1: with P = V^H dA V, dw = Re diag(P) and dV = V (F o P),
    # F_ij = 1 / (w_j - w_i) off the diagonal, 0 on it. Only the Hermitian part of dA is seen, as
    # the primitive reads the lower triangle of a Hermitian matrix.
    (a,), (a_dot,) = primals, tangents
    v, w = eigh(a)
    p = _matmul(_H(v), _matmul(a_dot, v))
    shape = get_aval(p).shape
    nd = len(shape)
    w_col = sh.broadcast_in_dim(w, shape, (*range(nd - 2), nd - 1))  # [i, j] = w_j
    diffs = ew.sub(w_col, _T(w_col))
    eye = _eye_like(diffs)
    f = ew.sub(ew.div(ew.scalar_like(1, diffs), ew.add(diffs, eye)), eye)
    return [v, w], [_matmul(v, ew.mul(_cast_like(f, p), p)), _real(_diag_part(p))]


ad.def_jvp(eigh_p, _eigh_jvp)
batching.def_batching(eigh_p, _batch_all(eigh_p))

# ---- svd: A = U diag(s) V^T (thin), s descending ---------------------------------------------------

svd_p = Primitive("svd", multiple_results=True)


def _svd_lowering(a, *, full_matrices):
    u, s, vt = lax.linalg.svd(a, full_matrices=full_matrices)
    return [s, u, vt]


def_lowering(svd_p, _svd_lowering)


def svd(a, full_matrices: bool = False):
    """``[s, u, vt]`` of ``a`` (``(..., m, n)``); differentiable for the thin form."""
    return bind(svd_p, a, full_matrices=bool(full_matrices))


def _svd_jvp(primals, tangents, *, full_matrices):
    # Townsend 2016, "Differentiating the singular value decomposition", in JAX's complex form:
    # with dP = U^H dA V, ds = Re diag(dP); dU = U (F o (dP S + (dP S)^H) + D) + (I - U U^H) dA V S^-1;
    # dV = V (F o (S dP + (S dP)^H)) + (I - V V^H) dA^H U S^-1;  F_ij = 1 / (s_j^2 - s_i^2), F_ii = 0;
    # D = (dP - dP^H)/2 S^-1 on the diagonal fixes the phase freedom of complex singular vectors.
    (a,), (a_dot,) = primals, tangents
    m, n = get_aval(a).shape[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            f"[jvp] svd: derivatives with full_matrices=True need square matrices (as in JAX), got shape "
            f"{get_aval(a).shape}; use full_matrices=False"
        )
    s, u, vt = svd(a, full_matrices)
    v = _H(vt)
    dp = _matmul(_H(u), _matmul(a_dot, v))
    ds = _real(_diag_part(dp))
    shape = get_aval(dp).shape
    nd = len(shape)
    s_row = sh.broadcast_in_dim(s, shape, (*range(nd - 2), nd - 1))  # [i, j] = s_j
    s_diffs = ew.mul(ew.add(s_row, _T(s_row)), ew.sub(s_row, _T(s_row)))
    eye = _eye_like(s_diffs)
    f = _cast_like(ew.sub(ew.div(ew.scalar_like(1, s_diffs), ew.add(s_diffs, eye)), eye), dp)
    is_zero = ew.eq(s, ew.scalar(0, s))
    s_inv = ew.select_n(
        is_zero, ew.div(ew.scalar_like(1, s), ew.select_n(is_zero, s, ew.scalar_like(1, s))), ew.scalar_like(0, s)
    )
    dp_s = _col_scale(dp, _cast_like(s, dp))  # dP S
    s_dp = _T(_col_scale(_T(dp), _cast_like(s, dp)))  # S dP
    du_inner = ew.mul(f, ew.add(dp_s, _H(dp_s)))
    if cx.is_complex(dp):
        half_skew = ew.mul(ew.sub(dp, _H(dp)), ew.scalar(0.5, dp))
        du_inner = ew.add(du_inner, _col_scale(ew.mul(half_skew, _eye_like(dp)), _cast_like(s_inv, dp)))
    du = _matmul(u, du_inner)
    dv = _matmul(v, ew.mul(f, ew.add(s_dp, _H(s_dp))))
    if m > n:
        dav = _matmul(a_dot, v)
        du = ew.add(du, _col_scale(ew.sub(dav, _matmul(u, _matmul(_H(u), dav))), _cast_like(s_inv, dav)))
    if n > m:
        dau = _matmul(_H(a_dot), u)
        dv = ew.add(dv, _col_scale(ew.sub(dau, _matmul(v, _matmul(vt, dau))), _cast_like(s_inv, dau)))
    return [s, u, vt], [ds, du, _H(dv)]


ad.def_jvp(svd_p, _svd_jvp)
batching.def_batching(svd_p, _batch_all(svd_p))

# ---- qr: A = Q R (reduced), m >= n for derivatives ----------------------------------------------------

qr_p = Primitive("qr", multiple_results=True)
def_lowering(qr_p, lambda a, *, full_matrices: list(lax.linalg.qr(a, full_matrices=full_matrices)))


def qr(a, full_matrices: bool = False):
    """``[q, r]`` with orthonormal columns in ``q`` and upper-triangular ``r``."""
    return bind(qr_p, a, full_matrices=bool(full_matrices))


def _qr_jvp(primals, tangents, *, full_matrices):
    # From Q^H Q = I and R upper triangular (e.g. Walter & Lehmann 2018; Seeger et al. 2017):
    # with C = Q^H dA R^-1, dQ = Q (W - C) + dA R^-1 and dR = (C - W) R, where W is the
    # skew-Hermitian matrix built from C's strictly lower triangle, plus i Im(diag C) on its
    # diagonal for complex inputs (R's diagonal stays real).
    (a,), (a_dot,) = primals, tangents
    m, n = get_aval(a).shape[-2:]
    if m < n or (full_matrices and m > n):
        raise NotImplementedError(
            f"[jvp] qr is differentiable for m >= n with the reduced factorization only (as in JAX), "
            f"got shape {get_aval(a).shape} with full_matrices={full_matrices}"
        )
    q, r = qr(a, full_matrices)
    da_rinv = triangular_solve(r, a_dot, left_side=False, lower=False)
    c = _matmul(_H(q), da_rinv)
    low = ew.mul(c, _tril_mask(c, -1))
    w = ew.sub(low, _H(low))
    if cx.is_complex(c):
        w = ew.add(w, ew.mul(_eye_like(c), ew.sub(c, _cast_like(cx.real(c), c))))
    return [q, r], [ew.add(_matmul(q, ew.sub(w, c)), da_rinv), _matmul(ew.sub(c, w), r)]


ad.def_jvp(qr_p, _qr_jvp)
batching.def_batching(qr_p, _batch_all(qr_p))
