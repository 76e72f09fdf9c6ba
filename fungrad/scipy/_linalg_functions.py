"""``fungrad.scipy.linalg`` matrix functions and Schur-type factorizations: ``sqrtm``, ``schur``,
``hessenberg``, ``polar`` and ``solve_sylvester``.

``sqrtm`` is differentiable (a Sylvester-equation rule; JAX's is not), ``schur`` and ``hessenberg`` are
not (as in JAX), ``polar`` goes through the SVD and ``solve_sylvester`` through the Kronecker form of
the equation, so both are differentiable in every operand. The factorizations run on CPU, as JAX's.
"""

from __future__ import annotations

import fungrad.numpy as fnp
from fungrad._src.core import get_aval
from fungrad._src.primitives import complex_parts as _cx
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import linalg_schur as _schur
from fungrad.numpy._conversion import _promote, _to_inexact

__all__ = ["eigh_tridiagonal", "hessenberg", "polar", "qr_multiply", "schur", "solve_sylvester"]
__all__ += ["sqrtm"]


def sqrtm(A, blocksize: int = 1):  # noqa: N803 - SciPy's name
    """The principal matrix square root ``X`` (``X @ X == A``), always complex, as JAX's (CPU only).

    Differentiable, unlike JAX's: ``dX`` solves the Sylvester equation ``X dX + dX X = dA``.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.sqrtm(fnp.array([[4.0, 0.0], [0.0, 9.0]])).real.round(6).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    if blocksize > 1:
        raise NotImplementedError("sqrtm: the blocked version (blocksize > 1) is not implemented, as in JAX")
    return _schur.sqrtm(_to_inexact(A))


def schur(a, output: str = "real"):
    """Schur decomposition ``a = Z T Z^H`` as ``(T, Z)`` (CPU only; not differentiable, as in JAX).

    ``output="real"`` gives the real quasi-triangular form of a real matrix; ``"complex"`` the
    triangular one.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> t, z = fsl.schur(fnp.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> abs(t).round(6).tolist()
    [[1.0, 2.0], [0.0, 3.0]]
    """
    if output not in ("real", "complex"):
        raise ValueError(f"Expected 'output' to be either 'real' or 'complex', got output={output!r}.")
    a = _to_inexact(a)
    if output == "complex":
        a = a.astype(_cx.complex_dtype(get_aval(a).dtype))
    t, z = _schur.schur(a)
    return [t, z]  # a list, as JAX's


def hessenberg(a, *, calc_q: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """Hessenberg form ``a = Q H Q^H`` (``H`` zero below the first subdiagonal): ``H``, or ``(H, Q)``
    with ``calc_q`` (CPU only; not differentiable, as in JAX).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> h = fsl.hessenberg(fnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]))
    >>> round(float(h[2, 0]), 12)
    0.0
    """
    out = _schur.hessenberg(_to_inexact(a), calc_q=calc_q)
    return tuple(out) if calc_q else out[0]


def polar(a, side: str = "right", *, method: str = "qdwh", eps=None, max_iterations=None):
    """Polar decomposition: ``a = U P`` (``side="right"``) or ``a = P U`` (``"left"``), ``U`` with
    orthonormal columns (or rows) and ``P`` Hermitian positive semi-definite; returns ``(U, P)``.

    Computed from the SVD for both methods (``"qdwh"`` iterates to the same factors in JAX), so it is
    differentiable wherever the SVD is.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> u, p = fsl.polar(fnp.array([[0.0, 2.0], [3.0, 0.0]]))
    >>> u.round(6).tolist(), p.round(6).tolist()
    ([[0.0, 1.0], [1.0, 0.0]], [[3.0, 0.0], [0.0, 2.0]])
    """
    a = _to_inexact(a)
    shape = get_aval(a).shape
    if len(shape) < 2:
        raise ValueError("The input `a` must be at least a 2-D array.")
    if side not in ("right", "left"):
        raise ValueError("The argument `side` must be either 'right' or 'left'.")
    m, n = shape[-2:]
    if method == "qdwh":
        if not ((m >= n and side == "right") or (m < n and side == "left")):
            raise NotImplementedError(
                "method='qdwh' only supports mxn matrices where m < n where side='right' and m >= n "
                f"side='left', got {shape} with side={side!r}"
            )
    elif method != "svd":
        raise ValueError(f"Unknown polar decomposition method {method}.")
    u, s, vh = fnp.linalg.svd(a, full_matrices=False)
    s = s.astype(get_aval(u).dtype)[..., None, :]
    unitary = fnp.matmul(u, vh)
    if side == "right":
        posdef = fnp.matmul(fnp.conj(fnp.swapaxes(vh, -1, -2)) * s, vh)
    else:
        posdef = fnp.matmul(u * s, fnp.conj(fnp.swapaxes(u, -1, -2)))
    return unitary, posdef


def solve_sylvester(A, B, C, *, method: str = "schur", tol: float = 1e-8):  # noqa: N803 - SciPy's names
    """Solve ``A @ X + X @ B = C`` (leading batch axes broadcast).

    Solved through the Kronecker form of the equation, so it is differentiable in ``A``, ``B`` and
    ``C`` (JAX's Schur-based solver is not), at ``O((m n)^3)`` cost. As in JAX, the result is NaN when
    an eigenvalue of ``A`` plus one of ``B`` is within ``tol`` of zero (that check runs on CPU), and is
    real when ``C`` is real.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> a, b = fnp.array([[1.0, 2.0], [3.0, 4.0]]), fnp.array([[5.0, 6.0], [7.0, 8.0]])
    >>> (fsl.solve_sylvester(a, b, fnp.array([[6.0, 8.0], [10.0, 12.0]])).round(6) + 0.0).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if method not in ("schur", "eigen"):
        raise ValueError(f'Unrecognized method {method}. The two valid methods are either "schur" or "eigen".')
    a, b, c = _promote(_to_inexact(A), _to_inexact(B), _to_inexact(C))
    real_c = not fnp.iscomplexobj(C)
    batch = fnp.broadcast_shapes(get_aval(a).shape[:-2], get_aval(b).shape[:-2], get_aval(c).shape[:-2])
    m, n = get_aval(c).shape[-2:]
    a = fnp.broadcast_to(a, (*batch, m, m))
    b = fnp.broadcast_to(b, (*batch, n, n))
    c = fnp.broadcast_to(c, (*batch, m, n))
    x = _schur.sylvester(a, b, c)
    if real_c and fnp.iscomplexobj(x):
        x = fnp.real(x)
    # JAX's singularity test: the equation is singular when some lambda_A + lambda_B = 0
    eig_a = fnp.linalg.eigvals(_ew.stop_gradient(a))
    eig_b = fnp.linalg.eigvals(_ew.stop_gradient(b))
    singular = fnp.any(fnp.abs(eig_a[..., :, None] + eig_b[..., None, :]) < tol, axis=(-2, -1))
    return fnp.where(singular[..., None, None], fnp.nan, x)


def qr_multiply(a, c, mode: str = "right", pivoting: bool = False, conjugate: bool = False, **unused):
    """``(Q @ c, R)`` (``mode="left"``) or ``(c @ Q, R)`` (``"right"``) for the reduced QR of ``a``
    (``conjugate``: use ``conj(Q)``). A 1-d ``c`` is a column (left) or a row (right).

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> qtb, r = fsl.qr_multiply(fnp.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]), fnp.array([1.0, 2.0, 3.0]))
    >>> (abs(qtb).round(6)).tolist(), abs(r).round(6).tolist()
    ([1.0, 2.0], [[1.0, 0.0], [0.0, 2.0]])
    """
    if pivoting:
        raise NotImplementedError("qr_multiply: pivoting=True is not supported")
    if mode not in ("right", "left"):
        raise ValueError(f"mode must be 'right' or 'left', got {mode!r}")
    a, c = _promote(_to_inexact(a), _to_inexact(c))
    onedim = get_aval(c).ndim == 1
    if onedim:
        c = c[:, None] if mode == "left" else c[None, :]
    m, n = get_aval(a).shape[-2:]
    k = min(m, n)
    c_shape = get_aval(c).shape
    if mode == "left" and c_shape[-2] != k:
        raise ValueError(
            f"Array shapes are not compatible for Q @ c operation: a has shape {get_aval(a).shape} so Q has {k} "
            f"columns, but c has {c_shape[-2]} rows (expected {k})."
        )
    if mode == "right" and c_shape[-1] != m:
        raise ValueError(
            f"Array shapes are not compatible for c @ Q operation: a has shape {get_aval(a).shape} so Q has {m} "
            f"rows, but c has {c_shape[-1]} columns (expected {m})."
        )
    q, r = fnp.linalg.qr(a)
    if conjugate:
        q = fnp.conj(q)
    out = fnp.matmul(q, c) if mode == "left" else fnp.matmul(c, q)
    return (out.ravel() if onedim else out), r


def eigh_tridiagonal(d, e, *, eigvals_only: bool = False, select: str = "a", select_range=None, tol=None, key=None):
    """Eigenvalues (ascending; and eigenvectors) of the Hermitian tridiagonal matrix with diagonal
    ``d`` and superdiagonal ``e`` (``select="i"``: the eigenvalues with indices in ``select_range``).

    Computed with ``eigh`` of the assembled matrix, so it is differentiable (JAX bisects instead,
    which it cannot differentiate). Eigenvectors are unique up to sign (phase), as JAX's.

    >>> import fungrad.numpy as fnp, fungrad.scipy.linalg as fsl
    >>> fsl.eigh_tridiagonal(fnp.array([2.0, 2.0]), fnp.array([1.0]), eigvals_only=True).round(6).tolist()
    [1.0, 3.0]
    """
    d, e = fnp.asarray(d), fnp.asarray(e)
    if d.dtype != e.dtype:
        raise TypeError(f"diagonal and off-diagonal values must have same dtype, got {d.dtype} and {e.dtype}")
    if not fnp.issubdtype(d.dtype, fnp.inexact):
        raise TypeError(f"Only float32 and float64 inputs are supported, got {d.dtype} and {e.dtype}")
    n = get_aval(d).shape[0]
    if select == "a":
        lo, hi = 0, n - 1
    elif select == "i":
        if select_range is None:
            raise ValueError("for select='i', select_range must be specified.")
        if select_range[0] > select_range[1]:
            raise ValueError("Got empty index range in select_range.")
        lo, hi = int(select_range[0]), int(select_range[1])
    elif select == "v":
        raise NotImplementedError("eigh_tridiagonal(..., select='v') is not implemented (as in JAX)")
    else:
        raise ValueError("'select must have a value in {'a', 'i', 'v'}.")
    if n <= 1:
        return fnp.real(d) if eigvals_only else (fnp.real(d), fnp.eye(n, dtype=d.dtype))
    # T[i, i+1] = e[i], T[i+1, i] = conj(e[i]); eigh reads the lower triangle
    t = fnp.diag(d) + fnp.diag(e, 1) + fnp.diag(fnp.conj(e), -1)
    w, v = fnp.linalg.eigh(t)
    w, v = w[lo : hi + 1], v[:, lo : hi + 1]
    return w if eigvals_only else (w, v)
