"""``fungrad.numpy.linalg`` functions built on the decompositions: array-API products (matmul, vecdot,
outer, ...), matrix powers and chains, tensor inverses and solves, the pseudo-inverse and least squares.

All are compositions of ``fungrad.numpy`` operations (so derivatives, ``vmap`` and ``jit`` come for
free), except ``pinv``, whose derivative is JAX's custom rule (Golub & Pereyra 1973): it stays defined
where the singular value cutoff makes the composition's derivative wrong.
"""

from __future__ import annotations

import math
import operator

import numpy as _np

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.custom_derivatives import custom_jvp
from fungrad.numpy._calculus import cross as _cross
from fungrad.numpy._complex import conj as _conj
from fungrad.numpy._complex import real as _real
from fungrad.numpy._conversion import _promote, _to_inexact, asarray
from fungrad.numpy._conversion import asarray as _asarray
from fungrad.numpy._conversion import broadcast_to as _broadcast_to
from fungrad.numpy._creation import eye as _eye
from fungrad.numpy._creation import zeros as _zeros
from fungrad.numpy._elementwise import where as _where
from fungrad.numpy._linalg_decompositions import inv as _inv
from fungrad.numpy._linalg_decompositions import solve as _solve
from fungrad.numpy._linalg_decompositions import svd as _svd
from fungrad.numpy._linalg_norms import norm as _norm
from fungrad.numpy._manipulation import expand_dims as _expand_dims
from fungrad.numpy._manipulation import moveaxis as _moveaxis
from fungrad.numpy._manipulation import swapaxes as _swapaxes
from fungrad.numpy._products import matmul as _matmul
from fungrad.numpy._reductions import sum as _sum
from fungrad.numpy._shape_helpers import diagonal as _diagonal
from fungrad.numpy._shape_helpers import tensordot as _tensordot
from fungrad.numpy._shape_helpers import trace as _trace

