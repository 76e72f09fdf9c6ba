"""The op-record type shared by every per-op test (see DESIGN.md's testing doctrine).

One record describes one public function (a primitive wrapper or a ``fungrad.numpy``/``fungrad.nn``/
``fungrad.lax`` composite) and how to feed it. The drivers in ``tests/test_ops.py`` run every record
through every check: forward vs the JAX reference, jvp/vjp vs ``jax.jvp``/``jax.vjp``, finite
differences at order 2 in both modes (float64), ``vmap`` vs a Python loop at every batch position,
and ``jit`` vs eager. Records live in ``tests/records/*.py``, each module exporting ``RECORDS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np


@dataclasses.dataclass(frozen=True)
class OpRecord:
    name: str  # test id, e.g. "sin" or "matmul-batched"
    fun: Callable  # the fungrad function (positional array args; static options closed over)
    ref: Callable  # the JAX reference (jax.numpy / jax.lax / jax.nn), same signature
    shapes: Sequence[tuple[int, ...]]  # one shape per positional argument
    domain: str | Sequence[str] = "real"  # per arg or for all: real | positive | unit | nonzero | complex | int | bool
    dtype: str = "float64"  # dtype of floating arguments
    grad: bool = True  # differentiable: run jvp/vjp/check_grads
    order: int = 2  # finite-difference order for check_grads
    grad_argnums: Sequence[int] | None = None  # which args to differentiate (default: every float arg)
    vmap: bool = True  # run the vmap-vs-loop checks
    jit: bool = True  # run jit-vs-eager (only once fungrad.jit exists)
    atol: float = 1e-9
    rtol: float = 1e-9
    fd_eps: float = 1e-4  # finite-difference step
    fd_tol: float = 1e-5  # finite-difference tolerance
    fd: bool = True  # run the finite-difference check_grads (off at kinks, special values, casts)
    make_args: Callable[[np.random.Generator], tuple] | None = None  # overrides shapes/domain
    tags: tuple[str, ...] = ()  # e.g. ("special-values",)


def make_arg(rng: np.random.Generator, shape, domain: str, dtype: str = "float64"):
    """A random argument in ``domain`` (kept away from kinks and singularities)."""
    if domain == "real":
        return rng.normal(size=shape).astype(dtype)
    if domain == "positive":
        return rng.uniform(0.5, 2.0, size=shape).astype(dtype)
    if domain == "unit":  # strictly inside (-1, 1)
        return rng.uniform(-0.9, 0.9, size=shape).astype(dtype)
    if domain == "nonzero":  # magnitude in [0.5, 2], random sign
        return (rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(dtype)
    if domain == "complex":  # standard normal real and imaginary parts, complex dtype of ``dtype``
        cdtype = np.complex128 if np.dtype(dtype) == np.float64 else np.complex64
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(cdtype)
    if domain == "int":
        return rng.integers(-5, 5, size=shape).astype(np.int32)
    if domain == "bool":
        return rng.random(size=shape) < 0.5
    raise ValueError(f"unknown domain {domain!r}")


def record_args(record: OpRecord, seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    if record.make_args is not None:
        return tuple(record.make_args(rng))
    domains = [record.domain] * len(record.shapes) if isinstance(record.domain, str) else list(record.domain)
    return tuple(make_arg(rng, s, d, record.dtype) for s, d in zip(record.shapes, domains))
