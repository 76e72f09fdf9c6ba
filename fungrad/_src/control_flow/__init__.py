"""Structured control flow: ``cond``/``switch``, ``scan``, ``while_loop`` (higher-order primitives that
are clients of the IR-rewrite toolkit) and the loops built from them. ``fungrad.lax`` re-exports them."""

from fungrad._src.control_flow.composites import associative_scan, fori_loop, map  # noqa: A004
from fungrad._src.control_flow.cond import cond, cond_p, switch
from fungrad._src.control_flow.scan import scan, scan_p
from fungrad._src.control_flow.while_loop import while_loop, while_p
