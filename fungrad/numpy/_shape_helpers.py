"""Contractions and array-shaping helpers built from primitives: einsum, tensordot, diagonal, trace,
tril, triu, roll, repeat, tile, kron.

All are composites (no rules of their own): a diagonal is a strided slice of the flattened pair of
axes, so its transpose is a pad; einsum is diagonals + reduce_sum + dot_general + transpose.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
import numpy as np
import opt_einsum

from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import dot as dot_prims
from fungrad._src.primitives import reductions as red
from fungrad._src.primitives import shape as sh
from fungrad._src.primitives.indexing import dynamic_slice
from fungrad.numpy._conversion import _canonical_axes, _check_out, _promote, _to_array, asarray, broadcast_to
from fungrad.numpy._creation import zeros_like
from fungrad.numpy._elementwise import multiply, remainder, subtract, where
from fungrad.numpy._indexing import take
from fungrad.numpy._manipulation import concatenate, flip, ravel
from fungrad.numpy._reductions import sum

# ---- diagonal, trace, tril, triu ---------------------------------------------------------------------


def diagonal(a, offset: int = 0, axis1: int = 0, axis2: int = 1):
    """The ``offset`` diagonal of the ``(axis1, axis2)`` planes, as the last axis of the result.

    >>> import fungrad.numpy as fnp
    >>> fnp.diagonal(fnp.arange(9.0).reshape(3, 3), 1).tolist()
    [1.0, 5.0]
    """
    a = _to_array(a)
    shape = get_aval(a).shape
    ax1, ax2 = (_canonical_axes(ax, len(shape))[0] for ax in (axis1, axis2))
    if ax1 == ax2:
        raise FungradTypeError("diagonal: axis1 and axis2 cannot be the same")
    others = [d for d in range(len(shape)) if d not in (ax1, ax2)]
    n1, n2 = shape[ax1], shape[ax2]
    lead = tuple(shape[d] for d in others)
    # Element (i, i + offset) sits at i * (n2 + 1) + offset in the flattened plane.
    if offset >= 0:
        length, start = builtins.max(0, builtins.min(n1, n2 - offset)), offset
    else:
        length, start = builtins.max(0, builtins.min(n1 + offset, n2)), -offset * n2
    flat = sh.reshape(sh.transpose(a, (*others, ax1, ax2)), (*lead, n1 * n2))
    if length == 0:
        return sh.slice(flat, (0,) * (len(lead) + 1), (*lead, 0))
    stop = start + (length - 1) * (n2 + 1) + 1
    return sh.slice(flat, (0,) * len(lead) + (start,), (*lead, stop), (1,) * len(lead) + (n2 + 1,))


def trace(a, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype=None, out=None):
    """Sum along the ``offset`` diagonal of the ``(axis1, axis2)`` planes.

    >>> import fungrad.numpy as fnp
    >>> float(fnp.trace(fnp.eye(3)))
    3.0
    """
    _check_out("trace", out)
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def _triangle(m, keep_mask):
    m = _to_array(m)
    shape = get_aval(m).shape
    if len(shape) < 2:
        raise FungradTypeError(f"tril/triu: input must be at least 2-dimensional, got shape {shape}")
    mask = sh.broadcast_in_dim(keep_mask(shape[-2], shape[-1]), shape, (len(shape) - 2, len(shape) - 1))
    return where(mask, m, zeros_like(m))


def tril(m, k: int = 0):
    """``m`` with the elements above the ``k``-th diagonal of the last two axes zeroed.

    >>> import fungrad.numpy as fnp
    >>> fnp.tril(fnp.ones((2, 2))).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle(m, lambda n, p: np.tri(n, p, k, dtype=bool))


