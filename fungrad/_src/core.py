"""Core: abstract values, primitives, ``bind``, traces and tracers.

Contract. Every operation in fungrad is a :class:`Primitive` applied with :func:`bind`. ``bind`` hands
the primitive to the *current trace* (a thread-local), and nothing else decides what happens to it.
With no transformation active the current trace is the eager :class:`EvalTrace`, which runs the
primitive's jax.lax lowering on concrete ``jax.Array`` values. Every transformation creates a trace
with a *parent* (the trace that was current when it started) and an identity of its own. A trace
recognises its own tracers by identity and treats every other value, concrete or a tracer of some
enclosing transformation, as a constant. Rules run with the current trace set to the parent, so a
rule written with fungrad ops is itself transformed by every enclosing transformation. When a
transformation ends its trace is marked dead; a tracer that escaped and is used later fails loudly,
naming the transformation and the line that created it.

Abstract values (:class:`ShapedArray`) carry shape, dtype and JAX's weak-type flag. Abstract
evaluation defaults to running the primitive's lowering under ``jax.eval_shape`` (cached), so output
shapes, dtypes and weak types match JAX exactly; hot primitives may register a faster rule.
"""

from __future__ import annotations

import collections
import math
import os
import sys
import threading
import weakref
from collections.abc import Callable
from typing import NamedTuple

import jax
import numpy as np
from jax import dtypes as jax_dtypes
from jax import tree_util

# ----------------------------------------------------------------------------------------------
# Errors


class FungradError(Exception):
    """Base class of fungrad's own errors."""


class FungradTypeError(FungradError, TypeError):
    """A value of the wrong kind, shape or dtype was given to a transformation or primitive."""


class BroadcastError(FungradTypeError, ValueError):
    """Shapes that cannot be broadcast together: a ``TypeError`` like fungrad's other shape errors, and a
    ``ValueError`` as ``numpy.broadcast_shapes`` and ``jax.numpy.broadcast_shapes`` raise."""


class ConcretizationError(FungradError, TypeError):
    """A traced value was used where a concrete Python value is needed (``bool``, ``int``, ``if``)."""


class LeakedTracerError(FungradError):
    """A tracer was used after the transformation that created it had ended, or outside the thread
    and trace that own it."""


class ForeignTracerError(FungradTypeError):
    """JAX-written code (``jax.numpy``, optax, chex, ...) received a fungrad tracer."""


def describe_fun(fun) -> str:
    """```name` (file.py:12)`` for error messages: the function and where it is defined."""
    name = getattr(fun, "__name__", type(fun).__name__)
    code = getattr(getattr(fun, "__wrapped__", fun), "__code__", None)
    if code is None:
        return f"`{name}`"
    return f"`{name}` ({os.path.basename(code.co_filename)}:{code.co_firstlineno})"


def check_callable(fun, transform: str) -> None:
    """Fail at transformation time (not at the first call) when ``fun`` is not callable, as JAX does."""
    if not callable(fun):
        raise FungradTypeError(
            f"[{transform}] Expected a callable value, got {fun!r} of type {type(fun).__name__}: pass the "
            f"function itself, e.g. `fungrad.{transform}(f)`, not the result of calling it"
        )


def check_outputs(out, transform: str, fun) -> None:
    """Every leaf of a transformed function's return value must be an array (tracers included)."""
    for path, leaf in tree_util.tree_flatten_with_path(out)[0]:
        if not is_array_like(leaf):
            where = f"at output{tree_util.keystr(path)} " if path else ""
            raise FungradTypeError(
                f"[{transform}] the return value of {describe_fun(fun)} holds a {type(leaf).__name__} "
                f"{where}({leaf!r:.60}), which is not an array: functions under {transform} must return "
                "arrays or pytrees (tuples, lists, dicts) of arrays; return other values from outside "
                "the transformed function" + (" or as `aux` with has_aux=True" if transform == "grad" else "")
            )


def retag(message: str, transform: str) -> str:
    """``message`` with its leading ``[transform]`` tag replaced (errors re-raised by an outer transformation)."""
    if message.startswith("[") and "] " in message:
        message = message[message.index("] ") + 2 :]
    return f"[{transform}] {message}"


