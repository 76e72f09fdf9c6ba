"""``custom_linear_solve`` and ``custom_root``: solvers differentiated implicitly, as in ``jax.lax``.

A linear solve ``x = A^{-1} b`` (``A`` given as ``matvec``) is differentiated without looking inside
the user's ``solve``: ``d x = A^{-1} (d b - (d A) x)``. Every callable is closure-converted first
(traced once, the values it closes over made explicit), so the backward pass never touches values
of a finished trace. The solve is then a ``custom_vjp`` function of ``(matvec's values, the solvers'
values, b)``: its backward pass is another such solve with the transposed operator and the solvers
swapped (``b_bar = A^{-T} x_bar``) plus ``params_bar = -vjp(matvec in its values at x)(b_bar)``; its
forward pass keeps ``x`` as the function itself one trace out, so second derivatives are implicit too.
The solvers' own closed-over values get no derivative (only ``matvec``'s do), as in JAX.

``custom_root`` is built the same way: the root ``x* = solve(f, initial_guess)`` (unchanged), and in
the backward pass ``lam = (df/dx)^{-T} x_bar`` (a ``custom_linear_solve`` of the transposed
linearization of ``f`` at ``x*``, solved with ``tangent_solve``) and ``params_bar = -(df/dparams)^T lam``.

Limitation (fungrad, not JAX): forward mode (``jvp``, ``jacfwd``, ``hessian``) is not supported:
fungrad runs forward mode through a ``custom_vjp`` by transposing its backward pass, and this one
contains a nested solve. Reverse mode of any order, ``vmap`` and ``jit`` work.
"""

from __future__ import annotations

from jax import tree_util

from fungrad._src import api, core, staging
from fungrad._src.custom_derivatives import custom_vjp
from fungrad._src.ir import eval_ir
from fungrad._src.primitives import elementwise as ew


def _tree_neg(tree):
    return tree_util.tree_map(ew.neg, tree)


def _closure_convert(fun, example):
    """``fun`` as ``fun_c(consts, x)`` with the values it closes over made explicit, and those values."""
    leaves, tree = tree_util.tree_flatten(example)
    avals = [core.get_aval(x) for x in leaves]
    out_tree = []

    def flat(*xs):
        out = fun(tree_util.tree_unflatten(tree, list(xs)))
        out_leaves, t = tree_util.tree_flatten(out)
        out_tree.append(t)
        return out_leaves

    ir, consts = staging.trace_to_subir(flat, avals, "custom_linear_solve")

    def fun_c(consts, x):
        outs = eval_ir(ir, (), [*consts, *tree_util.tree_leaves(x)])
        return tree_util.tree_unflatten(out_tree[0], outs)

    return fun_c, list(consts)


def custom_linear_solve(matvec, b, solve, transpose_solve=None, symmetric=False, has_aux=False):
    """``solve(matvec, b)``, the solution of the linear system ``matvec(x) = b``, differentiated
    implicitly (never through ``solve``): reverse mode solves the transposed system with
    ``transpose_solve`` (or ``solve`` when ``symmetric``).

    Args:
        matvec: the linear operator ``x -> A x`` on pytrees like ``b``.
        b: the right-hand side (a pytree of arrays).
        solve: ``solve(matvec, b) -> x`` (or ``(x, aux)`` with ``has_aux``).
        transpose_solve: ``transpose_solve(vecmat, b) -> x`` for ``A^T``; needed for reverse mode
            unless ``symmetric``.
        symmetric: ``A`` is symmetric, so ``solve`` serves for the transpose too.
        has_aux: ``solve`` also returns auxiliary data (not differentiated).

    >>> import fungrad, fungrad.lax as flax, fungrad.numpy as fnp
    >>> def x_of(a):
    ...     mv = lambda x: a * x
    ...     return flax.custom_linear_solve(mv, 2.0, lambda f, y: y / f(1.0), symmetric=True)
    >>> float(x_of(4.0)), float(fungrad.grad(x_of)(4.0))
    (0.5, -0.125)
    """
    matvec_c, consts = _closure_convert(matvec, b)
    # The user's solvers may close over values (matvec's among them) that are dead by the time the
    # backward pass runs: every callable is closure-converted now, its values kept as residuals.
    # Those values get no derivative through the solvers; only matvec's do, implicitly (as in JAX).
    solve_c, solve_consts = _closure_convert(lambda rhs: solve(matvec, rhs), b)
    if symmetric:
        vecmat_c, tsolve_c, tsolve_consts = matvec_c, solve_c, solve_consts
    else:
        vecmat_c = _transposed(matvec_c, b)
        tsolve_c, tsolve_consts = None, []
        if transpose_solve is not None:
            vecmat = _transposed(lambda _, v: matvec(v), b)
            tsolve_c, tsolve_consts = _closure_convert(lambda rhs: transpose_solve(lambda v: vecmat(None, v), rhs), b)
    ops = (matvec_c, vecmat_c, solve_c, tsolve_c, has_aux)
    x, aux = _linear_solve(ops, consts, solve_consts, tsolve_consts, b)
    return (x, tree_util.tree_map(ew.stop_gradient, aux)) if has_aux else x


