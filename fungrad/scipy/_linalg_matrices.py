"""``fungrad.scipy.linalg`` special matrices: built from vectors (``block_diag``, ``toeplitz``,
``hankel``, ``circulant``, ``companion``, ``leslie``, ``fiedler``, ``fiedler_companion``,
``convolution_matrix``) or from a size (``hilbert``, ``invhilbert``, ``pascal``, ``invpascal``,
``helmert``, ``dft``, ``hadamard``).

The vector-built ones are gathers and selects over ``fungrad.numpy`` (differentiable, batched over
leading axes as JAX's). The size-built ones are constants, computed exactly in NumPy in JAX's dtype.
"""

from __future__ import annotations

import math
import operator

import numpy as np

import fungrad.numpy as fnp
from fungrad._src.core import get_aval
from fungrad.numpy._conversion import _promote, _to_inexact, asarray

__all__ = ["block_diag", "circulant", "companion", "convolution_matrix", "dft", "fiedler", "fiedler_companion"]
__all__ += ["hadamard", "hankel", "helmert", "hilbert", "invhilbert", "invpascal", "leslie", "pascal", "toeplitz"]


def _float_dtype():
    return fnp.zeros(()).dtype  # float64 with x64 enabled, else float32 (JAX's default float)


def block_diag(*arrs):
    """A block-diagonal matrix from 0-, 1- or 2-d blocks.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.block_diag(fnp.ones((1, 1)), 2 * fnp.ones((1, 2))).tolist()
    [[1.0, 0.0, 0.0], [0.0, 2.0, 2.0]]
    """
    if len(arrs) == 0:
        arrs = (fnp.zeros((1, 0)),)
    arrs = _promote(*[asarray(a) for a in arrs]) if len(arrs) > 1 else (asarray(arrs[0]),)
    for i, a in enumerate(arrs):
        if get_aval(a).ndim > 2:
            raise ValueError(
                f"Arguments to block_diag must have at most 2 dimensions, got shape {get_aval(a).shape} "
                f"at argument {i}."
            )
    blocks = [fnp.atleast_2d(a) for a in arrs]
    total = sum(get_aval(b).shape[1] for b in blocks)
    rows, col = [], 0
    for b in blocks:
        cols = get_aval(b).shape[1]
        rows.append(fnp.pad(b, ((0, 0), (col, total - cols - col))))
        col += cols
    return fnp.concatenate(rows, axis=0)


def _gather_last(v, idx):
    """``v[..., idx]`` for an integer index array ``idx`` (a constant)."""
    return fnp.take(v, fnp.asarray(idx), axis=-1)


def _broadcast_batch(c, r):
    batch = fnp.broadcast_shapes(get_aval(c).shape[:-1], get_aval(r).shape[:-1])
    return fnp.broadcast_to(c, (*batch, get_aval(c).shape[-1])), fnp.broadcast_to(r, (*batch, get_aval(r).shape[-1]))


def toeplitz(c, r=None):
    """The Toeplitz matrix with first column ``c`` and first row ``r`` (default ``conj(c)``; ``r[0]``
    is ignored). Leading axes are batch axes.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.toeplitz(fnp.array([1.0, 2.0, 3.0]), fnp.array([1.0, 4.0])).tolist()
    [[1.0, 4.0], [2.0, 1.0], [3.0, 2.0]]
    """
    c = fnp.atleast_1d(asarray(c))
    r = fnp.conj(c) if r is None else fnp.atleast_1d(asarray(r))
    c, r = _promote(c, r)
    c, r = _broadcast_batch(c, r)
    m, n = get_aval(c).shape[-1], get_aval(r).shape[-1]
    elems = fnp.concatenate([fnp.flip(c, -1), r[..., 1:]], axis=-1)
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    return _gather_last(elems, m - 1 - i + j)


