"""Op records for the core primitives (``fungrad.lax``), ``fungrad.numpy`` and ``fungrad.nn``.

Each record pairs a fungrad function with its JAX reference (see tests/op_record.py); the drivers in
tests/test_ops.py run every record through forward, jvp, vjp, finite differences, vmap and jit
checks. Inputs are domain-aware (positive for log/sqrt, away from kinks for abs/max); special values
(0, +-inf, nan, ties) get their own rows, checked forward and for gradients against JAX but not by
finite differences.
"""

from __future__ import annotations

import jax.lax as jlax
import jax.nn as jnn
import jax.numpy as jnp
import numpy as np

import fungrad.lax as flax
import fungrad.nn as fnn
import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes=((2, 3),), domain="real", **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), domain, **kw))


def fixed(*values, dtype=np.float64):
    """``make_args`` that returns fixed values (special-value rows)."""
    return lambda rng: tuple(np.asarray(v, dtype=dtype) if not isinstance(v, np.ndarray) else v for v in values)


SPECIAL = dict(fd=False, tags=("special-values",))
INF, NAN = np.inf, np.nan

# ---- fungrad.lax: elementwise unary ----------------------------------------------------------------

for name, domain in [
    ("neg", "real"),
    ("exp", "real"),
    ("log", "positive"),
    ("log1p", "positive"),
    ("expm1", "real"),
    ("sin", "real"),
    ("cos", "real"),
    ("tan", "unit"),
    ("tanh", "real"),
    ("logistic", "real"),
    ("sqrt", "positive"),
    ("rsqrt", "positive"),
    ("abs", "nonzero"),
    ("sign", "nonzero"),
    ("floor", "real"),
    ("ceil", "real"),
]:
    rec(f"lax.{name}", getattr(flax, name), getattr(jlax, name), domain=domain)
rec("lax.sin-scalar", flax.sin, jlax.sin, shapes=((),))
rec("lax.exp-size0", flax.exp, jlax.exp, shapes=((0, 3),))
rec("lax.round", flax.round, lambda x: jlax.round(x, jlax.RoundingMethod.TO_NEAREST_EVEN))
rec("lax.round-away", lambda x: flax.round(x, 0), lambda x: jlax.round(x, jlax.RoundingMethod.AWAY_FROM_ZERO))
for n, domain in [(0, "real"), (1, "real"), (2, "real"), (3, "real"), (-2, "nonzero")]:
    rec(
        f"lax.integer_pow-{n}",
        lambda x, n=n: flax.integer_pow(x, n),
        lambda x, n=n: jlax.integer_pow(x, n),
        domain=domain,
    )
rec("lax.stop_gradient", flax.stop_gradient, jlax.stop_gradient, fd=False)
rec(
    "lax.convert-f32",
    lambda x: flax.convert_element_type(x, np.float32),
    lambda x: jlax.convert_element_type(x, np.float32),
    fd=False,
    atol=1e-6,
    rtol=1e-6,
)
rec(
    "lax.convert-i32",
    lambda x: flax.convert_element_type(x, np.int32),
    lambda x: jlax.convert_element_type(x, np.int32),
    grad=False,
)
rec(
    "lax.convert-from-int",
    lambda x: flax.convert_element_type(x, np.float64),
    lambda x: jlax.convert_element_type(x, np.float64),
    domain="int",
    grad=False,
)
rec(
    "lax.convert-bool",
    lambda x: flax.convert_element_type(x, np.bool_),
    lambda x: jlax.convert_element_type(x, np.bool_),
    grad=False,
)

# ---- fungrad.lax: elementwise binary (equal shapes; a concrete scalar may stand beside an array) -----

for name, jname, domain in [
    ("add", "add", "real"),
    ("sub", "sub", "real"),
    ("mul", "mul", "real"),
    ("div", "div", ("real", "nonzero")),
    ("maximum", "max", "real"),
    ("minimum", "min", "real"),
    ("pow", "pow", ("positive", "real")),
    ("rem", "rem", ("real", "nonzero")),
]:
    rec(f"lax.{name}", getattr(flax, jname), getattr(jlax, jname), shapes=((2, 3), (2, 3)), domain=domain)
