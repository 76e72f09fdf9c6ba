"""fungrad.debug.grad_health and grad_norm_through_time: real gradient statistics, flags and reports."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
import fungrad.random as fr
from fungrad import nn
from fungrad.nn import initializers as init


def _mlp_params(make_w, depth=20, width=16, seed=0):
    keys = fr.split(fr.PRNGKey(seed), depth)
    return [{"w": make_w(k, (width, width)), "b": fnp.zeros(width)} for k in keys]


def _mlp_loss(act):
    def loss(params, x, y):
        h = x
        for p in params:
            h = act(h @ p["w"] + p["b"])
        return fnp.mean((h - y) ** 2)

    return loss


def _jax_mlp_loss(act):
    def loss(params, x, y):
        h = x
        for p in params:
            h = act(h @ p["w"] + p["b"])
        return jnp.mean((h - y) ** 2)

    return loss


X = fr.normal(fr.PRNGKey(1), (32, 16))
Y = fr.normal(fr.PRNGKey(2), (32, 16))


def test_deep_sigmoid_mlp_flags_vanishing_at_first_layers():
    params = _mlp_params(init.glorot_normal())
    report = fungrad.debug.grad_health(_mlp_loss(nn.sigmoid), params, X, Y)
    # the statistics are the real ones: norms of JAX's gradient
    want = jax.grad(_jax_mlp_loss(jax.nn.sigmoid))(params, X, Y)
    for leaf, (path, g) in zip(report.leaves, jax.tree_util.tree_flatten_with_path(want)[0]):
        assert leaf.path == jax.tree_util.keystr(path)
        np.testing.assert_allclose(leaf.grad_norm, float(jnp.linalg.norm(g)), rtol=1e-9)
    w0 = report["[0]['w']"]
    np.testing.assert_allclose(w0.param_norm, float(jnp.linalg.norm(params[0]["w"])), rtol=1e-12)
    np.testing.assert_allclose(w0.ratio, w0.grad_norm / w0.param_norm, rtol=1e-12)
    assert w0.shape == (16, 16) and w0.zero_fraction == 0.0 and w0.nonfinite_fraction == 0.0
    vanishing = report.flagged["vanishing"]
    assert "[0]['w']" in vanishing and "[1]['w']" in vanishing and "[19]['w']" not in vanishing
    assert report["[0]['w']"].grad_norm < 1e-9 * report["[19]['w']"].grad_norm
    text = report.table()
    assert "vanishing: [0]['b'], [0]['w'], [1]['b']" in text
    assert text.splitlines()[2].split()[0:2] == ["[0]['b']", "(16,)"]


def test_relu_he_init_does_not_vanish_and_works_under_jit():
    params = _mlp_params(init.he_normal())
    for loss in (_mlp_loss(nn.relu), fungrad.jit(_mlp_loss(nn.relu))):
        report = fungrad.debug.grad_health(loss, params, X, Y)
        assert report.flagged == {"vanishing": [], "exploding": [], "dead": []}
        assert report.healthy
        want = jax.grad(_jax_mlp_loss(jax.nn.relu))(params, X, Y)
        np.testing.assert_allclose(report["[0]['w']"].grad_norm, float(jnp.linalg.norm(want[0]["w"])), rtol=1e-9)


def test_thresholds_dead_and_exploding_and_nonfinite():
    params = {"dead": fnp.ones(4), "big": fnp.ones(2), "nan": fnp.array([0.0, 1.0])}

    def loss(p):
        dead = fnp.sum(fnp.maximum(p["dead"] - 5.0, 0.0))
        return dead + 1e4 * fnp.sum(p["big"]) + fnp.sum(fnp.sqrt(p["nan"]))

    report = fungrad.debug.grad_health(loss, params)
    assert report.flagged == {"vanishing": ["['dead']"], "exploding": ["['big']", "['nan']"], "dead": ["['dead']"]}
    assert report["['dead']"].zero_fraction == 1.0
    assert report["['nan']"].nonfinite_fraction == 0.5
    np.testing.assert_allclose(report["['big']"].grad_norm, 1e4 * np.sqrt(2), rtol=1e-12)
    relaxed = fungrad.debug.grad_health(loss, params, exploding=1e5, dead=1.01, vanishing=0.0)
    assert relaxed.flagged == {"vanishing": [], "exploding": ["['nan']"], "dead": []}
    with pytest.raises(KeyError, match="no parameter leaf"):
        report["x"]


def test_vmap_per_example_loss_and_has_aux():
    params = {"w": fnp.array([1.0, -2.0])}

    def loss(p, xs):
        per_example = fungrad.vmap(lambda x: fnp.sum(p["w"] * x) ** 2)(xs)
        return fnp.mean(per_example), per_example

    xs = fnp.array([[1.0, 2.0], [3.0, 4.0]])
    report = fungrad.debug.grad_health(loss, params, xs, has_aux=True)
    want = jax.grad(lambda p: jnp.mean(jax.vmap(lambda x: jnp.sum(p["w"] * x) ** 2)(xs)))(params)
    np.testing.assert_allclose(report["['w']"].grad_norm, float(jnp.linalg.norm(want["w"])), rtol=1e-12)
    np.testing.assert_allclose(report.loss, 17.0, rtol=1e-12)


def test_plot_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    report = fungrad.debug.grad_health(_mlp_loss(nn.sigmoid), _mlp_params(init.glorot_normal(), depth=4), X, Y)
    path = report.plot(str(tmp_path / "health.png"))
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_grad_norm_through_time_matches_jax_per_step():
    w = fnp.array([[0.5, -0.3], [0.2, 0.4]])

    def step(h, x):
        h = fnp.tanh(h @ w + x)
        return h, fnp.sum(h)

    xs = fr.normal(fr.PRNGKey(3), (6, 2))
    report = fungrad.debug.grad_norm_through_time(step, fnp.zeros(2), xs, lambda h, ys: fnp.sum(h**2) + ys[-1])

    def jax_loss(eps):
        def body(h, inputs):
            x, e = inputs
            h = jnp.tanh(h @ w + x) + e
            return h, jnp.sum(h - e)

        h, ys = jax.lax.scan(body, jnp.zeros(2), (xs, eps))
        return jnp.sum(h**2) + ys[-1]

    want = jnp.linalg.norm(jax.grad(jax_loss)(jnp.zeros((6, 2))), axis=1)
    np.testing.assert_allclose(report.norms, want, rtol=1e-9)
    assert report.norms[0] < report.norms[-1]
    assert report.table().splitlines()[1].startswith("  t=0")


def test_grad_norm_through_time_pytree_carry_with_cond_inside():
    def step(carry, x):
        h, c = carry
        h = fungrad.lax.cond(x > 0, lambda h: 0.5 * h + x, lambda h: 0.25 * h, h)
        return (h, c + h), h

    report = fungrad.debug.grad_norm_through_time(
        step, (fnp.zeros(()), fnp.zeros(())), fnp.array([1.0, -1.0, 1.0]), lambda carry, ys: carry[0]
    )
    # dL/dh_2 = 1 (h_2 is the output); dL/dh_1 = 0.5 (step 2 takes the x > 0 branch); dL/dh_0 = 0.25 * 0.5
    np.testing.assert_allclose(report.norms, [0.125, 0.5, 1.0], rtol=1e-12)


def test_custom_rule_in_the_loss_is_used():
    @fungrad.custom_jvp
    def clipped_identity(x):
        return x

    # a straight-through rule that scales the gradient by 1e-6: grad_health must see the rule's gradient
    clipped_identity.defjvp(lambda p, t: (clipped_identity(p[0]), 1e-6 * t[0]))

    def loss(params, x):
        return fnp.sum(clipped_identity(x @ params["a"])) + fnp.sum(x @ params["b"])

    params = {"a": fnp.ones((2, 2)), "b": fnp.ones((2, 2))}
    report = fungrad.debug.grad_health(loss, params, fnp.array([[1.0, 2.0]]))
    assert report.flagged == {"vanishing": ["['a']"], "exploding": [], "dead": []}
    np.testing.assert_allclose(report["['a']"].grad_norm, 1e-6 * report["['b']"].grad_norm, rtol=1e-12)
    np.testing.assert_allclose(report["['b']"].grad_norm, np.sqrt(2 * (1.0 + 4.0)), rtol=1e-12)
