"""Basic indexing (``x[i, 2:5:2, None, ...]``) as static slices, reversals, squeezes and expand_dims."""

from __future__ import annotations

from fungrad._src.core import FungradTypeError, Tracer, get_aval
from fungrad._src.primitives import shape as sh


def _is_int_index(entry) -> bool:
    if isinstance(entry, bool):
        return False
    if isinstance(entry, int):
        return True
    return hasattr(entry, "__index__") and not isinstance(entry, Tracer) and getattr(entry, "shape", None) == ()


def getitem(x, index):
    """``x[index]`` for integers, slices (any step), ``None`` and ``Ellipsis``."""
    entries = index if isinstance(index, tuple) else (index,)
    for e in entries:
        if not (e is None or e is Ellipsis or isinstance(e, slice) or _is_int_index(e)):
            raise FungradTypeError(
                f"indexing with {type(e).__name__} is not supported yet: use integers, slices, None "
                "and Ellipsis (integer-array and boolean-mask indexing arrive with gather)"
            )
    shape = get_aval(x).shape
    n_real = sum(1 for e in entries if e is not None and e is not Ellipsis)
    if n_real > len(shape):
        raise FungradTypeError(f"too many indices ({n_real}) for an array of shape {shape}")
    if sum(1 for e in entries if e is Ellipsis) > 1:
        raise FungradTypeError("an index can only have a single ellipsis ('...')")
    fill = (slice(None),) * (len(shape) - n_real)
    if Ellipsis in entries:
        at = entries.index(Ellipsis)
        entries = entries[:at] + fill + entries[at + 1 :]
    else:
        entries = entries + fill

    starts, limits, strides, reversed_axes, squeezed, new_axes = [], [], [], [], [], []
    axis, out_pos = 0, 0
    for e in entries:
        if e is None:
            new_axes.append(out_pos)
            out_pos += 1
            continue
        n = shape[axis]
        if isinstance(e, slice):
            start, stop, step = e.indices(n)
            length = len(range(start, stop, step))
            if step < 0:
                reversed_axes.append(axis)
                start, step = n - 1 - start, -step
            starts.append(start if length else 0)
            limits.append(start + (length - 1) * step + 1 if length else 0)
            strides.append(step)
            out_pos += 1
        else:
            i = int(e)
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
            i %= n
            starts.append(i)
            limits.append(i + 1)
            strides.append(1)
            squeezed.append(axis)
        axis += 1
    out = sh.rev(x, reversed_axes)
    out = sh.slice(out, starts, limits, strides)
    out = sh.squeeze(out, squeezed)
    return sh.expand_dims(out, new_axes)
