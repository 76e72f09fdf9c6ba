"""Op records for fungrad.random: same bits as jax.random for the same key; vmap over keys vs a loop."""

from __future__ import annotations

import jax
import numpy as np

import fungrad.random as fr
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def keyed(*extra):
    """``make_args``: a raw key from the record's generator, then fixed extra arguments."""
    return lambda rng: (np.asarray(jax.random.PRNGKey(int(rng.integers(1 << 30)))), *extra)


def rec(name, fun, ref, make_args, **kw):
    RECORDS.append(OpRecord(name, fun, ref, (), "real", grad=False, make_args=make_args, **kw))


LOGITS = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]))
rec("random.split", fr.split, jax.random.split, keyed())
rec("random.fold_in", lambda k: fr.fold_in(k, 7), lambda k: jax.random.fold_in(k, 7), keyed())
rec("random.uniform", lambda k: fr.uniform(k, (2, 3)), lambda k: jax.random.uniform(k, (2, 3)), keyed())
rec("random.normal", lambda k: fr.normal(k, (3,)), lambda k: jax.random.normal(k, (3,)), keyed())
rec("random.bernoulli", fr.bernoulli, jax.random.bernoulli, keyed(np.array([0.2, 0.5, 0.9])))
rec("random.categorical", fr.categorical, jax.random.categorical, keyed(LOGITS))
rec("random.permutation", lambda k: fr.permutation(k, 5), lambda k: jax.random.permutation(k, 5), keyed())
