"""The multinomial distribution, as ``jax.scipy.stats.multinomial``: integer counts ``x`` (last axis)
and total ``n``, probabilities ``p``.

>>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
>>> round(float(fst.multinomial.pmf(fnp.array([1, 1]), 2, fnp.array([0.5, 0.5]))), 6)
0.5
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy._conversion import _to_inexact
from fungrad.scipy import special as _special

__all__ = ["logpmf", "pmf"]


def logpmf(x, n, p):
    """``gammaln(n + 1) + sum(xlogy(x, p) - gammaln(x + 1))``, ``-inf`` where ``sum(x) != n`` (``x`` and ``n``
    must be integers, as in JAX).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.multinomial.logpmf(fnp.array([2, 1]), 3, fnp.array([0.25, 0.75]))), 6)
    -1.961659
    """
    p = _to_inexact(p)
    x, n = _fnp.asarray(x), _fnp.asarray(n)
    if not (_fnp.issubdtype(_get_aval(x).dtype, _np.integer) and _fnp.issubdtype(_get_aval(n).dtype, _np.integer)):
        raise ValueError(
            f"multinomial.logpmf: x and n must be of integer type; got x.dtype={_get_aval(x).dtype}, "
            f"n.dtype={_get_aval(n).dtype}"
        )
    dtype = _get_aval(p).dtype
    xf, nf = _fnp.astype(x, dtype), _fnp.astype(n, dtype)
    terms = _fnp.subtract(_special.xlogy(xf, p), _special.gammaln(_fnp.add(xf, 1)))
    out = _fnp.add(_special.gammaln(_fnp.add(nf, 1)), _fnp.sum(terms, axis=-1))
    # JAX compares the total over every axis of x with n
    return _fnp.where(_fnp.equal(_fnp.sum(xf), nf), out, _fnp.full_like(out, -_np.inf))


def pmf(x, n, p):
    """Probability mass.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.multinomial.pmf(fnp.array([2, 1]), 3, fnp.array([0.25, 0.75]))), 6)
    0.140625
    """
    return _fnp.exp(logpmf(x, n, p))
