"""Per-op drivers: every op record (tests/records/*.py) through every check of DESIGN.md's doctrine.

For each record: forward vs the JAX reference (values, dtypes, weak types); ``jvp``/``vjp`` vs
``jax.jvp``/``jax.vjp``; ``fungrad.testing.check_grads`` at ``record.order`` in both modes (float64);
``vmap`` vs a Python loop at every batch-dim position of every argument (others unbatched, or
batched at their last position); ``vmap`` vs ``jax.vmap`` including a batch of size 0; ``jit`` vs
eager. Records are collected from every module in tests/records, so other families only add a file.

One parametrized test, ``test_op[<record>:<check>]``, runs each applicable check of each record; select
with ``-k``, e.g. ``-k "lax.sin:"`` (one record) or ``-k ":vmap"`` (one check).
"""

from __future__ import annotations

import importlib
import pathlib

import jax
import numpy as np
import pytest

import fungrad
from fungrad.testing import assert_trees_close, check_against_jax, check_grads
from tests.op_record import OpRecord, record_args


def _load_records() -> dict[str, list[OpRecord]]:
    by_module = {}
    for path in sorted((pathlib.Path(__file__).parent / "records").glob("*.py")):
        if not path.stem.startswith("_"):
            by_module[path.stem] = importlib.import_module(f"tests.records.{path.stem}").RECORDS
    return by_module


RECORDS_BY_MODULE = _load_records()
RECORDS = [r for records in RECORDS_BY_MODULE.values() for r in records]
BATCH = 3  # vmap batch size: distinct from the small sizes records use, so misplaced axes show


def test_record_names_are_unique():
    names = [r.name for r in RECORDS]
    assert len(RECORDS) > 0
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_every_core_primitive_has_a_record():
    """Each primitive of tests/test_registry.py's CORE set appears in the IR of some record."""
    from tests.test_registry import CORE

    seen = set()
    for r in RECORDS_BY_MODULE["core"]:
        closed = fungrad.make_ir(r.fun)(*record_args(r)).closed
        seen.update(eqn.primitive.name for eqn in closed.ir.eqns)
    assert not CORE - seen, f"core primitives no op record exercises: {sorted(CORE - seen)}"


# ---- helpers -----------------------------------------------------------------------------------------


def _is_float(x) -> bool:
    return np.issubdtype(np.asarray(x).dtype, np.inexact)


def _diff_argnums(record: OpRecord, args) -> tuple[int, ...]:
    if record.grad_argnums is not None:
        return tuple(record.grad_argnums)
    return tuple(i for i, a in enumerate(args) if _is_float(a))


def _partial(fun, args, argnums):
    """``fun`` as a function of the differentiated arguments only (the others closed over)."""

    def g(*diff):
        full = list(args)
        for i, d in zip(argnums, diff):
            full[i] = d
        return fun(*full)

    return g


def _assert_close(what, got, want, record: OpRecord, check_dtypes=True):
    assert_trees_close(got, want, rtol=record.rtol, atol=record.atol, check_dtypes=check_dtypes, what=what)


def _zeros(struct):
    return np.zeros(struct.shape, struct.dtype)


def _weak_types(tree):
    return [getattr(x, "weak_type", False) for x in jax.tree_util.tree_leaves(tree)]


# ---- forward, jvp, vjp, finite differences ------------------------------------------------------------


def check_forward(record):
    args = record_args(record)
    got, want = record.fun(*args), record.ref(*args)
    _assert_close("forward value", got, want, record)
    assert _weak_types(got) == _weak_types(want), f"weak types: fungrad {_weak_types(got)}, jax {_weak_types(want)}"


def _check_mode(record, *, forward: bool):
    """jvp (forward) or vjp and grad (reverse) of the record against JAX's, in the differentiable args."""
    args = record_args(record)
    nums = _diff_argnums(record, args)
    diff = tuple(args[i] for i in nums)
    check_against_jax(
        _partial(record.fun, args, nums),
        _partial(record.ref, args, nums),
        diff,
        grad=not forward,
        jvp=forward,
        vjp=not forward,
        atol=record.atol,
        rtol=record.rtol,
    )


def check_jvp(record):
    _check_mode(record, forward=True)


def check_vjp(record):
    _check_mode(record, forward=False)


def check_check_grads(record):
    args = record_args(record)
    nums = _diff_argnums(record, args)
    diff = tuple(args[i] for i in nums)
    check_grads(
        _partial(record.fun, args, nums),
        diff,
        order=record.order,
        modes=("fwd", "rev"),
        eps=record.fd_eps,
        atol=record.fd_tol,
        rtol=record.fd_tol,
    )


# ---- vmap ------------------------------------------------------------------------------------------------


def _examples(record: OpRecord, size: int) -> list[tuple]:
    """``size`` independent argument tuples (seeds 1..size; seed 0 is the unbatched example)."""
    return [record_args(record, seed=b + 1) for b in range(size)]


