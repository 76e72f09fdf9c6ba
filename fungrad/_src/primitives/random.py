"""Random-number primitives, lowered to ``jax.random`` on raw ``uint32[2]`` keys.

Keys are ordinary integer arrays, so they flow through every trace like any other value; being
integers, their tangents are ``float0`` zeros and no derivative ever reaches a key. Each primitive
produces exactly ``jax.random``'s bits for the same key.

Batching: ``jax.random`` samplers take one key, so a batched key cannot simply be passed through.
Every primitive has a static ``batched`` flag; its batching rule moves the vmap axis of every
operand to the front and binds with ``batched=True``, whose lowering runs the sampler once per key
with ``jax.lax.map`` (a lowered loop, not a transformation). Nested vmaps flatten their axes into
that one leading axis.
"""

from __future__ import annotations

import jax
import numpy as np
from jax import lax

from fungrad._src import batching
from fungrad._src.ad import defjvp_zero
from fungrad._src.core import Primitive, bind, def_lowering, get_aval
from fungrad._src.primitives import layout


def _random_primitive(name: str, sample, multiple_results: bool = False) -> Primitive:
    """A primitive ``sample(key, *operands, **params)`` with the per-key-map batching described above."""
    prim = Primitive(name, multiple_results)

    def lower(*args, batched: bool, **params):
        if not batched:
            return sample(*args, **params)
        return lax.map(lambda xs: sample(*xs, **params), args)

    def batch_rule(args, dims, *, batched: bool, **params):
        args = layout.all_to_front(args, dims)
        size = get_aval(args[0]).shape[0]
        if not batched:
            return bind(prim, *args, batched=True, **params), 0
        # Already per-key: fold the new axis into the existing leading one, then unfold the result.
        inner = get_aval(args[0]).shape[1]
        flat = [layout.reshape(a, (size * inner, *get_aval(a).shape[2:])) for a in args]
        out = bind(prim, *flat, batched=True, **params)
        return layout.reshape(out, (size, inner, *get_aval(out).shape[1:])), 0

    def_lowering(prim, lower)
    defjvp_zero(prim)
    batching.def_batching(prim, batch_rule)
    return prim


def _float_dtype(dtype):
    return np.dtype(jax.dtypes.canonicalize_dtype(float if dtype is None else dtype))


def _shape(shape) -> tuple[int, ...]:
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)


random_seed_p = _random_primitive("random_seed", lambda seed: jax.random.PRNGKey(seed))
random_split_p = _random_primitive("random_split", lambda key, *, shape: jax.random.split(key, shape))
random_fold_in_p = _random_primitive("random_fold_in", lambda key, data: jax.random.fold_in(key, data))
random_bits_p = _random_primitive("random_bits", lambda key, *, shape, dtype: jax.random.bits(key, shape, dtype))
uniform_p = _random_primitive("random_uniform", lambda key, *, shape, dtype: jax.random.uniform(key, shape, dtype))
normal_p = _random_primitive("random_normal", lambda key, *, shape, dtype: jax.random.normal(key, shape, dtype))
bernoulli_p = _random_primitive("random_bernoulli", lambda key, p, *, shape: jax.random.bernoulli(key, p, shape))
categorical_p = _random_primitive(
    "random_categorical",
    lambda key, logits, *, axis, shape: jax.random.categorical(key, logits, axis, shape),
)
permutation_p = _random_primitive("random_permutation", lambda key, *, n: jax.random.permutation(key, n))
randint_p = _random_primitive(
    "random_randint",
    lambda key, minval, maxval, *, shape, dtype: jax.random.randint(key, shape, minval, maxval, dtype),
)
truncated_normal_p = _random_primitive(
    "random_truncated_normal",
    lambda key, lower, upper, *, shape, dtype: jax.random.truncated_normal(key, lower, upper, shape, dtype),
)


def seed(s):
    return bind(random_seed_p, s, batched=False)


def split(key, shape):
    return bind(random_split_p, key, shape=_shape(shape), batched=False)


def fold_in(key, data):
    return bind(random_fold_in_p, key, data, batched=False)


def bits(key, shape, dtype):
    return bind(random_bits_p, key, shape=_shape(shape), dtype=np.dtype(dtype), batched=False)


def uniform01(key, shape, dtype):
    return bind(uniform_p, key, shape=_shape(shape), dtype=_float_dtype(dtype), batched=False)


def normal(key, shape, dtype):
    return bind(normal_p, key, shape=_shape(shape), dtype=_float_dtype(dtype), batched=False)


def bernoulli(key, p, shape):
    return bind(bernoulli_p, key, p, shape=_shape(shape), batched=False)


def categorical(key, logits, axis: int, shape):
    return bind(
        categorical_p, key, logits, axis=int(axis), shape=None if shape is None else _shape(shape), batched=False
    )


def permutation_indices(key, n: int):
    return bind(permutation_p, key, n=int(n), batched=False)


def randint(key, minval, maxval, shape, dtype):
    return bind(randint_p, key, minval, maxval, shape=_shape(shape), dtype=np.dtype(dtype), batched=False)


def truncated_normal(key, lower, upper, shape, dtype):
    return bind(truncated_normal_p, key, lower, upper, shape=_shape(shape), dtype=_float_dtype(dtype), batched=False)
