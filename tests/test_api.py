"""The public transformations over pytrees, array behaviour of tracers, dtype/weak-type semantics, IR.

Every value is compared with JAX (the oracle) in float64; dtype and weak-type checks compare with
``jax.eval_shape``-level results of the same program written with ``jax.numpy``.
"""

import collections
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import tree_util

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp
from fungrad._src import ad, ir
from tests.helpers import assert_trees_close, make_rand

rand = make_rand(0)


def assert_same_types(got, want):
    """Same tree, shapes, dtypes and weak types (the ``jax.eval_shape``-level result)."""
    got_leaves, got_tree = tree_util.tree_flatten(got)
    want_leaves, want_tree = tree_util.tree_flatten(want)
    assert got_tree == want_tree
    for g, w in zip(got_leaves, want_leaves):
        assert (g.shape, g.dtype) == (w.shape, w.dtype), f"{g.shape}/{g.dtype} vs {w.shape}/{w.dtype}"
        assert getattr(g, "weak_type", False) == getattr(w, "weak_type", False), (
            f"weak_type {getattr(g, 'weak_type', False)} vs {getattr(w, 'weak_type', False)} ({w.dtype}{w.shape})"
        )


# ----------------------------------------------------------------------------------------------
# Pytrees


Point = collections.namedtuple("Point", ["x", "y"])


@tree_util.register_pytree_node_class
class Box:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def tree_flatten(self):
        return (self.a, self.b), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)


def _pytree_loss(np_):
    def loss(p):
        total = np_.sum(np_.sin(p["w"]) * p["v"][0]) + np_.sum(p["v"][1] ** 2)
        total = total + p["pt"].x * p["pt"].y + np_.sum(np_.tanh(p["box"].a)) * p["box"].b
        total = total + np_.sum(p["opt"]["layer"]["kernel"] ** 3) + p["tup"][0] * p["tup"][1]
        return total

    return loss


def _pytree_params():
    return {
        "w": rand(3),
        "v": [rand(3), rand(2, 2)],
        "pt": Point(rand(), rand()),
        "box": Box(rand(4), rand()),
        "opt": {"layer": {"kernel": rand(2, 3)}},  # optax-style nested dict
        "tup": (rand(), rand()),
    }


def test_grad_of_pytrees_matches_jax():
    p = _pytree_params()
    assert_trees_close(fungrad.grad(_pytree_loss(fnp))(p), jax.grad(_pytree_loss(jnp))(p))


def test_value_and_grad_of_pytrees_matches_jax():
    p = _pytree_params()
    got = fungrad.value_and_grad(_pytree_loss(fnp))(p)
    want = jax.value_and_grad(_pytree_loss(jnp))(p)
    assert_trees_close(got, want)


@pytest.mark.parametrize("argnums", [0, 1, 2, (0,), (0, 2), (2, 0), (1, 2), -1])
def test_grad_argnums(argnums):
    def f(np_):
        return lambda a, b, c: np_.sum(np_.sin(a) * b["k"]) * c[0] + np_.sum(c[1] ** 2 * a)

    args = (rand(3), {"k": rand(3)}, [rand(), rand(3)])
    assert_trees_close(fungrad.grad(f(fnp), argnums)(*args), jax.grad(f(jnp), argnums)(*args))
    assert_trees_close(fungrad.value_and_grad(f(fnp), argnums)(*args), jax.value_and_grad(f(jnp), argnums)(*args))


def test_grad_has_aux():
    def f(np_):
        return lambda x: (np_.sum(x**2), {"mean": np_.mean(x), "n": 3})

    x = rand(3)
    g, aux = fungrad.grad(f(fnp), has_aux=True)(x)
    g_j, aux_j = jax.grad(f(jnp), has_aux=True)(x)
    assert_trees_close(g, g_j)
    assert float(aux["mean"]) == pytest.approx(float(aux_j["mean"]))
    assert aux["n"] == 3
    (v, aux2), g2 = fungrad.value_and_grad(f(fnp), has_aux=True)(x)
    assert float(v) == pytest.approx(float(jnp.sum(x**2)))
    assert_trees_close(g2, g_j)