rec("lax.mul-const", lambda x: flax.mul(x, 2.5), lambda x: jlax.mul(x, 2.5))
rec("lax.sub-const-left", lambda x: flax.sub(1.5, x), lambda x: jlax.sub(1.5, x))
rec("lax.div-const", lambda x: flax.div(x, 4.0), lambda x: jlax.div(x, 4.0))
rec("lax.add-scalars", flax.add, jlax.add, shapes=((), ()))
for name in ("eq", "ne", "lt", "le", "gt", "ge"):
    rec(f"lax.{name}", getattr(flax, name), getattr(jlax, name), shapes=((2, 3), (2, 3)), grad=False)
rec(
    "lax.ge-ties",
    flax.ge,
    jlax.ge,
    make_args=fixed([1.0, 2.0, NAN, INF, -INF], [1.0, 3.0, 0.0, INF, 0.0]),
    grad=False,
    tags=("special-values",),
)
rec("lax.select_n-bool", flax.select_n, jlax.select_n, shapes=((2, 3),) * 3, domain=("bool", "real", "real"))


def _select_n_int_args(rng):
    return rng.integers(0, 3, size=(2, 3)).astype(np.int32), *(rng.normal(size=(2, 3)) for _ in range(3))


rec("lax.select_n-int3", flax.select_n, jlax.select_n, make_args=_select_n_int_args)

# ---- fungrad.lax: reductions ------------------------------------------------------------------------

for axes in [(0,), (1,), (0, 1)]:
    for name, jname in [("reduce_sum", "reduce_sum"), ("reduce_max", "reduce_max"), ("reduce_min", "reduce_min")]:
        rec(
            f"lax.{name}-{axes}",
            lambda x, f=getattr(flax, name), a=axes: f(x, a),
            lambda x, f=getattr(jlax, jname), a=axes: f(x, a),
            shapes=((3, 4),),
        )
rec(
    "lax.reduce_sum-3d", lambda x: flax.reduce_sum(x, (0, 2)), lambda x: jlax.reduce_sum(x, (0, 2)), shapes=((2, 3, 4),)
)
for axis in (0, 1):
    for name in ("argmax", "argmin"):
        rec(
            f"lax.{name}-{axis}",
            lambda x, f=getattr(flax, name), a=axis: f(x, a, np.int32),
            lambda x, f=getattr(jlax, name), a=axis: f(x, a, np.int32),
            shapes=((3, 4),),
            grad=False,
        )
_TIES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
rec(
    "lax.reduce_max-ties",
    lambda x: flax.reduce_max(x, (1,)),
    lambda x: jlax.reduce_max(x, (1,)),
    make_args=fixed(_TIES),
    **SPECIAL,
)
rec(
    "lax.reduce_min-ties",
    lambda x: flax.reduce_min(x, (0, 1)),
    lambda x: jlax.reduce_min(x, (0, 1)),
    make_args=fixed(_TIES),
    **SPECIAL,
)
rec(
    "lax.reduce_max-inf",
    lambda x: flax.reduce_max(x, (1,)),
    lambda x: jlax.reduce_max(x, (1,)),
    make_args=fixed([[-INF, -INF, 0.0], [INF, 1.0, 2.0]]),
    **SPECIAL,
)
rec(
    "lax.argmax-ties",
    lambda x: flax.argmax(x, 1, np.int32),
    lambda x: jlax.argmax(x, 1, np.int32),
    make_args=fixed(_TIES),
    grad=False,
)

# ---- fungrad.lax: shapes ----------------------------------------------------------------------------


def lax_rec(name, fargs, shapes, **kw):
    """A record for ``lax.<name>(x, *fargs)`` on both sides."""
    fname = name.split("-")[0]
    rec(
        f"lax.{name}",
        lambda *xs, f=getattr(flax, fname): f(*xs, *fargs),
        lambda *xs, f=getattr(jlax, fname): f(*xs, *fargs),
        shapes=shapes,
        **kw,
    )


