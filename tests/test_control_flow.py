"""Structured control flow (cond, switch, scan, while_loop, fori_loop, map, associative_scan) against
jax.lax's own control flow as the oracle, at float64, under every transformation and their nesting.

The op-record table checks each function's values, jvp, vjp, finite differences, vmap at every batch
position and jit; this file pins what records cannot say: fixed points over carries, residuals,
max_steps, batched predicates, errors, the printed IR and the caches.
"""

from __future__ import annotations

import re
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import lax
from fungrad._src import ir as ir_mod
from fungrad._src.control_flow import cond_p, scan_p, while_p

RNG = np.random.default_rng(0)


def close(a, b, tol=1e-10):
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


def count_prims(ir, prim) -> int:
    n = 0
    for eqn in ir.eqns:
        n += eqn.primitive is prim
        for sub in ir_mod._sub_irs(eqn.params):
            n += count_prims(sub, prim)
    return n


# ---- cond / switch ---------------------------------------------------------------------------------


def piecewise(np_, lax_):
    def f(x, y):
        return lax_.cond(np_.sum(x) > 0, lambda a, b: np_.sin(a) * b, lambda a, b: np_.cos(a) + b * b, x, y)

    return f


F_COND, J_COND = piecewise(fnp, lax), piecewise(jnp, jax.lax)
X3 = np.array([0.3, -0.1, 0.5])
Y3 = np.array([1.5, 0.2, -0.7])


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_values_and_derivatives_match_jax(sign):
    x, y = sign * X3, Y3
    close(F_COND(x, y), J_COND(x, y))
    loss_f = lambda x, y: fnp.sum(F_COND(x, y) ** 2)
    loss_j = lambda x, y: jnp.sum(J_COND(x, y) ** 2)
    close(fungrad.grad(loss_f, (0, 1))(x, y), jax.grad(loss_j, (0, 1))(x, y))
    close(fungrad.jvp(F_COND, (x, y), (Y3, X3)), jax.jvp(J_COND, (x, y), (Y3, X3)))
    close(fungrad.hessian(loss_f)(x, y), jax.hessian(loss_j)(x, y))
    close(fungrad.jit(fungrad.grad(loss_f))(x, y), jax.grad(loss_j)(x, y))


def test_cond_under_vmap_with_batched_and_unbatched_predicates():
    xs = np.stack([X3, -X3, 2 * X3])
    close(fungrad.vmap(F_COND, (0, None))(xs, Y3), jax.vmap(J_COND, (0, None))(xs, Y3))  # batched predicate
    close(fungrad.vmap(F_COND, (None, 0))(X3, xs), jax.vmap(J_COND, (None, 0))(X3, xs))  # unbatched predicate
    g = fungrad.vmap(fungrad.grad(lambda x, y: fnp.sum(F_COND(x, y))), (0, None))(xs, Y3)
    close(g, jax.vmap(jax.grad(lambda x, y: jnp.sum(J_COND(x, y))), (0, None))(xs, Y3))


def test_batched_predicate_is_marked_in_the_ir_and_warned_about_on_request():
    xs = np.stack([X3, -X3])
    text = str(fungrad.make_ir(fungrad.vmap(F_COND, (0, None)))(xs, Y3))
    assert "name=vmap_cond_all_branches" in text and "select_n" in text
    unbatched = str(fungrad.make_ir(fungrad.vmap(F_COND, (None, 0)))(X3, xs))
    assert "cond[" in unbatched and "vmap_cond_all_branches" not in unbatched
    fungrad.config.update("warn_batched_cond", True)
    try:
        with pytest.warns(UserWarning, match=r"batched predicate, so every branch runs .*branch 0: \d+ equations"):
            fungrad.vmap(F_COND, (0, None))(xs, Y3)
    finally:
        fungrad.config.update("warn_batched_cond", False)


def test_cond_pytrees_closures_and_weak_types():
    def f(p, x):
        scale = fnp.exp(x)  # closed over by both branches
        return lax.cond(x > 0, lambda q: {"a": q[0] * scale, "b": q[1]}, lambda q: {"a": q[1] * 1.0, "b": q[0]}, p)

    def j(p, x):
        scale = jnp.exp(x)
        return jax.lax.cond(x > 0, lambda q: {"a": q[0] * scale, "b": q[1]}, lambda q: {"a": q[1] * 1.0, "b": q[0]}, p)

    p = (np.float64(2.0), np.float64(3.0))
    for x in (0.5, -0.5):
        close(f(p, x), j(p, x))
        close(fungrad.grad(lambda p, x: f(p, x)["a"], (0, 1))(p, x), jax.grad(lambda p, x: j(p, x)["a"], (0, 1))(p, x))
    out = lax.cond(True, lambda: 1.0, lambda: 2.0)  # both weak: the result stays weak, as in JAX
    assert out.weak_type and float(out) == 1.0