def hankel(c, r=None):
    """The Hankel matrix with first column ``c`` and last row ``r`` (default zeros; ``r[0]`` is
    ignored). Leading axes are batch axes.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.hankel(fnp.array([1.0, 2.0, 3.0])).tolist()
    [[1.0, 2.0, 3.0], [2.0, 3.0, 0.0], [3.0, 0.0, 0.0]]
    """
    c = asarray(c)
    r = fnp.zeros_like(c) if r is None else asarray(r)
    if get_aval(c).ndim == 0 or get_aval(r).ndim == 0:
        raise ValueError("hankel: c and r must be at least 1-dimensional, got a scalar.")
    c, r = _promote(c, r)
    c, r = _broadcast_batch(c, r)
    m, n = get_aval(c).shape[-1], get_aval(r).shape[-1]
    v = fnp.concatenate([c, r[..., 1:]], axis=-1)
    return _gather_last(v, np.arange(m)[:, None] + np.arange(n)[None, :])


def circulant(c):
    """The circulant matrix with first column ``c``: ``A[i, j] = c[(i - j) % n]``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.circulant(fnp.array([1.0, 2.0, 3.0])).tolist()
    [[1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]]
    """
    c = fnp.atleast_1d(asarray(c))
    n = get_aval(c).shape[-1]
    return _gather_last(c, (np.arange(n)[:, None] - np.arange(n)[None, :]) % n)


def companion(a):
    """The companion matrix of the polynomial with coefficients ``a`` (highest degree first).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.companion(fnp.array([1.0, -3.0, 2.0])).tolist()
    [[3.0, -2.0], [1.0, 0.0]]
    """
    a = fnp.atleast_1d(_to_inexact(a))
    n = get_aval(a).shape[-1]
    if n < 2:
        raise ValueError(f"The length of `a` along the last axis must be at least 2; got shape {get_aval(a).shape}.")
    first_row = -a[..., 1:] / a[..., :1]
    m = n - 1
    sub = fnp.eye(m, m, k=-1, dtype=get_aval(a).dtype)
    return fnp.where(np.arange(m)[:, None] == 0, first_row[..., None, :], sub)


def leslie(f, s):
    """The Leslie matrix: fecundities ``f`` in the first row, survivals ``s`` on the subdiagonal.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.leslie(fnp.array([0.1, 2.0, 1.0]), fnp.array([0.2, 0.8])).tolist()
    [[0.1, 2.0, 1.0], [0.2, 0.0, 0.0], [0.0, 0.8, 0.0]]
    """
    f, s = _promote(fnp.atleast_1d(asarray(f)), fnp.atleast_1d(asarray(s)))
    n = get_aval(f).shape[-1]
    if n < 2:
        raise ValueError(f"The length of f along the last axis must be at least 2; got shape {get_aval(f).shape}.")
    if get_aval(s).shape[-1] != n - 1:
        raise ValueError(
            "Incorrect lengths for f and s. The length of s along the last axis must be one less than the "
            f"length of f; got f shape {get_aval(f).shape} and s shape {get_aval(s).shape}."
        )
    f, s = _broadcast_batch(f, s)
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    s_padded = fnp.concatenate([s, fnp.zeros_like(s[..., :1])], axis=-1)
    below = fnp.where(i == j + 1, _gather_last(s_padded, np.broadcast_to(j, (n, n))), 0)
    return fnp.where(i == 0, f[..., None, :], below).astype(get_aval(f).dtype)


def fiedler(a):
    """The symmetric Fiedler matrix ``F[i, j] = |a[i] - a[j]|``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.fiedler(fnp.array([1.0, 4.0])).tolist()
    [[0.0, 3.0], [3.0, 0.0]]
    """
    a = fnp.atleast_1d(asarray(a))
    return fnp.abs(a[..., :, None] - a[..., None, :])


