"""Polynomials as coefficient arrays, highest degree first (NumPy's ``poly*`` convention): evaluation
(Horner), arithmetic, derivatives and integrals, the Vandermonde matrix and least-squares fitting.

Coefficient lengths are static; everything is a composition of elementwise ops, ``convolve``, the
``svd`` primitive (``polyfit``) and ``eigvals`` (``roots``, ``poly`` of a matrix), so all are
differentiable in the coefficients and the points.
"""

from __future__ import annotations

import numpy as _np

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.core import to_concrete_value
from fungrad._src.primitives import linalg as _la
from fungrad._src.primitives import scans as _scans
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _products as _prod
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _shape_helpers as _shp
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy._convolution import convolve as _convolve
from fungrad.numpy._linalg_decompositions import eigvals as _eigvals

__all__ = ["poly", "polyadd", "polyder", "polydiv", "polyfit", "polyint", "polymul", "polysub", "polyval", "roots"]
__all__ += ["vander"]


def _coeffs(p):
    p = _conv._to_inexact(p)
    if _get_aval(p).ndim != 1:
        raise _FungradTypeError(f"polynomial coefficients must be 1-D, got shape {_get_aval(p).shape}")
    return p


def polyval(p, x, *, unroll: int = 16):
    """``p[0] * x**(n-1) + ... + p[n-1]``, by Horner's rule.

    ``unroll`` is jax.numpy's scan unrolling factor; fungrad unrolls Horner's loop completely (the
    number of coefficients is static), so it is accepted and has no effect.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.polyval(fnp.array([1.0, 0.0, -1.0]), 3.0))
    8.0
    """
    del unroll  # see the docstring
    p = _coeffs(p)
    p, x = _conv._promote(p, _conv._to_inexact(x))
    y = _el.multiply(_cre.zeros_like(x), p[0]) if _get_aval(p).shape[0] else _cre.zeros_like(x)
    for i in range(_get_aval(p).shape[0]):
        y = _el.add(_el.multiply(y, x), p[i])
    return y


def _pad_front(p, n):
    k = _get_aval(p).shape[0]
    return _man.concatenate([_cre.zeros(n - k, dtype=_get_aval(p).dtype), p], axis=0) if k < n else p


def polyadd(a1, a2):
    """Sum of two polynomials.

    >>> import fungrad.numpy as fnp
    >>> fnp.polyadd(fnp.array([1.0, 2.0]), fnp.array([1.0, 0.0, 0.0])).tolist()
    [1.0, 1.0, 2.0]
    """
    a1, a2 = _conv._promote(_coeffs(a1), _coeffs(a2))
    n = max(_get_aval(a1).shape[0], _get_aval(a2).shape[0])
    return _el.add(_pad_front(a1, n), _pad_front(a2, n))


def polysub(a1, a2):
    """Difference of two polynomials.

    >>> import fungrad.numpy as fnp
    >>> fnp.polysub(fnp.array([1.0, 2.0]), fnp.array([1.0, 0.0, 0.0])).tolist()
    [-1.0, 1.0, 2.0]
    """
    a1, a2 = _conv._promote(_coeffs(a1), _coeffs(a2))
    n = max(_get_aval(a1).shape[0], _get_aval(a2).shape[0])
    return _el.subtract(_pad_front(a1, n), _pad_front(a2, n))


def polymul(a1, a2, *, trim_leading_zeros: bool = False):
    """Product of two polynomials (the convolution of their coefficients). ``trim_leading_zeros``
    drops the inputs' leading zero coefficients first (their values must then be concrete).

    >>> import fungrad.numpy as fnp
    >>> fnp.polymul(fnp.array([1.0, 1.0]), fnp.array([1.0, -1.0])).tolist()
    [1.0, 0.0, -1.0]
    >>> fnp.polymul(fnp.array([0.0, 1.0, 2.0]), fnp.array([0.0, 3.0]), trim_leading_zeros=True).tolist()
    [3.0, 6.0]
    """
    a1, a2 = _conv._promote(_coeffs(a1), _coeffs(a2))
    if trim_leading_zeros and (_get_aval(a1).shape[0] > 1 or _get_aval(a2).shape[0] > 1):
        a1, a2 = _trim_leading_zeros(a1), _trim_leading_zeros(a2)
    return _convolve(a1, a2)


def _trim_leading_zeros(p):
    """``p`` without its leading zeros (one zero if all are zero); the count needs concrete values."""
    nonzero = _np.flatnonzero(_np.asarray(to_concrete_value(p)) != 0)
    return p[int(nonzero[0]) :] if nonzero.size else _cre.zeros(1, dtype=_get_aval(p).dtype)


