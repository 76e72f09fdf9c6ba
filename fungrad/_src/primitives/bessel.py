"""Exponentially scaled modified Bessel functions of the first kind, orders 0 and 1.

``i0e(x) = exp(-|x|) I0(x)`` and ``i1e(x) = exp(-|x|) I1(x)``, lowered to ``jax.lax.bessel_i0e`` /
``bessel_i1e``. Derivatives (from ``I0' = I1`` and ``I1' = I0 - I1 / x``, times the scaling):
``i0e' = i1e - sign(x) i0e`` and ``i1e' = i0e - i1e (sign(x) + 1/x)``, whose limit at 0 is 1/2
(JAX evaluates it the same way, at ``x`` clamped away from 0).
"""

from __future__ import annotations

import numpy as np
from jax import lax

from fungrad._src import ad, batching, core
from fungrad._src.core import Primitive, bind, def_lowering
from fungrad._src.primitives import elementwise as ew

bessel_i0e_p = Primitive("bessel_i0e")
bessel_i1e_p = Primitive("bessel_i1e")


def bessel_i0e(x):
    return bind(bessel_i0e_p, x)


def bessel_i1e(x):
    return bind(bessel_i1e_p, x)


def _i1e_derivative(ans, x):
    tiny = np.finfo(core.get_aval(x).dtype).eps
    not_tiny = ew.gt(ew.abs(x), ew.scalar(tiny, x))
    safe_x = ew.select_n(not_tiny, ew.scalar_like(tiny, x), x)
    slope = ew.sub(bessel_i0e(safe_x), ew.mul(ans, ew.add(ew.sign(safe_x), ew.div(ew.scalar(1, x), safe_x))))
    return ew.select_n(not_tiny, ew.scalar_like(0.5, x), slope)


def_lowering(bessel_i0e_p, lax.bessel_i0e)
def_lowering(bessel_i1e_p, lax.bessel_i1e)
ad.defjvp(bessel_i0e_p, lambda t, ans, x: ew.mul(t, ew.sub(bessel_i1e(x), ew.mul(ew.sign(x), ans))))
ad.defjvp(bessel_i1e_p, lambda t, ans, x: ew.mul(t, _i1e_derivative(ans, x)))
batching.def_vectorized(bessel_i0e_p)
batching.def_vectorized(bessel_i1e_p)
