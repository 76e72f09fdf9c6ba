"""Blame in fungrad.testing: check_against_jax names the equation (program blame) or the derivative rule
(rule blame) behind a disagreement; check_grads names a wrong custom_jvp/custom_vjp rule and argument."""

import re

import jax
import jax.numpy as jnp
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import lax
from fungrad._src import ad
from fungrad._src.primitives import elementwise as ew
from fungrad.testing import check_against_jax, check_grads

HERE = "test_blame.py"
X = jnp.linspace(0.1, 1.0, 4)


def _at(fn, offset):
    return f"{HERE}:{fn.__code__.co_firstlineno + offset} ({fn.__name__})"


def _fails(*args, **kwargs):
    fn = kwargs.pop("check", check_against_jax)
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def ported(x):
    h = fnp.tanh(x) * 2.0
    y = fnp.sin(h)
    return fnp.sum(y * x)


def reference(x):
    h = jnp.tanh(x) * 2.0
    y = jnp.cos(h)
    return jnp.sum(y * x)


def test_program_blame_names_the_sin_where_jax_has_cos():
    text = _fails(ported, reference, (X,))
    first, blame = text.split("\n")
    assert first.startswith("check_against_jax: value disagrees at output")
    assert blame == (
        f"program blame: `sin` (f64[4]) -> (f64[4]) at {_at(ported, 2)} is the first fungrad equation whose value "
        "matches no intermediate of JAX's program, while its inputs do; on the same input(s) JAX applies `cos`"
    )


def test_program_blame_under_jit_and_vmap():
    assert f"`sin` (f64[4]) -> (f64[4]) at {_at(ported, 2)}" in _fails(fungrad.jit(ported), reference, (X,))

    def batched(xs):
        return fungrad.vmap(lambda r: fnp.sum(fnp.exp(r) * 3.0))(xs)

    text = _fails(batched, lambda xs: jax.vmap(lambda r: jnp.sum(jnp.exp(r) * 2.0))(xs), (X.reshape(2, 2),))
    line = batched.__code__.co_firstlineno + 1
    assert f"program blame: `mul` (f64[2,2], f64[]) -> (f64[2,2]) at {HERE}:{line} (<lambda>)" in text


def test_program_blame_inside_scan_names_the_body_equation():
    def f(xs):
        return lax.scan(lambda c, x: (c + fnp.sin(x), None), 0.0, xs)[0]

    text = _fails(f, lambda xs: jax.lax.scan(lambda c, x: (c + jnp.cos(x), None), 0.0, xs)[0], (X,))
    line = f.__code__.co_firstlineno + 1
    assert (
        f"program blame: `sin` (f64[]) -> (f64[]) at {HERE}:{line} (<lambda>) (step 0 of the `scan` at {_at(f, 1)}) "
        "is the first fungrad equation whose value matches no intermediate of JAX's program, while its inputs do; "
        "on the same input(s) JAX applies `cos`"
    ) in text


def _bad_sin_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return ew.sin(x), ew.mul(ew.mul(ew.cos(x), t), 2.0)  # wrong: d sin = cos, not 2 cos


def test_rule_blame_names_the_wrong_jvp_rule(monkeypatch):
    monkeypatch.setitem(ad.jvp_rules, ew.sin_p, _bad_sin_jvp)

    def f(x):
        return fnp.sum(fnp.exp(x) * fnp.sin(x))

    text = _fails(f, lambda x: jnp.sum(jnp.exp(x) * jnp.sin(x)), (X,))
    first, blame = text.split("\n")
    assert first.startswith("check_against_jax: grad disagrees at args[0]")
    assert re.fullmatch(
        re.escape(f"rule blame: the jvp rule of `sin` (f64[4]) -> (f64[4]) at {_at(f, 1)} disagrees with JAX's ")
        + r"derivative of the same jax.lax operation on the same inputs \(output 0: max abs err [0-9.e-]+\)",
        blame,
    )