def polyder(p, m: int = 1):
    """The ``m``-th derivative.

    >>> import fungrad.numpy as fnp
    >>> fnp.polyder(fnp.array([1.0, 1.0, 1.0])).tolist()
    [2.0, 1.0]
    """
    p = _coeffs(p)
    if m < 0:
        raise _FungradTypeError(f"polyder: order of derivative must be non-negative, got {m}")
    for _ in range(int(m)):
        n = _get_aval(p).shape[0]
        p = _el.multiply(p[:-1], _np.arange(n - 1, 0, -1, dtype=_get_aval(p).dtype))
    return p


def polyint(p, m: int = 1, k=None):
    """The ``m``-th antiderivative; ``k`` holds the integration constants (default 0).

    >>> import fungrad.numpy as fnp
    >>> fnp.polyint(fnp.array([3.0, 2.0])).tolist()
    [1.5, 2.0, 0.0]
    """
    p = _coeffs(p)
    m = int(m)
    if m < 0:
        raise _FungradTypeError(f"polyint: order of integral must be non-negative, got {m}")
    ks = _np.zeros(m) if k is None else _np.atleast_1d(_np.asarray(k, dtype=float))
    if ks.size == 1 and m > 1:
        ks = _np.full(m, ks[0])
    for i in range(m):
        n = _get_aval(p).shape[0]
        p = _el.divide(p, _np.arange(n, 0, -1, dtype=_get_aval(p).dtype))
        p = _man.concatenate([p, _conv.asarray([ks[i]], _get_aval(p).dtype)], axis=0)
    return p


def vander(x, N: int | None = None, increasing: bool = False):  # noqa: N803 - NumPy's name
    """The Vandermonde matrix: columns ``x**(N-1), ..., x, 1`` (reversed with ``increasing``).

    >>> import fungrad.numpy as fnp
    >>> fnp.vander(fnp.array([2.0, 3.0]), 3).tolist()
    [[4.0, 2.0, 1.0], [9.0, 3.0, 1.0]]
    """
    x = _conv.asarray(x)
    if _get_aval(x).ndim != 1:
        raise _FungradTypeError(f"vander: x must be 1-D, got shape {_get_aval(x).shape}")
    n = _get_aval(x).shape[0] if N is None else int(N)
    powers = _np.arange(n) if increasing else _np.arange(n - 1, -1, -1)
    cols = [_el.power(x, int(k)) if k > 1 else (x if k == 1 else _cre.ones_like(x)) for k in powers]
    return _man.stack(cols, axis=1) if cols else _cre.zeros((_get_aval(x).shape[0], 0), _get_aval(x).dtype)


def polyfit(x, y, deg: int, rcond=None, full: bool = False, w=None, cov: bool = False):
    """Least-squares polynomial fit of degree ``deg`` (coefficients highest first; ``y`` may be 2-D,
    one fit per column; ``w`` weights the residuals). Solved by SVD of the column-scaled Vandermonde
    matrix, as ``jax.numpy.polyfit``.

    >>> import fungrad.numpy as fnp
    >>> [round(float(c), 6) for c in fnp.polyfit(fnp.array([0.0, 1.0, 2.0]), fnp.array([1.0, 3.0, 5.0]), 1)]
    [2.0, 1.0]
    """
    if full or cov:
        raise NotImplementedError("polyfit: full=True and cov=True are not supported")
    x, y = _conv._promote(_conv._to_inexact(x), _conv._to_inexact(y))
    lhs = vander(x, int(deg) + 1)
    rhs = y
    if w is not None:
        w = _conv._to_inexact(w)
        lhs = _el.multiply(lhs, w[:, None])
        rhs = _el.multiply(rhs, w if _get_aval(rhs).ndim == 1 else w[:, None])
    scale = _el.sqrt(_red.sum(_el.multiply(lhs, lhs), axis=0))
    lhs = _el.divide(lhs, scale)
    vector = _get_aval(rhs).ndim == 1
    rhs2 = rhs[:, None] if vector else rhs
    s, u, vt = _la.svd(lhs, full_matrices=False)
    eps = _np.finfo(_get_aval(lhs).dtype).eps
    cutoff = (_get_aval(lhs).shape[0] * eps) if rcond is None else rcond
    inv_s = _el.where(_el.greater(s, cutoff * s[0]), _el.divide(1.0, s), _cre.zeros_like(s))
    coef = _prod.matmul(_man.transpose(vt), _el.multiply(inv_s[:, None], _prod.matmul(_man.transpose(u), rhs2)))
    coef = _el.divide(coef, scale[:, None])
    return coef[:, 0] if vector else coef


