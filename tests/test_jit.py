"""fungrad.jit: tracing and caching, compositions vs JAX (float64), AOT, errors, training-step interop."""

import itertools
import logging

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad._src import ir as ir_mod

RTOL, ATOL = 1e-10, 1e-12
X = np.array([0.3, -0.7, 1.1])
W = np.array([[0.5, -1.0, 0.2], [0.3, 0.8, -0.4], [1.2, 0.1, 0.6]])


def assert_close(a, b):
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=RTOL, atol=ATOL)


def counting(fn):
    """``fn`` with a counter of how many times Python runs it (i.e. traces)."""

    def wrapped(*args, **kwargs):
        wrapped.count += 1
        return fn(*args, **kwargs)

    wrapped.count = 0
    return wrapped


def f_np(np_):
    return lambda x: np_.sum(np_.sin(x) * np_.tanh(x) ** 2)


f, jf = f_np(fnp), f_np(jnp)


# ---- basics and caching ------------------------------------------------------------------------


def test_values_pytrees_and_result_type():
    @fungrad.jit
    def g(p, x, *, scale):
        return {"y": fnp.tanh(x @ p["w"]) * scale, "n": fnp.sum(x)}

    out = g({"w": W}, X, scale=2.0)
    assert isinstance(out["y"], jax.Array) and isinstance(out["n"], jax.Array)
    assert out["y"].devices() == {jax.devices()[0]}
    assert_close(out, {"y": jnp.tanh(X @ W) * 2.0, "n": jnp.sum(X)})


def test_traces_once_per_signature():
    body = counting(lambda x, y: fnp.sin(x) * y)
    g = fungrad.jit(body)
    g(X, 2.0)
    g(X + 1, 3.0)
    assert body.count == 1 and g.trace_count == 1
    g(np.ones(4), 2.0)  # new shape
    assert body.count == 2
    g(X.astype(np.float32), 2.0)  # new dtype
    assert body.count == 3
    g(X, np.float64(2.0))  # strong instead of weak type
    assert body.count == 4
    g(X, 5.0), g(np.ones(4), 7.0)
    assert body.count == 4


def test_static_args_key_the_cache():
    body = counting(lambda x, n, *, mode="sin": (fnp.sin(x) if mode == "sin" else fnp.cos(x)) * n)
    g = fungrad.jit(body, static_argnums=1, static_argnames="mode")
    assert_close(g(X, 2), jnp.sin(X) * 2)
    g(X, 2)
    assert body.count == 1
    assert_close(g(X, 3), jnp.sin(X) * 3)
    assert body.count == 2
    assert_close(g(X, 3, mode="cos"), jnp.cos(X) * 3)
    assert body.count == 3
    g(X, n=3, mode="cos")  # static argument given by name: same value, but passed differently
    assert_close(g(X, n=3, mode="cos"), jnp.cos(X) * 3)


def test_ir_shared_between_eval_and_transformations():
    body = counting(f)
    g = fungrad.jit(body)
    fungrad.grad(g)(X)
    g(X)  # jax.jit traces its body, which finds the IR traced under grad
    fungrad.vmap(g)(np.stack([X, X]))
    assert body.count == 1  # vmap sees per-example avals: the same f64[3] signature


def test_methods_no_arguments_and_donation():
    class Model:
        scale = 3.0

        @fungrad.jit
        def apply(self, x):
            return x * self.scale

    with pytest.raises(fungrad.FungradTypeError, match="argument `self` of `apply` has type Model"):
        Model().apply(X)  # self is not an array: it must be static
    Model.apply = fungrad.jit(Model.apply.__wrapped__, static_argnums=0)
    Model.__hash__ = object.__hash__
    assert_close(Model().apply(X), X * 3.0)
    assert_close(fungrad.jit(lambda: fnp.ones(2))(), np.ones(2))
    x = jnp.asarray(X)
    assert_close(fungrad.jit(lambda x, y: x * 2 + y, donate_argnums=0)(x, 1.0), X * 2 + 1)
    assert x.is_deleted()


def test_ir_is_dce_d_and_printed_nested():
    def g(x):
        fnp.cos(x)  # dead
        return fnp.sin(x)

    text = str(fungrad.make_ir(lambda x: fungrad.jit(g)(x) * 2.0)(1.0))
    assert "cos" not in text
    assert text.startswith("{ lambda a:f64[]. let\n    b:f64[] = jit[ir=\n        { lambda a:f64[]. let")
    assert "name=g" in text


