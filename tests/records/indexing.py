"""Op records for indexing: ``x[...]`` (basic and advanced), ``.at[...]`` updates, ``take``,
``take_along_axis``, ``fungrad.lax`` gather / scatter / dynamic slices.

Index arrays are either closed over (static rows) or passed as integer arguments generated in range
(traced rows: vmap then batches the indices too). Out-of-bounds rows check JAX's semantics (reads
clamp or fill, updates drop) forward and for derivatives, without finite differences (a clamped read
has a zero derivative by definition, not by continuity).
"""

from __future__ import annotations

import jax.lax as jlax
import jax.numpy as jnp
import numpy as np

import fungrad.lax as flax
import fungrad.numpy as fnp
from fungrad.numpy._indexing import at, getitem
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []
# Finite differences are off where the derivative is a convention (out of bounds, ties).
NO_FD = {"fd": False} if "fd" in OpRecord.__dataclass_fields__ else {"grad": False}


def rec(name, fun, ref, shapes=((4, 5, 3),), **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), **kw))


def with_ints(float_shapes, int_specs):
    """``make_args``: normal floats, then integer arrays ``(shape, low, high)``."""

    def make(rng):
        floats = [rng.normal(size=s) for s in float_shapes]
        ints = [rng.integers(lo, hi, size=s) for s, lo, hi in int_specs]
        return (*floats, *ints)

    return make


I = np.array  # noqa: E741

# ---- x[index]: static indices -----------------------------------------------------------------------

MASK = np.random.default_rng(7).random((4, 5)) > 0.5
STATIC_INDICES = {
    "int": (1,),
    "slice-step": (slice(None, None, -2), slice(1, None)),
    "none-ellipsis": (None, Ellipsis, 0),
    "empty-slice": (slice(2, 2),),
    "int-array": (I([0, 2, -1, 0]),),
    "int-array-2d": (I([[0, 1], [3, 3]]),),
    "broadcast-arrays": (slice(None), I([[0], [2]]), I([1, 2])),
    "arrays-split-by-slice": (I([0, 1]), slice(None), I([1, 2])),
    "int-and-array": (1, slice(None), I([2, 0])),
    "arrays-with-none": (I([0, 1]), None, I([1, 2])),
    "array-and-strided-slice": (slice(None, None, 2), I([4, -2]), slice(None, None, -1)),
    "bool-mask": (MASK,),
    "bool-mask-and-slice": (slice(1, 3), MASK[0]),
    "empty-array": (I([], dtype=np.int32),),
}
for label, index in STATIC_INDICES.items():
    rec(
        f"numpy.getitem-{label}",
        lambda x, index=index: getitem(x, index),
        lambda x, index=index: jnp.asarray(x)[index],
    )
rec(
    "numpy.getitem-out-of-bounds",
    lambda x: getitem(x, I([7, -9, 1])),
    lambda x: jnp.asarray(x)[I([7, -9, 1])],
    tags=("special-values",),
    **NO_FD,
)

# ---- x[index]: traced indices (vmap batches them too) ---------------------------------------------------

rec(
    "numpy.getitem-traced-array",
    lambda x, i: getitem(x, i),
    lambda x, i: jnp.asarray(x)[i],
    make_args=with_ints([(4, 5)], [((3,), -4, 4)]),
)
rec(
    "numpy.getitem-traced-scalar",
    lambda x, i: getitem(x, (i, slice(1, None))),
    lambda x, i: jnp.asarray(x)[i, 1:],
    make_args=with_ints([(4, 5)], [((), -4, 4)]),
)
rec(
    "numpy.getitem-traced-two-arrays",
    lambda x, i, j: getitem(x, (i, slice(None), j)),
    lambda x, i, j: jnp.asarray(x)[i, :, j],
    make_args=with_ints([(4, 5, 3)], [((2,), 0, 4), ((2,), 0, 3)]),
)

# ---- .at[index] updates ---------------------------------------------------------------------------------