def test_switch_clamps_the_index_and_differentiates_the_chosen_branch():
    branches_f = [fnp.sin, fnp.cos, lambda x: x * x]
    branches_j = [jnp.sin, jnp.cos, lambda x: x * x]
    for i in (-3, 0, 1, 2, 7):
        close(lax.switch(i, branches_f, 0.7), jax.lax.switch(i, branches_j, 0.7))
        close(
            fungrad.grad(lambda x: lax.switch(i, branches_f, x))(0.7),
            jax.grad(lambda x: jax.lax.switch(i, branches_j, x))(0.7),
        )
    idx = np.array([0, 1, 2, 9, -1])
    xs = np.linspace(0.1, 0.9, 5)
    gf = fungrad.vmap(fungrad.grad(lambda i, x: lax.switch(i, branches_f, x), 1))(idx, xs)
    gj = jax.vmap(jax.grad(lambda i, x: jax.lax.switch(i, branches_j, x), 1))(idx, xs)
    close(gf, gj)


def test_cond_errors_name_the_fix():
    with pytest.raises(fungrad.FungradTypeError, match=r"\[cond\] every branch must return the same structure"):
        lax.cond(True, lambda x: x, lambda x: (x, x), 1.0)
    with pytest.raises(fungrad.FungradTypeError, match=r"\[cond\] the predicate must be a scalar.*fungrad.numpy.where"):
        lax.cond(np.array([True, False]), lambda: 1.0, lambda: 2.0)


def test_reverse_mode_of_cond_keeps_only_the_taken_branch_residuals():
    f = lambda x: lax.cond(x > 0, fnp.sin, fnp.cos, x)
    traced = fungrad.make_ir(fungrad.grad(f))(0.5)
    assert count_prims(traced.ir, cond_p) == 2  # one forward cond, one transposed cond
    backward = traced.ir.eqns[-1]
    assert backward.primitive is cond_p
    assert "[transposed]" in traced.pretty()


# ---- scan ----------------------------------------------------------------------------------------


def rnn_loss(np_, lax_):
    def loss(params, h0, xs):
        w, u = params

        def step(h, x):
            h = np_.tanh(w @ h + u @ x)
            return h, np_.sum(h * h)

        h, ys = lax_.scan(step, h0, xs)
        return np_.sum(h) + np_.sum(ys)

    return loss


W = RNG.normal(size=(4, 4)) * 0.5
U = RNG.normal(size=(4, 3)) * 0.5
H0 = RNG.normal(size=4)
XS = RNG.normal(size=(6, 3))
RNN_F, RNN_J = rnn_loss(fnp, lax), rnn_loss(jnp, jax.lax)


def test_scan_rnn_gradients_match_jax_in_every_mode():
    args = ((W, U), H0, XS)
    close(RNN_F(*args), RNN_J(*args))
    close(fungrad.grad(RNN_F, (0, 1, 2))(*args), jax.grad(RNN_J, (0, 1, 2))(*args))
    close(fungrad.jit(fungrad.grad(RNN_F, (0, 1, 2)))(*args), jax.grad(RNN_J, (0, 1, 2))(*args))
    tangents = ((U @ U.T, U), XS[0, :1].repeat(4), XS)
    close(fungrad.jvp(RNN_F, args, tangents), jax.jvp(RNN_J, args, tangents))
    close(fungrad.hessian(RNN_F, 1)(*args), jax.hessian(RNN_J, 1)(*args))
    batch = np.stack([XS, XS[::-1]], axis=1)  # batch axis 1
    gf = fungrad.vmap(fungrad.grad(RNN_F), (None, None, 1))((W, U), H0, batch)
    close(gf, jax.vmap(jax.grad(RNN_J), (None, None, 1))((W, U), H0, batch))