def _transposed(matvec_c, example):
    """``vecmat_c(consts, v)``: the transpose of ``v -> matvec_c(consts, v)`` (inputs like ``example``)."""

    def vecmat_c(consts, v):
        return api.linear_transpose(lambda u: matvec_c(consts, u), example)(v)[0]

    return vecmat_c


def _linear_solve(ops, consts, solve_consts, tsolve_consts, b):
    """``A^{-1} b`` as a ``custom_vjp`` function of matvec's values, the solvers' values and ``b``."""
    matvec_c, vecmat_c, solve_c, tsolve_c, has_aux = ops

    def primal(solve_consts, b):
        out = solve_c([ew.stop_gradient(c) for c in solve_consts], b)
        return out if has_aux else (out, None)

    @custom_vjp
    def linear_solve(consts, solve_consts, tsolve_consts, b):
        return primal(solve_consts, b)

    def fwd(consts, solve_consts, tsolve_consts, b):
        # The residual x is this function again, one trace out: under an outer derivative it carries
        # its own implicit derivative, which the backward pass's vjp at x needs (second order).
        x, aux = linear_solve(consts, solve_consts, tsolve_consts, b)
        return (x, aux), (consts, solve_consts, tsolve_consts, x)

    def bwd(res, cts):
        consts, solve_consts, tsolve_consts, x = res
        if tsolve_c is None:
            raise TypeError("custom_linear_solve: reverse-mode differentiation needs transpose_solve or symmetric=True")
        # b_bar = A^{-T} x_bar: the same kind of solve with the transposed operator and the solvers swapped
        transposed_ops = (vecmat_c, matvec_c, tsolve_c, solve_c, False)
        b_bar, _ = _linear_solve(transposed_ops, consts, tsolve_consts, solve_consts, cts[0])
        _, pull = api.vjp(lambda c: matvec_c(c, x), consts)
        (consts_bar,) = pull(_tree_neg(b_bar))
        return consts_bar, None, None, b_bar

    linear_solve.defvjp(fwd, bwd)
    return linear_solve(consts, solve_consts, tsolve_consts, b)


def custom_root(f, initial_guess, solve, tangent_solve, has_aux=False):
    """A root of ``f`` found by ``solve(f, initial_guess)``, differentiated implicitly: with
    ``f(x*, params) = 0``, ``d x* = -(df/dx)^{-1} (df/dparams) d params``, the linear system solved by
    ``tangent_solve(g, y)`` (``g`` the linearization of ``f`` at the root, or its transpose).

    >>> import fungrad, fungrad.lax as flax
    >>> def sqrt_newton(a):
    ...     def newton(f, x0):
    ...         return flax.fori_loop(0, 30, lambda i, x: 0.5 * (x + a / x), x0)
    ...     return flax.custom_root(lambda x: x * x - a, 1.0, newton, lambda g, y: y / g(1.0))
    >>> round(float(sqrt_newton(2.0)), 6), round(float(fungrad.grad(sqrt_newton)(2.0)), 6)
    (1.414214, 0.353553)
    """
    f_c, f_consts = _closure_convert(f, initial_guess)
    solve_c, solve_consts = _closure_convert(lambda x0: solve(f, x0), initial_guess)

    @custom_vjp
    def root(f_consts, solve_consts, x0):
        out = solve_c([ew.stop_gradient(c) for c in solve_consts], tree_util.tree_map(ew.stop_gradient, x0))
        return out if has_aux else (out, None)

    def fwd(f_consts, solve_consts, x0):
        x, aux = root(f_consts, solve_consts, x0)  # one trace out: x keeps its own derivative
        return (x, aux), (f_consts, x)

    def bwd(res, cts):
        f_consts, x = res

        def linearized(t):
            return api.jvp(lambda u: f_c(f_consts, u), (x,), (t,))[1]

        transposed = api.linear_transpose(linearized, x)
        # lam = (df/dx)^{-T} x_bar, then params_bar = -(df/dparams)^T lam
        lam = custom_linear_solve(lambda v: transposed(v)[0], cts[0], tangent_solve, tangent_solve)
        _, pull = api.vjp(lambda c: f_c(c, x), f_consts)
        (consts_bar,) = pull(_tree_neg(lam))
        return consts_bar, None, None

    root.defvjp(fwd, bwd)
    x, aux = root(f_consts, solve_consts, initial_guess)
    return (x, tree_util.tree_map(ew.stop_gradient, aux)) if has_aux else x
