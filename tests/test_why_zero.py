"""fungrad.debug.why_zero: each reason a gradient is exactly zero, found in the IR, with the user's line."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import lax, nn
from fungrad._src import why_zero as why_zero_module

HERE = "test_why_zero.py"


def _line(fn, offset=1):
    """The source line ``offset`` lines below ``fn``'s ``def``."""
    return f"{HERE}:{fn.__code__.co_firstlineno + offset} ({fn.__name__})"


def _check_zero_grads(f, args, argnums):
    """The report's zero counts are those of JAX's gradient of the same function."""
    grads = jax.grad(f, argnums=argnums)(*args)
    return [int(np.sum(np.asarray(g) == 0)) for g in grads]


def test_no_data_dependence_and_static_cuts():
    def f(w, b, unused, x):
        k = fnp.argmax(x @ w, axis=-1).astype(fnp.float64)
        c = (b > 0).astype(fnp.float64)
        r = fnp.round(b) + fnp.floor(w)
        return fnp.sum(k) + fnp.sum(c) + fnp.sum(r) + fnp.sum(fungrad.lax.stop_gradient(x))

    x = fnp.array([[1.0, 2.0], [3.0, -1.0]])
    w, b = fnp.array([[1.0, 0.5], [-1.0, 2.0]]), fnp.array([0.3, -0.2])
    report = fungrad.debug.why_zero(f, argnums=(0, 1, 2, 3))(w, b, fnp.ones(3), x)
    assert report.zero == {"args[0]": (4, 4), "args[1]": (2, 2), "args[2]": (3, 3), "args[3]": (4, 4)}
    assert report.kinds("args[0]") == ["zero_derivative", "zero_derivative"]
    assert [r.primitive for r in report.reasons_for("args[0]")] == ["argmax", "floor"]
    assert [str(r.source) for r in report.reasons_for("args[0]")] == [_line(f, 1), _line(f, 3)]
    assert report.kinds("args[1]") == ["comparison", "zero_derivative"]
    assert report.kinds("args[2]") == ["no_dependence"]
    assert report.kinds("args[3]") == ["zero_derivative", "stop_gradient"]
    text = str(report)
    assert f"  - comparison at {_line(f, 2)}: a comparison (`gt`) has no derivative" in text
    assert f"  - stop_gradient at {_line(f, 4)}: stop_gradient blocks the derivative" in text
    assert "args[2]: the whole gradient is zero\n  - no_dependence: no output depends on this input" in text


def test_integer_cast():
    def f(x):
        return fnp.sum(x.astype(fnp.int32).astype(fnp.float64))

    report = fungrad.debug.why_zero(f)(fnp.array([1.5, 2.5]))
    assert report.kinds("args[0]") == ["integer_cast"]
    assert str(report.reasons[0]) == f"integer_cast at {_line(f)}: a cast to int32 drops the derivative"


def test_where_branch_not_taken_and_taken_branch_has_gradient():
    def f(x):
        return fnp.sum(fnp.where(x > 10.0, x**2, 1.0))

    report = fungrad.debug.why_zero(f)(fnp.array([1.0, 2.0]))
    assert str(report) == (
        "why_zero: 1 of 1 input leaves have exactly-zero gradients\n"
        "args[0]: the whole gradient is zero\n"
        f"  - where_not_taken at {_line(f)}: the where/select operand x (condition True) is selected nowhere "
        "on these inputs"
    )
    assert str(fungrad.debug.why_zero(f)(fnp.array([11.0, 12.0]))).startswith("why_zero: no input among args[0]")


def test_dead_relu_layer_whole_and_partial_eager_and_jit():
    def layer(w, x):
        return fnp.sum(nn.relu(x @ w - 100.0))

    x = fnp.array([[1.0, 1.0], [2.0, 0.5]])
    w = fnp.array([[1.0, -1.0], [2.0, -3.0]])
    for fn in (layer, fungrad.jit(layer)):
        report = fungrad.debug.why_zero(fn)(w, x)
        assert report.zero == {"args[0]": (4, 4)}
        (reason,) = report.reasons
        assert reason.kind == "relu_inactive" and reason.primitive == "select_n"
        assert (
            str(reason)
            == f"relu_inactive at {_line(layer)}: ReLU inactive on every element: its input is <= 0 everywhere"
        )

    def partial(w, b, x):
        return fnp.sum(nn.relu(x @ w + b))

    report = fungrad.debug.why_zero(partial, argnums=(0, 1))(w, fnp.zeros(2), x)
    assert report.zero == {"args[0]": (2, 4), "args[1]": (1, 2)}
    assert _check_zero_grads(lambda w, b, x: jnp.sum(jax.nn.relu(x @ w + b)), (w, jnp.zeros(2), x), (0, 1)) == [2, 1]
    reason = report.reasons_for("args[0]")[0]
    assert reason.elements == (1,)
    assert str(reason) == (
        f"relu_inactive at {_line(partial)}: ReLU units [1] (of 2) are inactive on the whole batch of 2 "
        "(input <= 0 for every example)"
    )


def test_max_with_zero_inactive():
    def f(x):
        return fnp.sum(fnp.maximum(x, 0.0))

    report = fungrad.debug.why_zero(f)(-fnp.ones(3))
    assert [str(r) for r in report.reasons] == [
        f"relu_inactive at {_line(f)}: max(x, 0) with x <= 0 everywhere: the ReLU is inactive"
    ]


