"""Hypergeometric functions, Bessel functions of integer order and spherical harmonics of
``fungrad.scipy.special`` (re-exported there), with ``jax.scipy.special``'s signatures.

- ``hyp1f1`` and ``hyp2f1`` are primitives (``fungrad._src.primitives.special_hypergeometric``):
  differentiable in every argument, as in JAX (the parameter derivatives are the differentiated series).
- ``bessel_jn`` is Miller's backward recurrence written with fungrad's ``scan`` (JAX's algorithm), so it
  differentiates through the recurrence as JAX does; near ``z = 0`` it switches to the power series.
- ``sph_harm_y`` is the recurrence for the normalized associated Legendre functions written with
  ``scan``; differentiable in ``theta`` and ``phi``.
"""

from __future__ import annotations

import operator as _operator

import numpy as _np

import fungrad.numpy as _fnp
from fungrad._src.control_flow.scan import scan as _scan
from fungrad._src.core import ConcretizationError as _ConcretizationError
from fungrad._src.core import FungradTypeError as _FungradTypeError
from fungrad._src.core import get_aval as _get_aval
from fungrad._src.core import to_concrete_value as _to_concrete_value
from fungrad._src.primitives import special_hypergeometric as _hyp
from fungrad.numpy._conversion import _to_inexact

__all__ = ["bessel_jn", "hyp1f1", "hyp2f1", "sph_harm_y"]


def _real(name, *args):
    args = [_to_inexact(a) for a in args]
    for a in args:
        if _fnp.iscomplexobj(a):
            raise _FungradTypeError(f"{name} does not support complex-valued inputs (as in JAX), got {_get_aval(a)}")
    dtype = _fnp.result_type(*args)
    return _fnp.broadcast_arrays(*(_fnp.asarray(a, dtype=dtype) for a in args))


def hyp1f1(a, b, x):
    """The confluent hypergeometric function ``1F1(a; b; x) = sum_k (a)_k / (b)_k x^k / k!``.

    Real inputs. Differentiable in ``a``, ``b`` and ``x`` (``d/dx = (a / b) 1F1(a + 1; b + 1; x)``; the
    parameter derivatives are the differentiated series, as in JAX). JAX's conventions: ``1F1(0; b; x) = 1``
    (also at ``b = 0``), ``1F1(a; 0; x) = inf``. Unlike JAX's plain series, negative ``x`` goes through
    Kummer's transformation ``e^x 1F1(b - a; b; -x)``, so it keeps full precision there.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.hyp1f1(1.0, 2.0, 1.0)), 6)  # (e - 1) / 1
    1.718282
    """
    a, b, x = _real("hyp1f1", a, b, x)
    return _hyp.hyp1f1(a, b, x)


def hyp2f1(a, b, c, x):
    """The Gauss hypergeometric function ``2F1(a, b; c; x) = sum_k (a)_k (b)_k / (c)_k x^k / k!``.

    Real inputs, ``x <= 1`` (``inf`` above, as in JAX, and at ``x = 1`` unless ``c - a - b > 0``).
    Differentiable in ``a``, ``b``, ``c`` and ``x`` (``d/dx = (a b / c) 2F1(a + 1, b + 1; c + 1; x)``).
    Where JAX's series converges slowly or not at all (``x < -0.5``, ``0.9 < x < 1``) this one uses
    Pfaff's transformation and the ``1 - x`` connection formulas, so it keeps ~1e-13 relative accuracy.

    >>> import fungrad.scipy.special as fsp
    >>> round(float(fsp.hyp2f1(1.0, 1.0, 2.0, -1.0)), 6)  # log(2)
    0.693147
    """
    a, b, c, x = _real("hyp2f1", a, b, c, x)
    return _hyp.hyp2f1(a, b, c, x)


def _static_int(value, name, argument):
    try:
        return _operator.index(value)
    except TypeError:
        raise TypeError(f"{name}: {argument} must be a Python int (a static order), got {value!r}") from None


def _bessel_jn_series(z, v):
    # J_n(z) = sum_k (-1)^k (z/2)^(2k+n) / (k! (k+n)!), three terms: exact to rounding for |z| < 1e-3,
    # where the backward recurrence would overflow (and at z = 0, where it divides by zero)
    half = _fnp.multiply(z, 0.5)
    rows = []
    for n in range(v + 1):
        total = _fnp.zeros_like(z)
        for k in range(3):
            coef = (-1.0) ** k / float(_factorial(k) * _factorial(k + n))
            total = _fnp.add(total, _fnp.multiply(coef, _fnp.power(half, 2 * k + n)))
        rows.append(total)
    return _fnp.stack(rows)