def test_grad_keyword_arguments_are_not_differentiated():
    f = lambda x, *, scale: fnp.sum(x * scale)
    assert_trees_close(fungrad.grad(f)(rand(3), scale=2.0), jnp.full(3, 2.0))


def test_allow_int_gives_float0_zeros():
    def f(np_):
        return lambda x, n: np_.sum(x * n)

    x, n = rand(3), jnp.arange(3)
    gx, gn = fungrad.grad(f(fnp), argnums=(0, 1), allow_int=True)(x, n)
    gx_j, gn_j = jax.grad(f(jnp), argnums=(0, 1), allow_int=True)(x, n)
    assert_trees_close(gx, gx_j)
    assert np.asarray(gn).dtype == jax.dtypes.float0 and np.shape(gn) == (3,)
    assert np.asarray(gn_j).dtype == jax.dtypes.float0
    # an int inside a pytree
    g = fungrad.grad(lambda p: p["x"] * 2.0, allow_int=True)({"x": 1.5, "i": 4})
    assert np.asarray(g["i"]).dtype == jax.dtypes.float0
    assert float(g["x"]) == 2.0


def test_vjp_pytrees_and_has_aux():
    def f(np_):
        return lambda a, b: ({"y": np_.sin(a) * b[0], "z": np_.sum(b[1])}, np_.cos(a))

    args = (rand(3), (rand(3), rand(2)))
    out, pull, aux = fungrad.vjp(f(fnp), *args, has_aux=True)
    out_j, pull_j, aux_j = jax.vjp(f(jnp), *args, has_aux=True)
    assert_trees_close(out, out_j)
    assert_trees_close(aux, aux_j)
    ct = {"y": rand(3), "z": rand()}
    assert_trees_close(pull(ct), pull_j(ct))
    assert isinstance(pull(ct), tuple) and len(pull(ct)) == 2


def test_vjp_pullback_is_reusable():
    f = lambda np_: lambda x: np_.exp(x) * x
    x = rand(3)
    _, pull = fungrad.vjp(f(fnp), x)
    _, pull_j = jax.vjp(f(jnp), x)
    for _ in range(2):
        ct = rand(3)
        assert_trees_close(pull(ct), pull_j(ct))


def test_jvp_pytrees():
    def f(np_):
        return lambda p, s: {"out": np_.tanh(p["a"]) * s, "n": np_.sum(p["b"] ** 2)}

    primals = ({"a": rand(3), "b": rand(2, 2)}, rand())
    tangents = ({"a": rand(3), "b": rand(2, 2)}, rand())
    assert_trees_close(fungrad.jvp(f(fnp), primals, tangents), jax.jvp(f(jnp), primals, tangents))


def test_jvp_has_aux():
    f = lambda np_: lambda x: (np_.sin(x), np_.cos(x))
    x, t = rand(3), rand(3)
    got = fungrad.jvp(f(fnp), (x,), (t,), has_aux=True)
    want = jax.jvp(f(jnp), (x,), (t,), has_aux=True)
    assert_trees_close(got, want)


def test_jvp_of_constant_function_gives_zero_tangent():
    y, t = fungrad.jvp(lambda x: fnp.ones(3), (rand(3),), (rand(3),))
    assert_trees_close(t, jnp.zeros(3))


def test_linearize_matches_jvp():
    f = lambda np_: lambda x, y: {"a": np_.sin(x) * y, "b": np_.sum(x**2)}
    x, y, tx, ty = rand(3), rand(3), rand(3), rand(3)
    out, f_jvp = fungrad.linearize(f(fnp), x, y)
    out_j, f_jvp_j = jax.linearize(f(jnp), x, y)
    assert_trees_close(out, out_j)
    assert_trees_close(f_jvp(tx, ty), f_jvp_j(tx, ty))
    assert_trees_close(f_jvp(ty, tx), f_jvp_j(ty, tx))


