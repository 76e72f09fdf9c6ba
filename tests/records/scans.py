"""Op records for products, cumulative ops, sorting and top_k (``fungrad.nn.logsumexp`` has its rows,
-inf and large values included, in records/core.py).

Special rows: zeros in products (exact derivatives, no division), ties in running extrema, sort and
top_k (the derivative follows the stable permutation / JAX's pairwise tie split; no finite
differences there since ties are kinks).
"""

from __future__ import annotations

import jax.lax as jlax
import jax.numpy as jnp
import numpy as np

import fungrad.lax as flax
import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []
NO_FD = {"fd": False} if "fd" in OpRecord.__dataclass_fields__ else {"grad": False}
SPECIAL = dict(tags=("special-values",), **NO_FD)


def rec(name, fun, ref, shapes=((3, 4),), **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), **kw))


def fixed(*values):
    return lambda rng: tuple(np.asarray(v, dtype=np.float64) for v in values)


ZEROS = [[1.5, 0.0, 2.0, -1.0], [0.0, 3.0, 0.0, 0.5], [2.0, -0.5, 1.0, 1.5]]  # one zero, two zeros, none
TIES = [[1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 1.0, 2.0], [0.5, -1.0, 0.5, 0.5]]

# ---- prod, any, all ---------------------------------------------------------------------------------

for axis in (None, 1):
    rec(
        f"numpy.prod-axis{axis}",
        lambda x, a=axis: fnp.prod(x, a),
        lambda x, a=axis: jnp.prod(x, a),
        order=2 if axis == 1 else 1,
    )
rec("numpy.prod-keepdims", lambda x: fnp.prod(x, 1, keepdims=True), lambda x: jnp.prod(x, 1, keepdims=True))
rec(
    "numpy.prod-zeros",
    lambda x: fnp.prod(x, 1),
    lambda x: jnp.prod(x, 1),
    make_args=fixed(ZEROS),
    tags=("special-values",),
)
rec("numpy.prod-zeros-all", fnp.prod, jnp.prod, make_args=fixed(ZEROS), order=1, tags=("special-values",))
rec("numpy.prod-int", fnp.prod, jnp.prod, domain="int", grad=False)
for name in ("any", "all"):
    rec(
        f"numpy.{name}",
        lambda x, n=name: getattr(fnp, n)(x, 0),
        lambda x, n=name: getattr(jnp, n)(x, 0),
        domain="bool",
        grad=False,
    )
    rec(
        f"numpy.{name}-float",
        lambda x, n=name: getattr(fnp, n)(x > 0),
        lambda x, n=name: getattr(jnp, n)(x > 0),
        grad=False,
    )

# ---- cumulative ops ----------------------------------------------------------------------------------------

for name in ("cumsum", "cumprod"):
    for axis in (None, 1):
        rec(
            f"numpy.{name}-axis{axis}",
            lambda x, n=name, a=axis: getattr(fnp, n)(x, a),
            lambda x, n=name, a=axis: getattr(jnp, n)(x, a),
            order=2 if axis == 1 else 1,
        )
rec("numpy.cumsum-bool", lambda x: fnp.cumsum(x, 0), lambda x: jnp.cumsum(x, 0), domain="bool", grad=False)
rec(
    "numpy.cumprod-zeros",
    lambda x: fnp.cumprod(x, 1),
    lambda x: jnp.cumprod(x, 1),
    make_args=fixed(ZEROS),
    tags=("special-values",),
)
for name, reverses in [
    ("cumsum", (False, True)),
    ("cumprod", (False,)),
    ("cummax", (False, True)),
    ("cummin", (False,)),
]:
    for reverse in reverses:
        rec(
            f"lax.{name}{'-reverse' if reverse else ''}",
            lambda x, n=name, r=reverse: getattr(flax, n)(x, 1, r),
            lambda x, n=name, r=reverse: getattr(jlax, n)(x, 1, r),
            order=1 if reverse else 2,
        )
for name, reverses in [("cummax", (False,)), ("cummin", (True,))]:
    for reverse in reverses:
        rec(
            f"lax.{name}-ties{'-reverse' if reverse else ''}",
            lambda x, n=name, r=reverse: getattr(flax, n)(x, 1, r),
            lambda x, n=name, r=reverse: getattr(jlax, n)(x, 1, r),
            make_args=fixed(TIES),
            **SPECIAL,
        )

# ---- sort, argsort, top_k ------------------------------------------------------------------------------------

for axis in (None, -1):
    rec(f"numpy.sort-axis{axis}", lambda x, a=axis: fnp.sort(x, a), lambda x, a=axis: jnp.sort(x, axis=a))