def _batched(examples, in_axes):
    """Stack per-example arguments along their batch axes (``None``: the first example's value)."""
    out = []
    for i, d in enumerate(in_axes):
        if d is None:
            out.append(examples[0][i])
        else:
            out.append(np.stack([np.asarray(ex[i]) for ex in examples], axis=d))
    return out


def _vmap_configs(args) -> list[tuple]:
    """in_axes checked against the loop: every position of every argument with the others
    unbatched, plus every argument at 0 and every argument at its last position."""
    ndims = [np.ndim(a) for a in args]
    configs = [tuple(0 for _ in args), tuple(ndims)]
    for i, n in enumerate(ndims):
        for p in range(n + 1):
            configs.append(tuple(p if j == i else None for j in range(len(args))))
    return list(dict.fromkeys(configs))


def _loop(record: OpRecord, examples, in_axes):
    """The per-example outputs for ``in_axes`` (unbatched arguments fixed to example 0), stacked."""
    outs = []
    for b in range(len(examples)):
        args = [examples[0][i] if d is None else examples[b][i] for i, d in enumerate(in_axes)]
        outs.append(record.fun(*args))
    return jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *outs)


def _has_args(record: OpRecord) -> bool:
    return record.vmap and (record.make_args is not None or len(record.shapes) > 0)


def check_vmap(record):
    """vmap vs a Python loop at every batch position, vs jax.vmap, and over a batch of size 0."""
    examples = _examples(record, BATCH)
    loops = {}  # the loop only depends on which arguments are batched
    for in_axes in _vmap_configs(examples[0]):
        key = tuple(d is None for d in in_axes)
        if key not in loops:
            loops[key] = _loop(record, examples, in_axes)
        got = fungrad.vmap(record.fun, in_axes=in_axes)(*_batched(examples, in_axes))
        _assert_close(f"vmap(in_axes={in_axes}) vs a Python loop", got, loops[key], record)
    n = len(examples[0])
    for in_axes in [(0,) * n] + ([(None,) + (-1,) * (n - 1)] if n > 1 else []):
        args = _batched(examples, [d if d is None else d % (np.ndim(a) + 1) for d, a in zip(in_axes, examples[0])])
        got = fungrad.vmap(record.fun, in_axes=in_axes)(*args)
        want = jax.vmap(record.ref, in_axes=in_axes)(*args)
        _assert_close(f"vmap(in_axes={in_axes}) vs jax.vmap", got, want, record)
    empty = [np.zeros((0, *np.shape(a)), np.asarray(a).dtype) for a in examples[0]]
    got, want = fungrad.vmap(record.fun)(*empty), jax.eval_shape(jax.vmap(record.ref), *empty)
    _assert_close("vmap over a batch of size 0 vs jax.vmap", got, jax.tree_util.tree_map(_zeros, want), record)


# ---- jit -----------------------------------------------------------------------------------------------------


def check_jit(record):
    args = record_args(record)
    got, want = fungrad.jit(record.fun)(*args), record.fun(*args)
    _assert_close("jit value", got, want, record)
    if record.grad:
        nums = _diff_argnums(record, args)
        diff = tuple(args[i] for i in nums)
        f = _partial(record.fun, args, nums)
        out, f_vjp = fungrad.vjp(f, *diff)
        jit_out, jit_vjp = fungrad.vjp(fungrad.jit(f), *diff)
        cts = jax.tree_util.tree_map(
            lambda o: (
                np.ones(np.shape(o), np.asarray(o).dtype) if _is_float(o) else np.zeros(np.shape(o), jax.dtypes.float0)
            ),
            out,
        )
        _assert_close("vjp of jit", jit_vjp(cts), f_vjp(cts), record)


# ---- the table-driven test --------------------------------------------------------------------------------

# Which checks apply to a record, in the order they run. One test per (record, check), ordered record by
# record, so that with xdist a record's checks tend to land on one worker and share its compilations.
CHECKS = {
    "forward": (lambda r: True, check_forward),
    "jvp": (lambda r: r.grad, check_jvp),
    "vjp": (lambda r: r.grad, check_vjp),
    "check_grads": (lambda r: r.grad and r.fd, check_check_grads),
    "vmap": (_has_args, check_vmap),
    "jit": (lambda r: r.jit, check_jit),
}

# Known gaps, reported to the lead: (record name, check) -> reason. Strict xfails, so a fix shows.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _cases():
    for r in RECORDS:
        for name, (applies, _) in CHECKS.items():
            if applies(r):
                reason = KNOWN_FAILURES.get((r.name, name))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                yield pytest.param(r, name, id=f"{r.name}:{name}", marks=marks)


@pytest.mark.parametrize("record, check", list(_cases()))
def test_op(record, check):
    CHECKS[check][1](record)
