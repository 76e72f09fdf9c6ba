"""NumPy-style universal functions: :class:`ufunc` objects and :func:`frompyfunc`, as in ``jax.numpy``.

``fnp.add``, ``fnp.multiply``, ``fnp.maximum`` and the other binary elementwise functions that
``jax.numpy`` exposes as ufuncs are :class:`ufunc` objects here too, so ``fnp.add.at``,
``fnp.multiply.outer``, ``fnp.logaddexp.reduce`` or ``fnp.maximum.accumulate`` run unchanged.

Each method has a general form built from the ufunc's own call and fungrad's ``scan`` (so it is
differentiable, batchable and jittable for any function, including one made by ``frompyfunc``), and the
builtin ufuncs swap in a direct form where one exists: ``add.reduce`` is ``sum``, ``add.at`` a
scatter-add, ``multiply.accumulate`` ``cumprod``. The general forms apply the function in index order,
so a non-associative ufunc (``subtract.reduce``) gives NumPy's left fold.
"""

from __future__ import annotations

import inspect
import operator

import numpy as np

from fungrad._src.control_flow.scan import scan
from fungrad._src.core import FungradTypeError, ShapedArray, get_aval
from fungrad._src.staging import trace_to_ir
from fungrad.numpy import _conversion as _conv
from fungrad.numpy import _creation as _cre
from fungrad.numpy import _elementwise as _el
from fungrad.numpy import _float_math as _fm
from fungrad.numpy import _indexing as _ix
from fungrad.numpy import _manipulation as _man
from fungrad.numpy import _reductions as _red
from fungrad.numpy import _sorting_scans as _ss
from fungrad.numpy._vectorize import vectorize

__all__ = [
    "add",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "frompyfunc",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "subtract",
    "ufunc",
]

_AT_INPLACE_HINT = (
    "fungrad arrays are immutable, so ufunc.at cannot update `a` in place: pass inplace=False and use the "
    "returned array, e.g. `a = fnp.add.at(a, idx, b, inplace=False)`"
)


