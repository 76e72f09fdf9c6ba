"""fungrad.random against jax.random: same bits for the same key, vmap over keys, no key derivatives."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
import fungrad.random as fr

KEY = jax.random.PRNGKey(3)


def same(a, b, ulp=False):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    if ulp:  # scaled uniform: XLA may fuse the scaling into an FMA in one program and not the other
        np.testing.assert_allclose(a, b, rtol=4 * np.finfo(a.dtype).eps, atol=8 * np.finfo(a.dtype).eps)
    else:
        np.testing.assert_array_equal(a, b)


def test_keys():
    same(fr.PRNGKey(7), jax.random.PRNGKey(7))
    same(fr.key(7), jax.random.PRNGKey(7))
    same(fr.split(KEY), jax.random.split(KEY))
    same(fr.split(KEY, 3), jax.random.split(KEY, 3))
    same(fr.fold_in(KEY, 5), jax.random.fold_in(KEY, 5))


LOGITS = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]))
SAMPLERS = [
    ("uniform", lambda k: fr.uniform(k, (3, 2)), lambda k: jax.random.uniform(k, (3, 2))),
    (
        "uniform-bounds",
        lambda k: fr.uniform(k, (4,), minval=-2.0, maxval=3.0),
        lambda k: jax.random.uniform(k, (4,), minval=-2.0, maxval=3.0),
    ),
    ("uniform-f32", lambda k: fr.uniform(k, (4,), jnp.float32), lambda k: jax.random.uniform(k, (4,), jnp.float32)),
    ("normal", lambda k: fr.normal(k, (5,)), lambda k: jax.random.normal(k, (5,))),
    (
        "truncated_normal",
        lambda k: fr.truncated_normal(k, -1.0, 2.0, (4,)),
        lambda k: jax.random.truncated_normal(k, -1.0, 2.0, (4,)),
    ),
    ("bernoulli", lambda k: fr.bernoulli(k, 0.3, (6,)), lambda k: jax.random.bernoulli(k, 0.3, (6,))),
    (
        "bernoulli-array-p",
        lambda k: fr.bernoulli(k, np.array([0.1, 0.9])),
        lambda k: jax.random.bernoulli(k, np.array([0.1, 0.9])),
    ),
    ("categorical", lambda k: fr.categorical(k, LOGITS), lambda k: jax.random.categorical(k, LOGITS)),
    (
        "categorical-axis0-shape",
        lambda k: fr.categorical(k, LOGITS, axis=0, shape=(4, 3)),
        lambda k: jax.random.categorical(k, LOGITS, axis=0, shape=(4, 3)),
    ),
    ("randint", lambda k: fr.randint(k, (5,), 0, 10), lambda k: jax.random.randint(k, (5,), 0, 10)),
    ("permutation-int", lambda k: fr.permutation(k, 6), lambda k: jax.random.permutation(k, 6)),
    (
        "permutation-array",
        lambda k: fr.permutation(k, np.arange(12.0).reshape(4, 3)),
        lambda k: jax.random.permutation(k, np.arange(12.0).reshape(4, 3)),
    ),
    (
        "permutation-axis1",
        lambda k: fr.permutation(k, np.arange(12.0).reshape(3, 4), axis=1),
        lambda k: jax.random.permutation(k, np.arange(12.0).reshape(3, 4), axis=1),
    ),
]


@pytest.mark.parametrize("name,f,ref", SAMPLERS, ids=[s[0] for s in SAMPLERS])
def test_same_bits_as_jax(name, f, ref):
    same(f(KEY), ref(KEY))


@pytest.mark.parametrize("name,f,ref", SAMPLERS[:9], ids=[s[0] for s in SAMPLERS[:9]])
def test_vmap_over_keys_equals_stacking(name, f, ref):
    keys = jax.random.split(KEY, 3)
    got = fungrad.vmap(f)(keys)
    same(got, np.stack([np.asarray(ref(k)) for k in keys]), ulp=name == "uniform-bounds")


def test_nested_vmap_and_split_inside():
    keys = jax.random.split(KEY, 6).reshape(2, 3, 2)
    f = lambda k: fr.normal(fr.split(k)[1], (2,))  # noqa: E731
    got = fungrad.vmap(fungrad.vmap(f))(keys)
    want = np.stack([np.stack([jax.random.normal(jax.random.split(k)[1], (2,)) for k in row]) for row in keys])
    same(got, want)


def test_vmap_over_p_with_shared_key():
    p = np.array([0.1, 0.5, 0.9])
    got = fungrad.vmap(lambda p: fr.bernoulli(KEY, p, (4,)))(p)
    same(got, jax.vmap(lambda p: jax.random.bernoulli(KEY, p, (4,)))(p))


def test_keys_are_not_differentiated_but_bounds_and_permuted_values_are():
    def f(x, key):
        return fnp.sum(fr.uniform(key, (3,), minval=x, maxval=2 * x) * fr.normal(key, (3,)))

    def f_jax(x, key):
        return jnp.sum(jax.random.uniform(key, (3,), minval=x, maxval=2 * x) * jax.random.normal(key, (3,)))

    np.testing.assert_allclose(fungrad.grad(f)(0.5, KEY), jax.grad(f_jax)(0.5, KEY), rtol=1e-12)
    _, t = fungrad.jvp(lambda k: fr.normal(k, (2,)), (KEY,), (np.zeros((2,), jax.dtypes.float0),))
    assert t.dtype == jax.dtypes.float0 or not np.any(np.asarray(t, dtype=float))
    x = np.arange(4.0)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    g = fungrad.grad(lambda x: fnp.sum(fr.permutation(KEY, x) * w))(x)
    np.testing.assert_allclose(g, jax.grad(lambda x: jnp.sum(jax.random.permutation(KEY, x) * w))(x))


def test_traced_seed_and_errors():
    got = fungrad.vmap(fr.PRNGKey)(np.arange(3))
    same(got, np.stack([jax.random.PRNGKey(i) for i in range(3)]))
    with pytest.raises(TypeError, match="raw uint32"):
        fr.normal(np.zeros(2, np.float32), (2,))
    with pytest.raises(TypeError, match="vmap"):
        fr.normal(jax.random.split(KEY, 2), (2,))
