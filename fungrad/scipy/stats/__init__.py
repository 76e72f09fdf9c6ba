"""``fungrad.scipy.stats``: probability distributions as compositions of fungrad ops (differentiable in
every parameter where ``jax.scipy.stats`` is), one module per distribution as in JAX.

>>> import fungrad, fungrad.scipy.stats as fst
>>> round(float(fungrad.grad(fst.norm.logpdf)(1.0)), 6)  # d/dx log N(x) = -x
-1.0
"""

from fungrad.scipy.stats import (
    bernoulli,
    beta,
    betabinom,
    binom,
    cauchy,
    chi2,
    dirichlet,
    expon,
    gamma,
    gennorm,
    geom,
    gumbel_l,
    gumbel_r,
    laplace,
    logistic,
    multinomial,
    multivariate_normal,
    nbinom,
    norm,
    pareto,
    poisson,
    t,
    truncnorm,
    uniform,
    vonmises,
    wrapcauchy,
)
from fungrad.scipy.stats._core import ModeResult, mode, rankdata, sem
from fungrad.scipy.stats._kde import gaussian_kde

__all__ = [
    "ModeResult",
    "bernoulli",
    "beta",
    "betabinom",
    "binom",
    "cauchy",
    "chi2",
    "dirichlet",
    "expon",
    "gamma",
    "gaussian_kde",
    "gennorm",
    "geom",
    "gumbel_l",
    "gumbel_r",
    "laplace",
    "logistic",
    "mode",
    "multinomial",
    "multivariate_normal",
    "nbinom",
    "norm",
    "pareto",
    "poisson",
    "rankdata",
    "sem",
    "t",
    "truncnorm",
    "uniform",
    "vonmises",
    "wrapcauchy",
]