lax_rec("broadcast_in_dim-new", ((2, 3), (1,)), ((3,),))
lax_rec("broadcast_in_dim-stretch", ((2, 4, 3), (0, 1)), ((2, 1),))
lax_rec("broadcast_in_dim-scalar", ((2, 3), ()), ((),))
lax_rec("reshape", ((3, 2),), ((2, 3),))
lax_rec("reshape-flat", ((6,),), ((2, 1, 3),))
lax_rec("transpose", ((2, 0, 1),), ((2, 3, 4),))
lax_rec("squeeze", ((1,),), ((2, 1, 3),))
lax_rec("expand_dims", ((0, 2),), ((2, 3),))
lax_rec("slice", ((1, 0), (4, 3)), ((5, 4),))
lax_rec("slice-strided", ((0, 1), (5, 4), (2, 2)), ((5, 4),))
lax_rec("rev-0", ((0,),), ((2, 3),))
lax_rec("rev-01", ((0, 1),), ((2, 3),))
rec(
    "lax.concatenate-2",
    lambda x, y: flax.concatenate([x, y], 1),
    lambda x, y: jlax.concatenate([x, y], 1),
    shapes=((2, 3), (2, 2)),
)
rec(
    "lax.concatenate-3",
    lambda x, y, z: flax.concatenate([x, y, z], 0),
    lambda x, y, z: jlax.concatenate([x, y, z], 0),
    shapes=((1, 3), (2, 3), (1, 3)),
)
for name, config in [
    ("pad", ((1, 2, 0), (0, 1, 1))),
    ("pad-negative", ((-1, 1, 0), (1, -2, 0))),
    ("pad-interior", ((0, 0, 2), (1, 0, 1))),
]:
    rec(
        f"lax.{name}",
        lambda x, v, c=config: flax.pad(x, v, c),
        lambda x, v, c=config: jlax.pad(x, v, c),
        shapes=((3, 4), ()),
    )
rec(
    "lax.pad-const-value",
    lambda x: flax.pad(x, 0.0, ((1, 1, 0),)),
    lambda x: jlax.pad(x, 0.0, ((1, 1, 0),)),
    shapes=((3,),),
)

# ---- fungrad.lax: dot_general ----------------------------------------------------------------------

for name, dims, shapes in [
    ("matmul", (((1,), (0,)), ((), ())), ((2, 3), (3, 4))),
    ("vecdot", (((0,), (0,)), ((), ())), ((3,), (3,))),
    ("outer", (((), ()), ((), ())), ((2,), (3,))),
    ("contract-first", (((0,), (1,)), ((), ())), ((3, 2), (4, 3))),
    ("batch", (((2,), (1,)), ((0,), (0,))), ((2, 3, 4), (2, 4, 5))),
    ("batch-middle", (((2,), (0,)), ((1,), (1,))), ((3, 2, 4), (4, 2, 5))),
    ("two-contract", (((0, 2), (2, 0)), ((), ())), ((2, 3, 4), (4, 5, 2))),
]:
    rec(
        f"lax.dot_general-{name}",
        lambda x, y, d=dims: flax.dot_general(x, y, d),
        lambda x, y, d=dims: jlax.dot_general(x, y, d),
        shapes=shapes,
    )

# ---- lax special values: checked forward and for gradients against JAX (no finite differences) ------

_EDGE = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN]
for name in ("neg", "exp", "expm1", "sin", "tanh", "logistic", "abs", "sign", "floor", "ceil", "round"):
    rec(
        f"lax.{name}-special",
        getattr(flax, name),
        getattr(jlax, name) if name != "round" else lambda x: jlax.round(x, 1),
        make_args=fixed(_EDGE),
        **SPECIAL,
    )
for name in ("log", "log1p", "sqrt", "rsqrt"):
    rec(
        f"lax.{name}-special",
        getattr(flax, name),
        getattr(jlax, name),
        make_args=fixed([0.0, 1.0, INF, NAN, -1.0]),
        **SPECIAL,
    )
