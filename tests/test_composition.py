"""The composition matrix: a fixed set of programs under every composition of depth 2 and 3 drawn
from {grad, vmap, jvp, vjp} (and ``jit`` when fungrad has it), each compared with the same
composition in JAX, in float64, to 1e-9 relative.

Every transformation is wrapped in an *adapter* that maps a function of one array ``x`` to another
function of an array of the same shape, so that adapters compose in any order:

* ``grad``: ``x -> grad(lambda x: sum(f(x) * w))(x)`` (a fixed weighting ``w`` keeps it non-degenerate)
* ``vmap``: ``x -> vmap(f)(stack([x, 0.5 * x - 0.2]))`` (a leading batch axis added to the input)
* ``jvp``:  ``x -> jvp(f, (x,), (v,))[1]`` with a fixed tangent ``v``
* ``vjp``:  ``x -> vjp(f, x)[1](ct)[0]`` with a fixed cotangent ``ct`` shaped like ``f(x)``
* ``jit``:  ``x -> jit(f)(x)`` (the identity on the JAX side: jit never changes values)

Each program is written once against a small namespace (``lib.np``, ``lib.nn``, ``lib.grad``...), so the
fungrad and the JAX versions are the same code.
"""

import itertools
import os
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.nn as fnn
import fungrad.numpy as fnp

FUNGRAD = types.SimpleNamespace(
    np=fnp, nn=fnn, grad=fungrad.grad, vmap=fungrad.vmap, jvp=fungrad.jvp, vjp=fungrad.vjp,
    jit=getattr(fungrad, "jit", None),
)  # fmt: skip
JAX = types.SimpleNamespace(np=jnp, nn=jax.nn, grad=jax.grad, vmap=jax.vmap, jvp=jax.jvp, vjp=jax.vjp, jit=None)

TRANSFORMS = ["grad", "vmap", "jvp", "vjp", "jit"]


