"""Out-of-bounds indices mean one thing in every mode (issue #18, item 1): gathers clamp and scatters
drop out-of-bounds updates, as in JAX — eagerly, under jit, grad and vmap, static and traced indices."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp

X = jnp.arange(3.0) + 1.0  # eager values are jax.Arrays, whose own indexing clamps
MODES = {
    "eager": lambda f: f,
    "jit": fungrad.jit,
    "grad": lambda f: fungrad.grad(lambda x, *a: fnp.sum(f(x, *a) * 1.5)),
    "vmap": lambda f: lambda x, *a: fungrad.vmap(f, (0,) + (None,) * len(a))(fnp.stack([x, 2.0 * x]), *a)[1],
}
JAX_MODES = {
    "eager": lambda f: f,
    "jit": jax.jit,
    "grad": lambda f: jax.grad(lambda x, *a: jnp.sum(f(x, *a) * 1.5)),
    "vmap": lambda f: lambda x, *a: jax.vmap(f, (0,) + (None,) * len(a))(jnp.stack([x, 2.0 * x]), *a)[1],
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("i", [5, -5, 3, -4, 1])
def test_static_out_of_bounds_gather_clamps(mode, i):
    got = MODES[mode](lambda x: x[i])(X)
    want = JAX_MODES[mode](lambda x: x[i])(jnp.asarray(X))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("i", [5, -5, 7])
def test_traced_out_of_bounds_gather_clamps(mode, i):
    got = MODES[mode](lambda x, j: x[j])(X, np.int32(i))
    want = JAX_MODES[mode](lambda x, j: x[j])(jnp.asarray(X), np.int32(i))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("i", [5, 3, -7])
def test_out_of_bounds_scatter_drops_the_update(mode, i):
    got = MODES[mode](lambda x: x.at[i].set(9.0) * x)(X)
    want = JAX_MODES[mode](lambda x: x.at[i].set(9.0) * x)(jnp.asarray(X))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))
