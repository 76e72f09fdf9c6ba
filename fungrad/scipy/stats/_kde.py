"""Gaussian kernel density estimation: ``gaussian_kde``, as ``jax.scipy.stats.gaussian_kde``.

Contract: a ``gaussian_kde`` is an immutable pytree whose leaves are its arrays (``neff``, ``dataset``,
``weights``, ``covariance``, ``inv_cov``, in JAX's order), so it can be built inside and passed through
``fungrad.grad``, ``vmap`` and ``jit``; every method is a composition of fungrad ops, differentiable in
the data, the weights, the bandwidth and the evaluation points. The kernel covariance is the weighted
data covariance times the squared bandwidth factor (Scott's or Silverman's rule, a scalar, or a
callable of the estimator).

Deliberate differences from JAX 0.10.2: ``resample`` draws the same indices and noise as JAX for a
1-D ``shape`` from the same key, and returns ``(d, *shape)`` for any ``shape`` (JAX's transpose
reverses a multi-axis ``shape``).

>>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
>>> kde = fst.gaussian_kde(fnp.array([-1.0, 0.0, 1.0]), bw_method=1.0)
>>> round(float(kde.integrate_box_1d(-10.0, 10.0)), 6)
1.0
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as _np
from jax import tree_util as _tree_util

import fungrad.numpy as _fnp
import fungrad.random as _random
from fungrad._src.core import get_aval as _get_aval
from fungrad.numpy._conversion import _promote, _to_inexact
from fungrad.scipy import linalg as _linalg
from fungrad.scipy import special as _special

__all__ = ["gaussian_kde"]

_LEAVES = ("neff", "dataset", "weights", "covariance", "inv_cov")
_LOG_2PI = float(_np.log(2 * _np.pi))


def _is_complex(x) -> bool:
    return _np.dtype(_get_aval(x).dtype).kind == "c"


def _weighted_covariance(data, weights):
    """Unbiased weighted covariance of the rows of ``data`` ``(d, n)`` (``np.cov(aweights=weights)``):
    ``sum_j w_j (x_j - m)(x_j - m)^T / (V1 - V2 / V1)`` with ``V1 = sum w``, ``V2 = sum w^2``."""
    v1 = _fnp.sum(weights)
    mean = _fnp.divide(_fnp.sum(_fnp.multiply(data, weights), axis=1, keepdims=True), v1)
    centred = _fnp.subtract(data, mean)
    scatter = _fnp.matmul(_fnp.multiply(centred, weights), _fnp.transpose(centred))
    return _fnp.divide(scatter, _fnp.subtract(v1, _fnp.divide(_fnp.sum(_fnp.square(weights)), v1)))


@_tree_util.register_pytree_node_class
class gaussian_kde:  # noqa: N801 - SciPy's and JAX's name
    """Gaussian kernel density estimator (``jax.scipy.stats.gaussian_kde``).

    Args:
        dataset: real data, shape ``(n,)`` or ``(d, n)`` (``d`` dimensions, ``n`` points).
        bw_method: ``"scott"`` (default), ``"silverman"``, a scalar bandwidth factor, or a callable taking
            the estimator (its ``dataset``, ``weights``, ``neff``, ``d``, ``n`` are set) and returning one.
        weights: optional positive weights of the ``n`` points (normalised to sum to one).

    Attributes: ``dataset`` ``(d, n)``, ``weights`` ``(n,)``, ``neff`` (effective number of points,
    ``1 / sum w^2``), ``covariance`` and ``inv_cov`` ``(d, d)`` of the kernel, ``d``, ``n``.

    >>> import fungrad, fungrad.numpy as fnp, fungrad.scipy.stats as fst
    >>> kde = fst.gaussian_kde(fnp.array([0.0, 1.0, 3.0]))
    >>> kde.d, kde.n, kde.pdf(fnp.array([0.5, 2.0])).shape
    (1, 3, (2,))
    >>> g = fungrad.grad(lambda data: fst.gaussian_kde(data).logpdf(0.5)[0])(fnp.array([0.0, 1.0, 3.0]))
    >>> g.shape
    (3,)
    """

    __slots__ = _LEAVES

    def __init__(self, dataset, bw_method: None | str | float | Callable = None, weights=None):
        dataset = _fnp.atleast_2d(_fnp.asarray(dataset))
        if _is_complex(dataset):
            raise NotImplementedError("gaussian_kde does not support complex data")
        if not _np.prod(_get_aval(dataset).shape) > 1:
            raise ValueError(f"gaussian_kde: `dataset` input should have multiple elements, got shape "
                             f"{_get_aval(dataset).shape}")  # fmt: skip
        d, n = _get_aval(dataset).shape
        if weights is not None:
            dataset, weights = _promote(_to_inexact(dataset), _to_inexact(weights))
            weights = _fnp.atleast_1d(weights)
            if _get_aval(weights).ndim != 1:
                raise ValueError(f"gaussian_kde: `weights` input should be one-dimensional, got shape "
                                 f"{_get_aval(weights).shape}")  # fmt: skip
            if _get_aval(weights).shape[0] != n:
                raise ValueError(f"gaussian_kde: `weights` input should be of length n={n} (the dataset has shape "
                                 f"{(d, n)}), got {_get_aval(weights).shape[0]}")  # fmt: skip
            weights = _fnp.divide(weights, _fnp.sum(weights))
        else:
            dataset = _to_inexact(dataset)
            weights = _fnp.full(n, 1.0 / n, dtype=_get_aval(dataset).dtype)
        self._set("dataset", dataset)
        self._set("weights", weights)
        neff = self._set("neff", _fnp.divide(1, _fnp.sum(_fnp.square(weights))))

        if bw_method is None or (isinstance(bw_method, str) and bw_method == "scott"):
            factor = _fnp.power(neff, -1.0 / (d + 4))
        elif isinstance(bw_method, str) and bw_method == "silverman":
            factor = _fnp.power(_fnp.multiply(neff, (d + 2) / 4.0), -1.0 / (d + 4))
        elif not isinstance(bw_method, str) and _fnp.isscalar(bw_method):
            factor = bw_method
        elif callable(bw_method):
            factor = bw_method(self)
        else:
            raise ValueError(
                f"gaussian_kde: `bw_method` should be 'scott', 'silverman', a scalar, or a callable, got {bw_method!r}"
            )
        data_cov = _fnp.atleast_2d(_weighted_covariance(dataset, weights))
        factor_sq = _fnp.square(factor)
        self._set("covariance", _fnp.multiply(data_cov, factor_sq))
        self._set("inv_cov", _fnp.divide(_fnp.linalg.inv(data_cov), factor_sq))

    # ---- immutability and the pytree ----

    def _set(self, name, value):
        object.__setattr__(self, name, value)
        return value

    def __setattr__(self, name, value):
        raise AttributeError(f"gaussian_kde is immutable: cannot assign {name!r}; build a new estimator instead")

    def tree_flatten(self):
        return tuple(getattr(self, name) for name in _LEAVES), None

    @classmethod
    def tree_unflatten(cls, aux_data, children):
        kde = object.__new__(cls)
        for name, value in zip(_LEAVES, children):
            kde._set(name, value)
        return kde

    def __repr__(self) -> str:
        shape = getattr(getattr(self, "dataset", None), "shape", None)
        return f"gaussian_kde(d, n = {shape})"

    @property
    def d(self) -> int:
        return _get_aval(self.dataset).shape[0]

    @property
    def n(self) -> int:
        return _get_aval(self.dataset).shape[1]

    # ---- densities ----

    def _points(self, points, name: str):
        """``points`` as ``(d, m)``: a ``(d,)`` vector is one point, ``(m,)`` are ``m`` points when ``d == 1``."""
        points = _fnp.asarray(points)
        if _is_complex(points):
            raise NotImplementedError(f"gaussian_kde.{name} does not support complex coordinates")
        points = _fnp.atleast_2d(points)
        rows, m = _get_aval(points).shape[:2] if _get_aval(points).ndim == 2 else (None, None)
        if rows != self.d:
            if rows == 1 and m == self.d:
                return _fnp.reshape(points, (self.d, 1))
            raise ValueError(
                f"gaussian_kde.{name}: points have dimension {rows} (shape {_get_aval(points).shape}), "
                f"the dataset has dimension {self.d}; pass points of shape ({self.d}, m)"
            )
        return points

    def _log_kernels(self, points, name: str):
        """``log N(x_i; data_j, covariance)`` for every point ``i`` and data point ``j``: shape ``(m, n)``."""
        data, xi, precision = _promote(self.dataset, _to_inexact(self._points(points, name)), self.inv_cov)
        # whiten with the Cholesky factor of the precision: |W^T (x - y)|^2 is the Mahalanobis distance
        whitening = _fnp.linalg.cholesky(precision)
        data_w = _fnp.matmul(_fnp.transpose(data), whitening)  # (n, d)
        xi_w = _fnp.matmul(_fnp.transpose(xi), whitening)  # (m, d)
        log_norm = _fnp.subtract(_fnp.sum(_fnp.log(_fnp.diagonal(whitening))), 0.5 * self.d * _LOG_2PI)
        diff = _fnp.subtract(_fnp.expand_dims(xi_w, 1), _fnp.expand_dims(data_w, 0))
        return _fnp.subtract(log_norm, _fnp.multiply(0.5, _fnp.sum(_fnp.square(diff), axis=-1)))

    def evaluate(self, points):
        """The density at ``points`` (shape ``(d, m)``, or ``(m,)`` when ``d == 1``): shape ``(m,)``.

        >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
        >>> kde = fst.gaussian_kde(fnp.array([-1.0, 1.0]), bw_method=1.0)
        >>> round(float(kde.evaluate(0.0)[0]), 6)  # the N(+-1, 2) densities at 0
        0.219696
        """
        kernels = _fnp.exp(self._log_kernels(points, "evaluate"))
        weights = _fnp.astype(self.weights, _get_aval(kernels).dtype)
        return _fnp.sum(_fnp.multiply(kernels, weights), axis=1)

    def __call__(self, points):
        return self.evaluate(points)

    def pdf(self, x):
        """The density at ``x``; the same as :meth:`evaluate`.

        >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
        >>> round(float(fst.gaussian_kde(fnp.array([-1.0, 1.0]), bw_method=1.0).pdf(0.0)[0]), 6)
        0.219696
        """
        return self.evaluate(x)

    def logpdf(self, x):
        """The log density at ``x``, a log-sum-exp over the kernels (accurate far in the tails).

        >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
        >>> round(float(fst.gaussian_kde(fnp.array([-1.0, 1.0]), bw_method=1.0).logpdf(0.0)[0]), 6)
        -1.515512
        """
        log_kernels = self._log_kernels(x, "logpdf")
        log_w = _fnp.log(_fnp.astype(self.weights, _get_aval(log_kernels).dtype))
        return _special.logsumexp(_fnp.add(log_kernels, log_w), axis=1)

    # ---- integrals ----

    def _convolved(self, cov_sum, targets, target_weights, means):
        """``sum_j w_j N(m_k; t_j, cov_sum)`` for each mean ``m_k`` (columns of ``means``): shape ``(k,)``."""
        chol = _linalg.cho_factor(cov_sum)
        norm = _fnp.multiply((2 * _np.pi) ** (self.d / 2), _fnp.prod(_fnp.diagonal(chol[0])))
        diff = _fnp.subtract(_fnp.expand_dims(targets, 2), _fnp.expand_dims(means, 1))  # (d, n, k)
        d, n, k = _get_aval(diff).shape
        alpha = _fnp.reshape(_linalg.cho_solve(chol, _fnp.reshape(diff, (d, n * k))), (d, n, k))
        quad = _fnp.multiply(0.5, _fnp.sum(_fnp.multiply(diff, alpha), axis=0))  # (n, k)
        dens = _fnp.sum(_fnp.multiply(_fnp.exp(_fnp.negative(quad)), _fnp.expand_dims(target_weights, 1)), axis=0)
        return _fnp.divide(dens, norm)

    def integrate_gaussian(self, mean, cov):
        """The integral of the density times the Gaussian ``N(mean, cov)``.

        >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
        >>> kde = fst.gaussian_kde(fnp.array([-1.0, 1.0]), bw_method=1.0)
        >>> round(float(kde.integrate_gaussian(0.0, 1.0)), 6)  # N(0; +-1, 3)
        0.19497
        """
        mean = _fnp.atleast_1d(_fnp.squeeze(_fnp.asarray(mean)))
        cov = _fnp.atleast_2d(_fnp.asarray(cov))
        if _get_aval(mean).shape != (self.d,):
            raise ValueError(f"gaussian_kde.integrate_gaussian: mean has shape {_get_aval(mean).shape}, "
                             f"expected ({self.d},)")  # fmt: skip
        if _get_aval(cov).shape != (self.d, self.d):
            raise ValueError(f"gaussian_kde.integrate_gaussian: covariance has shape {_get_aval(cov).shape}, "
                             f"expected ({self.d}, {self.d})")  # fmt: skip
        cov_sum = _fnp.add(self.covariance, cov)
        return self._convolved(cov_sum, self.dataset, self.weights, _fnp.expand_dims(mean, 1))[0]

    def integrate_box_1d(self, low, high):
        """The probability mass between the scalars ``low`` and ``high`` (one-dimensional data only).

        >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
        >>> round(float(fst.gaussian_kde(fnp.array([-1.0, 1.0])).integrate_box_1d(0.0, 100.0)), 6)
        0.5
        """
        if self.d != 1:
            raise ValueError(f"gaussian_kde.integrate_box_1d() only handles 1D pdfs, this one has d={self.d}")
        if _np.ndim(low) != 0 or _np.ndim(high) != 0:
            raise ValueError(
                f"gaussian_kde.integrate_box_1d: the limits must be scalars, got shapes "
                f"{_np.shape(low)} and {_np.shape(high)}"
            )
        sigma = _fnp.squeeze(_fnp.sqrt(self.covariance))
        lo = _fnp.squeeze(_fnp.divide(_fnp.subtract(low, self.dataset), sigma))
        hi = _fnp.squeeze(_fnp.divide(_fnp.subtract(high, self.dataset), sigma))
        return _fnp.sum(_fnp.multiply(self.weights, _fnp.subtract(_special.ndtr(hi), _special.ndtr(lo))))

    def integrate_kde(self, other: gaussian_kde):
        """The integral of the product of this density and ``other``'s (same dimension).

        >>> import fungrad.numpy as fnp, fungrad.scipy.stats as fst
        >>> a = fst.gaussian_kde(fnp.array([-1.0, 1.0]), bw_method=1.0)
        >>> round(float(a.integrate_kde(a)), 6)
        0.160228
        """
        if other.d != self.d:
            raise ValueError(f"gaussian_kde.integrate_kde: KDEs are not the same dimensionality ({self.d} and "
                             f"{other.d})")  # fmt: skip
        small, large = (self, other) if self.n < other.n else (other, self)
        cov_sum = _fnp.add(self.covariance, other.covariance)
        per_point = self._convolved(cov_sum, large.dataset, large.weights, small.dataset)
        return _fnp.sum(_fnp.multiply(per_point, small.weights))

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        """Not implemented (as in JAX): use :meth:`integrate_box_1d`."""
        raise NotImplementedError("gaussian_kde: only 1D box integrations are supported; use `integrate_box_1d`")

    def set_bandwidth(self, bw_method=None):
        """Not supported (as in JAX): the estimator is immutable; build a new one with ``bw_method``."""
        raise NotImplementedError(
            "gaussian_kde: dynamically changing the bandwidth method is not supported; "
            "build a new gaussian_kde(dataset, bw_method=...)"
        )

    # ---- sampling ----

    def resample(self, key, shape=()):
        """Draw ``shape`` points from the density: shape ``(d, *shape)``. A data point is picked with
        probability ``weights`` and Gaussian kernel noise added (differentiable in the data and weights'
        effect on the noise; the picks are discrete).

        Args:
            key: a ``fungrad.random`` key. shape: the batch shape of the draws.

        >>> import fungrad.numpy as fnp, fungrad.random as fr, fungrad.scipy.stats as fst
        >>> fst.gaussian_kde(fnp.array([0.0, 1.0, 3.0])).resample(fr.PRNGKey(0), (5,)).shape
        (1, 5)
        """
        shape = tuple(int(s) for s in ((shape,) if _np.ndim(shape) == 0 else shape))
        index_key, noise_key = _random.split(key)
        # inverse-CDF pick of indices, as jax.random.choice(p=weights) draws it
        cumulative = _fnp.cumsum(self.weights)
        u = _random.uniform(index_key, shape, dtype=_get_aval(cumulative).dtype)
        index = _fnp.searchsorted(cumulative, _fnp.multiply(cumulative[-1], _fnp.subtract(1, u)))
        # kernel noise: L z with covariance = L L^T, as jax.random.multivariate_normal draws it
        chol = _fnp.linalg.cholesky(self.covariance)
        z = _random.normal(noise_key, (*shape, self.d), dtype=_get_aval(self.dataset).dtype)
        noise = _fnp.moveaxis(_fnp.einsum("ij,...j->...i", chol, z), -1, 0)
        picked = _fnp.take(self.dataset, index, axis=1)
        return _fnp.add(picked, _fnp.astype(noise, _get_aval(picked).dtype))
