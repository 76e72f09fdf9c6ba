"""LAPACK-form primitives behind ``fungrad.lax.linalg``: packed Hessenberg and tridiagonal reductions,
column pivots of the pivoted QR, LU of rectangular matrices, tridiagonal solves and QDWH polar
decomposition.

Every primitive takes leading batch axes and batches by moving the vmap axis to the front.

- ``hessenberg_packed`` and ``tridiagonal`` return LAPACK's packed reflectors (``gehrd``/``sytrd``);
  as in JAX they have no derivative (their jvps raise).
- ``qr_pivots`` is the column order of ``geqp3``; integer output, zero tangent. The pivoted QR is then
  the plain QR of the permuted columns, which is how JAX differentiates it too.
- ``lu_rectangular``: ``P a = L U`` for ``(m, n)`` matrices with ``m != n`` (square ones use
  ``lu.lu_p``). The jvp is De Hoog, Anderssen & Lukas's, with ``L`` padded to ``(m, m)`` and ``U`` to
  ``(n, n)`` by identity blocks so the triangular solves are square.
- ``tridiagonal_solve``: ``T x = b``; linear in ``b`` (transpose: solve with ``T^T``), and
  ``dx = T^-1 (db - dT x)``.
- ``qdwh``: ``x = u h`` (``u`` with orthonormal columns, ``h`` Hermitian positive definite) by JAX's
  QDWH iteration; the number of iterations and the convergence flag ride along with zero tangents.
  The derivative is the polar decomposition's, in closed form rather than through the iteration
  (which JAX can only differentiate in forward mode): with ``X = u^H dx``, the skew-Hermitian
  ``W = u^H du`` solves ``W h + h W = X - X^H``, solved in the eigenbasis of ``h``; then
  ``dh = X - W h`` and ``du = u W + (I - u u^H) dx h^-1``.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.ad import Zero, is_undefined
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import linalg as la
from fungrad._src.primitives import lu as lu_mod
from fungrad._src.primitives import shape as sh


def _no_derivative(name):
    def rule(primals, tangents, **params):
        raise NotImplementedError(
            f"[jvp] {name} is not differentiable (JAX has no derivative rule for it either); "
            f"input shapes {[get_aval(p).shape for p in primals]}"
        )

    return rule


def _over_batch(fn, a, *rest):
    """Run a 2-d-only JAX function over the leading batch axes of ``a`` with ``lax.map``."""
    if a.ndim == 2:
        return fn(a, *rest)
    flat = a.reshape((-1, *a.shape[-2:]))
    outs = lax.map(lambda m: fn(m, *rest), flat)
    return [o.reshape((*a.shape[:-2], *o.shape[1:])) for o in outs]


# ---- hessenberg (packed): a = Q H Q^H with the reflectors below the first subdiagonal ----------------------------

hessenberg_packed_p = Primitive("hessenberg_packed", multiple_results=True)
def_lowering(hessenberg_packed_p, lambda a: list(lax.linalg.hessenberg(a)))


def hessenberg_packed(a):
    """``[a_packed, taus]`` as ``jax.lax.linalg.hessenberg``."""
    la._check_square("hessenberg", a)
    return bind(hessenberg_packed_p, a)


ad.def_jvp(hessenberg_packed_p, _no_derivative("hessenberg"))
batching.def_batching(hessenberg_packed_p, la._batch_all(hessenberg_packed_p))

# ---- tridiagonal: Hermitian a = Q T Q^H, packed -------------------------------------------------------------------

tridiagonal_p = Primitive("tridiagonal", multiple_results=True)
def_lowering(tridiagonal_p, lambda a, *, lower: list(lax.linalg.tridiagonal(a, lower=lower)))


def tridiagonal(a, *, lower: bool = True):
    """``[a_packed, d, e, taus]`` as ``jax.lax.linalg.tridiagonal``."""
    la._check_square("tridiagonal", a)
    return bind(tridiagonal_p, a, lower=bool(lower))


ad.def_jvp(tridiagonal_p, _no_derivative("tridiagonal"))
batching.def_batching(tridiagonal_p, la._batch_all(tridiagonal_p))

# ---- qr_pivots: geqp3's column order -----------------------------------------------------------------------------

qr_pivots_p = Primitive("qr_pivots")
def_lowering(qr_pivots_p, lambda a: lax.linalg.qr(a, pivoting=True, full_matrices=False)[2])


def qr_pivots(a):
    """The column permutation ``p`` of the pivoted QR ``a[..., p] = q r`` (int32, ``(..., n)``)."""
    return bind(qr_pivots_p, a)


ad.defjvp_zero(qr_pivots_p)
batching.def_batching(qr_pivots_p, la._batch_all(qr_pivots_p))

# ---- lu of rectangular matrices ------------------------------------------------------------------------------------

lu_rectangular_p = Primitive("lu_rectangular", multiple_results=True)
def_lowering(lu_rectangular_p, lambda a: list(lax.linalg.lu(a)))


def lu_rectangular(a):
    """``[lu, pivots, permutation]`` of ``(..., m, n)`` matrices (any ``m``, ``n``)."""
    m, n = get_aval(a).shape[-2:]
    return lu_mod.lu(a) if m == n else bind(lu_rectangular_p, a)


def _select(x, rows: int, cols: int):
    """``x @ E`` with ``E[i, i] = 1`` for ``i < min(...)``: keeps the leading block, zero-pads the rest."""
    return la._matmul(x, la._const_like(np.eye(rows, cols), x))


def _lu_rectangular_jvp(primals, tangents):
    (a,), (a_dot,) = primals, tangents
    lu_, pivots, permutation = bind(lu_rectangular_p, a)
    zeros = [Zero(get_aval(pivots).to_tangent_aval()), Zero(get_aval(permutation).to_tangent_aval())]
    if type(a_dot) is Zero:
        return [lu_, pivots, permutation], [Zero(get_aval(lu_).to_tangent_aval()), *zeros]
    m, n = get_aval(a).shape[-2:]
    k = min(m, n)
    # L (m, m): the strictly lower part of lu's first k columns, unit diagonal. U (n, n): the upper
    # part of lu's first k rows, with an identity block after row k (so it is invertible).
    lower_part = _select(lu_, n, m)  # (m, m): lu's first min(n, m) columns
    l_mat = ew.add(ew.mul(lower_part, la._tril_mask(lower_part, -1)), la._const_like(np.eye(m), a))
    upper_rows = la._matmul(la._const_like(np.eye(n, m), a), lu_)  # (n, n): lu's first k rows
    u_pad = np.diag((np.arange(n) >= k).astype(float))
    u_mat = ew.add(ew.mul(upper_rows, la._T(la._tril_mask(upper_rows))), la._const_like(u_pad, a))
    x = la._matmul(lu_mod.permutation_matrix(permutation, get_aval(a_dot).dtype), a_dot)
    l_inv_x = la.triangular_solve(l_mat, x, left_side=True, lower=True, unit_diagonal=True)
    lau = la.triangular_solve(u_mat, l_inv_x, left_side=False, lower=False)
    lau_lower = ew.mul(lau, la._tril_mask(lau, -1))
    lu_dot = ew.add(la._matmul(l_mat, lau_lower), la._matmul(ew.sub(lau, lau_lower), u_mat))
    return [lu_, pivots, permutation], [lu_dot, *zeros]


ad.def_jvp(lu_rectangular_p, _lu_rectangular_jvp)
batching.def_batching(lu_rectangular_p, la._batch_all(lu_rectangular_p))

# ---- tridiagonal_solve: T x = b, linear in b -------------------------------------------------------------------------

tridiagonal_solve_p = Primitive("tridiagonal_solve", linear=True)  # linear in b
def_lowering(
    tridiagonal_solve_p,
    lambda dl, d, du, b, *, perturb_singular: lax.linalg.tridiagonal_solve(
        dl, d, du, b, perturb_singular=perturb_singular
    ),
)


def tridiagonal_solve(dl, d, du, b, *, perturb_singular: bool = False):
    return bind(tridiagonal_solve_p, dl, d, du, b, perturb_singular=bool(perturb_singular))


def _tridiagonal_matrix(dl, d, du):
    """The dense ``(..., m, m)`` matrix with ``T[i, i-1] = dl[i]``, ``T[i, i] = d[i]``, ``T[i, i+1] = du[i]``."""
    aval = get_aval(d)
    m = aval.shape[-1]
    shape = (*aval.shape, m)
    dims = tuple(range(aval.ndim))  # entry [..., i, j] is v[..., i]

    def band(v, k):
        return ew.mul(
            sh.broadcast_in_dim(v, shape, dims), la._const_like(np.eye(m, k=k), sh.broadcast_in_dim(v, shape, dims))
        )

    return ew.add(ew.add(band(d, 0), band(dl, -1)), band(du, 1))


def _tridiagonal_solve_jvp(primals, tangents, *, perturb_singular):
    dl, d, du, b = primals
    *diags_dot, b_dot = tangents
    x = tridiagonal_solve(dl, d, du, b, perturb_singular=perturb_singular)
    rhs = None if type(b_dot) is Zero else b_dot
    if any(type(t) is not Zero for t in diags_dot):
        # T x = b  =>  T dx = db - dT x
        dl_dot, d_dot, du_dot = (ad.instantiate(t) for t in diags_dot)
        minus = ew.neg(la._matmul(_tridiagonal_matrix(dl_dot, d_dot, du_dot), x))
        rhs = minus if rhs is None else ew.add(rhs, minus)
    if rhs is None:
        return x, Zero(get_aval(x).to_tangent_aval())
    return x, tridiagonal_solve(dl, d, du, rhs, perturb_singular=perturb_singular)


def _tridiagonal_solve_transpose(ct, dl, d, du, b, *, perturb_singular):
    if any(is_undefined(v) for v in (dl, d, du)):
        raise NotImplementedError("[vjp] tridiagonal_solve is linear in b only")
    if type(ct) is Zero:
        return [None, None, None, None]
    # T^T has subdiagonal T[i-1, i] = du[i-1] and superdiagonal T[i+1, i] = dl[i+1].
    nd = get_aval(d).ndim
    zero = np.zeros((), get_aval(d).dtype)
    keep = [(0, 0, 0)] * (nd - 1)
    dl_t = sh.pad(du, zero, (*keep, (1, -1, 0)))
    du_t = sh.pad(dl, zero, (*keep, (-1, 1, 0)))
    return [None, None, None, tridiagonal_solve(dl_t, d, du_t, ct, perturb_singular=perturb_singular)]


ad.def_jvp(tridiagonal_solve_p, _tridiagonal_solve_jvp)
ad.def_transpose(tridiagonal_solve_p, _tridiagonal_solve_transpose)
batching.def_batching(tridiagonal_solve_p, la._batch_all(tridiagonal_solve_p))

# ---- qdwh: polar decomposition x = u h -----------------------------------------------------------------------------

qdwh_p = Primitive("qdwh", multiple_results=True)


def _qdwh_lowering(x, *, is_hermitian, max_iterations, eps, dynamic_shape):
    def one(m):
        return list(
            lax.linalg.qdwh(
                m, is_hermitian=is_hermitian, max_iterations=max_iterations, eps=eps, dynamic_shape=dynamic_shape
            )
        )

    return _over_batch(one, x)


def_lowering(qdwh_p, _qdwh_lowering)


def qdwh(x, *, is_hermitian=False, max_iterations=None, eps=None, dynamic_shape=None):
    """``[u, h, num_iters, is_converged]`` as ``jax.lax.linalg.qdwh`` (leading axes are batch axes)."""
    return bind(
        qdwh_p,
        x,
        is_hermitian=bool(is_hermitian),
        max_iterations=None if max_iterations is None else int(max_iterations),
        eps=None if eps is None else float(eps),
        dynamic_shape=None if dynamic_shape is None else tuple(int(s) for s in dynamic_shape),
    )


def _qdwh_jvp(primals, tangents, **params):
    (x,), (x_dot,) = primals, tangents
    u, h, num_iters, converged = qdwh(x, **params)
    zeros = [Zero(get_aval(num_iters).to_tangent_aval()), Zero(get_aval(converged).to_tangent_aval())]
    if params["dynamic_shape"] is not None:
        raise NotImplementedError("[jvp] qdwh: derivatives with dynamic_shape (a padded input) are not supported")
    # See the module docstring: W h + h W = X - X^H in the eigenbasis of h = V diag(s) V^H is
    # (V^H W V)_ij = (V^H (X - X^H) V)_ij / (s_i + s_j).
    v, s = la.eigh(h)
    xx = la._matmul(la._H(u), x_dot)
    skew = ew.sub(xx, la._H(xx))
    shape = get_aval(skew).shape
    nd = len(shape)
    s_row = sh.broadcast_in_dim(s, shape[:-2] + (shape[-1], shape[-1]), (*range(nd - 2), nd - 1))
    denom = la._cast_like(ew.add(s_row, la._T(s_row)), skew)
    w = la._matmul(v, la._matmul(ew.div(la._matmul(la._H(v), la._matmul(skew, v)), denom), la._H(v)))
    h_dot = ew.sub(xx, la._matmul(w, h))
    h_inv = la._matmul(la._col_scale(v, la._cast_like(ew.div(ew.scalar_like(1, s), s), v)), la._H(v))
    x_h_inv = la._matmul(x_dot, h_inv)
    perp = ew.sub(x_h_inv, la._matmul(u, la._matmul(la._H(u), x_h_inv)))
    u_dot = ew.add(la._matmul(u, w), perp)
    return [u, h, num_iters, converged], [u_dot, h_dot, *zeros]


ad.def_jvp(qdwh_p, _qdwh_jvp)
batching.def_batching(qdwh_p, la._batch_all(qdwh_p))