def current_trace_name(default: str) -> str:
    trace = _state.trace
    return default if trace is EVAL_TRACE else trace.name


_FOREIGN_HINT = (
    "JAX-written code (jax.numpy, optax, chex, ...) cannot run inside fungrad's transformations. "
    "Write the transformed function with fungrad ops (fungrad.numpy, fungrad.nn) and call JAX code on "
    "its results outside it, e.g. `grads = fungrad.grad(loss)(params, batch)` then "
    "`updates, opt_state = opt.update(grads, opt_state, params)`; put both in one "
    "`fungrad.jit` (or `jax.jit`) step to compile them into one XLA program"
)


def foreign_use_error(err: BaseException, transform: str, fun_name: str | None = None) -> ForeignTracerError | None:
    """The idiom-naming error for ``err`` if it is JAX code rejecting a fungrad tracer, else None."""
    if isinstance(err, ForeignTracerError):
        return ForeignTracerError(retag(str(err), transform))
    text = str(err)
    if not (isinstance(err, TypeError) and "is not a valid JAX type" in text and "fungrad._src." in text):
        return None
    where = _foreign_frame(err.__traceback__)
    inside = f" in `{fun_name}`" if fun_name else ""
    at = f" at {where}" if where is not None else ""
    return ForeignTracerError(f"[{transform}] a JAX function received a fungrad tracer{inside}{at}. {_FOREIGN_HINT}")


def _is_user_proper(filename: str) -> bool:
    return not _is_internal(filename) and "-packages" + os.sep not in filename


def _foreign_frame(tb) -> SourceInfo | None:
    """The innermost frame of a traceback in user code proper (not fungrad, JAX or an installed
    package such as optax): the line that called the JAX-written function."""
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if _is_user_proper(code.co_filename):
            found = SourceInfo(code.co_filename, tb.tb_lineno, code.co_name)
        tb = tb.tb_next
    return found