for name, jname in [("maximum", "max"), ("minimum", "min")]:
    rec(
        f"lax.{name}-ties",
        getattr(flax, jname),
        getattr(jlax, jname),
        make_args=fixed([1.0, 2.0, 0.0, INF, -INF, NAN, 3.0], [1.0, 0.0, 0.0, INF, 1.0, 1.0, NAN]),
        **SPECIAL,
    )
rec("lax.div-special", flax.div, jlax.div, make_args=fixed([1.0, 0.0, -1.0, INF], [0.0, 0.0, INF, 2.0]), **SPECIAL)
rec(
    "lax.pow-special",
    flax.pow,
    jlax.pow,
    make_args=fixed([0.0, 2.0, 0.0, 1.0, 0.0], [2.0, 0.0, 0.5, INF, 1.0]),
    **SPECIAL,
)
rec(
    "lax.integer_pow-zero",
    lambda x: flax.integer_pow(x, 3),
    lambda x: jlax.integer_pow(x, 3),
    make_args=fixed([0.0, -0.0, INF]),
    **SPECIAL,
)

# ---- fungrad.numpy: elementwise -------------------------------------------------------------------


def np_rec(name, shapes=((2, 3),), domain="real", fname=None, **kw):
    """A record for ``fnp.<fname>`` vs ``jnp.<fname>``."""
    fname = fname or name.split("-")[0]
    rec(f"numpy.{name}", getattr(fnp, fname), getattr(jnp, fname), shapes=shapes, domain=domain, **kw)


for name, domain in [
    ("negative", "real"),
    ("positive", "real"),
    ("abs", "nonzero"),
    ("absolute", "nonzero"),
    ("sign", "nonzero"),
    ("square", "real"),
    ("reciprocal", "nonzero"),
    ("exp", "real"),
    ("log", "positive"),
    ("log1p", "positive"),
    ("expm1", "real"),
    ("sin", "real"),
    ("cos", "real"),
    ("tan", "unit"),
    ("tanh", "real"),
    ("sqrt", "positive"),
    ("floor", "real"),
    ("ceil", "real"),
    ("round", "real"),
    ("around", "real"),
    ("isfinite", "real"),
]:
    np_rec(name, domain=domain, grad=name != "isfinite")
for name in ("exp", "sqrt", "sin", "floor", "square", "abs", "negative"):
    np_rec(f"{name}-int", domain="int", grad=False)
rec("numpy.round-decimals", lambda x: fnp.round(x, 2), lambda x: jnp.round(x, 2), fd=False)
rec("numpy.isfinite-special", fnp.isfinite, jnp.isfinite, make_args=fixed(_EDGE), grad=False)

_BROADCAST = [((2, 3), (2, 3)), ((3,), (2, 3)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ())]
for name, domain in [
    ("add", "real"),
    ("subtract", "real"),
    ("multiply", "real"),
    ("divide", ("real", "nonzero")),
    ("true_divide", ("real", "nonzero")),
    ("maximum", "real"),
    ("minimum", "real"),
    ("power", ("positive", "real")),
    ("remainder", ("real", "nonzero")),
    ("mod", ("real", "nonzero")),
    ("floor_divide", ("real", "nonzero")),
]:
    for shapes in _BROADCAST if name in ("add", "multiply", "divide", "maximum", "power") else _BROADCAST[:2]:
        np_rec(f"{name}-{shapes[0]}-{shapes[1]}", shapes, domain, fname=name)
for name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    np_rec(name, ((2, 1), (1, 3)), grad=False)
for name in ("logical_and", "logical_or"):
    np_rec(name, ((2, 3), (3,)), "bool", grad=False)
