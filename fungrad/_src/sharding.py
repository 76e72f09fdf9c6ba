"""``with_sharding_constraint``: ask XLA's SPMD partitioner to lay a value out in a given way.

Contract. ``with_sharding_constraint_p`` is the identity on values; its lowering is
``jax.lax.with_sharding_constraint``, a hint the partitioner honours where it places the value (it
decides everything else). Being the identity, it is linear: its jvp constrains the tangent and its
transpose constrains the cotangent in the same way, so the backward pass is laid out like the forward
one. Under ``vmap`` a :class:`~jax.sharding.NamedSharding`'s spec gets ``None`` (replicated) at the
batch dimension; other shardings cannot be batched and raise.
"""

from __future__ import annotations

import jax
from jax import tree_util
from jax.sharding import NamedSharding, PartitionSpec

from fungrad._src import ad, batching, core
from fungrad._src.ad import Zero
from fungrad._src.core import FungradTypeError, Primitive

with_sharding_constraint_p = Primitive("with_sharding_constraint", linear=True)
core.def_abstract_eval(with_sharding_constraint_p, lambda x, *, sharding: x)
core.def_lowering(with_sharding_constraint_p, lambda x, *, sharding: jax.lax.with_sharding_constraint(x, sharding))
ad.deflinear(
    with_sharding_constraint_p,
    lambda ct, x, *, sharding: [ct if type(ct) is Zero else with_sharding_constraint_p.bind(ct, sharding=sharding)],
)


def _batch_sharding(sharding, ndim: int, bdim: int):
    if not isinstance(sharding, NamedSharding):
        raise FungradTypeError(
            f"[vmap] with_sharding_constraint: cannot add a batch dimension to a {type(sharding).__name__}; "
            "use a jax.sharding.NamedSharding (its spec gets None at the batch dimension)"
        )
    spec = list(sharding.spec) + [None] * (ndim - len(sharding.spec))
    spec.insert(bdim, None)
    return NamedSharding(sharding.mesh, PartitionSpec(*spec), memory_kind=sharding.memory_kind)


def _with_sharding_constraint_batch(args, dims, *, sharding):
    (x,), (d,) = args, dims
    per_example_ndim = core.get_aval(x).ndim - 1
    return with_sharding_constraint_p.bind(x, sharding=_batch_sharding(sharding, per_example_ndim, d)), d


batching.def_batching(with_sharding_constraint_p, _with_sharding_constraint_batch)


def with_sharding_constraint(x, shardings):
    """Constrain the layout of ``x`` (a pytree) across devices; the values are unchanged.

    Args:
        x: an array or pytree of arrays.
        shardings: a ``jax.sharding.Sharding`` (usually a ``NamedSharding``), or a pytree of them
            matching ``x``. A bare ``PartitionSpec`` needs a mesh set with ``jax.set_mesh``.

    Returns:
        ``x``, which XLA's partitioner places as asked (inside ``jit``; eagerly, the value is moved).
        Gradients are constrained the same way.

    >>> import jax, numpy as np, fungrad, fungrad.lax as flax
    >>> from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    >>> mesh = Mesh(np.array(jax.devices()[:1]), ("data",))
    >>> y = fungrad.jit(lambda x: flax.with_sharding_constraint(x * 2.0, NamedSharding(mesh, P("data"))))(np.ones(2))
    >>> y.tolist()
    [2.0, 2.0]
    """
    leaves, tree = tree_util.tree_flatten(x)
    is_leaf = lambda s: isinstance(s, (jax.sharding.Sharding, PartitionSpec))  # noqa: E731
    if is_leaf(shardings):
        per_leaf = [shardings] * len(leaves)
    else:
        try:
            per_leaf = tree.flatten_up_to(shardings)
        except (ValueError, TypeError) as err:
            raise FungradTypeError(
                f"with_sharding_constraint: shardings {shardings!r} do not match the structure of x ({tree}): {err}"
            ) from None
    out = [with_sharding_constraint_p.bind(v, sharding=s) for v, s in zip(leaves, per_leaf)]
    return tree_util.tree_unflatten(tree, out)
