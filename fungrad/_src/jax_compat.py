"""The one place fungrad reaches into JAX's private modules (``jax._src``).

JAX's public API cannot express everything fungrad's lowerings need; each such use is imported here,
once, and nowhere else (``tests/test_imports.py`` checks that no other module mentions ``jax._src``).
Private modules change without notice, so importing this module checks that the installed JAX is in
the range the code below was written against, and fails with a clear message otherwise.

* :func:`convert_element_type`: ``jax.lax.convert_element_type`` always returns a strongly typed
  result, but JAX's promotion needs weakly typed ones too (``1 + 2.0`` is a weak float), so fungrad's
  ``convert_element_type`` primitive lowers to lax's internal converter, which takes ``weak_type``.
"""

from __future__ import annotations

import re

import jax
from jax import lax
from jax import numpy as jnp

SUPPORTED_JAX = ((0, 10, 0), (0, 11, 0))  # [lowest, highest): jax 0.10.x
_version = tuple(int(part) for part in re.findall(r"\d+", jax.__version__)[:3])
if not SUPPORTED_JAX[0] <= _version < SUPPORTED_JAX[1]:
    raise ImportError(
        f"fungrad was written for jax 0.10.x (>= 0.10.0, < 0.11.0) and uses one of its private "
        f"functions (fungrad/_src/jax_compat.py), but jax {jax.__version__} is installed: install "
        "jax==0.10.2 (the version fungrad pins), or port fungrad/_src/jax_compat.py to the new jax"
    )

from jax._src.lax.lax import _convert_element_type  # noqa: E402  (only after the version check)


def convert_element_type(x, new_dtype, weak_type: bool):
    """``x`` cast to ``new_dtype`` with JAX's weak-type flag set to ``weak_type``.

    >>> import numpy as np
    >>> convert_element_type(np.float32(1.0), np.float32, True).weak_type
    True
    """
    if jnp.iscomplexobj(x) and not jnp.issubdtype(new_dtype, jnp.complexfloating):
        # The primitive keeps the real part (as JAX's own convert_element_type primitive does, e.g. in
        # the transpose of a real-to-complex cast); lax's wrapper would warn about it.
        x = lax.real(x)
    return _convert_element_type(x, jnp.dtype(new_dtype), weak_type)


# ---- concrete JAX arrays indexed or updated with fungrad tracers ----------------------------------
# Binary operators already work (`jax_array * tracer`): jax.Array returns NotImplemented for operand
# types it does not know, and Python then calls the tracer's reflected method. Indexing has no such
# deferral: `table[i]` and `zeros.at[i].set(y)` run JAX's own code, which cannot read a fungrad tracer.
# So the two entry points of JAX's concrete array class, ``__getitem__`` and ``.at``, are wrapped: when
# the index (or an update value) holds a fungrad tracer they hand the call to fungrad's indexing, and
# otherwise to JAX's, unchanged (the check is one isinstance per index entry). JAX's own tracers are a
# different class and are untouched.

from jax._src.array import ArrayImpl as _ArrayImpl  # noqa: E402
from jax._src.core import Tracer as _JaxTracer  # noqa: E402

_jax_getitem = _ArrayImpl.__getitem__
_jax_at = _ArrayImpl.at


def defer_indexing_to(is_foreign, getitem, index_update) -> None:
    """Route ``jax_array[idx]`` and ``jax_array.at[idx].<method>(values)`` to fungrad when ``is_foreign``
    holds for the index or an argument (a fungrad tracer); idempotent.

    >>> import fungrad, fungrad.numpy as fnp, jax.numpy as jnp
    >>> table = jnp.array([10.0, 20.0, 30.0])
    >>> fungrad.vmap(lambda i: table[i])(jnp.array([2, 0])).tolist()
    [30.0, 10.0]
    """

    def __getitem__(self, index):
        return getitem(self, index) if is_foreign(index) else _jax_getitem(self, index)

    class _Ref:
        __slots__ = ("array", "index")

        def __init__(self, array, index):
            self.array, self.index = array, index

        def __getattr__(self, method):
            def update(*args, **kwargs):
                foreign = is_foreign(self.index) or is_foreign(args) or is_foreign(tuple(kwargs.values()))
                helper = index_update(self.array) if foreign else _jax_at.fget(self.array)
                return getattr(helper[self.index], method)(*args, **kwargs)

            update.__name__ = method
            return update

    class _At:
        __slots__ = ("array",)

        def __init__(self, array):
            self.array = array

        def __getitem__(self, index):
            return _Ref(self.array, index)

        def __repr__(self):
            return f"_IndexUpdateHelper({self.array!r})"

    _At.__doc__ = _jax_at.__doc__
    _ArrayImpl.__getitem__ = __getitem__
    _ArrayImpl.at = property(_At, doc=_jax_at.__doc__)


# ---- JAX's operators meet fungrad tracers --------------------------------------------------------------
# A fungrad tracer is an instance of jax.Array (as JAX's own tracers are), so JAX's operators accept it as
# an operand, `jax_array * tracer` would run JAX's multiply on it, and that cannot read a fungrad tracer.
# The binary operators of JAX's concrete array class and of JAX's tracer class are wrapped to return
# NotImplemented for a fungrad operand, so Python calls the tracer's reflected method, as it did when
# fungrad tracers were not jax.Arrays (one isinstance per operator call; nothing else changes).

_BINARY_OPERATORS = tuple(
    f"__{prefix}{name}__"
    for name in (
        *("add", "sub", "mul", "truediv", "floordiv", "mod", "divmod", "pow", "matmul"),
        *("and", "or", "xor", "lshift", "rshift"),
    )
    for prefix in ("", "r")
) + ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")


def defer_operators_to(foreign_type) -> None:
    """Make JAX's arrays and tracers return NotImplemented from binary operators when the other operand is
    a ``foreign_type`` (a fungrad tracer), so Python asks that operand instead; idempotent.

    >>> import fungrad, jax.numpy as jnp
    >>> weights = jnp.array([1.0, 2.0])
    >>> fungrad.grad(lambda x: (weights * x).sum())(jnp.ones(2)).tolist()
    [1.0, 2.0]
    """
    for cls in (_ArrayImpl, _JaxTracer):
        for name in _BINARY_OPERATORS:
            jax_method = cls.__dict__.get(name)
            if jax_method is None or getattr(jax_method, "_defers_to", None) is foreign_type:
                continue

            def method(self, other, _jax_method=jax_method):
                if isinstance(other, foreign_type):
                    return NotImplemented
                return _jax_method(self, other)

            method.__name__, method.__doc__, method._defers_to = name, jax_method.__doc__, foreign_type
            setattr(cls, name, method)
