"""Golden IR snapshots: the printed IR of a small corpus of programs, stored in tests/golden/*.txt.

A change to tracing, AD, batching or a primitive that changes the printed IR shows up here as a unified
diff. If the change is intended, regenerate the snapshots and review the diff in version control::

    FUNGRAD_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_ir.py

Inputs are float32 with explicit dtypes, so the text does not depend on ``jax_enable_x64``.
"""

import difflib
import os
import pathlib

import jax
import numpy as np
import pytest

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp

GOLDEN_DIR = pathlib.Path(__file__).parent / "golden"
UPDATE = os.environ.get("FUNGRAD_UPDATE_GOLDEN", "") not in ("", "0")


def f32(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def mlp_loss(params, x, y):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = fnp.tanh(h)
    return -fnp.mean(fnp.sum(fnn.log_softmax(h, axis=-1) * y, axis=-1))


def softmax_xent(logits, labels):
    return -fnp.sum(fnn.log_softmax(logits, axis=-1) * labels, axis=-1)


MLP_ARGS = (
    [(f32(4, 5, seed=1), f32(5, seed=2)), (f32(5, 3, seed=3), f32(3, seed=4))],
    f32(2, 4, seed=5),
    np.eye(3, dtype=np.float32)[[0, 2]],
)

LABELS = np.eye(3, dtype=np.float32)[[1, 0]]

PROGRAMS = {
    "elementwise": (lambda x, y: fnp.sin(x) * y + 2.0, (f32(3), f32(3, seed=1))),
    "mlp_grad": (fungrad.grad(mlp_loss), MLP_ARGS),
    "vmap_dot": (fungrad.vmap(lambda x, w: fnp.tanh(fnp.dot(w, x)), in_axes=(0, None)), (f32(4, 3), f32(2, 3))),
    "jvp_tanh_exp": (
        lambda x, t: fungrad.jvp(lambda z: fnp.tanh(z) * fnp.exp(z), (x,), (t,)),
        (f32(3), f32(3, seed=1)),
    ),
    "softmax_xent": (softmax_xent, (f32(2, 3), LABELS)),
    "softmax_xent_grad": (fungrad.grad(lambda z, y: fnp.sum(softmax_xent(z, y))), (f32(2, 3), LABELS)),
    "reduce_axes": (
        lambda x: (
            fnp.sum(x, axis=(0, 2)) + fnp.max(x, axis=2).sum(axis=0) + fnp.mean(x, axis=-1, keepdims=True)[0, :, 0]
        ),
        (f32(2, 3, 4),),
    ),
    "reduce_axes_grad": (fungrad.grad(lambda x: fnp.sum(fnp.max(x, axis=1) ** 2)), (f32(2, 3),)),
    "grad_grad_sin": (fungrad.grad(fungrad.grad(lambda x: fnp.sin(x) * x)), (np.float32(0.5),)),
    "vjp_broadcast": (
        lambda x, ct: fungrad.vjp(lambda z: z[:, None] * z[None, :], x)[1](ct),
        (f32(3), f32(3, 3, seed=2)),
    ),
}  # fmt: skip


def render(name: str) -> str:
    fun, args = PROGRAMS[name]
    return str(fungrad.make_ir(fun)(*args)) + "\n"


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_golden_ir(name):
    path = GOLDEN_DIR / f"{name}.txt"
    text = render(name)
    if UPDATE:
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(text)
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}; create it with FUNGRAD_UPDATE_GOLDEN=1 pytest tests/test_golden_ir.py")
    expected = path.read_text()
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"golden/{name}.txt",
                tofile=f"{name} (now)",
            )
        )
        pytest.fail(
            f"printed IR of {name!r} changed (regenerate with FUNGRAD_UPDATE_GOLDEN=1 if intended):\n{diff}",
            pytrace=False,
        )


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_golden_programs_evaluate_like_eager(name):
    fun, args = PROGRAMS[name]
    traced = fungrad.make_ir(fun)(*args)
    traced.typecheck()
    for got, want in zip(jax.tree_util.tree_leaves(traced(*args)), jax.tree_util.tree_leaves(fun(*args))):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6)


def test_failing_comparison_shows_a_unified_diff(tmp_path, monkeypatch):
    module = __import__(__name__)
    monkeypatch.setattr(module, "GOLDEN_DIR", tmp_path)
    monkeypatch.setattr(module, "UPDATE", False)
    (tmp_path / "elementwise.txt").write_text(render("elementwise").replace("sin", "cos"))
    with pytest.raises(pytest.fail.Exception) as info:
        test_golden_ir("elementwise")
    msg = str(info.value)
    assert "--- golden/elementwise.txt" in msg and "+++ elementwise (now)" in msg
    assert "-" in msg and "= cos a" in msg and "= sin a" in msg
