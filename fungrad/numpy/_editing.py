"""Array editing and small utilities: pad, insert, delete, resize, fill_diagonal, choose, select, copy, unwrap,
gcd/lcm, bit-level functions, matvec/vecmat/vecdot, vectorize and friends.
"""

from __future__ import annotations

from fungrad.numpy._pad import pad
from fungrad.numpy._vectorize import apply_along_axis, apply_over_axes, vectorize

__all__: list[str] = ["apply_along_axis", "apply_over_axes", "pad", "vectorize"]
