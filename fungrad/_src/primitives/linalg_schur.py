"""Schur-based matrix functions: ``schur``, ``hessenberg`` and ``sqrtm``, plus a Sylvester solver.

``schur`` and ``hessenberg`` lower to ``jax.lax.linalg.schur`` / ``jax.scipy.linalg.hessenberg``
(XLA implements them on CPU) and, as in JAX, have no derivative: their jvp rules raise.

``sqrtm`` lowers to ``jax.scipy.linalg.sqrtm`` (complex Schur form, then the triangular square root),
so its values are JAX's. JAX cannot differentiate it (``schur`` has no rule); fungrad can: the
principal square root ``X`` of ``A`` satisfies ``X X = A``, so ``X dX + dX X = dA``, a Sylvester
equation in ``dX`` that is linear in ``dA`` (reverse mode transposes the solve).

``sylvester(a, b, c)`` solves ``a x + x b = c`` through its Kronecker form
``(a (x) I + I (x) b^T) vec(x) = vec(c)`` (row-major ``vec``). It is written with primitives (so it is
differentiable in all three operands and batchable) and costs ``O((m n)^3)``: meant for the small and
moderate matrices these functions are used on.
"""

from __future__ import annotations

import numpy as np
from jax import lax
from jax.scipy import linalg as jsl

from fungrad._src import ad, batching
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import complex_parts as cx
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import linalg as la
from fungrad._src.primitives import shape as sh


def sylvester(a, b, c):
    """``x`` with ``a @ x + x @ b == c`` for ``a (..., m, m)``, ``b (..., n, n)``, ``c (..., m, n)``
    with equal leading batch shapes and one dtype."""
    batch = get_aval(c).shape[:-2]
    m, n = get_aval(c).shape[-2:]
    nb = len(batch)
    shape = (*batch, m, n, m, n)  # [..., i, j, k, l]: coefficient of x[k, l] in (a x + x b)[i, j]
    eye_m = la._const_like(np.eye(m), a)
    eye_n = la._const_like(np.eye(n), b)
    bdims = tuple(range(nb))
    a_part = ew.mul(
        sh.broadcast_in_dim(a, shape, (*bdims, nb, nb + 2)), sh.broadcast_in_dim(eye_n, shape, (*bdims, nb + 1, nb + 3))
    )
    b_part = ew.mul(
        sh.broadcast_in_dim(eye_m, shape, (*bdims, nb, nb + 2)),
        sh.broadcast_in_dim(la._T(b), shape, (*bdims, nb + 1, nb + 3)),
    )
    kron = sh.reshape(ew.add(a_part, b_part), (*batch, m * n, m * n))
    x = la.solve(kron, sh.reshape(c, (*batch, m * n, 1)))
    return sh.reshape(x, (*batch, m, n))


def _no_derivative(name):
    def rule(primals, tangents, **params):
        raise NotImplementedError(
            f"[jvp] {name} is not differentiable (JAX has no derivative rule for it either); "
            f"shapes {[get_aval(p).shape for p in primals]}"
        )

    return rule


def _over_batch(fn):
    """Run a 2-d-only JAX function over the leading batch axes with ``lax.map`` (inside the lowering)."""

    def run(a, **params):
        if a.ndim == 2:
            return fn(a, **params)
        flat = a.reshape((-1, *a.shape[-2:]))
        outs = lax.map(lambda m: fn(m, **params), flat)
        return [o.reshape((*a.shape[:-2], *o.shape[1:])) for o in outs] if isinstance(outs, list) else outs

    return run


# ---- schur: A = Z T Z^H ------------------------------------------------------------------------------------

schur_p = Primitive("schur", multiple_results=True)
def_lowering(schur_p, lambda a: list(lax.linalg.schur(a)))


def schur(a):
    """``[t, z]`` with ``a = z t z^H``: ``t`` (quasi-)upper triangular, ``z`` unitary (CPU only)."""
    la._check_square("schur", a)
    return bind(schur_p, a)


ad.def_jvp(schur_p, _no_derivative("schur"))
batching.def_batching(schur_p, la._batch_all(schur_p))

# ---- hessenberg: A = Q H Q^H ---------------------------------------------------------------------------------

hessenberg_p = Primitive("hessenberg", multiple_results=True)


def _hessenberg_lowering(a, *, calc_q):
    out = jsl.hessenberg(a, calc_q=calc_q)
    return list(out) if calc_q else [out]


def_lowering(hessenberg_p, _hessenberg_lowering)


def hessenberg(a, calc_q: bool = False):
    """``[h]`` or ``[h, q]`` with ``a = q h q^H`` and ``h`` zero below the first subdiagonal (CPU only)."""
    la._check_square("hessenberg", a)
    return bind(hessenberg_p, a, calc_q=bool(calc_q))


ad.def_jvp(hessenberg_p, _no_derivative("hessenberg"))
batching.def_batching(hessenberg_p, la._batch_all(hessenberg_p))

# ---- sqrtm: the principal square root --------------------------------------------------------------------------

sqrtm_p = Primitive("sqrtm")
def_lowering(sqrtm_p, _over_batch(jsl.sqrtm))


def sqrtm(a):
    """The principal square root of square matrices (complex result), as ``jax.scipy.linalg.sqrtm``."""
    la._check_square("sqrtm", a)
    return bind(sqrtm_p, a)


def _sqrtm_jvp(primals, tangents):
    (a,), (a_dot,) = primals, tangents
    x = sqrtm(a)
    return x, sylvester(x, x, cx.to_complex(a_dot))


ad.def_jvp(sqrtm_p, _sqrtm_jvp)
batching.def_batching(sqrtm_p, la._batch_all(sqrtm_p))
