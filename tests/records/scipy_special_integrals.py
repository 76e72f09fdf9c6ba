"""Op records for the special functions defined by integrals in ``fungrad.scipy.special``: spence, dawsn,
fresnel, sici, owens_t and wofz (real and complex inputs), against ``jax.scipy.special``.

Inputs cover each function's regimes (the series, continued-fraction / asymptotic and reflection
branches, negative arguments, large ``|x|``); special values get values-only rows. Where JAX's own
derivative is wrong (spence on ``[1, 2]``, where it differentiates through its implementation and gets
NaN), the reference is JAX's value with the closed-form derivative ``log(x) / (1 - x)`` attached, and the
finite-difference check confirms it.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

import fungrad.scipy.special as fsp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, make_args, fun=None, ref=None, **kw):
    kw.setdefault("atol", 1e-10)
    kw.setdefault("rtol", 1e-9)
    base = name.partition("-")[0]
    RECORDS.append(
        OpRecord(
            f"scipy.special.{name}",
            fun or getattr(fsp, base),
            ref or getattr(jsp, base),
            (),
            make_args=make_args,
            **kw,
        )
    )


def points(*values, jitter=0.05):
    """Fixed points (one per regime) moved by a seed-dependent jitter, so vmap examples differ."""
    return lambda rng: (np.array(values) + jitter * rng.uniform(size=len(values)),)


def float32(*values):
    return lambda rng: (np.array(values, np.float32),)


@jax.custom_jvp
def _spence_closed_form(x):
    return jsp.spence(x)


@_spence_closed_form.defjvp
def _spence_closed_form_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return jsp.spence(x), t * jnp.log(x) / (1 - x)


# ---- spence ------------------------------------------------------------------------------------------
rec("spence", points(0.15, 0.45, 0.85, 2.2, 4.0, 30.0))  # the three reflections; JAX's derivative is right here
rec(  # JAX's derivative is NaN on [1, 2]: the closed form (and finite differences) are the reference
    "spence-one-to-two",
    points(1.02, 1.3, 1.6, 1.9, jitter=0.05),
    ref=_spence_closed_form,
)
rec(  # values at the edges: pi^2/6 at 0, 0 at 1, NaN below 0 and at inf
    "spence-edges",
    lambda rng: (np.array([0.0, 1.0, 2.0, 0.5, -1.0, np.inf, 1e-300, 1e12]),),
    grad=False,
)
rec("spence-float32", float32(0.01, 0.3, 0.7, 1.5, 3.0, 100.0), grad=False, rtol=2e-6, atol=1e-7)

# ---- dawsn -------------------------------------------------------------------------------------------
# series below |x| = 6, asymptotic series above; odd in x
rec("dawsn", points(-7.0, -2.5, -0.3, 0.4, 3.0, 5.9, 6.3, 12.0))
rec("dawsn-edges", lambda rng: (np.array([0.0, -0.0, 1e-300, 1e300, np.inf, -np.inf]),), grad=False)
rec("dawsn-float32", float32(-9.0, -0.5, 0.2, 1.5, 4.0, 5.5, 7.0), grad=False, rtol=3e-6, atol=1e-7)

# ---- fresnel -----------------------------------------------------------------------------------------
# series below |x| = 2, the continued fraction of w above; odd in x
rec("fresnel", points(-3.5, -1.2, 0.3, 1.9, 2.1, 4.4))
rec(  # large x: the phase of pi x^2 / 2 needs x^2 reduced exactly (no finite differences: period 1/x)
    "fresnel-large",
    points(250.3, -3000.7, 5.5e4, 1.25e7, jitter=0.25),
    fd=False,
)
rec("fresnel-edges", lambda rng: (np.array([0.0, -0.0, np.inf, -np.inf, 1e300]),), grad=False)
rec("fresnel-float32", float32(-5.0, -0.7, 0.1, 1.25, 1.4, 3.0, 40.0), grad=False, rtol=2e-6, atol=1e-7)

# ---- sici --------------------------------------------------------------------------------------------
# series below |x| = 3, E1's continued fraction above; away from Ci's zeros (0.62, 3.38, 6.43) where a
# relative comparison means little
rec("sici", points(-9.0, -2.2, -0.4, 1.0, 2.9, 3.1, 15.0, 40.0))
rec(  # Si'(0) = 1, Ci'(0) = inf (as JAX)
    "sici-at-zero",
    lambda rng: (np.array([0.0, 1.0 + rng.uniform()]),),
    fd=False,
)
rec("sici-edges", lambda rng: (np.array([0.0, -0.0, np.inf, -np.inf, 1e10]),), grad=False, rtol=1e-8)
rec("sici-float32", float32(-8.0, -1.0, 0.3, 2.0, 3.5, 20.0), grad=False, rtol=2e-6, atol=1e-6)

# ---- owens_t -----------------------------------------------------------------------------------------
rec(  # both quadrature forms (a h below and above 2), |a| > 1 by reflection, both signs
    "owens_t",
    lambda rng: (
        np.array([0.3, -1.1, 2.5, 4.0, -0.7, 1.6]) + 0.05 * rng.uniform(size=6),
        np.array([0.5, 0.9, -0.6, 0.8, 3.0, -1.7]) + 0.05 * rng.uniform(size=6),
    ),
)
rec(  # h of shape (2, 3) against a of shape (3,)
    "owens_t-broadcast",
    lambda rng: (rng.uniform(-2.0, 2.0, (2, 3)), rng.uniform(-2.5, 2.5, (3,))),
)
rec(  # large h: values down to 1e-20; jvp and vjp (JAX's closed forms), no finite differences at that scale
    "owens_t-large-h",
    lambda rng: (np.array([6.0, 9.0, -12.0, 7.5]) + 0.1 * rng.uniform(size=4), np.array([0.3, 2.0, 0.6, -5.0])),
    fd=False,
    atol=1e-30,
)
rec(  # a = 0 and h = 0 rows, a = +-1 (JAX's exact branch), infinite arguments (h = 0, a = inf is NaN in JAX)
    "owens_t-edges",
    lambda rng: (
        np.array([0.0, 1.5, 0.0, 2.0, -2.0, np.inf, 1.0, np.inf]),
        np.array([0.7, 0.0, -3.0, 1.0, -1.0, 0.5, np.inf, -np.inf]),
    ),
    grad=False,
)
rec(
    "owens_t-float32",
    lambda rng: (np.float32([0.5, -1.5, 3.0]), np.float32([0.4, 2.0, -0.9])),
    grad=False,
    ref=lambda h, a: jsp.owens_t(h, a).astype(jnp.float32),
    rtol=2e-6,
    atol=1e-7,
)  # fmt: skip  (JAX: float64)

# ---- wofz --------------------------------------------------------------------------------------------
# standard complex normals: both half planes (the lower one through w(z) = 2 exp(-z^2) - w(-z))
rec("wofz", lambda rng: (rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3)),))
rec(  # a real input gives a complex output; its derivative is the real-line restriction
    "wofz-real",
    points(-4.0, -0.6, 0.0, 1.3, 6.0),
)
rec(  # larger |z| in every quadrant; JAX's 32-term rational form is within ~3e-13 of the exact value
    "wofz-large",
    lambda rng: (np.array([8 + 3j, -12 + 0.5j, 20 - 1j, -6 - 0.2j, 0.3 + 25j]) * (1 + 0.01 * rng.uniform(size=5)),),
    fd=False,
    rtol=1e-8,
)
rec(
    "wofz-edges",
    lambda rng: (np.array([0j, -0j, 30j, -1e-300 + 0j, 1e5 + 1e5j]),),
    grad=False,
)
rec(
    "wofz-complex64",
    lambda rng: (np.complex64([0.5 + 0.5j, -1.0 + 2.0j, 3.0 - 0.1j, 0.2 - 1.0j]),),
    grad=False,
    rtol=1e-5,
    atol=1e-6,
)
