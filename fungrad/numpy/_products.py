"""Products of arrays: ``dot``, ``matmul``, ``inner``, ``outer``, ``vdot`` (all one ``dot_general``).

Shapes are checked here so a mismatch names the NumPy function and both shapes.
"""

from __future__ import annotations

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import dot as dot_prims
from fungrad.numpy import _complex as _cplx
from fungrad.numpy._conversion import _promote, broadcast_shapes, broadcast_to
from fungrad.numpy._elementwise import multiply
from fungrad.numpy._manipulation import expand_dims, ravel, squeeze


def dot(a, b):
    """NumPy's ``dot``: contracts the last axis of ``a`` with the second-to-last (or only) axis of ``b``.

    >>> import fungrad.numpy as fnp
    >>> fnp.dot(fnp.array([[1.0, 2.0], [3.0, 4.0]]), fnp.array([1.0, 1.0])).tolist()
    [3.0, 7.0]
    """
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    _check_contract("dot", a, b, na - 1, max(nb - 2, 0))
    return dot_prims.dot_general(a, b, (((na - 1,), (max(nb - 2, 0),)), ((), ())))


def _check_contract(name, a, b, axis_a, axis_b):
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if sa[axis_a] != sb[axis_b]:
        raise FungradTypeError(
            f"{name}: shapes {sa} and {sb} are not aligned: axis {axis_a} of the first ({sa[axis_a]}) "
            f"must equal axis {axis_b} of the second ({sb[axis_b]})"
        )


def matmul(a, b):
    """Matrix product with broadcasting over leading (batch) axes, as ``numpy.matmul``.

    >>> import fungrad.numpy as fnp
    >>> fnp.matmul(fnp.ones((2, 3)), fnp.ones((3, 4))).shape
    (2, 4)
    """
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        raise FungradTypeError("matmul: operands must be at least 1-dimensional; use multiply for scalars")
    a2 = expand_dims(a, 0) if na == 1 else a
    b2 = expand_dims(b, -1) if nb == 1 else b
    sa, sb = get_aval(a2).shape, get_aval(b2).shape
    _check_contract("matmul", a, b, na - 1, 0 if nb == 1 else nb - 2)  # the user's shapes, not a2/b2
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    a2 = broadcast_to(a2, batch + sa[-2:])
    b2 = broadcast_to(b2, batch + sb[-2:])
    nbatch = len(batch)
    batch_dims = tuple(range(nbatch))
    out = dot_prims.dot_general(a2, b2, (((nbatch + 1,), (nbatch,)), (batch_dims, batch_dims)))
    if na == 1:
        out = squeeze(out, -2)
    if nb == 1:
        out = squeeze(out, -1)
    return out


def outer(a, b):
    """Outer product of the flattened inputs.

    >>> import fungrad.numpy as fnp
    >>> fnp.outer(fnp.array([1.0, 2.0]), fnp.array([1.0, 10.0])).tolist()
    [[1.0, 10.0], [2.0, 20.0]]
    """
    a, b = ravel(a), ravel(b)
    return multiply(expand_dims(a, 1), expand_dims(b, 0))


def vdot(a, b):
    """Dot product of the flattened inputs.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.vdot(fnp.ones((2, 2)), fnp.ones((2, 2))))
    4.0
    """
    a = ravel(a)
    return dot(_cplx.conjugate(a) if _cplx.iscomplexobj(a) else a, ravel(b))  # NumPy conjugates ``a``


def inner(a, b):
    """Inner product over the last axes of ``a`` and ``b``.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.inner(fnp.array([1.0, 2.0]), fnp.array([3.0, 4.0])))
    11.0
    """
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    return dot_prims.dot_general(a, b, (((na - 1,), (nb - 1,)), ((), ())))


from fungrad.numpy._shape_helpers import einsum  # noqa: E402, F401 - interim, replaced soon


def einsum_path(subscripts, *operands, optimize="greedy"):
    """Interim: the contraction order opt_einsum picks (replaced by the full version)."""
    import opt_einsum

    return opt_einsum.contract_path(subscripts, *operands, optimize=optimize)
