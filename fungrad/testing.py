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

import jax as _jax
import numpy as _np
from jax import tree_util as _tree_util

from fungrad._src import api as _api
from fungrad._src import blame as _blame
from fungrad._src import core as _core

__all__ = ["assert_trees_close", "check_against_jax", "check_grads"]

# Finite-difference step and tolerance per floating dtype (wider types allow a smaller step).
_FD_EPS = {_np.dtype(_np.float64): 1e-4, _np.dtype(_np.float32): 1e-3, _np.dtype(_np.float16): 1e-2}
_FD_TOL = {_np.dtype(_np.float64): 1e-5, _np.dtype(_np.float32): 2e-2, _np.dtype(_np.float16): 1e-1}
# Tolerance for fungrad vs JAX (the same maths, possibly in a different but equivalent form).
_JAX_TOL = {_np.dtype(_np.float64): 1e-7, _np.dtype(_np.float32): 1e-4, _np.dtype(_np.float16): 1e-2}


# ----------------------------------------------------------------------------------------------
# Pytree helpers


def _dtype(x) -> _np.dtype:
    return _core.get_aval(x).dtype if _core.is_array_like(x) else _np.dtype(_np.asarray(x).dtype)


def _is_float(x) -> bool:
    return _core.is_differentiable_dtype(_dtype(x))


def _is_real_float(x) -> bool:
    return _np.issubdtype(_dtype(x), _np.floating)


def _as_array(x):
    return x if isinstance(x, (_jax.Array, _core.Tracer)) else _jax.numpy.asarray(x)


def _widest_float(leaves) -> _np.dtype:
    floats = [_dtype(x) for x in leaves if _is_float(x)]
    if not floats:
        return _np.dtype(_np.float64)
    return max(floats, key=lambda d: _np.finfo(d).bits)


def _lookup(table, dtype) -> float:
    dtype = _np.dtype(dtype)
    dtype = _np.finfo(dtype).dtype if dtype.kind == "c" else dtype  # complex: its parts' tolerance
    return table.get(dtype, table[_np.dtype(_np.float16)])


def _wide(x) -> _np.ndarray:
    """``x`` in float64, or complex128 when complex (compared and differenced without losing a part)."""
    x = _np.asarray(x)
    return x.astype(_np.complex128) if _np.iscomplexobj(x) else x.astype(_np.float64)


def _random_like(x, rng: _np.random.Generator):
    """A standard-normal array like ``x`` (float0 zeros for integer and boolean leaves)."""
    shape = _np.shape(x)
    if not _is_float(x):
        return _np.zeros(shape, dtype=_jax.dtypes.float0)
    if _np.issubdtype(_dtype(x), _np.complexfloating):
        return _jax.numpy.asarray(rng.normal(size=shape) + 1j * rng.normal(size=shape), dtype=_dtype(x))
    return _jax.numpy.asarray(rng.normal(size=shape), dtype=_dtype(x))


def _random_tree(tree, rng: _np.random.Generator):
    return _tree_util.tree_map(lambda x: _random_like(x, rng), tree)


def _paths(tree, prefix: str) -> list[str]:
    return [prefix + _tree_util.keystr(p) for p, _ in _tree_util.tree_flatten_with_path(tree)[0]]


def _describe(x) -> str:
    return f"shape {tuple(_np.shape(x))} {_np.dtype(_dtype(x)).name}"


def _errors(got, want) -> tuple[float, float, tuple]:
    """Max absolute and relative error, and the index of the worst element (nan == nan, inf == inf)."""
    got, want = _wide(got), _wide(want)
    if got.size == 0:
        return 0.0, 0.0, ()
    same = (got == want) | (_np.isnan(got) & _np.isnan(want))
    with _np.errstate(invalid="ignore", over="ignore"):
        abs_err = _np.where(same, 0.0, _np.abs(got - want))
        abs_err = _np.where(_np.isnan(abs_err), _np.inf, abs_err)
        rel_err = abs_err / _np.maximum(_np.abs(want), _np.finfo(_np.float64).tiny)
    worst = _np.unravel_index(int(_np.argmax(abs_err)), abs_err.shape) if abs_err.ndim else ()
    return float(abs_err.max()), float(_np.max(_np.where(same, 0.0, rel_err))), worst