def triu(m, k: int = 0):
    """``m`` with the elements below the ``k``-th diagonal of the last two axes zeroed.

    >>> import fungrad.numpy as fnp
    >>> fnp.triu(fnp.ones((2, 2)), k=1).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return _triangle(m, lambda n, p: ~np.tri(n, p, k - 1, dtype=bool))


# ---- roll, repeat, tile, kron -----------------------------------------------------------------------------


def roll(a, shift, axis=None):
    """Shift elements cyclically along ``axis`` (of the flattened array if None); ``shift`` may be
    traced (then it becomes a dynamic slice of the array concatenated with itself).

    >>> import fungrad.numpy as fnp
    >>> fnp.roll(fnp.arange(4.0), 1).tolist()
    [3.0, 0.0, 1.0, 2.0]
    """
    a = _to_array(a)
    shape = get_aval(a).shape
    if axis is None:
        return sh.reshape(roll(ravel(a), shift, 0), shape)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    shifts = (shift,) if isinstance(shift, Tracer) or np.ndim(shift) == 0 else tuple(shift)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    for s, ax in zip(shifts, axes):
        ax = _canonical_axes(ax, len(shape))[0]
        n = shape[ax]
        if n == 0:
            continue
        if isinstance(s, Tracer):
            start = subtract(n, remainder(s, n))
            starts = [0] * len(shape)
            starts[ax] = start
            a = dynamic_slice(sh.concatenate([a, a], ax), starts, shape)
            continue
        s = int(s) % n
        if s:
            lo, hi = [0] * len(shape), list(shape)
            lo[ax], hi[ax] = n - s, n
            tail = sh.slice(a, lo, hi)
            lo[ax], hi[ax] = 0, n - s
            a = sh.concatenate([tail, sh.slice(a, lo, hi)], ax)
    return a


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened array if None).

    ``repeats`` must be concrete (an int or an array of per-element counts).

    >>> import fungrad.numpy as fnp
    >>> fnp.repeat(fnp.array([1.0, 2.0]), 2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    a = _to_array(a)
    if axis is None:
        a, axis = ravel(a), 0
    shape = get_aval(a).shape
    axis = _canonical_axes(axis, len(shape))[0]
    if isinstance(repeats, Tracer):
        raise FungradTypeError("repeat: `repeats` must be concrete (it decides the output shape)")
    repeats = np.asarray(repeats)
    n = shape[axis]
    if repeats.ndim == 0 and total_repeat_length is None:
        r = int(repeats)
        spread = sh.broadcast_in_dim(a, (*shape[: axis + 1], r, *shape[axis + 1 :]), _skip(len(shape), axis + 1))
        return sh.reshape(spread, (*shape[:axis], n * r, *shape[axis + 1 :]))
    source = np.repeat(np.arange(n), np.broadcast_to(repeats, (n,)))
    if total_repeat_length is not None:
        pad = builtins.max(0, total_repeat_length - len(source))
        source = np.concatenate([source, np.full(pad, source[-1] if len(source) else 0)])[:total_repeat_length]

    return take(a, source.astype(np.int32), axis=axis, mode="promise_in_bounds")


def _skip(ndim: int, new_axis: int) -> tuple[int, ...]:
    """broadcast_dimensions placing ``ndim`` axes around a new axis inserted at ``new_axis``."""
    return tuple(d if d < new_axis else d + 1 for d in range(ndim))


def tile(A, reps):
    """Repeat the whole of ``A`` ``reps`` times along each axis.

    >>> import fungrad.numpy as fnp
    >>> fnp.tile(fnp.array([1.0, 2.0]), 2).tolist()
    [1.0, 2.0, 1.0, 2.0]
    """
    A = _to_array(A)
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    shape = get_aval(A).shape
    d = builtins.max(len(shape), len(reps))
    shape = (1,) * (d - len(shape)) + shape
    reps = (1,) * (d - len(reps)) + reps
    A = sh.reshape(A, shape)
    interleaved = tuple(v for pair in zip(reps, shape) for v in pair)
    spread = sh.broadcast_in_dim(A, interleaved, tuple(range(1, 2 * d, 2)))
    return sh.reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


def kron(a, b):
    """Kronecker product: blocks ``a[i, j] * b`` (trailing axes aligned).

    >>> import fungrad.numpy as fnp
    >>> fnp.kron(fnp.array([1.0, 2.0]), fnp.array([1.0, 10.0])).tolist()
    [1.0, 10.0, 2.0, 20.0]
    """
    a, b = _promote(a, b)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    d = builtins.max(len(sa), len(sb))
    sa, sb = (1,) * (d - len(sa)) + sa, (1,) * (d - len(sb)) + sb
    pairs = tuple(v for pair in zip(sa, sb) for v in pair)
    a_spread = sh.broadcast_in_dim(sh.reshape(a, sa), pairs, tuple(range(0, 2 * d, 2)))
    b_spread = sh.broadcast_in_dim(sh.reshape(b, sb), pairs, tuple(range(1, 2 * d, 2)))
    return sh.reshape(multiply(a_spread, b_spread), tuple(x * y for x, y in zip(sa, sb)))


# ---- tensordot, einsum ---------------------------------------------------------------------------------


def _element_type(preferred_element_type):
    """The canonical result dtype of a contraction (None: the operands' promoted dtype)."""
    return None if preferred_element_type is None else jax.dtypes.canonicalize_dtype(preferred_element_type)


def tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None):
    """Contract ``axes`` of ``a`` with ``axes`` of ``b`` (an int ``n`` means the last ``n`` of ``a``
    with the first ``n`` of ``b``); result axes: ``a``'s free axes, then ``b``'s.

    ``preferred_element_type`` is the accumulation and result dtype; ``precision`` the XLA precision of
    the contraction (as in ``jax.lax.dot_general``).

    >>> import fungrad.numpy as fnp
    >>> fnp.tensordot(fnp.ones((2, 3, 4)), fnp.ones((3, 4, 5))).shape
    (2, 5)
    """
    a, b = _promote(a, b)
    na, nb = get_aval(a).ndim, get_aval(b).ndim
    if isinstance(axes, int) or np.ndim(axes) == 0:
        n = int(axes)
        axes_a, axes_b = tuple(range(na - n, na)), tuple(range(n))
    else:
        axes_a, axes_b = axes
        axes_a = (axes_a,) if np.ndim(axes_a) == 0 else tuple(axes_a)
        axes_b = (axes_b,) if np.ndim(axes_b) == 0 else tuple(axes_b)
        axes_a = tuple(int(x) % builtins.max(na, 1) for x in axes_a)
        axes_b = tuple(int(x) % builtins.max(nb, 1) for x in axes_b)
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if len(axes_a) != len(axes_b) or any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise FungradTypeError(f"tensordot: axes {axes_a} of shape {sa} and {axes_b} of shape {sb} do not match")
    return dot_prims.dot_general(a, b, ((axes_a, axes_b), ((), ())), _element_type(preferred_element_type), precision)