np_rec("logical_not", domain="bool", grad=False)
for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    np_rec(name, ((2, 3), (2, 3)), "int", grad=False)
np_rec("invert", domain="int", grad=False)
np_rec("add-int", ((2, 3), (3,)), "int", fname="add", grad=False)
np_rec(
    "floor_divide-int",
    ((2, 3), (2, 3)),
    ("int", "int"),
    fname="floor_divide",
    grad=False,
    make_args=lambda rng: (
        rng.integers(-7, 7, (2, 3)).astype(np.int32),
        rng.choice([-3, -2, 2, 3], (2, 3)).astype(np.int32),
    ),
)
np_rec(
    "remainder-int",
    ((2, 3), (2, 3)),
    fname="remainder",
    grad=False,
    make_args=lambda rng: (
        rng.integers(-7, 7, (2, 3)).astype(np.int32),
        rng.choice([-3, -2, 2, 3], (2, 3)).astype(np.int32),
    ),
)
np_rec(
    "power-int",
    ((2, 3), (2, 3)),
    fname="power",
    grad=False,
    make_args=lambda rng: (rng.integers(-3, 4, (2, 3)).astype(np.int32), rng.integers(0, 4, (2, 3)).astype(np.int32)),
)
# dtype promotion: int beside float, f32 beside f64, Python scalars stay weak
rec("numpy.add-int-float", fnp.add, jnp.add, shapes=((2, 3), (3,)), domain=("int", "real"))
rec(
    "numpy.multiply-f32-f64",
    fnp.multiply,
    jnp.multiply,
    make_args=lambda rng: (rng.normal(size=(3,)).astype(np.float32), rng.normal(size=(3,))),
    fd=False,
    atol=1e-6,
    rtol=1e-6,
)
rec("numpy.multiply-pyscalar", lambda x: fnp.multiply(x, 3.0), lambda x: jnp.multiply(x, 3.0))
rec(
    "numpy.add-pyscalar-f32",
    lambda x: fnp.add(2.0, x),
    lambda x: jnp.add(2.0, x),
    dtype="float32",
    fd=False,
    atol=1e-6,
    rtol=1e-6,
)
rec("numpy.multiply-pyint", lambda x: fnp.multiply(x, 2), lambda x: jnp.multiply(x, 2), domain="int", grad=False)
rec("numpy.power-const3", lambda x: fnp.power(x, 3), lambda x: jnp.power(x, 3))
rec("numpy.power-const-neg", lambda x: fnp.power(x, -2), lambda x: jnp.power(x, -2), domain="nonzero")
rec(
    "numpy.power-float-intarray",
    fnp.power,
    jnp.power,
    make_args=lambda rng: (rng.normal(size=(2, 3)), rng.integers(0, 4, (2, 3)).astype(np.int32)),
)
rec("numpy.power-zero-base", fnp.power, jnp.power, make_args=fixed([0.0, 0.0, 2.0], [2.0, 1.0, 0.0]), **SPECIAL)
rec("numpy.where", fnp.where, jnp.where, shapes=((2, 3), (2, 3), (2, 3)), domain=("bool", "real", "real"))
rec("numpy.where-broadcast", fnp.where, jnp.where, shapes=((2, 1), (3,), ()), domain=("bool", "real", "real"))
rec(
    "numpy.where-scalars",
    lambda c, x: fnp.where(c, x, 0.0),
    lambda c, x: jnp.where(c, x, 0.0),
    shapes=((2, 3), (2, 3)),
    domain=("bool", "real"),
)
rec("numpy.clip-const", lambda x: fnp.clip(x, -0.5, 0.5), lambda x: jnp.clip(x, -0.5, 0.5))
rec(
    "numpy.clip-arrays",
    fnp.clip,
    jnp.clip,
    make_args=lambda rng: (rng.normal(size=(2, 3)), rng.uniform(-1, -0.2, (3,)), rng.uniform(0.2, 1, (2, 1))),
)
rec("numpy.clip-lower", lambda x: fnp.clip(x, 0.1), lambda x: jnp.clip(x, 0.1))

# ---- fungrad.numpy: reductions ---------------------------------------------------------------------

for fname in ("sum", "mean", "max", "min", "amax", "amin", "var", "std"):
    for axis, keepdims in [(None, False), (1, True), (-1, False), ((0, 2), False)]:
        rec(
            f"numpy.{fname}-axis{axis}-keep{int(keepdims)}",
            lambda x, f=getattr(fnp, fname), a=axis, k=keepdims: f(x, axis=a, keepdims=k),
            lambda x, f=getattr(jnp, fname), a=axis, k=keepdims: f(x, axis=a, keepdims=k),
            shapes=((2, 3, 4),),
        )
