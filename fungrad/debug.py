"""Debugging tools: print and callbacks that run with the program, NaN/Inf origins, gradient health.

``fungrad.config.update("debug_nans", True)`` (or ``"debug_infs"``) turns on NaN/Inf origin reports
(see ``docs/debugging.md``).
"""

from fungrad._src import debug_nans as _debug_nans  # noqa: F401  (arms the debug_nans / debug_infs options)
from fungrad._src.debug_callback import callback
from fungrad._src.debug_callback import debug_print as print  # noqa: A004  (jax.debug.print's name)
from fungrad._src.grad_health import GradHealth, GradThroughTime, grad_health, grad_norm_through_time

__all__ = ["callback", "print", "GradHealth", "GradThroughTime", "grad_health", "grad_norm_through_time"]
