"""Gradient health: per-parameter gradient statistics and the gradient norm through time.

Contract. :func:`grad_health` differentiates a loss once with fungrad's own ``grad`` and summarises
the gradient of every parameter leaf (named by its pytree path, ``jax.tree_util.keystr``): gradient
norm, parameter norm, their ratio, the fraction of exactly-zero and of non-finite entries, and three
flags with thresholds the caller sets. :func:`grad_norm_through_time` measures ``||dL/dh_t||`` for
every step ``t`` of a recurrent model with one vjp: it adds a zero perturbation ``e_t`` to each state
inside a ``scan`` and differentiates with respect to the perturbations (``dL/de_t == dL/dh_t``).
Both work on any loss fungrad can differentiate (``jit``, ``vmap``, ``scan``, ``cond`` and custom rules
inside), run eagerly, and return report objects with ``.table()`` text and a matplotlib ``.plot(path)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from jax import tree_util

from fungrad._src import api, core
from fungrad._src.control_flow.scan import scan
from fungrad._src.primitives import elementwise as ew


class LeafHealth(NamedTuple):
    """The gradient statistics of one parameter leaf (see :func:`grad_health`)."""

    path: str
    shape: tuple[int, ...]
    grad_norm: float
    param_norm: float
    ratio: float  # grad_norm / param_norm (inf when the parameter is all zeros)
    zero_fraction: float
    nonfinite_fraction: float
    vanishing: bool
    exploding: bool
    dead: bool

    @property
    def flags(self) -> list[str]:
        return [name for name in ("vanishing", "exploding", "dead") if getattr(self, name)]


def _plot_bars(path, labels, series, title, log=True):
    """Horizontal bar chart(s) saved to ``path``; matplotlib is an optional dependency."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "fungrad.debug: plot() needs matplotlib, an optional dependency: pip install matplotlib "
            '(or pip install -e ".[examples]"); .table() gives the same numbers as text'
        ) from None
    fig = Figure(figsize=(4 + 3 * len(series), 0.9 + 0.28 * len(labels)), dpi=80)
    axes = fig.subplots(1, len(series), sharey=True, squeeze=False)[0]
    ypos = np.arange(len(labels))
    for ax, (name, values, colors) in zip(axes, series):
        values = np.asarray(values, dtype=np.float64)
        shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        ax.barh(ypos, shown, color=colors)
        if log and np.any(np.isfinite(shown)):
            ax.set_xscale("log")
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].set_yticks(ypos)
    axes[0].set_yticklabels(labels)
    axes[0].invert_yaxis()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return path


class GradHealth:
    """The report of :func:`grad_health`: ``.leaves`` (one :class:`LeafHealth` per parameter leaf, in
    pytree order), ``.loss``, the thresholds, ``.flagged`` (``{flag: [paths]}``), ``.table()`` and
    ``.plot(path)``."""

    def __init__(self, leaves, loss, vanishing, exploding, dead):
        self.leaves: list[LeafHealth] = leaves
        self.loss = loss
        self.vanishing, self.exploding, self.dead = vanishing, exploding, dead

    def __getitem__(self, path: str) -> LeafHealth:
        for leaf in self.leaves:
            if leaf.path == path:
                return leaf
        raise KeyError(f"grad_health: no parameter leaf {path!r}; leaves are {[x.path for x in self.leaves]}")

    @property
    def flagged(self) -> dict[str, list[str]]:
        return {f: [x.path for x in self.leaves if getattr(x, f)] for f in ("vanishing", "exploding", "dead")}

    @property
    def healthy(self) -> bool:
        return not any(self.flagged.values())

    def table(self) -> str:
        width = max([len("leaf"), *(len(x.path) for x in self.leaves)])
        swidth = max([len("shape"), *(len(str(x.shape)) for x in self.leaves)])
        lines = [
            f"gradient health: loss {self.loss:.6g}, {len(self.leaves)} parameter leaves (vanishing: |grad| < "
            f"{self.vanishing:g} x the largest |grad|; exploding: |grad| > {self.exploding:g} or non-finite; "
            f"dead: >= {self.dead:.0%} exact zeros)",
            f"  {'leaf':<{width}}  {'shape':<{swidth}}  {'|grad|':>9}  {'|param|':>9}  {'ratio':>9}  "
            f"{'zeros':>6}  {'nonfin':>6}  flags",
        ]
        for x in self.leaves:
            ratio = f"{x.ratio:.3g}" if np.isfinite(x.ratio) else "-"  # a zero parameter (fresh bias)
            lines.append(
                f"  {x.path:<{width}}  {str(x.shape):<{swidth}}  {x.grad_norm:>9.3g}  {x.param_norm:>9.3g}  "
                f"{ratio:>9}  {x.zero_fraction:>6.0%}  {x.nonfinite_fraction:>6.0%}  {' '.join(x.flags)}"
            )
        for flag, paths in self.flagged.items():
            if paths:
                lines.append(f"{flag}: {', '.join(paths)}")
        return "\n".join(lines)

    __str__ = table

    def __repr__(self):
        return f"<GradHealth {len(self.leaves)} leaves, flagged {self.flagged}>"

    def plot(self, path: str, title: str = "gradient health") -> str:
        """Save per-leaf bars of |grad| and |grad|/|param| (log scale; flagged leaves in red) to ``path``."""
        colors = ["tab:red" if x.flags else "tab:blue" for x in self.leaves]
        series = [
            ("|grad|", [x.grad_norm for x in self.leaves], colors),
            ("|grad| / |param|", [x.ratio for x in self.leaves], colors),
        ]
        return _plot_bars(path, [x.path for x in self.leaves], series, title)