def test_scan_reverse_length_unroll_and_pytree_carries():
    def f(np_, lax_, x):
        def step(c, _):
            a, b = c["a"], c["b"]
            return {"a": a * np_.sin(b), "b": b + 0.5 * a}, a - b

        return lax_.scan(step, {"a": x, "b": 2.0 * x}, None, length=5, reverse=True, unroll=2)

    close(f(fnp, lax, 0.4), f(jnp, jax.lax, 0.4))
    g = lambda np_, lax_: lambda x: np_.sum(f(np_, lax_, x)[1]) + f(np_, lax_, x)[0]["a"]
    close(fungrad.grad(g(fnp, lax))(0.4), jax.grad(g(jnp, jax.lax))(0.4))
    close(fungrad.hessian(g(fnp, lax))(0.4), jax.hessian(g(jnp, jax.lax))(0.4))


def test_scan_reaches_a_fixed_point_over_carries():
    # Only the first carry depends on x at first; the second becomes differentiable after one step,
    # the third after two: the jvp / linearize / vmap rules must iterate, not stop at the first pass.
    def f(np_, lax_, x, c0):
        def step(c, _):
            a, b, d = c
            return (a * 1.1, np_.sin(b) + a, d * 0.9 + b), d

        return lax_.scan(step, (x, c0, c0), None, length=4)[1]

    c0 = np.float64(0.2)
    close(fungrad.jacfwd(lambda x: f(fnp, lax, x, c0))(0.3), jax.jacfwd(lambda x: f(jnp, jax.lax, x, c0))(0.3))
    close(fungrad.jacrev(lambda x: f(fnp, lax, x, c0))(0.3), jax.jacrev(lambda x: f(jnp, jax.lax, x, c0))(0.3))
    xs = np.array([0.3, -0.4])
    close(fungrad.vmap(lambda x: f(fnp, lax, x, c0))(xs), jax.vmap(lambda x: f(jnp, jax.lax, x, c0))(xs))


def test_scan_weakly_typed_init_becomes_strongly_typed_as_in_jax():
    xs = np.arange(3.0, dtype=np.float32)
    carry, ys = lax.scan(lambda c, x: (c + x, c), 0.0, xs)
    jc, jys = jax.lax.scan(lambda c, x: (c + x, c), 0.0, xs)
    assert carry.dtype == jc.dtype and carry.weak_type == jc.weak_type
    close(carry, jc)


def test_scan_errors_name_the_fix():
    with pytest.raises(fungrad.FungradTypeError, match=r"\[scan\] the carry must keep its structure"):
        lax.scan(lambda c, x: (c[None], x), 0.0, np.ones(3))
    with pytest.raises(fungrad.FungradTypeError, match=r"must return a pair \(new_carry, y\)"):
        lax.scan(lambda c, x: c, 0.0, np.ones(3))
    with pytest.raises(fungrad.FungradTypeError, match=r"length="):
        lax.scan(lambda c, x: (c, x), 0.0, None)


def test_scan_stays_one_loop_in_the_ir_and_in_xla():
    traced = fungrad.make_ir(fungrad.grad(RNN_F))((W, U), H0, XS)
    assert count_prims(traced.ir, scan_p) == 2  # the forward scan and the transposed scan
    assert "tanh" not in str(traced.ir).split("reverse=True")[0].split("scan[")[0]  # not unrolled
    hlo = fungrad.jit(fungrad.grad(RNN_F)).lower((W, U), H0, XS).as_text()
    assert hlo.count("stablehlo.while") == 2


def test_reverse_mode_stacks_only_the_residuals_it_needs():
    def f(x, w):
        return fnp.sum(lax.scan(lambda c, x_t: (c, fnp.sin(w * x_t)), 0.0, x)[1])

    traced = fungrad.make_ir(fungrad.grad(f))(np.ones(5), 2.0)
    forward = next(e for e in traced.ir.eqns if e.primitive is scan_p)
    stacked = [v.aval.shape for v in forward.outputs if v.aval.shape[:1] == (5,)]
    assert stacked == [(5,), (5,)]  # the ys and cos(w x_t); w itself is loop-invariant, not stacked


def test_dead_scan_outputs_and_carries_are_removed():
    def f(x):
        (a, b), ys = lax.scan(lambda c, x_t: ((c[0] + x_t, c[1] * x_t), fnp.sin(x_t)), (0.0, 1.0), x)
        return a

    closed = fungrad.jit(f).ir(np.ones(3))
    (eqn,) = [e for e in closed.ir.eqns if e.primitive is scan_p]
    assert len(eqn.outputs) == 1 and eqn.params["num_carry"] == 1