class ufunc:
    """A universal function: elementwise call plus ``reduce``, ``accumulate``, ``at``, ``reduceat``, ``outer``.

    Built like ``jax.numpy.ufunc``: ``func`` is the elementwise function; ``call``, ``reduce``,
    ``accumulate``, ``at`` and ``reduceat`` optionally replace the general forms with direct ones.
    Most code uses the predefined ufuncs (``fnp.add``, ``fnp.maximum``, ...) or :func:`frompyfunc`.

    >>> import fungrad.numpy as fnp
    >>> x = fnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> fnp.add.reduce(x).tolist(), fnp.multiply.accumulate(x, axis=1).tolist()
    ([5.0, 7.0, 9.0], [[1.0, 2.0, 6.0], [4.0, 20.0, 120.0]])
    >>> fnp.add.at(fnp.zeros(3), fnp.array([0, 0, 2]), 1.0, inplace=False).tolist()
    [2.0, 0.0, 1.0]
    >>> fnp.subtract.outer(fnp.arange(3), fnp.arange(2)).tolist()
    [[0, -1], [1, 0], [2, 1]]
    """

    def __init__(
        self,
        func,
        /,
        nin: int,
        nout: int,
        *,
        name: str | None = None,
        nargs: int | None = None,
        identity=None,
        call=None,
        reduce=None,
        accumulate=None,
        at=None,
        reduceat=None,
    ):
        self._func = func
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self.__doc__ = getattr(func, "__doc__", None)
        # Read-only attributes (as in NumPy): a ufunc is hashable and may be a static argument of jit.
        self._props = (operator.index(nin), operator.index(nout), operator.index(nargs or nin), identity)
        self._call = call or vectorize(func)
        self._direct = {"reduce": reduce, "accumulate": accumulate, "at": at, "reduceat": reduceat}
        try:
            params = list(inspect.signature(func).parameters.values())
        except (TypeError, ValueError):
            params = [inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL)]
        keyword = inspect.Parameter.KEYWORD_ONLY
        try:  # the call's signature as `inspect` shows it: func's arguments, then out= and where=
            self.__signature__ = inspect.Signature(
                [p.replace(kind=inspect.Parameter.POSITIONAL_ONLY) if p.kind <= 1 else p for p in params]
                + [inspect.Parameter("out", keyword, default=None), inspect.Parameter("where", keyword, default=None)]
            )
        except ValueError:  # func takes **kwargs: keep its own signature
            pass

    nin = property(lambda self: self._props[0])
    nout = property(lambda self: self._props[1])
    nargs = property(lambda self: self._props[2])
    identity = property(lambda self: self._props[3])

    def _key(self):
        return (self._func, self.__name__, *self._props)

    def __hash__(self):
        return hash(self._key())

    def __eq__(self, other):
        return isinstance(other, ufunc) and self._key() == other._key()

    def __repr__(self):
        return f"<fnp.ufunc '{self.__name__}'>"

    def __call__(self, *args, out=None, where=None):
        if out is not None:
            raise NotImplementedError(
                f"fnp.{self.__name__}: the 'out' argument is not supported (arrays are immutable)"
            )
        if where is not None:
            raise NotImplementedError(
                f"fnp.{self.__name__}: the 'where' argument is not supported; use fnp.where(mask, result, other)"
            )
        if len(args) != self.nin:
            raise TypeError(f"fnp.{self.__name__} takes {self.nin} positional argument(s), got {len(args)}")
        return self._call(*args)

    # ---- helpers -------------------------------------------------------------------------------------

    def _binary(self, method: str):
        if self.nin != 2 or self.nout != 1:
            raise ValueError(
                f"fnp.{self.__name__}.{method}: only for binary ufuncs with one output "
                f"(this one takes {self.nin} input(s) and gives {self.nout} output(s))"
            )

    def _result_dtype(self, dtype):
        """The dtype ``func`` gives for two elements of ``dtype``, found by tracing it (no compute)."""
        scalar = ShapedArray((), dtype)
        _, outs = trace_to_ir(lambda a, b: [self._call(a, b)], [scalar, scalar], name=f"{self.__name__}.dtype")
        return get_aval(outs[0]).dtype

    def _fold(self, arr, init, mask):
        """The left fold of ``self`` over axis 0 of ``arr`` from ``init``; ``mask[i]`` false skips row ``i``."""

        def step(carry, row):
            x, keep = row
            new = self._call(carry, x)
            return (new if keep is None else _el.where(keep, new, carry)), None

        if mask is None:
            return scan(lambda c, x: step(c, (x, None)), init, arr)[0]
        return scan(step, init, (arr, mask))[0]

    # ---- reduce --------------------------------------------------------------------------------------

    def reduce(self, a, axis=0, dtype=None, out=None, keepdims: bool = False, initial=None, where=None):
        """The reduction of ``a`` along ``axis`` (an int, a tuple or None) by the binary function.

        ``initial`` starts the reduction; ``where`` (bool, broadcast to ``a``) leaves elements out,
        which needs ``initial`` or an identity.

        >>> import fungrad.numpy as fnp
        >>> fnp.maximum.reduce(fnp.array([[1.0, 5.0], [4.0, 2.0]]), axis=1).tolist()
        [5.0, 4.0]
        >>> fnp.bitwise_or.reduce(fnp.array([1, 2, 8])).tolist()
        11
        """
        self._binary("reduce")
        if out is not None:
            raise NotImplementedError(f"fnp.{self.__name__}.reduce: the 'out' argument is not supported")
        arr = _conv.asarray(a)
        if where is not None:
            where = _conv.asarray(where)
            if get_aval(where).dtype != np.bool_:
                raise FungradTypeError(
                    f"fnp.{self.__name__}.reduce: `where` must be a bool mask, got dtype {get_aval(where).dtype}"
                )
            if self.identity is None and initial is None:
                raise ValueError(
                    f"fnp.{self.__name__}.reduce: {self.__name__} has no identity, so a `where` mask needs "
                    "`initial=` (the value masked-out elements leave behind)"
                )
            where = _conv.broadcast_to(where, get_aval(arr).shape)
        ndim = get_aval(arr).ndim
        axes = tuple(range(ndim)) if axis is None else axis if isinstance(axis, tuple) else (axis,)
        axes = tuple(sorted(_conv._canonical_axes(axes, ndim)))
        direct = self._direct["reduce"]
        if direct is not None:
            return direct(arr, axes, dtype, keepdims, initial, where)
        dtype = np.dtype(dtype) if dtype is not None else self._result_dtype(get_aval(arr).dtype)
        kept = [d for d in range(ndim) if d not in axes]
        out_shape = tuple(1 if d in axes else n for d, n in enumerate(get_aval(arr).shape)) if keepdims else None
        # the reduced axes first, merged into one, so the fold runs over axis 0
        kept_shape = tuple(get_aval(arr).shape[d] for d in kept)
        rows = _man.reshape(_man.transpose(arr, (*axes, *kept)), (-1, *kept_shape)).astype(dtype)
        mask = None if where is None else _man.reshape(_man.transpose(where, (*axes, *kept)), (-1, *kept_shape))
        n = get_aval(rows).shape[0]
        # a mask needs a start value (checked above); an empty reduction starts from the identity
        start = initial if initial is not None else self.identity if (mask is not None or n == 0) else None
        if start is None and n == 0:
            raise ValueError(
                f"fnp.{self.__name__}.reduce: zero-size reduction and {self.__name__} has no identity: pass `initial=`"
            )
        if start is None:
            result = self._fold(rows[1:], rows[0], None)
        else:
            init = _conv.broadcast_to(_conv.asarray(start).astype(dtype), get_aval(rows).shape[1:])
            result = self._fold(rows, init, mask) if n else init
        return _man.reshape(result, out_shape) if keepdims else result

    # ---- accumulate ----------------------------------------------------------------------------------

    def accumulate(self, a, axis: int = 0, dtype=None, out=None):
        """The running reduction of ``a`` along ``axis``: ``out[i] = func(out[i - 1], a[i])``.

        >>> import fungrad.numpy as fnp
        >>> fnp.maximum.accumulate(fnp.array([1.0, 3.0, 2.0, 5.0])).tolist()
        [1.0, 3.0, 3.0, 5.0]
        """
        self._binary("accumulate")
        if out is not None:
            raise NotImplementedError(f"fnp.{self.__name__}.accumulate: the 'out' argument is not supported")
        if axis is None or isinstance(axis, tuple):
            raise ValueError(f"fnp.{self.__name__}.accumulate: needs one integer axis, got {axis!r}")
        arr = _conv.asarray(a)
        axis = _conv._canonical_axes((axis,), get_aval(arr).ndim)[0]
        direct = self._direct["accumulate"]
        if direct is not None:
            return direct(arr, axis=axis, dtype=dtype)
        dtype = np.dtype(dtype) if dtype is not None else self._result_dtype(get_aval(arr).dtype)
        rows = _man.moveaxis(arr, axis, 0).astype(dtype)
        if get_aval(rows).shape[0] == 0:
            return _cre.zeros(get_aval(arr).shape, dtype)

        def step(carry, x):
            new = self._call(carry, x)
            return new, new

        rest = scan(step, rows[0], rows[1:])[1]
        return _man.moveaxis(_man.concatenate([rows[:1], rest], axis=0), 0, axis)

    # ---- at ------------------------------------------------------------------------------------------

    def at(self, a, indices, b=None, /, *, inplace: bool = True):
        """A copy of ``a`` with ``func`` applied at ``indices`` (with ``b`` for a binary ufunc).

        Repeated indices apply the function once per occurrence, in order, as ``numpy.ufunc.at`` does.
        Arrays are immutable, so ``inplace=False`` is required.

        >>> import fungrad.numpy as fnp
        >>> fnp.maximum.at(fnp.zeros(3), fnp.array([1, 1]), fnp.array([2.0, 5.0]), inplace=False).tolist()
        [0.0, 5.0, 0.0]
        """
        if inplace:
            raise NotImplementedError(f"fnp.{self.__name__}.at: {_AT_INPLACE_HINT}")
        if self.nout != 1 or self.nin not in (1, 2) or (b is None) != (self.nin == 1):
            raise ValueError(
                f"fnp.{self.__name__}.at: takes `b` exactly for a binary ufunc (nin={self.nin}, nout={self.nout})"
            )
        arr = _conv.asarray(a)
        direct = self._direct["at"]
        if direct is not None:
            return direct(arr, indices, b)
        index = indices if isinstance(indices, tuple) else (indices,)
        arrays = [i for i in index if not isinstance(i, slice) and i is not None and i is not Ellipsis]
        shapes = [get_aval(_conv.asarray(i)).shape for i in arrays]
        batch = _conv.broadcast_shapes(*shapes) if shapes else ()
        extra = () if b is None else (b,)
        if not batch:  # one location (or a block of slices): a single update
            return _ix.at(arr)[indices].set(self._call(_ix.at(arr)[indices].get(), *extra))
        count = int(np.prod(batch))
        flat = [
            i
            if isinstance(i, slice) or i is None or i is Ellipsis
            else _man.reshape(_conv.broadcast_to(_conv.asarray(i), batch), (count,))
            for i in index
        ]
        if b is not None:
            b = _conv.asarray(b)
            core = get_aval(b).shape[len(batch) :] if get_aval(b).ndim > len(batch) else ()
            b = _man.reshape(_conv.broadcast_to(b, (*batch, *core)), (count, *core))
        positions = [k for k, i in enumerate(flat) if not (isinstance(i, slice) or i is None or i is Ellipsis)]

        def step(carry, xs):
            at_index = list(flat)
            for k, v in zip(positions, xs[0]):
                at_index[k] = v
            at_index = tuple(at_index)
            update = self._call(_ix.at(carry)[at_index].get(), *xs[1:])
            return _ix.at(carry)[at_index].set(update), None

        xs = ([flat[k] for k in positions], *(() if b is None else (b,)))
        return scan(step, arr, xs)[0]

    # ---- reduceat ------------------------------------------------------------------------------------

    def reduceat(self, a, indices, axis: int = 0, dtype=None, out=None):
        """Reductions of ``a`` over the slices ``indices[i]:indices[i + 1]`` along ``axis``.

        As in NumPy, where ``indices[i] >= indices[i + 1]`` the result is ``a[indices[i]]``, and the last
        slice runs to the end.

        >>> import fungrad.numpy as fnp
        >>> fnp.add.reduceat(fnp.arange(8.0), fnp.array([0, 4, 1, 5])).tolist()
        [6.0, 4.0, 10.0, 18.0]
        """
        self._binary("reduceat")
        if out is not None:
            raise NotImplementedError(f"fnp.{self.__name__}.reduceat: the 'out' argument is not supported")
        if axis is None or isinstance(axis, (tuple, list)):
            raise ValueError(f"fnp.{self.__name__}.reduceat: needs one integer axis, got {axis!r}")
        arr = _conv.asarray(a)
        idx = _conv.asarray(indices)
        if get_aval(arr).ndim == 0 or get_aval(idx).ndim != 1:
            raise ValueError(
                f"fnp.{self.__name__}.reduceat: needs an array with at least one axis and 1-d indices, "
                f"got shapes {get_aval(arr).shape} and {get_aval(idx).shape}"
            )
        direct = self._direct["reduceat"]
        if direct is not None:
            return direct(arr, idx, axis=axis, dtype=dtype)
        axis = _conv._canonical_axes((axis,), get_aval(arr).ndim)[0]
        rows = _man.moveaxis(arr, axis, 0)
        if dtype is not None:
            rows = rows.astype(dtype)
        n = get_aval(rows).shape[0]
        first = _ix.take(rows, idx, axis=0)
        ends = _man.concatenate([idx[1:], _conv.asarray([n], get_aval(idx).dtype)])
        bcast = (-1,) + (1,) * (get_aval(rows).ndim - 1)
        starts, ends = _man.reshape(idx, bcast), _man.reshape(ends, bcast)

        def step(carry, xs):
            i, row = xs
            inside = _el.logical_and(_el.greater(i, starts), _el.less(i, ends))
            return _el.where(inside, self._call(carry, row[None]), carry), None

        result = scan(step, first, (_cre.arange(n), rows))[0]
        return _man.moveaxis(result, 0, axis)

    # ---- outer ---------------------------------------------------------------------------------------

    def outer(self, A, B, /):
        """``func(A[i, j, ...], B[k, l, ...])`` for every pair: the result has shape ``A.shape + B.shape``.

        >>> import fungrad.numpy as fnp
        >>> fnp.multiply.outer(fnp.array([1, 2]), fnp.array([1, 10, 100])).tolist()
        [[1, 10, 100], [2, 20, 200]]
        """
        self._binary("outer")
        A, B = _conv.asarray(A), _conv.asarray(B)
        expanded = _man.reshape(A, get_aval(A).shape + (1,) * get_aval(B).ndim)
        return self._call(expanded, B)


