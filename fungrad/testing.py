"""``fungrad.testing``: check derivatives numerically and against JAX.

Two public checkers, for fungrad's own tests and for users who want to cross-check their models:

* :func:`check_grads` compares fungrad's forward mode (``jvp``) with central finite differences and
  its reverse mode (``vjp``) with the dot-product identity ``<ct, J t> == <J^T ct, t>`` (``J t`` by
  finite differences), along random directions, and recursively checks the derivative of the
  ``jvp``/``vjp`` functions themselves up to ``order``.
* :func:`check_against_jax` runs one program through fungrad and through JAX and compares values,
  gradients, jvps and vjps, reporting the first disagreement.

Both take pytrees of arrays as arguments and raise ``AssertionError`` with a message that names the
quantity, the argument or output path, the shapes and the maximum absolute and relative errors.
This module is the one place inside ``fungrad/`` allowed to call JAX's transformations: JAX is the
oracle here, never a building block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import numpy as np
from jax import tree_util

from fungrad._src import api, core

__all__ = ["check_against_jax", "check_grads"]

# Finite-difference step and tolerance per floating dtype (wider types allow a smaller step).
_FD_EPS = {np.dtype(np.float64): 1e-4, np.dtype(np.float32): 1e-3, np.dtype(np.float16): 1e-2}
_FD_TOL = {np.dtype(np.float64): 1e-5, np.dtype(np.float32): 2e-2, np.dtype(np.float16): 1e-1}
# Tolerance for fungrad vs JAX (the same maths, possibly in a different but equivalent form).
_JAX_TOL = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-4, np.dtype(np.float16): 1e-2}


# ----------------------------------------------------------------------------------------------
# Pytree helpers


def _dtype(x) -> np.dtype:
    return core.get_aval(x).dtype if core.is_array_like(x) else np.dtype(np.asarray(x).dtype)


def _is_float(x) -> bool:
    return core.is_differentiable_dtype(_dtype(x))


def _as_array(x):
    return x if isinstance(x, (jax.Array, core.Tracer)) else jax.numpy.asarray(x)


def _widest_float(leaves) -> np.dtype:
    floats = [_dtype(x) for x in leaves if _is_float(x)]
    if not floats:
        return np.dtype(np.float64)
    return max(floats, key=lambda d: np.finfo(d).bits)


def _lookup(table, dtype) -> float:
    dtype = np.dtype(dtype)
    dtype = np.finfo(dtype).dtype if dtype.kind == "c" else dtype  # complex: its parts' tolerance
    return table.get(dtype, table[np.dtype(np.float16)])


def _wide(x) -> np.ndarray:
    """``x`` in float64, or complex128 when complex (compared and differenced without losing a part)."""
    x = np.asarray(x)
    return x.astype(np.complex128) if np.iscomplexobj(x) else x.astype(np.float64)


def _random_like(x, rng: np.random.Generator):
    """A standard-normal array like ``x`` (float0 zeros for integer and boolean leaves)."""
    shape = np.shape(x)
    if not _is_float(x):
        return np.zeros(shape, dtype=jax.dtypes.float0)
    if np.issubdtype(_dtype(x), np.complexfloating):
        return jax.numpy.asarray(rng.normal(size=shape) + 1j * rng.normal(size=shape), dtype=_dtype(x))
    return jax.numpy.asarray(rng.normal(size=shape), dtype=_dtype(x))


def _random_tree(tree, rng: np.random.Generator):
    return tree_util.tree_map(lambda x: _random_like(x, rng), tree)


def _paths(tree, prefix: str) -> list[str]:
    return [prefix + tree_util.keystr(p) for p, _ in tree_util.tree_flatten_with_path(tree)[0]]


def _describe(x) -> str:
    return f"shape {tuple(np.shape(x))} {np.dtype(_dtype(x)).name}"


def _errors(got, want) -> tuple[float, float, tuple]:
    """Max absolute and relative error, and the index of the worst element (nan == nan, inf == inf)."""
    got, want = _wide(got), _wide(want)
    if got.size == 0:
        return 0.0, 0.0, ()
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    with np.errstate(invalid="ignore", over="ignore"):
        abs_err = np.where(same, 0.0, np.abs(got - want))
        abs_err = np.where(np.isnan(abs_err), np.inf, abs_err)
        rel_err = abs_err / np.maximum(np.abs(want), np.finfo(np.float64).tiny)
    worst = np.unravel_index(int(np.argmax(abs_err)), abs_err.shape) if abs_err.ndim else ()
    return float(abs_err.max()), float(np.max(np.where(same, 0.0, rel_err))), worst


def _close(got, want, atol: float, rtol: float) -> bool:
    got, want = _wide(got), _wide(want)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = (got == want) | (np.isnan(got) & np.isnan(want)) | (np.abs(got - want) <= atol + rtol * np.abs(want))
    return bool(np.all(ok))


def _mismatch(what: str, path: str, got, want, atol: float, rtol: float) -> str:
    abs_err, rel_err, worst = _errors(got, want)
    at = ""
    if np.ndim(want):
        at = f"; worst at index {tuple(int(i) for i in worst)}: fungrad {np.asarray(got)[worst].item()!r}"
        at += f" vs jax {np.asarray(want)[worst].item()!r}"
    elif np.size(want):
        at = f"; fungrad {np.asarray(got).item()!r} vs jax {np.asarray(want).item()!r}"
    return (
        f"{what} disagrees at {path} ({_describe(want)}): max abs err {abs_err:.3g}, max rel err "
        f"{rel_err:.3g} (atol={atol:g}, rtol={rtol:g}){at}"
    )


# ----------------------------------------------------------------------------------------------
# check_grads


def _numerical_jvp(f: Callable, args: tuple, tangents: tuple, eps: float) -> list:
    """Central differences ``(f(x + eps t) - f(x - eps t)) / 2 eps`` for every output leaf (float64)."""

    def shifted(sign):
        def move(x, t):
            if not _is_float(x):
                return x
            moved = _wide(x) + sign * eps * _wide(t)
            return jax.numpy.asarray(moved, dtype=_dtype(x))

        return tree_util.tree_leaves(f(*tree_util.tree_map(move, args, tangents)))

    plus, minus = shifted(1.0), shifted(-1.0)
    return [
        (_wide(p) - _wide(m)) / (2 * eps) if _is_float(p) else None
        for p, m in zip(plus, minus)
    ]


def _inner(xs, ys) -> float:
    total = 0.0
    for x, y in zip(xs, ys):
        if x is None or y is None or not _is_float(x) or not _is_float(y):
            continue
        # the real pairing Re(sum(x * y)): the one JAX's complex transposes are taken with respect to
        total += float(np.real(np.sum(_wide(x) * _wide(y))))
    return total


def _only_leaf(tangents, index: int):
    """``tangents`` with every float leaf but the ``index``-th zeroed (to find the guilty argument)."""
    leaves, tree = tree_util.tree_flatten(tangents)
    out = [t if i == index or not _is_float(t) else jax.numpy.zeros_like(t) for i, t in enumerate(leaves)]
    return tree_util.tree_unflatten(tree, out)


class _Level:
    """One function being checked: ``f`` of ``args``, with names for its argument leaves and a label."""

    def __init__(self, f, args, arg_names, label, order):
        self.f, self.args, self.arg_names, self.label, self.order = f, args, arg_names, label, order

    def fail(self, mode: str, detail: str, guilty: Sequence[str]):
        which = f"; argument(s) responsible: {', '.join(guilty)}" if guilty else ""
        raise AssertionError(
            f"check_grads: {mode} mode, order {self.order} (checking {self.label}): {detail}{which}"
        ) from None


def _check_jvp(level: _Level, tangents, eps, atol, rtol):
    f, args = level.f, level.args
    _, t_out = api.jvp(f, args, tangents)
    expected = _numerical_jvp(f, args, tangents, eps)
    got_leaves = tree_util.tree_leaves(t_out)
    out_names = _paths(t_out, "output")
    for name, got, want in zip(out_names, got_leaves, expected):
        if want is None or _close(got, want, atol, rtol):
            continue
        abs_err, rel_err, _ = _errors(got, want)
        guilty = _guilty_args(level, tangents, lambda t: _jvp_ok(f, args, t, eps, atol, rtol))
        level.fail(
            "forward (jvp)",
            f"jvp tangent at {name} ({_describe(got)}) differs from central finite differences "
            f"(eps={eps:g}): max abs err {abs_err:.3g}, max rel err {rel_err:.3g} (atol={atol:g}, rtol={rtol:g})",
            guilty,
        )


def _jvp_ok(f, args, tangents, eps, atol, rtol) -> bool:
    _, t_out = api.jvp(f, args, tangents)
    expected = _numerical_jvp(f, args, tangents, eps)
    return all(w is None or _close(g, w, atol, rtol) for g, w in zip(tree_util.tree_leaves(t_out), expected))


def _check_vjp(level: _Level, tangents, cts, eps, atol, rtol):
    f, args = level.f, level.args
    lhs, rhs = _vjp_products(f, args, tangents, cts, eps)
    if _close(rhs, lhs, atol, rtol):
        return
    guilty = _guilty_args(level, tangents, lambda t: _close(*_vjp_products(f, args, t, cts, eps)[::-1], atol, rtol))
    abs_err = abs(lhs - rhs)
    level.fail(
        "reverse (vjp)",
        f"dot-product check <ct, J t> == <J^T ct, t> failed: <ct, J t> = {lhs:.10g} (J t by central finite "
        f"differences, eps={eps:g}) but <vjp(ct), t> = {rhs:.10g}: abs err {abs_err:.3g}, rel err "
        f"{abs_err / max(abs(lhs), 1e-300):.3g} (atol={atol:g}, rtol={rtol:g})",
        guilty,
    )


def _vjp_products(f, args, tangents, cts, eps) -> tuple[float, float]:
    _, f_vjp = api.vjp(f, *args)
    cts_in = f_vjp(cts)
    lhs = _inner(tree_util.tree_leaves(cts), _numerical_jvp(f, args, tangents, eps))
    rhs = _inner(tree_util.tree_leaves(cts_in), tree_util.tree_leaves(tangents))
    return lhs, rhs


def _guilty_args(level: _Level, tangents, ok: Callable) -> list[str]:
    """The argument leaves which, perturbed alone, reproduce the failure."""
    leaves = tree_util.tree_leaves(tangents)
    if sum(_is_float(t) for t in leaves) <= 1:
        return [n for n, t in zip(level.arg_names, leaves) if _is_float(t)]
    return [
        n for i, (n, t) in enumerate(zip(level.arg_names, leaves)) if _is_float(t) and not ok(_only_leaf(tangents, i))
    ]


def _check_level(level: _Level, modes, max_order, eps, atol, rtol, rng):
    args = level.args
    if "fwd" in modes:
        tangents = _random_tree(args, rng)
        _check_jvp(level, tangents, eps, atol, rtol)
        if level.order < max_order:
            f_jvp = lambda primals, tangents: api.jvp(level.f, primals, tangents)  # noqa: E731
            names = [*level.arg_names, *(f"tangent of {n}" for n in level.arg_names)]
            inner = _Level(f_jvp, (args, tangents), names, f"jvp of {level.label}", level.order + 1)
            _check_level(inner, modes, max_order, eps, atol, rtol, rng)
    if "rev" in modes:
        tangents = _random_tree(args, rng)
        cts = _random_tree(level.f(*args), rng)
        _check_vjp(level, tangents, cts, eps, atol, rtol)
        if level.order < max_order:
            f_vjp = lambda *primals: api.vjp(level.f, *primals)[1](cts)  # noqa: E731
            inner = _Level(f_vjp, args, level.arg_names, f"vjp of {level.label}", level.order + 1)
            _check_level(inner, modes, max_order, eps, atol, rtol, rng)


def check_grads(
    f: Callable,
    args: Sequence,
    order: int = 2,
    modes: Sequence[str] = ("fwd", "rev"),
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
) -> None:
    """Check fungrad's derivatives of ``f`` at ``args`` numerically, up to ``order``.

    Forward mode compares ``fungrad.jvp`` along a random tangent with central finite differences.
    Reverse mode checks the dot-product identity ``<ct, J t> == <vjp(ct), t>`` for random ``t`` and
    ``ct`` (``J t`` by finite differences, so reverse mode is checked independently of forward mode).
    For ``order > 1`` the functions ``(primals, tangents) -> jvp(f, primals, tangents)`` and
    ``primals -> vjp(f, *primals)[1](ct)`` are checked the same way, in every requested mode
    (forward-over-reverse included), recursively. Integer and boolean leaves are held fixed.

    Args:
        f: a function of positional arguments (pytrees of arrays) written with fungrad.
        args: tuple of the arguments at which to check.
        order: highest derivative order to check (1 = first derivatives only).
        modes: any of ``"fwd"`` and ``"rev"``.
        eps: finite-difference step (default by dtype: 1e-4 in float64, 1e-3 in float32).
        atol, rtol: tolerances (default by dtype: 1e-5 in float64, 2e-2 in float32).
        seed: seed of the random directions.

    Raises:
        AssertionError: naming the mode, the order, the failing output, the argument(s) responsible and
            the maximum absolute and relative errors.

    >>> import fungrad.numpy as fnp
    >>> from fungrad.testing import check_grads
    >>> check_grads(lambda x, y: fnp.sin(x) * y, (fnp.array([0.5, 1.0]), 2.0), order=2)
    """
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"check_grads: args must be a tuple of positional arguments, got {type(args).__name__}")
    unknown = set(modes) - {"fwd", "rev"}
    if unknown:
        raise ValueError(f"check_grads: unknown modes {sorted(unknown)}; use 'fwd' and/or 'rev'")
    if order < 1:
        raise ValueError(f"check_grads: order must be >= 1, got {order}")
    args = tree_util.tree_map(_as_array, tuple(args))
    dtype = _widest_float(tree_util.tree_leaves(args))
    eps = _lookup(_FD_EPS, dtype) if eps is None else eps
    atol = _lookup(_FD_TOL, dtype) if atol is None else atol
    rtol = _lookup(_FD_TOL, dtype) if rtol is None else rtol
    level = _Level(f, args, _paths(args, "args"), "f", 1)
    _check_level(level, tuple(modes), order, eps, atol, rtol, np.random.default_rng(seed))


# ----------------------------------------------------------------------------------------------
# check_against_jax


def _compare(what: str, got, want, atol, rtol, check_dtypes: bool, names: Sequence[str]) -> None:
    got_leaves, got_tree = tree_util.tree_flatten(got)
    want_leaves, want_tree = tree_util.tree_flatten(want)
    if got_tree != want_tree:
        raise AssertionError(
            f"check_against_jax: {what} has a different structure: fungrad {got_tree} vs jax {want_tree}"
        )
    for path, g, w in zip(names, got_leaves, want_leaves):
        g_dtype, w_dtype = _dtype(g), _dtype(w)
        if np.shape(g) != np.shape(w) or (check_dtypes and g_dtype != w_dtype):
            raise AssertionError(
                f"check_against_jax: {what} at {path}: fungrad gives {_describe(g)} but jax gives {_describe(w)}"
            )
        if g_dtype == jax.dtypes.float0 or w_dtype == jax.dtypes.float0:
            continue
        if not _close(g, w, atol, rtol):
            raise AssertionError("check_against_jax: " + _mismatch(what, path, g, w, atol, rtol))


def check_against_jax(
    fungrad_fun: Callable,
    jax_fun: Callable,
    args: Sequence,
    *,
    grad: bool = True,
    jvp: bool = True,
    vjp: bool = True,
    atol: float | None = None,
    rtol: float | None = None,
    check_dtypes: bool = True,
    seed: int = 0,
    jit_reference: bool = False,
) -> None:
    """Run the same program through fungrad and JAX and compare value, grad, jvp and vjp.

    The checks run in this order and the first disagreement raises: the value (structure, shapes,
    dtypes and numbers); the gradient with respect to every floating positional argument, when the
    output is a single floating scalar and ``grad``; ``jvp`` along random tangents (both outputs);
    ``vjp`` with random cotangents. Integer and boolean leaves get ``float0`` tangents/cotangents.

    Args:
        fungrad_fun: the program written with fungrad.
        jax_fun: the same program written with JAX (the oracle).
        args: tuple of positional arguments (pytrees of arrays).
        grad, jvp, vjp: which derivative checks to run.
        atol, rtol: tolerances (default by dtype: 1e-7 in float64, 1e-4 in float32).
        check_dtypes: also require equal output dtypes.
        seed: seed of the random tangents and cotangents.
        jit_reference: run each JAX computation under ``jax.jit`` rather than eagerly. Off by default:
            XLA's fusion may change results at special values (``inf * 0`` folded away), and the
            oracle is JAX's eager semantics.

    Raises:
        AssertionError: naming the quantity (value, grad, jvp primal/tangent, vjp), the output or
            argument path, the shapes and dtypes, and the maximum absolute and relative errors.

    >>> import jax.numpy as jnp, fungrad.numpy as fnp
    >>> from fungrad.testing import check_against_jax
    >>> check_against_jax(lambda x: fnp.sum(fnp.tanh(x)), lambda x: jnp.sum(jnp.tanh(x)), (fnp.ones(3),))
    >>> check_against_jax(lambda x: fnp.sum(x**3), lambda x: jnp.sum(x**2), (fnp.ones(3),))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: check_against_jax: grad disagrees at args[0] (shape (3,) ...): max abs err 1, max rel err 0.5 ...
    """
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"check_against_jax: args must be a tuple of positional arguments, got {type(args).__name__}")
    args = tree_util.tree_map(_as_array, tuple(args))
    dtype = _widest_float(tree_util.tree_leaves(args))
    atol = _lookup(_JAX_TOL, dtype) if atol is None else atol
    rtol = _lookup(_JAX_TOL, dtype) if rtol is None else rtol
    rng = np.random.default_rng(seed)
    compare = lambda what, g, w, names: _compare(what, g, w, atol, rtol, check_dtypes, names)  # noqa: E731

    run = jax.jit if jit_reference else lambda f: f
    out, ref = fungrad_fun(*args), run(jax_fun)(*args)
    out_names = _paths(ref, "output")
    compare("value", out, ref, out_names)
    float_argnums = tuple(i for i, a in enumerate(args) if all(_is_float(x) for x in tree_util.tree_leaves(a)))
    ref_leaves = tree_util.tree_leaves(ref)
    if grad and float_argnums and len(ref_leaves) == 1 and np.shape(ref_leaves[0]) == () and _is_float(ref_leaves[0]):
        got = api.grad(fungrad_fun, argnums=float_argnums)(*args)
        want = run(jax.grad(jax_fun, argnums=float_argnums))(*args)
        names = [n for i in float_argnums for n in _paths(args[i], f"args[{i}]")]
        compare("grad", got, want, names)
    if jvp:
        tangents = _random_tree(args, rng)
        got_out, got_t = api.jvp(fungrad_fun, args, tangents)
        want_out, want_t = run(lambda a, t: jax.jvp(jax_fun, a, t))(args, tangents)
        compare("jvp primal output", got_out, want_out, out_names)
        compare("jvp tangent output", got_t, want_t, out_names)
    if vjp:
        cts = _random_tree(ref, rng)
        got_out, f_vjp = api.vjp(fungrad_fun, *args)
        want_out, want_cts = run(lambda a, c: (lambda out, f: (out, f(c)))(*jax.vjp(jax_fun, *a)))(args, cts)
        compare("vjp primal output", got_out, want_out, out_names)
        compare("vjp cotangent", tuple(f_vjp(cts)), tuple(want_cts), _paths(args, "args"))