# ---- compositions vs JAX -------------------------------------------------------------------------


def test_grad_of_jit_and_jit_of_grad():
    assert_close(fungrad.grad(fungrad.jit(f))(X), jax.grad(jf)(X))
    assert_close(fungrad.jit(fungrad.grad(f))(X), jax.grad(jf)(X))
    assert_close(fungrad.jit(fungrad.grad(fungrad.jit(f)))(X), jax.grad(jf)(X))


def test_second_order_and_hvp():
    gg = fungrad.grad(lambda x: fnp.sum(fungrad.grad(fungrad.jit(f))(x) ** 2))
    assert_close(gg(X), jax.grad(lambda x: jnp.sum(jax.grad(jf)(x) ** 2))(X))
    hvp = fungrad.jvp(fungrad.grad(fungrad.jit(f)), (X,), (W[0],))[1]
    assert_close(hvp, jax.jvp(jax.grad(jf), (X,), (W[0],))[1])


def test_vmap_and_jit():
    xs = np.stack([X, 2 * X, -X])
    assert_close(fungrad.vmap(fungrad.jit(f))(xs), jax.vmap(jf)(xs))
    assert_close(fungrad.jit(fungrad.vmap(f))(xs), jax.vmap(jf)(xs))
    assert_close(fungrad.vmap(fungrad.grad(fungrad.jit(f)))(xs), jax.vmap(jax.grad(jf))(xs))
    g = fungrad.jit(lambda x, y: fnp.sin(x) * y)
    assert_close(fungrad.vmap(g, in_axes=(1, None))(W, X[0]), jax.vmap(lambda x: jnp.sin(x) * X[0], 1)(W))


def test_jit_within_jit_inlines():
    inner = fungrad.jit(lambda x: fnp.tanh(x @ W))
    outer = fungrad.jit(lambda x: fnp.sum(inner(x) * inner(2 * x)))
    ref = lambda x: jnp.sum(jnp.tanh(x @ W) * jnp.tanh(2 * x @ W))
    assert_close(outer(X), ref(X))
    assert_close(fungrad.grad(outer)(X), jax.grad(ref)(X))
    text = outer.lower(X).as_text()
    assert text.count("func.func") == 1  # the inner calls are inlined into one XLA function


def test_closing_over_outer_tracers():
    def g(w):
        return fungrad.jit(lambda x: fnp.sum(fnp.sin(x * w)))(X)

    jg = lambda w: jnp.sum(jnp.sin(X * w))
    assert_close(fungrad.grad(g)(0.7), jax.grad(jg)(0.7))
    assert_close(fungrad.grad(fungrad.grad(g))(0.7), jax.grad(jax.grad(jg))(0.7))
    assert_close(fungrad.vmap(g)(np.array([0.1, 0.7])), jax.vmap(jg)(np.array([0.1, 0.7])))
    assert_close(fungrad.jit(g)(0.7), jg(0.7))


def test_linearize_and_vjp_multiple_outputs():
    g = fungrad.jit(lambda x, y: (fnp.sin(x) * y, fnp.sum(x * x)))
    jg = lambda x, y: (jnp.sin(x) * y, jnp.sum(x * x))
    y, lin = fungrad.linearize(lambda x: g(x, 2.0)[0], X)
    assert isinstance(y, jax.Array)
    assert_close(lin(W[1]), jax.linearize(lambda x: jg(x, 2.0)[0], X)[1](W[1]))
    out, vjp_fun = fungrad.vjp(g, X, 2.0)
    cts = (W[2], 1.5)
    assert_close(vjp_fun(cts), jax.vjp(jg, X, 2.0)[1](cts))


