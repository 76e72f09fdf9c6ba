"""``fungrad.random``: explicit-key pseudo-random numbers, bit-identical to ``jax.random``.

Keys are raw ``uint32[2]`` arrays (``jax.random.PRNGKey`` style, threefry), so a key is an ordinary
array: pass it into ``grad``/``vmap``/``jit``-transformed functions like any other argument. Keys
are never differentiated (their tangents are ``float0`` zeros). ``vmap`` over a batch of keys
draws independently per key, exactly like stacking per-key calls.

>>> import fungrad.random as fr
>>> key = fr.PRNGKey(0)
>>> k1, k2 = fr.split(key)
>>> fr.normal(k1, (2,)).shape
(2,)
"""

from __future__ import annotations

import jax as _jax
import numpy as _np

from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import Tracer as _Tracer
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.primitives import random as _r
from fungrad.numpy._conversion import _to_inexact, asarray, broadcast_shapes
from fungrad.numpy._elementwise import add, maximum, multiply, subtract
from fungrad.numpy._indexing import take

__all__ = [
    "PRNGKey",
    "bernoulli",
    "categorical",
    "fold_in",
    "key",
    "normal",
    "permutation",
    "randint",
    "split",
    "truncated_normal",
    "uniform",
]


def PRNGKey(seed) -> _jax.Array:  # noqa: N802 - JAX's name
    """A raw ``uint32[2]`` key from an integer seed.

    >>> import fungrad.random as fr
    >>> fr.PRNGKey(42).tolist()
    [0, 42]
    """
    if isinstance(seed, _Tracer):
        return _r.seed(seed)
    return _jax.random.PRNGKey(seed)


def key(seed) -> _jax.Array:
    """Like :func:`PRNGKey`: fungrad keys are raw ``uint32[2]`` arrays, not JAX's typed keys.

    >>> import fungrad.random as fr
    >>> fr.key(3).tolist()
    [0, 3]
    """
    return PRNGKey(seed)


def _check_key(name: str, k):
    aval = _get_aval(k)
    if aval.dtype != _np.uint32 or aval.shape[-1:] != (2,):
        raise _FungradTypeError(
            f"random.{name}: expected a raw uint32[2] key (from fungrad.random.PRNGKey), got {aval.str_short()}; "
            "JAX typed keys (jax.random.key) can be converted with jax.random.key_data"
        )
    if aval.shape != (2,):
        raise _FungradTypeError(
            f"random.{name}: expected a single key of shape (2,), got {aval.shape}; to draw per key, use "
            "fungrad.vmap over the keys"
        )


def split(key, num: int | tuple[int, ...] = 2):
    """``num`` new keys (shape ``(num, 2)``) derived from ``key``.

    >>> import fungrad.random as fr
    >>> fr.split(fr.PRNGKey(0), 3).shape
    (3, 2)
    """
    _check_key("split", key)
    return _r.split(key, num)


def fold_in(key, data):
    """A new key from ``key`` and an integer ``data``.

    >>> import fungrad.random as fr
    >>> k = fr.PRNGKey(0)
    >>> fr.fold_in(k, 1).tolist() == fr.fold_in(k, 2).tolist()
    False
    """
    _check_key("fold_in", key)
    return _r.fold_in(key, asarray(data, _np.uint32))


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform samples in ``[minval, maxval)`` (differentiable in the bounds).

    >>> import fungrad.random as fr
    >>> bool((fr.uniform(fr.PRNGKey(0), (3,)) < 1.0).all())
    True
    """
    _check_key("uniform", key)
    dtype = _r._float_dtype(dtype)
    u = _r.uniform01(key, shape, dtype)
    minval, maxval = asarray(minval, dtype), asarray(maxval, dtype)
    # the same arithmetic as jax.random.uniform, so the values agree bit for bit
    return maximum(minval, add(multiply(u, subtract(maxval, minval)), minval))


def normal(key, shape=(), dtype=None):
    """Standard normal samples.

    >>> import fungrad.random as fr
    >>> x = fr.normal(fr.PRNGKey(0), (2, 3), dtype="float32")
    >>> x.shape, str(x.dtype)
    ((2, 3), 'float32')
    """
    _check_key("normal", key)
    return _r.normal(key, shape, dtype)


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Standard normal samples truncated to ``[lower, upper]``.

    >>> import fungrad.random as fr
    >>> x = fr.truncated_normal(fr.PRNGKey(0), -1.0, 1.0, (100,))
    >>> bool((x >= -1.0).all() and (x <= 1.0).all())
    True
    """
    _check_key("truncated_normal", key)
    dtype = _r._float_dtype(dtype)
    lower, upper = asarray(lower, dtype), asarray(upper, dtype)
    if shape is None:
        shape = broadcast_shapes(_get_aval(lower).shape, _get_aval(upper).shape)
    return _r.truncated_normal(key, lower, upper, shape, dtype)


def bernoulli(key, p=0.5, shape=None):
    """Booleans that are True with probability ``p``.

    >>> import fungrad.random as fr
    >>> fr.bernoulli(fr.PRNGKey(0), 1.0, (3,)).tolist()
    [True, True, True]
    """
    _check_key("bernoulli", key)
    p = _to_inexact(p)
    return _r.bernoulli(key, p, _get_aval(p).shape if shape is None else shape)


def categorical(key, logits, axis: int = -1, shape=None):
    """Samples of category indices with probabilities ``softmax(logits, axis)``.

    >>> import fungrad.random as fr
    >>> import fungrad.numpy as fnp
    >>> fr.categorical(fr.PRNGKey(0), fnp.array([-1e9, 0.0, -1e9]), shape=(4,)).tolist()
    [1, 1, 1, 1]
    """
    _check_key("categorical", key)
    logits = _to_inexact(logits)
    return _r.categorical(key, logits, axis % _get_aval(logits).ndim, shape)


def randint(key, shape, minval, maxval, dtype=None):
    """Integers uniformly in ``[minval, maxval)``.

    >>> import fungrad.random as fr
    >>> x = fr.randint(fr.PRNGKey(0), (100,), 3, 5)
    >>> sorted(set(x.tolist()))
    [3, 4]
    """
    _check_key("randint", key)
    dtype = _np.dtype(_jax.dtypes.canonicalize_dtype(int if dtype is None else dtype))
    return _r.randint(key, asarray(minval), asarray(maxval), shape, dtype)


def permutation(key, x, axis: int = 0):
    """A random permutation of ``range(x)`` (an int) or of ``x``'s entries along ``axis``.

    Differentiable in ``x`` (it is a gather of ``x``).

    >>> import fungrad.random as fr
    >>> sorted(fr.permutation(fr.PRNGKey(0), 4).tolist())
    [0, 1, 2, 3]
    """
    _check_key("permutation", key)
    if not isinstance(x, _Tracer) and _np.ndim(x) == 0:
        return _r.permutation_indices(key, int(x))
    x = asarray(x)
    n = _get_aval(x).shape[axis]
    indices = _r.permutation_indices(key, n)
    return take(x, indices, axis=axis)
