"""fungrad.debug.backward_view / side_by_side / to_dot and TracedIR.side_by_side."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import lax

HERE = "test_ir_views.py"


def _loss(w, x):
    h = fnp.tanh(x @ w)
    return fnp.sum(h**2)


def _jax_loss(w, x):
    return jnp.sum(jnp.tanh(x @ w) ** 2)


W, X = fnp.linspace(-1.0, 1.0, 6).reshape(3, 2), fnp.linspace(0.0, 2.0, 12).reshape(4, 3)
LINE = _loss.__code__.co_firstlineno


def test_backward_view_links_residuals_and_runs():
    view = fungrad.debug.backward_view(fungrad.make_ir(_loss)(W, X))
    assert [e.primitive.name for e in view.forward.eqns] == ["dot_general", "tanh", "integer_pow", "reduce_sum"]
    assert [e.primitive.name for e in view.backward.eqns] == [
        "broadcast_in_dim", "mul", "mul", "dot_general", "transpose", "dot_general"
    ]  # fmt: skip
    # each backward equation names the forward equation it came from: run backwards, last first
    assert view.links == [3, 2, 1, 0, 0, 0]
    assert all(view.transposed)
    assert [(r.aval.shape, r.nbytes, r.producer, r.forward_index) for r in view.residuals] == [
        ((3, 2), 48, "argument input 0", None),
        ((4, 3), 96, "argument input 1", None),
        ((4, 2), 64, "sub", 1),  # 1 - tanh^2, made by tanh's jvp
        ((4, 2), 64, "mul", 2),  # 2 h, made by integer_pow's jvp
    ]
    assert view.residual_bytes == 272
    assert str(view.residuals[2].source) == f"{HERE}:{LINE + 1} (_loss)"
    gw, gx = view.vjp([W, X], [1.0])
    want = jax.grad(_jax_loss, argnums=(0, 1))(W, X)
    np.testing.assert_allclose(gw, want[0], rtol=1e-12)
    np.testing.assert_allclose(gx, want[1], rtol=1e-12)


def test_side_by_side_text_is_pinned():
    text = fungrad.make_ir(_loss)(W, X).side_by_side(width=70)
    lines = text.splitlines()
    assert lines[0] == f"{'forward':<70} | backward"
    left = f"#0   c:f64[4,2] = dot_general b a  # {HERE}:{LINE + 1} (_loss)"
    assert lines[3] == f"{left:<70} | b3  T i:f64[2,3] = dot_general h b"
    assert lines[4] == " " * 70 + " | b4  T j:f64[3,2] = transpose i"
    assert lines[7].startswith("#2   e:f64[4,2] = integer_pow d  # ") and lines[7].endswith(
        "| b1  T g:f64[4,2] = mul f d"
    )
    assert "residuals: 4, 272 bytes" in text
    assert f"  r3  f64[4,2]           64 B  #2 mul  {HERE}:{LINE + 2} (_loss)" in text
    assert text == fungrad.debug.side_by_side(fungrad.make_ir(_loss)(W, X), width=70)


def test_under_jit_vmap_scan_and_custom_vjp():
    view = fungrad.debug.backward_view(fungrad.make_ir(fungrad.jit(_loss))(W, X))
    assert [e.primitive.name for e in view.backward.eqns] == ["jit"] and view.links == [0]
    np.testing.assert_allclose(view.vjp([W, X], [1.0])[0], jax.grad(_jax_loss)(W, X), rtol=1e-12)

    def batched(w, xs):
        return fnp.sum(fungrad.vmap(lambda x: fnp.sin(x @ w))(xs))

    view = fungrad.debug.backward_view(fungrad.make_ir(batched)(W, X))
    want = jax.grad(lambda w, xs: jnp.sum(jax.vmap(lambda x: jnp.sin(x @ w))(xs)))(W, X)
    np.testing.assert_allclose(view.vjp([W, X], [1.0])[0], want, rtol=1e-12)

    def scanned(h0, xs):
        return lax.scan(lambda h, x: (fnp.sin(h * x), None), h0, xs)[0]

    view = fungrad.debug.backward_view(fungrad.make_ir(scanned)(0.5, fnp.ones(3)))
    scan_index = [e.primitive.name for e in view.forward.eqns].index("scan")
    assert [e.primitive.name for e in view.backward.eqns if e.primitive.name == "scan"] == ["scan"]
    assert scan_index in view.links
    want = jax.grad(lambda h, xs: jax.lax.scan(lambda h, x: (jnp.sin(h * x), None), h, xs)[0])(0.5, jnp.ones(3))
    np.testing.assert_allclose(view.vjp([0.5, fnp.ones(3)], [1.0])[0], want, rtol=1e-12)

    @fungrad.custom_vjp
    def f(x):
        return fnp.sin(x)

    f.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda c, g: (3.0 * c * g,))
    view = fungrad.debug.backward_view(fungrad.make_ir(lambda x: fnp.sum(f(x)))(fnp.ones(2)))
    np.testing.assert_allclose(view.vjp([fnp.ones(2)], [1.0])[0], 3.0 * np.cos(np.ones(2)), rtol=1e-12)


def test_to_dot_of_forward_and_grad_ir():
    dot = fungrad.debug.to_dot(fungrad.make_ir(_loss)(W, X))
    assert dot.startswith("digraph fungrad_ir {") and dot.endswith("}")
    assert f'e1 [shape=box, label="1 tanh\\nf64[4,2]\\n{HERE}:{LINE + 1}"];' in dot
    assert "e0 -> e1" in dot and "transposed" not in dot
    dot = fungrad.debug.to_dot(fungrad.make_ir(fungrad.grad(_loss))(W, X))
    assert 'fillcolor="#cfe2ff"' in dot
    assert '-> e0 [style=dotted, color=blue, constraint=false, label="transposed"];' in dot
    view_dot = fungrad.debug.to_dot(fungrad.debug.backward_view(fungrad.make_ir(_loss)(W, X)))
    assert "subgraph cluster_forward" in view_dot and "subgraph cluster_backward" in view_dot
    assert "fe1 -> bin2 [style=dashed, color=gray40, label=residual];" in view_dot
    assert "be0 -> fe3 [style=dotted" in view_dot


def test_to_dot_render_or_clear_message(tmp_path, monkeypatch):
    path = str(tmp_path / "graph.svg")
    import fungrad._src.ir_views as ir_views

    monkeypatch.setattr(ir_views.shutil, "which", lambda name: None)
    with pytest.warns(UserWarning, match=r"fungrad.debug.to_dot: cannot render .*graph.svg: .* is not installed"):
        text = fungrad.debug.to_dot(fungrad.make_ir(_loss)(W, X), path)
    with open(path + ".dot") as f:
        assert f.read() == text