def test_edge_cases_vs_jax():
    J, x, a3 = fungrad.jit, 1.3, np.arange(3.0)
    # perturbation confusion: the inner grad's tracer and the outer one must not mix
    assert_close(
        fungrad.grad(lambda x: J(lambda y: fungrad.grad(lambda z: x * z)(y))(x))(x),
        jax.grad(lambda x: jax.jit(lambda y: jax.grad(lambda z: x * z)(y))(x))(x),
    )
    # outputs that forward an input or are literals; integer inputs and outputs
    fwd = lambda np_, jit_: lambda v: np_.stack(jit_(lambda a, b: (a, b * 2.0, 3.0 + 0 * a))(v, v))
    assert_close(fungrad.jacfwd(fwd(fnp, J))(x), jax.jacfwd(fwd(jnp, jax.jit))(x))
    assert_close(fungrad.jacrev(fwd(fnp, J))(x), jax.jacrev(fwd(jnp, jax.jit))(x))
    assert_close(fungrad.grad(lambda v: J(lambda a, n: a * n)(v, 3))(x), 3.0)
    int_out = lambda np_, jit_: lambda v: jit_(lambda a: (a * 2, np_.argmax(np_.stack([a, -a]))))(v)[0]
    assert_close(fungrad.grad(int_out(fnp, J))(x), 2.0)
    assert_close(
        fungrad.hessian(J(lambda a: fnp.sum(fnp.sin(a) * a)))(a3), jax.hessian(lambda a: jnp.sum(jnp.sin(a) * a))(a3)
    )
    assert_close(
        fungrad.linear_transpose(J(lambda a: a * 2.0 + fnp.sum(a)), a3)(np.ones(3)),
        jax.linear_transpose(lambda a: a * 2.0 + jnp.sum(a), a3)(np.ones(3)),
    )
    assert_close(
        J(fungrad.grad(J(lambda a: fungrad.grad(lambda c: fnp.sin(c) * c)(a))))(x),
        jax.grad(jax.grad(lambda c: jnp.sin(c) * c))(x),
    )


def test_reverse_mode_splits_primal_from_linear_work():
    """Under grad, the jit call splits: primal work runs once (forward call returning residuals),
    the backward call is the transpose of the linear part only (no transcendental recomputed)."""
    text = str(fungrad.make_ir(fungrad.grad(fungrad.jit(f)))(X))
    forward, backward = text.split("name=jvp(")
    assert "sin" in forward and "tanh" in forward
    assert "sin" not in backward and "tanh" not in backward and "cos" not in backward
    assert "name=transpose(jvp(" in backward
    ir_mod.typecheck(fungrad.make_ir(fungrad.grad(fungrad.jit(f)))(X).ir)
    ir_mod.typecheck(fungrad.make_ir(fungrad.vmap(fungrad.grad(fungrad.jit(f))))(np.stack([X, X])).ir)


def _rewrite_cache_sizes():
    from fungrad._src import ad

    return [sum(map(len, r.cache.values())) for r in (ad.jvp_ir, ad.partial_eval_ir, ad.transpose_ir)]


def test_derived_irs_are_cached():
    g = fungrad.jit(f)
    fungrad.grad(g)(X)
    sizes = _rewrite_cache_sizes()
    fungrad.grad(g)(X + 1)
    assert _rewrite_cache_sizes() == sizes


# ---- composition matrix: depth 2 and 3 over {grad, vmap, jvp, vjp, jit} --------------------------
# Each transformation maps a function f64[3] -> f64[] to another one, so they nest in any order.

V = np.array([0.4, -0.2, 0.9])


def _transforms(fg, np_):
    t = {}
    if fg is fungrad:
        t["grad"] = lambda h: lambda x: np_.sum(fungrad.grad(h)(x) * V)
        t["vmap"] = lambda h: lambda x: np_.sum(fungrad.vmap(h)(np_.stack([x, 0.5 * x + 0.1])) * V[:2])
        t["jvp"] = lambda h: lambda x: fungrad.jvp(h, (x,), (V,))[1]
        t["vjp"] = lambda h: lambda x: np_.sum(fungrad.vjp(h, x)[1](np_.ones((), x.dtype) * 1.5)[0] * V)
        t["jit"] = lambda h: fungrad.jit(h)
    else:
        t["grad"] = lambda h: lambda x: np_.sum(jax.grad(h)(x) * V)
        t["vmap"] = lambda h: lambda x: np_.sum(jax.vmap(h)(np_.stack([x, 0.5 * x + 0.1])) * V[:2])
        t["jvp"] = lambda h: lambda x: jax.jvp(h, (x,), (V,))[1]
        t["vjp"] = lambda h: lambda x: np_.sum(jax.vjp(h, x)[1](np_.ones((), x.dtype) * 1.5)[0] * V)
        t["jit"] = lambda h: jax.jit(h)
    return t


