"""Set routines with static sizes: unique and its family, isin, intersect1d, union1d, setdiff1d, setxor1d, and
size-taking compress/extract/place/put.
"""

from __future__ import annotations

__all__: list[str] = []
