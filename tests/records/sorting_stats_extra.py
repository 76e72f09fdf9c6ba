"""Op records for the round-two breadth names outside the set routines: partial sorts and
``sort_complex`` (_sorting_scans.py), NaN-ignoring order statistics and N-d histograms (_statistics.py),
``poly``/``polydiv``/``roots`` (_polynomial.py) and the full ``einsum`` (_products.py)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes=(), **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


# ---- partial sorts --------------------------------------------------------------------------------------
for kth, axis in [(0, -1), (2, -1), (-1, 0), (1, 0)]:
    rec(f"partition-{kth}-{axis}", lambda m, x, k=kth, a=axis: m.partition(x, k, a), [(3, 4)])
    rec(f"argpartition-{kth}-{axis}", lambda m, x, k=kth, a=axis: m.argpartition(x, k, a), [(3, 4)], grad=False)
rec(
    "partition-int-ties",
    lambda m, x: m.partition(x, 2),
    make_args=lambda rng: (rng.integers(0, 3, size=(2, 5)),),
    grad=False,
)
rec(
    "argpartition-uint-ties",
    lambda m, x: m.argpartition(x, 1, axis=0),
    make_args=lambda rng: (rng.integers(0, 3, size=(4, 3)).astype(np.uint8),),
    grad=False,
)
rec("sort_complex", lambda m, x: m.sort_complex(x), [(2, 4)], domain="complex")
rec("sort_complex-real", lambda m, x: m.sort_complex(x), [(5,)])
rec(
    "sort_complex-ties",
    lambda m, x: m.sort_complex(x),
    make_args=lambda rng: (np.array([2 + 1j, 1 + 3j, 2 - 1j, 1 - 3j]),),
    fd=False,
)


# ---- NaN-ignoring order statistics ------------------------------------------------------------------------
def with_nans(rng):
    x = rng.normal(size=(3, 4))
    x[0, 1] = x[2, 0] = x[2, 3] = np.nan
    x[1] = np.nan  # an all-NaN slice: NaN out, zero derivative
    return (x,)


for method in ["linear", "lower", "higher", "midpoint", "nearest"]:
    rec(
        f"nanquantile-{method}",
        lambda m, x, k=method: m.nanquantile(x, np.array([0.0, 0.3, 0.5, 1.0]), axis=1, method=k),
        make_args=with_nans,
        fd=False,
    )
rec(
    "nanquantile-axis0-keepdims",
    lambda m, x: m.nanquantile(x, 0.25, axis=0, keepdims=True),
    make_args=with_nans,
    fd=False,
)
rec("nanquantile-no-nans-all", lambda m, x: m.nanquantile(x, 0.4), [(3, 4)])
rec(
    "nanquantile-tuple-axis-keepdims",
    lambda m, x: m.nanquantile(x, np.array([0.2, 0.7]), axis=(0, 2), keepdims=True, method="nearest"),
    make_args=lambda rng: (np.where(rng.random((2, 3, 4)) < 0.2, np.nan, rng.normal(size=(2, 3, 4))),),
    fd=False,
)
rec(
    "nanquantile-traced-q",
    lambda m, x, q: m.nanquantile(x, q, axis=-1),
    [(2, 5), ()],
    domain=["real", "unit"],
    fd=False,
)
rec(
    "nanpercentile",
    lambda m, x: m.nanpercentile(x, np.array([10.0, 90.0]), axis=1, keepdims=True),
    make_args=with_nans,
    fd=False,
)
rec("nanmedian-axis1", lambda m, x: m.nanmedian(x, axis=1), make_args=with_nans, fd=False)
rec("nanmedian-all-keepdims", lambda m, x: m.nanmedian(x, keepdims=True), make_args=with_nans, fd=False)
rec("nanmedian-no-nans", lambda m, x: m.nanmedian(x, axis=0), [(4, 3)])


# ---- N-d histograms --------------------------------------------------------------------------------------
rec("histogramdd", lambda m, s: m.histogramdd(s, bins=3), [(12, 2)], grad=False)
rec(
    "histogramdd-weights-density",
    lambda m, s, w: m.histogramdd(s, bins=[2, 3, 2], range=[(-1.0, 1.0), None, (0.0, 2.0)], weights=w, density=True),
    [(10, 3), (10,)],
    domain=["real", "positive"],
    grad_argnums=(1,),
)
rec("histogram2d", lambda m, x, y: m.histogram2d(x, y, bins=3), [(9,), (9,)], grad=False)
rec(
    "histogram2d-edges-weights",
    lambda m, x, y, w: m.histogram2d(x, y, bins=np.array([-1.0, 0.0, 0.5, 2.0]), weights=w),
    [(8,), (8,), (8,)],
    grad_argnums=(2,),
)

# ---- polynomials -----------------------------------------------------------------------------------------
rec("poly", lambda m, z: m.poly(z), [(4,)])
rec("poly-complex", lambda m, z: m.poly(z), [(3,)], domain="complex")
rec("poly-matrix", lambda m, a: m.poly(a), [(3, 3)], fd=False)
rec("polydiv", lambda m, u, v: m.polydiv(u, v), [(5,), (3,)], domain=["real", "nonzero"])
rec("polydiv-short", lambda m, u, v: m.polydiv(u, v), [(2,), (4,)], domain=["real", "nonzero"])
rec(
    "polydiv-trim",
    lambda m, u, v: m.polydiv(u, v, trim_leading_zeros=True),
    make_args=lambda rng: (np.array([1.0, 0.0, -1.0, 2.0]), np.array([1.0, 1.0])),
    vmap=False,
    jit=False,
    grad=False,  # JAX's trimming concretizes the remainder, dropping its derivative; fungrad keeps it
)


def distinct_roots(rng):
    return (np.poly(np.array([-1.5, 0.5, 2.0, 3.0])) * rng.uniform(0.5, 2.0),)


# order 1: the eigvals derivative uses eigenvectors, whose own derivative is opt-in (as in JAX)
rec("roots", lambda m, p: m.roots(p), make_args=distinct_roots, vmap=False, jit=False, order=1)
rec(
    "roots-leading-zeros",
    lambda m, p: m.roots(p),
    make_args=lambda rng: (np.concatenate([[0.0, 0.0], distinct_roots(rng)[0]]),),
    vmap=False,
    jit=False,
    grad=False,
)
rec(
    "roots-no-strip",
    lambda m, p: m.roots(p, strip_zeros=False),
    make_args=lambda rng: (np.concatenate([[0.0], distinct_roots(rng)[0]]),),
    grad=False,  # the NaN roots standing for leading zeros make every derivative check NaN
)

# ---- einsum: sublists, optimize=, preferred_element_type, complex ------------------------------------------
rec("einsum-sublist-matmul", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 4)])
rec("einsum-sublist-implicit", lambda m, a, b: m.einsum(a, [0, 1], b, [2, 1]), [(2, 3), (4, 3)])
rec(
    "einsum-sublist-ellipsis",
    lambda m, a, b: m.einsum(a, [..., 0, 1], b, [1, 2], [..., 0, 2]),
    [(2, 2, 3), (3, 4)],
)
rec("einsum-sublist-trace", lambda m, a: m.einsum(a, [0, 0]), [(3, 3)])
CHAIN = ("ij,jk,kl,lm->im", [(2, 3), (3, 5), (5, 2), (2, 4)])
for optimize in [True, False, "greedy", "optimal", "auto"]:
    rec(
        f"einsum-optimize-{optimize}",
        lambda m, *xs, o=optimize: m.einsum(CHAIN[0], *xs, optimize=o),
        CHAIN[1],
    )
rec(
    "einsum-optimize-path",
    lambda m, *xs: m.einsum(CHAIN[0], *xs, optimize=[(2, 3), (0, 2), (0, 1)]),
    CHAIN[1],
)
rec(
    "einsum-sublist-optimize",
    lambda m, a, b, c: m.einsum(a, [0, 1], b, [1, 2], c, [2, 3], [3, 0], optimize="optimal"),
    [(2, 3), (3, 4), (4, 2)],
)
rec(
    "einsum-preferred-float64",
    lambda m, a, b: m.einsum("ij,jk->ik", a, b, preferred_element_type=jnp.float64),
    [(2, 3), (3, 4)],
    dtype="float32",
    atol=1e-5,
    rtol=1e-5,
    fd=False,
)
rec(
    "einsum-preferred-int32",
    lambda m, a, b: m.einsum("ij,jk->ik", a, b, preferred_element_type=jnp.int32),
    make_args=lambda rng: (rng.integers(-3, 3, (2, 3)).astype(np.int8), rng.integers(-3, 3, (3, 4)).astype(np.int8)),
    grad=False,
)
for label, subscripts, shapes in [
    ("matmul", "ij,jk->ik", [(2, 3), (3, 4)]),
    ("chain3", "ij,jk,kl->li", [(2, 3), (3, 4), (4, 2)]),
    ("diag-outer", "ii,j->ij", [(3, 3), (2,)]),
    ("batched", "bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
]:
    rec(f"einsum-complex-{label}", lambda m, *xs, s=subscripts: m.einsum(s, *xs), shapes, domain="complex")
rec(
    "einsum-mixed-complex-real",
    lambda m, a, b: m.einsum("ij,jk->ik", a, b),
    [(2, 3), (3, 4)],
    domain=["complex", "real"],
)
