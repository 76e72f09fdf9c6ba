"""Keyword parity with jax.numpy: code written for ``jax.numpy`` runs with only the import changed.

The signature test compares every ``jax.numpy`` function with its ``fungrad.numpy`` namesake: each
JAX parameter (positional-only ones and ``**kwargs`` aside) exists in fungrad, JAX's positional
parameters are fungrad's leading positional parameters in the same order (so positional calls bind
the same way), and defaults agree. Deliberate gaps are in the commented allow-lists below. The
behaviour tests pin what the new keywords do where an op record (tests/records/keyword_parity.py)
cannot: ``out=`` refusals, argument errors, ``device=``, ``copy=`` and the masked-derivative guarantees.
"""

from __future__ import annotations

import inspect
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
from fungrad.numpy import _searching

# JAX parameters fungrad leaves out, by parameter name (for every function) ...
MISSING_ANYWHERE = {
    # Output placement in JAX's explicit-sharding mode ("sharding in types"), which fungrad does not
    # model; fungrad places values with jit's in/out shardings and with_sharding_constraint.
    "out_sharding",
}
# ... and by function.
MISSING: dict[str, set[str]] = {}
# Defaults that differ on purpose.
DEFAULTS = {
    # jax.numpy's default inplace=True only exists to raise (JAX arrays are immutable); fungrad's False
    # makes the plain call work.
    ("put_along_axis", "inplace"),
    # a private JAX hook (the function einsum contracts with); fungrad accepts and ignores it.
    ("einsum", "_dot_general"),
}


def _params(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [p for p in sig.parameters.values() if p.kind not in (p.POSITIONAL_ONLY, p.VAR_KEYWORD)]


def _shared_functions():
    for name in sorted(set(dir(jnp)) & set(dir(fnp))):
        jfn, ffn = getattr(jnp, name), getattr(fnp, name)
        if name.startswith("_") or not callable(jfn) or isinstance(jfn, type) or inspect.ismodule(jfn):
            continue
        jparams, fparams = _params(jfn), _params(ffn)
        if jparams is not None and fparams is not None:
            yield name, jparams, fparams


def _positional(params):
    return [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]


def test_signatures_match_jax_numpy():
    problems = []
    for name, jparams, fparams in _shared_functions():
        fnames = {p.name: p for p in fparams}
        allowed = MISSING_ANYWHERE | MISSING.get(name, set())
        missing = [p.name for p in jparams if p.kind != p.VAR_POSITIONAL and p.name not in fnames]
        missing = [m for m in missing if m not in allowed]
        if missing:
            problems.append(f"{name}: missing {missing}")
        jpos, fpos = _positional(jparams), _positional(fparams)
        if fpos[: len(jpos)] != jpos:
            problems.append(f"{name}: positional parameters {fpos} do not start with jax.numpy's {jpos}")
        for p in jparams:
            q = fnames.get(p.name)
            if q is None or (name, p.name) in DEFAULTS:
                continue
            if (p.default is p.empty) != (q.default is q.empty) or (
                p.default is not p.empty and repr(p.default) != repr(q.default)
            ):
                problems.append(f"{name}: {p.name} defaults to {q.default!r}, jax.numpy's to {p.default!r}")
    assert not problems, "\n".join(problems)


def test_allow_lists_are_current():
    """An allow-list entry that is no longer needed is removed (the lists only shrink)."""
    seen_missing = set()
    for name, jparams, fparams in _shared_functions():
        fnames = {p.name for p in fparams}
        for p in jparams:
            if p.name not in fnames:
                seen_missing.add((name, p.name))
    stale = [(n, p) for n, ps in MISSING.items() for p in ps if (n, p) not in seen_missing]
    assert not stale, f"remove these from MISSING: {stale}"


# ---- out= is refused, as in jax.numpy ----

X = np.array([[1.0, 4.0, 2.0], [3.0, 0.0, 5.0]])


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.sum(X, out=1),
        lambda m: m.prod(X, out=1),
        lambda m: m.max(X, out=1),
        lambda m: m.amin(X, out=1),
        lambda m: m.mean(X, out=1),
        lambda m: m.var(X, out=1),
        lambda m: m.std(X, out=1),
        lambda m: m.argmax(X, out=1),
        lambda m: m.all(X, out=1),
        lambda m: m.any(X, out=1),
        lambda m: m.cumsum(X, out=1),
        lambda m: m.cumprod(X, out=1),
        lambda m: m.nancumsum(X, out=1),
        lambda m: m.nansum(X, out=1),
        lambda m: m.nanmax(X, out=1),
        lambda m: m.nanmean(X, out=1),
        lambda m: m.nanvar(X, out=1),
        lambda m: m.nanargmin(X, out=1),
        lambda m: m.ptp(X, out=1),
        lambda m: m.round(X, out=1),
        lambda m: m.around(X, out=1),
        lambda m: m.take(X, 0, out=1),
        lambda m: m.trace(X, out=1),
        lambda m: m.outer(X, X, out=1),
        lambda m: m.stack([X], out=1),
        lambda m: m.modf(X, out=1),
        lambda m: m.isneginf(X, out=1),
        lambda m: m.isposinf(X, out=1),
    ],
)
def test_out_is_not_supported(call):
    with pytest.raises(NotImplementedError, match="'out' argument"):
        call(fnp)
    with pytest.raises(NotImplementedError):
        call(jnp)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.quantile(X, 0.5, out=1),
        lambda m: m.percentile(X, 50.0, overwrite_input=True),
        lambda m: m.median(X, out=1),
        lambda m: m.nanquantile(X, 0.5, out=1),
    ],
)
def test_quantile_out_and_overwrite_input_are_refused(call):
    for m in (fnp, jnp):
        with pytest.raises(ValueError, match="overwrite_input"):
            call(m)