def _user_frame_outside_packages(frame) -> SourceInfo | None:
    while frame is not None:
        if _is_user_proper(frame.f_code.co_filename):
            return SourceInfo(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return None


def check_array_size(shape, dtype) -> None:
    """Refuse arrays XLA cannot even index (more than 2**63 bytes), saying how large they are."""
    elements = math.prod(int(d) for d in shape)
    itemsize = 1 if dtype is None else np.dtype(dtype).itemsize
    nbytes = elements * itemsize
    if nbytes >= 2**63:
        of_dtype = "" if dtype is None else f" and dtype {np.dtype(dtype).name}"
        raise FungradTypeError(
            f"an array of shape {tuple(int(d) for d in shape)}{of_dtype} is too large: {elements} elements "
            f"need {nbytes} bytes ({nbytes:.3g}), beyond the 2**63 bytes XLA can address; check the shape"
        )


# ----------------------------------------------------------------------------------------------
# Source information: which user line created a value or an equation.

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_JAX_DIR = os.path.dirname(os.path.abspath(jax.__file__)) + os.sep
_INTERNAL_DIRS = (
    _PACKAGE_DIR + os.sep,
    os.path.dirname(os.path.abspath(jax.__file__)) + os.sep,
    os.path.dirname(os.path.abspath(__import__("contextlib").__file__)) + os.sep + "contextlib",
)
_internal_cache: dict[str, bool] = {}


def _is_internal(filename: str) -> bool:
    hit = _internal_cache.get(filename)
    if hit is None:
        path = os.path.abspath(filename)
        is_test_of_fungrad = os.sep + "tests" + os.sep in path
        hit = path.startswith(_INTERNAL_DIRS) and not is_test_of_fungrad
        _internal_cache[filename] = hit
    return hit


class SourceInfo(NamedTuple):
    """Where a value or equation came from in the user's program.

    ``transposed_from`` is set on equations of a backward pass: it is the source of the forward
    equation whose transpose produced them.
    """

    filename: str
    lineno: int
    function: str
    transposed_from: SourceInfo | None = None

    def __str__(self) -> str:
        where = f"{os.path.basename(self.filename)}:{self.lineno} ({self.function})"
        return f"{where} [transposed]" if self.transposed_from is not None else where


class _SourceOverride(threading.local):
    info: SourceInfo | None = None


_source_override = _SourceOverride()


def user_source_info() -> SourceInfo | None:
    """The innermost stack frame outside fungrad and JAX (or the active override)."""
    if _source_override.info is not None:
        return _source_override.info
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if not _is_internal(code.co_filename):
            return SourceInfo(code.co_filename, frame.f_lineno, code.co_name)
        frame = frame.f_back
    return None


class source_override:
    """Context manager: attribute every equation created inside to ``info`` (used by backward passes)."""

    __slots__ = ("info", "saved")

    def __init__(self, info: SourceInfo | None):
        self.info = info

    def __enter__(self):
        self.saved = _source_override.info
        _source_override.info = self.info

    def __exit__(self, *exc):
        _source_override.info = self.saved


# ----------------------------------------------------------------------------------------------
# Abstract values


class ShapedArray:
    """The abstract value of an array: shape, dtype and JAX's weak-type flag."""

    __slots__ = ("shape", "dtype", "weak_type", "_hash")

    def __init__(self, shape, dtype, weak_type: bool = False):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = bool(weak_type)
        self._hash = hash((self.shape, self.dtype, self.weak_type))

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))

    def __eq__(self, other):
        return (
            isinstance(other, ShapedArray)
            and self.shape == other.shape
            and self.dtype == other.dtype
            and self.weak_type == other.weak_type
        )

    def __hash__(self):
        return self._hash

    def update_shape(self, shape) -> ShapedArray:
        return ShapedArray(shape, self.dtype, self.weak_type)

    def strip_weak_type(self) -> ShapedArray:
        return ShapedArray(self.shape, self.dtype, False) if self.weak_type else self

    def to_tangent_aval(self) -> ShapedArray:
        """Tangents of integer and boolean values live in JAX's ``float0`` (they are always zero)."""
        if is_differentiable_dtype(self.dtype):
            return self
        return ShapedArray(self.shape, jax_dtypes.float0, False)

    def to_struct(self) -> jax.ShapeDtypeStruct:
        return jax.ShapeDtypeStruct(self.shape, self.dtype, weak_type=self.weak_type)

    def str_short(self) -> str:
        name = short_dtype_name(self.dtype)
        return f"{name}[{','.join(map(str, self.shape))}]"

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.shape}, {self.dtype.name}{weak})"


def short_dtype_name(dtype) -> str:
    dtype = np.dtype(dtype)
    if dtype == jax_dtypes.float0:
        return "float0"
    if dtype == np.bool_:
        return "bool"
    return dtype.name.replace("float", "f").replace("uint", "u").replace("int", "i").replace("complex", "c")


def is_differentiable_dtype(dtype) -> bool:
    dtype = np.dtype(dtype)
    return np.issubdtype(dtype, np.inexact) or dtype == jax_dtypes.bfloat16


_PYTHON_SCALARS = (bool, int, float, complex)
_PYTHON_SCALAR_DTYPES = {int: np.int64, float: np.float64, complex: np.complex128}


def is_array_like(x) -> bool:
    """True for the values fungrad accepts as arrays."""
    return (
        isinstance(x, (Tracer, jax.Array, np.ndarray, np.generic))
        or type(x) in _PYTHON_SCALARS
        or isinstance(x, _PYTHON_SCALARS)
    )


def get_aval(x) -> ShapedArray:
    """The abstract value of a tracer or concrete value (Python scalars are weakly typed)."""
    if isinstance(x, Tracer):
        return x.aval
    if isinstance(x, jax.Array):
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    if isinstance(x, (np.ndarray, np.generic)):
        return ShapedArray(x.shape, jax_dtypes.canonicalize_dtype(x.dtype), False)
    if isinstance(x, _PYTHON_SCALARS):
        if isinstance(x, bool):
            return ShapedArray((), np.bool_, False)
        return ShapedArray((), jax_dtypes.canonicalize_dtype(_PYTHON_SCALAR_DTYPES[type(x)]), True)
    raise FungradTypeError(
        f"value of type {type(x).__name__} is not an array; fungrad takes jax/NumPy arrays, "
        "Python scalars, and pytrees (tuples, lists, dicts) of them"
    )


