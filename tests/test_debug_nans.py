"""fungrad.debug.print / callback (run with the program: under jit, vmap, loops; ignored by
differentiation) and the debug_nans / debug_infs origin reports (forward and backward pass, the user's
line, the forward code a backward equation differentiates, the where-trap hint, the scan step)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad import lax


@pytest.fixture
def debug(request):
    option = request.param
    fungrad.config.update(option, True)
    yield
    fungrad.config.update(option, False)


def line_of(marker: str) -> int:
    with open(__file__) as f:
        return next(i for i, text in enumerate(f, 1) if marker in text and "line_of" not in text)


# ---- callbacks -------------------------------------------------------------------------------------


def test_callback_runs_with_the_program_not_with_the_trace():
    seen = []
    f = fungrad.jit(lambda x: (fungrad.debug.callback(lambda v: seen.append(float(v)), x), x * 2.0)[1])
    f(1.0)
    f(2.0)  # cached: no new trace, but the callback runs again
    assert seen == [1.0, 2.0]


def test_print_under_vmap_runs_once_per_example_in_order(capsys):
    fungrad.vmap(lambda x: (fungrad.debug.print("x={} twice={t}", x, t=2 * x), x)[1])(np.arange(3.0))
    assert capsys.readouterr().out.splitlines() == ["x=0.0 twice=0.0", "x=1.0 twice=2.0", "x=2.0 twice=4.0"]


def test_print_inside_a_scan_and_ignored_by_differentiation(capsys):
    def f(x):
        def step(c, x_t):
            fungrad.debug.print("c={}", c)
            return c * x_t, c

        return lax.scan(step, 1.0, x)[0]

    g = fungrad.jit(fungrad.grad(f))(np.array([2.0, 3.0]))
    assert float(g[0]) == 3.0 and float(g[1]) == 2.0
    assert capsys.readouterr().out.splitlines() == ["c=1.0", "c=2.0"]  # primal values, once per step


def test_a_callback_is_never_removed_as_dead_code():
    seen = []

    def f(x):
        lax.scan(lambda c, x_t: (fungrad.debug.callback(seen.append, x_t), (c, None))[1], 0.0, x)
        return x * 1.0

    fungrad.jit(f)(np.arange(2.0))
    assert [float(v) for v in seen] == [0.0, 1.0]


# ---- NaN / Inf origins -------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", ["debug_nans"], indirect=True)
def test_nan_in_the_forward_pass_names_the_primitive_and_line(debug):
    def f(x):
        return fnp.log(x) * 2.0  # forward-nan-line

    with pytest.raises(FloatingPointError) as info:
        f(-1.0)
    text = str(info.value)
    line = line_of("forward-nan-line")
    assert (
        text.splitlines()[0]
        == f"[debug_nans] NaN produced in the forward pass by `log` at test_debug_nans.py:{line} (f)"
    )
    assert "inputs: f64[] min=-1 max=-1 finite" in text or "inputs: f32[] min=-1 max=-1 finite" in text


@pytest.mark.parametrize("debug", ["debug_nans"], indirect=True)
@pytest.mark.parametrize("compiled", [False, True])
def test_the_where_trap_in_the_backward_pass_suggests_the_double_where(debug, compiled):
    def f(x):
        return fnp.where(x > 0, fnp.sqrt(x), 0.0)  # where-trap-line

    g = fungrad.grad(f)
    with pytest.raises(FloatingPointError) as info:
        (fungrad.jit(g) if compiled else g)(0.0)
    text = str(info.value)
    line = line_of("where-trap-line")
    assert re.match(
        rf"\[debug_nans\] NaN produced in the backward pass by `\w+` at test_debug_nans.py:{line} \(f\)", text
    )
    assert f"it differentiates the forward code at test_debug_nans.py:{line} (f): return fnp.where(x > 0" in text
    assert "double-where" in text


@pytest.mark.parametrize("debug", ["debug_infs"], indirect=True)
def test_infinities_from_log_zero_and_exp_overflow(debug):
    with pytest.raises(FloatingPointError, match=r"\[debug_infs\] Inf produced in the forward pass by `exp`"):
        fnp.exp(1000.0)
    with pytest.raises(FloatingPointError, match=r"\[debug_infs\] Inf produced in the forward pass by `log`"):
        fungrad.grad(fnp.log)(0.0)


@pytest.mark.parametrize("debug", ["debug_nans"], indirect=True)
@pytest.mark.parametrize("compiled", [False, True])
def test_nan_inside_a_scan_step_reports_the_step(debug, compiled):
    def f(x):
        def step(c, x_t):
            return c + fnp.log(x_t), c  # scan-step-line

        return lax.scan(step, 0.0, x)[0]

    run = fungrad.jit(f) if compiled else f
    with pytest.raises(FloatingPointError) as info:
        run(np.array([1.0, 2.0, -1.0, 3.0]))
    text = str(info.value)
    assert f"by `log` at test_debug_nans.py:{line_of('scan-step-line')} (step)" in text
    assert text.rstrip().endswith("in step 2 (zero-based) of a scan")


@pytest.mark.parametrize("debug", ["debug_nans"], indirect=True)
def test_nan_under_vmap_is_found_in_the_batched_program(debug):
    with pytest.raises(FloatingPointError, match=r"NaN produced in the forward pass by `log`"):
        fungrad.vmap(fnp.log)(np.array([1.0, -1.0]))


def test_no_checks_when_the_options_are_off():
    assert np.isnan(float(fnp.log(-1.0)))
    assert np.isnan(float(fungrad.jit(fungrad.grad(lambda x: fnp.where(x > 0, fnp.sqrt(x), 0.0)))(0.0)))
