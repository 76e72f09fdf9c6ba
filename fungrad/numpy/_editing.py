"""Array editing and small utilities: pad, insert, delete, resize, fill_diagonal, choose, select, copy, unwrap,
gcd/lcm, bit-level functions, matvec/vecmat/vecdot, vectorize and friends.
"""

from __future__ import annotations

__all__: list[str] = []
