"""Products of arrays: ``dot``, ``matmul``, ``inner``, ``outer``, ``vdot`` (all one ``dot_general``), and
``einsum``/``einsum_path`` (a chain of ``dot_general`` steps in the order opt_einsum picks).

Shapes are checked here so a mismatch names the NumPy function and both shapes.
``preferred_element_type`` is the accumulation and result dtype, and ``precision`` (``"highest"``,
``lax.Precision.HIGH``, one per operand, ...) the XLA precision of each contraction, as in jax.numpy;
without it contractions run at the backend's default (on GPUs and TPUs that may be below float32 for
float32 operands; ``jax.default_matmul_precision`` sets it).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import numpy as np
import opt_einsum

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import dot as dot_prims
from fungrad.numpy import _complex as _cplx
from fungrad.numpy._conversion import _check_out, _promote, asarray, broadcast_shapes, broadcast_to
from fungrad.numpy._elementwise import multiply
from fungrad.numpy._manipulation import expand_dims, ravel, squeeze
from fungrad.numpy._shape_helpers import einsum as _pairwise_einsum  # one contraction step of einsum


def dot(a, b, *, precision=None, preferred_element_type=None):
    """NumPy's ``dot``: contracts the last axis of ``a`` with the second-to-last (or only) axis of ``b``.

    >>> import fungrad.numpy as fnp
    >>> fnp.dot(fnp.array([[1.0, 2.0], [3.0, 4.0]]), fnp.array([1.0, 1.0])).tolist()
    [3.0, 7.0]
    """
    a, b, pet = _operands(a, b, preferred_element_type)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    _check_contract("dot", a, b, na - 1, max(nb - 2, 0))
    return dot_prims.dot_general(a, b, (((na - 1,), (max(nb - 2, 0),)), ((), ())), pet, precision)


def _operands(a, b, preferred_element_type):
    """The promoted operands and the canonical ``preferred_element_type``; an elementwise product
    (a scalar operand) is computed in that dtype directly."""
    a, b = _promote(a, b)
    if preferred_element_type is None:
        return a, b, None
    pet = jax.dtypes.canonicalize_dtype(preferred_element_type)
    if get_aval(a).ndim == 0 or get_aval(b).ndim == 0:
        a, b = asarray(a, pet), asarray(b, pet)
    return a, b, pet


def _check_contract(name, a, b, axis_a, axis_b):
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if sa[axis_a] != sb[axis_b]:
        raise FungradTypeError(
            f"{name}: shapes {sa} and {sb} are not aligned: axis {axis_a} of the first ({sa[axis_a]}) "
            f"must equal axis {axis_b} of the second ({sb[axis_b]})"
        )


def matmul(a, b, *, precision=None, preferred_element_type=None):
    """Matrix product with broadcasting over leading (batch) axes, as ``numpy.matmul``.

    >>> import fungrad.numpy as fnp
    >>> fnp.matmul(fnp.ones((2, 3)), fnp.ones((3, 4))).shape
    (2, 4)
    """
    a, b, pet = _operands(a, b, preferred_element_type)
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
    out = dot_prims.dot_general(a2, b2, (((nbatch + 1,), (nbatch,)), (batch_dims, batch_dims)), pet, precision)
    if na == 1:
        out = squeeze(out, -2)
    if nb == 1:
        out = squeeze(out, -1)
    return out


def outer(a, b, out=None):
    """Outer product of the flattened inputs.

    >>> import fungrad.numpy as fnp
    >>> fnp.outer(fnp.array([1.0, 2.0]), fnp.array([1.0, 10.0])).tolist()
    [[1.0, 10.0], [2.0, 20.0]]
    """
    _check_out("outer", out)
    a, b = ravel(a), ravel(b)
    return multiply(expand_dims(a, 1), expand_dims(b, 0))


def vdot(a, b, *, precision=None, preferred_element_type=None):
    """Dot product of the flattened inputs.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.vdot(fnp.ones((2, 2)), fnp.ones((2, 2))))
    4.0
    """
    a = ravel(a)
    a = _cplx.conjugate(a) if _cplx.iscomplexobj(a) else a  # NumPy conjugates ``a``
    return dot(a, ravel(b), precision=precision, preferred_element_type=preferred_element_type)


def inner(a, b, *, precision=None, preferred_element_type=None):
    """Inner product over the last axes of ``a`` and ``b``.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.inner(fnp.array([1.0, 2.0]), fnp.array([3.0, 4.0])))
    11.0
    """
    a, b, pet = _operands(a, b, preferred_element_type)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    return dot_prims.dot_general(a, b, (((na - 1,), (nb - 1,)), ((), ())), pet, precision)


# ---- einsum ----------------------------------------------------------------------------------------------


class _Unoptimized(opt_einsum.paths.PathOptimizer):
    """``optimize=False``: contract the operands left to right, as jax.numpy does."""

    def __call__(self, inputs, *args, **kwargs):
        return [(0, 1)] * (len(inputs) - 1)


class _ShapeOnly(NamedTuple):
    """What opt_einsum needs to know about an operand (it must not see fungrad tracers)."""

    shape: tuple
    dtype: np.dtype


def _path_type(optimize):
    if optimize is True:
        return "optimal"
    if optimize is False or optimize is None:
        return _Unoptimized()
    return optimize


def _split_operands(subscripts, operands):
    """The arrays of either calling form, and the same arguments with the arrays replaced by shapes."""
    args = (subscripts, *operands)
    if isinstance(subscripts, str):
        arrays = list(args[1:])
        shaped = [subscripts]
        shaped += [_ShapeOnly(tuple(get_aval(asarray(x)).shape), get_aval(asarray(x)).dtype) for x in arrays]
        return [asarray(x) for x in arrays], shaped
    # sublist form: array, axes, array, axes, ..., [output axes]
    arrays, shaped = [], []
    for k, arg in enumerate(args):
        if k % 2 == 0 and not (k == len(args) - 1 and isinstance(arg, (list, tuple))):
            x = asarray(arg)
            arrays.append(x)
            shaped.append(_ShapeOnly(tuple(get_aval(x).shape), get_aval(x).dtype))
        else:
            shaped.append(list(arg))
    return arrays, shaped


def einsum(
    subscripts,
    /,
    *operands,
    out=None,
    optimize="auto",
    precision=None,
    preferred_element_type=None,
    _dot_general=None,
    out_sharding=None,
):
    """Einstein summation over the operands, in either calling form: ``einsum("ij,jk->ik", a, b)`` or
    with integer sublists ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.

    ``optimize`` picks the pairwise contraction order through ``opt_einsum`` (``"auto"``, ``True`` =
    ``"optimal"``, ``"greedy"``, ..., a path from :func:`einsum_path`; ``False`` contracts left to
    right). Each pairwise step is one ``dot_general`` (after diagonals and sums of labels used only
    there), so derivatives, complex operands and batching come from those primitives.
    ``preferred_element_type`` sets the accumulation and result dtype.

    >>> import fungrad.numpy as fnp
    >>> a, b = fnp.ones((2, 3)), fnp.ones((3, 4))
    >>> fnp.einsum("ij,jk->ik", a, b).shape
    (2, 4)
    >>> fnp.einsum(a, [0, 1], b, [1, 2], [0, 2]).tolist()[0]
    [3.0, 3.0, 3.0, 3.0]
    """
    if out is not None:
        raise NotImplementedError("einsum: the 'out' argument is not supported")
    arrays, shaped = _split_operands(subscripts, operands)
    _, contractions = opt_einsum.contract_path(*shaped, einsum_call=True, use_blas=True, optimize=_path_type(optimize))
    if preferred_element_type is None:
        arrays = list(_promote(*arrays))
        result_dtype = None
    else:
        result_dtype = jax.dtypes.canonicalize_dtype(preferred_element_type)
    for contraction in contractions:
        inds, step = contraction[0], contraction[2]
        step_ops = [arrays.pop(i) for i in inds]  # opt_einsum lists them in the order `step` names them
        if result_dtype is not None:
            step_ops = [x if get_aval(x).dtype == result_dtype else x.astype(result_dtype) for x in step_ops]
        arrays.append(
            _pairwise_einsum(step, *step_ops, optimize=False, precision=precision, preferred_element_type=result_dtype)
        )
    (result,) = arrays
    return result


def einsum_path(subscripts, /, *operands, optimize="auto"):
    """The contraction order :func:`einsum` would use, and opt_einsum's printable report; pass the
    path back as ``einsum(..., optimize=path)``. Only the operands' shapes are read.

    >>> import fungrad.numpy as fnp
    >>> path, info = fnp.einsum_path("ij,jk,kl", fnp.ones((2, 3)), fnp.ones((3, 50)), fnp.ones((50, 2)))
    >>> path
    [(1, 2), (0, 1)]
    """
    _, shaped = _split_operands(subscripts, operands)
    return opt_einsum.contract_path(*shaped, optimize=_path_type(optimize))