def _norm(x: np.ndarray) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(np.sum(np.abs(x.astype(np.float64)) ** 2))) if x.size else 0.0


def grad_health(
    loss_fn: Callable,
    params,
    *batch,
    vanishing: float = 1e-3,
    exploding: float = 1e3,
    dead: float = 0.95,
    has_aux: bool = False,
) -> GradHealth:
    """Gradient statistics and health flags for every parameter leaf of ``loss_fn(params, *batch)``.

    One gradient is computed with ``fungrad.value_and_grad`` (so ``loss_fn`` may use ``jit``, ``vmap``,
    ``scan``, ``cond`` and custom rules). For each leaf of ``params``: the L2 norms of the gradient
    and of the parameter, their ratio, and the fractions of exactly-zero and non-finite gradient
    entries. Flags:

    * ``vanishing``: the leaf's gradient norm is below ``vanishing`` times the largest gradient norm of
      all leaves (scale-free, so it does not depend on the loss's units);
    * ``exploding``: the gradient norm exceeds ``exploding``, or some entry is NaN or infinite;
    * ``dead``: at least a fraction ``dead`` of the gradient's entries are exactly zero (a layer of ReLU
      units that never fire, a branch never taken); :func:`fungrad.debug.why_zero` explains why.

    Args:
        loss_fn: ``loss_fn(params, *batch) -> scalar`` (or ``(scalar, aux)`` with ``has_aux``).
        params: a pytree of floating arrays.
        *batch: the other arguments of ``loss_fn``.
        vanishing, exploding, dead: the thresholds above.
        has_aux: ``loss_fn`` returns ``(loss, aux)``.

    Returns:
        A :class:`GradHealth` report: ``.leaves``, ``.flagged``, ``.table()``, ``.plot(path)``.

    >>> import fungrad, fungrad.numpy as fnp
    >>> params = {"w": fnp.ones(3), "b": fnp.zeros(())}
    >>> report = fungrad.debug.grad_health(lambda p, x: fnp.sum(p["w"] * x) + 0.0 * p["b"], params, fnp.ones(3))
    >>> report.flagged
    {'vanishing': ["['b']"], 'exploding': [], 'dead': ["['b']"]}
    >>> round(report["['w']"].grad_norm, 4)
    1.7321
    """
    core.check_callable(loss_fn, "grad_health")
    if has_aux:
        (loss, _), grads = api.value_and_grad(loss_fn, has_aux=True)(params, *batch)
    else:
        loss, grads = api.value_and_grad(loss_fn)(params, *batch)
    p_leaves = tree_util.tree_flatten_with_path(params)[0]
    g_leaves = tree_util.tree_leaves(grads)
    stats = []
    for (path, p), g in zip(p_leaves, g_leaves):
        g, p = np.asarray(g), np.asarray(p)
        gn, pn = _norm(g), _norm(p)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = gn / pn if pn > 0 else (0.0 if gn == 0 else np.inf)
        zeros = float(np.mean(g == 0)) if g.size else 0.0
        nonfinite = float(np.mean(~np.isfinite(g))) if g.size else 0.0
        stats.append((tree_util.keystr(path), tuple(g.shape), gn, pn, float(ratio), zeros, nonfinite))
    finite = [s[2] for s in stats if np.isfinite(s[2])]
    largest = max(finite, default=0.0)
    leaves = [
        LeafHealth(
            *s,
            vanishing=largest > 0 and s[2] < vanishing * largest,
            exploding=not np.isfinite(s[2]) or s[2] > exploding or s[6] > 0,
            dead=s[5] > 0 and s[5] >= dead,
        )
        for s in stats
    ]
    return GradHealth(leaves, float(np.asarray(loss)), vanishing, exploding, dead)