def _programs(np_):
    return {
        "sin_mul": lambda x: np_.sum(np_.sin(x) * x),
        "tanh_matmul": lambda x: np_.sum(np_.tanh(x @ W)),
        "logsumexp": lambda x: np_.log(np_.sum(np_.exp(x))),
        "where": lambda x: np_.sum(np_.where(x > 0, x**3, -x * 2.0)),
        "rational": lambda x: np_.mean(x * x) / (1.0 + np_.sum(x) ** 2),
        "indexing": lambda x: x[0] * x[1] + x[2] ** 3 + np_.exp(x[1]),
    }


NAMES = ["grad", "vmap", "jvp", "vjp", "jit"]
PROGRAMS = list(_programs(np))
# Every depth-2 order containing jit runs on all six programs; depth-3 orders (61 of them) each run
# on two programs, rotating so every program meets every transformation (keeps the suite fast).
ORDERS = [(o, tuple(PROGRAMS)) for o in itertools.product(NAMES, repeat=2) if "jit" in o] + [
    (o, (PROGRAMS[i % 6], PROGRAMS[(i + 3) % 6]))
    for i, o in enumerate(o for o in itertools.product(NAMES, repeat=3) if "jit" in o)
]


@pytest.mark.parametrize("order,programs", ORDERS, ids=["-".join(o) for o, _ in ORDERS])
def test_composition_matrix(order, programs):
    tf, tj = _transforms(fungrad, fnp), _transforms(jax, jnp)
    for name in programs:
        fh, jh = _programs(fnp)[name], _programs(jnp)[name]
        for t in reversed(order):  # order[0] is the outermost transformation
            fh, jh = tf[t](fh), tj[t](jh)
        assert_close(fh(X), jh(X))


# ---- ahead of time ---------------------------------------------------------------------------------


def test_lower_compile_and_costs():
    g = fungrad.jit(fungrad.grad(f))
    lowered = g.lower(X)
    text = lowered.as_text()
    assert "func.func public @main" in text and "stablehlo.sine" in text
    assert 'loc("jit(' in lowered.as_text(debug_info=True) or "sin" in lowered.as_text(debug_info=True)
    assert "sin" in str(lowered.ir)
    compiled = lowered.compile()
    assert compiled.cost_analysis()["flops"] > 0
    assert compiled.memory_analysis().temp_size_in_bytes >= 0
    assert_close(compiled(X), jax.grad(jf)(X))


def test_named_scopes_name_fungrad_primitives():
    text = fungrad.jit(lambda x: fnp.sum(fungrad.jit(fnp.tanh)(x))).lower(X).as_text(debug_info=True)
    assert "jit(tanh)/tanh" in text and "reduce_sum" in text


# ---- errors ------------------------------------------------------------------------------------------


def test_control_flow_error_names_the_argument():
    @fungrad.jit
    def g(params, x):
        if fnp.sum(params["w"] * 2.0) > 0:
            return x
        return -x

    with pytest.raises(fungrad.ConcretizationError) as err:
        g({"w": X}, X)
    msg = str(err.value)
    assert msg.startswith("[jit] bool() (e.g. a Python `if` or `while` on an array) needs a concrete value")
    assert "it depends on params['w']." in msg
    assert "mark that argument static with `static_argnums`/`static_argnames`" in msg


@pytest.mark.parametrize("conv", [int, float])
def test_int_float_error(conv):
    with pytest.raises(fungrad.ConcretizationError, match=r"\[jit\] .* depends on n\..*static_argnums"):
        fungrad.jit(lambda x, n: x * conv(n))(X, 3.0)
    assert_close(fungrad.jit(lambda x, n: x * conv(n), static_argnums=1)(X, 3.0), X * 3.0)


def test_non_array_argument_error():
    with pytest.raises(fungrad.FungradTypeError) as err:
        fungrad.jit(lambda x, cfg: x)(X, {"mode": "fast"})
    assert str(err.value).startswith(
        "[jit] argument `cfg['mode']` of `<lambda>` has type str, which is not an array: pass jax or NumPy "
        "arrays, Python scalars, or pytrees of them; mark configuration arguments static"
    )
    with pytest.raises(fungrad.FungradTypeError, match="argument `cfg` of `<lambda>` has type str"):
        fungrad.grad(lambda x: fungrad.jit(lambda x, cfg: x)(x, "fast"))(1.0)


