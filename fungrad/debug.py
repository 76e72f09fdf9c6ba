"""Debugging tools: print and callbacks that run with the program, NaN/Inf origins, gradient health.

``fungrad.config.update("debug_nans", True)`` (or ``"debug_infs"``) turns on NaN/Inf origin reports
(see ``docs/debugging.md``).
"""

from fungrad._src import debug_nans as _debug_nans  # noqa: F401  (arms the debug_nans / debug_infs options)
from fungrad._src.debug_callback import callback
from fungrad._src.debug_callback import debug_print as print  # noqa: A004  (jax.debug.print's name)
from fungrad._src.grad_health import GradHealth, GradThroughTime, grad_health, grad_norm_through_time
from fungrad._src.ir_views import BackwardView, backward_view, side_by_side, to_dot
from fungrad._src.why_zero import WhyZero, ZeroReason, why_zero

__all__ = [
    "callback",
    "print",
    # gradient health, why-zero, the backward pass (grad_health.py, why_zero.py, ir_views.py)
    "BackwardView",
    "GradHealth",
    "GradThroughTime",
    "WhyZero",
    "ZeroReason",
    "backward_view",
    "grad_health",
    "grad_norm_through_time",
    "side_by_side",
    "to_dot",
    "why_zero",
]
