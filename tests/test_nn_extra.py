"""fungrad.nn extras: dropout and initializers (the activations are op records in tests/records/nn_extra.py)."""

import jax
import jax.nn as jnn
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp
import fungrad.random as fr

KEY = jax.random.PRNGKey(1)


def test_dropout_matches_bernoulli_mask_and_gradient():
    x = np.arange(1.0, 9.0)
    y = fnn.dropout(KEY, 0.25, x)
    keep = jax.random.bernoulli(KEY, 0.75, x.shape)
    np.testing.assert_allclose(y, np.where(keep, x / 0.75, 0.0))
    g = fungrad.grad(lambda x: fnp.sum(fnn.dropout(KEY, 0.25, x)))(x)
    np.testing.assert_allclose(g, np.where(keep, 1 / 0.75, 0.0))
    np.testing.assert_array_equal(fnn.dropout(KEY, 0.25, x, deterministic=True), x)
    np.testing.assert_array_equal(fnn.dropout(KEY, 0.0, x), x)
    with pytest.raises(TypeError, match="rate"):
        fnn.dropout(KEY, 1.0, x)


def test_dropout_vmap_over_keys():
    keys = jax.random.split(KEY, 3)
    x = np.ones(5)
    got = fungrad.vmap(lambda k: fnn.dropout(k, 0.5, x))(keys)
    want = np.stack([np.where(jax.random.bernoulli(k, 0.5, x.shape), 2.0, 0.0) for k in keys])
    np.testing.assert_array_equal(got, want)


INITS = [
    ("glorot_uniform", (4, 5)),
    ("glorot_normal", (4, 5)),
    ("he_uniform", (3, 3, 2, 4)),
    ("he_normal", (3, 3, 2, 4)),
    ("lecun_normal", (6, 2)),
    ("lecun_uniform", (6, 2)),
    ("xavier_uniform", (4, 5)),
]


@pytest.mark.parametrize("name,shape", INITS, ids=[i[0] for i in INITS])
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_variance_scaling_initializers_match_jax(name, shape, dtype):
    got = getattr(fnn.initializers, name)()(KEY, shape, dtype)
    want = getattr(jnn.initializers, name)()(KEY, shape, dtype)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=8 * np.finfo(dtype).eps, atol=8 * np.finfo(dtype).eps)


def test_simple_initializers_match_jax():
    for mine, ref in [
        (fnn.initializers.uniform(0.1), jnn.initializers.uniform(0.1)),
        (fnn.initializers.normal(0.3), jnn.initializers.normal(0.3)),
        (fnn.initializers.truncated_normal(0.3), jnn.initializers.truncated_normal(0.3)),
        (fnn.initializers.zeros, jnn.initializers.zeros),
        (fnn.initializers.ones, jnn.initializers.ones),
        (fnn.initializers.constant(2.5), jnn.initializers.constant(2.5)),
        (
            fnn.initializers.variance_scaling(0.5, "fan_out", "normal", in_axis=0, out_axis=1),
            jnn.initializers.variance_scaling(0.5, "fan_out", "normal", in_axis=0, out_axis=1),
        ),
    ]:
        got, want = mine(KEY, (3, 4)), ref(KEY, (3, 4))
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


def test_initializer_under_vmap_of_keys():
    keys = jax.random.split(KEY, 2)
    init = fnn.initializers.he_normal()
    got = fungrad.vmap(lambda k: init(k, (3, 2)))(keys)
    want = np.stack([jnn.initializers.he_normal()(k, (3, 2)) for k in keys])
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_activation_special_values_match_jax():
    x = np.array([-np.inf, -30.0, 0.0, 30.0, np.inf])
    for mine, ref in [
        (fnn.gelu, jnn.gelu),
        (fnn.silu, jnn.silu),
        (fnn.elu, jnn.elu),
        (fnn.log_sigmoid, jnn.log_sigmoid),
    ]:
        np.testing.assert_allclose(mine(x), ref(x), rtol=1e-12)
    z = np.array([0.0, 1.0])
    for mine, ref in [(fnn.elu, jnn.elu), (fnn.leaky_relu, jnn.leaky_relu), (fnn.silu, jnn.silu)]:
        np.testing.assert_allclose(
            fungrad.grad(lambda v: fnp.sum(mine(v)))(z), jax.grad(lambda v: jnp.sum(ref(v)))(z), rtol=1e-12
        )
    assert fr.PRNGKey(0).dtype == np.uint32