__all__ = ["cross", "diagonal", "lstsq", "matmul", "matrix_power", "matrix_transpose", "multi_dot", "outer"]
__all__ += ["pinv", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot"]


def _cast(out, preferred_element_type):
    return out if preferred_element_type is None else out.astype(preferred_element_type)


def matmul(x1, x2, /, *, precision=None, preferred_element_type=None):
    """Matrix product with broadcasting over leading axes (as ``fungrad.numpy.matmul``).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matmul(fnp.array([[1.0, 2.0]]), fnp.array([[3.0], [4.0]])).tolist()
    [[11.0]]
    """
    return _cast(_matmul(x1, x2), preferred_element_type)


def tensordot(x1, x2, /, *, axes=2, precision=None, preferred_element_type=None):
    """Tensor contraction over ``axes`` (an int: the last/first ``axes`` axes; or two axis lists).

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.tensordot(fnp.ones((2, 3)), fnp.ones((2, 3))))
    6.0
    """
    return _cast(_tensordot(x1, x2, axes=axes), preferred_element_type)


def trace(x, /, *, offset: int = 0, dtype=None):
    """Sum of the diagonal of the matrices in the last two axes.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.linalg.trace(fnp.array([[1.0, 2.0], [3.0, 4.0]])))
    5.0
    """
    return _trace(x, offset=offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x, /, *, offset: int = 0):
    """The diagonals of the matrices in the last two axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.diagonal(fnp.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 4.0]
    """
    return _diagonal(x, offset=offset, axis1=-2, axis2=-1)


def outer(x1, x2, /):
    """Outer product of two vectors (1-d only, as the array API).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.outer(fnp.array([1.0, 2.0]), fnp.array([3.0, 4.0])).tolist()
    [[3.0, 4.0], [6.0, 8.0]]
    """
    x1, x2 = asarray(x1), asarray(x2)
    if get_aval(x1).ndim != 1 or get_aval(x2).ndim != 1:
        shapes = f"{get_aval(x1).shape} and {get_aval(x2).shape}"
        raise ValueError(f"linalg.outer: input arrays must be 1-d, got shapes {shapes}")
    return x1[:, None] * x2[None, :]


def cross(x1, x2, /, *, axis: int = -1):
    """Cross product of (arrays of) 3-vectors along ``axis``.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.cross(fnp.array([1.0, 0.0, 0.0]), fnp.array([0.0, 1.0, 0.0])).tolist()
    [0.0, 0.0, 1.0]
    """
    x1, x2 = asarray(x1), asarray(x2)
    if get_aval(x1).shape[axis] != 3 or get_aval(x2).shape[axis] != 3:
        raise ValueError(
            f"linalg.cross: both inputs must be (arrays of) 3-vectors along axis {axis}, got shapes "
            f"{get_aval(x1).shape} and {get_aval(x2).shape}"
        )
    return _cross(x1, x2, axis=axis)


def matrix_transpose(x, /):
    """Swap the last two axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matrix_transpose(fnp.array([[1.0, 2.0]])).tolist()
    [[1.0], [2.0]]
    """
    x = asarray(x)
    if get_aval(x).ndim < 2:
        raise ValueError(f"matrix_transpose requires at least 2 dimensions; got shape {get_aval(x).shape}")
    return _swapaxes(x, -1, -2)


def vecdot(x1, x2, /, *, axis: int = -1, precision=None, preferred_element_type=None):
    """Vector dot product along ``axis`` (conjugating ``x1``), broadcasting the other axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.vecdot(fnp.array([[1.0, 2.0], [3.0, 4.0]]), fnp.array([1.0, 1.0])).tolist()
    [3.0, 7.0]
    """
    x1, x2 = _promote(asarray(x1), asarray(x2))
    if get_aval(x1).shape[axis] != get_aval(x2).shape[axis]:
        raise ValueError(
            f"vecdot: axes {axis} must match in size, got shapes {get_aval(x1).shape} and {get_aval(x2).shape}"
        )
    x1, x2 = _moveaxis(x1, axis, -1), _moveaxis(x2, axis, -1)
    return _cast(_sum(_conj(x1) * x2, axis=-1), preferred_element_type)


def matrix_power(a, n: int):
    """``a`` raised to the integer power ``n`` by repeated squaring (``n < 0`` inverts first).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.matrix_power(fnp.array([[1.0, 1.0], [0.0, 1.0]]), 3).tolist()
    [[1.0, 3.0], [0.0, 1.0]]
    """
    a = asarray(a)
    shape = get_aval(a).shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise FungradTypeError(f"matrix_power: expected square matrices in the last two axes, got shape {shape}")
    try:
        n = operator.index(n)
    except TypeError as err:
        raise FungradTypeError(f"matrix_power: the exponent must be an integer, got {n!r}") from err
    if n == 0:
        return _broadcast_to(_eye(shape[-1], dtype=get_aval(a).dtype), shape)
    if n < 0:
        a, n = _inv(a), -n
    result, z = None, None
    while n > 0:
        z = a if z is None else _matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else _matmul(result, z)
    return result


def _chain_order(dims):
    """Optimal parenthesization of a matrix chain with shapes ``dims[i] x dims[i+1]`` (dynamic
    programming, Cormen et al. sec. 15.2): ``split[i][j]`` is where to split the product ``i..j``."""
    k = len(dims) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = math.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def multi_dot(arrays, *, precision=None):
    """The product of a chain of matrices, multiplied in the cheapest order.

    The first and last arrays may be vectors (treated as a row and a column).

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.multi_dot([fnp.ones(2), fnp.ones((2, 3)), fnp.ones(3)]).tolist()
    6.0
    """
    arrs = [asarray(a) for a in arrays]
    if len(arrs) < 2:
        raise ValueError(f"multi_dot requires at least two arrays; got {len(arrs)}")
    ndims = [get_aval(a).ndim for a in arrs]
    if not (ndims[0] in (1, 2) and ndims[-1] in (1, 2) and all(d == 2 for d in ndims[1:-1])):
        raise ValueError(
            "multi_dot: input arrays must all be 2-d, except for the first and last which may be 1-d; "
            f"got shapes {[get_aval(a).shape for a in arrs]}"
        )
    first_vector, last_vector = ndims[0] == 1, ndims[-1] == 1
    if first_vector:
        arrs[0] = arrs[0][None, :]
    if last_vector:
        arrs[-1] = arrs[-1][:, None]
    shapes = [get_aval(a).shape for a in arrs]
    if any(x[1] != y[0] for x, y in zip(shapes[:-1], shapes[1:])):
        raise ValueError(f"multi_dot: shapes {[get_aval(a).shape for a in arrays]} do not chain")
    split = _chain_order([shapes[0][0]] + [s[1] for s in shapes])

    def product(i, j):
        if i == j:
            return arrs[i]
        return _matmul(product(i, split[i][j]), product(split[i][j] + 1, j))

    out = product(0, len(arrs) - 1)
    if first_vector:
        out = out[0]
    if last_vector:
        out = out[..., 0]
    return out


def tensorinv(a, ind: int = 2):
    """The inverse of ``a`` seen as a linear map from its last axes to its first ``ind`` axes.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.tensorinv(2.0 * fnp.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    a = asarray(a)
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError(f"tensorinv: ind must be a positive integer; got {ind}")
    shape = get_aval(a).shape
    contracting, batch = shape[:ind], shape[ind:]
    rows, cols = math.prod(contracting), math.prod(batch)
    if rows != cols:
        raise ValueError(
            f"tensorinv: the product of the first {ind} axes must equal that of the rest, got shape {shape}"
        )
    return _inv(a.reshape(rows, cols)).reshape(*batch, *contracting)


def tensorsolve(a, b, axes=None):
    """Solve ``tensordot(a, x, axes=x.ndim) = b`` for ``x``.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.tensorsolve(2.0 * fnp.eye(4).reshape(2, 2, 4), fnp.ones((2, 2))).tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    a, b = asarray(a), asarray(b)
    if axes is not None:
        a = _moveaxis(a, axes, len(axes) * (get_aval(a).ndim - 1,))
    a_shape, b_shape = get_aval(a).shape, get_aval(b).shape
    out_shape = a_shape[len(b_shape) :]
    if a_shape[: len(b_shape)] != b_shape:
        raise ValueError(f"tensorsolve: the leading shape of a {a_shape} must match b's shape {b_shape}")
    if math.prod(b_shape) != math.prod(out_shape):
        raise ValueError(f"tensorsolve: prod(a.shape[:b.ndim]) must equal prod(a.shape[b.ndim:]), got {a_shape}")
    a = a.reshape(math.prod(b_shape), math.prod(out_shape))
    return _solve(a, b.reshape(-1)).reshape(out_shape)


# ---- pseudo-inverse (custom derivative, as JAX) and least squares ---------------------------------------


def _pinv_impl(a, rtol, hermitian):
    arr = _conj(a)
    u, s, vh = _svd(arr, full_matrices=False, hermitian=hermitian)
    rtol = asarray(rtol, get_aval(s).dtype)
    rtol = _expand_dims(rtol[..., None], tuple(range(get_aval(s).ndim - get_aval(rtol).ndim - 1)))
    cutoff = rtol * s[..., 0:1]
    # singular values at or below the cutoff count as zero: dividing by inf zeroes their terms
    s = _where(s > cutoff, s, _np.inf).astype(get_aval(u).dtype)
    return _matmul(_swapaxes(vh, -1, -2), _swapaxes(u, -1, -2) / s[..., None])


_pinv = custom_jvp(_pinv_impl, nondiff_argnums=(1, 2))


def _h(x):
    return _conj(_swapaxes(x, -1, -2))


@_pinv.defjvp
def _pinv_jvp(rtol, hermitian, primals, tangents):
    # Golub & Pereyra 1973, "The differentiation of pseudo-inverses and nonlinear least squares
    # problems whose variables separate": for P = pinv(A),
    # dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P.
    (a,), (a_dot,) = primals, tangents
    p = _pinv(a, rtol, hermitian)
    if hermitian:  # the hermitian svd symmetrizes its input; the derivative must too
        a, a_dot = (a + _h(a)) / 2, (a_dot + _h(a_dot)) / 2
    mm = _matmul
    m, n = get_aval(a).shape[-2:]
    if m >= n:
        s = mm(mm(p, _h(p)), _h(a_dot))
        t = mm(mm(_h(a_dot), _h(p)), p)
        p_dot = -mm(mm(p, a_dot), p) + s - mm(mm(s, a), p) + t - mm(mm(p, a), t)
    else:
        s = mm(p, mm(_h(p), _h(a_dot)))
        t = mm(_h(a_dot), mm(_h(p), p))
        p_dot = -mm(p, mm(a_dot, p)) + s - mm(s, mm(a, p)) + t - mm(p, mm(a, t))
    return p, p_dot


def pinv(a, rtol=None, hermitian: bool = False, *, rcond=None):
    """Moore-Penrose pseudo-inverse (singular values at most ``rtol`` times the largest count as zero).

    Differentiable with JAX's custom rule (Golub & Pereyra), which holds at constant rank.

    >>> import fungrad.numpy as fnp
    >>> fnp.linalg.pinv(fnp.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    if rcond is not None:
        if rtol is not None:
            raise ValueError("pinv: only one of rtol and rcond may be specified.")
        rtol = rcond
    a = _to_inexact(a)
    shape = get_aval(a).shape
    if len(shape) < 2:
        raise FungradTypeError(f"pinv: expected a matrix (at least 2 axes), got shape {shape}")
    if shape[-1] == 0 or shape[-2] == 0:
        return _zeros(shape[:-2] + (shape[-1], shape[-2]), get_aval(a).dtype)
    if rtol is None:
        rtol = 10.0 * max(shape[-2:]) * float(_np.finfo(get_aval(a).dtype).eps)
    return _pinv(a, rtol, bool(hermitian))


def lstsq(a, b, rcond=None, *, numpy_resid: bool = False):
    """Least-squares solution of ``a @ x = b`` by the SVD: ``(x, residuals, rank, singular values)``.

    ``a`` is one matrix ``(m, n)``; ``b`` is ``(m,)`` or ``(m, k)``. Singular values below ``rcond``
    times the largest are dropped. Residuals are always returned (``numpy_resid=True``: empty where
    NumPy returns none).

    >>> import fungrad.numpy as fnp
    >>> a = fnp.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> x, resid, rank, s = fnp.linalg.lstsq(a, fnp.array([1.0, 2.0, 3.0]))
    >>> x.tolist(), round(float(resid[0]), 6), int(rank)
    ([1.0, 2.0], 9.0, 2)
    """
    a, b = _promote(_to_inexact(a), _to_inexact(b))
    a_shape, b_shape = get_aval(a).shape, get_aval(b).shape
    if a_shape[0] != b_shape[0]:
        raise ValueError(f"lstsq: leading dimensions of a {a_shape} and b {b_shape} must match")
    vector = len(b_shape) == 1
    if vector:
        b = b[:, None]
    if len(a_shape) != 2:
        raise FungradTypeError(f"lstsq: {len(a_shape)}-dimensional array given; a must be 2-d")
    if get_aval(b).ndim != 2:
        raise FungradTypeError(f"lstsq: b must be 1-d or 2-d, got shape {b_shape}")
    m, n = a_shape
    dtype = get_aval(a).dtype
    eps = float(_np.finfo(dtype).eps)
    if m == 0 or n == 0:
        s = _zeros((0,), _real(a).dtype)
        rank = _asarray(0)
        x = _zeros((n, *get_aval(b).shape[1:]), dtype)
    else:
        if rcond is None:
            rcond = eps * max(n, m)
        elif isinstance(rcond, (int, float)):
            rcond = eps if rcond < 0 else rcond
        else:
            rcond = _where(rcond < 0, eps, rcond)
        u, s, vt = _svd(a, full_matrices=False)
        mask = (s > 0) & (s >= asarray(rcond, get_aval(s).dtype) * s[0])
        rank = mask.sum()
        safe_s = _where(mask, s, 1).astype(dtype)
        s_inv = _where(mask, 1 / safe_s, 0)[:, None]
        utb = _matmul(_conj(u).T, b)
        x = _matmul(_conj(vt).T, s_inv * utb)
    if numpy_resid and (int(rank) < n or m <= n):
        resid = _asarray([])
    else:
        resid = _norm(b - _matmul(a, x), axis=0) ** 2
    if vector:
        x = x.ravel()
    return x, resid, rank, s