# ---- argument errors, as jax.numpy's ----


def test_where_mask_must_be_boolean():
    with pytest.raises(ValueError, match="where must be None or a boolean array"):
        fnp.sum(X, where=np.array([1, 0, 1]))


def test_max_with_where_needs_initial():
    with pytest.raises(ValueError, match="'initial'"):
        fnp.max(X, where=X > 1)


def test_initial_must_be_a_scalar():
    with pytest.raises(ValueError, match="initial value must be a scalar"):
        fnp.sum(X, initial=np.ones(2))


def test_ddof_and_correction_are_exclusive():
    with pytest.raises(ValueError, match="ddof and correction"):
        fnp.var(X, ddof=1, correction=1)


def test_weights_need_inverted_cdf():
    with pytest.raises(NotImplementedError, match="inverted_cdf"):
        fnp.quantile(X, 0.5, weights=np.ones_like(X))


def test_order_other_than_k_is_not_implemented():
    with pytest.raises(NotImplementedError, match="order"):
        fnp.asarray(X, order="C")
    with pytest.raises(NotImplementedError, match="order"):
        fnp.reshape(X, (3, 2), order="A")


# ---- masked reductions: zero derivative for masked elements, never NaN ----


def test_masked_max_gradient_is_zero_at_masked_elements_even_if_infinite():
    x = np.array([[1.0, np.inf, 3.0], [np.nan, 2.0, -1.0]])
    mask = np.array([[True, False, True], [False, True, True]])
    g = fungrad.grad(lambda x: fnp.sum(fnp.max(x, axis=1, where=mask, initial=-5.0)))(x)
    np.testing.assert_array_equal(np.asarray(g), [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])


@pytest.mark.parametrize("name", ["sum", "mean", "var", "std", "prod", "nansum", "nanmean", "nanvar", "nanstd"])
def test_masked_reduction_gradients_ignore_masked_infinities(name):
    x = np.array([[1.0, np.inf, 3.0], [-np.inf, 2.0, -1.0]])
    mask = np.isfinite(x)
    g = np.asarray(fungrad.grad(lambda x: fnp.sum(getattr(fnp, name)(x, axis=1, where=mask)))(x))
    assert np.all(np.isfinite(g)), g
    assert np.all(g[~mask] == 0.0), g
    want = jax.grad(lambda x: jnp.sum(getattr(jnp, name)(x, axis=1, where=mask)))(np.where(mask, x, 0.0))
    np.testing.assert_allclose(g[mask], np.asarray(want)[mask], rtol=1e-6)


def test_all_masked_var_is_nan_with_finite_gradient():
    x = np.array([1.0, 2.0])
    out = fnp.var(x, where=np.array([False, False]))
    assert np.isnan(out) and np.isnan(jnp.var(x, where=np.array([False, False])))
    g = fungrad.grad(lambda x: fnp.var(x, where=np.array([True, False]), ddof=1))(x)
    assert np.all(np.isfinite(np.asarray(g)))


# ---- device=, copy=, creation keywords ----

DEVICE = jax.devices()[0]


@pytest.mark.parametrize(
    "make",
    [
        lambda: fnp.zeros(3, device=DEVICE),
        lambda: fnp.ones((2,), device=DEVICE),
        lambda: fnp.full((2,), 7.0, device=DEVICE),
        lambda: fnp.zeros_like(X, device=DEVICE),
        lambda: fnp.ones_like(X, device=DEVICE),
        lambda: fnp.full_like(X, 1, device=DEVICE),
        lambda: fnp.arange(3, device=DEVICE),
        lambda: fnp.linspace(0.0, 1.0, 3, device=DEVICE),
        lambda: fnp.eye(2, device=DEVICE),
        lambda: fnp.asarray(X, device=DEVICE),
        lambda: fnp.array(X, device=jax.sharding.SingleDeviceSharding(DEVICE)),
        lambda: fnp.astype(X, np.float32, device=DEVICE),
    ],
)
def test_device_places_concrete_results(make):
    assert make().devices() == {DEVICE}


def test_device_is_left_to_the_transformation_under_tracing():
    f = lambda x: fnp.asarray(x, device=DEVICE) * fnp.ones(2, device=DEVICE)  # noqa: E731
    np.testing.assert_allclose(fungrad.jit(f)(np.ones(2)), [1.0, 1.0])
    np.testing.assert_allclose(fungrad.grad(lambda x: fnp.sum(f(x)))(np.ones(2)), [1.0, 1.0])
    np.testing.assert_allclose(fungrad.vmap(f)(np.ones((3, 2))), np.ones((3, 2)))