UPDATE_INDICES = {
    "int": (1,),
    "slice-step": (slice(None, None, 2), slice(1, 4)),
    "int-array-repeated": (I([0, 2, -1, 0]),),
    "broadcast-arrays": (slice(None), I([[0], [2]]), I([1, 2])),
    "arrays-split-by-slice": (I([0, 3]), slice(None), I([1, 2])),
}
X_SHAPE = (4, 5, 3)
for label, index in UPDATE_INDICES.items():
    v_shape = jnp.zeros(X_SHAPE)[index].shape
    ops = ("set", "add", "min", "max") if label == "int-array-repeated" else ("set", "add")
    for op in ops:
        rec(
            f"numpy.at-{op}-{label}",
            lambda x, v, index=index, op=op: getattr(at(x)[index], op)(v),
            lambda x, v, index=index, op=op: getattr(jnp.asarray(x).at[index], op)(v),
            shapes=(X_SHAPE, v_shape),
        )
    if label not in ("slice-step", "broadcast-arrays"):
        continue
    rec(
        f"numpy.at-get-{label}",
        lambda x, index=index: at(x)[index].get(),
        lambda x, index=index: jnp.asarray(x).at[index].get(),
        shapes=(X_SHAPE,),
    )
rec(
    "numpy.at-multiply-unique",
    lambda x, v: at(x)[I([0, 2])].multiply(v, unique_indices=True),
    lambda x, v: jnp.asarray(x).at[I([0, 2])].multiply(v, unique_indices=True),
    shapes=((4, 3), (2, 3)),
)
rec(
    "numpy.at-multiply-repeated-operand",
    lambda x, v: at(x)[I([0, 2, 0])].multiply(v),
    lambda x, v: jnp.asarray(x).at[I([0, 2, 0])].multiply(v),
    shapes=((4, 3), (3, 3)),
    grad_argnums=(0,),
)
rec(  # JAX refuses d/dv here; the reference spells the products out: row 0 gets v0 * v2, row 2 gets v1
    "numpy.at-multiply-repeated-updates",
    lambda x, v: at(x)[I([0, 2, 0])].multiply(v),
    lambda x, v: x * jnp.stack([v[0] * v[2], jnp.ones(3), v[1], jnp.ones(3)]),
    shapes=((4, 3), (3, 3)),
)
rec(
    "numpy.at-add-broadcast-scalar",
    lambda x, v: at(x)[1:3].add(v),
    lambda x, v: jnp.asarray(x).at[1:3].add(v),
    shapes=((4, 3), ()),
)
rec(
    "numpy.at-set-out-of-bounds-dropped",
    lambda x, v: at(x)[I([5, -1, -9])].set(v),
    lambda x, v: jnp.asarray(x).at[I([5, -1, -9])].set(v),
    shapes=((4, 3), (3, 3)),
    tags=("special-values",),
)
rec(
    "numpy.at-add-clip",
    lambda x, v: at(x)[I([5, -1, -9])].add(v, mode="clip"),
    lambda x, v: jnp.asarray(x).at[I([5, -1, -9])].add(v, mode="clip"),
    shapes=((4, 3), (3, 3)),
    tags=("special-values",),
)
rec(
    "numpy.at-get-fill",
    lambda x: at(x)[I([5, -1])].get(mode="fill", fill_value=-1.0),
    lambda x: jnp.asarray(x).at[I([5, -1])].get(mode="fill", fill_value=-1.0),
    shapes=((4, 3),),
    tags=("special-values",),
)
rec(
    "numpy.at-max-ties",
    lambda x, v: at(x)[I([0, 0, 1])].max(v),
    lambda x, v: jnp.asarray(x).at[I([0, 0, 1])].max(v),
    make_args=lambda rng: (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 2.0])),
    tags=("special-values",),
    **NO_FD,
)
rec(
    "numpy.at-add-traced-indices",
    lambda x, i, v: at(x)[i].add(v),
    lambda x, i, v: jnp.asarray(x).at[i].add(v),
    make_args=lambda rng: (rng.normal(size=(5, 2)), rng.integers(-5, 5, size=(3,)), rng.normal(size=(3, 2))),
)
rec(
    "numpy.at-set-traced-indices",
    lambda x, i, v: at(x)[i].set(v),
    lambda x, i, v: jnp.asarray(x).at[i].set(v),
    make_args=lambda rng: (rng.normal(size=(5, 2)), rng.permutation(5)[:3], rng.normal(size=(3, 2))),
)

# ---- take, take_along_axis ---------------------------------------------------------------------------------

for axis in (None, 1):
    rec(
        f"numpy.take-axis{axis}",
        lambda x, axis=axis: fnp.take(x, I([[0, 2], [1, -1]]), axis=axis),
        lambda x, axis=axis: jnp.take(x, I([[0, 2], [1, -1]]), axis=axis),
        shapes=((3, 4),),
    )