def poly(seq_of_zeros):
    """The monic polynomial with the given roots (or, for a square matrix, its characteristic polynomial).

    >>> import fungrad.numpy as fnp
    >>> fnp.poly(fnp.array([1.0, 2.0])).tolist()
    [1.0, -3.0, 2.0]
    """
    z = _conv._to_inexact(seq_of_zeros)
    if _get_aval(z).ndim == 0:
        z = _man.reshape(z, (1,))
    shape = _get_aval(z).shape
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:
        z = _eigvals(z)
    if _get_aval(z).ndim != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    dtype = _get_aval(z).dtype
    if _get_aval(z).shape[0] == 0:
        return _cre.ones((), dtype)
    a = _cre.ones((1,), dtype)
    for k in range(_get_aval(z).shape[0]):
        a = _convolve(a, _man.stack([_cre.ones((), dtype), _el.negative(z[k])]))
    return a


def polydiv(u, v, *, trim_leading_zeros: bool = False):
    """Quotient and remainder of ``u / v`` by long division (the remainder keeps ``u``'s length unless
    ``trim_leading_zeros``, which needs concrete values, drops its leading near-zeros; unlike JAX, whose
    trimming returns a zero derivative for the remainder, fungrad keeps the derivative).

    >>> import fungrad.numpy as fnp
    >>> q, r = fnp.polydiv(fnp.array([1.0, 0.0, -1.0]), fnp.array([1.0, 1.0]))
    >>> q.tolist(), r.tolist()
    ([1.0, -1.0], [0.0, 0.0, 0.0])
    """
    u, v = _conv._promote(_coeffs(u), _coeffs(v))
    m, n = _get_aval(u).shape[0] - 1, _get_aval(v).shape[0] - 1
    dtype = _get_aval(u).dtype
    scale = _el.divide(_cre.ones((), dtype), v[0])
    quotient = []
    for k in range(m - n + 1):
        d = _el.multiply(scale, u[k])
        quotient.append(d)
        # subtract d * v from u[k : k + n + 1]
        shifted = _man.concatenate(
            [_cre.zeros((k,), dtype), _el.multiply(d, v), _cre.zeros((m - n - k,), dtype)], axis=0
        )
        u = _el.subtract(u, shifted)
    q = _man.stack(quotient) if quotient else _cre.zeros((1,), dtype)
    if trim_leading_zeros:
        tol = _np.sqrt(_np.finfo(dtype).eps)
        small = _np.abs(_np.asarray(to_concrete_value(u))) < tol
        if small.all():
            return q, _cre.zeros((0,), dtype)
        u = u[int(_np.argmin(small)) :]
    return q, u


def roots(p, *, strip_zeros: bool = True):
    """The (complex) roots of the polynomial ``p``: the eigenvalues of its companion matrix.

    Leading zeros are stripped, which needs a concrete ``p``; with ``strip_zeros=False`` (usable under
    ``jit``) each leading zero instead yields a NaN root, as in JAX.

    >>> import fungrad.numpy as fnp
    >>> sorted(round(float(r.real), 6) for r in fnp.roots(fnp.array([1.0, -3.0, 2.0])))
    [1.0, 2.0]
    """
    p = _conv._to_inexact(p)
    if _get_aval(p).ndim == 0:
        p = _man.reshape(p, (1,))
    if _get_aval(p).ndim != 1:
        raise ValueError("Input must be a rank-1 array.")
    size = _get_aval(p).shape[0]
    complex_dtype = _np.result_type(_get_aval(p).dtype, _np.complex64)
    if size < 2:
        return _cre.zeros((0,), complex_dtype)
    is_zero = _el.equal(p, 0)
    num_leading_zeros = _el.where(_ss.all(is_zero), size, _red.argmin(is_zero))
    if strip_zeros:
        k = int(_np.asarray(to_concrete_value(num_leading_zeros)))
        return _companion_eigvals(p[k:], complex_dtype)
    p = _el.where(_el.equal(num_leading_zeros, size), _cre.ones_like(p), p)  # all zero: avoid a NaN matrix
    r = _companion_eigvals(_shp.roll(p, _el.negative(num_leading_zeros)), complex_dtype)
    r = _scans.sort([_el.equal(r, 0), r], 0, num_keys=1)[1]  # zero roots last
    keep = _el.less(_cre.arange(size - 1), _el.subtract(size - 1, num_leading_zeros))
    return _el.where(keep, r, _conv.asarray(complex(_np.nan, _np.nan), complex_dtype))


def _companion_eigvals(p, complex_dtype):
    n = _get_aval(p).shape[0]
    if n < 2:
        return _cre.zeros((0,), complex_dtype)
    first_row = _el.negative(_el.divide(p[1:], p[0]))
    below = _np.eye(n - 1, dtype=_get_aval(p).dtype)[:-1]  # ones on the subdiagonal
    a = _man.concatenate([_man.reshape(first_row, (1, n - 1)), _conv.asarray(below)], axis=0)
    return _eigvals(a)
