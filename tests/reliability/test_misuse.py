"""Reliability under misuse (issues #17 and #18): each case a user hits in a notebook or a long job.

Error texts are API: each test pins the ``[transform]`` tag, what went wrong, the user's line (or
function) and the fix. Cases that JAX handles silently wrong (``int(x)`` under ``grad``) are errors
here on purpose; the JAX behaviour is noted beside them.
"""

import threading

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import ConcretizationError, ForeignTracerError, FungradTypeError, LeakedTracerError

THIS_FILE = "test_misuse.py"
X = np.array([0.3, -0.7, 1.1])


def raises(exc, *fragments):
    """pytest.raises that checks every fragment occurs literally in the message."""
    return pytest.raises(exc, match="(?s)" + "".join(f"(?=.*{__import__('re').escape(f)})" for f in fragments))


def counting(fn):
    def wrapped(*args, **kwargs):
        wrapped.count += 1
        return fn(*args, **kwargs)

    wrapped.count = 0
    return wrapped


# ---- #17.2 / #17.3: jit's cache belongs to the function; jit as a decorator factory ---------------


def test_jit_recreated_per_call_traces_once():
    body = counting(lambda x: fnp.sin(x) * 2.0)
    for x in (X, X + 1, X + 2):
        fungrad.jit(body)(x)
    assert body.count == 1

    def loop_body(x):
        return fungrad.jit(body)(x) + 1.0  # jit(f) inside a function body, called repeatedly

    for _ in range(3):
        loop_body(X)
    assert body.count == 1
    fungrad.grad(lambda x: fnp.sum(fungrad.jit(body)(x)))(X)
    fungrad.grad(lambda x: fnp.sum(fungrad.jit(body)(x)))(X)
    assert body.count == 1  # the IR traced under grad is shared by every jit(body) too
    fungrad.jit(body, static_argnums=())(X)  # same options, normalised: still shared
    assert body.count == 1
    fungrad.jit(body, donate_argnums=0)(jnp.asarray(X))  # other options: a cache of their own
    assert body.count == 2


def test_jit_decorator_factory():
    @fungrad.jit(static_argnames=["n"])
    def power(x, n):
        return x**n

    assert float(power(2.0, n=3)) == 8.0
    assert power.trace_count == 1

    @fungrad.jit(static_argnums=1)
    def rep(x, k):
        return fnp.concatenate([x] * k)

    assert rep(X, 2).shape == (6,)


# ---- #17.4: silent wrong answers with complex numbers and argnums --------------------------------


def test_grad_of_complex_output_is_an_error():
    with raises(FungradTypeError, "[grad]", "real-valued output", "complex128", "holomorphic=True", THIS_FILE):
        fungrad.grad(lambda x: x * 1j)(1.0)
    # JAX's holomorphic convention, when asked for it
    g = fungrad.grad(lambda z: z**2 + 3 * z, holomorphic=True)(1.0 + 2.0j)
    ref = jax.grad(lambda z: z**2 + 3 * z, holomorphic=True)(1.0 + 2.0j)
    np.testing.assert_allclose(g, ref)
    with raises(FungradTypeError, "[grad]", "holomorphic=True requires complex inputs", ".astype(complex)"):
        fungrad.grad(lambda z: z * 1j, holomorphic=True)(1.0)


def test_repeated_argnums_is_an_error():
    with raises(FungradTypeError, "[grad]", "argnums=(0, 0)", "repeats argument(s) [0]", "unique argnums"):
        fungrad.grad(lambda x, y: x * y, argnums=(0, 0))
    with raises(FungradTypeError, "[grad]", "names an argument twice"):
        fungrad.grad(lambda x, y: x * y, argnums=(1, -1))(1.0, 2.0)


def test_complex_cotangent_for_real_output_is_an_error():
    _, f_vjp = fungrad.vjp(lambda x: x * 2.0, 1.0)
    with raises(FungradTypeError, "[vjp]", "complex128", "float64", "imaginary part", "dtype float64"):
        f_vjp(1.0j)


# ---- #17.5: conversions that would drop the derivative ---------------------------------------------