def pattern(shape, phase=0.3):
    """A fixed, non-degenerate constant of ``shape`` (tangents, cotangents and weights)."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.cos(np.arange(size) * 0.7 + phase).reshape(shape)


# ----------------------------------------------------------------------------------------------
# Adapters


def adapt(name, f, lib):
    np_ = lib.np
    if name == "grad":

        def weighted_sum(x):
            y = f(x)
            return np_.sum(y * pattern(y.shape, 0.9))

        return lib.grad(weighted_sum)
    if name == "vmap":
        return lambda x: lib.vmap(f)(np_.stack([x, 0.5 * x - 0.2]))
    if name == "jvp":
        return lambda x: lib.jvp(f, (x,), (pattern(x.shape, 1.1),))[1]
    if name == "vjp":

        def vjp_adapter(x):
            y, pull = lib.vjp(f, x)
            return pull(pattern(y.shape, 2.3))[0]

        return vjp_adapter
    if name == "jit":
        return f if lib.jit is None else lib.jit(f)
    raise ValueError(name)


def compose(names, f, lib):
    """``names = ("grad", "vmap")`` gives ``grad(vmap(f))`` (outermost first)."""
    for name in reversed(names):
        f = adapt(name, f, lib)
    return f


# ----------------------------------------------------------------------------------------------
# Programs: each maps x of shape (2, 3) to an array; constants are NumPy arrays (fixed seeds).

_rng = np.random.default_rng(42)
X_IN = _rng.standard_normal((4, 2))
B1, W2, B2, W3, B3 = (_rng.standard_normal(s) * 0.5 for s in [(3,), (3, 4), (4,), (4, 3), (3,)])
LABELS = np.eye(3)[[0, 2, 1, 2]]
C3 = _rng.standard_normal((2, 3, 2))


def mlp_loss(lib):
    """A 3-layer MLP with softmax cross-entropy; x is the first weight matrix."""
    np_, nn = lib.np, lib.nn

    def f(w1):
        h = np_.tanh(X_IN @ w1 + B1)
        h = np_.tanh(h @ W2 + B2)
        logits = h @ W3 + B3
        return -np_.mean(np_.sum(nn.log_softmax(logits, axis=-1) * LABELS, axis=-1))

    return f


def softmax_xent(lib):
    """Per-example softmax cross-entropy of logits x against fixed one-hot labels."""
    np_, nn = lib.np, lib.nn
    return lambda x: -np_.sum(nn.log_softmax(x * 1.5, axis=-1) * LABELS[:2], axis=-1) + np_.sum(nn.softmax(x) ** 2)


def broadcasting(lib):
    """Outer differences, broadcasting of differently ranked operands."""
    np_ = lib.np
    return lambda x: np_.tanh(x[:, None, :] - x[None, :, :]) * x[None] + np_.exp(0.3 * x)[:, :, None].sum(-1)[None]


def reductions(lib):
    """Reductions over different axes, with and without keepdims."""
    np_ = lib.np
    return lambda x: (
        np_.sum(x**2, axis=0) * np_.max(x, axis=1, keepdims=True)
        + np_.mean(np_.exp(x), axis=(0, 1))
        - np_.min(np_.sin(x), axis=0)
    )


def batched_matmul(lib):
    """dot_general with a batch dimension (via matmul of rank-3 operands)."""
    np_ = lib.np

    def f(x):
        a = x[:, :, None] * C3  # (2, 3, 2)
        b = np_.swapaxes(np_.sin(a), 1, 2)  # (2, 2, 3)
        return np_.tanh(np_.matmul(a, b)) + np_.matmul(a, np_.ones((2, 1)))  # (2, 3, 3)

    return f


def closure_over_tracer(lib):
    """An inner function closes over the outer (traced) x and is itself differentiated."""
    np_ = lib.np

    def f(x):
        inner = lambda y: np_.sum(np_.sin(x * y) * x)
        g = lib.grad(inner)(x[0] + 0.1)  # (3,)
        return g * x + np_.cos(x) * np_.sum(g)

    return f


PROGRAMS = {
    f.__name__: f for f in [mlp_loss, softmax_xent, broadcasting, reductions, batched_matmul, closure_over_tracer]
}
X0 = np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.4]])

# Every composition of depth 2 runs on every program. Every composition of depth 3 runs on one program
# (round-robin), so each order of transformations is checked while the suite stays fast (XLA compiles
# every new primitive shape once per process, which dominates the cost);
# FUNGRAD_FULL_COMPOSITION_MATRIX=1 runs every depth-3 composition on every program (~900 cases).
FULL_MATRIX = os.environ.get("FUNGRAD_FULL_COMPOSITION_MATRIX", "") not in ("", "0")


def _cases():
    programs = sorted(PROGRAMS)
    for names in itertools.product(TRANSFORMS, repeat=2):
        for program in programs:
            yield program, names
    for i, names in enumerate(itertools.product(TRANSFORMS, repeat=3)):
        for j, program in enumerate(programs):
            if FULL_MATRIX or (i + 2 * (i // len(programs))) % len(programs) == j:
                yield program, names


CASES = list(_cases())


def assert_close(got, want, rtol=1e-9):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    scale = max(float(np.max(np.abs(want))), 1e-30) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_programs_match_jax(program):
    assert_close(PROGRAMS[program](FUNGRAD)(X0), PROGRAMS[program](JAX)(X0), rtol=1e-12)


@pytest.mark.parametrize("program,names", CASES, ids=[f"{p}:{'-'.join(n)}" for p, n in CASES])
def test_composition_matrix(program, names):
    got = compose(names, PROGRAMS[program](FUNGRAD), FUNGRAD)(X0)
    want = compose(names, PROGRAMS[program](JAX), JAX)(X0)
    assert_close(got, want)


# ----------------------------------------------------------------------------------------------
# vmap over a non-leading axis (in_axes=1, out_axes=-1) inside and outside differentiation


def vmap_axis1(f, lib):
    return lambda x: lib.vmap(f, in_axes=1, out_axes=-1)(lib.np.stack([x, 0.5 * x - 0.2, x**2], axis=1))


AXIS_CASES = {
    "grad(vmap1)": lambda f, lib: adapt("grad", vmap_axis1(f, lib), lib),
    "vmap1(grad)": lambda f, lib: vmap_axis1(adapt("grad", f, lib), lib),
    "jvp(vmap1)": lambda f, lib: adapt("jvp", vmap_axis1(f, lib), lib),
    "vmap1(vjp)": lambda f, lib: vmap_axis1(adapt("vjp", f, lib), lib),
}


@pytest.mark.parametrize("case", sorted(AXIS_CASES))
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_vmap_non_leading_axes_under_differentiation(program, case):
    got = AXIS_CASES[case](PROGRAMS[program](FUNGRAD), FUNGRAD)(X0)
    want = AXIS_CASES[case](PROGRAMS[program](JAX), JAX)(X0)
    assert_close(got, want)


# ----------------------------------------------------------------------------------------------
# Structured control flow (issue #11): programs with cond, scan, while_loop(max_steps) and fori_loop
# under every depth-3 composition (round-robin over these programs, as above), vs the same programs
# in jax.lax. JAX cannot reverse-differentiate while_loop, so its side of the bounded while is the
# same loop written as a fori_loop of conds (the oracle the issue names).

CF_FUNGRAD = types.SimpleNamespace(**vars(FUNGRAD), lax=fungrad.lax)
CF_JAX = types.SimpleNamespace(**vars(JAX), lax=jax.lax)
W_CF = _rng.standard_normal((3, 3)) * 0.6
CF_MAX_STEPS = 8


def _bounded_while(lib, pred, body, init):
    if lib.lax is fungrad.lax:
        return lib.lax.while_loop(pred, body, init, max_steps=CF_MAX_STEPS)
    return lib.lax.fori_loop(0, CF_MAX_STEPS, lambda i, c: lib.lax.cond(pred(c), body, lambda c: c, c), init)


def cond_program(lib):
    """A cond whose predicate depends on x (the vmap adapter's two examples take different branches)."""
    np_, lax = lib.np, lib.lax
    return lambda x: lax.cond(np_.sum(x) > 0, lambda x: np_.sin(x) * x, lambda x: np_.cos(x) * 2.0 + x, x) * x


def scan_program(lib):
    """An Elman RNN over the rows of x; the cell closes over a constant W and over x itself."""
    np_, lax = lib.np, lib.lax

    def f(x):
        step = lambda h, row: (np_.tanh(h @ W_CF + row * x[0]), h * row)  # noqa: E731
        h, ys = lax.scan(step, np_.ones(3) * 0.1, x)
        return ys + h

    return f


def while_program(lib):
    """A while_loop(max_steps) whose trip count depends on x, with a cond-free body."""
    np_ = lib.np

    def f(x):
        body = lambda c: c * 1.25 + np_.sin(c) * 0.3 + 0.1  # noqa: E731
        return _bounded_while(lib, lambda c: np_.sum(c * c) < 8.0, body, x) * x

    return f


def fori_program(lib):
    """A fori_loop with a static trip count (a scan) using the loop index."""
    np_, lax = lib.np, lib.lax
    return lambda x: lax.fori_loop(0, 3, lambda i, c: np_.tanh(c @ W_CF) * (i + 1.0) + x, x)


CF_PROGRAMS = {f.__name__: f for f in [cond_program, scan_program, while_program, fori_program]}


def _cf_cases():
    programs = sorted(CF_PROGRAMS)
    for i, names in enumerate(itertools.product(TRANSFORMS, repeat=3)):
        for j, program in enumerate(programs):
            if FULL_MATRIX or (i + 2 * (i // len(programs))) % len(programs) == j:
                yield program, names


CF_CASES = list(_cf_cases())


@pytest.mark.parametrize("program", sorted(CF_PROGRAMS))
def test_control_flow_programs_match_jax(program):
    assert_close(CF_PROGRAMS[program](CF_FUNGRAD)(X0), CF_PROGRAMS[program](CF_JAX)(X0), rtol=1e-12)


@pytest.mark.parametrize("program,names", CF_CASES, ids=[f"{p}:{'-'.join(n)}" for p, n in CF_CASES])
def test_control_flow_composition_matrix(program, names):
    got = compose(names, CF_PROGRAMS[program](CF_FUNGRAD), CF_FUNGRAD)(X0)
    want = compose(names, CF_PROGRAMS[program](CF_JAX), CF_JAX)(X0)
    assert_close(got, want)


# Perturbation confusion through a scan body: d/dx [x * d/dy scan(c + x * y, 3 steps)] with the scan
# body closing over the outer tracer x. The inner derivative is 3x (x is a constant to it), so the
# answer is d/dx 3x^2 = 6x; confusing the two perturbations would give 9x (or 3x).
def _confusion_scan(lib, outer, inner):
    def f(x):
        def g(y):
            return lib.lax.scan(lambda c, _: (c + x * y, None), 0.0, None, length=3)[0]

        return x * inner(lib, g)(0.7)

    return outer(lib, f)


def _d_grad(lib, f):
    return lib.grad(f)


def _d_jvp(lib, f):
    return lambda x: lib.jvp(f, (x,), (1.0,))[1]


@pytest.mark.parametrize("outer", [_d_grad, _d_jvp], ids=["grad", "jvp"])
@pytest.mark.parametrize("inner", [_d_grad, _d_jvp], ids=["grad", "jvp"])
@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_perturbation_confusion_through_scan_body(outer, inner, jit):
    x = 1.3
    got = _confusion_scan(CF_FUNGRAD, outer, inner)
    got = fungrad.jit(got)(x) if jit else got(x)
    want = _confusion_scan(CF_JAX, outer, inner)(x)
    assert_close(got, want, rtol=1e-12)
    assert abs(float(got) - 6 * x) < 1e-12
    # ... and under vmap of the outer derivative, one example per x
    xs = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(np.asarray(fungrad.vmap(_confusion_scan(CF_FUNGRAD, outer, inner))(xs)), 6 * xs)
