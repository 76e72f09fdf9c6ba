"""``gaussian_kde`` and the spectral functions of ``fungrad.scipy.signal`` beyond the op records: the
estimator as a pytree through ``jit``/``vmap``/``grad``, ``resample``'s shapes and statistics, windows
and inverses against SciPy where fungrad follows SciPy rather than JAX, and the error messages."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.signal as jss
import jax.scipy.stats as jst
import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp
import fungrad.random as fr
import fungrad.scipy.signal as fss
import fungrad.scipy.stats as fst

jax.config.update("jax_enable_x64", True)
scipy_signal = pytest.importorskip("scipy.signal")

RNG = np.random.default_rng(0)
DATA = RNG.normal(size=(2, 7))
WEIGHTS = RNG.uniform(0.5, 2.0, size=7)
POINTS = RNG.normal(size=(2, 4))


# ---- gaussian_kde as a pytree ----------------------------------------------------------------------------


def test_kde_pytree_round_trip_matches_jax_leaf_order():
    kde = fst.gaussian_kde(DATA, weights=WEIGHTS)
    leaves, treedef = jax.tree_util.tree_flatten(kde)
    ref_leaves = jax.tree_util.tree_leaves(jst.gaussian_kde(DATA, weights=WEIGHTS))
    assert len(leaves) == 5
    for got, want in zip(leaves, ref_leaves):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    back = jax.tree_util.tree_unflatten(treedef, leaves)
    assert isinstance(back, fst.gaussian_kde) and (back.d, back.n) == (2, 7)
    np.testing.assert_allclose(back.logpdf(POINTS), kde.logpdf(POINTS), rtol=1e-12)


def test_kde_is_immutable_and_set_bandwidth_raises():
    kde = fst.gaussian_kde(DATA)
    with pytest.raises(AttributeError, match="immutable"):
        kde.dataset = DATA
    with pytest.raises(NotImplementedError, match="bandwidth"):
        kde.set_bandwidth("silverman")
    with pytest.raises(NotImplementedError, match="integrate_box_1d"):
        kde.integrate_box(np.zeros(2), np.ones(2))


def test_kde_through_jit_vmap_and_grad_of_the_object():
    kde = fungrad.jit(lambda d, w: fst.gaussian_kde(d, weights=w))(DATA, WEIGHTS)
    assert isinstance(kde, fst.gaussian_kde)
    np.testing.assert_allclose(kde.pdf(POINTS), jst.gaussian_kde(DATA, weights=WEIGHTS).pdf(POINTS), rtol=1e-10)
    # a kde passed into jit as an argument, and a batch of estimators from vmap
    out = fungrad.jit(lambda k, x: k.logpdf(x))(kde, POINTS)
    np.testing.assert_allclose(out, kde.logpdf(POINTS), rtol=1e-10)
    batch = np.stack([DATA, DATA + 1.0, 2 * DATA])
    kdes = fungrad.vmap(fst.gaussian_kde)(batch)
    assert kdes.dataset.shape == (3, 2, 7) and kdes.covariance.shape == (3, 2, 2)
    dens = fungrad.vmap(lambda k: k.pdf(POINTS))(kdes)
    for i in range(3):
        np.testing.assert_allclose(dens[i], jst.gaussian_kde(batch[i]).pdf(POINTS), rtol=1e-10)
    # the gradient with respect to the estimator itself is a gaussian_kde of cotangents, as in JAX (inv_cov
    # feeds a Cholesky factorization, whose cotangent splits the off-diagonal differently: compare (g + g^T) / 2)
    g = fungrad.grad(lambda k: k.logpdf(POINTS).sum())(fst.gaussian_kde(DATA, weights=WEIGHTS))
    want = jax.grad(lambda k: k.logpdf(POINTS).sum())(jst.gaussian_kde(DATA, weights=WEIGHTS))
    assert isinstance(g, fst.gaussian_kde)
    sym = lambda a: (np.asarray(a) + np.asarray(a).T) / 2 if np.ndim(a) == 2 and a.shape[0] == a.shape[1] else a
    for got, ref in zip(jax.tree_util.tree_leaves(g), jax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(sym(got), sym(ref), rtol=1e-8, atol=1e-10)


def test_kde_grad_in_data_weights_and_points_matches_jax():
    def loss(K):
        return lambda d, w, x: K(d, weights=w).logpdf(x).sum() + K(d, weights=w).integrate_kde(K(x))

    got = fungrad.grad(loss(fst.gaussian_kde), argnums=(0, 1, 2))(DATA, WEIGHTS, POINTS)
    want = jax.grad(loss(jst.gaussian_kde), argnums=(0, 1, 2))(DATA, WEIGHTS, POINTS)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


# ---- resample ----------------------------------------------------------------------------------------------


def test_resample_shapes_and_jax_draws():
    kde = fst.gaussian_kde(DATA, weights=WEIGHTS)
    assert kde.resample(fr.PRNGKey(0)).shape == (2,)
    assert kde.resample(fr.PRNGKey(0), (5,)).shape == (2, 5)
    assert kde.resample(fr.PRNGKey(0), (3, 4)).shape == (2, 3, 4)  # JAX's transpose would give (2, 4, 3)
    assert fst.gaussian_kde(DATA[0]).resample(fr.PRNGKey(0), 6).shape == (1, 6)
    want = jst.gaussian_kde(DATA, weights=WEIGHTS).resample(jax.random.PRNGKey(3), (6,))
    np.testing.assert_allclose(kde.resample(fr.PRNGKey(3), (6,)), want, rtol=1e-12)
    jitted = fungrad.jit(lambda k, key: k.resample(key, (6,)))(kde, fr.PRNGKey(3))
    np.testing.assert_allclose(jitted, want, rtol=1e-12)


def test_resample_statistics():
    data = np.array([[-2.0, 0.0, 3.0]])
    weights = np.array([0.2, 0.3, 0.5])
    kde = fst.gaussian_kde(data, bw_method=0.3, weights=weights)
    draws = np.asarray(kde.resample(fr.PRNGKey(1), (40000,)))[0]
    mean = float(weights @ data[0])
    var = float(weights @ (data[0] - mean) ** 2) + float(kde.covariance[0, 0])
    assert abs(draws.mean() - mean) < 0.05
    assert abs(draws.var() - var) < 0.1
    # each data point is picked in proportion to its weight (the kernels barely overlap at bw 0.3)
    nearest = np.argmin(np.abs(draws[:, None] - data[0][None, :]), axis=1)
    np.testing.assert_allclose(np.bincount(nearest) / draws.size, weights, atol=0.02)


# ---- gaussian_kde errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: fst.gaussian_kde(np.array([1.0 + 1j, 2.0])), NotImplementedError, "complex"),
        (lambda: fst.gaussian_kde(np.array([1.0])), ValueError, "multiple elements"),
        (lambda: fst.gaussian_kde(DATA, weights=np.ones((7, 1))), ValueError, "one-dimensional"),
        (lambda: fst.gaussian_kde(DATA, weights=np.ones(6)), ValueError, "length n=7"),
        (lambda: fst.gaussian_kde(DATA, bw_method="wide"), ValueError, "bw_method"),
        (lambda: fst.gaussian_kde(DATA).logpdf(np.zeros((3, 2))), ValueError, "dimension 3"),
        (lambda: fst.gaussian_kde(DATA).pdf(np.array([1j, 0.0])), NotImplementedError, "complex"),
        (lambda: fst.gaussian_kde(DATA).integrate_gaussian(np.zeros(3), np.eye(2)), ValueError, "mean"),
        (lambda: fst.gaussian_kde(DATA).integrate_gaussian(np.zeros(2), np.eye(3)), ValueError, "covariance"),
        (lambda: fst.gaussian_kde(DATA).integrate_box_1d(0.0, 1.0), ValueError, "1D"),
        (lambda: fst.gaussian_kde(DATA[0]).integrate_box_1d(np.zeros(2), 1.0), ValueError, "scalars"),
        (lambda: fst.gaussian_kde(DATA).integrate_kde(fst.gaussian_kde(DATA[0])), ValueError, "dimensionality"),
    ],
)
def test_kde_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- windows and inverses against SciPy ---------------------------------------------------------------------

WINDOWS = ["hann", "hamming", "blackman", "nuttall", "blackmanharris", "flattop", "boxcar", "bartlett", "triang",
           "cosine", ("kaiser", 4.0), ("gaussian", 1.5), "tukey", ("tukey", 0.3), ("tukey", 1.0), ("tukey", 0.0),
           "parzen"]  # fmt: skip


@pytest.mark.parametrize("window", WINDOWS, ids=str)
@pytest.mark.parametrize("n", [1, 7, 8])
def test_named_windows_match_scipy_get_window(window, n):
    x = RNG.normal(size=24)
    win = scipy_signal.get_window(window, n)
    _, _, got = fss.stft(x, window=window, nperseg=n, noverlap=0 if n == 1 else None)
    _, _, want = fss.stft(x, window=win, nperseg=n, noverlap=0 if n == 1 else None)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_window_needing_a_parameter():
    with pytest.raises(ValueError, match="needs a parameter"):
        fss.welch(np.ones(16), window="kaiser", nperseg=8)


def test_istft_inverts_where_jax_does_not():
    x = RNG.normal(size=20)
    # noverlap=0 (JAX reads it as nperseg // 2): a boxcar window satisfies NOLA without overlap
    _, _, z = fss.stft(x, window="boxcar", nperseg=4, noverlap=0)
    _, back = fss.istft(z, window="boxcar", nperseg=4, noverlap=0)
    np.testing.assert_allclose(back[:20], x, atol=1e-12)
    ref = scipy_signal.istft(np.asarray(z), window="boxcar", nperseg=4, noverlap=0)[1]
    np.testing.assert_allclose(back, ref, atol=1e-12)
    # odd nperseg with nfft=None (JAX raises a shape error)
    _, _, z = fss.stft(x, nperseg=7)
    _, back = fss.istft(z, nperseg=7)
    np.testing.assert_allclose(back[:20], x, atol=1e-12)
    np.testing.assert_allclose(back, scipy_signal.istft(np.asarray(z), nperseg=7)[1], atol=1e-12)


def test_detrend_callable_with_axis_follows_scipy():
    x = RNG.normal(size=(16, 2))

    def demean_time(seg, xp):  # the time axis of each segment sits at axis 0, as in x
        return seg - xp.mean(seg, axis=0, keepdims=True)

    _, _, got = fss.stft(x, nperseg=8, axis=0, detrend=lambda s: demean_time(s, fnp))
    _, _, want = scipy_signal.stft(x, nperseg=8, axis=0, detrend=lambda s: demean_time(s, np))
    np.testing.assert_allclose(got, want, atol=1e-12)
    _, _, constant = fss.stft(x, nperseg=8, axis=0, detrend="constant")
    np.testing.assert_allclose(got, constant, atol=1e-12)


def test_spectral_functions_under_grad_and_jit():
    x = RNG.normal(size=24)

    def loss(mod):
        def f(x):
            _, _, z = mod.stft(x, nperseg=8)
            _, back = mod.istft(z * (1 + 0.1 * jnp.arange(5.0)[:, None]), nperseg=8)
            _, p = mod.welch(back, nperseg=8, average="median")
            _, c = mod.csd(x, back, nperseg=8)
            return p.sum() + jnp.abs(c).sum() if mod is jss else p.sum() + fnp.abs(c).sum()

        return f

    want = jax.grad(loss(jss))(x)
    np.testing.assert_allclose(fungrad.grad(loss(fss))(x), want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fungrad.jit(fungrad.grad(loss(fss)))(x), want, rtol=1e-8, atol=1e-10)


def test_spectral_warnings():
    with pytest.warns(UserWarning, match="nperseg=256 is greater than input_length=16"):
        f, _, _ = fss.stft(np.ones(16))
    assert f.shape == (9,)
    with pytest.warns(UserWarning, match="complex"):
        f, _ = fss.welch(np.ones(16) * 1j, nperseg=8)
    assert f.shape == (8,)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fss.stft(np.ones(16), nperseg=8, boundary="wrap"), "boundary"),
        (lambda: fss.stft(np.ones(16), nperseg=8, noverlap=8), "noverlap"),
        (lambda: fss.stft(np.ones(16), nperseg=8, nfft=4), "nfft"),
        (lambda: fss.stft(np.ones(16), nperseg=0), "positive"),
        (lambda: fss.stft(np.ones(16), window=np.ones((2, 4)), nperseg=None), "1-D"),
        (lambda: fss.stft(np.ones(16), window=np.ones(4), nperseg=8), "different from length"),
        (lambda: fss.stft(np.ones(4), window=np.ones(8), nperseg=None), "longer than input"),
        (lambda: fss.stft(np.ones(16), nperseg=8, axis=2), "out of bounds"),
        (lambda: fss.welch(np.ones(16), nperseg=8, scaling="power"), "scaling"),
        (lambda: fss.welch(np.ones(16), nperseg=8, average="mode"), "average"),
        (lambda: fss.welch(np.ones(16), nperseg=8, detrend="quadratic"), "detrend"),
        (lambda: fss.welch(np.ones(16), nperseg=8, detrend=True), "detrend"),
        (lambda: fss.csd(np.ones((2, 16)), np.ones(16), nperseg=8), "same rank"),
        (lambda: fss.csd(np.ones((2, 16)), np.ones((3, 16)), nperseg=8), "broadcast"),
        (lambda: fss.istft(np.ones(5)), "at least 2-D"),
        (lambda: fss.istft(np.ones((5, 4)), time_axis=0, freq_axis=0), "must differ"),
        (lambda: fss.istft(np.ones((5, 4)), nperseg=8, noverlap=8), "noverlap"),
        (lambda: fss.istft(np.ones((5, 4)), nfft=6), "FFT length"),
        (lambda: fss.istft(np.ones((5, 4)), window=np.ones(6)), "length 8"),
    ],
)
def test_spectral_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