@pytest.mark.parametrize(
    "conv",
    [
        ("float()", lambda x: x * float(x)),
        ("int()", lambda x: x * int(x)),
        ("conversion to a NumPy array", lambda x: x * np.asarray(x)),
        ("item()", lambda x: x * x.item()),
        ("tolist()", lambda x: x * x.tolist()),
    ],
    ids=lambda c: c[0],
)
@pytest.mark.parametrize("transform", ["grad", "jvp", "vjp"])
def test_concrete_conversions_under_differentiation_raise(conv, transform):
    what, f = conv
    run = {
        "grad": lambda: fungrad.grad(f)(2.0),
        "jvp": lambda: fungrad.jvp(f, (2.0,), (1.0,)),
        "vjp": lambda: fungrad.vjp(f, 2.0),
    }[transform]
    with raises(ConcretizationError, f"[{transform}]", what, "silently drop its derivative", "stop_gradient"):
        run()


def test_python_control_flow_and_stop_gradient_keep_working():
    def f(x):
        return x**3 if x > 0 else -x  # bool() of a concrete primal: fine, as in JAX

    assert float(fungrad.grad(f)(2.0)) == 12.0
    sg = fungrad.lax.stop_gradient
    assert float(fungrad.grad(lambda x: x * float(sg(x)))(2.0)) == 2.0
    assert fungrad.grad(lambda x: x * sg(x).item())(2.0) == 2.0


def test_item_and_tolist_exist_on_tracers():
    with raises(ConcretizationError, "[jit]", "item()", "depends on x"):
        fungrad.jit(lambda x: x.item())(1.0)
    with raises(ConcretizationError, "[vmap]", "tolist()"):
        fungrad.vmap(lambda x: x.tolist())(X)


# ---- #17.7: errors a user can act on ------------------------------------------------------------


@pytest.mark.parametrize("name", ["grad", "value_and_grad", "jit", "vmap", "jacfwd", "jacrev", "hessian", "make_ir"])
def test_not_callable_fails_at_transform_time(name):
    with raises(FungradTypeError, f"[{name}]", "Expected a callable value, got 3", f"fungrad.{name}(f)"):
        getattr(fungrad, name)(3)
    with raises(FungradTypeError, "[jvp]", "Expected a callable value"):
        fungrad.jvp(3, (1.0,), (1.0,))
    with raises(FungradTypeError, "[vjp]", "Expected a callable value"):
        fungrad.vjp(3, 1.0)


def test_grad_of_none_names_the_function_and_the_fix():
    def loss(x):
        x * 2  # forgot to return

    with raises(FungradTypeError, "[grad]", "`loss` (test_misuse.py:", "returned None", "has_aux=True"):
        fungrad.grad(loss)(1.0)


@pytest.mark.parametrize("transform", ["jit", "vmap", "grad"])
def test_non_array_return_value_names_the_output_and_function(transform):
    def model(x):
        return {"y": x * 2.0, "name": "mlp"}

    t = {"jit": fungrad.jit, "vmap": fungrad.vmap, "grad": fungrad.grad}[transform]
    with raises(
        FungradTypeError,
        f"[{transform}]",
        "the return value of `model` (test_misuse.py:",
        "holds a str",
        "at output['name']",
        "not an array",
    ):
        t(model)(X if transform == "vmap" else 1.0)


# ---- #17.8: the JAX ecosystem inside fungrad.jit ---------------------------------------------------


def _loss(np_):
    def loss(p, x, y):
        h = np_.tanh(x @ p["w1"] + p["b1"])
        return np_.mean((h @ p["w2"] - y) ** 2)

    return loss