@fungrad.custom_jvp
def my_sin(x):
    return fnp.sin(x)


my_sin.defjvp(lambda p, t: (my_sin(p[0]), fnp.cos(p[0]) * t[0] * 1.5))  # wrong by a factor 1.5


def test_rule_blame_names_a_wrong_custom_rule_against_jax():
    def f(x):
        return fnp.sum(my_sin(x) * x)

    text = _fails(f, lambda x: jnp.sum(jnp.sin(x) * x), (X,))
    assert (
        "rule blame: the jvp rule (the user's custom rule of `my_sin`) of `custom_jvp_call` (f64[4]) -> (f64[4]) "
        f"at {_at(f, 1)} disagrees with JAX's derivative" in text
    )


def test_check_grads_names_the_custom_jvp_rule_eager_jit_vmap():
    def f(x):
        return fnp.sum(my_sin(x) * x)

    for fn, where in ((f, _at(f, 1)), (fungrad.jit(f), _at(f, 1))):
        text = _fails(fn, (X,), check=check_grads)
        assert text.startswith("check_grads: forward (jvp) mode, order 1")
        assert re.search(
            re.escape(f"custom rule blame: the custom_jvp rule of `my_sin` (called at {where}) disagrees with central ")
            + r"finite differences of `my_sin` itself for its argument 0: jvp tangent of output 0, max abs err "
            + r"[0-9.e-]+ \(eps=0.0001\)$",
            text,
        )

    def g(x):
        return fnp.sum(fungrad.vmap(my_sin)(x))

    assert "custom rule blame: the custom_jvp rule of `my_sin`" in _fails(g, (X,), check=check_grads)


def test_check_grads_names_the_custom_vjp_rule_and_argument():
    @fungrad.custom_vjp
    def product(x, y):
        return x * y

    product.defvjp(lambda x, y: (x * y, (x, y)), lambda r, g: (g * r[1], g * r[1]))  # y's should be g * x

    def f(a, b):
        return fnp.sum(product(a, b))

    text = _fails(f, (X, X + 1.0), check=check_grads, order=1, modes=("rev",))
    assert text.startswith("check_grads: reverse (vjp) mode, order 1")
    assert "argument(s) responsible: args[1]" in text
    assert f"custom rule blame: the custom_vjp rule of `product` (called at {_at(f, 1)})" in text
    assert "itself for its argument 1: <bwd(ct), t> vs <ct, J t>" in text


def test_correct_programs_pass_and_blame_never_hides_the_failure(monkeypatch):
    check_against_jax(ported, lambda x: jnp.sum(jnp.sin(jnp.tanh(x) * 2.0) * x), (X,))
    from fungrad._src import blame

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(blame, "program_blame", broken)
    text = _fails(ported, reference, (X,))
    assert text.splitlines()[1] == "blame: not available (RuntimeError: boom)"
    text = _fails(lambda x: fnp.sum(x**3), lambda x: jnp.sum(x**2), (jnp.ones(3),))
    assert text.splitlines()[1].startswith("blame: not available") or "differ as functions" in text


def test_program_blame_missing_step_and_infinite_intermediates():
    # fungrad stops where JAX goes on: no fungrad equation is wrong, a step is missing
    text = _fails(lambda a: fnp.sin(a), lambda a: jnp.sin(a) + 1e-3 * a, (X,))
    assert text.splitlines()[1] == (
        "program blame: fungrad's output 0 equals an intermediate of JAX's program that JAX goes on to use in "
        "`add`: the fungrad program lacks a step that JAX's has"
    )

    # JAX's logsumexp holds a -inf intermediate: it must not match every value (an infinite tolerance)
    def f(a):
        return fungrad.nn.logsumexp(a) * 2.0

    text = _fails(f, lambda a: jax.nn.logsumexp(a) * 3.0, (X,))
    assert text.splitlines()[1].startswith(f"program blame: `mul` (f64[], f64[]) -> (f64[]) at {_at(f, 1)}")
