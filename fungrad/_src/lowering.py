"""Lowering: run fungrad's IR as JAX/XLA computations.

Contract. :func:`lower_ir` interprets an IR on JAX values (concrete arrays or ``jax.jit`` tracers) by
calling each equation's registered lowering rule (``core.lowering_rules``, written with ``jax.lax``).
Called inside ``jax.jit`` it *is* the lowering of the IR to StableHLO: no fungrad tracing, no rules of
any transformation, just one ``jax.lax`` call per equation. Every equation's operations are emitted
under a ``jax.named_scope`` of the primitive's name, so the locations in the StableHLO text
(``as_text(debug_info=True)``) and in XLA profiles read as fungrad primitives; nested ``jit`` calls are
inlined into the enclosing computation under a scope ``jit(<function name>)``.

:class:`Lowered` and :class:`Compiled` are the ahead-of-time objects returned by
``fungrad.jit(f).lower(...)``: thin wrappers over JAX's own, which also carry the fungrad IR.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax

from fungrad._src import core
from fungrad._src.ir import IR, Literal, Var

# Scopes make every emitted op carry the primitive's name; cheap (about 1 us per equation at trace
# time). Turn off to shave lowering time when locations do not matter.
use_named_scopes = True


def lower_ir(ir: IR, consts: Sequence, args: Sequence) -> list:
    """Evaluate ``ir`` on JAX values with each primitive's lowering rule (under ``jax.jit``: lowering)."""
    env: dict[Var, Any] = dict(zip(ir.constvars, consts))
    env.update(zip(ir.invars, args))
    rules = core.lowering_rules
    scoped = use_named_scopes
    for eqn in ir.eqns:
        prim = eqn.primitive
        rule = rules.get(prim)
        if rule is None:
            raise NotImplementedError(f"[jit] primitive `{prim.name}` has no lowering rule")
        ins = [a.value if type(a) is Literal else env[a] for a in eqn.inputs]
        if scoped:
            with jax.named_scope(prim.name):
                out = rule(*ins, **eqn.params)
        else:
            out = rule(*ins, **eqn.params)
        if prim.multiple_results:
            env.update(zip(eqn.outputs, out))
        else:
            env[eqn.outputs[0]] = out
    return [a.value if type(a) is Literal else env[a] for a in ir.outvars]


class Compiled:
    """A compiled fungrad program: call it, or inspect XLA's ``cost_analysis``/``memory_analysis``."""

    def __init__(self, compiled, closed_ir):
        self._compiled = compiled
        self.closed_ir = closed_ir

    def __call__(self, *args, **kwargs):
        return self._compiled(*args, **kwargs)

    def cost_analysis(self) -> dict:
        """XLA's estimate: ``flops``, ``bytes accessed``, ... (a dict, as in JAX)."""
        cost = self._compiled.cost_analysis()
        if isinstance(cost, (list, tuple)):  # older JAX returned one dict per device program
            cost = cost[0] if cost else {}
        return dict(cost or {})

    def memory_analysis(self):
        """XLA's buffer sizes: ``temp_size_in_bytes``, ``argument_size_in_bytes``, ..."""
        return self._compiled.memory_analysis()

    def as_text(self) -> str:
        """The optimized HLO XLA compiled."""
        return self._compiled.as_text()


class Lowered:
    """A fungrad program lowered to StableHLO for particular argument shapes (``jit(f).lower(...)``).

    ``ir`` is the fungrad IR (a :class:`~fungrad._src.ir.ClosedIR`) that was lowered.
    """

    def __init__(self, lowered, closed_ir):
        self._lowered = lowered
        self.closed_ir = closed_ir

    @property
    def ir(self):
        return self.closed_ir

    def as_text(self, debug_info: bool = False) -> str:
        """StableHLO text (``debug_info=True`` adds locations, which name fungrad primitives)."""
        return self._lowered.as_text(debug_info=debug_info)

    def compile(self) -> Compiled:
        return Compiled(self._lowered.compile(), self.closed_ir)

    def cost_analysis(self) -> dict:
        """JAX's pre-compilation cost estimate (use ``compile().cost_analysis()`` for XLA's)."""
        return dict(self._lowered.cost_analysis() or {})
