"""Special functions defined by integrals, for ``fungrad.scipy.special`` (re-exported there): ``spence``,
``dawsn``, ``fresnel``, ``sici``, ``owens_t`` and ``wofz``, with ``jax.scipy.special``'s signatures.

Each calls a primitive of ``fungrad._src.primitives.special_integrals`` (a series, continued fraction or
quadrature with a closed-form jvp); this module promotes the arguments as JAX does (integers to floats,
real to complex for ``wofz``) and returns strongly typed results, as JAX does. Where fungrad differs from
JAX on purpose (a derivative JAX gets wrong, a more accurate value), the docstring says so.
"""

from __future__ import annotations

import fungrad.numpy as _fnp
from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import complex_parts as _cx
from fungrad._src.primitives import elementwise as _ew
from fungrad._src.primitives import special_integrals as _si
from fungrad.numpy._conversion import _promote_broadcast, _to_inexact

__all__ = ["dawsn", "fresnel", "owens_t", "sici", "spence", "wofz"]


def _strong(x):
    aval = _get_aval(x)
    return _ew.convert_element_type(x, aval.dtype, False) if aval.weak_type else x


def _real_args(name: str, *args):
    """Inexact, strongly typed, real, broadcast to one shape and promoted to one dtype."""
    args = [_to_inexact(a) for a in args]
    for a in args:
        if _fnp.iscomplexobj(a):
            raise _FungradTypeError(
                f"{name} does not support complex-valued inputs (as in JAX), got {_get_aval(a).str_short()}; "
                "pass the real part (fungrad.numpy.real) or a real array"
            )
    args = _promote_broadcast(*args) if len(args) > 1 else args
    out = [_strong(a) for a in args]
    return out if len(out) > 1 else out[0]


def spence(x):
    """Spence's function ``int_1^x log(t) / (1 - t) dt``, the dilogarithm ``Li2(1 - x)``, for ``x >= 0``.

    NaN for negative ``x`` and at ``+inf``, as JAX. Derivative ``log(x) / (1 - x)`` (``-1`` at ``x = 1``);
    JAX differentiates through its implementation, which gives NaN on ``[1, 2]`` and 0 at ``x = 0`` and
    ``x = 1``. Integer inputs are promoted to floats (JAX raises a TypeError).

    >>> import fungrad, fungrad.scipy.special as fsp
    >>> round(float(fsp.spence(0.0)), 6), round(float(fsp.spence(2.0)), 6)  # pi^2/6, -pi^2/12
    (1.644934, -0.822467)
    >>> round(float(fungrad.grad(fsp.spence)(1.0)), 6)
    -1.0
    """
    return _si.spence(_real_args("spence", x))


def dawsn(x):
    """Dawson's integral ``exp(-x^2) int_0^x exp(t^2) dt`` (real inputs); derivative ``1 - 2 x dawsn(x)``.

    >>> import fungrad, fungrad.scipy.special as fsp
    >>> round(float(fsp.dawsn(1.0)), 6), round(float(fungrad.grad(fsp.dawsn)(0.0)), 6)
    (0.53808, 1.0)
    """
    return _si.dawsn(_real_args("dawsn", x))


def fresnel(x):
    """The Fresnel integrals ``(S(x), C(x))``: ``S = int_0^x sin(pi t^2 / 2) dt``, ``C`` with cosine.

    Real inputs; ``+-0.5`` at ``+-inf``. The derivatives are the integrands, with ``x^2`` reduced exactly
    so large ``x`` keep their phase.

    >>> import fungrad.scipy.special as fsp
    >>> s, c = fsp.fresnel(1.0)
    >>> round(float(s), 6), round(float(c), 6)
    (0.438259, 0.779893)
    """
    x = _real_args("fresnel", x)
    return _si.fresnel(x, "s"), _si.fresnel(x, "c")


def sici(x):
    """The sine and cosine integrals ``(Si(x), Ci(x))``: ``Si = int_0^x sin(t)/t dt``,
    ``Ci = gamma + log x + int_0^x (cos(t) - 1)/t dt``.

    Real inputs. ``Si`` is odd; for negative ``x``, ``Ci`` is ``Ci(|x|)`` (the real part of SciPy's
    complex value), NaN at ``-inf``, ``-inf`` at 0, as JAX. Derivatives ``sin(x)/x`` and ``cos(x)/x``.

    >>> import fungrad.scipy.special as fsp
    >>> si, ci = fsp.sici(1.0)
    >>> round(float(si), 6), round(float(ci), 6)
    (0.946083, 0.337404)
    """
    x = _real_args("sici", x)
    return _si.sici(x, "si"), _si.sici(x, "ci")


def owens_t(h, a):
    """Owen's T function ``1/(2 pi) int_0^a exp(-h^2 (1 + u^2) / 2) / (1 + u^2) du`` (real inputs).

    Even in ``h``, odd in ``a``. Accurate to ~1e-14 relative for ``|h|`` up to 30 (JAX's 13-point
    quadrature is off by up to 1e-6 relative for ``|h| >= 8`` near ``|a| = 1``); ``1/4`` at ``h = 0,
    a = inf`` where JAX gives NaN; float32 inputs give float32 (JAX returns float64 when x64 is on).

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.owens_t(0.0, 1.0)), 6), round(float(fsp.owens_t(1.0, 0.5)), 6)
    (0.125, 0.043065)
    """
    h, a = _real_args("owens_t", h, a)
    return _si.owens_t(h, a)


def wofz(z):
    """The Faddeeva function ``w(z) = exp(-z^2) erfc(-i z)``, complex-valued (real inputs are promoted).

    Holomorphic, ``w'(z) = -2 z w(z) + 2 i / sqrt(pi)``. Weideman's rational approximation with 40 terms
    (relative error ~1e-14 in the upper half plane; JAX uses 32, ~3e-13); 0 at infinities where that is
    the limit (JAX gives NaN).

    >>> import fungrad.scipy.special as fsp
    >>> w = complex(fsp.wofz(1.0))
    >>> round(w.real, 6), round(w.imag, 6)  # exp(-1), 2/sqrt(pi) dawsn(1)
    (0.367879, 0.607158)
    """
    z = _to_inexact(z)
    aval = _get_aval(z)
    return _si.wofz(_ew.convert_element_type(z, _cx.complex_dtype(aval.dtype), False))