rec("numpy.var-ddof", lambda x: fnp.var(x, axis=1, ddof=1), lambda x: jnp.var(x, axis=1, ddof=1), shapes=((3, 4),))
rec("numpy.std-ddof", lambda x: fnp.std(x, ddof=1), lambda x: jnp.std(x, ddof=1), shapes=((3, 4),))
rec("numpy.sum-int", fnp.sum, jnp.sum, domain="int", grad=False)
rec("numpy.sum-bool", lambda x: fnp.sum(x, axis=0), lambda x: jnp.sum(x, axis=0), domain="bool", grad=False)
rec("numpy.mean-int", fnp.mean, jnp.mean, domain="int", grad=False, atol=1e-6, rtol=1e-6)  # float32 result
rec(
    "numpy.sum-dtype",
    lambda x: fnp.sum(x, dtype=np.float32),
    lambda x: jnp.sum(x, dtype=np.float32),
    fd=False,
    atol=1e-6,
    rtol=1e-6,
)
rec("numpy.sum-special", fnp.sum, jnp.sum, make_args=fixed([[1.0, INF], [NAN, 0.0]]), **SPECIAL)
rec("numpy.max-ties", lambda x: fnp.max(x, axis=0), lambda x: jnp.max(x, axis=0), make_args=fixed(_TIES.T), **SPECIAL)
rec(
    "numpy.max-nan",
    lambda x: fnp.max(x, axis=1),
    lambda x: jnp.max(x, axis=1),
    make_args=fixed([[1.0, NAN, 2.0], [-INF, -INF, -INF]]),
    **SPECIAL,
)
for fname in ("argmax", "argmin"):
    for axis, keepdims in [(None, False), (0, False), (1, True), (-1, False)]:
        rec(
            f"numpy.{fname}-axis{axis}-keep{int(keepdims)}",
            lambda x, f=getattr(fnp, fname), a=axis, k=keepdims: f(x, axis=a, keepdims=k),
            lambda x, f=getattr(jnp, fname), a=axis, k=keepdims: f(x, axis=a, keepdims=k),
            shapes=((3, 4),),
            grad=False,
        )

# ---- fungrad.numpy: products -----------------------------------------------------------------------

for fname, shapes in [
    ("dot", ((3,), (3,))),
    ("dot", ((2, 3), (3,))),
    ("dot", ((3,), (3, 4))),
    ("dot", ((2, 3), (3, 4))),
    ("dot", ((2, 3, 4), (4, 5))),
    ("dot", ((), (2, 3))),
    ("matmul", ((2, 3), (3, 4))),
    ("matmul", ((3,), (3, 4))),
    ("matmul", ((2, 3), (3,))),
    ("matmul", ((2, 2, 3), (3, 4))),
    ("matmul", ((1, 2, 3), (4, 3, 2))),
    ("matmul", ((3,), (2, 3, 4))),
    ("outer", ((3,), (2,))),
    ("outer", ((2, 2), (3,))),
    ("inner", ((3,), (3,))),
    ("inner", ((2, 3), (4, 3))),
    ("vdot", ((2, 3), (2, 3))),
]:
    np_rec(f"{fname}-{shapes[0]}-{shapes[1]}", shapes, fname=fname)

# ---- fungrad.numpy: shapes -------------------------------------------------------------------------


def shape_rec(name, fun, ref, shapes, **kw):
    rec(f"numpy.{name}", fun, ref, shapes=shapes, **kw)


