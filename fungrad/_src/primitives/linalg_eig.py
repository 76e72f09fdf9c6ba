"""Eigendecomposition of general (non-symmetric) square matrices: ``eig``, as ``jax.lax.linalg.eig``.

``eig(a)`` returns ``[w, vl?, vr?]`` (complex eigenvalues, then the left and/or right eigenvectors that
were asked for, as columns normalized by LAPACK's ``geev``). It lowers to ``jax.lax.linalg.eig``,
which XLA implements on CPU (and GPU through the host), so it runs where JAX's does.

Derivatives follow JAX exactly:

- eigenvalues only: ``dw = diag(V^-1 dA V)`` (nondegenerate perturbation theory, Giles 2008 sec. 3.1).
  The tangent is linear in ``dA`` (a solve linear in its right-hand side, products, a sum), so reverse
  mode comes from transposing it, as ``jax.grad`` of ``eigvals`` does.
- eigenvectors: JAX refuses unless ``enable_eigvec_derivs=True``, because the derivative is only valid
  for distinct eigenvalues and an unambiguous largest-magnitude component. With it, ``dV = U + V c``
  where ``U = V (F o P)``, ``P = V^-1 dA V``, ``F_ij = 1/(w_j - w_i)`` (0 on the diagonal), and ``c``
  keeps geev's normalization (unit 2-norm, real largest-magnitude component). Left eigenvectors are the
  right eigenvectors of ``A^H`` with eigenvalues ``conj(w)``.
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.core import FungradTypeError, Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import linalg as la
from fungrad._src.primitives import reductions as red
from fungrad._src.primitives import shape as sh

eig_p = Primitive("eig", multiple_results=True)


def eig(a, *, compute_left_eigenvectors=True, compute_right_eigenvectors=True, enable_eigvec_derivs=False):
    """``[w, vl?, vr?]`` of square matrices ``a`` (leading axes are batch axes), as ``jax.lax.linalg.eig``."""
    la._check_square("eig", a)
    dtype = get_aval(a).dtype
    if not np.issubdtype(dtype, np.inexact):
        raise FungradTypeError(f"eig: expected a floating or complex array, got {dtype}")
    return bind(
        eig_p,
        a,
        compute_left_eigenvectors=bool(compute_left_eigenvectors),
        compute_right_eigenvectors=bool(compute_right_eigenvectors),
        enable_eigvec_derivs=bool(enable_eigvec_derivs),
    )


def _eig_lowering(a, *, compute_left_eigenvectors, compute_right_eigenvectors, enable_eigvec_derivs):
    return list(
        lax.linalg.eig(
            a,
            compute_left_eigenvectors=compute_left_eigenvectors,
            compute_right_eigenvectors=compute_right_eigenvectors,
        )
    )


def_lowering(eig_p, _eig_lowering)


def _row_bcast(w, shape):
    """``w[..., None, :]`` broadcast to ``shape``: entry ``[..., i, j]`` is ``w[..., j]``."""
    nd = len(shape)
    return sh.broadcast_in_dim(w, shape, (*range(nd - 2), nd - 1))


def _eigvec_jvp(w, v, da):
    """``(dw, dv)`` for ``A v_j = w_j v_j`` with geev's normalization of each column ``v_j``."""
    shape = get_aval(v).shape
    nd = len(shape)
    p = la._matmul(la.solve(v, da), v)
    w_row = _row_bcast(w, shape)
    eye = la._eye_like(v)
    f = ew.sub(ew.div(ew.scalar_like(1, eye), ew.add(eye, ew.sub(w_row, la._T(w_row)))), eye)
    u = la._matmul(v, ew.mul(f, p))
    # dv_j = u_j + c_j v_j; unit norm fixes Re c_j = -Re(v_j^H u_j), a real largest-magnitude component
    # k_j fixes Im c_j = -Im(u_kj) / v_kj. k_j is piecewise constant: no derivative flows through it.
    k = red.argmax(ew.stop_gradient(cx.real(ew.mul(v, cx.conj(v)))), nd - 2)
    k_bcast = _row_bcast(k, shape)
    rows = sh.broadcast_in_dim(np.arange(shape[-1], dtype=np.int32), shape, (nd - 2,))
    mask = la._cast_like(ew.convert_element_type(ew.eq(rows, k_bcast), get_aval(v).dtype), v)
    re_c = ew.neg(cx.real(red.reduce_sum(ew.mul(cx.conj(v), u), (nd - 2,))))
    v_k = cx.real(red.reduce_sum(ew.mul(mask, v), (nd - 2,)))
    im_c = ew.neg(ew.div(cx.imag(red.reduce_sum(ew.mul(mask, u), (nd - 2,))), v_k))
    c = cx.complex(re_c, im_c)
    return la._diag_part(p), ew.add(u, ew.mul(v, _row_bcast(c, shape)))


def _eig_jvp(primals, tangents, *, compute_left_eigenvectors, compute_right_eigenvectors, enable_eigvec_derivs):
    (a,), (a_dot,) = primals, tangents
    vectors = compute_left_eigenvectors or compute_right_eigenvectors
    if vectors and not enable_eigvec_derivs:
        raise NotImplementedError(
            "[jvp] eig: derivatives of non-symmetric eigenvectors are only valid under assumptions on the "
            "input that cannot be checked (distinct eigenvalues; see jax-ml/jax#2748). As in JAX, pass "
            "enable_eigvec_derivs=True to fungrad.lax.linalg.eig to opt in, or differentiate eigvals only."
        )
    outs = eig(a, compute_left_eigenvectors=compute_left_eigenvectors, enable_eigvec_derivs=enable_eigvec_derivs)
    w, vr = outs[0], outs[-1]
    da = cx.to_complex(a_dot)
    if not vectors:
        # diag(V^-1 dA V) as a row sum: sum_k (V^-1 dA)_ik V_ki
        dw = red.reduce_sum(ew.mul(la.solve(vr, da), la._T(vr)), (get_aval(vr).ndim - 1,))
        return [w], [dw]
    dw, dvr = _eigvec_jvp(w, vr, da)
    primal_out, tangent_out = [w], [dw]
    if compute_left_eigenvectors:
        _, dvl = _eigvec_jvp(cx.conj(w), outs[1], la._H(da))
        primal_out.append(outs[1])
        tangent_out.append(dvl)
    if compute_right_eigenvectors:
        primal_out.append(vr)
        tangent_out.append(dvr)
    return primal_out, tangent_out


ad.def_jvp(eig_p, _eig_jvp)
batching.def_batching(eig_p, la._batch_all(eig_p))