rec("numpy.sort-descending", lambda x: fnp.sort(x, descending=True), lambda x: jnp.sort(x, descending=True))
rec("numpy.sort-ties", lambda x: fnp.sort(x, 1), lambda x: jnp.sort(x, axis=1), make_args=fixed(TIES), **SPECIAL)
rec(
    "numpy.sort-nan",
    lambda x: fnp.sort(x),
    lambda x: jnp.sort(x),
    make_args=fixed([[1.0, np.nan, -1.0], [np.inf, 0.0, -np.inf]]),
    grad=False,
    tags=("special-values",),
)
for descending in (False, True):
    rec(
        f"numpy.argsort{'-descending' if descending else ''}-ties",
        lambda x, d=descending: fnp.argsort(x, 1, descending=d),
        lambda x, d=descending: jnp.argsort(x, axis=1, descending=d),
        make_args=fixed(TIES),
        grad=False,
    )
rec("numpy.argsort-axis0", lambda x: fnp.argsort(x, 0), lambda x: jnp.argsort(x, axis=0), grad=False)
rec(
    "lax.sort-two-operands",
    lambda x, y: tuple(flax.sort([x, y], 0, num_keys=1)),
    lambda x, y: tuple(jlax.sort([x, y], dimension=0, num_keys=1)),
    shapes=((3, 4), (3, 4)),
)
rec(
    "lax.sort-two-keys-ties",
    lambda x, y: tuple(flax.sort([x, y], 1, num_keys=2)),
    lambda x, y: tuple(jlax.sort([x, y], dimension=1, num_keys=2)),
    make_args=lambda rng: (np.asarray(TIES), rng.normal(size=(3, 4))),
    **SPECIAL,
)
rec("lax.top_k", lambda x: tuple(flax.top_k(x, 2)), lambda x: tuple(jlax.top_k(x, 2)))
rec(
    "lax.top_k-ties",
    lambda x: tuple(flax.top_k(x, 3)),
    lambda x: tuple(jlax.top_k(x, 3)),
    make_args=fixed(TIES),
    **SPECIAL,
)

# ---- NaN-ignoring and array-API cumulative ops, searching ------------------------------------------------

NANS = [[1.5, np.nan, 2.0, -1.0], [0.5, 3.0, np.nan, np.nan], [2.0, -0.5, 1.0, 1.5]]
for name in ("nanprod", "nancumsum"):
    rec(
        f"numpy.{name}",
        lambda x, n=name: getattr(fnp, n)(x, 1),
        lambda x, n=name: getattr(jnp, n)(x, 1),
        make_args=fixed(NANS),
        tags=("special-values",),
        **NO_FD,
    )
for name in ("cumulative_sum", "cumulative_prod"):
    rec(
        f"numpy.{name}-include-initial",
        lambda x, n=name: getattr(fnp, n)(x, axis=1, include_initial=True),
        lambda x, n=name: getattr(jnp, n)(x, axis=1, include_initial=True),
        order=1,
    )
rec(
    "numpy.nonzero-size",
    lambda x: fnp.nonzero(x > 0, size=5, fill_value=-1),
    lambda x: jnp.nonzero(x > 0, size=5, fill_value=-1),
    grad=False,
)
rec("numpy.argwhere-size", lambda x: fnp.argwhere(x > 0, size=4), lambda x: jnp.argwhere(x > 0, size=4), grad=False)
rec("numpy.count_nonzero", lambda x: fnp.count_nonzero(x > 0, 1), lambda x: jnp.count_nonzero(x > 0, 1), grad=False)
rec(
    "numpy.searchsorted",
    lambda a, v: fnp.searchsorted(a, v, "right"),
    lambda a, v: jnp.searchsorted(a, v, "right"),
    make_args=lambda rng: (np.sort(rng.normal(size=5)), rng.normal(size=(2, 3))),
    grad=False,
)
rec(
    "numpy.lexsort",
    lambda a, b: fnp.lexsort((a, b)),
    lambda a, b: jnp.lexsort((a, b)),
    make_args=lambda rng: (rng.integers(0, 3, size=(2, 6)), rng.integers(0, 3, size=(2, 6))),
    grad=False,
)

# ---- quantiles ----------------------------------------------------------------------------------------------

for method in ("linear", "nearest"):
    rec(
        f"numpy.quantile-{method}",
        lambda x, m=method: fnp.quantile(x, np.array([0.1, 0.5, 1.0]), 1, method=m),
        lambda x, m=method: jnp.quantile(x, np.array([0.1, 0.5, 1.0]), 1, method=m),
        order=1,
    )
rec("numpy.median", lambda x: fnp.median(x, 0, keepdims=True), lambda x: jnp.median(x, 0, keepdims=True), order=1)
rec("numpy.percentile-all", lambda x: fnp.percentile(x, 30.0), lambda x: jnp.percentile(x, 30.0), order=1)
