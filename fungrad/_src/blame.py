"""Blame: localise a disagreement to one equation of the program, or to one derivative rule.

Contract. These functions support ``fungrad.testing`` (``check_against_jax`` and ``check_grads``) when a
check fails. Each evaluates fungrad's IR of the user's function once, keeping every intermediate
(``why_zero.evaluate_recording``, which enters ``jit`` calls and the taken branch of a ``cond``), and:

* :func:`program_blame` compares every fungrad value with every intermediate of JAX's program (a jaxpr,
  evaluated here by binding its equations) and names the first fungrad equation that, given inputs
  that match JAX values, produces a value matching none of JAX's, and whose wrong value reaches a wrong
  output (a different but equivalent decomposition reconverges and is not blamed); when that equation
  is a ``scan``, its body is compared the same way on the first step (JAX's loop bodies are recorded on
  their first step too), so the report names the equation inside the loop;
* :func:`rule_blame` runs, for each equation on its recorded inputs, fungrad's ``jvp`` and ``vjp`` of a
  function binding only that primitive against JAX's derivative of the primitive's lowering rule;
* :func:`custom_rule_blame` compares each ``custom_jvp``/``custom_vjp`` rule, one argument at a time,
  with central finite differences of the undecorated function (the ``call`` the equation holds).

JAX's transformations are never called here: ``fungrad.testing`` passes ``jax.jvp``/``jax.vjp`` in as
oracles (DESIGN.md: only the tests and ``fungrad.testing`` may call them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from jax import tree_util

from fungrad._src import api, core
from fungrad._src.control_flow.cond import cond_p
from fungrad._src.control_flow.scan import scan_p
from fungrad._src.core import SourceInfo
from fungrad._src.ir import IR, Literal, Var, eval_ir
from fungrad._src.why_zero import CALLS, evaluate_recording


class Blame(NamedTuple):
    """The equation or rule blamed: ``kind`` (``program``, ``jvp rule``, ``vjp rule``, ``custom_jvp rule``,
    ``custom_vjp rule``), ``primitive``, the user's ``source`` line, and a readable ``message``."""

    kind: str
    primitive: str
    source: SourceInfo | None
    message: str

    def __str__(self):
        return self.message


def _is_float(x) -> bool:
    dtype = core.get_aval(x).dtype if core.is_array_like(x) else np.asarray(x).dtype
    return core.is_differentiable_dtype(dtype)


def _wide(x) -> np.ndarray:
    x = np.asarray(x)
    return x.astype(np.complex128) if np.iscomplexobj(x) else x.astype(np.float64)


def _close(a, b, atol, rtol) -> bool:
    a, b = _wide(a), _wide(b)
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        # an infinite b would make the tolerance infinite: infinities match only themselves (a == b)
        ok = (a == b) | (np.isnan(a) & np.isnan(b)) | (np.isfinite(b) & (np.abs(a - b) <= atol + rtol * np.abs(b)))
    return bool(np.all(ok))


def _signature(eqn) -> str:
    ins = ", ".join(a.aval.str_short() for a in eqn.inputs)
    outs = ", ".join(v.aval.str_short() for v in eqn.outputs)
    return f"`{eqn.primitive.name}` ({ins}) -> ({outs})"


def _where(eqn) -> str:
    return f" at {eqn.source_info}" if eqn.source_info is not None else ""


def _entered(eqn) -> IR | None:
    """The sub-IR of a call ``evaluate_recording`` entered (jit, checkpoint)."""
    name = CALLS.get(eqn.primitive)
    return eqn.params[name] if name is not None else None


def _recorded(ir: IR, env: dict):
    """The first-order equations evaluated (in order), entering jit calls and taken cond branches."""
    for eqn in ir.eqns:
        if eqn.primitive in CALLS:
            yield from _recorded(eqn.params[CALLS[eqn.primitive]], env)
        elif eqn.primitive is cond_p:
            taken = [b for b in eqn.params["branches"] if all(v in env for v in b.invars)]
            if taken and all(v in env for v in taken[-1].outvars if type(v) is Var):
                yield from _recorded(taken[-1], env)
            else:
                yield eqn
        else:
            yield eqn


