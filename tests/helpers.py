"""What several test modules share: seeded random inputs and pytree comparisons against JAX.

The comparison is ``fungrad.testing.assert_trees_close`` (public API, so users' tests get the same
messages) with the suite's float64 tolerances as defaults.
"""

import jax.numpy as jnp
import numpy as np

from fungrad.testing import assert_trees_close as _assert_trees_close


def make_rand(seed: int):
    """A ``rand(*shape)`` drawing standard normal float arrays from its own generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)

    def rand(*shape):
        return jnp.asarray(rng.standard_normal(shape))

    return rand


def assert_trees_close(got, want, rtol=1e-10, atol=1e-12, check_dtypes=True):
    """Same structure, shapes (and dtypes), and values within the suite's float64 tolerances."""
    _assert_trees_close(got, want, rtol=rtol, atol=atol, check_dtypes=check_dtypes)


def assert_trees_equal(got, want):
    """Same structure and shapes, and exactly equal values (NaNs equal NaNs)."""
    _assert_trees_close(got, want, rtol=0.0, atol=0.0, check_dtypes=False)