def test_optax_adam_step_inside_fungrad_jit_equals_jax():
    rng = np.random.default_rng(0)
    p = {"w1": rng.normal(size=(4, 8)), "b1": np.zeros(8), "w2": rng.normal(size=(8, 1))}
    x, y = rng.normal(size=(16, 4)), rng.normal(size=(16, 1))
    opt = optax.adam(1e-2)
    state = opt.init(p)

    @fungrad.jit
    def step(p, state, x, y):
        loss, g = fungrad.value_and_grad(_loss(fnp))(p, x, y)
        updates, state = opt.update(g, state, p)
        return optax.apply_updates(p, updates), state, loss

    @jax.jit
    def jax_step(p, state, x, y):
        loss, g = jax.value_and_grad(_loss(jnp))(p, x, y)
        updates, state = opt.update(g, state, p)
        return optax.apply_updates(p, updates), state, loss

    for _ in range(2):  # the second step hits the cache
        out, ref = step(p, state, x, y), jax_step(p, state, x, y)
        for a, b in zip(jax.tree_util.tree_leaves(out), jax.tree_util.tree_leaves(ref)):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12)
        p, state = ref[0], ref[1]
    assert step.trace_count == 1
    lowered = step.lower(p, state, x, y)
    # one XLA program: no function of fungrad's own (optax's private helpers are JAX's too)
    assert lowered.as_text().count("func.func") == jax_step.lower(p, state, x, y).as_text().count("func.func")
    assert lowered.ir is None  # it ran on JAX's tracers: no fungrad IR
    with raises(ForeignTracerError, "[jit]", "JAX-written code", "opt.update(grads, opt_state, params)"):
        step.ir(p, state, x, y)


def test_jax_code_under_fungrad_transformations_names_the_idiom():
    opt = optax.sgd(0.1)
    p = np.ones(3)
    with raises(
        ForeignTracerError, "[grad]", "a JAX function received a fungrad tracer", THIS_FILE, "fungrad.grad(loss)"
    ):
        fungrad.grad(lambda w: jnp.sum(jnp.sin(w)))(p)
    with raises(ForeignTracerError, "[grad]", "a JAX function received a fungrad tracer", "fungrad.jit"):
        fungrad.grad(lambda w: fnp.sum(jnp.cumsum(w)))(p)
    # a fungrad tracer is a jax.Array, and jnp.asarray of a jax.Array is the array itself: no JAX code runs
    np.testing.assert_array_equal(fungrad.grad(lambda w: fnp.sum(jnp.asarray(w) ** 2))(p), 2 * p)
    with raises(ForeignTracerError, "[vmap]", "JAX-written code"):
        fungrad.vmap(lambda w: jnp.sin(w))(p)
    step = fungrad.jit(lambda w, s: optax.apply_updates(w, opt.update(w, s)[0]))
    step(p, opt.init(p))  # fine at top level
    # plain SGD only multiplies and adds (operators, which reach fungrad) and calls jnp.asarray (the identity
    # on a jax.Array): it runs on fungrad tracers, with JAX's answer
    np.testing.assert_allclose(fungrad.grad(lambda w: fnp.sum(step(w, opt.init(p))))(p), 0.9 * p)
    adam = optax.adam(0.1)
    adam_step = fungrad.jit(lambda w, s: optax.apply_updates(w, adam.update(w, s)[0]))
    with raises(ForeignTracerError, "[grad]", "JAX-written code"):  # adam calls jnp.sqrt: JAX code
        fungrad.grad(lambda w: fnp.sum(adam_step(w, adam.init(p))))(p)


# ---- threads (#17, #18.3) ---------------------------------------------------------------------


def test_eight_threads_tracing_and_calling_agree_with_sequential():
    fns = [fungrad.jit(lambda x, k=k: fnp.sum(fnp.sin(x * k))) for k in range(8)]
    expected = [float(fungrad.grad(f)(X).sum()) for f in fns]
    results = [None] * 8

    def work(i):
        results[i] = float(fungrad.grad(fns[i])(X).sum())

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_tracer_used_from_another_thread_while_running():
    box, errors = {}, []
    ready, done = threading.Event(), threading.Event()

    def f(x):
        box["tracer"] = x
        ready.set()
        done.wait(30)
        return x * 2.0

    def other():
        ready.wait(30)
        try:
            fnp.sin(box["tracer"])
        except LeakedTracerError as err:
            errors.append(str(err))
        finally:
            done.set()

    t = threading.Thread(target=other, name="worker")
    t.start()
    fungrad.grad(f)(1.0)
    t.join()
    (msg,) = errors
    for frag in ("[grad]", "outside the thread and trace that own it", "still running", "'MainThread'", "'worker'"):
        assert frag in msg, msg
    assert "ended" not in msg


