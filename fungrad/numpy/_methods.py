"""Array behaviour of tracers: operators and methods, installed on ``Tracer`` by fungrad.numpy.

Reflected operators (``2.0 * x``, ``np_array @ x``) come here too because jax.Array and NumPy defer
to our ``__r*__`` methods for types they do not know.
"""

from __future__ import annotations

from fungrad._src.core import Tracer
from fungrad.numpy import _lax_numpy as lnp
from fungrad.numpy import _shape_helpers as _shapes
from fungrad.numpy import _sorting_scans as _scans
from fungrad.numpy._indexing import _IndexUpdateHelper, getitem
from fungrad.numpy._indexing import take as _take


def _swap(fn):
    return lambda self, other: fn(other, self)


_operators = {
    "__add__": lnp.add,
    "__sub__": lnp.subtract,
    "__mul__": lnp.multiply,
    "__truediv__": lnp.true_divide,
    "__floordiv__": lnp.floor_divide,
    "__mod__": lnp.remainder,
    "__pow__": lnp.power,
    "__matmul__": lnp.matmul,
    "__and__": lnp.bitwise_and,
    "__or__": lnp.bitwise_or,
    "__xor__": lnp.bitwise_xor,
    "__eq__": lnp.equal,
    "__ne__": lnp.not_equal,
    "__lt__": lnp.less,
    "__le__": lnp.less_equal,
    "__gt__": lnp.greater,
    "__ge__": lnp.greater_equal,
}
_reflected = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor")

_methods = {
    "__neg__": lnp.negative,
    "__pos__": lnp.positive,
    "__abs__": lnp.absolute,
    "__invert__": lnp.invert,
    "__getitem__": getitem,
    "sum": lnp.sum,
    "mean": lnp.mean,
    "var": lnp.var,
    "std": lnp.std,
    "max": lnp.max,
    "min": lnp.min,
    "argmax": lnp.argmax,
    "argmin": lnp.argmin,
    "astype": lnp.astype,
    "ravel": lnp.ravel,
    "flatten": lnp.ravel,
    "squeeze": lnp.squeeze,
    "transpose": lambda self, *axes: lnp.transpose(self, axes[0] if len(axes) == 1 else (axes or None)),
    "swapaxes": lnp.swapaxes,
    "dot": lnp.dot,
    "clip": lnp.clip,
    "round": lnp.round,
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
}


def _reshape(self, *shape, order="C"):
    return lnp.reshape(self, shape[0] if len(shape) == 1 else shape, order)


def install() -> None:
    for name, fn in {**_operators, **_methods}.items():
        setattr(Tracer, name, fn)
    for name in _reflected:
        setattr(Tracer, f"__r{name}__", _swap(_operators[f"__{name}__"]))
    Tracer.reshape = _reshape
    Tracer.T = property(lambda self: lnp.transpose(self))
    Tracer.mT = property(lambda self: lnp.swapaxes(self, -1, -2))
    Tracer.__hash__ = None  # __eq__ is elementwise, as for arrays
    Tracer.at = property(_IndexUpdateHelper)
    Tracer.__setitem__ = _setitem


def _setitem(self, index, value):
    raise TypeError(
        "fungrad arrays are immutable: `x[idx] = y` is not supported inside transformations; "
        "use `x = x.at[idx].set(y)` (or .add, .multiply, .min, .max) instead"
    )