def _record(fun, args):
    traced = api.make_ir(fun)(*args)
    env = evaluate_recording(traced.ir, traced.consts, tree_util.tree_leaves(args))
    return traced, env


def _read(env, atom):
    return atom.value if type(atom) is Literal else env[atom]


# ----------------------------------------------------------------------------------------------
# JAX's program, evaluated equation by equation


# JAX primitives that call their sub-jaxpr once (entered); loops and conds run whole.
_JAX_CALLS = {"pjit", "jit", "closed_call", "core_call", "custom_jvp_call", "custom_vjp_call", "remat", "checkpoint"}


def jaxpr_values(closed_jaxpr, flat_args) -> list[tuple[str, list, list]]:
    """``(primitive name, input values, output values)`` of every equation of a ``jax.make_jaxpr``
    result, evaluated on ``flat_args``, entering nested jaxprs (jit, custom_jvp/vjp calls)."""
    records: list[tuple[str, list, list]] = []

    def run(jaxpr, consts, args):
        env = {}

        def read(v):
            return np.asarray(v.val) if type(v).__name__ == "Literal" else env[v]

        for v, x in zip(jaxpr.constvars, consts):
            env[v] = x
        for v, x in zip(jaxpr.invars, args):
            env[v] = x
        for eqn in jaxpr.eqns:
            ins = [read(v) for v in eqn.invars]
            inner = eqn.params.get("jaxpr", eqn.params.get("call_jaxpr", eqn.params.get("fun_jaxpr")))
            if eqn.primitive.name in _JAX_CALLS and hasattr(inner, "jaxpr") and hasattr(inner, "consts"):
                outs = run(inner.jaxpr, inner.consts, ins)
            else:
                if eqn.primitive.name == "scan" and eqn.params.get("length", 0) > 0:  # the body's first step
                    n = eqn.params["num_consts"] + eqn.params["num_carry"]
                    step = eqn.params["length"] - 1 if eqn.params.get("reverse") else 0
                    run(inner.jaxpr, inner.consts, [*ins[:n], *(x[step] for x in ins[n:])])
                bind_params = eqn.primitive.get_bind_params(eqn.params)  # (subfuns, params) in older JAX
                subfuns, params = bind_params if isinstance(bind_params, tuple) else ((), bind_params)
                outs = eqn.primitive.bind(*subfuns, *ins, **params)
                outs = list(outs) if eqn.primitive.multiple_results else [outs]
            records.append((eqn.primitive.name, ins, outs))
            for v, x in zip(eqn.outvars, outs):
                if type(v).__name__ != "DropVar":
                    env[v] = x
        return [read(v) for v in jaxpr.outvars]

    outs = run(closed_jaxpr.jaxpr, closed_jaxpr.consts, flat_args)
    records.append(("output", [], outs))
    return records


def program_blame(fungrad_fun: Callable, args, records, atol: float, rtol: float) -> Blame | None:
    """The first fungrad equation whose value matches no intermediate of JAX's program (see module)."""
    traced, env = _record(fungrad_fun, args)
    known = [_wide(x) for _, ins, outs in records for x in (*ins, *outs) if np.size(x) and _is_float(x)]
    known += [_wide(x) for x in tree_util.tree_leaves(args) if np.size(x) and _is_float(x)]
    by_size: dict[int, list[np.ndarray]] = {}
    for x in known:
        by_size.setdefault(x.size, []).append(x.ravel())

    def matches(value) -> bool:
        if not _is_float(value) or np.size(value) == 0:
            return True
        flat = _wide(value).ravel()
        return any(_close(flat, k, atol, rtol) for k in by_size.get(flat.size, []))

    jax_outs = records[-1][2]
    wrong_outs = {
        v for v, w in zip(traced.ir.outvars, jax_outs) if type(v) is Var and not _close(env[v], w, atol, rtol)
    }
    eqn = _first_wrong(traced.ir, env, matches, wrong_outs)
    if eqn is None:
        return _missing_step(traced.ir, env, wrong_outs, records, atol, rtol)
    where = ""
    if eqn.primitive is scan_p:  # look inside: the body's first step, against JAX's loop bodies' first steps
        inner, step = _first_wrong_in_scan(eqn, env, matches)
        if inner is not None:
            where = f" (step {step} of the `scan`{_where(eqn)})"
            eqn, env = inner
    hint = _jax_ops_on(eqn, env, records, atol, rtol)
    message = (
        f"program blame: {_signature(eqn)}{_where(eqn)}{where} is the first fungrad equation whose value "
        f"matches no intermediate of JAX's program, while its inputs do{hint}"
    )
    return Blame("program", eqn.primitive.name, eqn.source_info, message)


