"""Op records for jax.numpy's keywords in ``fungrad.numpy``: ``where=``/``initial=`` on the reductions
(plain and NaN-ignoring), ``correction=``/``mean=`` on var and std, ``promote_integers``,
``preferred_element_type``/``precision`` on the contractions, ``linspace(retstep=, axis=)``, the
one-argument ``where(size=, fill_value=)``, ``array(ndmin=)``, ``reshape(shape=, order=)``, weighted
quantiles and the ``dtype=`` of the joins. Each call is written once and run with fungrad.numpy and
with jax.numpy (same keywords); masks are fixed so every reduction keeps and drops elements.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []

MASK = np.array([[True, False, True], [False, True, True]])  # each row keeps two of three


def rec(name, call, shapes=(), **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(
        OpRecord(f"numpy.kw.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw)
    )


def masked(rng, shape=(2, 3)):
    return rng.normal(size=shape), MASK


def masked_positive(rng):
    return rng.uniform(0.5, 2.0, size=(2, 3)), MASK


def with_nans(rng):
    x = rng.normal(size=(2, 3))
    x[0, 2] = x[1, 0] = np.nan
    return x, np.array([[True, True, True], [True, False, True]])


# ---- where= and initial= on the reductions ----
rec("sum-where-initial", lambda m, x, w: m.sum(x, axis=1, where=w, initial=0.5), make_args=masked)
rec("sum-where-keepdims", lambda m, x, w: m.sum(x, axis=0, keepdims=True, where=w), make_args=masked)
rec("prod-where-initial", lambda m, x, w: m.prod(x, axis=1, where=w, initial=2.0), make_args=masked)
rec("max-where-initial", lambda m, x, w: m.max(x, axis=1, where=w, initial=-10.0), make_args=masked)
rec("min-where-initial", lambda m, x, w: m.min(x, where=w, initial=10.0, keepdims=True), make_args=masked)
# an initial above every element: the maximum is the constant, its derivative zero everywhere
rec("amax-initial-wins", lambda m, x: m.amax(x, axis=0, initial=5.0), [(2, 3)])
rec(
    "amin-initial",
    lambda m, x: m.amin(x, axis=1, initial=-0.25),
    make_args=lambda rng: (np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]),),
)
rec("mean-where", lambda m, x, w: m.mean(x, axis=1, where=w), make_args=masked)
rec("var-where-correction", lambda m, x, w: m.var(x, axis=1, where=w, correction=0.5), make_args=masked)
rec("var-correction", lambda m, x: m.var(x, axis=0, correction=1), [(3, 2)])
rec("std-where-keepdims", lambda m, x, w: m.std(x, axis=1, keepdims=True, where=w), make_args=masked)
rec("std-mean", lambda m, x, c: m.std(x, axis=1, mean=c), [(2, 3), (2, 1)])
rec("var-mean-where", lambda m, x, w, c: m.var(x, axis=1, where=w, mean=c),
    make_args=lambda rng: (*masked(rng), rng.normal(size=(2, 1))))  # fmt: skip
rec("all-where", lambda m, x, w: m.all(x > 0, axis=1, where=w), make_args=masked, grad=False)
rec("any-where", lambda m, x, w: m.any(x > 0, axis=0, keepdims=True, where=w), make_args=masked, grad=False)
rec("sum-promote_integers", lambda m, x: m.sum(x.astype(np.int8) * 40, promote_integers=False), [(2, 3)],
    domain="int", grad=False)  # fmt: skip
rec("prod-promote_integers", lambda m, x: m.prod(x.astype(np.int8), axis=0, promote_integers=False), [(2, 3)],
    domain="int", grad=False)  # fmt: skip

# ---- the NaN-ignoring reductions (NaN inputs: no finite differences) ----
NAN = dict(make_args=with_nans, fd=False)
rec("nansum-where-initial", lambda m, x, w: m.nansum(x, axis=1, where=w, initial=1.0), **NAN)
rec("nanprod-where", lambda m, x, w: m.nanprod(x, axis=0, where=w), **NAN)
rec("nanmax-where-initial", lambda m, x, w: m.nanmax(x, axis=1, where=w, initial=-5.0), **NAN)
rec("nanmin-initial", lambda m, x, w: m.nanmin(x, axis=0, initial=0.0), **NAN)
rec("nanmean-where-dtype", lambda m, x, w: m.nanmean(x, axis=1, where=w, dtype=np.float64), **NAN)
rec("nanvar-where-ddof", lambda m, x, w: m.nanvar(x, axis=1, ddof=1, where=w), **NAN)
rec("nanstd-where-mean", lambda m, x, w: m.nanstd(x, axis=1, where=w, mean=np.array([[0.5], [-0.5]])), **NAN)
rec("nanargmax-keepdims", lambda m, x, w: m.nanargmax(x, axis=1, keepdims=True), **NAN, grad=False)

# ---- contractions: preferred_element_type (the accumulation and result dtype) and precision ----
rec("dot-preferred-int", lambda m, a, b: m.dot(a.astype(np.int8), b.astype(np.int8), preferred_element_type=np.int32),
    [(2, 3), (3,)], domain="int", grad=False)  # fmt: skip
rec("matmul-preferred-precision",
    lambda m, a, b: m.matmul(a, b, precision="highest", preferred_element_type=np.float64),
    [(2, 2, 3), (3, 2)])  # fmt: skip
rec("tensordot-preferred", lambda m, a, b: m.tensordot(a, b, axes=1, preferred_element_type=np.float64),
    [(2, 3), (3, 2)])  # fmt: skip
rec("inner-precision", lambda m, a, b: m.inner(a, b, precision="highest"), [(2, 3), (4, 3)])
rec("vdot-preferred", lambda m, a, b: m.vdot(a, b, preferred_element_type=np.float64), [(2, 2), (2, 2)])
rec("einsum-preferred", lambda m, a, b: m.einsum("ij,jk->ik", a, b, preferred_element_type=np.float64),
    [(2, 3), (3, 2)])  # fmt: skip
rec("convolve-preferred", lambda m, a, v: m.convolve(a, v, precision="highest", preferred_element_type=np.float64),
    [(5,), (3,)])  # fmt: skip

# ---- creation and conversion ----
rec("linspace-retstep-axis", lambda m, a, b: m.linspace(a, b, 4, retstep=True, axis=1), [(2,), (2,)])
rec("linspace-axis-no-endpoint", lambda m, a, b: m.linspace(a, b, 3, endpoint=False, axis=-1), [(2, 1), (3,)])
rec("array-ndmin", lambda m, x: m.array(x, ndmin=3), [(3,)])
rec("asarray-dtype-copy", lambda m, x: m.asarray(x, np.float64, copy=True), [(2, 2)])
rec(  # the one-argument where: nonzero with a static size
    "where-size-fill",
    lambda m, c: m.where(c, size=4, fill_value=-1),
    make_args=lambda rng: (np.array([[0, 2, 0], [1, 0, 3]]),),
    grad=False,
)

# ---- manipulation ----
rec("reshape-shape-kw", lambda m, x: m.reshape(x, shape=(3, 2)), [(2, 3)])
rec("reshape-order-F", lambda m, x: m.reshape(x, (3, -1), order="F"), [(2, 3)])
rec("ravel-order-F", lambda m, x: m.ravel(x, order="F"), [(2, 3)])
rec("concatenate-dtype", lambda m, x, i: m.concatenate([x, i], axis=0, dtype=np.float64), [(2, 3), (1, 3)],
    domain=["real", "int"])  # fmt: skip
rec("stack-dtype", lambda m, x, y: m.stack([x, y], axis=1, dtype=np.float64), [(3,), (3,)])
rec("take_along_axis-no-wrap",  # index -1 is out of bounds: NaN fill, which finite differences cannot read
    lambda m, x: m.take_along_axis(x, np.array([[0, -1], [2, 1]]), axis=1, wrap_negative_indices=False),
    [(2, 3)], fd=False)  # fmt: skip
rec(
    "clip-min-max", lambda m, x: m.clip(x, min=-0.5, max=0.5), make_args=lambda rng: (np.array([-1.2, -0.3, 0.2, 0.9]),)
)

# ---- weighted quantiles (method="inverted_cdf"): the derivative flows to the value picked ----
QW = dict(grad_argnums=(0,))
rec("quantile-weights", lambda m, x, w: m.quantile(x, 0.4, axis=1, weights=w, method="inverted_cdf"),
    [(2, 4), (4,)], domain=["real", "positive"], **QW)  # fmt: skip
rec("quantile-weights-full", lambda m, x, w: m.quantile(x, np.array([0.2, 0.7]), weights=w, method="inverted_cdf",
    keepdims=True), [(2, 3), (2, 3)], domain=["real", "positive"], **QW)  # fmt: skip
rec("percentile-weights", lambda m, x, w: m.percentile(x, 60.0, axis=0, weights=w, method="inverted_cdf"),
    [(4, 2), (4,)], domain=["real", "positive"], **QW)  # fmt: skip
rec("quantile-inverted_cdf", lambda m, x: m.quantile(x, 0.5, axis=0, method="inverted_cdf"), [(5, 2)])
rec("nanquantile-weights", lambda m, x, w: m.nanquantile(x, 0.5, axis=1, weights=w[0], method="inverted_cdf"),
    make_args=lambda rng: (with_nans(rng)[0], rng.uniform(0.5, 1.0, (2, 3))), fd=False,
    **QW)  # fmt: skip
