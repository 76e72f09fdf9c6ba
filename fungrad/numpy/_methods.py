"""Array behaviour of tracers: operators and methods, installed on ``Tracer`` by fungrad.numpy.

Reflected operators (``2.0 * x``, ``np_array @ x``) come here too because jax.Array and NumPy defer
to our ``__r*__`` methods for types they do not know.
"""

from __future__ import annotations

import builtins

from fungrad._src import jax_compat
from fungrad._src.core import Tracer
from fungrad.numpy import _complex as _cplx
from fungrad.numpy import _searching, _statistics
from fungrad.numpy import _shape_helpers as _shapes
from fungrad.numpy import _sorting_scans as _scans
from fungrad.numpy._conversion import astype
from fungrad.numpy._elementwise import (
    absolute,
    add,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    clip,
    equal,
    floor_divide,
    greater,
    greater_equal,
    invert,
    less,
    less_equal,
    multiply,
    negative,
    not_equal,
    positive,
    power,
    remainder,
    round,
    subtract,
    true_divide,
)
from fungrad.numpy._float_math import divmod, left_shift, right_shift
from fungrad.numpy._indexing import _IndexUpdateHelper, getitem
from fungrad.numpy._indexing import take as _take
from fungrad.numpy._manipulation import ravel, reshape, squeeze, swapaxes, transpose
from fungrad.numpy._products import dot, matmul
from fungrad.numpy._reductions import argmax, argmin, max, mean, min, std, sum, var


def _swap(fn):
    return lambda self, other: fn(other, self)


_operators = {
    "__add__": add,
    "__sub__": subtract,
    "__mul__": multiply,
    "__truediv__": true_divide,
    "__floordiv__": floor_divide,
    "__mod__": remainder,
    "__pow__": power,
    "__matmul__": matmul,
    "__and__": bitwise_and,
    "__or__": bitwise_or,
    "__xor__": bitwise_xor,
    "__lshift__": left_shift,
    "__rshift__": right_shift,
    "__divmod__": divmod,
    "__eq__": equal,
    "__ne__": not_equal,
    "__lt__": less,
    "__le__": less_equal,
    "__gt__": greater,
    "__ge__": greater_equal,
}
_reflected = (
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "mod",
    "pow",
    "matmul",
    "and",
    "or",
    "xor",
    "lshift",
    "rshift",
)
_reflected += ("divmod",)

_methods = {
    "__neg__": negative,
    "__pos__": positive,
    "__abs__": absolute,
    "__invert__": invert,
    "__getitem__": getitem,
    "sum": sum,
    "mean": mean,
    "var": var,
    "std": std,
    "max": max,
    "min": min,
    "argmax": argmax,
    "argmin": argmin,
    "astype": astype,
    "ravel": ravel,
    "flatten": ravel,
    "squeeze": squeeze,
    "transpose": lambda self, *axes: transpose(self, axes[0] if len(axes) == 1 else (axes or None)),
    "swapaxes": swapaxes,
    "dot": dot,
    "clip": clip,
    "round": round,
    "prod": _scans.prod,
    "cumsum": _scans.cumsum,
    "cumprod": _scans.cumprod,
    "any": _scans.any,
    "all": _scans.all,
    "sort": _scans.sort,
    "argsort": _scans.argsort,
    "take": _take,
    "diagonal": _shapes.diagonal,
    "trace": _shapes.trace,
    "repeat": _shapes.repeat,
    "conj": _cplx.conjugate,
    "conjugate": _cplx.conjugate,
    "nonzero": _searching.nonzero,
    "searchsorted": _searching.searchsorted,
    "ptp": _statistics.ptp,
    "__round__": lambda self, ndigits=None: round(self, ndigits or 0),
    "__contains__": lambda self, value: bool(_scans.any(equal(self, value))),
    # Arrays are immutable values: a copy is the array itself (as jax.Array.__copy__ returns a new
    # reference to the same immutable buffer), and it stays a tracer of the same transformation.
    "__copy__": lambda self: self,
    "__deepcopy__": lambda self, memo: self,
    "copy": lambda self: self,
    "argpartition": lambda self, kth, axis=-1: _scans.argpartition(self, kth, axis),
}

_properties = {
    "real": _cplx.real,
    "imag": _cplx.imag,
    "itemsize": lambda self: self.dtype.itemsize,
    "nbytes": lambda self: self.size * self.dtype.itemsize,
    "flat": lambda self: _no_flat(),
}

for _name in ("device", "sharding", "addressable_shards", "global_shards", "committed"):
    _properties[_name] = lambda self, _name=_name: _no_placement(self, _name)


def _no_flat():
    raise AttributeError("fungrad arrays, like JAX arrays, do not implement `.flat`: use `.flatten()` or `.ravel()`")


def _no_placement(tracer, name):
    # AttributeError (not TypeError): code that probes `getattr(x, "sharding", None)`, as JAX's own
    # abstractification does, must see a missing attribute and carry on to its own clear error.
    raise AttributeError(
        f"`.{name}` of a traced value {tracer.aval.str_short()} is not available inside a transformation: "
        "placement belongs to concrete arrays; read it outside the transformed function"
    )


def _reshape(self, *shape, order="C"):
    return reshape(self, shape[0] if len(shape) == 1 else shape, order)


def install() -> None:
    for name, fn in {**_operators, **_methods}.items():
        setattr(Tracer, name, fn)
    for name in _reflected:
        setattr(Tracer, f"__r{name}__", _swap(_operators[f"__{name}__"]))
    for name, fn in _properties.items():
        setattr(Tracer, name, property(fn))
    Tracer.reshape = _reshape
    Tracer.T = property(lambda self: transpose(self))
    Tracer.mT = property(lambda self: swapaxes(self, -1, -2))
    Tracer.__hash__ = None  # __eq__ is elementwise, as for arrays
    Tracer.at = property(_IndexUpdateHelper)
    Tracer.__setitem__ = _setitem
    jax_compat.defer_indexing_to(_holds_tracer, getitem, _IndexUpdateHelper)
    jax_compat.defer_operators_to(Tracer)


def install_late(choose, compress) -> None:
    """Methods whose functions live in modules that import this one's dependents (installed last)."""
    Tracer.choose = lambda self, choices, mode="raise": choose(self, choices, mode=mode)
    Tracer.compress = lambda self, condition, axis=None, **kw: compress(condition, self, axis, **kw)


def _holds_tracer(entry) -> bool:
    """Whether an index (or a tuple of update arguments) contains a fungrad tracer."""
    if isinstance(entry, Tracer):
        return True
    return type(entry) in (tuple, list) and builtins.any(_holds_tracer(e) for e in entry)


def _setitem(self, index, value):
    raise TypeError(
        "fungrad arrays are immutable: `x[idx] = y` is not supported inside transformations; "
        "use `x = x.at[idx].set(y)` (or .add, .multiply, .min, .max) instead"
    )
