"""Records for the scale-out family that needs no mesh: with_sharding_constraint on a 1-device mesh.

The collectives and shard_map need named axes and several devices: they are checked against JAX in
tests/test_sharding.py (8 devices in a subprocess, and vmap(axis_name=)).
"""

from __future__ import annotations

import jax
import jax.lax as jlax
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

import fungrad.lax as flax
from tests.op_record import OpRecord

_MESH = Mesh(np.array(jax.devices()[:1]), ("x",))
_ROWS = NamedSharding(_MESH, P("x"))
_REPL = NamedSharding(_MESH, P())

RECORDS = [
    OpRecord(
        "lax.with_sharding_constraint-rows",
        lambda a: flax.with_sharding_constraint(a * a, _ROWS),
        lambda a: jlax.with_sharding_constraint(a * a, _ROWS),
        ((4, 3),),
    ),
    OpRecord(
        "lax.with_sharding_constraint-pytree",
        lambda a, b: flax.with_sharding_constraint((a, b), (_ROWS, _REPL))[0] + b.sum(),
        lambda a, b: jlax.with_sharding_constraint((a, b), (_ROWS, _REPL))[0] + b.sum(),
        ((2, 3), (3,)),
    ),
]