def test_linear_transpose_matches_jax():
    def f(np_):
        return lambda p: {"a": 2.0 * p[0] - p[1][::-1], "b": np_.sum(p[0]) * 3.0}

    primals = ([jnp.zeros(3), jnp.zeros(3)],)
    ct = {"a": rand(3), "b": rand()}
    got = fungrad.linear_transpose(f(fnp), *primals)(ct)
    want = jax.linear_transpose(f(jnp), *primals)(ct)
    assert_trees_close(got, want)


def test_grad_of_function_ignoring_input_is_zero():
    g = fungrad.grad(lambda x, y: fnp.sum(y**2), argnums=(0, 1))(rand(3), rand(2))
    assert_trees_close(g[0], jnp.zeros(3))


def test_grad_python_control_flow_on_concrete_values():
    def f(x):
        if x > 0:
            return x**3
        while x < -1:
            x = x / 2
        return -x

    for v in (2.0, -0.5, -3.0):
        assert float(fungrad.grad(f)(v)) == pytest.approx(float(jax.grad(f)(v)))
    # float() / int() would drop the derivative: an error (tests/test_reliability.py pins the text);
    # on a stop_gradient-ed value (a constant) they are fine
    with pytest.raises(fungrad.ConcretizationError, match="drop its derivative"):
        fungrad.grad(lambda x: x * float(x))(2.0)
    sg = fungrad.lax.stop_gradient
    g = fungrad.grad(lambda x: x * float(sg(x)) + jnp.arange(5.0)[int(sg(x))])(2.0)
    assert float(g) == pytest.approx(2.0)


# ----------------------------------------------------------------------------------------------
# Tracer operators with NumPy arrays, JAX arrays and Python scalars on either side


M = np.arange(9.0).reshape(3, 3) / 7.0

OPERATOR_PROGRAMS = {
    "np_mul": lambda x: np.ones(3) * x + x * np.full(3, 2.0),
    "jnp_add": lambda x: jnp.ones(3) + x + x + jnp.ones(3),
    "scalar_pow": lambda x: 2.0**x + x**2.0 + x**3 + 1.5**x,
    "matmul_np": lambda x: x @ M + M @ x,
    "matmul_jnp": lambda x: x @ jnp.asarray(M) + jnp.asarray(M) @ x,
    "rsub_rdiv": lambda x: 1.0 - x + np.ones(3) / (x + 3.0) - jnp.ones(3) / (4.0 + x) - x / 2 + 3 / (x + 5),
    "neg_abs_pos": lambda x: -x + abs(x) + (+x),
    "int_scalars": lambda x: 2 * x + x * 3 - 1 + 7 // 1 * x,
    "floordiv_mod": lambda x: x // 0.7 + x % 0.7 + (x + 4.0) % 2 + 5.0 % (x + 4.0),
    "compare_where": lambda x: _where(x > 0.1, x, 2 * x) + _where(0.1 < x, 3 * x, x) + _where(np.zeros(3) >= x, x, 0.0),
    "compare_eq": lambda x: _where(x == x, x, 0.0) + _where(x != 0.5, x, 0.0) + _where(x <= jnp.ones(3), x, 1.0),
    "attrs": lambda x: x.reshape(3, 1).T.reshape(-1) * (x.ndim + x.size + x.shape[0]),
    "methods": lambda x: x.sum() + x.mean() + x.max() + x.min() + x.reshape((1, 3)).sum(axis=1) * x,
    "astype": lambda x: x.astype(jnp.float32).astype(jnp.float64) * 2 + x.astype(int),
    "getitem": lambda x: x[::-1] + x[0] + x[-1] + x[1:][::-1][0] + x[None, ...][0] + x[..., None][:, 0],
    "getitem_steps": lambda x: _cat([x[::2], x[::-2], x[-1:0:-1], x[None], x[:, None].T[0]]),
}