def _close(got, want, atol: float, rtol: float) -> bool:
    got, want = _wide(got), _wide(want)
    with _np.errstate(invalid="ignore", over="ignore"):
        # an infinite expected value is matched only exactly (got == want): its tolerance would be inf
        within = _np.isfinite(want) & (_np.abs(got - want) <= atol + rtol * _np.abs(want))
        ok = (got == want) | (_np.isnan(got) & _np.isnan(want)) | within
    return bool(_np.all(ok))


def _mismatch(what: str, path: str, got, want, atol: float, rtol: float) -> str:
    abs_err, rel_err, worst = _errors(got, want)
    at = ""
    if _np.ndim(want):
        at = f"; worst at index {tuple(int(i) for i in worst)}: fungrad {_np.asarray(got)[worst].item()!r}"
        at += f" vs jax {_np.asarray(want)[worst].item()!r}"
    elif _np.size(want):
        at = f"; fungrad {_np.asarray(got).item()!r} vs jax {_np.asarray(want).item()!r}"
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
            return _jax.numpy.asarray(moved, dtype=_dtype(x))

        return _tree_util.tree_leaves(f(*_tree_util.tree_map(move, args, tangents)))

    plus, minus = shifted(1.0), shifted(-1.0)
    return [(_wide(p) - _wide(m)) / (2 * eps) if _is_float(p) else None for p, m in zip(plus, minus)]


def _inner(xs, ys) -> float:
    total = 0.0
    for x, y in zip(xs, ys):
        if x is None or y is None or not _is_float(x) or not _is_float(y):
            continue
        # the real pairing Re(sum(x * y)): the one JAX's complex transposes are taken with respect to
        total += float(_np.real(_np.sum(_wide(x) * _wide(y))))
    return total


def _only_leaf(tangents, index: int):
    """``tangents`` with every float leaf but the ``index``-th zeroed (to find the guilty argument)."""
    leaves, tree = _tree_util.tree_flatten(tangents)
    out = [t if i == index or not _is_float(t) else _jax.numpy.zeros_like(t) for i, t in enumerate(leaves)]
    return _tree_util.tree_unflatten(tree, out)


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
    _, t_out = _api.jvp(f, args, tangents)
    expected = _numerical_jvp(f, args, tangents, eps)
    got_leaves = _tree_util.tree_leaves(t_out)
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
    _, t_out = _api.jvp(f, args, tangents)
    expected = _numerical_jvp(f, args, tangents, eps)
    return all(w is None or _close(g, w, atol, rtol) for g, w in zip(_tree_util.tree_leaves(t_out), expected))


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
    _, f_vjp = _api.vjp(f, *args)
    cts_in = f_vjp(cts)
    lhs = _inner(_tree_util.tree_leaves(cts), _numerical_jvp(f, args, tangents, eps))
    rhs = _inner(_tree_util.tree_leaves(cts_in), _tree_util.tree_leaves(tangents))
    return lhs, rhs


def _guilty_args(level: _Level, tangents, ok: Callable) -> list[str]:
    """The argument leaves which, perturbed alone, reproduce the failure."""
    leaves = _tree_util.tree_leaves(tangents)
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
            f_jvp = lambda primals, tangents: _api.jvp(level.f, primals, tangents)  # noqa: E731
            names = [*level.arg_names, *(f"tangent of {n}" for n in level.arg_names)]
            inner = _Level(f_jvp, (args, tangents), names, f"jvp of {level.label}", level.order + 1)
            _check_level(inner, modes, max_order, eps, atol, rtol, rng)
    if "rev" in modes:
        tangents = _random_tree(args, rng)
        cts = _random_tree(level.f(*args), rng)
        _check_vjp(level, tangents, cts, eps, atol, rtol)
        if level.order < max_order:
            f_vjp = lambda *primals: _api.vjp(level.f, *primals)[1](cts)  # noqa: E731
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
            the maximum absolute and relative errors; when a ``custom_jvp``/``custom_vjp`` rule in ``f``
            disagrees with finite differences of its own function, a last line names that rule, the
            argument and the line that called it.

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
    args = _tree_util.tree_map(_as_array, tuple(args))
    dtype = _widest_float(_tree_util.tree_leaves(args))
    eps = _lookup(_FD_EPS, dtype) if eps is None else eps
    atol = _lookup(_FD_TOL, dtype) if atol is None else atol
    rtol = _lookup(_FD_TOL, dtype) if rtol is None else rtol
    level = _Level(f, args, _paths(args, "args"), "f", 1)
    try:
        _check_level(level, tuple(modes), order, eps, atol, rtol, _np.random.default_rng(seed))
    except AssertionError as err:  # a user-written custom_jvp/custom_vjp rule is the usual culprit: name it
        raise AssertionError(f"{err}{_custom_rule_blame(f, args, eps, atol, rtol, seed)}") from None


