"""``fungrad.scipy.stats``: probability distributions as compositions of fungrad ops (differentiable in
every parameter where ``jax.scipy.stats`` is), one module per distribution as in JAX.

>>> import fungrad, fungrad.scipy.stats as fst
>>> round(float(fungrad.grad(fst.norm.logpdf)(1.0)), 6)  # d/dx log N(x) = -x
-1.0
"""

from fungrad.scipy.stats import (
    bernoulli,
    beta,
    binom,
    cauchy,
    chi2,
    dirichlet,
    expon,
    gamma,
    laplace,
    logistic,
    multivariate_normal,
    norm,
    poisson,
    t,
)

__all__ = [
    "bernoulli",
    "beta",
    "binom",
    "cauchy",
    "chi2",
    "dirichlet",
    "expon",
    "gamma",
    "laplace",
    "logistic",
    "multivariate_normal",
    "norm",
    "poisson",
    "t",
]