def test_inside_scan_stop_gradient_cut(monkeypatch):
    def f(xs):
        def body(h, x):
            return h + fungrad.lax.stop_gradient(x) * h, None

        return lax.scan(body, 1.0, xs)[0]

    report = fungrad.debug.why_zero(f)(fnp.ones(3))
    line = f"{HERE}:{f.__code__.co_firstlineno + 2} (body)"
    assert [str(r) for r in report.reasons] == [
        f"stop_gradient at {line}: stop_gradient blocks the derivative (at every step of the scan)"
    ]
    monkeypatch.setattr(why_zero_module, "MAX_SCAN_STEPS", 0)  # the static analysis (values unknown)
    report = fungrad.debug.why_zero(f)(fnp.ones(3))
    assert [str(r) for r in report.reasons] == [f"stop_gradient at {line}: stop_gradient blocks the derivative"]


def test_inside_scan_values_dead_relu_and_where_by_step():
    def f(w, xs):
        def body(h, x):
            return h + nn.relu(x * w - 10.0) + fnp.where(x > 2.0, w, 0.0), None

        return lax.scan(body, 0.0, xs)[0]

    report = fungrad.debug.why_zero(f)(2.0, fnp.array([1.0, 2.0, 1.0]))
    line = f"{HERE}:{f.__code__.co_firstlineno + 2} (body)"
    assert [str(r) for r in report.reasons] == [
        f"relu_inactive at {line}: ReLU inactive on every element: its input is <= 0 everywhere "
        "(at every step of the scan)",
        f"where_not_taken at {line}: the where/select operand x (condition True) is selected nowhere on these "
        "inputs (at every step of the scan)",
    ]
    report = fungrad.debug.why_zero(f)(2.0, fnp.array([1.0, 3.0, 1.0]))
    assert report.zero == {}


def test_cond_branch_not_taken():
    def f(x):
        return lax.cond(fnp.sum(x) > 100.0, lambda x: fnp.sum(x), lambda x: 1.0 + 0.0 * fnp.sum(fnp.floor(x)), x)

    report = fungrad.debug.why_zero(f)(fnp.ones(3))
    assert report.kinds("args[0]") == ["zero_derivative", "cond_branch_not_taken"]
    assert str(report.reasons[1]) == (
        f"cond_branch_not_taken at {_line(f)}: cond takes its false branch (index 0); the derivative flows "
        "only in the other branch(es)"
    )


def test_through_vmap_and_custom_rule_and_value_zero():
    def f(x):
        return fnp.sum(fungrad.vmap(fnp.sign)(x))

    report = fungrad.debug.why_zero(f)(fnp.ones((2, 2)))
    assert [(r.kind, r.primitive, str(r.source)) for r in report.reasons] == [("zero_derivative", "sign", _line(f))]

    @fungrad.custom_jvp
    def frozen(x):
        return fnp.sin(x)

    frozen.defjvp(lambda primals, tangents: (frozen(*primals), 0.0 * tangents[0]))
    report = fungrad.debug.why_zero(lambda x: fnp.sum(frozen(x)))(fnp.ones(2))
    assert report.kinds("args[0]") == ["value_zero"]
    assert "a derivative path exists but its value is exactly zero" in str(report)

    report = fungrad.debug.why_zero(lambda x: fnp.sum(x * fnp.array([0.0, 1.0])))(fnp.ones(2))
    assert report.zero == {"args[0]": (1, 2)}
    assert report.reasons[0].message.endswith("zero at (0,)")


def test_errors():
    with pytest.raises(TypeError, match=r"\[why_zero\] argnums=3 refers to positional argument 3"):
        fungrad.debug.why_zero(lambda x: x, argnums=3)(1.0)


def test_where_partially_taken_explains_the_zero_elements():
    def f(x):
        return fnp.sum(fnp.where(x > 0, x**2, 0.0))

    x = fnp.array([[1.0, -2.0], [3.0, -4.0]])
    report = fungrad.debug.why_zero(f)(x)
    assert report.zero == {"args[0]": (2, 4)}
    assert _check_zero_grads(lambda x: jnp.sum(jnp.where(x > 0, x**2, 0.0)), (x,), (0,)) == [2]
    (reason,) = report.reasons
    assert reason.elements == ((0, 1), (1, 1))
    assert str(reason) == (
        f"where_not_taken at {_line(f)}: the where/select operand x (condition True) is not selected at 2 of 4 "
        "elements on these inputs: (0, 1), (1, 1)"
    )


def test_elements_never_read_by_indexing_and_checkpoint_is_entered():
    def f(x, i):
        return fnp.sum(x[i] ** 2) + fnp.sum(x[:1])

    x = fnp.array([1.0, 2.0, 3.0, 4.0])
    report = fungrad.debug.why_zero(f)(x, fnp.array([0, 2]))
    assert report.zero == {"args[0]": (2, 4)}
    assert [str(r) for r in report.reasons] == [
        f"not_read at {_line(f)}: `gather` reads 2 of 4 elements; never read: (1,), (3,)"
    ]

    def g(x):
        return fungrad.checkpoint(lambda x: fnp.sum(fnp.round(fnp.sin(x))))(x)

    report = fungrad.debug.why_zero(g)(x)
    assert [(r.kind, r.primitive, str(r.source)) for r in report.reasons] == [
        ("zero_derivative", "round", f"{HERE}:{g.__code__.co_firstlineno + 1} (<lambda>)")
    ]