def test_perturbation_confusion_through_a_scan_body():
    # d/dx [x * d/dy (x + y)] at y = 1 is 1: the inner derivative must not see the outer x's tangent.
    def inner(x):
        return fungrad.grad(lambda y: lax.scan(lambda c, _: (c + x + y, None), 0.0, None, length=1)[0])(1.0)

    assert float(fungrad.grad(lambda x: x * inner(x))(3.0)) == 1.0
    assert float(fungrad.jvp(lambda x: x * inner(x), (3.0,), (1.0,))[1]) == 1.0


def test_eager_scan_reuses_its_traced_body_across_calls():
    f = fungrad.grad(RNN_F)
    f((W, U), H0, XS)
    sizes = [sum(map(len, r.cache.values())) for r in (fungrad._src.ad.jvp_ir, fungrad._src.ad.partial_eval_ir)]
    f((W * 2, U), H0, XS)  # new values, same program: same canonical body, no new rewrites
    assert [sum(map(len, r.cache.values())) for r in (fungrad._src.ad.jvp_ir, fungrad._src.ad.partial_eval_ir)] == sizes


# ---- while_loop / fori_loop ------------------------------------------------------------------------


def grow(np_, lax_, **kw):
    return lambda x: lax_.while_loop(lambda v: v[0] < 10.0, lambda v: (v[0] * 1.5 + v[1], v[1] * 0.9), (x, x), **kw)[0]


def grow_fori(x, n):  # the same loop with its trip count known: JAX's reverse-mode oracle
    return jax.lax.fori_loop(0, n, lambda i, v: (v[0] * 1.5 + v[1], v[1] * 0.9), (x, x))[0]


def test_while_loop_forward_mode_and_vmap_match_jax():
    f, j = grow(fnp, lax), grow(jnp, jax.lax)
    close(f(1.0), j(1.0))
    close(fungrad.jvp(f, (1.0,), (1.0,)), jax.jvp(j, (1.0,), (1.0,)))
    xs = np.array([0.5, 1.0, 3.0, 20.0])  # different trip counts per example; one needs none
    close(fungrad.vmap(f)(xs), jax.vmap(j)(xs))
    close(fungrad.vmap(fungrad.jacfwd(f))(xs), jax.vmap(jax.jacfwd(j))(xs))
    close(fungrad.jit(fungrad.vmap(f))(xs), jax.vmap(j)(xs))


@pytest.mark.parametrize("x", [0.5, 1.0, 3.0, 20.0])
def test_while_loop_with_max_steps_is_reverse_differentiable(x):
    f = grow(fnp, lax, max_steps=12)
    trips = int(
        jax.lax.while_loop(
            lambda v: v[1][0] < 10.0, lambda v: (v[0] + 1, (v[1][0] * 1.5 + v[1][1], v[1][1] * 0.9)), (0, (x, x))
        )[0]
    )
    want = jax.grad(lambda x: grow_fori(x, trips))(x)
    close(fungrad.grad(f)(x), want)
    close(fungrad.jit(fungrad.grad(f))(x), want)
    close(fungrad.hessian(f)(x), jax.hessian(lambda x: grow_fori(x, trips))(x))


def test_while_loop_max_steps_under_vmap_of_grad():
    # Examples need different trip counts (one needs none): the batched loop runs until all are done.
    xs = np.array([0.5, 1.0, 3.0, 20.0])
    want = jax.vmap(jax.jacfwd(grow(jnp, jax.lax)))(xs)  # forward mode equals reverse mode for scalars
    close(fungrad.vmap(fungrad.grad(grow(fnp, lax, max_steps=12)))(xs), want)
    close(fungrad.jit(fungrad.vmap(fungrad.grad(grow(fnp, lax, max_steps=12))))(xs), want)


def test_max_steps_is_exact_at_the_bound_and_an_error_beyond_it():
    halve = lambda n: lambda x: lax.while_loop(lambda v: v > 1.0, lambda v: v / 2.0, x, max_steps=n)
    assert float(halve(3)(8.0)) == 1.0  # exactly 3 iterations are needed and allowed
    assert float(fungrad.grad(halve(3))(8.0)) == 0.125
    message = r"\[while_loop\] the loop did not finish within max_steps=2 iterations"
    with pytest.raises(fungrad.FungradError, match=message):
        halve(2)(8.0)
    with pytest.raises(fungrad.FungradError, match=message):
        fungrad.grad(halve(2))(8.0)
    with pytest.raises(Exception, match=message):  # compiled: reported by the program when it runs
        fungrad.jit(halve(2))(8.0).block_until_ready()


