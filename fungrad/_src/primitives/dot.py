"""dot_general: tensor contraction with batch dimensions (matmul, einsum-style products).

``dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``. The result's axes are
the batch axes, then lhs's free axes, then rhs's free axes, each in operand order. The operation is
bilinear; the transpose with respect to one operand contracts the cotangent with the other operand
over the other operand's free axes, then permutes the result into the operand's axis order.

``precision`` (a ``lax.Precision``, its name, or one per operand) is passed to XLA as in
``jax.lax.dot_general``; it is a parameter of the equation only when given, and the derivative
contractions use the same value (a pair in the same order, as JAX's transposes do, so the compiled
backward pass matches JAX's).
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import elementwise as ew
from fungrad._src.primitives import layout

dot_general_p = Primitive("dot_general")
def_lowering(
    dot_general_p,
    lambda x, y, *, dimension_numbers, preferred_element_type, precision=None: lax.dot_general(
        x, y, dimension_numbers, precision=precision, preferred_element_type=preferred_element_type
    ),
)


def _canonical_precision(precision):
    """``None``, a ``lax.Precision``, or a pair of them (lhs, rhs); names such as ``"highest"`` are read."""
    if isinstance(precision, (tuple, list)):
        if len(precision) != 2:
            raise ValueError(f"dot_general: precision must be one value or a pair (lhs, rhs), got {precision!r}")
        return tuple(_canonical_precision(p) for p in precision)
    if precision is None or isinstance(precision, (lax.Precision, lax.DotAlgorithmPreset)):
        return precision
    return lax.Precision(precision)


def dot_general(x, y, dimension_numbers, preferred_element_type=None, precision=None):
    (lc, rc), (lb, rb) = dimension_numbers
    dims = ((tuple(map(int, lc)), tuple(map(int, rc))), (tuple(map(int, lb)), tuple(map(int, rb))))
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    precision = _canonical_precision(precision)
    extra = {} if precision is None else {"precision": precision}  # IR text unchanged without one
    return bind(dot_general_p, x, y, dimension_numbers=dims, preferred_element_type=pet, **extra)


def _free(ndim: int, *used) -> list[int]:
    taken = {a for group in used for a in group}
    return [a for a in range(ndim) if a not in taken]


def _transpose_operand(ct, other, operand_ndim, operand_dtype, dims, ct_free, other_free, precision):
    """Cotangent of one operand: contract ``ct``'s axes of ``other``'s free dims with ``other``."""
    (own_contract, other_contract), (own_batch, other_batch) = dims
    nb = len(own_batch)
    own_free = _free(operand_ndim, own_contract, own_batch)
    # Contract the ct axes belonging to `other`'s free dims; keep batch axes batched.
    ct_other_axes = tuple(ct_free)
    result = dot_general(
        ct,
        other,
        ((ct_other_axes, tuple(other_free)), (tuple(range(nb)), tuple(other_batch))),
        preferred_element_type=operand_dtype,
        precision=precision,
    )
    # result axes: batch, ct's remaining (own free) axes, other's remaining axes (= other_contract
    # sorted by other's axis order), which correspond to own_contract.
    other_rest = sorted(other_contract)
    contract_for = [own_contract[list(other_contract).index(a)] for a in other_rest]
    result_axes = [*own_batch, *own_free, *contract_for]
    result = layout.transpose(result, np.argsort(result_axes))
    return ew.convert_element_type(result, operand_dtype)


def _dot_lhs_transpose(ct, x, y, *, dimension_numbers, preferred_element_type, precision=None):
    (lc, rc), (lb, rb) = dimension_numbers
    x_ndim, y_ndim = x.aval.ndim, get_aval(y).ndim
    nb, nfx = len(lb), len(_free(x_ndim, lc, lb))
    nfy = len(_free(y_ndim, rc, rb))
    ct_free = range(nb + nfx, nb + nfx + nfy)
    dims = ((lc, rc), (lb, rb))
    return _transpose_operand(ct, y, x_ndim, x.aval.dtype, dims, ct_free, _free(y_ndim, rc, rb), precision)


def _dot_rhs_transpose(ct, x, y, *, dimension_numbers, preferred_element_type, precision=None):
    (lc, rc), (lb, rb) = dimension_numbers
    x_ndim, y_ndim = get_aval(x).ndim, y.aval.ndim
    nb, nfx = len(lb), len(_free(x_ndim, lc, lb))
    ct_free = range(nb, nb + nfx)
    dims = ((rc, lc), (rb, lb))
    free = _free(x_ndim, lc, lb)
    return _transpose_operand(ct, x, y_ndim, y.aval.dtype, dims, ct_free, free, precision)


ad.defbilinear(dot_general_p, _dot_lhs_transpose, _dot_rhs_transpose)


def _dot_general_batch(args, dims, *, dimension_numbers, preferred_element_type, precision=None):
    (x, y), (dx, dy) = args, dims
    (lc, rc), (lb, rb) = dimension_numbers
    shift = lambda axes: tuple(a + 1 for a in axes)  # noqa: E731
    if dx is not None and dy is not None:
        # Both batched: the vmap axis becomes a new leading batch dimension of the contraction.
        x, y = layout.bdim_to_front(x, dx), layout.bdim_to_front(y, dy)
        new = ((shift(lc), shift(rc)), ((0, *shift(lb)), (0, *shift(rb))))
        return dot_general(x, y, new, preferred_element_type, precision), 0
    if dx is not None:
        # Only lhs batched: the vmap axis is lhs's first free axis, so it lands right after the batch axes.
        x = layout.bdim_to_front(x, dx)
        new = ((shift(lc), rc), (shift(lb), rb))
        return dot_general(x, y, new, preferred_element_type, precision), len(lb)
    y = layout.bdim_to_front(y, dy)
    new = ((lc, shift(rc)), (lb, shift(rb)))
    nfx = len(_free(get_aval(x).ndim, lc, lb))
    return dot_general(x, y, new, preferred_element_type, precision), len(lb) + nfx


batching.def_batching(dot_general_p, _dot_general_batch)
