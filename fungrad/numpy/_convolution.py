"""One-dimensional ``convolve`` and ``correlate`` (NumPy's), lowered to fungrad's convolution primitive.

Both follow ``jax.numpy``: inputs are promoted to an inexact dtype; the longer input slides over the
shorter; ``correlate`` conjugates its second argument and, when the inputs are swapped, reverses the
output. Derivatives and batching come from ``conv_general_dilated``'s rules.
"""

from __future__ import annotations

from fungrad._src.core import FungradTypeError, get_aval
from fungrad._src.primitives import conv as _conv_prims
from fungrad._src.primitives import shape as _sh
from fungrad.numpy._complex import conj
from fungrad.numpy._conversion import _promote, _to_inexact

__all__ = ["convolve", "correlate"]


def _conv1d(x, y, mode: str, op: str, precision, preferred_element_type):
    x, y = _promote(_to_inexact(x), _to_inexact(y))
    if get_aval(x).ndim != 1 or get_aval(y).ndim != 1:
        raise FungradTypeError(
            f"{op}() only supports 1-dimensional inputs, got {get_aval(x).shape} and {get_aval(y).shape}"
        )
    nx, ny = get_aval(x).shape[0], get_aval(y).shape[0]
    if nx == 0 or ny == 0:
        raise FungradTypeError(f"{op}: inputs cannot be empty, got shapes {(nx,)} and {(ny,)}")
    reverse = False
    if op == "correlate":
        y = conj(y)
        if nx < ny:
            x, y, reverse = y, x, True
    else:
        if nx < ny:
            x, y = y, x
        y = _sh.rev(y, (0,))
    n = get_aval(y).shape[0]
    pads = {"valid": (0, 0), "same": (n // 2, n - n // 2 - 1), "full": (n - 1, n - 1)}
    if mode not in pads:
        raise FungradTypeError(f"{op}: mode must be one of ['full', 'same', 'valid'], got {mode!r}")
    lhs = _sh.reshape(x, (1, 1, get_aval(x).shape[0]))
    rhs = _sh.reshape(y, (1, 1, n))
    out = _conv_prims.conv_general_dilated(
        lhs, rhs, (1,), [pads[mode]], precision=precision, preferred_element_type=preferred_element_type
    )
    out = _sh.reshape(out, get_aval(out).shape[2:])
    return _sh.rev(out, (0,)) if reverse else out


def convolve(a, v, mode: str = "full", *, precision=None, preferred_element_type=None):
    """Discrete linear convolution of two 1-D arrays (``mode``: ``"full"``, ``"same"`` or ``"valid"``).
    ``precision`` and ``preferred_element_type`` go to the convolution, as in ``jax.lax``.

    >>> import fungrad.numpy as fnp
    >>> fnp.convolve(fnp.array([1.0, 2.0, 3.0]), fnp.array([0.0, 1.0, 0.5])).tolist()
    [0.0, 1.0, 2.5, 4.0, 1.5]
    """
    return _conv1d(a, v, mode, "convolve", precision, preferred_element_type)


def correlate(a, v, mode: str = "valid", *, precision=None, preferred_element_type=None):
    """Cross-correlation of two 1-D arrays (``mode`` default ``"valid"``, as NumPy); ``precision`` and
    ``preferred_element_type`` as in :func:`convolve`.

    >>> import fungrad.numpy as fnp
    >>> fnp.correlate(fnp.array([1.0, 2.0, 3.0]), fnp.array([0.0, 1.0, 0.5])).tolist()
    [3.5]
    """
    return _conv1d(a, v, mode, "correlate", precision, preferred_element_type)
