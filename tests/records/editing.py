"""Op records for array editing and small utilities (fungrad/numpy/_editing.py, _pad.py, _vectorize.py)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes, **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(OpRecord(f"numpy.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), **kw))


# ---- pad: every mode, the pad_width forms, wide pads that reflect or wrap more than once ----------------
rec("pad-constant", lambda m, a: m.pad(a, ((1, 2), (0, 3))), [(2, 3)])
rec("pad-constant-int-width", lambda m, a: m.pad(a, 2, constant_values=1.5), [(3,)])
rec("pad-constant-values-traced", lambda m, a, c: m.pad(a, (1, 2), constant_values=c), [(2, 2), ()])
rec("pad-constant-values-pairs", lambda m, a, c: m.pad(a, 1, constant_values=c), [(2, 3), (2, 2)])
rec("pad-constant-complex", lambda m, a: m.pad(a, (2, 1), constant_values=1j), [(3,)], domain="complex")
rec("pad-edge", lambda m, a: m.pad(a, ((2, 1), (1, 0)), mode="edge"), [(2, 3)])
rec("pad-reflect", lambda m, a: m.pad(a, ((2, 3), (1, 1)), mode="reflect"), [(3, 2)])
rec("pad-reflect-wide", lambda m, a: m.pad(a, (7, 5), mode="reflect"), [(3,)])
rec("pad-reflect-odd", lambda m, a: m.pad(a, (5, 4), mode="reflect", reflect_type="odd"), [(3,)])
rec("pad-symmetric", lambda m, a: m.pad(a, ((1, 4), (2, 0)), mode="symmetric"), [(3, 2)])
rec("pad-symmetric-odd", lambda m, a: m.pad(a, 4, mode="symmetric", reflect_type="odd"), [(2, 3)])
rec("pad-wrap", lambda m, a: m.pad(a, ((4, 1), (2, 5)), mode="wrap"), [(2, 3)])
rec("pad-linear_ramp", lambda m, a: m.pad(a, ((2, 1), (3, 2)), mode="linear_ramp", end_values=(1.0, -2.0)), [(2, 3)])
rec("pad-linear_ramp-complex", lambda m, a: m.pad(a, (2, 1), mode="linear_ramp"), [(3,)], domain="complex")
rec("pad-maximum", lambda m, a: m.pad(a, ((1, 2), (2, 1)), mode="maximum"), [(2, 3)], fd=False)
rec("pad-minimum-stat_length", lambda m, a: m.pad(a, 2, mode="minimum", stat_length=2), [(4,)], fd=False)
rec("pad-mean", lambda m, a: m.pad(a, ((1, 2), (2, 1)), mode="mean"), [(2, 3)])
rec(
    "pad-mean-stat_length", lambda m, a: m.pad(a, ((1, 2), (2, 1)), mode="mean", stat_length=((1, 2), (2, 3))), [(3, 4)]
)
rec("pad-median", lambda m, a: m.pad(a, (2, 1), mode="median", stat_length=3), [(5,)], fd=False)
rec("pad-median-even", lambda m, a: m.pad(a, ((1, 1), (1, 2)), mode="median"), [(2, 4)])
rec("pad-empty", lambda m, a: m.pad(a, (1, 2), mode="empty"), [(3,)])
rec("pad-int", lambda m, a: m.pad(a, (2, 3), mode="reflect"), [(4,)], domain="int", grad=False)
rec("pad-int-mean", lambda m, a: m.pad(a, 2, mode="mean"), [(4,)], domain="int", grad=False)


def _pad_ends(row, pad_width, iaxis, kwargs):
    """A callable pad mode (NumPy's protocol): the padded ends become scaled copies of the row's ends."""
    before, after = pad_width
    row = row.at[:before].set(row[before] * 2.0)
    return row.at[row.shape[0] - after :].set(row[row.shape[0] - after - 1] * -1.0)


rec("pad-callable", lambda m, a: m.pad(a, ((1, 2), (2, 1)), _pad_ends), [(2, 3)])


def _ints(*shapes, low=-5, high=5, dtype=np.int32):
    return lambda rng: tuple(rng.integers(low, high, size=s).astype(dtype) for s in shapes)


def _int_and_floats(int_shape, n, float_shapes, low=-5, high=5):
    def make(rng):
        return (rng.integers(low, high, size=int_shape).astype(np.int32), *(rng.normal(size=s) for s in float_shapes))

    return make


def _unique_indices(n, k, *float_shapes):
    def make(rng):
        return (rng.permutation(n)[:k].astype(np.int32), *(rng.normal(size=s) for s in float_shapes))

    return make


# ---- select, choose, piecewise ----------------------------------------------------------------------------
rec("select", lambda m, a, b: m.select([a < -0.5, a > 0.5], [a * b, m.sin(a)], default=b), [(3, 4), (4,)])
rec("select-scalar-default", lambda m, a: m.select([a > 0], [a**2]), [(5,)])
rec("select-complex", lambda m, a, b: m.select([m.real(a) > 0], [a], default=b), [(4,), (4,)], domain="complex")
rec(
    "choose-clip",
    lambda m, i, a, b: m.choose(i, [a, b, 2 * a], mode="clip"),
    [],
    make_args=_int_and_floats((4, 3), 3, [(4, 3), (3,)]),
)
rec(
    "choose-wrap",
    lambda m, i, a, b: m.choose(i, [a, b], mode="wrap"),
    [],
    make_args=_int_and_floats((5,), 2, [(5,), ()]),
)
rec(
    "piecewise",
    lambda m, x: m.piecewise(x, [x < -0.5, x > 0.5], [lambda v: v**2, lambda v: m.sin(v), 0.25]),
    [(2, 5)],
)
rec("piecewise-default-zero", lambda m, x: m.piecewise(x, [x < 0], [lambda v: -3.0 * v]), [(6,)])

# ---- copy, insert, delete, resize, fill_diagonal ----------------------------------------------------------
rec("copy", lambda m, a: m.copy(a), [(2, 3)])
rec("delete-int", lambda m, a: m.delete(a, -1, axis=1), [(2, 4)])
rec("delete-slice", lambda m, a: m.delete(a, slice(0, 3, 2), axis=0), [(4, 2)])
rec("delete-array-flat", lambda m, a: m.delete(a, np.array([0, 4, 4, 5])), [(2, 3)])
rec("delete-mask", lambda m, a: m.delete(a, np.array([True, False, True]), axis=-1), [(2, 3)])
rec(
    "delete-traced-unique",
    lambda m, i, a: m.delete(a, i, axis=1, assume_unique_indices=True),
    [],
    make_args=_unique_indices(5, 2, (3, 5)),
)
rec("insert-scalar", lambda m, a, v: m.insert(a, 1, v, axis=1), [(2, 3), ()])
rec("insert-row", lambda m, a, v: m.insert(a, 2, v, axis=0), [(2, 3), (3,)])
rec("insert-list", lambda m, a, v: m.insert(a, np.array([0, 3, 3]), v, axis=1), [(2, 3), (2, 3)])
rec("insert-flat-slice", lambda m, a, v: m.insert(a, slice(0, 4, 2), v), [(2, 2), (2,)])
rec("insert-negative", lambda m, a, v: m.insert(a, np.array([-1, 0]), v), [(4,), (2,)])
rec("insert-traced", lambda m, i, a, v: m.insert(a, i, v, axis=0), [], make_args=_unique_indices(4, 2, (4, 2), (2, 2)))
rec("resize-grow", lambda m, a: m.resize(a, (3, 5)), [(2, 3)])
rec("resize-shrink", lambda m, a: m.resize(a, 4), [(2, 3)])
rec("fill_diagonal", lambda m, a, v: m.fill_diagonal(a, v, inplace=False), [(3, 4), ()])
rec("fill_diagonal-vector", lambda m, a, v: m.fill_diagonal(a, v, inplace=False), [(4, 3), (2,)])
rec("fill_diagonal-cube", lambda m, a, v: m.fill_diagonal(a, v, inplace=False), [(2, 2, 2), (2, 2)])

# ---- numerical utilities ------------------------------------------------------------------------------------
rec("unwrap", lambda m, p: m.unwrap(p * 3.0), [(2, 8)])
rec("unwrap-axis0-discont", lambda m, p: m.unwrap(p * 4.0, discont=5.0, axis=0), [(6, 2)])
rec("unwrap-period", lambda m, p: m.unwrap(p * 2.0, period=3.0), [(7,)])
rec("gcd", lambda m, a, b: m.gcd(a, b), [], make_args=_ints((6,), (6,), low=-30, high=30), grad=False)
rec("lcm", lambda m, a, b: m.lcm(a, b), [], make_args=_ints((6,), (), low=-12, high=12), grad=False)
rec("frexp", lambda m, x: m.frexp(x * 100.0), [(2, 5)])
rec("nextafter", lambda m, x, y: m.nextafter(x, y), [(4,), (4,)], grad=False)
rec("spacing", lambda m, x: m.spacing(x * 1e3), [(5,)], grad=False)
rec("bitwise_count", lambda m, x: m.bitwise_count(x), [], make_args=_ints((5,), low=-300, high=300), grad=False)
rec("packbits", lambda m, x: m.packbits(x, axis=1), [(2, 11)], domain="bool", grad=False)
rec(
    "packbits-little",
    lambda m, x: m.packbits(x, bitorder="little"),
    [],
    make_args=_ints((3, 4), low=0, high=2),
    grad=False,
)
rec(
    "unpackbits",
    lambda m, x: m.unpackbits(x, axis=0, count=10),
    [],
    make_args=_ints((2, 3), low=0, high=256, dtype=np.uint8),
    grad=False,
)
rec(
    "unpackbits-little",
    lambda m, x: m.unpackbits(x, bitorder="little"),
    [],
    make_args=_ints((3,), low=0, high=256, dtype=np.uint8),
    grad=False,
)

# ---- vector products and vectorization ---------------------------------------------------------------------
rec("matvec", lambda m, a, b: m.matvec(a, b), [(4, 2, 3), (3,)])
rec("matvec-complex", lambda m, a, b: m.matvec(a, b), [(2, 3), (2, 3)], domain="complex")
rec("vecmat", lambda m, a, b: m.vecmat(a, b), [(2,), (3, 2, 4)])
rec("vecmat-complex", lambda m, a, b: m.vecmat(a, b), [(2, 3), (3, 2)], domain="complex")
rec("vecdot", lambda m, a, b: m.vecdot(a, b), [(4, 3), (3,)])
rec("vecdot-axis", lambda m, a, b: m.vecdot(a, b, axis=0), [(3, 2), (3, 1)])
rec("vecdot-complex", lambda m, a, b: m.vecdot(a, b), [(2, 3), (3,)], domain="complex")
rec("vectorize", lambda m, a, b: m.vectorize(lambda x, y: m.sin(x) * y + x)(a, b), [(2, 1), (3,)])
rec(
    "vectorize-signature",
    lambda m, a, b: m.vectorize(lambda x, y: (x @ y, m.sum(x)), signature="(n,k),(k)->(n),()")(a, b),
    [(3, 1, 2, 4), (5, 4)],
)
rec(
    "vectorize-excluded",
    lambda m, a, b: m.vectorize(lambda x, s, y: x * s + y, excluded={1})(a, 3.0, b),
    [(2, 3), (3,)],
)
rec("apply_along_axis", lambda m, a: m.apply_along_axis(lambda r: m.cumsum(r[::-1] * r), 1, a), [(2, 3, 4)])
rec("apply_along_axis-outer", lambda m, a: m.apply_along_axis(lambda r: m.outer(r, r), 0, a), [(3, 2)])
rec("apply_over_axes", lambda m, a: m.apply_over_axes(m.sum, a, [0, 2]), [(2, 3, 4)])

# ---- complex operands (the compositions are holomorphic-agnostic gathers, scatters and selects) ----------
rec("pad-reflect-complex", lambda m, a: m.pad(a, (4, 2), mode="reflect", reflect_type="odd"), [(3,)], domain="complex")
rec("pad-wrap-complex", lambda m, a: m.pad(a, ((1, 0), (3, 4)), mode="wrap"), [(2, 2)], domain="complex")
rec("pad-mean-complex", lambda m, a: m.pad(a, 2, mode="mean", stat_length=2), [(3,)], domain="complex")
rec("insert-complex", lambda m, a, v: m.insert(a, 1, v), [(3,), ()], domain="complex")
rec("delete-complex", lambda m, a: m.delete(a, np.array([0, 2])), [(4,)], domain="complex")
rec("fill_diagonal-complex", lambda m, a, v: m.fill_diagonal(a, v, inplace=False), [(2, 3), (2,)], domain="complex")
rec(
    "choose-complex",
    lambda m, i, a, b: m.choose(i, [a, b], mode="clip"),
    [],
    make_args=lambda rng: (
        rng.integers(-1, 3, size=(4,)).astype(np.int32),
        rng.normal(size=4) + 1j * rng.normal(size=4),
        rng.normal(size=4) + 0j,
    ),
)
