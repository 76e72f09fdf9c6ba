"""Programs written for jax.numpy / jax.scipy, run on fungrad with only the imports changed (issue 14).

Each program is written once against a namespace of modules (``np``, ``sp`` for scipy, ``lax``) and run
twice: with JAX's modules under ``jax.grad`` and with fungrad's under ``fungrad.grad`` (and ``jit``).
Values and gradients must agree in float64. The programs use the pieces issue 14 added: complex
numbers, FFT, SciPy special functions, distributions and linear algebra, and the wider NumPy API.
"""

from __future__ import annotations

import types

import jax
import jax.numpy as jnp
import jax.scipy as jsp
import numpy as np
import pytest

import fungrad
import fungrad.lax as flax
import fungrad.numpy as fnp
import fungrad.scipy as fsp

JAX = types.SimpleNamespace(np=jnp, sp=jsp, lax=jax.lax, grad=jax.grad, jit=jax.jit, vmap=jax.vmap)
FUNGRAD = types.SimpleNamespace(np=fnp, sp=fsp, lax=flax, grad=fungrad.grad, jit=fungrad.jit, vmap=fungrad.vmap)
RNG = np.random.default_rng(14)


def lowpass_deconvolution(m):
    """Fit a signal whose low-passed, circularly blurred version matches noisy data (FFT throughout)."""

    def loss(signal, kernel, data):
        n = signal.shape[0]
        freqs = m.np.fft.rfftfreq(n, d=0.1)
        blurred = m.np.fft.irfft(m.np.fft.rfft(signal) * m.np.fft.rfft(kernel, n=n) * m.np.exp(-(freqs**2)), n=n)
        centred = m.np.fft.fftshift(m.np.fft.fft(blurred - data))
        return m.np.sum(m.np.abs(centred) ** 2) / n + 1e-2 * m.np.sum(m.np.diff(signal) ** 2)

    args = (RNG.normal(size=16), RNG.normal(size=5), RNG.normal(size=16))
    return loss, args, (0, 1)


def quantum_circuit(m):
    """Expectation of Z on qubit 0 after rotations and an entangler: complex states, kron, vdot."""

    def expectation(angles):
        def rot(theta, phi):
            c, s = m.np.cos(theta / 2), m.np.sin(theta / 2)
            return m.np.array([[c, -m.np.exp(1j * phi) * s], [m.np.exp(1j * phi) * s, c]])

        cnot = m.np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=m.np.complex128)
        state = m.np.zeros(4, dtype=m.np.complex128).at[0].set(1.0)
        for layer in range(2):
            u = m.np.kron(rot(angles[layer, 0], angles[layer, 1]), rot(angles[layer, 2], angles[layer, 3]))
            state = cnot @ (u @ state)
        z0 = m.np.kron(m.np.diag(m.np.array([1.0, -1.0])), m.np.eye(2)).astype(m.np.complex128)
        return m.np.real(m.np.vdot(state, z0 @ state))

    return expectation, (RNG.uniform(0, np.pi, size=(2, 4)),), (0,)


def gaussian_process(m):
    """Negative log marginal likelihood of a GP: Cholesky, triangular solves, cho_solve, log-determinant."""

    def nll(log_lengthscale, log_noise, x, y):
        d2 = (x[:, None] - x[None, :]) ** 2
        k = m.np.exp(-0.5 * d2 / m.np.exp(2 * log_lengthscale)) + m.np.exp(2 * log_noise) * m.np.eye(x.shape[0])
        chol = m.np.linalg.cholesky(k)
        alpha = m.sp.linalg.cho_solve((chol, True), y)
        white = m.sp.linalg.solve_triangular(chol, y, lower=True)
        logdet = 2 * m.np.sum(m.np.log(m.np.diagonal(chol)))
        fit = 0.5 * m.np.dot(y, alpha) + 0.25 * m.np.dot(white, white)
        return fit + 0.5 * logdet - m.np.sum(m.sp.stats.norm.logpdf(y, 0.0, 3.0))

    x = np.linspace(0, 3, 8)
    return nll, (np.log(0.7), np.log(0.3), x, np.sin(2 * x) + 0.1 * RNG.normal(size=8)), (0, 1)


def bayesian_logistic(m):
    """Log posterior of a logistic regression with Beta and Gamma priors (scipy.special and stats)."""

    def log_posterior(w, log_tau, features, labels):
        logits = features @ w
        loglik = m.np.sum(
            labels * m.np.log(m.sp.special.expit(logits)) + (1 - labels) * m.np.log(m.sp.special.expit(-logits))
        )
        tau = m.np.exp(log_tau)
        prior = m.np.sum(m.sp.stats.norm.logpdf(w, 0.0, 1 / m.np.sqrt(tau))) + m.sp.stats.gamma.logpdf(tau, 2.0)
        squash = m.sp.stats.beta.logpdf(m.sp.special.expit(w[0]), 2.0, 2.0)
        mixture = m.sp.special.logsumexp(logits, b=m.np.linspace(0.5, 1.5, logits.shape[0]))
        return loglik + prior + squash + log_tau - 0.01 * mixture + m.sp.special.gammaln(tau + 1)

    features = RNG.normal(size=(12, 3))
    labels = (RNG.random(12) < 0.5).astype(float)
    return log_posterior, (RNG.normal(size=3), 0.2, features, labels), (0, 1)