# ----------------------------------------------------------------------------------------------
# check_against_jax


def _compare(
    what: str, got, want, atol, rtol, check_dtypes: bool, names: Sequence[str], caller: str = "check_against_jax"
) -> None:
    got_leaves, got_tree = _tree_util.tree_flatten(got)
    want_leaves, want_tree = _tree_util.tree_flatten(want)
    if got_tree != want_tree:
        raise AssertionError(f"{caller}: {what} has a different structure: fungrad {got_tree} vs jax {want_tree}")
    for path, g, w in zip(names, got_leaves, want_leaves):
        g_dtype, w_dtype = _dtype(g), _dtype(w)
        if _np.shape(g) != _np.shape(w) or (check_dtypes and g_dtype != w_dtype):
            raise AssertionError(
                f"{caller}: {what} at {path}: fungrad gives {_describe(g)} but jax gives {_describe(w)}"
            )
        if g_dtype == _jax.dtypes.float0 or w_dtype == _jax.dtypes.float0:
            continue
        if not _close(g, w, atol, rtol):
            raise AssertionError(f"{caller}: " + _mismatch(what, path, g, w, atol, rtol))


def assert_trees_close(
    actual, expected, *, rtol: float = 1e-7, atol: float = 0.0, check_dtypes: bool = True, what: str = "value"
) -> None:
    """Assert two pytrees agree: same structure, same shapes (and dtypes), values within tolerance.

    Values agree where ``|actual - expected| <= atol + rtol * |expected|``; NaNs agree with NaNs and
    infinities with equal infinities. ``float0`` leaves (the tangents of integer inputs) are compared
    by shape and dtype only. The error names the first disagreeing leaf by its path, with the maximum
    absolute and relative errors and the worst index.

    Args:
        actual: the pytree of arrays computed by fungrad.
        expected: the reference pytree (e.g. computed by JAX).
        rtol: relative tolerance.
        atol: absolute tolerance.
        check_dtypes: also require equal dtypes.
        what: the name used for the compared quantity in the error message.

    Raises:
        AssertionError: on a different structure, shape, dtype, or a value out of tolerance.

    >>> import jax.numpy as jnp, fungrad, fungrad.numpy as fnp
    >>> from fungrad.testing import assert_trees_close
    >>> assert_trees_close({"g": fungrad.grad(fnp.sin)(0.5)}, {"g": jnp.cos(0.5)}, rtol=1e-6)
    >>> assert_trees_close([1.0], [1.5])
    Traceback (most recent call last):
    AssertionError: assert_trees_close: value disagrees at value[0] ...
    """
    names = _paths(expected, what)
    _compare(what, actual, expected, atol, rtol, check_dtypes, names, caller="assert_trees_close")


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
        jit_reference: run each JAX computation under ``_jax.jit`` rather than eagerly. Off by default:
            XLA's fusion may change results at special values (``inf * 0`` folded away), and the
            oracle is JAX's eager semantics.

    Raises:
        AssertionError: naming the quantity (value, grad, jvp primal/tangent, vjp), the output or
            argument path, the shapes and dtypes, and the maximum absolute and relative errors; a second
            line localises it: when values disagree, *program blame* names the first fungrad equation
            (primitive, shapes, your line) whose value matches no intermediate of JAX's program
            (``jax.make_jaxpr(jax_fun)``); when only derivatives disagree, *rule blame* names the first
            equation whose jvp or vjp rule disagrees with JAX's derivative of the same ``jax.lax`` operation.

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
    args = _tree_util.tree_map(_as_array, tuple(args))
    dtype = _widest_float(_tree_util.tree_leaves(args))
    atol = _lookup(_JAX_TOL, dtype) if atol is None else atol
    rtol = _lookup(_JAX_TOL, dtype) if rtol is None else rtol
    rng = _np.random.default_rng(seed)

    def compare(what, g, w, names):
        try:
            _compare(what, g, w, atol, rtol, check_dtypes, names)
        except AssertionError as err:  # localise the disagreement (blame), keeping the first line as is
            blame = _blame_against_jax(what, fungrad_fun, jax_fun, args, atol, rtol, seed)
            raise AssertionError(f"{err}\n{blame}") from None

    run = _jax.jit if jit_reference else lambda f: f
    out, ref = fungrad_fun(*args), run(jax_fun)(*args)
    out_names = _paths(ref, "output")
    compare("value", out, ref, out_names)
    float_argnums = tuple(i for i, a in enumerate(args) if all(_is_float(x) for x in _tree_util.tree_leaves(a)))
    ref_leaves = _tree_util.tree_leaves(ref)
    real_scalar_out = len(ref_leaves) == 1 and _np.shape(ref_leaves[0]) == () and _is_real_float(ref_leaves[0])
    if grad and float_argnums and real_scalar_out:  # grad needs a real scalar; vjp covers complex outputs
        got = _api.grad(fungrad_fun, argnums=float_argnums)(*args)
        want = run(_jax.grad(jax_fun, argnums=float_argnums))(*args)
        names = [n for i in float_argnums for n in _paths(args[i], f"args[{i}]")]
        compare("grad", got, want, names)
    if jvp:
        tangents = _random_tree(args, rng)
        got_out, got_t = _api.jvp(fungrad_fun, args, tangents)
        want_out, want_t = run(lambda a, t: _jax.jvp(jax_fun, a, t))(args, tangents)
        compare("jvp primal output", got_out, want_out, out_names)
        compare("jvp tangent output", got_t, want_t, out_names)
    if vjp:
        cts = _random_tree(ref, rng)
        got_out, f_vjp = _api.vjp(fungrad_fun, *args)
        want_out, want_cts = run(lambda a, c: (lambda out, f: (out, f(c)))(*_jax.vjp(jax_fun, *a)))(args, cts)
        compare("vjp primal output", got_out, want_out, out_names)
        compare("vjp cotangent", tuple(f_vjp(cts)), tuple(want_cts), _paths(args, "args"))


