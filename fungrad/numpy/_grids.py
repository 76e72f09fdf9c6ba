"""Grids, index helpers and creation: meshgrid, mgrid/ogrid, indices, r_/c_/ix_, *_indices_from, unravel_index,
ravel_multi_index, windows, empty, identity, logspace, geomspace.
"""

from __future__ import annotations

__all__: list[str] = []