def _where(c, a, b):
    return (fnp if any(isinstance(v, fungrad._src.core.Tracer) for v in (c, a, b)) else jnp).where(c, a, b)


def _cat(xs):
    flat = [x.reshape(-1) for x in xs]
    mod = fnp if any(isinstance(v, fungrad._src.core.Tracer) for v in flat) else jnp
    return mod.concatenate(flat)


@pytest.mark.parametrize("name", sorted(OPERATOR_PROGRAMS))
def test_operators_match_jax(name):
    f = OPERATOR_PROGRAMS[name]
    x = jnp.asarray([0.3, -0.6, 1.2])
    loss = lambda x: (f(x) ** 2).sum()
    assert_trees_close(fungrad.grad(loss)(x), jax.grad(loss)(x))
    t = rand(3)
    assert_trees_close(fungrad.jvp(f, (x,), (t,)), jax.jvp(f, (x,), (t,)))
    assert_trees_close(fungrad.vmap(f)(jnp.stack([x, -x])), jax.vmap(f)(jnp.stack([x, -x])))
    traced = fungrad.make_ir(f)(x)
    ir.typecheck(traced.ir)
    assert_trees_close(traced(x), f(x))


def test_tracer_attributes():
    seen = {}

    def f(x):
        seen.update(shape=x.shape, dtype=x.dtype, ndim=x.ndim, size=x.size, T=x.T.shape, len=len(x))
        return fnp.sum(x)

    fungrad.grad(f)(jnp.ones((2, 3)))
    assert seen == dict(shape=(2, 3), dtype=np.dtype("float64"), ndim=2, size=6, T=(3, 2), len=2)


def test_reductions_with_axes_and_keepdims():
    def f(np_):
        return lambda x: (
            np_.sum(np_.sum(x, axis=0) @ np_.ones(4))
            + np_.sum(np_.mean(x, axis=(0, 2), keepdims=True))
            + np_.sum(np_.max(x, axis=-1))
            + np_.sum(x.min(axis=1))
            + np_.sum(np_.var(x, axis=1))
        )

    x = rand(2, 3, 4)
    assert_trees_close(fungrad.grad(f(fnp))(x), jax.grad(f(jnp))(x))


# ----------------------------------------------------------------------------------------------
# dtypes and weak types vs JAX


WEAK_PROGRAMS = {
    "py_scalar_times_f32": (lambda np_: lambda x: x * 2.0, [np.float32(1.0)]),
    "weak_in": (lambda np_: lambda x: x * 2, [1.0]),
    "weak_plus_weak": (lambda np_: lambda x, y: x + y, [1.0, 2]),
    "int_in_float_scalar": (lambda np_: lambda i: i * 1.5, [np.int32(3)]),
    "int_array_plus_int": (lambda np_: lambda i: i + 1, [np.arange(3, dtype=np.int32)]),
    "f32_array_plus_f64_scalar": (lambda np_: lambda x, y: x + y, [np.ones(3, np.float32), np.float64(1.0)]),
    "f32_plus_weak_array": (lambda np_: lambda x, y: x + y, [np.ones(3, np.float32), 2.0]),
    "int_div": (lambda np_: lambda i, j: i / j, [np.arange(1, 4, dtype=np.int32), 2]),
    "sin_int": (lambda np_: lambda i: np_.sin(i), [np.arange(3, dtype=np.int32)]),
    "sum_weak": (lambda np_: lambda x: np_.sum(x * 1.0), [3.0]),
    "where_weak": (lambda np_: lambda x: np_.where(x > 0, x, 0.0), [np.ones(2, np.float32)]),
    "bool_plus_int": (lambda np_: lambda b: b + 1, [np.array([True, False])]),
    "bf16_times_py": (lambda np_: lambda x: x * 3.0, [jnp.ones(2, jnp.bfloat16)]),
    "f16_plus_f32": (lambda np_: lambda x, y: x + y, [np.ones(2, np.float16), np.ones(2, np.float32)]),
    "pow_int_exponent": (lambda np_: lambda x: x**2, [np.ones(2, np.float32)]),
    "mean_int": (lambda np_: lambda i: np_.mean(i), [np.arange(4, dtype=np.int32)]),
    "matmul_mixed": (lambda np_: lambda x, y: x @ y, [np.ones((2, 2), np.float32), np.ones(2, np.float64)]),
}