def _parse_einsum(subscripts: str, ndims) -> tuple[list[list[str]], list[str]]:
    """Label lists per operand and for the output; ellipsis axes get labels ``"...k"`` counted from
    the right, so they broadcast right-aligned as in NumPy."""
    subscripts = subscripts.replace(" ", "")
    lhs, arrow, rhs = subscripts.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise FungradTypeError(f"einsum: {len(terms)} operand subscripts for {len(ndims)} operands")
    n_ellipsis = 0
    inputs = []
    for term, ndim in zip(terms, ndims):
        if "..." in term:
            head, _, tail = term.partition("...")
            k = ndim - len(head) - len(tail)
            if k < 0:
                raise FungradTypeError(f"einsum: subscripts {term!r} have more labels than the operand's {ndim} axes")
            n_ellipsis = builtins.max(n_ellipsis, k)
            inputs.append(list(head) + [f"...{k - 1 - j}" for j in range(k)] + list(tail))
        else:
            if len(term) != ndim:
                raise FungradTypeError(f"einsum: subscripts {term!r} do not match an operand with {ndim} axes")
            inputs.append(list(term))
    ellipsis = [f"...{n_ellipsis - 1 - j}" for j in range(n_ellipsis)]
    if arrow:
        head, dots, tail = rhs.partition("...")
        output = list(head) + (ellipsis if dots else []) + list(tail)
    else:
        counts: dict[str, int] = {}
        for labels in inputs:
            for lab in labels:
                counts[lab] = counts.get(lab, 0) + 1
        output = ellipsis + sorted(lab for lab, c in counts.items() if c == 1 and not lab.startswith("..."))
    return inputs, output


def _take_diagonals(x, labels: list[str]):
    """Collapse repeated labels of one operand onto their diagonal (appended as the last axis)."""
    labels = list(labels)
    while True:
        repeated = next((lab for lab in labels if labels.count(lab) > 1), None)
        if repeated is None:
            return x, labels
        i = labels.index(repeated)
        j = labels.index(repeated, i + 1)
        x = diagonal(x, 0, i, j)
        labels = [lab for k, lab in enumerate(labels) if k not in (i, j)] + [repeated]