# ----------------------------------------------------------------------------------------------
# Blame: where a failing check comes from (fungrad/_src/blame.py does the fungrad side)


def _blame_against_jax(what: str, fungrad_fun, jax_fun, args, atol, rtol, seed) -> str:
    """Program blame when values disagree, rule blame when only derivatives do (see check_against_jax)."""
    try:
        flat = _tree_util.tree_leaves(args)
        records = _blame.jaxpr_values(_jax.make_jaxpr(jax_fun)(*args), flat)
        found = None
        if what == "value" or what.endswith("primal output"):
            found = _blame.program_blame(fungrad_fun, args, records, atol, rtol)
        else:
            jax_jvp = lambda f, primals, tangents: _jax.jvp(f, tuple(primals), tuple(tangents))  # noqa: E731
            jax_vjp = lambda f, primals, cts: _jax.vjp(f, *primals)[1](cts)  # noqa: E731
            found = _blame.rule_blame(fungrad_fun, args, jax_jvp, jax_vjp, atol, rtol, _np.random.default_rng(seed))
            if found is None:
                found = _blame.program_blame(fungrad_fun, args, records, atol, rtol)
                if found is not None:  # the values agree only here: the programs are different functions
                    found = found._replace(message=found.message + " (the outputs agree at these inputs by chance)")
        if found is None:
            return (
                "blame: every equation's value matches an intermediate of JAX's program and every derivative rule "
                "agrees with JAX's on these inputs; the two programs differ as functions (try other inputs)"
            )
        return found.message
    except Exception as err:  # noqa: BLE001 - blame is a diagnosis; it never hides the failure itself
        return f"blame: not available ({type(err).__name__}: {err})"


def _custom_rule_blame(f, args, eps, atol, rtol, seed) -> str:
    try:
        found = _blame.custom_rule_blame(f, args, eps, atol, rtol, _np.random.default_rng(seed))
    except Exception as err:  # noqa: BLE001 - never hide the failure itself
        return f"\ncustom rule blame: not available ({type(err).__name__}: {err})"
    return f"\n{found.message}" if found is not None else ""
