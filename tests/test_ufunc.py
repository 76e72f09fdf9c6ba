"""fungrad.numpy's ufunc objects beyond the op records (tests/records/ufuncs.py): the same set of ufuncs as
jax.numpy with the same attributes, errors that name the fix, hashing, and derivatives JAX cannot give."""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad.testing import check_grads

JAX_UFUNCS = sorted(n for n in dir(jnp) if isinstance(getattr(jnp, n), jnp.ufunc))


def test_the_same_names_are_ufuncs_with_the_same_attributes():
    assert JAX_UFUNCS == sorted(n for n in dir(fnp) if isinstance(getattr(fnp, n), fnp.ufunc))
    for name in JAX_UFUNCS:
        ours, theirs = getattr(fnp, name), getattr(jnp, name)
        assert (ours.nin, ours.nout, ours.nargs, ours.__name__) == (theirs.nin, theirs.nout, theirs.nargs, name)
        assert ours.identity == theirs.identity or (np.isnan(ours.identity) and np.isnan(theirs.identity)), name
        assert ours.__doc__, name


def test_a_ufunc_is_a_function_with_out_and_where_keywords():
    assert str(inspect.signature(fnp.add)) == "(x, y, /, *, out=None, where=None)"
    assert repr(fnp.maximum) == "<fnp.ufunc 'maximum'>"
    np.testing.assert_array_equal(fnp.add(np.arange(3), 1), [1, 2, 3])
    with pytest.raises(NotImplementedError, match="fnp.where"):
        fnp.add(1.0, 2.0, where=True)
    with pytest.raises(NotImplementedError, match="immutable"):
        fnp.add(1.0, 2.0, out=np.zeros(()))
    with pytest.raises(TypeError, match="takes 2 positional"):
        fnp.add(1.0)


def test_ufuncs_are_hashable_and_can_be_static_jit_arguments():
    h = fnp.frompyfunc(lambda a, b: a * b, 2, 1, identity=1)
    assert h == fnp.ufunc(h._func, 2, 1, identity=1) and hash(h) == hash(fnp.ufunc(h._func, 2, 1, identity=1))
    assert fnp.add != fnp.multiply and len({fnp.add, fnp.add, fnp.multiply}) == 2
    reduce = fungrad.jit(lambda uf, x: uf.reduce(x), static_argnums=0)
    np.testing.assert_allclose(reduce(fnp.multiply, np.arange(1.0, 5.0)), 24.0)
    np.testing.assert_allclose(reduce(h, np.arange(1.0, 5.0)), 24.0)


def test_errors_name_the_method_and_the_fix():
    with pytest.raises(NotImplementedError, match="inplace=False"):
        fnp.add.at(np.zeros(3), 0, 1.0)
    with pytest.raises(ValueError, match="needs `initial=`"):
        fnp.maximum.reduce(np.ones(3), where=np.array([True, False, True]))
    with pytest.raises(ValueError, match="no identity"):
        fnp.subtract.reduce(np.ones((0, 2)))
    with pytest.raises(ValueError, match="binary ufuncs"):
        fnp.negative.reduce(np.ones(3))
    with pytest.raises(ValueError, match="exactly for a binary ufunc"):
        fnp.add.at(np.zeros(3), 0, inplace=False)
    with pytest.raises(fungrad.FungradTypeError, match="bool mask"):
        fnp.add.reduce(np.ones(3), where=np.ones(3))
    with pytest.raises(ValueError, match="one integer axis"):
        fnp.add.accumulate(np.ones((2, 2)), axis=None)


def test_empty_reductions_start_from_the_identity_or_initial():
    np.testing.assert_array_equal(fnp.add.reduce(np.ones((0, 2))), [0.0, 0.0])
    np.testing.assert_array_equal(fnp.maximum.reduce(np.ones((0, 2)), initial=-1.0), [-1.0, -1.0])
    h = fnp.frompyfunc(lambda a, b: a + 2 * b, 2, 1, identity=0.0)
    np.testing.assert_array_equal(h.reduce(np.ones((0, 2))), [0.0, 0.0])
    assert fnp.add.accumulate(np.ones((0, 2))).shape == (0, 2)


def test_general_forms_match_jax_on_ints_and_bools():
    x = np.array([[3, 5, 6], [1, 2, 12]])
    for name in ("bitwise_and", "bitwise_xor", "subtract", "maximum"):
        np.testing.assert_array_equal(getattr(fnp, name).reduce(x, axis=1), getattr(jnp, name).reduce(x, axis=1))
        np.testing.assert_array_equal(
            getattr(fnp, name).accumulate(x, axis=1), getattr(jnp, name).accumulate(x, axis=1)
        )
    b = np.array([[True, False, True], [True, True, True]])
    for name in ("logical_and", "logical_or", "logical_xor"):
        np.testing.assert_array_equal(getattr(fnp, name).reduce(b, axis=1), getattr(jnp, name).reduce(b, axis=1))


def test_multiply_at_differentiates_repeated_updates():
    """JAX refuses the update derivative of a repeated-index multiply scatter; fungrad gives the product rule."""
    idx = np.array([0, 2, 0, 0])

    def f(a, b):
        return fnp.multiply.at(a, idx, b, inplace=False)

    a, b = np.array([1.5, -0.5, 2.0]), np.array([0.7, -1.2, 1.3, 0.0])  # a zero update: the exact form matters
    check_grads(f, (a, b), order=1, modes=("fwd", "rev"))
    # second order is exact while no update sharing a position is exactly zero (docs/reliability.md)
    check_grads(f, (a, np.array([0.7, -1.2, 1.3, 0.4])), order=2, modes=("fwd", "rev"))
    want = jax.jacfwd(lambda b: jnp.asarray(a).at[0].multiply(b[0] * b[2] * b[3]).at[2].multiply(b[1]))(b)
    np.testing.assert_allclose(fungrad.jacrev(f, argnums=1)(a, b), want, atol=1e-12)


def test_general_at_applies_repeated_indices_in_order():
    shift = fnp.frompyfunc(lambda a, b: 2 * a + b, 2, 1)
    out = shift.at(np.zeros(3), np.array([1, 1, 2]), np.array([1.0, 3.0, 5.0]), inplace=False)
    np.testing.assert_array_equal(out, [0.0, 2 * (2 * 0 + 1) + 3, 5.0])
    grads = fungrad.grad(lambda b: fnp.sum(shift.at(np.zeros(3), np.array([1, 1]), b, inplace=False)))
    np.testing.assert_array_equal(grads(np.array([1.0, 3.0])), [2.0, 1.0])


def test_ufunc_methods_under_vmap_and_jit_of_grad():
    x = np.random.default_rng(0).normal(size=(4, 3))

    def loss(v):
        return fnp.sum(fnp.logaddexp.accumulate(v) * fnp.subtract.reduce(v)) + fnp.maximum.reduce(v)

    def jax_loss(v):
        return jnp.sum(jnp.logaddexp.accumulate(v) * jnp.subtract.reduce(v)) + jnp.maximum.reduce(v)

    got = fungrad.jit(fungrad.vmap(fungrad.grad(loss)))(x)
    np.testing.assert_allclose(got, jax.vmap(jax.grad(jax_loss))(x), rtol=1e-10)