def _missing_step(ir: IR, env, wrong_outs, records, atol, rtol) -> Blame | None:
    """A wrong output whose value JAX computes too, and then transforms further: fungrad skips a step."""
    for i, v in enumerate(ir.outvars):
        if v not in wrong_outs:
            continue
        value = _wide(env[v]).ravel()
        for k, (_, _, outs) in enumerate(records[:-1]):
            if not any(np.size(o) == value.size and _close(value, _wide(o).ravel(), atol, rtol) for o in outs):
                continue
            later = [
                name
                for name, ins, _ in records[k + 1 : -1]
                if any(np.size(x) == value.size and _close(value, _wide(x).ravel(), atol, rtol) for x in ins)
            ]
            if later:
                steps = ", ".join(f"`{n}`" for n in dict.fromkeys(later))
                message = (
                    f"program blame: fungrad's output {i} equals an intermediate of JAX's program that JAX goes on "
                    f"to use in {steps}: the fungrad program lacks a step that JAX's has"
                )
                return Blame("program", "output", None, message)
    return None


def _first_wrong(ir: IR, env, matches, wrong_outs):
    """The first recorded equation with inputs that match JAX values, an output that matches none, and a
    chain of non-matching values from it to one of ``wrong_outs``."""
    eqns = list(_recorded(ir, env))
    good: dict[Var, bool] = {v: matches(env[v]) for eqn in eqns for v in eqn.outputs}
    consumers: dict[Var, list] = {}
    for eqn in eqns:
        for a in eqn.inputs:
            if type(a) is Var:
                consumers.setdefault(a, []).append(eqn)
    aliases = _aliases(ir)

    def reaches_wrong_output(eqn) -> bool:
        stack, seen = [v for v in eqn.outputs if not good.get(v, True)], set()
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in wrong_outs:
                return True
            stack.extend(aliases.get(v, ()))
            for c in consumers.get(v, ()):
                stack.extend(o for o in c.outputs if not good.get(o, True))
        return False

    for eqn in eqns:
        bad = [v for v in eqn.outputs if not good[v]]
        inputs_ok = all(good.get(a, True) for a in eqn.inputs if type(a) is Var)
        if bad and inputs_ok and reaches_wrong_output(eqn):
            return eqn
    return None


def _first_wrong_in_scan(eqn, env, matches):
    """Evaluate the scan body on its first step's operands; the first wrong body equation, if any."""
    body, nc, ncarry = eqn.params["body"], eqn.params["num_consts"], eqn.params["num_carry"]
    ins = [_read(env, a) for a in eqn.inputs]
    step = eqn.params["length"] - 1 if eqn.params["reverse"] else 0
    operands = [*ins[: nc + ncarry], *(x[step] for x in ins[nc + ncarry :])]
    inner_env = evaluate_recording(body, (), operands)
    wrong = {v for v in body.outvars if type(v) is Var and not matches(inner_env[v])}
    found = _first_wrong(body, inner_env, matches, wrong)
    return ((found, inner_env), step) if found is not None else (None, step)