def fiedler_companion(a):
    """Fiedler's pentadiagonal companion matrix of the polynomial with coefficients ``a``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.fiedler_companion(fnp.array([1.0, -3.0, 2.0])).tolist()
    [[3.0, -2.0], [1.0, 0.0]]
    """
    a = fnp.atleast_1d(_to_inexact(a))
    n = get_aval(a).shape[-1] - 1
    if n < 0:
        raise ValueError(f"fiedler_companion requires a nonempty last axis, got shape {get_aval(a).shape}.")
    if n == 0:
        return fnp.zeros((*get_aval(a).shape[:-1], 0, 0), get_aval(a).dtype)
    a = a / a[..., :1]
    if n == 1:
        return -a[..., 1:, None]
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    neg = -a
    super_val = _gather_last(neg, np.broadcast_to(np.minimum(i + 2, n), (n, n)))
    sub_val = _gather_last(neg, np.broadcast_to(np.minimum(i + 1, n), (n, n)))
    even, odd = i % 2 == 0, i % 2 == 1
    out = fnp.zeros_like(super_val)
    cases = [
        ((i == 0) & (j == 0), fnp.broadcast_to(neg[..., 1, None, None], get_aval(out).shape)),
        ((i == 1) & (j == 0), 1.0),
        ((j == i + 1) & even, super_val),
        ((j == i + 2) & even, 1.0),
        ((j == i - 1) & even & (i >= 2), sub_val),
        ((j == i - 2) & odd & (i >= 3), 1.0),
    ]
    for cond, value in reversed(cases):  # the first matching case wins, as jnp.select
        out = fnp.where(cond, value, out)
    return out.astype(get_aval(a).dtype)


def convolution_matrix(a, n: int, mode: str = "full"):
    """The matrix ``A`` with ``A @ v == convolve(a, v, mode)`` for vectors ``v`` of length ``n``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.convolution_matrix(fnp.array([1.0, 2.0]), 2).tolist()
    [[1.0, 0.0], [2.0, 1.0], [0.0, 2.0]]
    """
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"n must be a positive integer; got {n}.")
    a = asarray(a)
    if get_aval(a).ndim == 0:
        raise ValueError("convolution_matrix: a must be at least 1-dimensional, got a scalar.")
    m = get_aval(a).shape[-1]
    if m < 1:
        raise ValueError(f"len(a) must be at least 1; got shape {get_aval(a).shape}.")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"mode must be one of 'full', 'valid', 'same'; got {mode!r}.")
    pad = [(0, 0)] * (get_aval(a).ndim - 1) + [(0, n - 1)]
    az, raz = fnp.pad(a, pad), fnp.pad(fnp.flip(a, -1), pad)
    length = m + n - 1
    if mode == "same":
        trim = min(n, m) - 1
        tb, te = trim // 2, trim - trim // 2
    elif mode == "valid":
        tb = te = min(n, m) - 1
    else:
        tb = te = 0
    return toeplitz(az[..., tb : length - te], raz[..., length - n - tb : length - tb])


# ---- constant matrices of a given size -------------------------------------------------------------------


def hilbert(n: int):
    """The Hilbert matrix ``H[i, j] = 1 / (i + j + 1)``.

    >>> import fungrad.scipy.linalg as fsl
    >>> (fsl.hilbert(3) * 60).round().tolist()
    [[60.0, 30.0, 20.0], [30.0, 20.0, 15.0], [20.0, 15.0, 12.0]]
    """
    i = np.arange(n)
    return fnp.asarray(1.0 / (i[:, None] + i[None, :] + 1.0), _float_dtype()) if n else fnp.zeros((0, 0))


def invhilbert(n: int):
    """The inverse of the ``n x n`` Hilbert matrix (exact integers, in JAX's default float dtype).

    >>> import fungrad.scipy.linalg as fsl
    >>> fsl.invhilbert(2).tolist()
    [[4.0, -6.0], [-6.0, 12.0]]
    """
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = i + j
            out[i, j] = (-1) ** s * (s + 1) * math.comb(n + i, n - j - 1) * math.comb(n + j, n - i - 1)
            out[i, j] *= math.comb(s, i) ** 2
    return fnp.asarray(out, _float_dtype())


def _pascal_lower(n, inverse=False):
    return np.array(
        [[(-1) ** ((i - j) % 2 if inverse else 0) * math.comb(i, j) for j in range(n)] for i in range(n)],
        dtype=np.float64,
    ).reshape(n, n)