def _factorial(n: int) -> int:
    out = 1
    for i in range(2, n + 1):
        out *= i
    return out


def bessel_jn(z, *, v: int, n_iter: int = 50):
    """Bessel functions of the first kind ``J_0(z), ..., J_v(z)`` of a real argument, stacked on a new
    leading axis: the result has shape ``(v + 1, *z.shape)``.

    Miller's backward recurrence ``J_{k-1} = (2k / z) J_k - J_{k+1}`` from ``k = n_iter`` down (JAX's
    algorithm; raise ``n_iter`` for large ``|z|``, about ``|z| + 30``), normalized by
    ``J_0 + 2 sum J_2k = 1``. Differentiable in ``z`` through the recurrence. For ``|z| < 1e-3`` the
    power series is used: there JAX's recurrence overflows or divides by zero (NaN at ``z = 0``).

    >>> import fungrad.scipy.special as fsp
    >>> [round(float(j), 6) for j in fsp.bessel_jn(1.0, v=2)]
    [0.765198, 0.440051, 0.114903]
    """
    z = _to_inexact(z)
    if _fnp.iscomplexobj(z):
        raise _FungradTypeError(f"bessel_jn does not support complex-valued inputs (as in JAX), got {_get_aval(z)}")
    v = _static_int(v, "bessel_jn", "v")
    n_iter = _static_int(n_iter, "bessel_jn", "n_iter")
    if v < 0 or n_iter < v:
        raise ValueError(f"bessel_jn needs 0 <= v <= n_iter, got v={v}, n_iter={n_iter}; raise n_iter")
    small = _fnp.less(_fnp.abs(z), 1e-3)
    zs = _fnp.where(small, _fnp.ones_like(z), z)  # the recurrence's branch sees a safe argument

    def step(carry, k):
        f_next, f, even_sum = carry  # f_next = f_{k+2}, f = f_{k+1} (unnormalized)
        f_k = _fnp.subtract(_fnp.divide(_fnp.multiply(2.0 * (k + 1.0), f), zs), f_next)
        even = _fnp.equal(_fnp.remainder(k, 2), 0)
        even_sum = _fnp.where(even, _fnp.add(even_sum, _fnp.multiply(2.0, f_k)), even_sum)
        return (f, f_k, even_sum), f_k

    zero = _fnp.zeros_like(zs)
    init = (zero, _fnp.full_like(zs, 1e-16), zero)
    ks = _fnp.arange(n_iter + 1, dtype=_fnp.result_type(zs))
    (_, j0, even_sum), values = _scan(step, init, ks, reverse=True)
    # even_sum = 2 (f_0 + f_2 + ...): the normalization J_0 + 2 (J_2 + J_4 + ...) = 1
    recurrence = _fnp.divide(values[: v + 1], _fnp.subtract(even_sum, j0))
    return _fnp.where(small, _bessel_jn_series(z, v), recurrence)


def _concrete_max(n, name):
    try:
        return int(_np.max(_np.asarray(_to_concrete_value(n))))
    except _ConcretizationError:
        raise _ConcretizationError(
            f"{name}: n_max must be given as a static int when n is traced (under jit, vmap or grad); "
            "pass n_max=<the largest degree>"
        ) from None


