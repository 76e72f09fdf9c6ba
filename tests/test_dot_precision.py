"""``precision=`` on contractions reaches XLA as in JAX: the same precision attributes on every
dot_general of the compiled forward, backward and batched programs."""

from __future__ import annotations

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.lax as flax
import fungrad.numpy as fnp

A = np.linspace(-1.0, 1.0, 6, dtype=np.float32).reshape(2, 3)
B = np.linspace(0.5, 2.0, 12, dtype=np.float32).reshape(3, 4)


def _precisions(lowered) -> list[str]:
    return re.findall(r"precision = \[(\w+, \w+)\]", lowered.as_text())


CALLS = {
    "dot": lambda m, a, b, p: m.dot(a, b, precision=p),
    "matmul": lambda m, a, b, p: m.matmul(a, b, precision=p),
    "tensordot": lambda m, a, b, p: m.tensordot(a, b, axes=1, precision=p),
    "einsum": lambda m, a, b, p: m.einsum("ij,jk->ik", a, b, precision=p),
    "inner": lambda m, a, b, p: m.inner(a, b.T, precision=p),
    "vdot": lambda m, a, b, p: m.vdot(a, b[:, :2].T, precision=p),
}


@pytest.mark.parametrize("precision", ["highest", jax.lax.Precision.HIGH, ("highest", "default")], ids=str)
@pytest.mark.parametrize("name", list(CALLS))
def test_forward_and_backward_programs_carry_jax_precisions(name, precision):
    call = CALLS[name]

    def loss(m):
        return lambda a, b: m.sum(call(m, a, b, precision) ** 2)

    ours = fungrad.jit(fungrad.value_and_grad(loss(fnp), argnums=(0, 1))).lower(A, B)
    theirs = jax.jit(jax.value_and_grad(loss(jnp), argnums=(0, 1))).lower(A, B)
    assert _precisions(ours) and sorted(_precisions(ours)) == sorted(_precisions(theirs))
    got, want = fungrad.value_and_grad(loss(fnp), argnums=(0, 1))(A, B), jax.value_and_grad(loss(jnp), (0, 1))(A, B)
    for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
        np.testing.assert_allclose(g, w, rtol=1e-5)


def test_vmap_and_lax_dot_general_keep_the_precision():
    dims = (((1,), (0,)), ((), ()))
    f = fungrad.vmap(lambda a: flax.dot_general(a, B, dims, precision="highest"))
    lowered = fungrad.jit(f).lower(np.stack([A, A]))
    assert _precisions(lowered) == ["HIGHEST, HIGHEST"]
    np.testing.assert_allclose(f(np.stack([A, A]))[1], A @ B, rtol=1e-6)


def test_without_precision_the_ir_has_no_precision_parameter():
    assert "precision" not in str(fungrad.make_ir(lambda a, b: fnp.dot(a, b))(A, B))
    assert "precision=HIGHEST" in str(fungrad.make_ir(lambda a, b: fnp.dot(a, b, precision="highest"))(A, B))


def test_bad_precision_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="pair"):
        fnp.dot(A, B, precision=("highest", "high", "default"))
    with pytest.raises(ValueError):
        fnp.dot(A, B, precision="best")
