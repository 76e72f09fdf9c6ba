"""NaN and Inf origins: ``fungrad.config.update("debug_nans", True)`` (and ``"debug_infs"``).

Contract. While an option is on, every eager operation's outputs are checked (a hook in the eager
trace; nothing is checked, and nothing costs anything, while both are off). The first non-finite value
raises :class:`FloatingPointError` naming: the forward or the backward pass; the primitive; the user's
file:line (a backward equation carries the source of the forward code it differentiates, because the
backward pass runs each transpose rule under that equation's source); the inputs' summary; and, for the
classic ``where`` trap, the fix. A higher-order primitive whose result is non-finite is run again
de-optimized (a ``scan`` step by step, reporting the zero-based step; the taken ``cond`` branch; a
``jit`` body equation by equation) to find the equation inside it. A compiled (``jit``) call is checked
on its outputs only, and re-run equation by equation only when one is non-finite.
"""

from __future__ import annotations

import linecache

import jax
import numpy as np
from jax import tree_util

from fungrad._src import core, jit
from fungrad._src.config import config
from fungrad._src.control_flow.cond import cond_p
from fungrad._src.control_flow.scan import scan_p
from fungrad._src.control_flow.while_loop import while_p
from fungrad._src.ir import eval_ir


def _bad(x, nans: bool, infs: bool):
    """Which kind of non-finite value ``x`` holds ("NaN", "Inf") or None."""
    if (
        not isinstance(x, jax.Array)
        or isinstance(x, core.Tracer)
        or not jax.numpy.issubdtype(x.dtype, jax.numpy.inexact)
    ):
        return None
    if nans and bool(jax.numpy.isnan(x).any()):
        return "NaN"
    if infs and bool(jax.numpy.isinf(x).any()):
        return "Inf"
    return None


def _summary(x) -> str:
    aval = core.get_aval(x)
    try:
        v = np.asarray(x)
    except Exception:  # noqa: BLE001 - a summary must never hide the real error
        return aval.str_short()
    if v.size == 0 or v.dtype.kind not in "fciub":
        return aval.str_short()
    finite = v[np.isfinite(v)] if v.dtype.kind in "fc" else v
    rng = f"min={finite.min():.4g} max={finite.max():.4g}" if finite.size and v.dtype.kind != "c" else ""
    flags = [f for f, bad in (("nan", np.isnan(v).any()), ("inf", np.isinf(v).any())) if v.dtype.kind in "fc" and bad]
    return f"{aval.str_short()} {rng} {'has ' + '/'.join(flags) if flags else 'finite'}".replace("  ", " ")


def _code(info) -> str:
    if info is None:
        return ""
    line = linecache.getline(info.filename, info.lineno).strip()
    return f": {line}" if line else ""


def _message(kind, prim, args, info) -> str:
    backward = info is not None and info.transposed_from is not None
    where = info.transposed_from if backward else info
    lines = [
        f"[debug_{kind.lower()}s] {kind} produced in the {'backward' if backward else 'forward'} pass by "
        f"`{prim.name}`" + (f" at {where}" if where is not None else ""),
    ]
    if backward:
        lines.append(f"  it differentiates the forward code at {where}{_code(where)}")
    elif where is not None and _code(where):
        lines.append(f"  code{_code(where)}")
    lines.append("  inputs: " + "; ".join(_summary(a) for a in args))
    if backward and "where" in _code(where):
        lines.append(
            "  hint: `where` computes both branches, and differentiating the branch it does not take multiplies "
            "that branch's infinite or NaN derivative by zero. Make the untaken branch safe too (the double-where "
            "trick): `safe = fnp.where(x > 0, x, 1.0); y = fnp.where(x > 0, fnp.sqrt(safe), 0.0)`."
        )
    return "\n".join(lines)


def _check(prim, args, params, out):
    nans, infs = config.debug_nans, config.debug_infs
    for x in out if prim.multiple_results else [out]:
        kind = _bad(x, nans, infs)
        if kind is None:
            continue
        if any(_bad(a, nans, infs) == kind for a in args):
            return  # it came in with the inputs: the equation that made it has already been reported
        rerun = _RERUN.get(prim)
        if rerun is not None:
            rerun(args, params)  # raises at the equation inside, if it finds it
        raise FloatingPointError(_message(kind, prim, args, core.user_source_info()))


# ---- de-optimized re-runs of higher-order primitives ---------------------------------------------------


def _rerun_ir(ir, args):
    eval_ir(ir, (), args)


def _rerun_scan(args, params):
    body, nc, nk = params["body"], params["num_consts"], params["num_carry"]
    consts, carry, xs = args[:nc], list(args[nc : nc + nk]), args[nc + nk :]
    steps = range(params["length"])
    for i in reversed(steps) if params["reverse"] else steps:
        try:
            outs = eval_ir(body, (), [*consts, *carry, *(x[i] for x in xs)])
        except FloatingPointError as err:
            raise FloatingPointError(f"{err}\n  in step {i} (zero-based) of a scan") from None
        carry = outs[:nk]


def _rerun_cond(args, params):
    index, *ops = args
    branches = params["branches"]
    eval_ir(branches[int(np.clip(int(index), 0, len(branches) - 1))], (), ops)


def _rerun_while(args, params):
    ncc, nbc = params["cond_nconsts"], params["body_nconsts"]
    cc, bc, carry = args[:ncc], args[ncc : ncc + nbc], list(args[ncc + nbc :])
    step = 0
    while bool(eval_ir(params["cond"], (), [*cc, *carry])[0]):
        try:
            carry = eval_ir(params["body"], (), [*bc, *carry])
        except FloatingPointError as err:
            raise FloatingPointError(f"{err}\n  in iteration {step} (zero-based) of a while_loop") from None
        step += 1


_RERUN = {
    jit.jit_p: lambda args, params: _rerun_ir(params["ir"], args),
    scan_p: _rerun_scan,
    cond_p: _rerun_cond,
    while_p: _rerun_while,
}


def _check_jit_result(jitted, args, kwargs, out):
    nans, infs = config.debug_nans, config.debug_infs
    if not any(_bad(x, nans, infs) for x in tree_util.tree_leaves(out)):
        return
    closed = jitted.ir(*args, **kwargs)
    leaves, _, _ = jitted._shared.flatten(args, kwargs, check=True)
    eval_ir(closed.ir, closed.consts, leaves)  # equation by equation, checked: raises at the origin
    raise FloatingPointError(f"[debug_nans] the compiled program `{jitted.__name__}` returned a non-finite value")


def _arm(_value=None) -> None:
    on = bool(config.debug_nans or config.debug_infs)
    core.eager_output_check = _check if on else None
    jit.result_check = _check_jit_result if on else None


config.watch("debug_nans", _arm)
config.watch("debug_infs", _arm)
_arm()