def test_grad_of_an_unbounded_while_loop_names_the_fixes():
    with pytest.raises(
        fungrad.FungradTypeError, match=r"\[vjp\] at .*test_control_flow.py.*max_steps=N.*fori_loop.*scan"
    ):
        fungrad.grad(grow(fnp, lax))(1.0)


def test_fori_loop_static_bounds_are_a_scan_and_traced_bounds_a_while_loop():
    body_f = lambda i, v: fnp.sin(v) * v + i
    body_j = lambda i, v: jnp.sin(v) * v + i
    f = lambda x: lax.fori_loop(1, 5, body_f, x)
    close(fungrad.grad(f)(0.7), jax.grad(lambda x: jax.lax.fori_loop(1, 5, body_j, x))(0.7))
    assert count_prims(fungrad.make_ir(f)(0.7).ir, scan_p) == 1
    g = fungrad.jit(lambda x, n: lax.fori_loop(0, n, body_f, x))
    close(g(0.7, 4), jax.lax.fori_loop(0, 4, body_j, 0.7))
    assert count_prims(fungrad.make_ir(lambda x, n: lax.fori_loop(0, n, body_f, x))(0.7, 4).ir, while_p) == 1
    close(
        fungrad.jvp(lambda x: g(x, 4), (0.7,), (1.0,))[1],
        jax.jvp(lambda x: jax.lax.fori_loop(0, 4, body_j, x), (0.7,), (1.0,))[1],
    )


def test_while_loop_errors():
    with pytest.raises(fungrad.FungradTypeError, match=r"cond_fun must return a boolean scalar"):
        lax.while_loop(lambda v: v, lambda v: v, 1.0)
    with pytest.raises(fungrad.FungradTypeError, match=r"body_fun must return a value of the same structure"):
        lax.while_loop(lambda v: v < 1.0, lambda v: (v, v), 0.0)


# ---- map / associative_scan ---------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [None, 2, 3])
def test_map_matches_jax(batch_size):
    xs = RNG.normal(size=(7, 3))
    f = lambda r: fnp.sum(fnp.sin(r) * r)
    close(lax.map(f, xs, batch_size=batch_size), jax.lax.map(lambda r: jnp.sum(jnp.sin(r) * r), xs))
    gf = fungrad.grad(lambda xs: fnp.sum(lax.map(f, xs, batch_size=batch_size) ** 2))(xs)
    gj = jax.grad(lambda xs: jnp.sum(jax.lax.map(lambda r: jnp.sum(jnp.sin(r) * r), xs) ** 2))(xs)
    close(gf, gj)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_matches_jax(n, reverse):
    x = RNG.normal(size=(n, 2))
    close(
        lax.associative_scan(fnp.multiply, x, reverse=reverse),
        jax.lax.associative_scan(jnp.multiply, x, reverse=reverse),
    )
    gf = fungrad.grad(lambda x: fnp.sum(lax.associative_scan(fnp.multiply, x, reverse=reverse, axis=1)))(x)
    gj = jax.grad(lambda x: jnp.sum(jax.lax.associative_scan(jnp.multiply, x, reverse=reverse, axis=1)))(x)
    close(gf, gj)


# ---- what users see: printed IR, errors and warnings ---------------------------------------------


def test_printed_ir_indents_bodies_under_their_equation_with_source_lines():
    def f(x):
        return lax.scan(lambda c, x_t: (c * fnp.sin(x_t), c), 1.0, x)[0]  # the body's line

    text = fungrad.make_ir(f)(np.ones(3)).pretty()
    body_line = [ln for ln in text.splitlines() if "= sin" in ln][0]
    assert re.search(r"^ {12}\w+:f64\[\] = sin \w+ +# test_control_flow.py:\d+ \(<lambda>\)$", body_line)
    ir_mod.typecheck(fungrad.make_ir(fungrad.grad(f))(np.ones(3)).ir)


def test_python_if_on_a_traced_value_points_to_cond_and_while_loop():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(fungrad.ConcretizationError, match=r"fungrad.lax.cond / fungrad.lax.switch.*while_loop"):
        fungrad.jit(f)(1.0)


def test_a_long_unrolled_python_loop_warns_once_with_its_line():
    def f(x):
        for _ in range(60):
            x = fnp.sin(x)  # the loop body
        return x

    fungrad.config.update("trace_size_warning", 50)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fungrad.make_ir(f)(1.0)
    finally:
        fungrad.config.update("trace_size_warning", 20_000)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert re.search(r"grown to 50 equations \(most from test_control_flow.py:\d+ \(f\): 50 equations\)", messages[0])
    assert "fungrad.lax.scan" in messages[0]
