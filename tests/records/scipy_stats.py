"""Op records for ``fungrad.scipy.stats``: every function of every distribution, with parameters drawn
inside their support (discrete outcomes are fixed, the parameters are differentiated)."""

from __future__ import annotations

import jax.scipy.stats as jst
import numpy as np

import fungrad.scipy.stats as fst
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, make_args, functions, **kw):
    dist, _, variant = name.partition("-")
    for fn in functions:
        RECORDS.append(
            OpRecord(
                f"scipy.stats.{dist}.{fn}" + (f"-{variant}" if variant else ""),
                getattr(getattr(fst, dist), fn),
                getattr(getattr(jst, dist), fn),
                (),
                make_args=make_args,
                atol=1e-8,
                rtol=1e-8,
                **kw,
            )
        )


def pos(rng, shape=(3,), lo=0.5, hi=2.0):
    return rng.uniform(lo, hi, size=shape)


def prob(rng, shape=(3,)):
    return rng.uniform(0.1, 0.9, size=shape)


LOC_SCALE = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]
rec("norm", lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,)), pos(rng)), LOC_SCALE)
rec("norm-quantiles", lambda rng: (prob(rng), rng.normal(size=(3,)), pos(rng)), ["ppf", "isf"])
rec("cauchy", lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,)), pos(rng)), LOC_SCALE)
rec("cauchy-quantiles", lambda rng: (prob(rng), rng.normal(size=(3,)), pos(rng)), ["ppf", "isf"])
rec("laplace", lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,)), pos(rng)), ["logpdf", "pdf", "cdf"])
rec("logistic", lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,)), pos(rng)), ["logpdf", "pdf", "cdf", "sf"])
rec("logistic-quantiles", lambda rng: (prob(rng), rng.normal(size=(3,)), pos(rng)), ["ppf", "isf"])
rec("expon", lambda rng: (pos(rng, lo=1.0, hi=3.0), pos(rng, lo=-0.5, hi=0.5), pos(rng)), LOC_SCALE)
rec("expon-quantiles", lambda rng: (prob(rng), rng.normal(size=(3,)), pos(rng)), ["ppf"])
rec(
    "t",
    lambda rng: (rng.normal(size=(3,)), pos(rng, lo=1.0, hi=5.0), rng.normal(size=(3,)), pos(rng)),
    ["logpdf", "pdf"],
)
# a's derivative of the incomplete gamma function is first order only (as in JAX)
rec("gamma", lambda rng: (pos(rng, lo=1.0, hi=3.0), pos(rng, lo=1.0, hi=3.0)), ["logpdf", "pdf"])
rec(
    "gamma-cdf",
    lambda rng: (pos(rng, lo=1.0, hi=3.0), pos(rng, lo=1.0, hi=3.0)),
    ["cdf", "logcdf", "sf", "logsf"],
    order=1,
)
rec("chi2", lambda rng: (pos(rng, lo=1.0, hi=3.0), pos(rng, lo=2.0, hi=4.0)), ["logpdf", "pdf"])
rec(
    "chi2-cdf",
    lambda rng: (pos(rng, lo=1.0, hi=3.0), pos(rng, lo=2.0, hi=4.0)),
    ["cdf", "logcdf", "sf", "logsf"],
    order=1,
)
rec("beta", lambda rng: (prob(rng), pos(rng, lo=1.0, hi=3.0), pos(rng, lo=1.0, hi=3.0)), ["logpdf", "pdf"])
# The CDF family differentiates in x, loc and scale only (JAX has no shape-parameter derivatives).
rec(
    "beta",
    lambda rng: (prob(rng), pos(rng, lo=1.0, hi=3.0), pos(rng, lo=1.0, hi=3.0)),
    ["cdf", "logcdf", "sf", "logsf"],
    grad_argnums=(0,),
)
rec(
    "beta-loc-scale",
    lambda rng: (
        prob(rng),
        pos(rng, lo=1.0, hi=3.0),
        pos(rng, lo=1.0, hi=3.0),
        rng.uniform(-0.05, 0.05, 3),
        pos(rng, lo=1.1, hi=1.5),
    ),
    ["cdf", "logcdf", "sf", "logsf"],
    grad_argnums=(0, 3, 4),
)
rec("poisson", lambda rng: (np.array([0.0, 1.0, 3.0]), pos(rng)), ["logpmf", "pmf"], grad_argnums=(1,))
rec("poisson-cdf", lambda rng: (np.array([0.0, 1.0, 3.0]), pos(rng)), ["cdf"], grad_argnums=(1,), order=1)
rec("bernoulli", lambda rng: (np.array([0.0, 1.0, 1.0]), prob(rng)), ["logpmf", "pmf", "cdf"], grad_argnums=(1,))
rec("bernoulli-ppf", lambda rng: (prob(rng), prob(rng)), ["ppf"], grad=False)
rec(
    "binom",
    lambda rng: (np.array([0.0, 2.0, 3.0]), np.array([3.0, 4.0, 5.0]), prob(rng)),
    ["logpmf", "pmf"],
    grad_argnums=(2,),
)


def simplex(rng):
    x = rng.uniform(0.2, 1.0, size=(3, 2))
    return x / x.sum(axis=0), pos(rng, lo=1.0, hi=3.0)


rec("dirichlet", simplex, ["logpdf", "pdf"], grad_argnums=(1,))  # x stays on the simplex


def mvn(rng):
    m = rng.normal(size=(3, 3))
    return rng.normal(size=(2, 3)), rng.normal(size=(3,)), m @ m.T + 3 * np.eye(3)


rec("multivariate_normal", mvn, ["logpdf", "pdf"])
rec(
    "multivariate_normal-isotropic",
    lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,)), pos(rng, ())),
    ["logpdf"],
)
rec(
    "multivariate_normal-univariate", lambda rng: (rng.normal(size=(3,)), rng.normal(size=()), pos(rng, ())), ["logpdf"]
)