def _sum_unneeded(x, labels: list[str], needed: set[str]):
    axes = tuple(i for i, lab in enumerate(labels) if lab not in needed)
    return red.reduce_sum(x, axes), [lab for lab in labels if lab in needed]


def einsum(subscripts: str, *operands, optimize="greedy", precision=None, preferred_element_type=None):
    """Einstein summation, lowered to diagonals, reduce_sum, dot_general and transpose.

    Contraction order for three or more operands comes from ``opt_einsum``'s path search
    (``optimize``: ``"greedy"``, ``"optimal"``, ...; ``False`` contracts left to right).

    >>> import fungrad.numpy as fnp
    >>> fnp.einsum("ij,jk->ik", fnp.ones((2, 3)), fnp.ones((3, 4))).shape
    (2, 4)
    >>> float(fnp.einsum("ii", fnp.eye(3)))
    3.0
    """
    if not isinstance(subscripts, str):
        raise FungradTypeError("einsum: only the string form of the subscripts is supported")
    operands = list(_promote(*operands))
    inputs, output = _parse_einsum(subscripts, [get_aval(x).ndim for x in operands])
    sizes: dict[str, int] = {}
    for x, labels in zip(operands, inputs):
        for lab, n in zip(labels, get_aval(x).shape):
            if sizes.get(lab, 1) not in (1, n) and n != 1:
                raise FungradTypeError(f"einsum: label {lab!r} has sizes {sizes[lab]} and {n}")
            sizes[lab] = builtins.max(sizes.get(lab, 1), n)
    # Per operand: diagonals of repeated labels, broadcast size-1 axes, sum labels used nowhere else.
    prepared = []
    for k, (x, labels) in enumerate(zip(operands, inputs)):
        x, labels = _take_diagonals(x, labels)
        full = tuple(sizes[lab] for lab in labels)
        if get_aval(x).shape != full:
            x = sh.broadcast_in_dim(sh.reshape(x, get_aval(x).shape), full, range(len(full)))
        elsewhere = {lab for j, other in enumerate(inputs) if j != k for lab in other}
        prepared.append(_sum_unneeded(x, labels, elsewhere | set(output)))
    if optimize and len(prepared) > 2:
        shapes = [tuple(get_aval(x).shape) for x in operands]
        path, _ = opt_einsum.contract_path(subscripts, *shapes, shapes=True, optimize=optimize)
    else:
        path = [(0, 1)] * (len(prepared) - 1)
    for pair in path:
        if len(pair) == 1:
            continue
        i, j = sorted(pair)
        (b, lb), (a, la) = prepared.pop(j), prepared.pop(i)
        needed = set(output) | {lab for _, labels in prepared for lab in labels}
        a, la = _sum_unneeded(a, la, needed | set(lb))
        b, lb = _sum_unneeded(b, lb, needed | set(la))
        batch = [lab for lab in la if lab in lb and lab in needed]
        contract = [lab for lab in la if lab in lb and lab not in needed]
        dims = (
            (tuple(la.index(c) for c in contract), tuple(lb.index(c) for c in contract)),
            (tuple(la.index(c) for c in batch), tuple(lb.index(c) for c in batch)),
        )
        out = dot_prims.dot_general(a, b, dims, preferred_element_type, precision)
        labels = batch + [lab for lab in la if lab not in lb] + [lab for lab in lb if lab not in la]
        prepared.append((out, labels))
    (x, labels) = prepared[0]
    x, labels = _sum_unneeded(x, labels, set(output))
    missing = [lab for lab in output if lab not in labels]
    if missing:
        raise FungradTypeError(f"einsum: output labels {missing} do not appear in any input")
    return sh.transpose(x, tuple(labels.index(lab) for lab in output))


# ---- diag, tri and friends, flips, diff -------------------------------------------------------------


def diag(v, k: int = 0):
    """The ``k``-th diagonal of a 2-D ``v``, or a 2-D array with the 1-D ``v`` on its ``k``-th diagonal.

    >>> import fungrad.numpy as fnp
    >>> fnp.diag(fnp.array([1.0, 2.0]), 1).tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
    """
    v = _to_array(v)
    shape = get_aval(v).shape
    if len(shape) == 2:
        return diagonal(v, k)
    if len(shape) != 1:
        raise FungradTypeError(f"diag: v must be 1-D or 2-D, got shape {shape}")
    n = shape[0]
    square = multiply(sh.broadcast_in_dim(v, (n, n), (0,)), np.eye(n, dtype=bool))
    zero = np.zeros((), get_aval(square).dtype)
    a = builtins.abs(k)
    rows, cols = ((0, a, 0), (a, 0, 0)) if k >= 0 else ((a, 0, 0), (0, a, 0))
    return sh.pad(square, zero, (rows, cols))


