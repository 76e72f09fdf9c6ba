"""Registry test: every primitive has every rule it needs (DESIGN.md, testing doctrine).

Every primitive in ``core.all_primitives`` needs a lowering (eager execution and jit), a jvp rule
(forward mode; non-differentiable primitives register ``defjvp_zero``) and a batching rule (vmap).
Primitives that are linear in some operand declare it (``Primitive(..., linear=True)``; ``deflinear``
and ``defbilinear`` set it) and need a transpose rule (reverse mode); conversely a transpose rule on
a primitive not declared linear would silently give wrong gradients, so it is an error too.

Gaps are allowed only in the allow-lists right below, one line each with the reason.
"""

from __future__ import annotations

import importlib

import pytest

import fungrad  # noqa: F401  (registers every primitive of the core families)
from fungrad._src import ad, batching, core

# Import every public module so that primitives of every family are registered, whichever exist.
for _module in ("fungrad.random", "fungrad.scipy", "fungrad.scipy.special", "fungrad.scipy.linalg"):
    try:
        importlib.import_module(_module)
    except ImportError:
        pass

# ---- allow-lists of gaps (primitive name -> why it may lack the rule) ----------------------------------
MISSING_LOWERING: dict[str, str] = {}
MISSING_JVP: dict[str, str] = {}
MISSING_BATCHING: dict[str, str] = {}
MISSING_TRANSPOSE: dict[str, str] = {}

# The core primitives of issue 2: these must exist (a rename or a lost registration fails here).
CORE = {
    "add", "sub", "mul", "div", "neg", "max", "min", "pow", "integer_pow", "exp", "log", "log1p", "expm1",
    "sin", "cos", "tan", "tanh", "logistic", "sqrt", "rsqrt", "abs", "sign", "floor", "ceil", "round",
    "eq", "ne", "lt", "le", "gt", "ge", "select_n", "convert_element_type", "reduce_sum", "reduce_max",
    "reduce_min", "argmax", "argmin", "broadcast_in_dim", "reshape", "transpose", "squeeze", "expand_dims",
    "concatenate", "slice", "pad", "dot_general", "stop_gradient", "rev", "rem",
}  # fmt: skip

PRIMITIVES = list(core.all_primitives)
NAMES = [p.name for p in PRIMITIVES]


def _ids(prims):
    return [p.name for p in prims]


def test_core_primitives_exist():
    missing = sorted(CORE - set(NAMES))
    assert not missing, f"core primitives missing from core.all_primitives: {missing}"


def test_primitive_names_are_unique():
    dups = sorted({n for n in NAMES if NAMES.count(n) > 1})
    assert not dups, f"several primitives share a name (printed IR and error messages would be ambiguous): {dups}"


def test_allow_lists_name_real_primitives():
    for table in (MISSING_LOWERING, MISSING_JVP, MISSING_BATCHING, MISSING_TRANSPOSE):
        stale = sorted(set(table) - set(NAMES))
        assert not stale, f"allow-list entries for primitives that do not exist (remove them): {stale}"


@pytest.mark.parametrize("prim", PRIMITIVES, ids=_ids(PRIMITIVES))
def test_has_lowering(prim):
    if prim.name in MISSING_LOWERING:
        pytest.xfail(MISSING_LOWERING[prim.name])
    assert callable(core.lowering_rules.get(prim)), f"primitive `{prim.name}` has no lowering rule (def_lowering)"


@pytest.mark.parametrize("prim", PRIMITIVES, ids=_ids(PRIMITIVES))
def test_has_jvp_rule(prim):
    if prim.name in MISSING_JVP:
        pytest.xfail(MISSING_JVP[prim.name])
    assert callable(ad.jvp_rules.get(prim)), (
        f"primitive `{prim.name}` has no jvp rule (ad.def_jvp); non-differentiable primitives use defjvp_zero"
    )


@pytest.mark.parametrize("prim", PRIMITIVES, ids=_ids(PRIMITIVES))
def test_has_batching_rule(prim):
    if prim.name in MISSING_BATCHING:
        pytest.xfail(MISSING_BATCHING[prim.name])
    assert callable(batching.batching_rules.get(prim)), (
        f"primitive `{prim.name}` has no batching rule (batching.def_batching)"
    )


LINEAR_PRIMS = [p for p in PRIMITIVES if p.linear]


@pytest.mark.parametrize("prim", LINEAR_PRIMS, ids=_ids(LINEAR_PRIMS))
def test_linear_primitive_has_transpose_rule(prim):
    if prim.name in MISSING_TRANSPOSE:
        pytest.xfail(MISSING_TRANSPOSE[prim.name])
    assert callable(ad.transpose_rules.get(prim)), (
        f"primitive `{prim.name}` is declared linear but has no transpose rule (ad.def_transpose): reverse mode fails"
    )


def test_primitives_with_transpose_rules_are_linear():
    wrong = sorted(p.name for p in ad.transpose_rules if not p.linear)
    assert not wrong, (
        f"primitives with a transpose rule that are not declared linear: {wrong}; create them with "
        "Primitive(..., linear=True)"
    )


def test_core_linear_primitives_are_declared_linear():
    # A lost linear flag (and with it the transpose rule) on a core primitive fails here by name.
    expected = {
        "add", "sub", "neg", "mul", "div", "convert_element_type", "select_n", "reduce_sum",
        "broadcast_in_dim", "reshape", "transpose", "squeeze", "expand_dims", "concatenate", "slice", "pad",
        "rev", "dot_general",
    }  # fmt: skip
    by_name = {p.name: p for p in PRIMITIVES}
    missing = sorted(n for n in expected if not (by_name[n].linear and by_name[n] in ad.transpose_rules))
    assert not missing, f"linear core primitives not declared linear or without a transpose rule: {missing}"


def test_nonlinear_primitives_are_not_linear():
    nonlinear = {"exp", "log", "sin", "cos", "tanh", "max", "min", "pow", "integer_pow", "sqrt", "abs", "logistic"}
    wrong = sorted(p.name for p in PRIMITIVES if p.name in nonlinear and (p.linear or p in ad.transpose_rules))
    assert not wrong, f"non-linear primitives declared linear or with a transpose rule: {wrong}"
