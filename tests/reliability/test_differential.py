"""Property-based differential test: random straight-line programs, fungrad vs JAX (#17).

Hypothesis draws a short program over two vector inputs from a table of operations that exist in
both ``fungrad.numpy`` and ``jax.numpy`` (kept finite on every real input, so values never overflow),
and checks value, ``grad``, ``jvp``, ``vjp``, ``vmap`` and ``jit`` against JAX in float64.

CI runs a small fixed budget (``derandomize=True``: the same programs every run). For a deeper search
set ``FUNGRAD_HYPOTHESIS_EXAMPLES=2000`` (and optionally ``FUNGRAD_HYPOTHESIS_RANDOM=1`` to draw new
programs each run); hypothesis prints the smallest failing program.
"""

import os

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fungrad
import fungrad.numpy as fnp

EXAMPLES = int(os.environ.get("FUNGRAD_HYPOTHESIS_EXAMPLES", "25"))
RANDOM = os.environ.get("FUNGRAD_HYPOTHESIS_RANDOM", "") not in ("", "0")
RTOL, ATOL = 1e-9, 1e-12

# name -> (arity, op(np_, a, b)): written once, run with np_ = fungrad.numpy and np_ = jax.numpy.
OPS = {
    "sin": (1, lambda np_, a, b: np_.sin(a)),
    "cos": (1, lambda np_, a, b: np_.cos(a)),
    "tanh": (1, lambda np_, a, b: np_.tanh(a)),
    "arctan": (1, lambda np_, a, b: np_.arctan(a)),
    "exp_tanh": (1, lambda np_, a, b: np_.exp(np_.tanh(a))),
    "log1p_sq": (1, lambda np_, a, b: np_.log1p(a * a)),
    "sqrt_1p_sq": (1, lambda np_, a, b: np_.sqrt(a * a + 1.0)),
    "cube_tanh": (1, lambda np_, a, b: np_.tanh(a) ** 3),
    "neg_abs": (1, lambda np_, a, b: -np_.abs(a) + 0.5 * a),
    "add": (2, lambda np_, a, b: a + b),
    "sub": (2, lambda np_, a, b: a - 2.0 * b),
    "mul_tanh": (2, lambda np_, a, b: np_.tanh(a) * np_.tanh(b)),
    "div": (2, lambda np_, a, b: a / (1.0 + b * b)),
    "pow": (2, lambda np_, a, b: (1.0 + a * a) ** np_.tanh(b)),
    "maximum": (2, lambda np_, a, b: np_.maximum(np_.tanh(a), np_.tanh(b))),
    "where": (2, lambda np_, a, b: np_.where(a > b, np_.sin(a), np_.cos(b))),
    "dot_bcast": (2, lambda np_, a, b: a * np_.tanh(np_.sum(b * a))),
    "cumsum": (1, lambda np_, a, b: np_.tanh(np_.cumsum(a))),
    "flip_mul": (2, lambda np_, a, b: a * np_.flip(np_.tanh(b))),
}


@st.composite
def programs(draw):
    """A list of (op, i, j): value k+2 is OPS[op] applied to values i and j (0, 1 are the inputs)."""
    steps = []
    for k in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(sorted(OPS)))
        i = draw(st.integers(0, k + 1))
        j = draw(st.integers(0, k + 1))
        steps.append((name, i, j))
    return steps


def build(program, np_):
    def f(x, y):
        values = [x, y]
        for name, i, j in program:
            values.append(OPS[name][1](np_, values[i], values[j]))
        return values[-1]

    return f


finite = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, width=64)
vectors = st.lists(finite, min_size=3, max_size=3).map(np.array)


def close(a, b):
    for u, v in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=RTOL, atol=ATOL)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(program=programs(), x=vectors, y=vectors, t=vectors)
def test_random_programs_match_jax(program, x, y, t):
    f, jf = build(program, fnp), build(program, jnp)
    # value
    close(f(x, y), jf(x, y))
    # grad of a scalar loss, both arguments
    loss = lambda np_, g: lambda x, y: np_.sum(g(x, y) * t)  # noqa: E731
    close(fungrad.grad(loss(fnp, f), argnums=(0, 1))(x, y), jax.grad(loss(jnp, jf), argnums=(0, 1))(x, y))
    # jvp and vjp
    close(fungrad.jvp(f, (x, y), (t, x)), jax.jvp(jf, (x, y), (t, x)))
    out, f_vjp = fungrad.vjp(f, x, y)
    ref, j_vjp = jax.vjp(jf, x, y)
    close(out, ref)
    close(f_vjp(t), j_vjp(t))
    # vmap over a batch, with one argument unbatched
    xs = np.stack([x, t, y])
    close(fungrad.vmap(f, in_axes=(0, None))(xs, y), jax.vmap(jf, in_axes=(0, None))(xs, y))
    # jit, and jit of grad
    close(fungrad.jit(f)(x, y), jf(x, y))
    close(fungrad.jit(fungrad.grad(loss(fnp, f)))(x, y), jax.grad(loss(jnp, jf))(x, y))