def frompyfunc(func, /, nin: int, nout: int, *, identity=None) -> ufunc:
    """A :class:`ufunc` from a Python function of scalars (vectorized with ``fnp.vectorize``).

    >>> import fungrad.numpy as fnp
    >>> hypot = fnp.frompyfunc(lambda x, y: fnp.sqrt(x * x + y * y), nin=2, nout=1)
    >>> hypot.outer(fnp.array([3.0]), fnp.array([4.0, 0.0])).tolist()
    [[5.0, 3.0]]
    >>> hypot.reduce(fnp.array([3.0, 4.0, 12.0])).tolist()
    13.0
    """
    return ufunc(func, nin, nout, identity=identity)


# ---- the predefined ufuncs: direct forms where fungrad has one ------------------------------------------


def _masked(arr, where, fill):
    return arr if where is None else _el.where(where, arr, _conv.asarray(fill).astype(get_aval(arr).dtype))


def _reduce_by(reduction, binary, identity, *, takes_dtype: bool = True, cast=None):
    """A direct ``reduce``: mask with the identity (or ``initial``), reduce, then join ``initial``."""

    def reduce(arr, axes, dtype, keepdims, initial, where):
        if cast is not None:
            arr = arr.astype(cast)
        if get_aval(arr).size == 0:  # nothing to reduce: the start value, in the reduced shape
            if identity is None and initial is None:
                raise ValueError(f"zero-size reduction of {binary.__name__}, which has no identity: pass `initial=`")
            shape = get_aval(arr).shape
            out_shape = [1 if d in axes else n for d, n in enumerate(shape) if keepdims or d not in axes]
            start = identity if initial is None else initial
            return _cre.full(out_shape, start, dtype or get_aval(binary(arr, arr)).dtype)
        arr = _masked(arr, where, identity if identity is not None else initial)
        if takes_dtype:
            result = reduction(arr, axis=axes, dtype=dtype, keepdims=keepdims)
        else:
            result = reduction(arr, axis=axes, keepdims=keepdims)
            result = result if dtype is None else result.astype(dtype)
        if initial is not None:
            result = binary(_conv.asarray(initial).astype(get_aval(result).dtype), result)
        return result

    return reduce