for mod_name, (fargs, shapes) in {
    "reshape": (((3, 2),), ((2, 3),)),
    "reshape-neg": (((-1, 2),), ((2, 3),)),
    "transpose": ((), ((2, 3, 4),)),
    "transpose-axes": (((1, 0, 2),), ((2, 3, 4),)),
    "transpose-neg": (((-1, 0, 1),), ((2, 3, 4),)),
    "swapaxes": ((0, 2), ((2, 3, 4),)),
    "swapaxes-neg": ((-1, 0), ((2, 3),)),
    "moveaxis": ((0, -1), ((2, 3, 4),)),
    "moveaxis-multi": (((0, 1), (2, 0)), ((2, 3, 4),)),
    "squeeze": ((), ((2, 1, 3, 1),)),
    "squeeze-axis": ((1,), ((2, 1, 3, 1),)),
    "squeeze-neg": ((-1,), ((2, 1, 3, 1),)),
    "expand_dims": ((0,), ((2, 3),)),
    "expand_dims-neg": ((-1,), ((2, 3),)),
    "expand_dims-multi": (((0, 3),), ((2, 3),)),
    "ravel": ((), ((2, 3),)),
    "broadcast_to": (((4, 2, 3),), ((2, 3),)),
    "broadcast_to-ones": (((2, 3),), ((1, 3),)),
    "flip": ((), ((2, 3),)),
}.items():
    fname = mod_name.split("-")[0]
    shape_rec(
        mod_name,
        lambda x, f=getattr(fnp, fname), a=fargs: f(x, *a),
        lambda x, f=getattr(jnp, fname), a=fargs: f(x, *a),
        shapes,
    )
shape_rec("concatenate", lambda x, y: fnp.concatenate([x, y]), lambda x, y: jnp.concatenate([x, y]), ((2, 3), (1, 3)))
shape_rec(
    "concatenate-axis",
    lambda x, y: fnp.concatenate([x, y], axis=-1),
    lambda x, y: jnp.concatenate([x, y], axis=-1),
    ((2, 3), (2, 1)),
)
shape_rec(
    "concatenate-none",
    lambda x, y: fnp.concatenate([x, y], axis=None),
    lambda x, y: jnp.concatenate([x, y], axis=None),
    ((2, 3), (4,)),
)
for axis in (0, 1, -1):
    shape_rec(
        f"stack-{axis}",
        lambda x, y, a=axis: fnp.stack([x, y], a),
        lambda x, y, a=axis: jnp.stack([x, y], a),
        ((2, 3), (2, 3)),
    )
shape_rec("stack-three", lambda x, y, z: fnp.stack([x, y, z]), lambda x, y, z: jnp.stack([x, y, z]), ((3,),) * 3)
shape_rec("split-sections", lambda x: fnp.split(x, 3, axis=1), lambda x: jnp.split(x, 3, axis=1), ((2, 6),))
shape_rec("split-indices", lambda x: fnp.split(x, [1, 3]), lambda x: jnp.split(x, [1, 3]), ((5, 2),))
shape_rec(
    "astype-f32",
    lambda x: fnp.astype(x, np.float32),
    lambda x: jnp.astype(x, np.float32),
    ((2, 3),),
    fd=False,
    atol=1e-6,
    rtol=1e-6,
)
shape_rec("astype-int", lambda x: fnp.astype(x, np.int32), lambda x: jnp.astype(x, np.int32), ((2, 3),), grad=False)
shape_rec(
    "asarray-dtype",
    lambda x: fnp.asarray(x, np.float64),
    lambda x: jnp.asarray(x, np.float64),
    ((2, 3),),
    domain="int",
    grad=False,
)
shape_rec("array", fnp.array, jnp.array, ((2, 3),))

# ---- fungrad.numpy: creation (differentiable in the fill value / endpoints) ------------------------