def as_concrete(x) -> jax.Array:
    """Convert a concrete value (NumPy array, Python scalar) to a ``jax.Array``; tracers pass through."""
    if isinstance(x, (Tracer, jax.Array)):
        return x
    get_aval(x)  # raises the friendly error for non-arrays
    return jax.numpy.asarray(x)


# ----------------------------------------------------------------------------------------------
# Primitives and rule tables owned by this module

abstract_eval_rules: dict[Primitive, Callable] = {}
lowering_rules: dict[Primitive, Callable] = {}
all_primitives: list[Primitive] = []  # every primitive ever created (the registry test walks it)


class Primitive:
    """A named operation. Arrays are positional operands, static metadata are keyword params.

    ``linear=True`` declares that the primitive is linear in at least one operand, so reverse mode
    needs its transpose rule (``ad.def_transpose`` accepts rules only for such primitives, and the
    registry test checks that every linear primitive has one).
    """

    __slots__ = ("name", "multiple_results", "linear", "__weakref__")

    def __init__(self, name: str, multiple_results: bool = False, linear: bool = False):
        self.name = name
        self.multiple_results = multiple_results
        self.linear = linear
        all_primitives.append(self)

    def bind(self, *args, **params):
        return bind(self, *args, **params)

    def __repr__(self):
        return self.name


def def_lowering(prim: Primitive, rule: Callable) -> None:
    """Register how ``prim`` runs on jax values (``rule(*arrays, **params)``, written with jax.lax)."""
    lowering_rules[prim] = rule


impl_rules: dict[Primitive, Callable] = {}
# Set while debug_nans / debug_infs is on: ``check(prim, args, params, out)`` after every eager op.
eager_output_check: Callable | None = None


def def_impl(prim: Primitive, rule: Callable) -> None:
    """Register how ``prim`` runs eagerly in Python (default: its lowering, compiled). For primitives
    with host effects (checks, callbacks) whose eager form must raise or print directly."""
    impl_rules[prim] = rule


def def_abstract_eval(prim: Primitive, rule: Callable) -> None:
    """Register ``rule(*avals, **params) -> aval(s)`` (default: ``jax.eval_shape`` of the lowering)."""
    abstract_eval_rules[prim] = rule


class ParamCache:
    """A cache keyed on a primitive and its params, tied to the lifetime of what the params hold.

    Params hashed by identity (an IR, a Python callable) key their entry *weakly*: the entry lives
    exactly as long as the first such object, so the IRs of functions nobody can call again (and the
    compiled programs traced from them) are freed with them. Every other entry is kept in an LRU of
    ``maxsize`` entries. ``make(params)`` must not hold the params' identity-hashed objects strongly
    beyond the call (see :func:`eager_impl`), or the weak entry would keep its own key alive.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.lru: collections.OrderedDict = collections.OrderedDict()
        self.weak: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.lock = threading.Lock()

    def get(self, key, anchor):
        with self.lock:
            if anchor is None:
                hit = self.lru.get(key)
                if hit is not None:
                    self.lru.move_to_end(key)
                return hit
            per = self.weak.get(anchor)
            return None if per is None else per.get(key)

    def put(self, key, anchor, value) -> None:
        with self.lock:
            if anchor is None:
                self.lru[key] = value
                if len(self.lru) > self.maxsize:
                    self.lru.popitem(last=False)
            else:
                self.weak.setdefault(anchor, {})[key] = value

    def clear(self) -> None:
        with self.lock:
            self.lru.clear()
            self.weak.clear()

    def __len__(self):
        return len(self.lru) + sum(len(v) for v in list(self.weak.values()))


def _held_by_identity(x) -> bool:
    return type(x).__hash__ is object.__hash__ and hasattr(type(x), "__weakref__") and not isinstance(x, type)


# Param values that are hashed by value and hold nothing (the common case: checked first, for speed).
_PLAIN = frozenset({int, float, bool, str, type(None), complex})


def _weaken(value, found: list):
    """``value`` with identity-hashed objects replaced by weak references (recording them in ``found``)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple and all(type(v) in _PLAIN for v in value):  # shapes, axes
        return value
    if isinstance(value, tuple):
        n = len(found)
        weakened = tuple(_weaken(v, found) for v in value)
        return value if len(found) == n else weakened  # named tuples stay as they are
    if _held_by_identity(value):
        found.append(value)
        return weakref.ref(value)
    return value