def diagflat(v, k: int = 0):
    """A 2-D array with the flattened ``v`` on its ``k``-th diagonal.

    >>> import fungrad.numpy as fnp
    >>> fnp.diagflat(fnp.array([1.0, 2.0])).tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    return diag(ravel(v), k)


def tri(N: int, M: int | None = None, k: int = 0, dtype=None):
    """Ones at and below the ``k``-th diagonal of an ``N x M`` array (a constant).

    >>> import fungrad.numpy as fnp
    >>> fnp.tri(2, 3, dtype=fnp.int32).tolist()
    [[1, 0, 0], [1, 1, 0]]
    """
    return jnp.tri(N, M, k, dtype=dtype)


def tril_indices(n: int, k: int = 0, m: int | None = None):
    """Row and column indices of the lower triangle (constants, as ``jax.numpy.tril_indices``).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.tril_indices(2)]
    [[0, 1, 1], [0, 0, 1]]
    """
    return jnp.tril_indices(n, k, m)


def triu_indices(n: int, k: int = 0, m: int | None = None):
    """Row and column indices of the upper triangle (constants).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.triu_indices(2)]
    [[0, 0, 1], [0, 1, 1]]
    """
    return jnp.triu_indices(n, k, m)


def diag_indices(n: int, ndim: int = 2):
    """Indices of the main diagonal of an ``(n,) * ndim`` array (constants).

    >>> import fungrad.numpy as fnp
    >>> [i.tolist() for i in fnp.diag_indices(3)]
    [[0, 1, 2], [0, 1, 2]]
    """
    return jnp.diag_indices(n, ndim)


def flipud(m):
    """Reverse the first axis.

    >>> import fungrad.numpy as fnp
    >>> fnp.flipud(fnp.array([[1, 2], [3, 4]])).tolist()
    [[3, 4], [1, 2]]
    """
    return flip(m, 0)


def fliplr(m):
    """Reverse the second axis.

    >>> import fungrad.numpy as fnp
    >>> fnp.fliplr(fnp.array([[1, 2], [3, 4]])).tolist()
    [[2, 1], [4, 3]]
    """
    return flip(m, 1)


def rot90(m, k: int = 1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second).

    >>> import fungrad.numpy as fnp
    >>> fnp.rot90(fnp.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[2.0, 4.0], [1.0, 3.0]]
    """
    m = _to_array(m)
    ndim = get_aval(m).ndim
    a0, a1 = (_canonical_axes(ax, ndim)[0] for ax in axes)
    if a0 == a1:
        raise FungradTypeError("rot90: the two axes must differ")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return sh.transpose(flip(m, a1), perm)
    return flip(sh.transpose(m, perm), a1)


def diff(a, n: int = 1, axis: int = -1, prepend=None, append=None):
    """The ``n``-th discrete difference along ``axis`` (``prepend``/``append`` are joined first).

    >>> import fungrad.numpy as fnp
    >>> fnp.diff(fnp.array([1.0, 4.0, 9.0])).tolist()
    [3.0, 5.0]
    """
    a = _to_array(a)
    shape = get_aval(a).shape
    axis = _canonical_axes(axis, len(shape))[0]

    def edge(v):
        v = asarray(v)
        if get_aval(v).ndim == 0:
            return broadcast_to(v, shape[:axis] + (1,) + shape[axis + 1 :])
        return v

    parts = ([edge(prepend)] if prepend is not None else []) + [a] + ([edge(append)] if append is not None else [])
    if len(parts) > 1:
        a = concatenate(parts, axis)
    for _ in range(n):
        length = get_aval(a).shape[axis]
        lo, hi = [0] * len(shape), list(get_aval(a).shape)
        lo[axis] = 1
        upper = sh.slice(a, lo, hi)
        lo[axis], hi[axis] = 0, builtins.max(length - 1, 0)
        a = subtract(upper, sh.slice(a, lo, hi))
    return a
