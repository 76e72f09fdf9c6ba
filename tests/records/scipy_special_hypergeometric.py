"""Op records for ``fungrad.scipy.special``'s hypergeometric functions (hyp1f1, hyp2f1), Bessel functions
of integer order (bessel_jn) and spherical harmonics (sph_harm_y, complex output).

JAX is the oracle where its own evaluation is accurate. Where it is not (1F1 at x < 0, 2F1 at x < -1:
JAX sums the plain series, which cancels or diverges there), the reference is JAX's function through
Kummer's / Pfaff's transformation, which lands in the region where JAX is accurate; the identities are
exact, so values and derivatives of the reference are the true ones."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

import fungrad.scipy.special as fsp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, make_args, fun=None, ref=None, **kw):
    kw.setdefault("atol", 1e-9)
    kw.setdefault("rtol", 1e-9)
    base = name.partition("-")[0]
    RECORDS.append(
        OpRecord(
            f"scipy.special.{name}", fun or getattr(fsp, base), ref or getattr(jsp, base), (), make_args=make_args, **kw
        )
    )


def uniform(*bounds, shape=(3,)):
    return lambda rng: tuple(rng.uniform(lo, hi, size=shape) for lo, hi in bounds)


def _polynomial(uppers, lowers, x, degree=4):
    """``sum_{k <= degree} prod (u)_k / prod (w)_k x^k / k!``: the whole series when an upper parameter is
    an integer in ``[-degree, 0]`` (JAX's hyp1f1 and hyp2f1 give NaN derivatives there)."""
    total, term = jnp.ones_like(x), jnp.ones_like(x)
    for k in range(degree):
        for u in uppers:
            term = term * (u + k)
        for w in lowers:
            term = term / (w + k)
        term = term * x / (k + 1)
        total = total + term
    return total


# ---- 1F1: differentiable in a, b and x, as in JAX --------------------------------------------------------
rec("hyp1f1", uniform((0.5, 3.0), (0.5, 3.0), (0.1, 5.0)))
rec("hyp1f1-near-zero-x", uniform((0.5, 3.0), (0.5, 3.0), (-2.0, 0.5)))  # JAX's series is accurate to ~|x| = 2
rec("hyp1f1-large-parameters", uniform((10.0, 40.0), (10.0, 40.0), (0.5, 20.0)), atol=1e-8, rtol=1e-8)
# the asymptotic expansion (x >= 100), in x only: JAX's parameter derivatives sum 250 terms of the series,
# short of convergence at this x
rec("hyp1f1-asymptotic", uniform((0.5, 3.0), (0.5, 3.0), (100.0, 140.0)), grad_argnums=(2,), fd_tol=1e-4)
rec(  # x < 0 (JAX's series cancels: 5% error at x = -20): Kummer's e^x 1F1(b - a; b; -x) as the reference
    "hyp1f1-negative-x",
    uniform((0.5, 3.0), (0.5, 3.0), (-25.0, -5.0)),
    ref=lambda a, b, x: jnp.exp(x) * jsp.hyp1f1(b - a, b, -x),
    rtol=1e-8,
)
rec(  # a polynomial (a a non-positive integer), in x only
    "hyp1f1-polynomial",
    lambda rng: (np.array([-2.0, -3.0, -1.0]), rng.uniform(0.5, 3.0, 3), rng.uniform(-3.0, 3.0, 3)),
    ref=lambda a, b, x: _polynomial([a], [b], x),
    grad_argnums=(2,),
)
rec(  # JAX's conventions: 1F1(0; b; x) = 1, 1F1(a; a; x) = e^x, 1F1(a; 0; x) = inf
    "hyp1f1-conventions",
    lambda rng: (np.array([0.0, 1.5, 2.0, 0.0]), np.array([2.0, 1.5, 0.0, 0.0]), np.array([1.0, 0.7, 1.0, 2.0])),
    grad=False,
)

# ---- 2F1: differentiable in a, b, c and x, as in JAX -----------------------------------------------------
rec("hyp2f1", uniform((0.2, 2.5), (0.2, 2.5), (0.5, 4.0), (-0.5, 0.5)))
# 0.5 < x < 0.85: the connection formulas here, JAX's series (still accurate) there
rec("hyp2f1-toward-one", uniform((0.2, 2.5), (0.2, 2.5), (0.5, 4.0), (0.5, 0.85)), atol=1e-8, rtol=1e-8)
rec(  # x < -1 (JAX's series diverges): Pfaff's (1 - x)^(-a) 2F1(a, c - b; c; x / (x - 1)) as the reference
    "hyp2f1-pfaff",
    uniform((0.2, 2.5), (0.2, 2.5), (0.5, 4.0), (-5.0, -1.0)),
    ref=lambda a, b, c, x: (1 - x) ** (-a) * jsp.hyp2f1(a, c - b, c, x / (x - 1)),
    atol=1e-8,
    rtol=1e-8,
)
_A, _B = np.array([0.7, 1.3, 0.45]), np.array([0.6, 1.1, 1.85])
rec(  # c - a - b an integer, x near 1: the logarithmic connection formula (JAX's digamma transform); in x
    # only, since moving a, b or c leaves the integer case
    "hyp2f1-integer-d",
    # (a, b, c fixed: vmap's checks mix arguments of different examples, which must keep c - a - b integer)
    lambda rng: (_A, _B, _A + _B + np.array([0.0, 1.0, 2.0]), rng.uniform(0.9, 0.95, 3)),
    grad_argnums=(3,),
    fd_eps=1e-5,
    atol=1e-8,
    rtol=1e-8,
)
rec(  # a polynomial (a a non-positive integer), in x only
    "hyp2f1-polynomial",
    lambda rng: (
        np.array([-2.0, -3.0, -1.0]),
        rng.uniform(0.5, 2.0, 3),
        rng.uniform(0.5, 3.0, 3),
        rng.uniform(-3.0, 0.9, 3),
    ),
    ref=lambda a, b, c, x: _polynomial([a, b], [c], x),
    grad_argnums=(3,),
)
rec(  # JAX's conventions: 1 at x = 0 and at a = 0; inf above x = 1 and at c a non-positive integer;
    # Gauss's value at x = 1 when c - a - b > 0
    "hyp2f1-conventions",
    lambda rng: (
        np.array([0.5, 0.0, 0.5, 0.5, 0.5]),
        np.array([1.5, 1.0, 1.0, 1.0, 0.5]),
        np.array([2.0, 2.0, -1.0, 2.0, 3.0]),
        np.array([0.0, 0.5, 0.5, 1.5, 1.0]),
    ),
    grad=False,
)


# ---- bessel_jn: orders 0..v on a new leading axis ---------------------------------------------------------
def _jn(v, n_iter=50):
    return lambda z: fsp.bessel_jn(z, v=v, n_iter=n_iter)


def _jax_jn(v, n_iter=50):
    return lambda z: jsp.bessel_jn(z, v=v, n_iter=n_iter)


rec(
    "bessel_jn",
    lambda rng: (rng.uniform(0.5, 15.0, (2, 3)) * rng.choice([-1.0, 1.0], (2, 3)),),
    fun=_jn(3),
    ref=_jax_jn(3),
)
rec("bessel_jn-n_iter", uniform((20.0, 40.0)), fun=_jn(2, 90), ref=_jax_jn(2, 90), atol=1e-8)


def _jax_jn_series(z):  # J_0..J_2 by their power series: exact near 0, where JAX's recurrence gives NaN
    half = z / 2
    return jnp.stack([1 - half**2 + half**4 / 4, half - half**3 / 2 + half**5 / 12, half**2 / 2 - half**4 / 6])


rec(
    "bessel_jn-near-zero",
    lambda rng: (np.array([0.0, 2e-4, -5e-4]) * rng.uniform(0.5, 1.0, 3),),
    fun=_jn(2),
    ref=_jax_jn_series,
    fd_eps=1e-6,
)


# ---- sph_harm_y: complex output, derivatives in theta and phi ----------------------------------------------
def _degrees_orders(rng):
    n = rng.integers(0, 5, 4)
    return n, (rng.integers(0, 5, 4) % (2 * n + 1) - n)


rec(
    "sph_harm_y",
    lambda rng: (*_degrees_orders(rng), rng.uniform(0.2, 2.9, 4), rng.uniform(0.0, 6.0, 4)),
    fun=lambda n, m, theta, phi: fsp.sph_harm_y(n, m, theta, phi, n_max=4),
    ref=lambda n, m, theta, phi: jsp.sph_harm_y(n, m, theta, phi, n_max=4),
)
rec(  # every (n, m) up to degree 3 at one point
    "sph_harm_y-all-orders",
    lambda rng: (
        np.array([n for n in range(4) for _ in range(-n, n + 1)]),
        np.array([m for n in range(4) for m in range(-n, n + 1)]),
        np.full(16, rng.uniform(0.3, 2.8)),
        np.full(16, rng.uniform(0.0, 6.0)),
    ),
    fun=lambda n, m, theta, phi: fsp.sph_harm_y(n, m, theta, phi, n_max=3),
    ref=lambda n, m, theta, phi: jsp.sph_harm_y(n, m, theta, phi, n_max=3),
)