def robust_statistics(m):
    """A trimmed, NaN-aware summary: nan-reductions, percentiles, sorting, cumulative sums, histograms."""

    def summary(x):
        x = m.np.where(x > 2.0, m.np.nan, x)
        centred = x - m.np.nanmean(x, axis=0)
        spread = m.np.nanstd(centred, axis=0) + m.np.percentile(m.np.nan_to_num(x), 75, axis=0)
        ranks = m.np.cumsum(m.np.sort(m.np.nan_to_num(centred), axis=0), axis=0)
        counts, _ = m.np.histogram(m.np.nan_to_num(x), bins=4, range=(-3.0, 3.0))
        return m.np.sum(spread**2) + m.np.sum(m.np.tanh(ranks)) + m.np.sum(counts) * m.np.nanmax(x)

    return summary, (RNG.normal(size=(10, 3)),), (0,)


def image_filter(m):
    """Blur an image with a Gaussian built on a coordinate grid, after reflect-padding its border."""

    def loss(image, log_sigma):
        yy, xx = m.np.meshgrid(m.np.arange(-2.0, 3.0), m.np.arange(-2.0, 3.0), indexing="ij")
        kernel = m.np.exp(-(xx**2 + yy**2) / (2 * m.np.exp(2 * log_sigma)))
        kernel = kernel / kernel.sum()
        padded = m.np.pad(image, 2, mode="reflect")
        blurred = m.sp.signal.convolve2d(padded, kernel, mode="valid")
        edges = m.np.pad(m.np.diff(blurred, axis=1), ((0, 0), (1, 0)), mode="edge")
        return m.np.sum((blurred - image) ** 2) + m.np.mean(m.np.abs(edges))

    return loss, (RNG.normal(size=(7, 6)), np.log(0.8)), (0, 1)


def hermitian_spectrum(m):
    """Spectral quantities of a complex Hermitian matrix: eigh, expm, the nuclear norm, pinv and lstsq."""

    def loss(a_re, a_im, b):
        a = a_re + 1j * a_im
        h = a + a.conj().T
        evals, evecs = m.np.linalg.eigh(h)
        propagator = m.sp.linalg.expm(-1j * 0.1 * h)
        overlap = m.np.abs(m.np.vdot(evecs[:, 0], propagator @ evecs[:, -1])) ** 2
        fit = m.np.linalg.lstsq(a_re, b)[0]
        return (
            m.np.sum(evals**2)
            + overlap
            + m.np.linalg.norm(a, ord="nuc")
            + m.np.sum(m.np.linalg.pinv(a_re) ** 2)
            + m.np.sum(fit**2)
        )

    return loss, (RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1, 2)


def grouped_statistics(m):
    """Per-group means with static-size unique/bincount, lookups with searchsorted, isin and interp."""

    def loss(values, groups, grid):
        labels, inverse = m.np.unique(groups, return_inverse=True, size=4, fill_value=-1)
        sums = m.np.bincount(inverse.ravel(), weights=values, length=4)
        counts = m.np.bincount(inverse.ravel(), length=4)
        means = sums / m.np.maximum(counts, 1)
        picked = m.np.where(m.np.isin(groups, m.np.array([1, 3])), values, 0.0)
        where = m.np.searchsorted(grid, values)
        smooth = m.np.interp(values, grid, m.np.sin(grid))
        return m.np.sum(means**2) + m.np.sum(picked) + m.np.sum(smooth * where) + m.np.sum(labels) * 1e-3

    groups = np.array([1, 3, 3, 0, 1, 1, 7, 3])
    return loss, (RNG.normal(size=8), groups, np.linspace(-2.0, 2.0, 9)), (0, 2)


PROGRAMS = [lowpass_deconvolution, quantum_circuit, gaussian_process, bayesian_logistic, robust_statistics]
PROGRAMS += [image_filter, hermitian_spectrum, grouped_statistics]


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_runs_unchanged(program):
    f_jax, args, argnums = program(JAX)
    f_fg, _, _ = program(FUNGRAD)
    _close(f_fg(*args), f_jax(*args))
    want = jax.grad(f_jax, argnums)(*args)
    for got in (fungrad.grad(f_fg, argnums)(*args), fungrad.jit(fungrad.grad(f_fg, argnums))(*args)):
        for g, w in zip(got, want):
            _close(g, w)
