"""Error messages are API: these tests pin the key parts of the important ones.

Each message names the transformation (``[grad]``, ``[vmap]``...), what went wrong with shapes or
dtypes, and how to fix it.
"""

import re

import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import ConcretizationError, FungradTypeError, LeakedTracerError

THIS_FILE = "test_errors.py"


def raises(exc, *fragments):
    """pytest.raises that also checks that every fragment occurs in the message (literally)."""

    class _Check:
        def __enter__(self):
            self.ctx = pytest.raises(exc)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc_info):
            suppressed = self.ctx.__exit__(*exc_info)
            msg = str(self.info.value)
            for frag in fragments:
                assert frag in msg, f"{frag!r} not in message:\n{msg}"
            return suppressed

    return _Check()


# ----------------------------------------------------------------------------------------------
# grad


def test_grad_of_non_scalar_output():
    with raises(FungradTypeError, "[grad]", "scalar", "(3,)", "vjp", "jacrev"):
        fungrad.grad(lambda x: x * 2.0)(jnp.ones(3))


def test_grad_of_integer_output():
    with raises(FungradTypeError, "[grad]", "floating-point output", "int"):
        fungrad.grad(lambda x: fnp.argmax(x))(jnp.ones(3))


def test_grad_with_respect_to_integer_input():
    with raises(FungradTypeError, "[grad]", "args[0]", "int64", "dtype", "allow_int"):
        fungrad.grad(lambda x: x * 2.0)(3)
    # the message names the real positional index and the path inside a pytree
    with raises(FungradTypeError, "args[1]['n']", "int32", "allow_int"):
        fungrad.grad(lambda x, p: x * p["n"], argnums=1)(1.0, {"n": np.int32(2)})


def test_non_array_argument_names_its_path():
    with raises(FungradTypeError, "[grad]", "args[0]['b']", "str", "not an array"):
        fungrad.grad(lambda p: p["a"] * 2.0)({"a": 1.0, "b": "hello"})
    with raises(FungradTypeError, "[grad]", "args[1][0]", "object"):
        fungrad.grad(lambda x, y: x, argnums=(0, 1))(1.0, [object()])
    with raises(FungradTypeError, "[vmap]", "args[0]['a']", "object"):
        fungrad.vmap(lambda p: p)({"a": object()})
    with raises(FungradTypeError, "[jvp]", "primals[0]", "str"):
        fungrad.jvp(lambda x: x, ("a",), ("b",))
    with raises(FungradTypeError, "[vjp]", "args[0]", "str"):
        fungrad.vjp(lambda x: x, "a")


def test_non_differentiated_arguments_may_be_anything():
    assert float(fungrad.grad(lambda x, mode: x * 2.0 if mode == "double" else x)(1.0, "double")) == 2.0


def test_argnums_out_of_range():
    with raises(FungradTypeError, "[grad]", "argnums=2", "1 positional argument"):
        fungrad.grad(lambda x: x * 2.0, argnums=2)(1.0)


def test_has_aux_without_aux():
    with raises(FungradTypeError, "[grad]", "has_aux=True", "(output, aux)"):
        fungrad.grad(lambda x: x * 2.0, has_aux=True)(1.0)


# ----------------------------------------------------------------------------------------------
# leaked tracers


def _leak(transform):
    box = []

    def f(x):
        y = fnp.sin(x) * 2.0
        box.append(y)
        return fnp.sum(y)

    transform(f)(jnp.ones(3))
    return box[0]


@pytest.mark.parametrize(
    "name,transform",
    [
        ("grad", fungrad.grad),
        ("vmap", fungrad.vmap),
        ("make_ir", fungrad.make_ir),
        ("jvp", lambda f: lambda x: fungrad.jvp(f, (x,), (x,))),
    ],
)
def test_leaked_tracer_says_where_the_transformation_started(name, transform):
    leaked = _leak(transform)
    with raises(LeakedTracerError, f"[{name}]", "after its", "transformation ended", "started at", THIS_FILE):
        fnp.exp(leaked)
    with raises(LeakedTracerError, f"[{name}]", "started at", "used by primitive `add` at", THIS_FILE):
        leaked + 1.0  # noqa: B018


