"""Op records for the ``fungrad.scipy.special`` functions added with issue 14 (the older ones, erf to
gammainc, are in special.py)."""

from __future__ import annotations

import jax.scipy.special as jsp
import numpy as np

import fungrad.scipy.special as fsp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes=((2, 3),), domain="real", **kw):
    RECORDS.append(OpRecord(f"scipy.special.{name}", fun, ref, tuple(shapes), domain, **kw))


def probabilities(rng):
    return (rng.uniform(0.05, 0.95, size=(2, 3)),)


for name, domain in [("ndtr", "real"), ("log_ndtr", "real"), ("expit", "real"), ("i0e", "nonzero")]:
    rec(name, getattr(fsp, name), getattr(jsp, name), domain=domain)
rec("i1e", fsp.i1e, jsp.i1e, domain="nonzero", atol=1e-8, rtol=1e-8)
rec("entr", fsp.entr, jsp.entr, domain="positive")
rec("ndtri", fsp.ndtri, jsp.ndtri, make_args=probabilities, atol=1e-8, rtol=1e-8)
rec("logit", fsp.logit, jsp.logit, make_args=probabilities)
rec(
    "log_ndtr-tails",
    fsp.log_ndtr,
    jsp.log_ndtr,
    make_args=lambda rng: (np.array([-30.0, -21.0, -3.0, 0.5, 9.0]) + 0.1 * rng.uniform(size=5),),
    fd=False,
    atol=1e-7,  # JAX differentiates the tails with its own formula, equal up to the series' truncation
    rtol=1e-7,
)
rec("xlogy", fsp.xlogy, jsp.xlogy, shapes=((2, 3), (3,)), domain="positive")
rec("xlog1py", fsp.xlog1py, jsp.xlog1py, shapes=((2, 3), (2, 3)), domain="positive")
rec(
    "xlogy-at-zero",
    fsp.xlogy,
    jsp.xlogy,
    make_args=lambda rng: (np.array([0.0, 1.0, 2.0]), rng.uniform(0.5, 2.0, size=3)),
    grad_argnums=(1,),
)
rec("betaln", fsp.betaln, jsp.betaln, shapes=((3,), (3,)), domain="positive", atol=1e-8, rtol=1e-8)
rec(  # differentiable in x only, as in JAX
    "betainc",
    fsp.betainc,
    jsp.betainc,
    make_args=lambda rng: (rng.uniform(0.5, 3.0, 3), rng.uniform(0.5, 3.0, 3), rng.uniform(0.1, 0.9, 3)),
    grad_argnums=(2,),
    atol=1e-8,
    rtol=1e-8,
)
rec(
    "multigammaln",
    lambda a: fsp.multigammaln(a, 3),
    lambda a: jsp.multigammaln(a, 3),
    make_args=lambda rng: (rng.uniform(2.0, 4.0, size=(3,)),),
)
rec("gammaincc", fsp.gammaincc, jsp.gammaincc, shapes=((3,), (3,)), domain="positive", order=1)
rec("softmax", lambda x: fsp.softmax(x, axis=0), lambda x: jsp.softmax(x, axis=0))
rec("log_softmax", fsp.log_softmax, jsp.log_softmax)
rec("log_softmax-axis", lambda x: fsp.log_softmax(x, axis=1), lambda x: jsp.log_softmax(x, axis=1))
rec("logsumexp", lambda a: fsp.logsumexp(a, axis=1), lambda a: jsp.logsumexp(a, axis=1))
rec(
    "logsumexp-b-keepdims",
    lambda a, b: fsp.logsumexp(a, axis=0, b=b, keepdims=True),
    lambda a, b: jsp.logsumexp(a, axis=0, b=b, keepdims=True),
    shapes=((2, 3), (2, 3)),
    domain=["real", "positive"],
)
rec(
    "logsumexp-return_sign",
    lambda a, b: fsp.logsumexp(a, b=b, return_sign=True),
    lambda a, b: jsp.logsumexp(a, b=b, return_sign=True),
    shapes=((4,), (4,)),
    domain=["real", "nonzero"],
)
rec(
    "polygamma-order2",
    lambda x: fsp.polygamma(2, x),
    lambda x: jsp.polygamma(2, x),
    domain="positive",
    order=1,
    atol=1e-8,
    rtol=1e-8,
)