def test_copy():
    x = jnp.arange(3.0)
    assert fnp.array(x) is not x and fnp.asarray(x, copy=True) is not x
    assert fnp.asarray(x) is x and fnp.asarray(x, copy=False) is x
    assert fnp.array(x, copy=False) is x
    np.testing.assert_array_equal(fnp.array(x), x)


def test_array_positional_copy_order_ndmin_are_deprecated_as_in_jax():
    with pytest.warns(DeprecationWarning, match="positionally"):
        out = fnp.array([1.0, 2.0], None, True, "K", 2)
    assert out.shape == (1, 2)


def test_creation_keywords():
    np.testing.assert_array_equal(fnp.eye(N=2, M=3, k=1), jnp.eye(N=2, M=3, k=1))
    assert fnp.size(X, axis=1) == jnp.size(X, axis=1) == 3
    assert fnp.size(X, axis=(0, 1)) == 6
    assert fnp.ndim(a=X) == 2 and fnp.shape(a=X) == (2, 3)
    assert fnp.argsort(X, dtype=np.int16).dtype == jnp.argsort(X, dtype=np.int16).dtype
    samples, step = fnp.linspace(0.0, 1.0, 5, retstep=True)
    want_samples, want_step = jnp.linspace(0.0, 1.0, 5, retstep=True)
    np.testing.assert_allclose(samples, want_samples)
    assert float(step) == float(want_step)


def test_linspace_under_jit_and_grad():
    f = lambda a, b: fnp.linspace(a, b, 4, retstep=True, axis=-1)  # noqa: E731
    a, b = np.zeros(2), np.array([1.0, 3.0])
    got, want = fungrad.jit(f)(a, b), jnp.linspace(a, b, 4, retstep=True, axis=-1)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)


# ---- renamed parameters and new keywords, called the jax.numpy way ----


def test_jax_numpy_keyword_calls():
    calls = [
        lambda m: m.reshape(X, shape=(3, 2)),
        lambda m: m.reshape(a=X, shape=(6,), copy=True),
        lambda m: m.ravel(a=X, order="F"),
        lambda m: m.sum(a=X, axis=0),
        lambda m: m.max(a=X, axis=1),
        lambda m: m.argmax(a=X, keepdims=True),
        lambda m: m.round(a=X, decimals=1),
        lambda m: m.expand_dims(a=X, axis=0),
        lambda m: m.flip(m=X, axis=0),
        lambda m: m.moveaxis(a=X, source=0, destination=1),
        lambda m: m.squeeze(a=X[None]),
        lambda m: m.swapaxes(a=X, axis1=0, axis2=1),
        lambda m: m.transpose(a=X),
        lambda m: m.split(ary=X, indices_or_sections=3, axis=1),
        lambda m: m.broadcast_to(array=X[0], shape=(2, 3)),
        lambda m: m.full_like(a=X, fill_value=2.0),
        lambda m: m.clip(X, min=1.0, max=3.0),
        lambda m: m.clip(X, max=3.0),
        lambda m: m.concatenate([X, X], axis=None, dtype=np.float32),
        lambda m: m.stack([X, X], dtype=np.float32),
        lambda m: m.corrcoef(X, dtype=np.float32),
        lambda m: m.cov(X, dtype=np.float32),
        lambda m: m.digitize(X, np.array([0.0, 2.0, 4.0]), method="compare_all"),
        lambda m: m.polyval(np.array([1.0, 2.0]), X, unroll=2),
        lambda m: m.polymul(np.array([0.0, 1.0, 2.0]), np.array([0.0, 3.0]), trim_leading_zeros=True),
        lambda m: m.take_along_axis(X, np.array([[0], [2]])),
        lambda m: m.median(X, 1, None, False, True),
        lambda m: m.quantile(X, 0.5, 1, None, False, "lower", True),
        lambda m: m.nanargmax(np.array([[np.nan, np.nan], [1.0, np.nan]]), axis=1),
        lambda m: m.argmax(X, keepdims=True),
        lambda m: m.nanmax(np.array([np.nan, np.nan]), initial=0.0),
        lambda m: m.sum(X.astype(np.int8), promote_integers=False),
        lambda m: m.searchsorted(np.array([1.0, 2.0, 3.0]), 2.5, method="sort"),
    ]
    for call in calls:
        got, want = call(fnp), call(jnp)
        for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)
            assert np.asarray(g).dtype == np.asarray(w).dtype, (g, w)


def test_one_argument_where():
    cond = np.array([[0, 1], [2, 0]])
    for got, want in zip(_searching.where(cond, size=3, fill_value=-1), jnp.where(cond, size=3, fill_value=-1)):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="both or neither"):
        _searching.where(cond, 1.0)


def test_clip_old_keywords_still_work_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="a_min"):
        out = fnp.clip(X, a_min=1.0, a_max=3.0)
    np.testing.assert_array_equal(out, jnp.clip(X, 1.0, 3.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fnp.clip(X, 1.0, 3.0)