def sph_harm_y(n, m, theta, phi, diff_n: int | None = None, n_max: int | None = None):
    """The spherical harmonic ``Y_n^m(theta, phi) = N P_n^|m|(cos theta) e^(i m phi)`` (complex), with
    the orthonormal normalization and the Condon-Shortley phase (as ``jax.scipy.special.sph_harm_y``).

    Args:
        n: integer degrees ``n >= 0``.
        m: integer orders ``|m| <= n`` (0 where ``|m| > n``).
        theta: the polar angle (colatitude) in ``[0, pi]``.
        phi: the azimuthal angle (longitude).
        diff_n: not supported (as in JAX): must be ``None``.
        n_max: the largest degree, static; needed when ``n`` is traced. Degrees above it are clipped to it.

    Returns:
        The harmonics, complex, broadcast over the four arguments. Differentiable in ``theta`` and
        ``phi``; unlike JAX (which differentiates ``sqrt(1 - cos^2 theta)``) the derivative stays finite
        at the poles ``theta = 0, pi``.

    >>> import fungrad.scipy.special as fsp
    >>> y = fsp.sph_harm_y(1, 1, 0.5, 0.25)  # -sqrt(3 / (8 pi)) sin(theta) e^(i phi)
    >>> round(float(y.real), 6), round(float(y.imag), 6)
    (-0.160489, -0.04098)
    """
    if diff_n is not None:
        raise NotImplementedError("sph_harm_y: the diff_n argument is not supported (as in JAX); leave it None")
    n_max = _concrete_max(n, "sph_harm_y") if n_max is None else _static_int(n_max, "sph_harm_y", "n_max")
    theta, phi = _to_inexact(theta), _to_inexact(phi)
    dtype = _fnp.result_type(theta, phi)
    n, m, theta, phi = _fnp.broadcast_arrays(
        _fnp.asarray(n), _fnp.asarray(m), _fnp.asarray(theta, dtype=dtype), _fnp.asarray(phi, dtype=dtype)
    )
    degree = _fnp.clip(_fnp.asarray(n, dtype=dtype), 0, n_max)
    order = _fnp.asarray(m, dtype=dtype)
    abs_order = _fnp.abs(order)
    x, y = _fnp.cos(theta), _fnp.sin(theta)
    # the diagonal P_|m|^|m| = sqrt(1 / 4 pi) prod_{i <= |m|} (-sqrt(1 + 1 / 2i) sin theta)
    diag = _fnp.full_like(theta, 0.5 / _np.sqrt(_np.pi))
    ls = _fnp.arange(1, n_max + 1, dtype=dtype)

    def diagonal_step(p, i):
        factor = _fnp.multiply(-_fnp.sqrt(1.0 + 0.5 / i), y)
        return _fnp.where(_fnp.less_equal(i, abs_order), _fnp.multiply(p, factor), p), None

    def degree_step(carry, l):  # noqa: E741 - the degree, as in the formulas
        p_prev, p = carry  # P_{l-2}^|m|, P_{l-1}^|m|
        active = _fnp.logical_and(_fnp.greater(l, abs_order), _fnp.less_equal(l, degree))
        # P_l = d0 x P_{l-1} - d1 P_{l-2}; the coefficients are made finite where the step is inactive
        # (l <= |m|), so no NaN reaches the gradient through the untaken branch
        denom = _fnp.where(active, _fnp.subtract(l * l, _fnp.multiply(abs_order, abs_order)), 1.0)
        d0 = _fnp.sqrt(_fnp.divide(4.0 * l * l - 1.0, denom))
        d1_num = _fnp.multiply(2.0 * l + 1.0, _fnp.subtract((l - 1.0) ** 2, _fnp.multiply(abs_order, abs_order)))
        d1 = _fnp.sqrt(_fnp.maximum(_fnp.divide(d1_num, _fnp.multiply(denom, 2.0 * l - 3.0)), 0.0))
        new = _fnp.subtract(_fnp.multiply(_fnp.multiply(d0, x), p), _fnp.multiply(d1, p_prev))
        return (_fnp.where(active, p, p_prev), _fnp.where(active, new, p)), None

    if n_max > 0:
        diag, _ = _scan(diagonal_step, diag, ls)
        (_, legendre), _ = _scan(degree_step, (_fnp.zeros_like(diag), diag), ls)
    else:
        legendre = diag
    legendre = _fnp.where(_fnp.greater(abs_order, degree), _fnp.zeros_like(legendre), legendre)
    # m < 0: (-1)^m conj(Y_n^|m|) = (-1)^m P e^(i m phi)
    odd_negative = _fnp.logical_and(_fnp.less(order, 0), _fnp.not_equal(_fnp.remainder(abs_order, 2), 0))
    legendre = _fnp.where(odd_negative, _fnp.negative(legendre), legendre)
    angle = _fnp.multiply(order, phi)
    return _fnp.add(
        _fnp.multiply(legendre, _fnp.cos(angle)), _fnp.multiply(1j, _fnp.multiply(legendre, _fnp.sin(angle)))
    )