@pytest.mark.parametrize("name", sorted(WEAK_PROGRAMS))
def test_dtype_and_weak_type_match_jax(name):
    make, args = WEAK_PROGRAMS[name]
    # Arguments are traced on both sides (make_ir / jax.jit), so Python scalars are weakly typed values.
    traced = fungrad.make_ir(make(fnp))(*args)
    assert_same_types(traced(*args), jax.jit(make(jnp))(*args))
    want_struct = jax.eval_shape(make(jnp), *args)
    for aval, s in zip(traced.closed.out_avals, tree_util.tree_leaves(want_struct)):
        assert (aval.shape, aval.dtype, aval.weak_type) == (s.shape, s.dtype, s.weak_type)
    # eagerly, with array arguments, the results agree too
    arrays = [jnp.asarray(a) if isinstance(a, (int, float)) else a for a in args]
    assert_same_types(make(fnp)(*arrays), make(jnp)(*arrays))


@pytest.mark.parametrize("arg", [1.5, np.float32(1.5), jnp.float64(1.5), np.ones(2, np.float32)], ids=str)
def test_grad_output_types_match_jax(arg):
    f = lambda np_: lambda x: np_.sum(np_.sin(x) * 2.0)
    assert_same_types(fungrad.grad(f(fnp))(arg), jax.grad(f(jnp))(arg))
    assert_same_types(fungrad.value_and_grad(f(fnp))(arg), jax.value_and_grad(f(jnp))(arg))
    t = np.ones_like(np.asarray(arg))
    assert_same_types(fungrad.jvp(f(fnp), (arg,), (t,)), jax.jvp(f(jnp), (arg,), (t,)))


_FLOAT32_SCRIPT = textwrap.dedent(
    """
    import jax, jax.numpy as jnp, numpy as np
    import fungrad, fungrad.numpy as fnp
    assert not jax.config.jax_enable_x64
    progs = [
        (lambda np_: lambda x: x * 2.0, [1.0]),
        (lambda np_: lambda x: np_.sin(x) + 1, [np.ones(3)]),           # float64 NumPy input -> f32
        (lambda np_: lambda i: i / 2, [np.arange(3)]),                    # int64 NumPy input -> i32 -> f32
        (lambda np_: lambda x, y: x @ y, [np.ones((2, 2)), np.ones(2, np.float32)]),
        (lambda np_: lambda x: np_.sum(x ** 2), [3]),
    ]
    for make, args in progs:
        g, w = fungrad.make_ir(make(fnp))(*args)(*args), jax.jit(make(jnp))(*args)
        assert (g.dtype, g.weak_type, g.shape) == (w.dtype, w.weak_type, w.shape), (g, w)
    g = fungrad.grad(lambda x: fnp.sum(fnp.sin(x)))(np.ones(3))
    w = jax.grad(lambda x: jnp.sum(jnp.sin(x)))(np.ones(3))
    assert g.dtype == w.dtype == np.float32, (g.dtype, w.dtype)
    g = fungrad.grad(lambda x: x * x)(2.0)
    assert g.dtype == np.float32 and float(g) == 4.0
    print("ok")
    """
)


