"""Op records: complex dtypes through the elementwise, reduction, shape, indexing and product functions
of fungrad.numpy (issue 14.1). Each function runs with complex128 inputs against jax.numpy, with JAX's
complex derivatives (jvp, and the conjugate-convention vjp) as the oracle."""

from __future__ import annotations

import jax.numpy as jnp

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, call, shapes=((2, 3),), domain="complex", **kw):
    """``call(module, *args)`` written once, run with fungrad.numpy and with jax.numpy."""
    RECORDS.append(
        OpRecord(f"complex.{name}", lambda *a: call(fnp, *a), lambda *a: call(jnp, *a), tuple(shapes), domain, **kw)
    )


# Holomorphic elementwise functions (inputs are standard complex normals: off the branch cuts).
_UNARY = (
    *("sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh"),
    *("arctanh", "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "exp2", "square", "reciprocal"),
    *("negative", "positive", "conj", "real", "imag", "abs", "angle"),
)
for _name in _UNARY:
    # arccosh's branch cut is the real segment below 1; a sample there puts finite differences across it
    fd = _name != "arccosh"
    rec(_name, lambda m, z, _name=_name: getattr(m, _name)(z), fd=fd)

rec("power-int", lambda m, z: m.power(z, 3))
rec("power-complex", lambda m, z, w: m.power(z, w), shapes=[(3,), (3,)])
rec("float_power", lambda m, z: m.float_power(z, 2.5))
rec("pow-operator", lambda m, z, w: (z + 3.0) ** w, shapes=[(3,), (3,)])
rec(
    "divide-mixed",
    lambda m, x, z: m.divide(x, z) + m.true_divide(z, 2.0),
    shapes=[(3,), (3,)],
    domain=["real", "complex"],
)
rec("logaddexp", lambda m, z, w: m.logaddexp(z, w), shapes=[(3,), (3,)])
rec("sign", lambda m, z: m.sign(z), grad=False)
rec("where", lambda m, z, w: m.where(m.real(z) > 0, z, 2.0 * w), shapes=[(2, 3), (2, 3)])
rec("sinc", lambda m, z: m.sinc(z))
rec("isfinite-isnan", lambda m, z: m.isfinite(z) & ~m.isnan(z) & ~m.isinf(z), grad=False)
rec("equal", lambda m, z: m.equal(z, m.conj(m.conj(z))), grad=False)

# Reductions and scans.
rec("sum-axis", lambda m, z: m.sum(z, axis=1))
rec("prod", lambda m, z: m.prod(z, axis=0))
rec("mean", lambda m, z: m.mean(z))
rec("var", lambda m, z: m.var(z, axis=0))
rec("std-ddof", lambda m, z: m.std(z, ddof=1))
rec("cumsum", lambda m, z: m.cumsum(z, axis=1))
rec("cumprod", lambda m, z: m.cumprod(z, axis=1))
rec(
    "average-weights",
    lambda m, z, w: m.average(z, axis=0, weights=w),
    shapes=[(3, 2), (3,)],
    domain=["complex", "positive"],
)
rec("nansum", lambda m, z: m.nansum(z, axis=0))
rec("trace", lambda m, z: m.trace(z), shapes=[(3, 3)])

# Shapes, indexing and updates.
rec("reshape-transpose", lambda m, z: m.transpose(m.reshape(z, (3, 2))))
rec(
    "concatenate-stack",
    lambda m, z, w: m.stack([m.concatenate([z, w]), m.concatenate([w, z])]),
    shapes=[(1, 3), (1, 3)],
)
rec("flip-roll", lambda m, z: m.roll(m.flip(z, axis=1), 1))
rec("tile-repeat", lambda m, z: m.repeat(m.tile(z, (1, 2)), 2, axis=0))
rec("getitem", lambda m, z: z[m.array([1, 0, 1]), 1:])
rec("take", lambda m, z: m.take(z, m.array([2, 0]), axis=1))
rec("at-set", lambda m, z, w: m.asarray(z).at[0, 1:].set(w), shapes=[(2, 3), (2,)])
rec("at-add", lambda m, z, w: m.asarray(z).at[m.array([0, 0, 1])].add(w), shapes=[(2, 3), (3, 3)])
rec("at-multiply", lambda m, z, w: m.asarray(z).at[1].multiply(w), shapes=[(2, 3), (3,)])
rec("triu-diag", lambda m, z: m.triu(z) + m.diag(m.diag(z)), shapes=[(3, 3)])
rec("broadcast_to", lambda m, z: m.broadcast_to(z, (2, 2, 3)))
rec("sort", lambda m, z: m.sort(z, axis=1), grad=False)  # lexicographic on (real, imag); JAX has no jvp

# Products.
rec("dot", lambda m, a, b: m.dot(a, b), shapes=[(2, 3), (3,)])
rec("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), shapes=[(2, 3), (3, 2)])
rec("einsum-trace", lambda m, a: m.einsum("ii", a), shapes=[(3, 3)])
rec("tensordot", lambda m, a, b: m.tensordot(a, b, axes=1), shapes=[(2, 3), (3, 2)])
rec("inner-outer", lambda m, a, b: m.inner(a, b) * m.outer(a, b), shapes=[(3,), (3,)])
rec("vdot", lambda m, a, b: m.vdot(a, b), shapes=[(2, 3), (2, 3)])
rec("kron", lambda m, a, b: m.kron(a, b), shapes=[(2, 2), (1, 2)])
rec("convolve", lambda m, a, b: m.convolve(a, b), shapes=[(4,), (2,)])
rec("correlate", lambda m, a, b: m.correlate(a, b, mode="same"), shapes=[(4,), (3,)])
rec("matmul-mixed", lambda m, x, z: m.matmul(x, z), shapes=[(2, 3), (3, 2)], domain=["real", "complex"])