def _strengthen(value):
    if isinstance(value, tuple):
        return tuple(_strengthen(v) for v in value)
    if type(value) is weakref.ref:
        obj = value()
        if obj is None:  # only reachable if a caller kept a closure past its key's lifetime
            raise LeakedTracerError("an IR referenced by a cached compiled primitive was freed")
        return obj
    return value


def param_cache_key(prim: Primitive, params: dict, *extra):
    """``(key, anchor)`` for a :class:`ParamCache`, or ``(None, None)`` for unhashable params.

    The key holds identity-hashed param values only weakly; ``anchor`` is the first of them (or None).
    The x64 flag is part of every key: results depend on JAX's default dtypes.
    """
    found: list = []
    try:
        items = tuple(sorted([(k, v if type(v) in _PLAIN else _weaken(v, found)) for k, v in params.items()]))
        key = (prim, items, x64_enabled(), *extra)
        hash(key)
    except TypeError:
        return None, None
    return key, (found[0] if found else None)


def x64_enabled() -> bool:
    """JAX's effective ``jax_enable_x64`` (fungrad keys its dtype-dependent caches on it)."""
    return bool(jax.config.read("jax_enable_x64"))


# Bounds of the strongly held caches (the weakly held parts are bounded by what is alive).
SHAPE_CACHE_SIZE = 8192
EAGER_CACHE_SIZE = 4096
_shape_cache = ParamCache(SHAPE_CACHE_SIZE)


def abstract_eval(prim: Primitive, avals, params) -> ShapedArray | list[ShapedArray]:
    """Output aval(s) of ``prim`` for input ``avals`` (a registered rule, else eval_shape of the lowering)."""
    rule = abstract_eval_rules.get(prim)
    if rule is not None:
        out = rule(*avals, **params)
        for aval in out if prim.multiple_results else (out,):
            if len(aval.shape) > 1:  # 1-d shapes were checked when their operands or params were
                check_array_size(aval.shape, aval.dtype)
        return out
    shape = params.get("shape")
    if type(shape) is tuple:
        check_array_size(shape, params.get("dtype") or (avals[0].dtype if avals else None))
    key, anchor = param_cache_key(prim, params, tuple(avals))
    out = _shape_cache.get(key, anchor) if key is not None else None
    if out is None:
        out = _eval_shape(prim, avals, params)
        if key is not None:
            _shape_cache.put(key, anchor, out)
    return out


def _eval_shape(prim, avals, params):
    lower = lowering_rules[prim]
    try:
        out = jax.eval_shape(lambda *xs: lower(*xs, **params), *[a.to_struct() for a in avals])
    except (TypeError, ValueError) as err:
        shapes = ", ".join(a.str_short() for a in avals)
        raise FungradTypeError(f"{prim.name}: invalid operands ({shapes}) with params {params}: {err}") from None
    as_aval = lambda s: ShapedArray(s.shape, s.dtype, s.weak_type)  # noqa: E731
    return [as_aval(s) for s in out] if prim.multiple_results else as_aval(out)


# ----------------------------------------------------------------------------------------------
# Traces and the current-trace context


class _TraceState(threading.local):
    def __init__(self):
        self.trace: Trace = EVAL_TRACE


