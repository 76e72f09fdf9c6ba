"""Op records for the ``fungrad.scipy.special`` functions of issue 14's scipy breadth: the gamma family,
combinatorics, entropies, Box-Cox, I0/I1, Hurwitz zeta, erfcx and the exponential integrals."""

from __future__ import annotations

import jax.scipy.special as jsp
import numpy as np

import fungrad.scipy.special as fsp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, make_args, fun=None, ref=None, **kw):
    kw.setdefault("atol", 1e-8)
    kw.setdefault("rtol", 1e-8)
    RECORDS.append(
        OpRecord(
            f"scipy.special.{name}",
            fun or getattr(fsp, name.partition("-")[0]),
            ref or getattr(jsp, name.partition("-")[0]),
            (),
            make_args=make_args,
            **kw,
        )
    )


def uniform(lo, hi, shape=(2, 3)):
    return lambda rng: (rng.uniform(lo, hi, size=shape),)


def uniform2(lo1, hi1, lo2, hi2, shape=(3,)):
    return lambda rng: (rng.uniform(lo1, hi1, size=shape), rng.uniform(lo2, hi2, size=shape))


# negative non-integers too: gammasgn switches sign between the poles
rec("gamma", lambda rng: (np.array([0.5, 1.7, 3.2, -0.5, -1.5, -2.3]) + 0.05 * rng.uniform(size=6),))
rec(
    "gammasgn",
    lambda rng: (np.array([0.5, 1.7, -0.5, -1.5, -2.3, -3.7]) + 0.05 * rng.uniform(size=6),),
    grad=False,
)
rec("loggamma", uniform(0.5, 4.0))
rec("beta", uniform2(0.5, 3.0, 0.5, 3.0))
rec(  # JAX's betaln gives NaN derivatives at negative arguments: values only
    "beta-negative",
    lambda rng: (np.array([-0.5, -1.3, 2.0]), rng.uniform(0.5, 2.0, 3)),
    fun=fsp.beta,
    ref=jsp.beta,
    grad=False,
)
rec("factorial", lambda rng: (np.array([0.5, 3.0, 4.7]) + 0.05 * rng.uniform(size=3),))
rec("factorial-negative", lambda rng: (np.array([-1.0, -0.5, 3.0]),), grad=False)  # JAX: NaN derivative below 0
rec("comb", lambda rng: (np.array([5.0, 7.5, 3.0]), np.array([2.0, 3.2, 0.6])))
rec("comb-edges", lambda rng: (np.array([5.0, 2.0, 3.0, -1.0]), np.array([0.0, 3.0, -1.0, 0.0])), grad=False)
rec(
    "comb-repetition",
    lambda rng: (np.array([5.0, 7.5, 3.0]), np.array([2.0, 3.2, 0.6])),
    fun=lambda n, k: fsp.comb(n, k, repetition=True),
    ref=lambda n, k: jsp.comb(n, k, repetition=True),
)
rec("poch", uniform2(0.5, 3.0, 0.5, 2.0))
rec("i0", lambda rng: (rng.uniform(0.5, 3.0, (2, 3)) * rng.choice([-1.0, 1.0], (2, 3)),))
rec("i1", lambda rng: (rng.uniform(0.5, 3.0, (2, 3)) * rng.choice([-1.0, 1.0], (2, 3)),))
rec("rel_entr", uniform2(0.2, 2.0, 0.2, 2.0))
rec("kl_div", uniform2(0.2, 2.0, 0.2, 2.0))
rec("rel_entr-at-zero", lambda rng: (np.array([0.0, 0.5, 1.0]), rng.uniform(0.5, 2.0, 3)), grad_argnums=(1,),
    fun=fsp.rel_entr, ref=jsp.rel_entr)  # fmt: skip
rec("boxcox", uniform2(0.5, 2.0, -1.0, 1.0))
rec("boxcox1p", uniform2(-0.5, 2.0, -1.0, 1.0))
rec("zeta", uniform2(2.0, 4.0, 0.5, 3.0))
rec("erfcx", lambda rng: (np.array([-2.0, -0.3, 0.1, 1.5, 5.0, 12.0]) + 0.05 * rng.uniform(size=6),))
rec("expi", lambda rng: (np.array([-3.0, -0.7, 0.2, 0.8, 2.5, 45.0]) + 0.05 * rng.uniform(size=6),))
rec("exp1", lambda rng: (np.array([0.2, 0.9, 1.3, 4.0, 9.0]) + 0.05 * rng.uniform(size=5),))
rec(  # differentiable in x only (n is an integer order), as in JAX
    "expn",
    lambda rng: (np.array([1.0, 2.0, 3.0, 5.0, 2.0]), np.array([0.3, 0.8, 1.5, 3.0, 6.0]) + 0.05 * rng.uniform(size=5)),
    grad_argnums=(1,),
)
rec(  # exact rationals here; JAX sums a truncated zeta series (relative error ~3e-6 at B_4)
    "bernoulli",
    lambda rng: (),
    fun=lambda: fsp.bernoulli(12),
    ref=lambda: jsp.bernoulli(12),
    grad=False,
    vmap=False,
    atol=1e-6,
    rtol=1e-5,
)