def test_argument_names_follow_leaf_order():
    g = fungrad.jit(lambda a, b, *, zeta, alpha: fnp.sum(a) * b * zeta * alpha)
    assert g.ir(X, 1.0, zeta=2.0, alpha=3.0).consts == ()
    assert g._arg_names((X, 1.0), {"zeta": 2.0, "alpha": 3.0}) == ["a", "b", "alpha", "zeta"]


def test_explain_retraces(caplog):
    g = fungrad.jit(lambda x, y, n: x * y * n, static_argnums=2, explain_retraces=True)
    with caplog.at_level(logging.WARNING, logger="fungrad.jit"):
        g(X, 1.0, 1)
        g(X, 2.0, 1)
        assert caplog.messages == []
        g(np.ones(4), 1.0, 1)
        g(np.ones(4), np.float64(1.0), 1)
        g(np.ones(4), np.float64(1.0), 2)
        g(np.ones(4, np.float32), np.float64(1.0), 2)
    assert caplog.messages == [
        "[jit] retracing `<lambda>` (trace 2): argument `x` changed shape from f64[3] to f64[4]",
        "[jit] retracing `<lambda>` (trace 3): argument `y` changed from weakly typed (a Python scalar) "
        "to strongly typed f64[]",
        "[jit] retracing `<lambda>` (trace 4): static argument 2 changed value from 1 to 2",
        "[jit] retracing `<lambda>` (trace 5): argument `x` changed dtype from float64 to float32",
    ]


# ---- training-step interop -----------------------------------------------------------------------------


def _mlp_loss(np_):
    def loss(p, x, y):
        h = np_.tanh(x @ p["w1"] + p["b1"])
        return np_.mean((h @ p["w2"] - y) ** 2)

    return loss


@pytest.mark.parametrize("inner_jit", [False, True])
def test_training_step_is_one_xla_program(inner_jit):
    rng = np.random.default_rng(0)
    p = {"w1": rng.normal(size=(4, 8)), "b1": np.zeros(8), "w2": rng.normal(size=(8, 1))}
    x, y = rng.normal(size=(16, 4)), rng.normal(size=(16, 1))
    opt = optax.adam(1e-2)
    state = opt.init(p)
    vg = fungrad.value_and_grad(_mlp_loss(fnp))
    vg = fungrad.jit(vg) if inner_jit else vg

    @jax.jit
    def step(p, state, x, y):
        loss, g = vg(p, x, y)
        updates, state = opt.update(g, state, p)
        return optax.apply_updates(p, updates), state, loss

    new_p, _, loss = step(p, state, x, y)
    g_ref = jax.grad(_mlp_loss(jnp))(p, x, y)
    ref = optax.apply_updates(p, opt.update(g_ref, state, p)[0])
    assert_close(new_p, ref)
    assert_close(loss, _mlp_loss(jnp)(p, x, y))

    @jax.jit
    def jax_step(p, state, x, y):
        updates, state = opt.update(jax.grad(_mlp_loss(jnp))(p, x, y), state, p)
        return optax.apply_updates(p, updates), state

    # One XLA program; fungrad adds no functions of its own (one for a fungrad.jit call, as jax.jit would).
    n_funcs = step.lower(p, state, x, y).as_text().count("func.func")
    assert n_funcs == jax_step.lower(p, state, x, y).as_text().count("func.func") + inner_jit


def test_transformed_fungrad_jit_inside_jax_jit():
    f = fungrad.jit(lambda x: fnp.sum(fnp.sin(x) * x))
    g = jax.jit(lambda x: fungrad.grad(f)(x) * 2.0)
    ref = jax.grad(lambda x: jnp.sum(jnp.sin(x) * x))
    assert_close(g(X), 2.0 * ref(X))
    assert_close(g(X + 1.0), 2.0 * ref(X + 1.0))  # the cached IRs hold no JAX tracers of the first trace
    assert g.lower(X).as_text().count("func.func") == 1  # the jit calls are emitted inline
    assert_close(jax.jit(fungrad.vmap(fungrad.grad(f)))(np.stack([X, W[0]])), jax.vmap(ref)(np.stack([X, W[0]])))
