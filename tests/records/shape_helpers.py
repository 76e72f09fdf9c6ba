"""Op records for einsum, tensordot, diagonal, trace, tril/triu, roll, repeat, tile, kron, flip."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def _label(v) -> str:
    """A test-id-safe label for a static argument (no spaces or brackets)."""
    return "x".join(str(int(e)) for e in np.ravel(v)) if v is not None else "None"


def rec(name, fun, ref, shapes=((3, 4),), **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), **kw))


EINSUMS = {
    "matmul": ("ij,jk->ik", [(2, 3), (3, 4)]),
    "chain3": ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    "diagonal": ("ii->i", [(3, 3)]),
    "trace": ("ii", [(3, 3)]),
    "rowwise-dot": ("ij,ij->i", [(2, 3), (2, 3)]),
    "batched-matmul": ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    "ellipsis-broadcast": ("...ij,jk->...ik", [(2, 2, 3), (3, 4)]),
    "implicit-output": ("ij,kj", [(2, 3), (4, 3)]),
    "repeated-in-one": ("iij->ji", [(3, 3, 2)]),
    "sum-out-unshared": ("ij,jk->i", [(2, 3), (3, 4)]),
}
for label, (subscripts, shapes) in EINSUMS.items():
    rec(
        f"numpy.einsum-{label}",
        lambda *xs, s=subscripts: fnp.einsum(s, *xs),
        lambda *xs, s=subscripts: jnp.einsum(s, *xs),
        shapes=shapes,
    )
rec(
    "numpy.tensordot-2",
    lambda a, b: fnp.tensordot(a, b),
    lambda a, b: jnp.tensordot(a, b),
    shapes=((2, 3, 4), (3, 4, 2)),
)
rec(
    "numpy.tensordot-axes",
    lambda a, b: fnp.tensordot(a, b, ((0, 2), (1, 0))),
    lambda a, b: jnp.tensordot(a, b, ((0, 2), (1, 0))),
    shapes=((2, 3, 4), (4, 2, 3)),
)
for offset in (-1, 2):
    rec(f"numpy.diagonal-{offset}", lambda x, k=offset: fnp.diagonal(x, k), lambda x, k=offset: jnp.diagonal(x, k))
rec(
    "numpy.diagonal-axes",
    lambda x: fnp.diagonal(x, 1, 2, 0),
    lambda x: jnp.diagonal(x, 1, 2, 0),
    shapes=((3, 2, 4),),
)
rec("numpy.trace", lambda x: fnp.trace(x, 1), lambda x: jnp.trace(x, 1))
for k in (-1, 2):
    rec(f"numpy.tril-{k}", lambda x, k=k: fnp.tril(x, k), lambda x, k=k: jnp.tril(x, k), shapes=((2, 3, 4),))
    rec(f"numpy.triu-{k}", lambda x, k=k: fnp.triu(x, k), lambda x, k=k: jnp.triu(x, k))
for shift, axis in [(1, None), (-2, 0), ((1, 2), (0, 1))]:
    rec(
        f"numpy.roll-{_label(shift)}-{_label(axis)}",
        lambda x, s=shift, a=axis: fnp.roll(x, s, a),
        lambda x, s=shift, a=axis: jnp.roll(x, s, a),
    )
rec(
    "numpy.roll-traced-shift",
    lambda x, s: fnp.roll(x, s, 1),
    lambda x, s: jnp.roll(x, s, 1),
    make_args=lambda rng: (rng.normal(size=(3, 4)), rng.integers(-6, 6, size=())),
)
for repeats, axis in [(2, None), (3, 1), (np.array([1, 0, 2]), 0)]:
    rec(
        f"numpy.repeat-{_label(repeats)}-{axis}",
        lambda x, r=repeats, a=axis: fnp.repeat(x, r, a),
        lambda x, r=repeats, a=axis: jnp.repeat(x, r, a),
    )
for reps in ((2, 1), (1, 2, 3)):
    rec(f"numpy.tile-{_label(reps)}", lambda x, r=reps: fnp.tile(x, r), lambda x, r=reps: jnp.tile(x, r))
rec("numpy.kron", fnp.kron, jnp.kron, shapes=((2, 3), (3, 2)))
rec("numpy.kron-mixed-ndim", fnp.kron, jnp.kron, shapes=((3,), (2, 2)))
rec("numpy.flip-axis", lambda x: fnp.flip(x, 1), lambda x: jnp.flip(x, 1))
rec("numpy.diag-1d", lambda v: fnp.diag(v, 1), lambda v: jnp.diag(v, 1), shapes=((3,),))
rec("numpy.diag-1d-below", lambda v: fnp.diag(v, -2), lambda v: jnp.diag(v, -2), shapes=((3,),))
rec("numpy.diag-2d", lambda x: fnp.diag(x, -1), lambda x: jnp.diag(x, -1))
rec("numpy.diagflat", fnp.diagflat, jnp.diagflat, shapes=((2, 2),))
for k in (1, 3):
    rec(
        f"numpy.rot90-{k}",
        lambda x, k=k: fnp.rot90(x, k, (0, 2)),
        lambda x, k=k: jnp.rot90(x, k, (0, 2)),
        shapes=((2, 3, 4),),
    )
rec("numpy.flipud", fnp.flipud, jnp.flipud)
rec("numpy.diff-2", lambda x: fnp.diff(x, 2), lambda x: jnp.diff(x, 2))
rec(
    "numpy.diff-prepend-append",
    lambda x, p: fnp.diff(x, 1, 0, prepend=0.5, append=p),
    lambda x, p: jnp.diff(x, 1, 0, prepend=0.5, append=p),
    shapes=((3, 4), (1, 4)),
)
rec(
    "numpy.put_along_axis",
    lambda x, i, v: fnp.put_along_axis(x, i, v, 1),
    lambda x, i, v: jnp.put_along_axis(x, i, v, 1, inplace=False),
    make_args=lambda rng: (
        rng.normal(size=(3, 4)),
        np.stack([rng.permutation(4)[:2] for _ in range(3)]),
        rng.normal(size=(3, 2)),
    ),
)