# ----------------------------------------------------------------------------------------------
# Through time


class GradThroughTime:
    """The report of :func:`grad_norm_through_time`: ``.norms[t] = ||dL/dh_t||`` (numpy, one per step),
    ``.loss``, ``.decay`` (``norms[0] / norms[-1]``), ``.table()`` and ``.plot(path)``."""

    def __init__(self, norms, loss):
        self.norms = np.asarray(norms)
        self.loss = loss

    @property
    def decay(self) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.norms[0] / self.norms[-1]) if self.norms[-1] != 0 else float("inf")

    def table(self) -> str:
        lines = [
            f"||dL/dh_t|| through time: loss {self.loss:.6g}, {len(self.norms)} steps, first/last {self.decay:.3g}"
        ]
        lines += [f"  t={t:<4d} {n:.3e}" for t, n in enumerate(self.norms)]
        return "\n".join(lines)

    __str__ = table

    def plot(self, path: str, title: str = "||dL/dh_t|| through time") -> str:
        """Save one bar per time step (log scale) to ``path``."""
        labels = [f"t={t}" for t in range(len(self.norms))]
        return _plot_bars(path, labels, [("||dL/dh_t||", self.norms, "tab:blue")], title)


def grad_norm_through_time(step_fn: Callable, h0, xs, loss_fn: Callable) -> GradThroughTime:
    """``||dL/dh_t||`` for every time step of a recurrent model, with one vjp.

    The model is ``h_t, y_t = step_fn(h_{t-1}, x_t)`` scanned over the leading axis of ``xs`` (as
    ``fungrad.lax.scan``), and ``L = loss_fn(h_T, ys)``. A zero perturbation is added to every state
    ``h_t`` and the gradient with respect to the perturbations is taken: it equals ``dL/dh_t`` (the
    whole gradient reaching step ``t`` from the loss, through the later steps and through ``y_t``).
    Vanishing gradients show as norms shrinking towards ``t = 0``. Parameters can be closed over by
    ``step_fn``; the carry may be a pytree (the norm is over all its leaves).

    Args:
        step_fn: ``(carry, x) -> (carry, y)``.
        h0: the initial carry.
        xs: a pytree of arrays with a leading time axis.
        loss_fn: ``(final_carry, ys) -> scalar``.

    Returns:
        A :class:`GradThroughTime` report (``.norms``, ``.decay``, ``.table()``, ``.plot(path)``).

    >>> import fungrad, fungrad.numpy as fnp
    >>> step = lambda h, x: (0.5 * h + x, h)
    >>> r = fungrad.debug.grad_norm_through_time(step, fnp.zeros(()), fnp.ones(4), lambda h, ys: h)
    >>> [round(float(n), 3) for n in r.norms]
    [0.125, 0.25, 0.5, 1.0]
    """
    core.check_callable(step_fn, "grad_norm_through_time")
    length = tree_util.tree_leaves(xs)[0].shape[0]
    eps0 = tree_util.tree_map(lambda h: np.zeros((length, *np.shape(h)), core.get_aval(h).dtype), h0)

    def loss_of(eps):
        def body(h, inputs):
            x, e = inputs
            h, y = step_fn(h, x)
            return tree_util.tree_map(ew.add, h, e), y

        h_last, ys = scan(body, h0, (xs, eps))
        return loss_fn(h_last, ys)

    loss, g = api.value_and_grad(loss_of)(eps0)
    sq = sum(
        np.sum(np.abs(np.asarray(x, np.float64)) ** 2, axis=tuple(range(1, np.ndim(x))))
        for x in tree_util.tree_leaves(g)
    )
    return GradThroughTime(np.sqrt(sq), float(np.asarray(loss)))