def _logsumexp(arr, axis, keepdims):
    top = _red.max(arr, axis=axis, keepdims=True)
    top = _el.where(_el.isfinite(top), top, _cre.zeros_like(top))  # all -inf (or inf): no shift
    total = _el.add(_el.log(_red.sum(_el.exp(_el.subtract(arr, top)), axis=axis, keepdims=True)), top)
    return total if keepdims else _man.squeeze(total, axis)


def _logsumexp2(arr, axis, keepdims):
    ln2 = np.log(2.0).astype(get_aval(arr).dtype)
    return _el.divide(_logsumexp(_el.multiply(arr, ln2), axis, keepdims), ln2)


def _at_with(method: str, transform=None):
    def at(arr, indices, b):
        values = b if transform is None else transform(b)
        return getattr(_ix.at(arr)[indices], method)(values)

    return at


def _binary_ufunc(func, identity=None, **direct):
    return ufunc(func, 2, 1, name=func.__name__, identity=identity, call=func, **direct)


add = _binary_ufunc(_el.add, 0, reduce=_reduce_by(_red.sum, _el.add, 0), accumulate=_ss.cumsum, at=_at_with("add"))
multiply = _binary_ufunc(
    _el.multiply, 1, reduce=_reduce_by(_ss.prod, _el.multiply, 1), accumulate=_ss.cumprod, at=_at_with("multiply")
)
subtract = _binary_ufunc(_el.subtract, at=_at_with("add", _el.negative))
maximum = _binary_ufunc(
    _el.maximum, reduce=_reduce_by(_red.max, _el.maximum, None, takes_dtype=False), at=_at_with("max")
)
minimum = _binary_ufunc(
    _el.minimum, reduce=_reduce_by(_red.min, _el.minimum, None, takes_dtype=False), at=_at_with("min")
)
logical_and = _binary_ufunc(
    _el.logical_and, True, reduce=_reduce_by(_ss.all, _el.logical_and, True, takes_dtype=False, cast=bool)
)
logical_or = _binary_ufunc(
    _el.logical_or, False, reduce=_reduce_by(_ss.any, _el.logical_or, False, takes_dtype=False, cast=bool)
)
logical_xor = _binary_ufunc(_fm.logical_xor, False)
bitwise_and = _binary_ufunc(_el.bitwise_and, -1)
bitwise_or = _binary_ufunc(_el.bitwise_or, 0)
bitwise_xor = _binary_ufunc(_el.bitwise_xor, 0)
logaddexp = _binary_ufunc(
    _fm.logaddexp, -np.inf, reduce=_reduce_by(_logsumexp, _fm.logaddexp, -np.inf, takes_dtype=False)
)
logaddexp2 = _binary_ufunc(
    _fm.logaddexp2, -np.inf, reduce=_reduce_by(_logsumexp2, _fm.logaddexp2, -np.inf, takes_dtype=False)
)
negative = ufunc(_el.negative, 1, 1, name="negative", call=_el.negative)