shape_rec("full", lambda v: fnp.full((2, 3), v), lambda v: jnp.full((2, 3), v), ((),))
shape_rec("full_like", lambda x: fnp.full_like(x, 2.0), lambda x: jnp.full_like(x, 2.0), ((2, 3),))
shape_rec("zeros_like", fnp.zeros_like, jnp.zeros_like, ((2, 3),))
shape_rec("ones_like", fnp.ones_like, jnp.ones_like, ((2, 3),))
shape_rec("zeros_like-int", fnp.zeros_like, jnp.zeros_like, ((2, 3),), domain="int", grad=False)
shape_rec("zeros-plus-x", lambda x: fnp.zeros((2, 3)) + x, lambda x: jnp.zeros((2, 3)) + x, ((3,),))
shape_rec("ones-times-x", lambda x: fnp.ones(3) * x, lambda x: jnp.ones(3) * x, ((2, 3),))
shape_rec("eye-times-x", lambda x: fnp.eye(3, 4, 1) * x, lambda x: jnp.eye(3, 4, 1) * x, ((3, 4),))
shape_rec("arange-plus-x", lambda x: fnp.arange(1, 7, 2) + x, lambda x: jnp.arange(1, 7, 2) + x, ((3,),))
shape_rec("linspace", lambda a, b: fnp.linspace(a, b, 5), lambda a, b: jnp.linspace(a, b, 5), ((), ()))
shape_rec(
    "linspace-noend",
    lambda a, b: fnp.linspace(a, b, 4, endpoint=False),
    lambda a, b: jnp.linspace(a, b, 4, endpoint=False),
    ((), ()),
)

# ---- fungrad.nn ------------------------------------------------------------------------------------

rec("nn.relu", fnn.relu, jnn.relu, domain="nonzero")
rec("nn.sigmoid", fnn.sigmoid, jnn.sigmoid)
rec("nn.softplus", fnn.softplus, jnn.softplus)
for axis in (-1, 0):
    rec(f"nn.softmax-{axis}", lambda x, a=axis: fnn.softmax(x, a), lambda x, a=axis: jnn.softmax(x, axis=a))
    rec(f"nn.log_softmax-{axis}", lambda x, a=axis: fnn.log_softmax(x, a), lambda x, a=axis: jnn.log_softmax(x, axis=a))
for axis, keepdims in [(None, False), (0, False), (1, True), ((0, 1), False)]:
    rec(
        f"nn.logsumexp-axis{axis}-keep{int(keepdims)}",
        lambda x, a=axis, k=keepdims: fnn.logsumexp(x, a, k),
        lambda x, a=axis, k=keepdims: jnn.logsumexp(x, a, keepdims=k),
    )
rec(
    "nn.one_hot",
    lambda x: fnn.one_hot(x, 4),
    lambda x: jnn.one_hot(x, 4),
    make_args=lambda rng: (rng.integers(-1, 5, (2, 3)).astype(np.int32),),
    grad=False,
)
rec(
    "nn.one_hot-axis0",
    lambda x: fnn.one_hot(x, 3, axis=0),
    lambda x: jnn.one_hot(x, 3, axis=0),
    make_args=lambda rng: (rng.integers(0, 3, (4,)).astype(np.int32),),
    grad=False,
)
rec(
    "nn.one_hot-f32",
    lambda x: fnn.one_hot(x, 3, dtype=np.float32),
    lambda x: jnn.one_hot(x, 3, dtype=np.float32),
    make_args=lambda rng: (rng.integers(0, 3, (4,)).astype(np.int32),),
    grad=False,
)
rec("nn.relu-special", fnn.relu, jnn.relu, make_args=fixed([0.0, -0.0, -1.0, 1.0, INF, -INF, NAN]), **SPECIAL)
rec("nn.sigmoid-special", fnn.sigmoid, jnn.sigmoid, make_args=fixed([0.0, 800.0, -800.0, INF, -INF]), **SPECIAL)
rec("nn.softplus-special", fnn.softplus, jnn.softplus, make_args=fixed([0.0, 800.0, -800.0, INF, -INF]), **SPECIAL)
rec(
    "nn.logsumexp-neginf",
    lambda x: fnn.logsumexp(x, 1),
    lambda x: jnn.logsumexp(x, 1),
    make_args=fixed([[-INF, -INF], [0.0, -INF], [1000.0, 1000.0]]),
    **SPECIAL,
)
rec(
    "nn.softmax-masked",
    fnn.softmax,
    jnn.softmax,
    make_args=fixed([[0.0, -INF, 1.0], [1000.0, 1000.0, -1000.0]]),
    **SPECIAL,
)
rec("nn.log_softmax-large", fnn.log_softmax, jnn.log_softmax, make_args=fixed([[1000.0, 0.0, -1000.0]]), **SPECIAL)
