"""``fungrad.scipy.special``: special functions with derivatives, mirroring ``jax.scipy.special``.

>>> import fungrad, fungrad.scipy.special as fsp
>>> round(float(fungrad.grad(fsp.gammaln)(1.0)), 4)  # digamma(1) = -Euler's gamma
-0.5772
"""

from __future__ import annotations

from fungrad._src.primitives import special as _sp
from fungrad.nn import logsumexp, sigmoid
from fungrad.numpy._lax_numpy import _to_inexact

__all__ = ["digamma", "erf", "erfc", "erfinv", "expit", "gammainc", "gammaln", "logsumexp", "polygamma"]


def erf(x):
    """The error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt``."""
    return _sp.erf(_to_inexact(x))


def erfc(x):
    """The complementary error function ``1 - erf(x)`` (accurate for large ``x``)."""
    return _sp.erfc(_to_inexact(x))


def erfinv(x):
    """The inverse of :func:`erf` on ``(-1, 1)``."""
    return _sp.erf_inv(_to_inexact(x))


def gammaln(x):
    """``log(|Gamma(x)|)``; its derivative is :func:`digamma`."""
    return _sp.lgamma(_to_inexact(x))


def digamma(x):
    """The logarithmic derivative of the gamma function."""
    return _sp.digamma(_to_inexact(x))


def polygamma(n: int, x):
    """The ``n``-th derivative of :func:`digamma` (``n`` a static non-negative integer)."""
    return _sp.polygamma(int(n), _to_inexact(x))


def gammainc(a, x):
    """The regularized lower incomplete gamma function ``P(a, x)`` (differentiable to first order in ``a``)."""
    from fungrad.numpy._lax_numpy import _promote_broadcast

    a, x = _promote_broadcast(_to_inexact(a), _to_inexact(x))
    return _sp.igamma(a, x)


expit = sigmoid