def _aliases(ir: IR) -> dict[Var, list[Var]]:
    """Values that are the same value under another name across jit boundaries (sub-IR outputs)."""
    out: dict[Var, list[Var]] = {}
    for eqn in ir.eqns:
        sub = _entered(eqn)
        if sub is not None:
            for inner, outer in zip(sub.outvars, eqn.outputs):
                if type(inner) is Var:
                    out.setdefault(inner, []).append(outer)
            for k, v in _aliases(sub).items():
                out.setdefault(k, []).extend(v)
    return out


def _jax_ops_on(eqn, env, records, atol, rtol) -> str:
    """``; on the same input(s) JAX applies `cos```: JAX equations fed the same float values."""
    ins = [_read(env, a) for a in eqn.inputs if type(a) is Var and _is_float(_read(env, a))]
    if not ins:
        return ""
    names = []
    for name, j_ins, _ in records:
        j_float = [x for x in j_ins if _is_float(x)]
        if j_float and all(any(_close(x, y, atol, rtol) for y in j_float) for x in ins) and name not in names:
            names.append(name)
    if not names:
        return ""
    return f"; on the same input(s) JAX applies {', '.join(f'`{n}`' for n in names)}"


# ----------------------------------------------------------------------------------------------
# Rule blame


def _single(eqn, ins, positions):
    """``f(*operands at positions) -> list of outputs``: the equation's primitive alone."""

    def fun(*xs):
        full = list(ins)
        for p, x in zip(positions, xs):
            full[p] = x
        out = eqn.primitive.bind(*full, **eqn.params)
        return list(out) if eqn.primitive.multiple_results else [out]

    return fun


def rule_blame(fungrad_fun, args, jax_jvp, jax_vjp, atol, rtol, rng) -> Blame | None:
    """The first equation whose jvp or vjp rule disagrees with JAX's derivative of its lowering rule."""
    traced, env = _record(fungrad_fun, args)
    for eqn in _recorded(traced.ir, env):
        lower = core.lowering_rules.get(eqn.primitive)
        ins = [_read(env, a) for a in eqn.inputs]
        positions = [i for i, (a, x) in enumerate(zip(eqn.inputs, ins)) if type(a) is Var and _is_float(x)]
        if lower is None or not positions or not any(core.is_differentiable_dtype(v.aval.dtype) for v in eqn.outputs):
            continue
        mine = _single(eqn, ins, positions)

        def theirs(*xs, ins=ins, eqn=eqn, lower=lower, positions=positions):
            full = list(ins)
            for p, x in zip(positions, xs):
                full[p] = x
            out = lower(*full, **eqn.params)
            return list(out) if eqn.primitive.multiple_results else [out]

        primals = [ins[p] for p in positions]
        tangents = [_normal(x, rng) for x in primals]
        _, t_mine = api.jvp(mine, primals, tangents)
        _, t_theirs = jax_jvp(theirs, primals, tangents)
        for k, (a, b) in enumerate(zip(t_mine, t_theirs)):
            if _is_float(b) and not _close(a, b, atol, rtol):
                return _rule_message("jvp rule", eqn, f"output {k}", a, b)
        outs = mine(*primals)
        cts = [_normal(o, rng) if _is_float(o) else np.zeros(np.shape(o), "float0") for o in outs]
        c_mine = api.vjp(mine, *primals)[1](cts)
        c_theirs = jax_vjp(theirs, primals, cts)
        for p, a, b in zip(positions, c_mine, c_theirs):
            if not _close(a, b, atol, rtol):
                return _rule_message("vjp rule", eqn, f"operand {p}", a, b)
    return None


def _normal(x, rng):
    return np.asarray(rng.normal(size=np.shape(x)), dtype=core.get_aval(x).dtype)


def _rule_message(kind, eqn, which, got, want) -> Blame:
    err = float(np.max(np.abs(_wide(got) - _wide(want)))) if np.size(want) else 0.0
    if "rule" in eqn.params and "call" in eqn.params:
        kind = f"{kind} (the user's custom rule of `{_rule_owner_name(eqn.params)}`)"
    message = (
        f"rule blame: the {kind} of {_signature(eqn)}{_where(eqn)} disagrees with JAX's derivative of the "
        f"same jax.lax operation on the same inputs ({which}: max abs err {err:.3g})"
    )
    return Blame(kind, eqn.primitive.name, eqn.source_info, message)


