"""The Poisson distribution with mean ``mu``, as ``jax.scipy.stats.poisson``.

>>> import fungrad.scipy.stats as fst
>>> round(float(fst.poisson.pmf(0.0, 2.0)), 6), round(float(fst.poisson.cdf(0.0, 2.0)), 6)
(0.135335, 0.135335)
"""

from __future__ import annotations

import numpy as _np

import fungrad.numpy as _fnp
from fungrad.scipy import special as _special
from fungrad.scipy.stats import _common

__all__ = ["cdf", "entropy", "logpmf", "pmf"]


def logpmf(k, mu, loc=0):
    """``xlogy(k, mu) - gammaln(k + 1) - mu`` at non-negative integers ``k - loc``, ``-inf`` elsewhere.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.logpmf(2.0, 1.5)), 4)
    -1.3822
    """
    k, mu, loc = _common.promote(k, mu, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.logical_or(_fnp.less(x, 0), _fnp.not_equal(_fnp.floor(x), x))
    x = _fnp.where(outside, _fnp.zeros_like(x), x)
    out = _fnp.subtract(_fnp.subtract(_special.xlogy(x, mu), _special.gammaln(_fnp.add(x, 1))), mu)
    return _common.neg_inf_where(outside, out)


def pmf(k, mu, loc=0):
    """Probability mass.

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.pmf(2.0, 1.5)), 4)
    0.251
    """
    return _fnp.exp(logpmf(k, mu, loc))


def cdf(k, mu, loc=0):
    """``gammaincc(floor(k - loc) + 1, mu)`` (0 below the support).

    >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.cdf(2.0, 1.5)), 4)
    0.8088
    """
    k, mu, loc = _common.promote(k, mu, loc)
    x = _fnp.subtract(k, loc)
    outside = _fnp.less(x, 0)
    p = _special.gammaincc(_fnp.add(_fnp.floor(_fnp.where(outside, _fnp.zeros_like(x), x)), 1), mu)
    return _fnp.where(outside, _fnp.zeros_like(p), p)


def _entropy_sum(mu, max_k, upper):
    # -sum_k p_k log p_k over k < min(max_k, upper(mu)): the terms JAX keeps, so the values agree
    k = _np.arange(max_k, dtype=_fnp.result_type(mu))[:, None]
    probs = pmf(k, mu)
    keep = _fnp.less(k, _fnp.ceil(upper)[None, :])
    return _fnp.sum(_special.entr(_fnp.where(keep, probs, _fnp.zeros_like(probs))), axis=0)


def entropy(mu, loc=0):
    """Entropy ``-sum_k p_k log p_k``: summed over the bulk of the mass for ``mu < 100`` (as JAX: 35 terms
    below 10, 250 below 100), the normal approximation ``log(2 pi e mu)/2 - 1/(12 mu)`` above; 0 at
    ``mu = 0``. ``loc`` only broadcasts.

    >>> import fungrad.scipy.stats as fst
    >>> round(float(fst.poisson.entropy(2.0)), 6)
    1.704883
    """
    mu, loc = _common.promote(mu, loc)
    shape = _fnp.shape(mu)
    flat = _fnp.ravel(mu)
    zero = _fnp.equal(flat, 0)
    small_mu = _fnp.where(_fnp.logical_and(_fnp.less(flat, 10), _fnp.logical_not(zero)), flat, _fnp.ones_like(flat))
    mid = _fnp.logical_and(_fnp.greater_equal(flat, 10), _fnp.less(flat, 100))
    mid_mu = _fnp.where(mid, flat, _fnp.full_like(flat, 50.0))
    large_mu = _fnp.where(_fnp.greater_equal(flat, 100), flat, _fnp.full_like(flat, 100.0))
    small = _entropy_sum(small_mu, 35, _fnp.add(small_mu, 20))
    medium = _entropy_sum(mid_mu, 250, _fnp.add(_fnp.add(mid_mu, _fnp.multiply(10, _fnp.sqrt(mid_mu))), 20))
    large = _fnp.subtract(
        _fnp.multiply(0.5, _fnp.log(_fnp.multiply(2 * _np.pi * _np.e, large_mu))),
        _fnp.divide(1.0, _fnp.multiply(12, large_mu)),
    )
    out = _fnp.where(_fnp.less(flat, 10), small, _fnp.where(_fnp.less(flat, 100), medium, large))
    out = _fnp.where(zero, _fnp.zeros_like(out), out)
    return _fnp.broadcast_to(_fnp.reshape(out, shape), _np.broadcast_shapes(shape, _fnp.shape(loc)))
