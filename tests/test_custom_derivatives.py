"""custom_jvp and custom_vjp against jax.custom_jvp / jax.custom_vjp at float64: values, grad, jvp,
vjp, vmap, jit, nesting, nondiff arguments, pytrees, zero cotangents, and fungrad's extension (forward
mode through custom_vjp by transposing bwd), with the classic cases users write these for."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import lax

RNG = np.random.default_rng(0)
XS = np.array([-2.0, 0.3, 1.5, 40.0])


def close(a, b, tol=1e-10):
    la, lb = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


# ---- custom_jvp: the numerically safe softplus -------------------------------------------------------


def make_log1pexp(np_, custom_jvp):
    @custom_jvp
    def log1pexp(x):
        return np_.log1p(np_.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return log1pexp(x), t * (1.0 - 1.0 / (1.0 + np_.exp(x)))

    return log1pexp


F_SP, J_SP = make_log1pexp(fnp, fungrad.custom_jvp), make_log1pexp(jnp, jax.custom_jvp)


def test_custom_jvp_is_used_in_every_mode():
    for x in (0.3, 100.0):
        close(fungrad.grad(F_SP)(x), jax.grad(J_SP)(x))
        close(fungrad.jvp(F_SP, (x,), (2.0,)), jax.jvp(J_SP, (x,), (2.0,)))
        close(fungrad.grad(fungrad.grad(F_SP))(x), jax.grad(jax.grad(J_SP))(x))
        close(fungrad.jit(fungrad.grad(F_SP))(x), jax.grad(J_SP)(x))
    assert float(fungrad.grad(F_SP)(100.0)) == 1.0  # the rule, not the naive (nan) derivative
    close(fungrad.vmap(fungrad.grad(F_SP))(XS), jax.vmap(jax.grad(J_SP))(XS))
    close(
        fungrad.grad(lambda x: fnp.sum(fungrad.vmap(F_SP)(x)))(XS), jax.grad(lambda x: jnp.sum(jax.vmap(J_SP)(x)))(XS)
    )
    close(fungrad.jvp(fungrad.vmap(F_SP), (XS,), (XS,)), jax.jvp(jax.vmap(J_SP), (XS,), (XS,)))
    close(fungrad.hessian(lambda x: fnp.sum(F_SP(x)))(XS), jax.hessian(lambda x: jnp.sum(J_SP(x)))(XS))


def test_custom_jvp_rule_is_batched_not_called_per_example():
    calls = []

    @fungrad.custom_jvp
    def f(x):
        return fnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        calls.append(primals[0].shape)
        return f(primals[0]), 2.0 * tangents[0]

    out = fungrad.vmap(fungrad.grad(f))(XS)
    close(out, 2.0 * np.ones(4))
    assert len(calls) == 1


def test_custom_jvp_with_python_control_flow_in_the_rule_and_nondiff_args():
    def make(np_, custom_jvp):
        @custom_jvp
        def scaled(mode, x):
            return np_.sin(x) if mode == "sin" else np_.cos(x)

        scaled = custom_jvp(scaled.fun if hasattr(scaled, "fun") else scaled.__wrapped__, nondiff_argnums=(0,))

        @scaled.defjvp
        def scaled_jvp(mode, primals, tangents):
            (x,), (t,) = primals, tangents
            if mode == "sin":  # Python control flow on a static value, inside the rule
                return scaled(mode, x), np_.cos(x) * t
            return scaled(mode, x), -np_.sin(x) * t

        return scaled

    f, j = make(fnp, fungrad.custom_jvp), make(jnp, jax.custom_jvp)
    for mode in ("sin", "cos"):
        close(fungrad.grad(lambda x: f(mode, x))(0.4), jax.grad(lambda x: j(mode, x))(0.4))
        close(fungrad.jit(fungrad.grad(lambda x: f(mode, x)))(0.4), jax.grad(lambda x: j(mode, x))(0.4))


def test_custom_jvp_defjvps_and_pytrees():
    def make(np_, custom_jvp):
        @custom_jvp
        def f(x, y):
            return {"p": x * y, "s": np_.sin(x)}

        f.defjvps(
            lambda t, out, x, y: {"p": t * y, "s": np_.cos(x) * t},
            lambda t, out, x, y: {"p": x * t, "s": np_.zeros_like(t)},
        )
        return f

    f, j = make(fnp, fungrad.custom_jvp), make(jnp, jax.custom_jvp)
    close(fungrad.jvp(f, (0.5, 2.0), (1.0, 3.0)), jax.jvp(j, (0.5, 2.0), (1.0, 3.0)))
    loss_f = lambda x, y: f(x, y)["p"] + f(x, y)["s"]
    loss_j = lambda x, y: j(x, y)["p"] + j(x, y)["s"]
    close(fungrad.grad(loss_f, (0, 1))(0.5, 2.0), jax.grad(loss_j, (0, 1))(0.5, 2.0))


def test_symbolic_zeros_reach_the_rule():
    seen = []

    @fungrad.custom_jvp
    def f(x, y):
        return x * y

    def f_jvp(primals, tangents):
        seen.append(tuple(isinstance(t, fungrad.SymbolicZero) for t in tangents))
        (x, y), (tx, ty) = primals, tangents
        out = 0.0
        if not isinstance(tx, fungrad.SymbolicZero):
            out = out + tx * y
        if not isinstance(ty, fungrad.SymbolicZero):
            out = out + x * ty
        return f(x, y), out

    f.defjvp(f_jvp, symbolic_zeros=True)
    assert float(fungrad.grad(f)(2.0, 3.0)) == 3.0
    assert seen[-1] == (False, True)


def test_safe_normalization_at_zero():
    def make(np_, custom_jvp):
        @custom_jvp
        def normalize(x):
            return x / np_.sqrt(np_.sum(x * x))

        @normalize.defjvp
        def normalize_jvp(primals, tangents):
            (x,), (t,) = primals, tangents
            n = np_.sqrt(np_.sum(x * x))
            safe = np_.where(n > 0, n, 1.0)
            y = np_.where(n > 0, x / safe, np_.zeros_like(x))
            return y, np_.where(n > 0, (t - y * np_.sum(y * t)) / safe, t)

        return normalize

    f, j = make(fnp, fungrad.custom_jvp), make(jnp, jax.custom_jvp)
    zero, v = np.zeros(3), np.array([3.0, 4.0, 0.0])
    close(fungrad.jacrev(f)(zero), np.eye(3))  # finite at 0, no nan
    close(fungrad.jacrev(f)(v), jax.jacrev(j)(v))
    close(fungrad.jacfwd(f)(v), jax.jacfwd(j)(v))


def test_closed_over_values():
    # A closed-over value the enclosing jit stages (not differentiated) is fine in the function and rule.
    def outer(y):
        @fungrad.custom_jvp
        def f(x):
            return fnp.sin(x) * y

        f.defjvp(lambda p, t: (f(p[0]), fnp.cos(p[0]) * y * t[0]))
        return fungrad.grad(f)(0.5)

    close(fungrad.jit(outer)(2.0), 2.0 * np.cos(0.5))
    # A closed-over value being differentiated: the rule cannot say how; a clear error, as in JAX.
    with pytest.raises(fungrad.FungradTypeError, match=r"\[custom_jvp\] the rule of `f` uses a value .* closed-over"):
        fungrad.grad(lambda y: fungrad.grad(lambda x: _closing_over(y)(x))(0.5))(2.0)


def _closing_over(y):
    @fungrad.custom_jvp
    def f(x):
        return fnp.sin(x) * y

    f.defjvp(lambda p, t: (f(p[0]), fnp.cos(p[0]) * y * t[0]))
    return f


def test_custom_jvp_errors():
    @fungrad.custom_jvp
    def f(x):
        return x

    with pytest.raises(AttributeError, match="No JVP defined"):
        fungrad.grad(f)(1.0)
    f.defjvp(lambda p, t: (p[0], (t[0], t[0])))
    with pytest.raises(fungrad.FungradTypeError, match=r"\[custom_jvp\] the jvp rule of `f` returned a tangent output"):
        fungrad.jvp(f, (1.0,), (1.0,))


# ---- custom_vjp ----------------------------------------------------------------------------------


def make_sin_times(np_, custom_vjp):
    @custom_vjp
    def f(x, y):
        return np_.sin(x) * y

    def f_fwd(x, y):
        return f(x, y), {"cos": np_.cos(x), "sin": np_.sin(x), "y": y}  # a pytree of residuals

    def f_bwd(res, g):
        return (res["cos"] * g * res["y"], res["sin"] * g)

    f.defvjp(f_fwd, f_bwd)
    return f


F_ST, J_ST = make_sin_times(fnp, fungrad.custom_vjp), make_sin_times(jnp, jax.custom_vjp)
PLAIN = lambda x, y: jnp.sin(x) * y  # noqa: E731  (the undecorated function: the forward-mode oracle)


def test_custom_vjp_reverse_mode_matches_jax():
    close(fungrad.grad(F_ST, (0, 1))(0.3, 2.0), jax.grad(J_ST, (0, 1))(0.3, 2.0))
    close(fungrad.jit(fungrad.grad(F_ST, (0, 1)))(0.3, 2.0), jax.grad(J_ST, (0, 1))(0.3, 2.0))
    close(fungrad.vmap(fungrad.grad(F_ST, (0, 1)))(XS, XS), jax.vmap(jax.grad(J_ST, (0, 1)))(XS, XS))
    close(
        fungrad.grad(lambda x, y: fnp.sum(fungrad.vmap(F_ST, (0, None))(x, y)), (0, 1))(XS, 2.0),
        jax.grad(lambda x, y: jnp.sum(jax.vmap(J_ST, (0, None))(x, y)), (0, 1))(XS, 2.0),
    )
    y, f_vjp = fungrad.vjp(F_ST, 0.3, 2.0)
    yj, j_vjp = jax.vjp(J_ST, 0.3, 2.0)
    close((y, f_vjp(1.5)), (yj, j_vjp(1.5)))


def test_forward_mode_through_custom_vjp_transposes_bwd():
    # JAX refuses jvp of a custom_vjp function; fungrad transposes bwd (linear in its cotangent).
    args, tangents = (0.3, 2.0), (1.0, 0.5)
    close(fungrad.jvp(F_ST, args, tangents), jax.jvp(PLAIN, args, tangents))
    close(fungrad.jacfwd(F_ST, (0, 1))(*args), jax.jacfwd(PLAIN, (0, 1))(*args))
    close(fungrad.hessian(F_ST, (0, 1))(*args), jax.hessian(PLAIN, (0, 1))(*args))
    close(fungrad.jit(fungrad.hessian(F_ST))(*args), jax.hessian(PLAIN)(*args))
    close(
        fungrad.vmap(lambda x: fungrad.jvp(F_ST, (x, 2.0), (1.0, 0.0))[1])(XS),
        jax.vmap(jax.grad(PLAIN), (0, None))(XS, 2.0),
    )


def test_hessian_of_custom_vjp_matches_finite_differences():
    def loss(v):
        return fnp.sum(F_ST(v, v[::-1]) ** 2)

    v = np.array([0.3, -0.7, 1.1])
    h = np.asarray(fungrad.hessian(loss)(v))
    eps = 1e-5
    g = lambda v: np.asarray(fungrad.grad(loss)(v))
    fd = np.stack([(g(v + eps * e) - g(v - eps * e)) / (2 * eps) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-7)


def test_gradient_clipping_and_a_non_linear_bwd_in_forward_mode():
    @fungrad.custom_vjp
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (fnp.clip(g, -1.0, 1.0),))
    close(fungrad.grad(lambda x: 5.0 * clip_gradient(x))(2.0), 1.0)
    close(fungrad.vmap(fungrad.grad(lambda x: 5.0 * clip_gradient(x) * x))(XS), np.clip(5.0 * XS, -1, 1) + 5.0 * XS)
    with pytest.raises(
        fungrad.FungradTypeError,
        match=r"forward mode through the custom_vjp function `clip_gradient` transposes its bwd rule.*"
        r"not linear.*custom_jvp",
    ):
        fungrad.jvp(clip_gradient, (2.0,), (1.0,))


def test_bwd_returning_none_means_zero_and_nondiff_args():
    def make(np_, custom_vjp):
        @custom_vjp
        def f(scale, x, y):
            return scale * x * y

        f = custom_vjp(f.__wrapped__, nondiff_argnums=(0,))
        f.defvjp(lambda scale, x, y: (f(scale, x, y), y), lambda scale, y, g: (scale * g * y, None))
        return f

    f, j = make(fnp, fungrad.custom_vjp), make(jnp, jax.custom_vjp)
    close(
        fungrad.grad(lambda x, y: f(3.0, x, y), (0, 1))(2.0, 5.0), jax.grad(lambda x, y: j(3.0, x, y), (0, 1))(2.0, 5.0)
    )


def test_implicit_differentiation_of_a_fixed_point_solver():
    # z = tanh(a z + b) solved by iteration; dz/d(a, b) by the implicit function theorem in bwd.
    def solve(a, b):
        return lax.fori_loop(0, 100, lambda i, z: fnp.tanh(a * z + b), 0.0)

    @fungrad.custom_vjp
    def fixed_point(a, b):
        return solve(a, b)

    def fwd(a, b):
        z = solve(a, b)
        return z, (a, b, z)

    def bwd(res, g):
        a, b, z = res
        d = 1.0 - fnp.tanh(a * z + b) ** 2  # d tanh at the fixed point
        w = g / (1.0 - a * d)  # (I - df/dz)^-T g
        return (w * d * z, w * d)

    fixed_point.defvjp(fwd, bwd)
    ga, gb = fungrad.grad(fixed_point, (0, 1))(0.5, 0.2)
    ja, jb = jax.grad(lambda a, b: jax.lax.fori_loop(0, 100, lambda i, z: jnp.tanh(a * z + b), 0.0), (0, 1))(0.5, 0.2)
    close((ga, gb), (ja, jb), tol=1e-9)
    close(fungrad.jvp(fixed_point, (0.5, 0.2), (1.0, 0.0))[1], ja, tol=1e-9)  # forward mode via bwd


def test_custom_rules_inside_scan_and_cond_bodies_and_nested_grad():
    def f(x):
        def step(c, x_t):
            return c + F_SP(x_t * c) + F_ST(x_t, c), c

        return lax.scan(step, 0.5, x)[0]

    def j(x):
        def step(c, x_t):
            return c + J_SP(x_t * c) + J_ST(x_t, c), c

        return jax.lax.scan(step, 0.5, x)[0]

    x = np.array([0.1, -0.2, 0.3])
    close(fungrad.grad(f)(x), jax.grad(j)(x))
    close(fungrad.jit(fungrad.grad(f))(x), jax.grad(j)(x))
    c = lambda x: lax.cond(x > 0, F_SP, lambda x: F_ST(x, x), x)
    cj = lambda x: jax.lax.cond(x > 0, J_SP, lambda x: J_ST(x, x), x)
    for x0 in (0.4, -0.4):
        close(fungrad.grad(c)(x0), jax.grad(cj)(x0))
    close(fungrad.grad(fungrad.grad(lambda x: F_SP(x) * x))(0.7), jax.grad(jax.grad(lambda x: J_SP(x) * x))(0.7))