class Trace:
    """A transformation in progress. Subclasses implement ``process_primitive``.

    ``parent`` is the trace that was current when this one started; rules run with the current trace
    set to the parent. ``name`` (e.g. ``"grad"``) is used in error messages, ``origin`` is the user
    line that started the transformation.
    """

    name = "trace"

    def __init__(self, parent: Trace | None = None):
        self.parent = current_trace() if parent is None else parent
        self.alive = True
        self.origin = user_source_info()
        self.thread = threading.current_thread().name  # tracers are valid only in this thread

    def process_primitive(self, prim: Primitive, args, params):
        raise NotImplementedError

    def process_call(self, prim: Primitive, args, params):
        """Higher-order primitives (``jit``) may be handled specially; default to the primitive path."""
        return self.process_primitive(prim, args, params)

    def is_own(self, x) -> bool:
        return isinstance(x, Tracer) and x._trace is self

    def concretize(self, tracer: Tracer, why: str):
        raise ConcretizationError(
            f"[{self.name}] {why} needs a concrete value, but the value is traced by `{self.name}` "
            f"(aval {tracer.aval.str_short()})."
        )

    def __repr__(self):
        return f"<{type(self).__name__} {self.name} started at {self.origin}>"


class EvalTrace(Trace):
    """Eager evaluation: run the primitive's lowering on concrete jax arrays (compiled per primitive)."""

    name = "eval"

    def __init__(self):
        self.parent = None
        self.alive = True
        self.origin = None

    def process_primitive(self, prim, args, params):
        under_jax_trace = False
        for x in args:
            if isinstance(x, Tracer):
                raise_leaked(x, prim)
            if isinstance(x, _JaxTracer):
                under_jax_trace = True
        shape = params.get("shape")
        if type(shape) is tuple and len(shape) > 1:  # before XLA, which aborts on overflowing extents
            check_array_size(shape, params.get("dtype") or (get_aval(args[0]).dtype if args else None))
        if under_jax_trace:  # inside the user's jax.jit: emit the lax ops inline, not a nested jit per op
            return lowering_rules[prim](*args, **params)
        impl = impl_rules.get(prim)
        out = impl(*args, **params) if impl is not None else eager_impl(prim, params)(*args)
        if eager_output_check is not None:  # debug_nans / debug_infs (fungrad._src.debug_nans)
            eager_output_check(prim, args, params, out)
        return out


_JaxTracer = jax.core.Tracer
_eager_cache = ParamCache(EAGER_CACHE_SIZE)


def eager_impl(prim: Primitive, params: dict) -> Callable:
    """A ``jax.jit``-compiled lowering of ``prim`` with ``params`` baked in (cached).

    Compiling single primitives makes eager dispatch several times cheaper than calling jax.lax
    op by op. The cache key is the primitive, its (hashable) params and the x64 flag; entries whose
    params hold an IR (``jit_p``'s ``ir``) live as long as that IR, the others in a bounded LRU.
    """
    key, anchor = param_cache_key(prim, params)
    fn = _eager_cache.get(key, anchor) if key is not None else None
    if fn is None:
        lower = lowering_rules.get(prim)
        if lower is None:
            raise NotImplementedError(f"primitive {prim.name} has no lowering rule")
        if anchor is None:
            fn = jax.jit(lambda *xs: lower(*xs, **params))
        else:  # the compiled function must not keep its own cache key (the IR) alive
            weak_params = dict(key[1])
            fn = jax.jit(lambda *xs: lower(*xs, **{k: _strengthen(v) for k, v in weak_params.items()}))
        if key is not None:
            _eager_cache.put(key, anchor, fn)
    return fn


def clear_caches() -> None:
    """Drop fungrad's primitive-level caches (compiled eager primitives, abstract evaluation)."""
    _eager_cache.clear()
    _shape_cache.clear()


EVAL_TRACE = EvalTrace()
_state = _TraceState()


def current_trace() -> Trace:
    return _state.trace


class set_current_trace:
    """Context manager that makes ``trace`` current (rules run under their trace's parent)."""

    __slots__ = ("trace", "saved")

    def __init__(self, trace: Trace):
        self.trace = trace

    def __enter__(self):
        self.saved = _state.trace
        _state.trace = self.trace

    def __exit__(self, *exc):
        _state.trace = self.saved


def is_eager() -> bool:
    """True when no transformation is active (the current trace is the eager one)."""
    return _state.trace is EVAL_TRACE