for mode in ("clip", "wrap"):
    rec(
        f"numpy.take-{mode}",
        lambda x, mode=mode: fnp.take(x, I([0, 7, -9]), axis=1, mode=mode),
        lambda x, mode=mode: jnp.take(x, I([0, 7, -9]), axis=1, mode=mode),
        shapes=((3, 4),),
        tags=("special-values",),
        **NO_FD,
    )
rec(
    "numpy.take-fill-value",
    lambda x: fnp.take(x, I([0, 7, -9]), axis=1, fill_value=0.5),
    lambda x: jnp.take(x, I([0, 7, -9]), axis=1, fill_value=0.5),
    shapes=((3, 4),),
    tags=("special-values",),
)
rec(
    "numpy.take-traced",
    lambda x, i: fnp.take(x, i, axis=0),
    lambda x, i: jnp.take(x, i, axis=0),
    make_args=with_ints([(4, 3)], [((2, 2), -4, 4)]),
)
for axis in (0, 1):
    rec(
        f"numpy.take_along_axis-{axis}",
        lambda x, i, axis=axis: fnp.take_along_axis(x, i, axis),
        lambda x, i, axis=axis: jnp.take_along_axis(x, i, axis),
        make_args=with_ints([(3, 4)], [((3, 4) if axis == 0 else (3, 2), -3, 3)]),
    )
rec(
    "numpy.take_along_axis-broadcast",
    lambda x, i: fnp.take_along_axis(x, i, 1),
    lambda x, i: jnp.take_along_axis(x, i, 1),
    make_args=with_ints([(3, 4)], [((1, 5), 0, 4)]),
)
rec(
    "numpy.take_along_axis-argsort",
    lambda x: fnp.take_along_axis(x, fnp.argsort(x, axis=1), 1),
    lambda x: jnp.take_along_axis(x, jnp.argsort(x, axis=1), 1),
    shapes=((3, 4),),
)

# ---- fungrad.lax: dynamic slices, gather, scatter ---------------------------------------------------------

rec(
    "lax.dynamic_slice",
    lambda x, s: flax.dynamic_slice(x, (s[0], s[1]), (2, 3)),
    lambda x, s: jlax.dynamic_slice(x, (s[0], s[1]), (2, 3)),
    make_args=with_ints([(4, 5)], [((2,), 0, 3)]),
)
rec(
    "lax.dynamic_slice-clamped",
    lambda x: flax.dynamic_slice(x, (3, -2), (2, 3)),
    lambda x: jlax.dynamic_slice(x, (3, -2), (2, 3)),
    shapes=((4, 5),),
    tags=("special-values",),
)
rec(
    "lax.dynamic_update_slice",
    lambda x, u, s: flax.dynamic_update_slice(x, u, (s[0], s[1])),
    lambda x, u, s: jlax.dynamic_update_slice(x, u, (s[0], s[1])),
    make_args=with_ints([(4, 5), (2, 3)], [((2,), 0, 4)]),
)
GATHER = jlax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
SCATTER = jlax.ScatterDimensionNumbers(
    update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)
)
for mode in ("clip", "fill", "promise_in_bounds"):
    rec(
        f"lax.gather-{mode}",
        lambda x, mode=mode: flax.gather(x, I([[0], [2], [6]]), GATHER, (1, 3), mode=mode),
        lambda x, mode=mode: jlax.gather(x, I([[0], [2], [6]]), GATHER, (1, 3), mode=mode),
        shapes=((4, 3),),
        **NO_FD,
    )
for name in ("scatter_add", "scatter", "scatter_min", "scatter_max"):
    rec(
        f"lax.{name}",
        lambda x, u, name=name: getattr(flax, name)(x, I([[0], [2], [0], [7]]), u, SCATTER),
        lambda x, u, name=name: getattr(jlax, name)(x, I([[0], [2], [0], [7]]), u, SCATTER),
        shapes=((4, 3), (4, 3)),
    )
rec(
    "lax.scatter_mul-unique",
    lambda x, u: flax.scatter_mul(x, I([[0], [2]]), u, SCATTER, unique_indices=True),
    lambda x, u: jlax.scatter_mul(x, I([[0], [2]]), u, SCATTER, unique_indices=True),
    shapes=((4, 3), (2, 3)),
)