# ----------------------------------------------------------------------------------------------
# Custom rules against finite differences


def _rule_owner_name(params) -> str:
    rule = params.get("rule")
    while rule is not None and not hasattr(rule, "owner"):
        rule = getattr(rule, "rule", None)
    fun = getattr(getattr(rule, "owner", None), "fun", None)
    return getattr(fun, "__name__", "?")


def custom_rule_blame(f, args, eps, atol, rtol, rng) -> Blame | None:
    """The first custom_jvp / custom_vjp rule that disagrees with finite differences of its function."""
    traced, env = _record(f, args)
    for eqn in _recorded(traced.ir, env):
        kind = {"custom_jvp_call": "custom_jvp", "custom_vjp_call": "custom_vjp"}.get(eqn.primitive.name)
        if kind is None:
            continue
        ins = [_read(env, a) for a in eqn.inputs]
        call, nconsts = eqn.params["call"], eqn.params["num_consts"]
        positions = [i for i in range(nconsts, len(ins)) if _is_float(ins[i])]
        if not positions:
            continue
        mine = _single(eqn, ins, positions)
        plain = lambda *xs, ins=ins, positions=positions, call=call: eval_ir(call, (), _put(ins, positions, xs))  # noqa: E731
        primals = [ins[p] for p in positions]
        for j, p in enumerate(positions):
            t = _normal(primals[j], rng)
            tangents = [t if i == j else np.zeros_like(x) for i, x in enumerate(primals)]
            fd = _central(plain, primals, tangents, eps)
            if kind == "custom_jvp":
                _, t_rule = api.jvp(mine, primals, tangents)
                bad = [
                    (k, a, b)
                    for k, (a, b) in enumerate(zip(t_rule, fd))
                    if b is not None and not _close(a, b, atol, rtol)
                ]
                if bad:
                    k, a, b = bad[0]
                    return _custom_message(kind, eqn, p - nconsts, f"jvp tangent of output {k}", a, b, eps)
            else:
                outs = mine(*primals)
                cts = [_normal(o, rng) for o in outs]
                lhs = sum(float(np.sum(_wide(c) * _wide(d))) for c, d in zip(cts, fd) if d is not None)
                rhs = float(np.sum(_wide(api.vjp(mine, *primals)[1](cts)[j]) * _wide(t)))
                if not _close(rhs, lhs, atol, rtol):
                    return _custom_message(kind, eqn, p - nconsts, "<bwd(ct), t> vs <ct, J t>", rhs, lhs, eps)
    return None


def _put(ins, positions, xs):
    full = list(ins)
    for p, x in zip(positions, xs):
        full[p] = x
    return full


def _central(fun, primals, tangents, eps):
    def at(sign):
        moved = [
            np.asarray(_wide(x) + sign * eps * _wide(t), dtype=np.asarray(x).dtype) for x, t in zip(primals, tangents)
        ]
        return fun(*moved)

    plus, minus = at(1.0), at(-1.0)
    return [(_wide(a) - _wide(b)) / (2 * eps) if _is_float(a) else None for a, b in zip(plus, minus)]


def _custom_message(kind, eqn, arg, what, got, want, eps) -> Blame:
    name = _rule_owner_name(eqn.params)
    err = float(np.max(np.abs(_wide(got) - _wide(want)))) if np.size(want) else 0.0
    message = (
        f"custom rule blame: the {kind} rule of `{name}` (called{_where(eqn)}) disagrees with central finite "
        f"differences of `{name}` itself for its argument {arg}: {what}, max abs err {err:.3g} (eps={eps:g})"
    )
    return Blame(f"{kind} rule", eqn.primitive.name, eqn.source_info, message)