class tracing:
    """Context manager for a transformation's lifetime: make ``trace`` current for the body and,
    on exit (normal or not), mark it and ``also_end`` dead so escaped tracers fail loudly.

    >>> import fungrad.numpy  # registers the primitives
    >>> from fungrad._src import core, staging
    >>> trace = staging.StagingTrace()
    >>> with core.tracing(trace):
    ...     core.current_trace() is trace
    True
    >>> trace.alive
    False
    """

    __slots__ = ("trace", "also_end", "saved")

    def __init__(self, trace: Trace, *also_end: Trace):
        self.trace, self.also_end = trace, also_end

    def __enter__(self):
        self.saved = _state.trace
        _state.trace = self.trace

    def __exit__(self, *exc):
        _state.trace = self.saved
        self.trace.alive = False
        for t in self.also_end:
            t.alive = False


def bind(prim: Primitive, *args, **params):
    """Apply ``prim`` to ``args`` under the current trace: the single entry point of every operation."""
    return _state.trace.process_primitive(prim, args, params)


def bind_with_parent(trace: Trace, prim: Primitive, args, params):
    """Apply ``prim`` under ``trace``'s parent (how a trace forwards values that are not its own)."""
    saved = _state.trace
    _state.trace = trace.parent
    try:
        return trace.parent.process_primitive(prim, args, params)
    finally:
        _state.trace = saved


def raise_leaked(tracer: Tracer, prim: Primitive | None = None):
    trace = tracer._trace
    what = f" by primitive `{prim.name}`" if prim is not None else ""
    created = getattr(tracer, "created_at", None)
    used_at = user_source_info()
    where = f" at {used_at}" if used_at is not None else ""
    origin = f"that transformation started at {trace.origin}" + (
        f"; the tracer was created at {created}" if created is not None else ""
    )
    if trace.alive:  # still running: used from another thread, or outside the trace that owns it
        here = threading.current_thread().name
        owner = getattr(trace, "thread", None)
        thread = f" in thread {owner!r}, not in this thread {here!r}" if owner not in (None, here) else ""
        raise LeakedTracerError(
            f"[{trace.name}] a tracer was used{what}{where} outside the thread and trace that own it: its "
            f"`{trace.name}` transformation is still running{thread} ({origin}). A tracer is only valid "
            "inside the function being transformed, in the thread that runs it: pass values between "
            "threads as results of the transformed function, not as tracers."
        )
    raise LeakedTracerError(
        f"[{trace.name}] a tracer was used{what}{where} after its `{trace.name}` transformation ended "
        f"({origin}). Tracers are only valid inside the function being transformed: return values out of "
        "it instead of storing them in globals or closures."
    )


# ----------------------------------------------------------------------------------------------
# Tracers


