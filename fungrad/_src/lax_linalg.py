"""``fungrad.lax.linalg``: the primitive-level linear algebra API, mirroring ``jax.lax.linalg``.

Every function has JAX's signature, keyword names and result structure (lists where JAX returns
lists). Leading axes are batch axes everywhere, also where JAX's function is 2-d only
(``cholesky_update``, ``qdwh``), so everything is batchable with ``vmap``.

Derivatives follow JAX's conventions where JAX has them. Where JAX has none, fungrad's functions are
compositions of differentiable operations and so are differentiable anyway: ``householder_product``,
``ormqr``, ``symmetric_product``, ``cholesky_update`` (Givens rotations); ``qdwh`` has the polar
decomposition's closed-form derivative in both modes (JAX's iteration differentiates in forward mode
only). ``hessenberg``, ``tridiagonal`` and ``schur`` return LAPACK's forms, which have no derivative
(as in JAX). ``eigh`` and ``svd`` compute ``subset_by_index`` by slicing the full decomposition (JAX
refuses it on CPU and GPU); the implementation/algorithm enums are accepted and leave the choice to
XLA's default for the platform.

>>> import fungrad.lax as flax, fungrad.numpy as fnp
>>> flax.linalg.cholesky(fnp.array([[4.0, 0.0], [0.0, 9.0]])).tolist()
[[2.0, 0.0], [0.0, 3.0]]
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

# The enums are JAX's own classes, so values built with either library are accepted by both.
from jax.lax.linalg import EighImplementation, EigImplementation, SvdAlgorithm

import fungrad.numpy as fnp
from fungrad._src.core import get_aval
from fungrad._src.custom_derivatives import custom_jvp
from fungrad._src.primitives import linalg as _la
from fungrad._src.primitives import linalg_eig as _eig
from fungrad._src.primitives import linalg_lapack as _lp
from fungrad._src.primitives import linalg_schur as _schur
from fungrad._src.primitives import lu as _lu

__all__ = [
    "EigImplementation",
    "EighImplementation",
    "SvdAlgorithm",
    "cholesky",
    "cholesky_update",
    "eig",
    "eigh",
    "hessenberg",
    "householder_product",
    "lu",
    "lu_pivots_to_permutation",
    "ormqr",
    "qdwh",
    "qr",
    "schur",
    "svd",
    "symmetric_product",
    "triangular_solve",
    "tridiagonal",
    "tridiagonal_solve",
]


def _matrices(name: str, arg: str, x, *, square: bool = False, inexact: bool = True):
    """``x`` as an array of matrices, or a clear error naming the function and the argument."""
    x = fnp.asarray(x)
    shape = get_aval(x).shape
    if len(shape) < 2 or (square and shape[-1] != shape[-2]):
        kind = "square matrices (..., n, n)" if square else "matrices (..., m, n)"
        raise ValueError(f"{name}: {arg} must be a batch of {kind}, got shape {shape}")
    if inexact and not fnp.issubdtype(x.dtype, fnp.inexact):
        raise TypeError(f"{name}: {arg} must have a floating or complex dtype, got {x.dtype}; cast it first")
    return x


def _mH(x):
    return fnp.conj(fnp.swapaxes(x, -1, -2))


def _check_subset(name: str, subset_by_index, size: int):
    if subset_by_index is None:
        return 0, size
    lo, hi = (operator.index(i) for i in subset_by_index)
    if not 0 <= lo <= hi <= size:
        raise ValueError(
            f"{name}: subset_by_index must be (start, end) with 0 <= start <= end <= {size}, got {subset_by_index}"
        )
    return lo, hi


# ---- Cholesky ------------------------------------------------------------------------------------------------------


def cholesky(x, *, symmetrize_input: bool = True):
    """Lower Cholesky factor of Hermitian positive-definite matrices, as ``jax.lax.linalg.cholesky``.

    Args:
        x: matrices ``(..., n, n)``, real or complex.
        symmetrize_input: first replace ``x`` by ``(x + x^H) / 2`` (else only the lower triangle is read).

    Returns:
        ``L`` with ``L @ L^H == x``, lower triangular (NaNs where the factorization fails).

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.cholesky(fnp.array([[4.0, 0.0], [0.0, 9.0]])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    x = _matrices("cholesky", "x", x, square=True)
    if symmetrize_input:
        x = (x + _la._H(x)) / 2
    return _la.cholesky(x)


def cholesky_update(r_matrix, w_vector):
    """Upper Cholesky factor of ``R^T R + w w^T`` from that of ``R^T R``, as ``jax.lax.linalg.cholesky_update``.

    Computed with one Givens rotation per row (as JAX's), written with differentiable operations, so
    it is differentiable and batchable (JAX's is neither).

    Args:
        r_matrix: upper-triangular ``R`` ``(..., n, n)`` (real).
        w_vector: the update ``w`` ``(..., n)``.

    Returns:
        The new upper-triangular factor ``(..., n, n)``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.cholesky_update(fnp.array([[1.0, 0.0], [0.0, 1.0]]), fnp.array([0.0, 0.0])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    r = _matrices("cholesky_update", "r_matrix", r_matrix, square=True)
    z = fnp.asarray(w_vector)
    n = get_aval(r).shape[-1]
    if get_aval(z).shape[-1:] != (n,) or get_aval(z).shape[:-1] != get_aval(r).shape[:-2]:
        raise ValueError(
            f"cholesky_update: w_vector must have shape {get_aval(r).shape[:-1]} to match r_matrix of shape "
            f"{get_aval(r).shape}, got {get_aval(z).shape}"
        )
    if fnp.iscomplexobj(r) or fnp.iscomplexobj(z):
        raise TypeError("cholesky_update: only real inputs are supported (as in JAX)")
    dtype = fnp.result_type(r, z)
    r, z = r.astype(dtype), z.astype(dtype)
    rows = []
    for k in range(n):
        # The rotation [c, -s; s, c] with c = x / rho, s = -y / rho zeroes z[k] against R[k, k]; both are
        # scaled by max(|x|, |y|) first so rho never overflows, and y == 0 is the identity.
        x, y = r[..., k, k], z[..., k]
        no_rotation = y == 0
        scale = fnp.where(no_rotation, 1.0, fnp.maximum(fnp.abs(x), fnp.abs(y)))
        xs, ys = x / scale, y / scale
        inv_rho = 1 / fnp.sqrt(xs * xs + ys * ys)
        c = fnp.where(no_rotation, 1.0, xs * inv_rho)[..., None]
        s = fnp.where(no_rotation, 0.0, -ys * inv_rho)[..., None]
        row = r[..., k, :]
        rows.append(c * row - s * z)
        z = c * z + s * row
    return fnp.stack(rows, axis=-2)


# ---- eigendecompositions ---------------------------------------------------------------------------------------------


def eig(
    x,
    *,
    compute_left_eigenvectors: bool = True,
    compute_right_eigenvectors: bool = True,
    enable_eigvec_derivs: bool = False,
    implementation: EigImplementation | None = None,
    use_magma: bool | None = None,
):
    """Eigendecomposition of general square matrices (CPU), as ``jax.lax.linalg.eig``.

    Args:
        x: matrices ``(..., n, n)``, real or complex.
        compute_left_eigenvectors: also return the left eigenvectors.
        compute_right_eigenvectors: also return the right eigenvectors.
        enable_eigvec_derivs: allow derivatives of the eigenvectors (valid only for distinct
            eigenvalues; taken under LAPACK's normalization, as in JAX).
        implementation: accepted for JAX compatibility; XLA's default for the platform is used.
        use_magma: deprecated in JAX (a ``DeprecationWarning`` here too); ignored.

    Returns:
        ``[w, vl, vr]`` (complex), without the eigenvectors that were not asked for.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> w, vl, vr = flax.linalg.eig(fnp.array([[2.0, 0.0], [0.0, 3.0]]))
    >>> w.real.tolist()
    [2.0, 3.0]
    """
    if use_magma is not None:
        warnings.warn(
            "use_magma is deprecated, please use implementation=EigImplementation.MAGMA instead.",
            DeprecationWarning,
            stacklevel=2,
        )
    if implementation is not None and not isinstance(implementation, EigImplementation):
        raise TypeError(f"eig: implementation must be an EigImplementation or None, got {implementation!r}")
    x = _matrices("eig", "x", x, square=True)
    return _eig.eig(
        x,
        compute_left_eigenvectors=compute_left_eigenvectors,
        compute_right_eigenvectors=compute_right_eigenvectors,
        enable_eigvec_derivs=enable_eigvec_derivs,
    )


def eigh(
    x,
    *,
    lower: bool = True,
    symmetrize_input: bool = True,
    sort_eigenvalues: bool = True,
    subset_by_index: tuple[int, int] | None = None,
    implementation: EighImplementation | None = None,
):
    """Eigenvectors (columns) and ascending eigenvalues of Hermitian matrices, as ``jax.lax.linalg.eigh``.

    Args:
        x: matrices ``(..., n, n)``, real symmetric or complex Hermitian.
        lower: read the lower (else upper) triangle when not symmetrizing.
        symmetrize_input: first replace ``x`` by ``(x + x^H) / 2``.
        sort_eigenvalues: accepted for JAX compatibility; the eigenvalues are always ascending.
        subset_by_index: ``(start, end)``: only eigenpairs ``start..end-1`` (sliced from the full
            decomposition, so also on CPU/GPU where JAX refuses it; differentiable).
        implementation: accepted for JAX compatibility; XLA's default for the platform is used.

    Returns:
        ``(v, w)`` with ``x @ v == v * w``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> v, w = flax.linalg.eigh(fnp.array([[2.0, 0.0], [0.0, 1.0]]))
    >>> w.tolist()
    [1.0, 2.0]
    """
    if implementation is not None and not isinstance(implementation, EighImplementation):
        raise TypeError(f"eigh: implementation must be an EighImplementation or None, got {implementation!r}")
    x = _matrices("eigh", "x", x, square=True)
    lo, hi = _check_subset("eigh", subset_by_index, get_aval(x).shape[-1])
    if symmetrize_input:
        x = (x + _la._H(x)) / 2
    elif not lower:
        # The upper triangle of a Hermitian matrix is the conjugate transpose of its lower one.
        x = _la._H(x)
    v, w = _la.eigh(x)
    if (lo, hi) != (0, get_aval(x).shape[-1]):
        v, w = v[..., :, lo:hi], w[..., lo:hi]
    return v, w


def schur(x, *, compute_schur_vectors: bool = True, sort_eig_vals: bool = False, select_callable=None):
    """Schur decomposition ``x = Q U Q^H`` (CPU), as ``jax.lax.linalg.schur``; not differentiable.

    Args:
        x: square matrices ``(..., n, n)``; real input gives the real (quasi-triangular) Schur form.
        compute_schur_vectors: also return ``Q``.
        sort_eig_vals: not supported (as in JAX, where LAPACK's sorting is not wired up).
        select_callable: unused, as in JAX.

    Returns:
        ``[U, Q]``, or ``[U]`` without the Schur vectors.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> u, q = flax.linalg.schur(fnp.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> abs(u).round(6).tolist()
    [[1.0, 2.0], [0.0, 3.0]]
    """
    del select_callable  # unused, as in JAX
    if sort_eig_vals:
        raise NotImplementedError("schur: sort_eig_vals=True is not implemented (nor in JAX: LAPACK's gees sorting)")
    x = _matrices("schur", "x", x, square=True)
    t, z = _schur.schur(x)
    return [t, z] if compute_schur_vectors else [t]


# ---- Householder forms ---------------------------------------------------------------------------------------------


def hessenberg(a):
    """Reduction to upper Hessenberg form in LAPACK's packed form (CPU), as ``jax.lax.linalg.hessenberg``.

    Args:
        a: square matrices ``(..., n, n)``.

    Returns:
        ``[a, taus]``: the Hessenberg matrix in ``a``'s upper triangle and first subdiagonal, the
        Householder reflectors below, and their scale factors ``taus`` ``(..., n - 1)``. Not
        differentiable (as in JAX).

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> h, taus = flax.linalg.hessenberg(fnp.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> h.tolist(), taus.tolist()
    ([[1.0, 2.0], [3.0, 4.0]], [0.0])
    """
    return list(_lp.hessenberg_packed(_matrices("hessenberg", "a", a, square=True)))


def tridiagonal(a, *, lower: bool = True):
    """Reduction of Hermitian matrices to tridiagonal form, packed, as ``jax.lax.linalg.tridiagonal``.

    Args:
        a: Hermitian matrices ``(..., n, n)``; only the triangle given by ``lower`` is read.
        lower: use the lower (else upper) triangle.

    Returns:
        ``[a, d, e, taus]``: the packed form, the (real) diagonal, the (real) off-diagonal, and the
        reflectors' scale factors. Not differentiable (as in JAX).

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> arr, d, e, taus = flax.linalg.tridiagonal(fnp.array([[2.0, 1.0], [1.0, 3.0]]))
    >>> d.tolist(), e.tolist()
    ([2.0, 3.0], [1.0])
    """
    return list(_lp.tridiagonal(_matrices("tridiagonal", "a", a, square=True), lower=lower))


def _householder_vectors(name, a, taus):
    a = _matrices(name, "a", a)
    taus = fnp.asarray(taus)
    m, n = get_aval(a).shape[-2:]
    k = get_aval(taus).shape[-1] if get_aval(taus).ndim else -1
    if (
        get_aval(taus).ndim != get_aval(a).ndim - 1
        or k > min(m, n)
        or get_aval(taus).shape[:-1] != get_aval(a).shape[:-2]
    ):
        raise ValueError(
            f"{name}: taus must have shape (..., k) with the batch shape of a and k <= min(m, n) = {min(m, n)}; "
            f"got a of shape {get_aval(a).shape} and taus of shape {get_aval(taus).shape}"
        )
    a, taus = fnp.asarray(a), taus.astype(a.dtype)
    # v_i: zeros above row i, one at row i, a's column i below the diagonal.
    vectors = fnp.tril(a[..., :, :k], -1) + fnp.eye(m, k, dtype=a.dtype)
    return a, taus, vectors, k


def householder_product(a, taus):
    """Product ``H_0 H_1 ... H_{k-1}`` of elementary reflectors ``H_i = I - tau_i v_i v_i^H``, as
    ``jax.lax.linalg.householder_product`` (LAPACK's ``orgqr``): the first ``n`` columns.

    Written with differentiable operations, so it is differentiable in ``a`` and ``taus`` (JAX's is not).

    Args:
        a: ``(..., m, n)`` with ``m >= n``; column ``i`` below the diagonal holds ``v_i``.
        taus: ``(..., k)`` scale factors, ``k <= n``.

    Returns:
        ``(..., m, n)``: the first ``n`` columns of the product (orthonormal columns).

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> q = flax.linalg.householder_product(fnp.array([[0.0], [1.0]]), fnp.array([1.0]))
    >>> q.tolist()
    [[0.0], [-1.0]]
    """
    a, taus, vectors, k = _householder_vectors("householder_product", a, taus)
    m, n = get_aval(a).shape[-2:]
    if m < n:
        raise ValueError(f"householder_product: a must have at least as many rows as columns, got shape {a.shape}")
    q = fnp.broadcast_to(fnp.eye(m, n, dtype=a.dtype), get_aval(a).shape)
    for i in reversed(range(k)):
        v = vectors[..., :, i]
        # H_i q = q - tau_i v (v^H q)
        q = (
            q
            - taus[..., i, None, None] * v[..., :, None] * fnp.sum(fnp.conj(v)[..., :, None] * q, axis=-2)[..., None, :]
        )
    return q


def ormqr(a, taus, c, *, left: bool = True, transpose: bool = False):
    """``Q @ c``, ``Q^H @ c``, ``c @ Q`` or ``c @ Q^H`` for ``Q = H_0 ... H_{k-1}`` given by reflectors,
    without forming ``Q``, as ``jax.lax.linalg.ormqr`` (LAPACK's ``ormqr``/``unmqr``).

    Written with differentiable operations, so it is differentiable in every argument (JAX's is not).

    Args:
        a: ``(..., m, n)``; column ``i`` below the diagonal holds reflector ``v_i``.
        taus: ``(..., k)`` scale factors.
        c: ``(..., m, p)`` (``left``) or ``(..., p, m)``.
        left: multiply ``Q`` from the left (else from the right).
        transpose: use ``Q^T`` (``Q^H`` for complex).

    Returns:
        The product, of ``c``'s shape.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.ormqr(fnp.array([[0.0], [1.0]]), fnp.array([1.0]), fnp.array([[1.0], [2.0]])).tolist()
    [[-2.0], [-1.0]]
    """
    a, taus, vectors, k = _householder_vectors("ormqr", a, taus)
    c = _matrices("ormqr", "c", c)
    m = get_aval(a).shape[-2]
    c_shape = get_aval(c).shape
    if (left and c_shape[-2] != m) or (not left and c_shape[-1] != m):
        side = "rows" if left else "columns"
        raise ValueError(f"ormqr: c must have {m} {side} (a's rows) with left={left}; got a {a.shape} and c {c_shape}")
    if transpose:
        taus = fnp.conj(taus)
    # Q c = H_0 (H_1 (... c)) applies the last reflector first; Q^H c and c Q the first.
    order = range(k) if left == transpose else reversed(range(k))
    for i in order:
        v, tau = vectors[..., :, i], taus[..., i, None, None]
        if left:  # c - tau v (v^H c)
            c = c - tau * v[..., :, None] * fnp.sum(fnp.conj(v)[..., :, None] * c, axis=-2)[..., None, :]
        else:  # c - tau (c v) v^H
            c = c - tau * fnp.sum(c * v[..., None, :], axis=-1)[..., :, None] * fnp.conj(v)[..., None, :]
    return c


# ---- LU --------------------------------------------------------------------------------------------------------------


def lu(x):
    """LU decomposition with partial pivoting ``P x = L U``, as ``jax.lax.linalg.lu``.

    Args:
        x: matrices ``(..., m, n)`` (any ``m``, ``n``), real or complex.

    Returns:
        ``[lu, pivots, permutation]``: ``L`` (unit diagonal implied) below and ``U`` on and above the
        diagonal of ``lu``; ``pivots`` ``(..., min(m, n))`` LAPACK's row swaps; ``permutation``
        ``(..., m)`` the row order. Differentiable in ``lu`` (the integer outputs have zero tangents).

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> lu, pivots, perm = flax.linalg.lu(fnp.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> lu.round(6).tolist(), pivots.tolist(), perm.tolist()
    ([[3.0, 4.0], [0.333333, 0.666667]], [1, 1], [1, 0])
    """
    return list(_lp.lu_rectangular(_matrices("lu", "x", x)))


def lu_pivots_to_permutation(pivots, permutation_size: int):
    """The row order that LAPACK's row swaps ``pivots`` produce, as ``jax.lax.linalg.lu_pivots_to_permutation``.

    Args:
        pivots: int32 ``(..., k)``: row ``i`` was swapped with row ``pivots[i]``.
        permutation_size: the permutation's length, at least ``k``.

    Returns:
        int32 ``(..., permutation_size)``.

    >>> import fungrad.lax as flax, numpy as np
    >>> flax.linalg.lu_pivots_to_permutation(np.array([2, 2, 2], np.int32), 4).tolist()
    [2, 0, 1, 3]
    """
    pivots = fnp.asarray(pivots)
    shape = get_aval(pivots).shape
    if not shape or shape[-1] > permutation_size:
        raise ValueError(
            f"lu_pivots_to_permutation: pivots must have shape (..., k) with k <= permutation_size="
            f"{permutation_size}, got shape {shape}"
        )
    if pivots.dtype != np.int32:
        raise TypeError(f"lu_pivots_to_permutation: pivots must be int32 (as in JAX), got {pivots.dtype}")
    return _lu.lu_pivots_to_permutation(pivots, permutation_size)


# ---- QR ----------------------------------------------------------------------------------------------------------


def _thin_qr_jvp(q, r, dx):
    """Tangents of the thin QR ``x = q r`` (``m >= n``); the derivation is in primitives/linalg.py."""
    dx_rinv = _la.triangular_solve(r, dx, left_side=False, lower=False)
    c = fnp.matmul(_mH(q), dx_rinv)
    low = fnp.tril(c, -1)
    w = low - _mH(low)
    if fnp.iscomplexobj(c):
        w = w + fnp.eye(c.shape[-1], dtype=c.dtype) * (c - fnp.real(c).astype(c.dtype))
    return fnp.matmul(q, w - c) + dx_rinv, fnp.matmul(c - w, r)


def _qr_complete_impl(x):
    q, r = _la.qr(x, full_matrices=True)
    return q, r


_qr_complete = custom_jvp(_qr_complete_impl)


@_qr_complete.defjvp
def _qr_complete_jvp(primals, tangents):
    # For tall x (m > n) the last m - n columns of the complete Q are not determined by x; LAPACK's
    # choice follows from its Householder reflectors. JAX differentiates that choice (Roberts &
    # Roberts 2024, arXiv:2409.13374, eqs. 32-33), and so does this rule: with Z = Q_pn (Q_nn - I)^-1,
    # dQ_mp = dQ_mn Z^H - (Q_mn + Q_mp Z) (dQ_pn - Z dQ_nn)^H, and dR's extra zero rows stay zero.
    (x,), (dx,) = primals, tangents
    q, r = _qr_complete(x)
    n = x.shape[-1]
    q_mn, q_mp, r_nn = q[..., :, :n], q[..., :, n:], r[..., :n, :]
    dq_mn, dr_nn = _thin_qr_jvp(q_mn, r_nn, dx)
    eye = fnp.eye(n, dtype=q.dtype)
    z_h = fnp.linalg.solve(_mH(q_mn[..., :n, :] - eye), _mH(q_mn[..., n:, :]))
    z = _mH(z_h)
    dq_mp = fnp.matmul(dq_mn, z_h) - fnp.matmul(
        q_mn + fnp.matmul(q_mp, z), _mH(dq_mn[..., n:, :] - fnp.matmul(z, dq_mn[..., :n, :]))
    )
    dr = fnp.concatenate([dr_nn, fnp.zeros_like(r[..., n:, :])], axis=-2)
    return (q, r), (fnp.concatenate([dq_mn, dq_mp], axis=-1), dr)


def qr(x, *, pivoting: bool = False, full_matrices: bool = True, use_magma: bool | None = None):
    """QR decomposition ``x = Q R`` (``x[..., p] = Q R`` with pivoting), as ``jax.lax.linalg.qr``.

    Differentiable as JAX's: tall, square and wide matrices, reduced and complete factors.

    Args:
        x: matrices ``(..., m, n)``, real or complex.
        pivoting: column pivoting (rank revealing, ``|diag R|`` non-increasing); also returns ``p``.
        full_matrices: square ``Q`` ``(..., m, m)`` (else ``(..., m, min(m, n))``).
        use_magma: accepted for JAX compatibility (GPU only in JAX); ignored.

    Returns:
        ``(q, r)``, or ``(q, r, p)`` with ``pivoting`` (``p`` int32 ``(..., n)``).

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> q, r = flax.linalg.qr(fnp.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> [[round(abs(v), 4) for v in row] for row in r.tolist()]
    [[1.0, 2.0], [0.0, 3.0]]
    """
    del use_magma  # GPU-only in JAX
    x = _matrices("qr", "x", x)
    m, n = get_aval(x).shape[-2:]
    p = None
    if pivoting:
        # geqp3's Householder steps on x equal geqrf's on the permuted columns, which is also how JAX
        # differentiates the pivoted QR (the permutation is piecewise constant).
        p = _lp.qr_pivots(x)
        x = fnp.take_along_axis(x, fnp.broadcast_to(p[..., None, :], get_aval(x).shape), axis=-1)
    if m < n:
        # x = [x1 x2] with x1 square: q r1 = x1, and r2 = q^H x2.
        q, r1 = _la.qr(x[..., :, :m], full_matrices=False)
        r = fnp.concatenate([r1, fnp.matmul(_mH(q), x[..., :, m:])], axis=-1)
    elif full_matrices and m > n:
        q, r = _qr_complete(x)
    else:
        q, r = _la.qr(x, full_matrices=full_matrices)
    return (q, r, p) if pivoting else (q, r)


# ---- SVD and polar -----------------------------------------------------------------------------------------------


def svd(
    x,
    *,
    full_matrices: bool = True,
    compute_uv: bool = True,
    subset_by_index: tuple[int, int] | None = None,
    algorithm: SvdAlgorithm | None = None,
):
    """Singular value decomposition ``x = U diag(s) V^H``, as ``jax.lax.linalg.svd``.

    Differentiable for the thin form (or square matrices), as JAX's.

    Args:
        x: matrices ``(..., m, n)``, real or complex.
        full_matrices: return square ``u`` and ``vh`` (else the thin factors).
        compute_uv: return the factors too (else only the singular values).
        subset_by_index: ``(start, end)``: only singular triplets ``start..end-1`` (sliced from the full
            decomposition, so also on CPU/GPU where JAX refuses it); not with ``full_matrices``.
        algorithm: accepted for JAX compatibility; XLA's default for the platform is used.

    Returns:
        ``(u, s, vh)`` with ``s`` descending (real), or just ``s``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.svd(fnp.array([[3.0, 0.0], [0.0, -2.0]]), compute_uv=False).tolist()
    [3.0, 2.0]
    """
    if algorithm is not None and not isinstance(algorithm, SvdAlgorithm):
        raise TypeError(f"svd: algorithm must be an SvdAlgorithm or None, got {algorithm!r}")
    x = _matrices("svd", "x", x)
    rank = min(get_aval(x).shape[-2:])
    lo, hi = _check_subset("svd", subset_by_index, rank)
    subset = (lo, hi) != (0, rank)
    if subset and full_matrices:
        raise ValueError("svd: full_matrices and subset_by_index cannot both be set (as in JAX)")
    s, u, vh = _la.svd(x, full_matrices=full_matrices and compute_uv)
    if subset:
        s, u, vh = s[..., lo:hi], u[..., :, lo:hi], vh[..., lo:hi, :]
    return (u, s, vh) if compute_uv else s


def qdwh(
    x, *, is_hermitian: bool = False, max_iterations: int | None = None, eps: float | None = None, dynamic_shape=None
):
    """Polar decomposition ``x = u h`` by the QR-based dynamically weighted Halley iteration, as
    ``jax.lax.linalg.qdwh``.

    The values are JAX's iteration's; the derivative is the polar decomposition's, in closed form, in
    both modes (JAX's differentiates through the iteration, forward mode only). It assumes full
    column rank, like the decomposition.

    Args:
        x: full-rank matrices ``(..., m, n)`` with ``m >= n``, real or complex.
        is_hermitian: unused by JAX's iteration; kept for compatibility.
        max_iterations: iteration limit (JAX's default 10).
        eps: the convergence tolerance's scale (default: the dtype's epsilon).
        dynamic_shape: the unpadded ``(m, n)`` when ``x`` is padded (no derivatives then).

    Returns:
        ``(u, h, num_iters, is_converged)``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> u, h, num_iters, is_converged = flax.linalg.qdwh(fnp.array([[0.0, 2.0], [3.0, 0.0]]))
    >>> (u.round(6) + 0.0).tolist(), (h.round(6) + 0.0).tolist(), bool(is_converged)
    ([[0.0, 1.0], [1.0, 0.0]], [[3.0, 0.0], [0.0, 2.0]], True)
    """
    x = _matrices("qdwh", "x", x)
    m, n = get_aval(x).shape[-2:]
    if m < n:
        raise ValueError(f"qdwh: the input matrix of shape M x N must have M >= N, got shape {get_aval(x).shape}")
    return tuple(
        _lp.qdwh(x, is_hermitian=is_hermitian, max_iterations=max_iterations, eps=eps, dynamic_shape=dynamic_shape)
    )


# ---- products and solves --------------------------------------------------------------------------------------------


def symmetric_product(a_matrix, c_matrix, *, alpha: float = 1.0, beta: float = 0.0, symmetrize_output: bool = False):
    """``alpha * a @ a^T + beta * c``, as ``jax.lax.linalg.symmetric_product`` (differentiable).

    Args:
        a_matrix: ``(..., m, n)``, real.
        c_matrix: symmetric ``(..., m, m)``.
        alpha: scale of ``a a^T``.
        beta: scale of ``c``.
        symmetrize_output: copy the lower triangle onto the upper one (the whole result is computed
            here anyway, as JAX does on CPU).

    Returns:
        ``(..., m, m)``.

    >>> import fungrad.lax as flax, fungrad.numpy as fnp
    >>> flax.linalg.symmetric_product(fnp.array([[1.0], [2.0]]), fnp.eye(2), beta=1.0).tolist()
    [[2.0, 2.0], [2.0, 5.0]]
    """
    a = _matrices("symmetric_product", "a_matrix", a_matrix)
    c = _matrices("symmetric_product", "c_matrix", c_matrix, square=True)
    if get_aval(a).shape[-2] != get_aval(c).shape[-1]:
        raise ValueError(
            f"symmetric_product: expects a_matrix of shape (..., m, n) and c_matrix of shape (..., m, m); got "
            f"{get_aval(a).shape} and {get_aval(c).shape}"
        )
    result = alpha * fnp.matmul(a, fnp.swapaxes(a, -1, -2)) + beta * c
    if symmetrize_output:
        result = fnp.tril(result) + fnp.swapaxes(fnp.tril(result, -1), -1, -2)
    return result


def triangular_solve(
    a,
    b,
    *,
    left_side: bool = False,
    lower: bool = False,
    transpose_a: bool = False,
    conjugate_a: bool = False,
    unit_diagonal: bool = False,
):
    """Solve a triangular system ``op(a) x = b`` or ``x op(a) = b``, as ``jax.lax.linalg.triangular_solve``.

    Args:
        a: triangular matrices ``(..., m, m)`` (only the triangle given by ``lower`` is read).
        b: right-hand sides, ``(..., m, n)`` if ``left_side`` else ``(..., n, m)``; or one vector per
            matrix ``(..., m)``.
        left_side: solve ``op(a) x = b`` (else ``x op(a) = b``).
        lower: ``a`` is lower (else upper) triangular.
        transpose_a: ``op(a) = a.T`` (else ``a``).
        conjugate_a: conjugate ``a`` too (no effect for real ``a``).
        unit_diagonal: assume ones on the diagonal.

    Returns:
        ``x``, of ``b``'s shape.

    >>> import fungrad.lax as flax, numpy as np
    >>> a = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> flax.linalg.triangular_solve(a, np.array([[2.0, 3.0]]), lower=True).tolist()
    [[-0.5, 3.0]]
    """
    a = _matrices("triangular_solve", "a", a, square=True)
    b = fnp.asarray(b)
    vector = get_aval(b).ndim == get_aval(a).ndim - 1
    if vector:
        b = b[..., :, None] if left_side else b[..., None, :]
    m = get_aval(a).shape[-1]
    need = get_aval(b).shape[-2] if left_side else get_aval(b).shape[-1]
    if get_aval(b).ndim != get_aval(a).ndim or need != m or get_aval(b).shape[:-2] != get_aval(a).shape[:-2]:
        raise ValueError(
            f"triangular_solve: b must have a's batch shape and {m} {'rows' if left_side else 'columns'} "
            f"(left_side={left_side}); got a {get_aval(a).shape} and b {get_aval(fnp.asarray(b)).shape}"
        )
    out = _la.triangular_solve(
        a,
        b,
        left_side=left_side,
        lower=lower,
        transpose_a=transpose_a,
        conjugate_a=conjugate_a,
        unit_diagonal=unit_diagonal,
    )
    if vector:
        out = out[..., 0] if left_side else out[..., 0, :]
    return out


def tridiagonal_solve(dl, d, du, b, *, perturb_singular: bool = False):
    """Solve the tridiagonal system ``T x = b``, as ``jax.lax.linalg.tridiagonal_solve``.

    Differentiable in all four arguments (linear in ``b``), as JAX's.

    Args:
        dl: ``(..., m)`` subdiagonal, ``dl[i] = T[i, i-1]`` (``dl[0]`` is ignored).
        d: ``(..., m)`` diagonal.
        du: ``(..., m)`` superdiagonal, ``du[i] = T[i, i+1]`` (``du[m-1]`` is ignored).
        b: ``(..., m, k)`` right-hand sides.
        perturb_singular: perturb tiny pivots so singular systems give finite results (CPU/GPU).

    Returns:
        ``x`` of ``b``'s shape.

    >>> import fungrad.lax as flax, numpy as np
    >>> dl, d, du = np.array([0.0, 1.0]), np.array([2.0, 2.0]), np.array([1.0, 0.0])
    >>> flax.linalg.tridiagonal_solve(dl, d, du, np.array([[3.0], [3.0]])).tolist()
    [[1.0], [1.0]]
    """
    dl, d, du, b = (fnp.asarray(v) for v in (dl, d, du, b))
    shapes = [get_aval(v).shape for v in (dl, d, du)]
    if len(set(shapes)) != 1:
        raise TypeError(f"tridiagonal_solve: dl, d and du must have one shape, got {shapes}")
    if get_aval(b).shape[:-1] != shapes[0]:
        raise TypeError(
            f"tridiagonal_solve: b must have shape (*d.shape, k) = ({', '.join(map(str, shapes[0]))}, k), got "
            f"{get_aval(b).shape}"
        )
    dtypes = {v.dtype for v in (dl, d, du, b)}
    if len(dtypes) != 1 or not fnp.issubdtype(b.dtype, fnp.inexact):
        raise TypeError(f"tridiagonal_solve: all arguments must share one floating or complex dtype, got {dtypes}")
    return _lp.tridiagonal_solve(dl, d, du, b, perturb_singular=perturb_singular)
