"""Argument handling shared by the distributions: promote to a common inexact dtype and broadcast
(as ``jax.scipy.stats`` does), and the standardized variable ``(x - loc) / scale``."""

from __future__ import annotations

import numpy as np

import fungrad.numpy as _fnp
from fungrad.numpy._conversion import _promote_broadcast, _to_inexact


def promote(*args):
    return _promote_broadcast(*[_to_inexact(a) for a in args])


def standardize(x, loc, scale):
    x, loc, scale = promote(x, loc, scale)
    return _fnp.divide(_fnp.subtract(x, loc), scale), scale


def neg_inf_where(mask, value):
    """``value`` with ``-inf`` where ``mask`` (outside the support)."""
    return _fnp.where(mask, _fnp.full_like(value, -np.inf), value)