def pascal(n: int, kind: str | None = None):
    """The Pascal matrix (``kind``: ``"symmetric"``, ``"lower"`` or ``"upper"``), in float32 as JAX's.

    Entries are exact binomial coefficients (JAX computes them through ``lgamma`` in float32, so its
    entries can be off in the last bits).

    >>> import fungrad.scipy.linalg as fsl
    >>> fsl.pascal(3).tolist()
    [[1.0, 1.0, 1.0], [1.0, 2.0, 3.0], [1.0, 3.0, 6.0]]
    """
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"Expected kind to be on of: ['symmetric', 'lower', 'upper']; got {kind}")
    low = _pascal_lower(n)
    out = low if kind == "lower" else (low.T if kind == "upper" else low @ low.T)
    return fnp.asarray(out, np.float32)


def invpascal(n: int, kind: str | None = None):
    """The inverse of :func:`pascal` (exact integers, in JAX's default float dtype).

    >>> import fungrad.scipy.linalg as fsl
    >>> fsl.invpascal(3, kind="lower").tolist()
    [[1.0, 0.0, 0.0], [-1.0, 1.0, 0.0], [1.0, -2.0, 1.0]]
    """
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"Expected kind to be one of: ['symmetric', 'lower', 'upper']; got {kind}")
    low = _pascal_lower(n, inverse=True)
    out = low if kind == "lower" else (low.T if kind == "upper" else low.T @ low)
    return fnp.asarray(out, _float_dtype())


def helmert(n: int, full: bool = False):
    """The Helmert matrix (orthonormal rows orthogonal to the ones vector; with ``full``, that row first).

    >>> import fungrad.scipy.linalg as fsl
    >>> (fsl.helmert(2) ** 2).round(6).tolist()
    [[0.5, 0.5]]
    """
    if n < 1:
        raise ValueError(f"n must be a positive integer; got {n}.")
    i, j = np.arange(n - 1)[:, None], np.arange(n)[None, :]
    k = (i + 1).astype(np.float64)
    denom = np.sqrt(k * (k + 1))
    h = np.where(j <= i, 1.0 / denom, np.where(j == i + 1, -k / denom, 0.0))
    if full:
        h = np.concatenate([np.full((1, n), 1.0 / np.sqrt(n)), h], axis=0)
    return fnp.asarray(h, _float_dtype())


def dft(n: int, scale: str | None = None, *, dtype=None):
    """The discrete Fourier transform matrix ``exp(-2 pi i j k / n)`` (``scale``: None, 'sqrtn' or 'n').

    >>> import fungrad.scipy.linalg as fsl
    >>> fsl.dft(2).real.tolist()
    [[1.0, 1.0], [1.0, -1.0]]
    """
    if scale is not None and scale not in ("sqrtn", "n"):
        raise ValueError(f"scale must be None, 'sqrtn', or 'n'; got {scale!r}.")
    if dtype is None:
        dtype = np.complex128 if _float_dtype() == np.float64 else np.complex64
    elif not np.issubdtype(np.dtype(dtype), np.complexfloating):
        raise ValueError(f"dtype must be a complex floating-point type; got {dtype}.")
    a = np.arange(n)
    omegas = np.exp(-2j * np.pi * ((a[:, None] * a[None, :]) % max(n, 1)) / max(n, 1))
    if scale == "sqrtn":
        omegas = omegas / np.sqrt(n)
    elif scale == "n":
        omegas = omegas / n
    return fnp.asarray(omegas, dtype)


def hadamard(n: int, dtype=int):
    """The Sylvester-construction Hadamard matrix of order ``n`` (a power of 2).

    >>> import fungrad.scipy.linalg as fsl
    >>> fsl.hadamard(2).tolist()
    [[1, 1], [1, -1]]
    """
    if n < 1 or not math.log2(n).is_integer():
        raise ValueError(f"n must be a positive power of 2; got {n}.")
    h = np.ones((1, 1))
    for _ in range(int(math.log2(n))):
        h = np.block([[h, h], [h, -h]])
    return fnp.asarray(h, dtype)
