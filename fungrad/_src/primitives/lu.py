"""LU decomposition with partial pivoting of square matrices: ``a[perm] = L U``.

``lu(a)`` returns ``(lu, pivots, permutation)`` as ``jax.lax.linalg.lu`` (``L`` unit lower and ``U``
upper triangular packed in one matrix; ``pivots`` LAPACK's row swaps; ``permutation`` the row order).
The integer outputs have no derivative. The jvp (De Hoog, Anderssen & Lukas, "Differentiation of
matrix functionals using triangular factorization"): with ``x = P da``, ``lau = L^-1 x U^-1``, the
tangent is ``L tril(lau, -1) + triu(lau) U`` (the strictly lower part goes to ``L``, the rest to
``U``). Leading axes are batch axes; batching moves the vmap axis to the front.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.ad import Zero
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import linalg as la
from fungrad._src.primitives import shape as sh

lu_p = Primitive("lu", multiple_results=True)
lu_pivots_to_permutation_p = Primitive("lu_pivots_to_permutation")


def lu(a):
    """``(lu, pivots, permutation)`` of square matrices ``a`` (leading axes are batch axes)."""
    la._check_square("lu", a)
    return bind(lu_p, a)


def lu_pivots_to_permutation(pivots, permutation_size: int):
    """The row order LAPACK's row swaps ``pivots`` produce."""
    return bind(lu_pivots_to_permutation_p, pivots, permutation_size=int(permutation_size))


def_lowering(lu_p, lambda a: list(lax.linalg.lu(a)))
def_lowering(
    lu_pivots_to_permutation_p,
    lambda p, *, permutation_size: lax.linalg.lu_pivots_to_permutation(p, permutation_size),
)


def permutation_matrix(permutation, dtype):
    """``P`` with ``P[..., i, j] = (permutation[..., i] == j)``, so ``P @ x == x[..., permutation, :]``."""
    p_aval = get_aval(permutation)
    n = p_aval.shape[-1]
    shape = (*p_aval.shape, n)
    rows = sh.broadcast_in_dim(permutation, shape, tuple(range(p_aval.ndim)))
    cols = sh.broadcast_in_dim(np.arange(n, dtype=p_aval.dtype), shape, (p_aval.ndim,))
    return ew.convert_element_type(ew.eq(rows, cols), dtype)


def _lu_jvp(primals, tangents):
    (a,), (a_dot,) = primals, tangents
    lu_, pivots, permutation = lu(a)
    zeros = [Zero(get_aval(pivots).to_tangent_aval()), Zero(get_aval(permutation).to_tangent_aval())]
    if type(a_dot) is Zero:
        return [lu_, pivots, permutation], [Zero(get_aval(lu_).to_tangent_aval()), *zeros]
    strict_lower = ew.mul(lu_, la._tril_mask(lu_, -1))
    l_mat = ew.add(strict_lower, la._eye_like(lu_))
    u_mat = ew.sub(lu_, strict_lower)
    x = la._matmul(permutation_matrix(permutation, get_aval(a_dot).dtype), a_dot)
    la_ = la.triangular_solve(l_mat, x, left_side=True, lower=True, unit_diagonal=True)
    lau = la.triangular_solve(u_mat, la_, left_side=False, lower=False)
    lau_lower = ew.mul(lau, la._tril_mask(lau, -1))
    lu_dot = ew.add(la._matmul(l_mat, lau_lower), la._matmul(ew.sub(lau, lau_lower), u_mat))
    return [lu_, pivots, permutation], [lu_dot, *zeros]


ad.def_jvp(lu_p, _lu_jvp)
ad.defjvp_zero(lu_pivots_to_permutation_p)


def _lu_batch(args, dims):
    (a,), (d,) = args, dims
    out = lu(batching.move_to(a, d, 0, get_aval(a).shape[d]))
    return out, [0, 0, 0]


def _pivots_batch(args, dims, *, permutation_size):
    (p,), (d,) = args, dims
    return lu_pivots_to_permutation(batching.move_to(p, d, 0, get_aval(p).shape[d]), permutation_size), 0


batching.def_batching(lu_p, _lu_batch)
batching.def_batching(lu_pivots_to_permutation_p, _pivots_batch)
