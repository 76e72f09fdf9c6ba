"""Op records for ``fungrad.scipy.stats.gaussian_kde``, wrapped as functions of arrays (data, weights,
bandwidth, evaluation points, integration limits): ``logpdf``/``pdf``/``evaluate`` in one and two
dimensions with every ``bw_method`` kind, the kernel covariance attributes, the three integrals and
``resample`` (the same draws as JAX's from the same key, differentiated through the kernel noise)."""

from __future__ import annotations

import jax
import jax.scipy.stats as jst
import numpy as np

import fungrad.random as fr
import fungrad.scipy.stats as fst
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, make_args, **kw):
    """``call(gaussian_kde, key)`` builds the function for fungrad's class and for JAX's."""
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    fun, ref = call(fst.gaussian_kde, fr.PRNGKey(0)), call(jst.gaussian_kde, jax.random.PRNGKey(0))
    RECORDS.append(OpRecord(f"scipy.stats.gaussian_kde.{name}", fun, ref, (), make_args=make_args, **kw))


def attributes(kde):
    return kde.neff, kde.covariance, kde.inv_cov, kde.weights


def pos(rng, shape):
    return rng.uniform(0.5, 2.0, size=shape)


rec("logpdf-1d", lambda K, _: lambda data, x: K(data).logpdf(x), lambda rng: (rng.normal(size=8), rng.normal(size=3)))
rec(
    "pdf-2d",
    lambda K, _: lambda data, x: K(data).pdf(x),
    lambda rng: (rng.normal(size=(2, 6)), rng.normal(size=(2, 3))),
)
rec("logpdf-2d-weights", lambda K, _: lambda data, w, x: K(data, weights=w).logpdf(x),
    lambda rng: (rng.normal(size=(2, 6)), pos(rng, 6), rng.normal(size=(2, 3))))  # fmt: skip
rec("evaluate-silverman-weights-one-point", lambda K, _: lambda data, w, x: K(data, "silverman", w)(x),
    lambda rng: (rng.normal(size=(2, 5)), pos(rng, 5), rng.normal(size=2)))  # fmt: skip
rec("logpdf-scalar-bw", lambda K, _: lambda data, bw, x: K(data, bw).logpdf(x),
    lambda rng: (rng.normal(size=7), rng.uniform(0.3, 1.0), rng.normal(size=3)))  # fmt: skip
rec("pdf-callable-bw", lambda K, _: lambda data, x: K(data, lambda k: 0.5 * k.neff ** (-1.0 / 5)).pdf(x),
    lambda rng: (rng.normal(size=7), rng.normal(size=2)))  # fmt: skip
rec("attributes", lambda K, _: lambda data, w: attributes(K(data, None, w)),
    lambda rng: (rng.normal(size=(2, 6)), pos(rng, 6)))  # fmt: skip


def gaussian_args(rng):
    a = rng.normal(size=(2, 2))
    return rng.normal(size=(2, 5)), rng.normal(size=2), a @ a.T + np.eye(2)


# cho_factor reads one triangle of cov: the function symmetrizes it so finite differences stay symmetric
rec("integrate_gaussian", lambda K, _: lambda data, mean, cov: K(data).integrate_gaussian(mean, 0.5 * (cov + cov.T)),
    gaussian_args)  # fmt: skip
rec("integrate_box_1d", lambda K, _: lambda data, w, lo, hi: K(data, weights=w).integrate_box_1d(lo, hi),
    lambda rng: (rng.normal(size=6), pos(rng, 6), rng.uniform(-1.5, -0.5), rng.uniform(0.0, 1.5)))  # fmt: skip
rec("integrate_kde", lambda K, _: lambda a, b: K(a).integrate_kde(K(b, "silverman")),
    lambda rng: (rng.normal(size=(2, 4)), rng.normal(size=(2, 6))))  # fmt: skip
# the picks are discrete (no derivative); the kernel noise L z carries the data's derivative
rec("resample", lambda K, key: lambda data: K(data).resample(key, (4,)), lambda rng: (rng.normal(size=(2, 5)),))
