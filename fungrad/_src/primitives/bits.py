"""Bit-level elementwise primitives: ``nextafter`` and ``population_count``.

Both are piecewise constant in the sense that matters to AD: ``population_count`` has integer
output, and ``nextafter(x, y)`` moves ``x`` by one unit in the last place, which JAX leaves without
a derivative; fungrad registers a zero jvp so that programs using them still differentiate.
"""

from __future__ import annotations

from jax import lax

from fungrad._src import batching
from fungrad._src.ad import defjvp_zero
from fungrad._src.core import Primitive, bind, def_lowering

nextafter_p = Primitive("nextafter")
def_lowering(nextafter_p, lax.nextafter)
defjvp_zero(nextafter_p)
batching.def_broadcasting(nextafter_p)


def nextafter(x, y):
    """The next floating-point value after ``x`` towards ``y`` (same dtype and shape; derivative 0).

    >>> import numpy as np
    >>> from fungrad._src.primitives import bits
    >>> bool(bits.nextafter(np.float32(1.0), np.float32(2.0)) > 1.0)
    True
    """
    return bind(nextafter_p, x, y)


population_count_p = Primitive("population_count")
def_lowering(population_count_p, lax.population_count)
defjvp_zero(population_count_p)
batching.def_vectorized(population_count_p)


def population_count(x):
    """The number of set bits of each element of the integer array ``x``.

    >>> import numpy as np
    >>> from fungrad._src.primitives import bits
    >>> int(bits.population_count(np.int32(7)))
    3
    """
    return bind(population_count_p, x)
