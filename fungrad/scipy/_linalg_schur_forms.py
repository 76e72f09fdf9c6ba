"""``fungrad.scipy.linalg.rsf2csf`` (real to complex Schur form) and ``funm`` (a general matrix
function by the Schur-Parlett method), following JAX's algorithms step for step so the values agree.

Both start from a Schur form, which has no derivative (as in JAX), so neither is differentiable. The
loops run over the (static) matrix size in Python, staging ``O(n^2)`` small operations: meant for the
small matrices these functions are used on. Leading batch axes are mapped with ``fungrad.vmap``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import fungrad.numpy as fnp
from fungrad._src.api_vmap import vmap as _vmap
from fungrad._src.core import get_aval
from fungrad._src.primitives import complex_parts as _cx
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.scipy._linalg_functions import schur

__all__ = ["funm", "rsf2csf"]


def _over_batch(fn, *args):
    """``fn`` on the last two axes of ``args`` (equal leading batch shapes), mapped over the rest."""
    batch = get_aval(args[0]).shape[:-2]
    if not batch:
        return fn(*args)
    flat = [a.reshape((-1, *get_aval(a).shape[-2:])) for a in args]
    outs = _vmap(fn)(*flat)
    return tuple(o.reshape((*batch, *get_aval(o).shape[1:])) for o in outs)


def _rotate(t, z, m):
    """Apply the Givens rotation that zeroes ``t[m, m-1]`` (Golub & Van Loan sec. 7.4) to ``t`` and ``z``."""
    n = get_aval(t).shape[0]
    mu = fnp.linalg.eigvals(t[m - 1 : m + 1, m - 1 : m + 1]) - t[m, m]
    r = fnp.sqrt(fnp.abs(mu[0]) ** 2 + fnp.abs(t[m, m - 1]) ** 2).astype(t.dtype)
    c, s = mu[0] / r, t[m, m - 1] / r
    g = fnp.stack([fnp.stack([fnp.conj(c), s]), fnp.stack([-s, c])])
    g_h = fnp.conj(g.T)
    rows = t[m - 1 : m + 1]
    col_mask = np.arange(n) >= m - 1
    t = t.at[m - 1 : m + 1].set(fnp.where(col_mask, fnp.matmul(g, fnp.where(col_mask, rows, 0)), rows))
    cols = t[:, m - 1 : m + 1]
    row_mask = np.arange(n)[:, None] < m + 1
    t = t.at[:, m - 1 : m + 1].set(fnp.where(row_mask, fnp.matmul(fnp.where(row_mask, cols, 0), g_h), cols))
    z = z.at[:, m - 1 : m + 1].set(fnp.matmul(z[:, m - 1 : m + 1], g_h))
    return t, z


def _rsf2csf_2d(t, z):
    n = get_aval(t).shape[0]
    if n == 1:
        return t, z
    eps = float(np.finfo(get_aval(t).dtype).eps)
    for i in range(1, n):
        m = n - i
        # only a nonnegligible subdiagonal entry (a 2x2 block of the real form) needs a rotation
        needed = fnp.abs(t[m, m - 1]) > eps * (fnp.abs(t[m - 1, m - 1]) + fnp.abs(t[m, m]))
        t_new, z_new = _rotate(t, z, m)
        t, z = fnp.where(needed, t_new, t), fnp.where(needed, z_new, z)
        t = t.at[m, m - 1].set(0.0)
    return t, z


def rsf2csf(T, Z, check_finite: bool = True):  # noqa: N803 - SciPy's names
    """Convert a real Schur form ``(T, Z)`` to the complex one (upper triangular ``T``).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> t, z = fsl.rsf2csf(*fsl.schur(fnp.array([[0.0, -1.0], [1.0, 0.0]])))
    >>> sorted(fnp.abs(fnp.diag(t).imag).round(6).tolist()), round(float(abs(t[1, 0])), 6)
    ([1.0, 1.0], 0.0)
    """
    t, z = fnp.asarray(T), fnp.asarray(Z)
    t_shape, z_shape = get_aval(t).shape, get_aval(z).shape
    if len(t_shape) < 2 or t_shape[-1] != t_shape[-2]:
        raise ValueError("Input 'T' must be square.")
    if len(z_shape) < 2 or z_shape[-1] != z_shape[-2]:
        raise ValueError("Input 'Z' must be square.")
    if t_shape[-1] != z_shape[-1]:
        raise ValueError(f"Input array shapes must match: Z: {z_shape} vs. T: {t_shape}")
    t, z = _promote(_to_inexact(t), _to_inexact(z))
    dtype = _cx.complex_dtype(get_aval(t).dtype)
    t, z = t.astype(dtype), z.astype(dtype)
    batch = fnp.broadcast_shapes(t_shape[:-2], z_shape[:-2])
    t, z = fnp.broadcast_to(t, (*batch, *t_shape[-2:])), fnp.broadcast_to(z, (*batch, *z_shape[-2:]))
    return _over_batch(_rsf2csf_2d, t, z)


def funm(A, func: Callable, disp: bool = True):  # noqa: N803 - SciPy's name
    """A general matrix function ``func(A)`` by the Schur-Parlett method (Golub & Van Loan alg. 11.1.1).

    ``func`` maps an array of eigenvalues elementwise. The result is complex. With ``disp=False``,
    also returns an estimate of the relative error. Not differentiable (it needs a Schur form).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.funm(fnp.array([[1.0, 1.0], [0.0, 2.0]]), fnp.exp).real.round(4).tolist()
    [[2.7183, 4.6708], [0.0, 7.3891]]
    """
    a = fnp.asarray(A)
    shape = get_aval(a).shape
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError("expected square array_like input")
    t, z = rsf2csf(*schur(a))
    n = shape[0]
    f = fnp.diag(func(fnp.diag(t))).astype(t.dtype)
    minden = fnp.abs(t[0, 0])
    for p in range(1, n):
        for i in range(1, n - p + 1):
            j = i + p
            s = t[i - 1, j - 1] * (f[j - 1, j - 1] - f[i - 1, i - 1])
            if j - 1 > i:  # the entries strictly between i and j-1 (1-based)
                s = (
                    s
                    + fnp.dot(t[i - 1, i : j - 1], f[i : j - 1, j - 1])
                    - fnp.dot(f[i - 1, i : j - 1], t[i : j - 1, j - 1])
                )
            den = t[j - 1, j - 1] - t[i - 1, i - 1]
            s = fnp.where(den != 0, s / fnp.where(den != 0, den, 1), s)
            f = f.at[i - 1, j - 1].set(s)
            minden = fnp.minimum(minden, fnp.abs(den))
    f = fnp.matmul(fnp.matmul(z, f), fnp.conj(z.T))
    if disp:
        return f
    tol = float(np.finfo(np.float32 if f.dtype == np.complex64 else np.float64).eps)
    minden = fnp.where(minden == 0.0, tol, minden)
    upper = fnp.linalg.norm(fnp.triu(t, 1), 1)
    err = fnp.where(fnp.any(fnp.isinf(f)), np.inf, fnp.minimum(1, fnp.maximum(tol, (tol / minden) * upper)))
    return f, err
