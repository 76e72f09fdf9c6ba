"""conv_general_dilated, reduce_window and the nn conv/pool layers against jax.lax / flax-style refs (float64)."""

import jax
import jax.numpy as jnp
import numpy as np

import fungrad
import fungrad.lax as flax
import fungrad.nn as fnn
import fungrad.numpy as fnp
from tests.oracle_checks import check_all, check_vmap

RNG = np.random.default_rng(0)

# The main conv, reduce_window and layer cases are op records (tests/records/conv.py); here: the
# cases the records do not cover (3-d, SAME_LOWER, f32, window dilation, a CNN gradient under vmap).


def test_conv_3d_same_lower():
    kw = dict(window_strides=(1, 2, 1), padding="SAME_LOWER")
    lhs, rhs = RNG.normal(size=(1, 2, 4, 3, 3)), RNG.normal(size=(2, 2, 2, 2, 1))
    check_all(
        lambda x, w: flax.conv_general_dilated(x, w, **kw),
        lambda x, w: jax.lax.conv_general_dilated(x, w, **kw),
        (lhs, rhs),
        order=1,
    )


def test_conv_dimension_numbers_object_and_float32():
    x, w = RNG.normal(size=(1, 4, 4, 2)).astype(np.float32), RNG.normal(size=(3, 3, 2, 2)).astype(np.float32)
    dn = jax.lax.conv_dimension_numbers(x.shape, w.shape, ("NHWC", "HWIO", "NHWC"))
    got = flax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn)
    want = jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn)
    assert got.dtype == want.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_max_pool_with_window_dilation_beyond_jax():
    # JAX has no VJP for max pooling with window dilation; ours must agree with its own JVP.
    kw = dict(window_dimensions=(2,), window_strides=(1,), padding="VALID", window_dilation=(2,))
    x = RNG.normal(size=(6,))
    f = lambda x: flax.reduce_window(x, -np.inf, jax.lax.max, **kw)  # noqa: E731
    np.testing.assert_allclose(f(x), jax.lax.reduce_window(x, -np.inf, jax.lax.max, **kw))
    t, ct = RNG.normal(size=x.shape), RNG.normal(size=f(x).shape)
    _, jvp_out = fungrad.jvp(f, (x,), (t,))
    (vjp_out,) = fungrad.vjp(f, x)[1](ct)
    np.testing.assert_allclose(np.dot(jvp_out, ct), np.dot(vjp_out, t), rtol=1e-12)


def _ref_conv2d(x, w, stride, padding, data_format):
    dn = ("NHWC", "HWIO", "NHWC") if data_format == "NHWC" else ("NCHW", "OIHW", "NCHW")
    return jax.lax.conv_general_dilated(x, w, (stride, stride), padding, dimension_numbers=dn)


def test_cnn_grad_under_vmap_and_jit():
    x = RNG.normal(size=(3, 6, 6, 1))
    w = RNG.normal(size=(3, 3, 1, 2))

    def loss(fnn_mod, np_mod, conv, pool, w, x):
        h = np_mod.tanh(conv(x[None], w))
        return np_mod.sum(pool(h) ** 2)

    f_fg = lambda w, x: loss(fnn, fnp, lambda x, w: fnn.conv2d(x, w, padding="SAME"), fnn.max_pool2d, w, x)  # noqa: E731
    f_jax = lambda w, x: loss(  # noqa: E731
        None,
        jnp,
        lambda x, w: _ref_conv2d(x, w, 1, "SAME", "NHWC"),
        lambda h: jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"),
        w,
        x,
    )
    per_example = fungrad.vmap(fungrad.grad(f_fg), in_axes=(None, 0))(w, x)
    want = jax.vmap(jax.grad(f_jax), in_axes=(None, 0))(w, x)
    np.testing.assert_allclose(per_example, want, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(fungrad.jit(fungrad.grad(f_fg))(w, x[0]), jax.grad(f_jax)(w, x[0]), rtol=1e-10)
    check_vmap(lambda x: fnn.avg_pool2d(x, 2), (x,))