# ---- #18.2: has_aux passes anything through -----------------------------------------------------


def test_has_aux_passes_python_objects_through():
    def f(x):
        return x**2, {"name": "layer", "step": 3, "val": x, "none": None}

    g, aux = fungrad.grad(f, has_aux=True)(3.0)
    assert float(g) == 6.0 and aux["name"] == "layer" and aux["step"] == 3 and float(aux["val"]) == 3.0
    _, t, aux = fungrad.jvp(f, (3.0,), (1.0,), has_aux=True)
    assert float(t) == 6.0 and aux["name"] == "layer"
    _, f_vjp, aux = fungrad.vjp(f, 3.0, has_aux=True)
    assert aux["name"] == "layer"
    (v, aux), g = fungrad.value_and_grad(lambda x: (x**2, "ok"), has_aux=True)(2.0)
    assert aux == "ok" and float(g) == 4.0
    with raises(FungradTypeError, "[grad]", "has_aux=True requires `<lambda>`", "(output, aux)"):
        fungrad.grad(lambda x: x, has_aux=True)(1.0)


# ---- #18.4: impossible shapes --------------------------------------------------------------------

HUGE = (2**32, 2**32)


@pytest.mark.parametrize("mode", ["eager", "jit", "grad", "vmap"])
def test_impossible_shape_says_too_large_with_bytes(mode):
    f = lambda x: fnp.sum(fnp.zeros(HUGE) * x)  # noqa: E731
    run = {
        "eager": lambda: f(1.0),
        "jit": lambda: fungrad.jit(f)(1.0),
        "grad": lambda: fungrad.grad(f)(1.0),
        "vmap": lambda: fungrad.vmap(f)(X),
    }[mode]
    with raises(FungradTypeError, "(4294967296, 4294967296)", "too large", "147573952589676412928 bytes"):
        run()


# ---- #18.5: x64 switched on after fungrad has run -------------------------------------------------


def test_x64_switched_after_use_gives_float64_results():
    jit_scale = fungrad.jit(lambda x: x * 0.1 + fnp.ones(()))
    grad_fn = fungrad.grad(lambda x: fnp.sum(fnp.sin(x * 0.1)))
    jax.config.update("jax_enable_x64", False)
    try:
        assert jit_scale(1.0).dtype == np.float32
        assert fnp.asarray(0.1).dtype == np.float32 and fnp.sin(0.1).dtype == np.float32
        assert grad_fn(1.0).dtype == np.float32
    finally:
        jax.config.update("jax_enable_x64", True)
    out = jit_scale(1.0)
    assert out.dtype == np.float64 and float(out) == 0.1 * 1.0 + 1.0
    assert fnp.asarray(0.1).dtype == np.float64 and float(fnp.asarray(0.1)) == 0.1
    assert fnp.sin(0.1).dtype == np.float64 and float(fnp.sin(0.1)) == np.sin(0.1)
    g = grad_fn(1.0)
    assert g.dtype == np.float64 and float(g) == pytest.approx(0.1 * np.cos(0.1), rel=1e-15)


# ---- #17.6: special points of pow (docs/reliability.md, "Special points") ---------------------------


def test_pow_special_points():
    # x**x at 0: the derivative diverges; nan as in JAX (it used to be a finite 0)
    assert np.isnan(float(fungrad.grad(lambda x: x**x)(0.0)))
    assert np.isnan(float(jax.grad(lambda x: x**x)(0.0)))
    np.testing.assert_allclose(fungrad.grad(lambda x: x**x)(0.5), jax.grad(lambda x: x**x)(0.5), rtol=1e-14)
    # deliberate differences from JAX: d/dx x**0 = 0 everywhere (JAX: nan at 0); d/dy 0**y at 0 is nan
    assert float(fungrad.grad(lambda x: x**0.0)(0.0)) == 0.0
    assert np.isnan(float(jax.grad(lambda x: x**0.0)(0.0)))
    assert np.isnan(float(fungrad.grad(lambda y: 0.0**y)(0.0)))
    assert float(fungrad.grad(lambda y: 0.0**y)(1.0)) == 0.0 == float(jax.grad(lambda y: 0.0**y)(1.0))