class Tracer(jax.Array):
    """A value being traced by a transformation. Behaves like an array: operators, ``.shape``, ...

    Operator methods are installed by ``fungrad.numpy`` (which owns NumPy semantics); core only knows
    the abstract value and how to ask the trace for a concrete value.

    Like JAX's own tracers, a fungrad tracer is an instance of ``jax.Array``, so code that checks for
    arrays (``isinstance(x, jax.Array)`` in optax, chex or user code) accepts it. JAX's concrete arrays
    and tracers would then take a fungrad tracer in their operators and fail to read it; fungrad wraps
    those operators to hand such calls back to the tracer (``jax_compat.defer_operators_to``).
    """

    __slots__ = ("_trace",)
    __array_priority__ = 1000
    __array_ufunc__ = None  # make NumPy defer to our reflected operators

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: self.aval.ndim)
    size = property(lambda self: self.aval.size)
    weak_type = property(lambda self: self.aval.weak_type)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def _concrete(self, why: str):
        if not self._trace.alive:
            raise_leaked(self)
        return self._trace.concretize(self, why)

    def _value_out(self, why: str):
        """A concrete value that leaves fungrad (``float()``, ``np.asarray``, ``.item()``): under a
        differentiating trace the derivative through it would be silently lost, so that is an error.
        Python control flow (``bool()``, ``if x > 0``) on a concrete primal stays allowed, as in JAX."""
        trace = self._trace
        if getattr(trace, "carries_derivative", False) and trace.alive:
            raise ConcretizationError(
                f"[{trace.name}] {why} on a value being differentiated by `{trace.name}` (aval "
                f"{self.aval.str_short()}) would silently drop its derivative. Keep the computation in "
                "fungrad ops (`x.astype(float)` instead of `float(x)`); if the value is meant to be a "
                "constant, write `fungrad.lax.stop_gradient(x)` first, then convert it."
            )
        return self._concrete(why)

    def __bool__(self):
        return bool(self._concrete("bool() (e.g. a Python `if` or `while` on an array)"))

    def __int__(self):
        return int(self._value_out("int()"))

    def __float__(self):
        return float(self._value_out("float()"))

    def __complex__(self):
        return complex(self._value_out("complex()"))

    def __index__(self):
        return int(self._value_out("use as an index (__index__)"))

    def __array__(self, dtype=None, copy=None):
        caller = sys._getframe(1).f_code.co_filename
        if caller.startswith(_JAX_DIR):  # jnp.asarray(tracer) and friends: JAX code got our tracer
            where = _user_frame_outside_packages(sys._getframe(1))
            raise ForeignTracerError(
                f"[{self._trace.name}] a JAX function received a fungrad tracer ({self.aval.str_short()})"
                + (f" at {where}" if where is not None else "")
                + f". {_FOREIGN_HINT}"
            )
        why = (
            "conversion to a NumPy array (by a NumPy function, or by indexing a NumPy array with this value: "
            "write `fnp.asarray(table)[i]` for `table[i]`)"
        )
        value = np.asarray(self._value_out(why))
        return value if dtype is None else value.astype(dtype)

    def item(self, *args):
        """The value as a Python scalar: a concretization (an error on traced values)."""
        return np.asarray(self._value_out("item()")).item(*args)

    def tolist(self):
        """The value as nested Python lists: a concretization (an error on traced values)."""
        return np.asarray(self._value_out("tolist()")).tolist()

    def __hash__(self):
        raise TypeError("fungrad tracers are unhashable (like jax arrays)")

    def __repr__(self):
        return f"{type(self).__name__}<{self.aval.str_short()}, {self._trace.name}>"

    def __format__(self, spec):
        return repr(self)


def to_concrete_value(x):
    """The concrete value behind ``x`` (raising a ConcretizationError for staged values)."""
    while isinstance(x, Tracer):
        x = x._concrete("a concrete value")
    return x


def weak_to_python_type(aval: ShapedArray):
    """The Python type JAX's promotion uses for a weakly typed aval (``float`` for weak f32)."""
    if not aval.weak_type:
        return aval.dtype
    kind = aval.dtype.kind
    return {"b": bool, "i": int, "u": int, "f": float, "c": complex}.get(kind, aval.dtype)


def result_type(*avals: ShapedArray) -> tuple[np.dtype, bool]:
    """JAX's type promotion over avals: returns (dtype, weak_type)."""
    dtype, weak = jax_dtypes.result_type(*(weak_to_python_type(a) for a in avals), return_weak_type_flag=True)
    return np.dtype(dtype), bool(weak)


# ----------------------------------------------------------------------------------------------
# Pytree plumbing shared by every transformation


class flatten_fun:
    """``fun`` of pytree arguments as a function of flat leaves returning flat leaves.

    The output tree of the last call is recorded in ``out_tree`` (the transformations call the flat
    function exactly once per trace and read it afterwards).

    >>> flat = flatten_fun(lambda x, y: {"s": x + y}, tree_util.tree_structure((0, 0)))
    >>> flat(1, 2), flat.out_tree
    ([3], PyTreeDef({'s': *}))
    """

    __slots__ = ("fun", "in_tree", "out_tree")

    def __init__(self, fun: Callable, in_tree):
        self.fun, self.in_tree, self.out_tree = fun, in_tree, None

    def __call__(self, *leaves) -> list:
        out_leaves, self.out_tree = tree_util.tree_flatten(self.fun(*tree_util.tree_unflatten(self.in_tree, leaves)))
        return out_leaves