def test_default_float32_mode_dtypes_match_jax():
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_ENABLE_X64")}
    env["JAX_ENABLE_X64"] = "0"
    env["PYTHONPATH"] = (
        os.path.dirname(os.path.dirname(os.path.abspath(fungrad.__file__))) + os.pathsep + env.get("PYTHONPATH", "")
    )
    proc = subprocess.run([sys.executable, "-c", _FLOAT32_SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().endswith("ok")


# ----------------------------------------------------------------------------------------------
# make_ir, typecheck after IR-to-IR transformations, DCE


def _mlp_loss(params, x, y):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = fnp.tanh(h)
    return -fnp.mean(fnp.sum(fnn.log_softmax(h) * y, axis=-1))


def _mlp_args():
    sizes = [4, 5, 3]
    params = [(rand(m, n) * 0.5, rand(n) * 0.1) for m, n in zip(sizes[:-1], sizes[1:])]
    x = rand(6, 4)
    y = jax.nn.one_hot(jnp.arange(6) % 3, 3, dtype=jnp.float64)
    return params, x, y


def test_make_ir_prints_and_evaluates():
    f = lambda x, y: fnp.sum(fnp.sin(x) * y + 1.0)
    x, y = rand(3), rand(3)
    traced = fungrad.make_ir(f)(x, y)
    text = str(traced)
    assert text.startswith("{ lambda ")
    assert "sin" in text and "reduce_sum" in text and "in (" in text
    assert "test_api.py" in traced.pretty(show_source=True)
    np.testing.assert_allclose(traced(x, y), f(x, y))
    np.testing.assert_allclose(traced(y, x), f(y, x))
    traced.typecheck()


def test_make_ir_with_pytrees_and_static_args():
    f = lambda p, n: {"o": p["a"] * n, "s": fnp.sum(p["b"])}
    p = {"a": rand(2), "b": rand(3)}
    traced = fungrad.make_ir(f, static_argnums=1)(p, 3)
    out = traced(p)
    assert_trees_close(out, {"o": p["a"] * 3, "s": jnp.sum(p["b"])})


IR_TRANSFORMS = {
    "grad": lambda f: fungrad.grad(lambda x: fnp.sum(f(x))),
    "vmap": lambda f: fungrad.vmap(f),
    "jvp": lambda f: lambda x: fungrad.jvp(f, (x,), (fnp.ones_like(x),)),
    "linearize": lambda f: lambda x: fungrad.linearize(f, x)[1](fnp.ones_like(x)),
    "vjp": lambda f: lambda x: fungrad.vjp(f, x)[1](fnp.ones_like(f(x))),
    "grad_grad": lambda f: fungrad.grad(lambda x: fnp.sum(fungrad.grad(lambda y: fnp.sum(f(y)))(x) ** 2)),
    "vmap_grad": lambda f: fungrad.vmap(fungrad.grad(lambda x: fnp.sum(f(x)))),
    "grad_vmap": lambda f: fungrad.grad(lambda x: fnp.sum(fungrad.vmap(f)(x))),
}
# jit's sub-IR rewrites (jvp, linearize, transpose, batch of the body)
IR_TRANSFORMS.update(
    {
        "jit": lambda f: fungrad.jit(f),
        "grad_jit": lambda f: fungrad.grad(lambda x: fnp.sum(fungrad.jit(f)(x))),
        "vmap_jit": lambda f: fungrad.vmap(fungrad.jit(f)),
        "jvp_jit": lambda f: lambda x: fungrad.jvp(fungrad.jit(f), (x,), (fnp.ones_like(x),)),
        "jit_grad_vmap": lambda f: fungrad.jit(fungrad.grad(lambda x: fnp.sum(fungrad.vmap(f)(x)))),
    }
)

IR_PROGRAMS = {
    "tanh_mul": lambda x: fnp.tanh(x) * x,
    "softmax": lambda x: fnn.softmax(x * 2.0),
    "reduce_axes": lambda x: fnp.sum(x**2, axis=-1, keepdims=True) * fnp.max(x, axis=-1, keepdims=True),
    "matmul": lambda x: x @ fnp.ones((x.shape[-1], 2)) + fnp.exp(x[..., :2]),
    "where": lambda x: fnp.where(x > 0, fnp.sqrt(fnp.abs(x) + 1.0), x**3),
}


@pytest.mark.parametrize("transform", sorted(IR_TRANSFORMS))
@pytest.mark.parametrize("prog", sorted(IR_PROGRAMS))
def test_ir_of_transformed_programs_typechecks_and_evaluates(transform, prog):
    f = IR_TRANSFORMS[transform](IR_PROGRAMS[prog])
    x = rand(3, 4)
    traced = fungrad.make_ir(f)(x)
    ir.typecheck(traced.ir)
    ir.typecheck(ir.dce(traced.ir))
    assert_trees_close(traced(x), f(x))
    str(traced)


def test_linearize_flat_ir_typechecks():
    f = lambda x: [fnp.sum(fnp.tanh(x) ** 2, axis=0), fnp.exp(x[0])]
    x = rand(3, 2)
    outs, linear = ad.linearize_flat(f, [x])
    ir.typecheck(linear.closed.ir)
    # the linear IR only has tangent work: no transcendental of the primal is recomputed
    names = [e.primitive.name for e in linear.closed.ir.eqns]
    assert "tanh" not in names and "exp" not in names, names
    # transpose of the linear IR, staged, typechecks as well
    staged = fungrad.make_ir(lambda ct0, ct1: linear.transpose([ct0, ct1]))(rand(2), rand(2))
    ir.typecheck(staged.ir)


def test_mlp_gradient_ir_typechecks():
    params, x, y = _mlp_args()
    traced = fungrad.make_ir(fungrad.grad(_mlp_loss))(params, x, y)
    ir.typecheck(traced.ir)
    # every equation points at the user's line; backward equations say they were transposed
    lines = traced.pretty(show_source=True).splitlines()[1:-1]
    assert all("test_api.py:" in line and "(_mlp_loss)" in line for line in lines), lines
    assert any(line.endswith("[transposed]") for line in lines)
    assert not lines[0].endswith("[transposed]")
    assert_trees_close(traced(params, x, y), fungrad.grad(_mlp_loss)(params, x, y))


def test_dce_removes_dead_equations():
    def f(x):
        unused = fnp.exp(x) * 3.0  # noqa: F841
        return fnp.sin(x)

    traced = fungrad.make_ir(f)(rand(3))
    pruned = ir.dce(traced.ir)
    assert [e.primitive.name for e in pruned.eqns] == ["sin"]
    ir.typecheck(pruned)
    assert len(traced.ir.eqns) > len(pruned.eqns)
    np.testing.assert_allclose(ir.eval_ir(pruned, traced.consts, [jnp.ones(3)])[0], jnp.sin(jnp.ones(3)))


def test_typecheck_catches_a_wrong_type():
    traced = fungrad.make_ir(lambda x: fnp.sin(x))(rand(3))
    eqn = traced.ir.eqns[0]
    bad_out = ir.Var(fungrad.ShapedArray((4,), np.float64))
    bad = traced.ir._replace(eqns=(eqn._replace(outputs=(bad_out,)),), outvars=(bad_out,))
    with pytest.raises(ir.IRTypeError, match="abstract eval"):
        ir.typecheck(bad)
    unbound = traced.ir._replace(outvars=(ir.Var(fungrad.ShapedArray((3,), np.float64)),))
    with pytest.raises(ir.IRTypeError, match="before it is defined"):
        ir.typecheck(unbound)


# ----------------------------------------------------------------------------------------------
# Edge cases: identities, constants, duplicated outputs, integer and mixed-precision inputs

_x3 = jnp.asarray([0.4, -1.3, 0.8])
_f0 = lambda shape: np.zeros(shape, jax.dtypes.float0)  # noqa: E731

EDGE_CASES = {
    "grad_const": lambda L, np_: L.grad(lambda a: 1.0)(2.0),
    "grad_identity": lambda L, np_: L.grad(lambda a: a)(2.0),
    "vjp_identity": lambda L, np_: L.vjp(lambda a: a, _x3)[1](_x3),
    "vjp_const_out": lambda L, np_: L.vjp(lambda a: np_.ones(3), _x3)[1](_x3),
    "vjp_dup_out": lambda L, np_: L.vjp(lambda a: (a, a), _x3)[1]((_x3, 2 * _x3)),
    "vjp_int_input": lambda L, np_: L.vjp(lambda a, i: a * i, _x3, jnp.arange(3))[1](_x3),
    "vjp_int_output": lambda L, np_: L.vjp(lambda a: (a * 2, np_.argmax(a)), _x3)[1]((_x3, _f0(()))),
    "jvp_identity": lambda L, np_: L.jvp(lambda a: a, (_x3,), (_x3,)),
    "jvp_const": lambda L, np_: L.jvp(lambda a: 2.0, (_x3,), (_x3,)),
    "jvp_int_input": lambda L, np_: L.jvp(lambda a, i: a * i, (_x3, jnp.arange(3)), (_x3, _f0(3))),
    "linearize_identity": lambda L, np_: L.linearize(lambda a: a, _x3)[1](_x3),
    "linear_transpose_dup": lambda L, np_: L.linear_transpose(lambda a: (a, a * 2.0), _x3)((_x3, _x3)),
    "vmap_identity": lambda L, np_: L.vmap(lambda a: a)(_x3),
    "vmap_const": lambda L, np_: L.vmap(lambda a: 2.0)(_x3),
    "vmap_size_zero": lambda L, np_: L.vmap(lambda r: np_.sin(r) + 1.0)(jnp.ones((0, 3))),
    "vmap_axis_size": lambda L, np_: L.vmap(lambda r: r * 2, in_axes=None, axis_size=3)(jnp.ones(2)),
    "vmap_kwargs": lambda L, np_: L.vmap(lambda r, s=None: r * s)(_x3, s=_x3),
    "hessian_linear": lambda L, np_: L.hessian(lambda a: np_.sum(a * 2.0))(_x3),
    "jacrev_const": lambda L, np_: L.jacrev(lambda a: np_.ones(2))(_x3),
    "grad_of_grad_linear": lambda L, np_: L.grad(L.grad(lambda a: a * 3.0))(2.0),
    "grad_unused_argnum": lambda L, np_: L.grad(lambda a, b: a * 2.0, argnums=1)(1.0, 2.0),
    "grad_bool_allow_int": lambda L, np_: L.grad(lambda a, b: a * 2.0, argnums=(0, 1), allow_int=True)(1.0, True),
    "grad_f32_in_x64": lambda L, np_: L.grad(lambda a: np_.sum(a * 2.0))(np.ones(3, np.float32)),
    "grad_mixed_precision": lambda L, np_: L.grad(lambda a, b: np_.sum(a * b), argnums=(0, 1))(
        np.ones(3, np.float32), np.ones(3)
    ),
    "grad_bf16": lambda L, np_: L.grad(lambda a: np_.sum(a * 2.0))(jnp.ones(3, jnp.bfloat16)),
    "grad_where_nan_safe": lambda L, np_: L.grad(
        lambda a: np_.sum(np_.where(a > 0, np_.sqrt(np_.where(a > 0, a, 1.0)), 0.0))
    )(_x3),
    "grad_abs_at_zero": lambda L, np_: L.grad(lambda a: np_.abs(a))(0.0),
    "grad_pow_at_zero": lambda L, np_: L.grad(lambda a: a**2.0)(0.0),
    "grad_max_ties": lambda L, np_: L.grad(lambda a: np_.max(np_.ones(3) * a))(1.0),
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_match_jax(name):
    got = EDGE_CASES[name](fungrad, fnp)
    want = EDGE_CASES[name](jax, jnp)
    assert_trees_close(got, want)  # values, shapes and dtypes (weak types: see the dtype tests above)