def test_leaked_tracer_reports_where_it_was_created():
    leaked = _leak(fungrad.make_ir)
    with raises(LeakedTracerError, "the tracer was created at", THIS_FILE):
        fnp.exp(leaked)


def test_leaked_tracer_used_inside_another_transformation():
    leaked = _leak(fungrad.grad)
    with raises(LeakedTracerError, "[grad]", "transformation ended"):
        fungrad.grad(lambda y: fnp.sum(y * leaked))(jnp.ones(3))
    leaked = _leak(fungrad.make_ir)
    with raises(LeakedTracerError, "[make_ir]", "transformation ended"):
        fungrad.make_ir(lambda y: y * leaked)(jnp.ones(3))


def test_leaked_tracer_in_python_control_flow():
    leaked = _leak(fungrad.vmap)
    with raises(LeakedTracerError, "[vmap]", "transformation ended"):
        bool(leaked)


# ----------------------------------------------------------------------------------------------
# shape mismatches at trace time


def test_dot_shape_mismatch_names_shapes_and_line():
    with raises(FungradTypeError, "[grad]", "dot", "(3, 4)", "(5,)", THIS_FILE):
        fungrad.grad(lambda x: fnp.sum(fnp.dot(x, jnp.ones(5))))(jnp.ones((3, 4)))


def test_add_shape_mismatch_names_shapes_and_line():
    with raises(FungradTypeError, "[grad]", "(3,)", "(4,)", "broadcast", THIS_FILE):
        fungrad.grad(lambda x: fnp.sum(x + jnp.ones(4)))(jnp.ones(3))
    with raises(FungradTypeError, "[make_ir]", "(3,)", "(4,)", "broadcast"):
        fungrad.make_ir(lambda x, y: x + y)(jnp.ones(3), jnp.ones(4))


def test_matmul_and_reshape_shape_mismatch():
    with raises(FungradTypeError, "[make_ir]", "matmul", "(3, 4)", "(5, 2)"):
        fungrad.make_ir(lambda x: x @ jnp.ones((5, 2)))(jnp.ones((3, 4)))
    with raises(FungradTypeError, "[vmap]", "matmul", "shapes (3,) and (5,)", "axis 0 of the second (5)"):
        fungrad.vmap(lambda r: r @ jnp.ones(5))(jnp.ones((2, 3)))
    with raises(FungradTypeError, "[grad]", "reshape", "(3,)", "(4,)"):
        fungrad.grad(lambda x: x.reshape(4).sum())(jnp.ones(3))


def test_shape_error_inside_vmap_is_per_example():
    with raises(FungradTypeError, "[vmap]", "(3, 4)", "(5,)", THIS_FILE):
        fungrad.vmap(lambda x: fnp.dot(x, jnp.ones(5)))(jnp.ones((2, 3, 4)))


def test_concretization_errors_name_the_transformation():
    with raises(ConcretizationError, "[make_ir]", "bool()", "args[0]"):
        fungrad.make_ir(lambda x: x if x > 0 else -x)(1.0)
    with raises(ConcretizationError, "[vmap]", "where"):
        fungrad.vmap(lambda x: x if x > 0 else -x)(jnp.ones(3))


# ----------------------------------------------------------------------------------------------
# vmap


def test_vmap_inconsistent_axis_sizes_names_arguments_and_sizes():
    with raises(FungradTypeError, "[vmap]", "inconsistent", "args[0] has size 3", "args[1] has size 4"):
        fungrad.vmap(lambda x, y: x + y)(jnp.ones(3), jnp.ones(4))
    with raises(FungradTypeError, "args[0]['a'] has size 3", "args[0]['b'][0] has size 4"):
        fungrad.vmap(lambda p: p["a"] + p["b"][0])({"a": jnp.ones(3), "b": [jnp.ones(4)]})
    with raises(FungradTypeError, "[vmap]", "axis_size=5", "3"):
        fungrad.vmap(lambda x: x, axis_size=5)(jnp.ones(3))


def test_vmap_in_axes_not_matching_argument_tree():
    with raises(FungradTypeError, "[vmap]", "in_axes=({'x': 0},)", "does not match", "{'a': *}"):
        fungrad.vmap(lambda p: p["a"], in_axes=({"x": 0},))({"a": jnp.ones(3)})
    with raises(FungradTypeError, "[vmap]", "in_axes", "length 1", "2 positional"):
        fungrad.vmap(lambda a, b: a, in_axes=(0,))(jnp.ones(3), jnp.ones(3))
    with raises(FungradTypeError, "[vmap]", "in_axes", "ints or None", "'zero'"):
        fungrad.vmap(lambda a: a, in_axes=("zero",))(jnp.ones(3))


def test_vmap_out_of_range_axes():
    with raises(FungradTypeError, "[vmap]", "in_axes=2", "out of range", "args[0]", "(3, 4)"):
        fungrad.vmap(lambda a: a, in_axes=2)(jnp.ones((3, 4)))
    with raises(FungradTypeError, "[vmap]", "in_axes=0", "out of range", "()"):
        fungrad.vmap(lambda a: a * 2.0)(1.0)
    with raises(FungradTypeError, "[vmap]", "out_axes=3", "out of range"):
        fungrad.vmap(lambda a: a * 2.0, out_axes=3)(jnp.ones((3, 4)))


def test_vmap_out_axes_none_for_batched_output():
    with raises(FungradTypeError, "[vmap]", "out_axes=None", "output 0", "depends on the mapped inputs"):
        fungrad.vmap(lambda a: a * 2.0, out_axes=None)(jnp.ones((3, 4)))
    # unbatched outputs may use out_axes=None
    out = fungrad.vmap(lambda a, b: (a * 2.0, b), in_axes=(0, None), out_axes=(0, None))(jnp.ones(3), jnp.ones(2))
    assert out[1].shape == (2,)


def test_vmap_needs_a_mapped_input():
    with raises(FungradTypeError, "[vmap]", "axis_size"):
        fungrad.vmap(lambda a: a, in_axes=None)(jnp.ones(3))


# ----------------------------------------------------------------------------------------------
# vjp / jvp / linear_transpose cotangents and tangents


def test_vjp_cotangent_shape_mismatch():
    _, pull = fungrad.vjp(lambda x: x * 2.0, jnp.ones(3))
    with raises(FungradTypeError, "[vjp]", "cotangent shape (4,)", "output shape (3,)"):
        pull(jnp.ones(4))
    _, pull2 = fungrad.vjp(lambda x: (x * 2.0, fnp.sum(x)), jnp.ones(3))
    with raises(FungradTypeError, "[vjp]", "cotangent shape (2,)", "output shape ()", "output 1"):
        pull2((jnp.ones(3), jnp.ones(2)))


def test_vjp_cotangent_structure_mismatch():
    _, pull = fungrad.vjp(lambda x: (x * 2.0, x), jnp.ones(3))
    with raises(FungradTypeError, "[vjp]", "cotangent structure", "output structure"):
        pull(jnp.ones(3))


def test_jvp_tangent_mismatch():
    with raises(FungradTypeError, "[jvp]", "tangent 0", "f64[4]", "f64[3]"):
        fungrad.jvp(lambda x: x * 2.0, (jnp.ones(3),), (jnp.ones(4),))
    with raises(FungradTypeError, "[jvp]", "different structures"):
        fungrad.jvp(lambda x, y: x, (jnp.ones(3), 1.0), (jnp.ones(3),))
    with raises(FungradTypeError, "[jvp]", "tuples or lists"):
        fungrad.jvp(lambda x: x, jnp.ones(3), jnp.ones(3))


def test_linear_transpose_cotangent_mismatch():
    f_t = fungrad.linear_transpose(lambda x: 2.0 * x, jnp.ones(3))
    with raises(FungradTypeError, "[linear_transpose]", "(2,)", "(3,)"):
        f_t(jnp.ones(2))


def test_messages_start_with_the_transformation_name():
    cases = [
        lambda: fungrad.grad(lambda x: x)(jnp.ones(2)),
        lambda: fungrad.vmap(lambda x, y: x)(jnp.ones(2), jnp.ones(3)),
        lambda: fungrad.jacrev(lambda x: x)(jnp.arange(3)),
        lambda: fungrad.jacfwd(lambda x: x)(jnp.arange(3)),
    ]
    for case in cases:
        with pytest.raises(FungradTypeError) as info:
            case()
        assert re.match(r"\[\w+\] ", str(info.value)), str(info.value)
