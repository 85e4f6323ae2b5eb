"""plot_lr_comparison: loss curves of one model trained at several learning rates, diverging runs marked."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._figure import axes_for
from .history_columns import column, raw_column

DIVERGED = "#dc2626"


def diverged(losses: Sequence) -> bool:
    """True for a run whose loss became nan/inf, ended above where it started, or stopped far above its best."""
    values = [float("nan") if v is None else float(v) for v in losses]
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) < len(values) or not finite:
        return True
    return finite[-1] > finite[0] or finite[-1] > 10 * min(finite) + 1e-12


def rate_runs(runs: Mapping) -> dict:
    """lr -> 'diverged', 'too low', 'good' or 'too high' (good: the lowest final loss among runs that converged).

    A run diverged if its loss became nan/inf or rose, if it is an nn.DivergedError, or if it ended
    before the longest run without early stopping or Ctrl-C ending it.
    """
    columns = {lr: raw_column(h, "train_loss", "plot_lr_comparison") for lr, h in runs.items()}
    longest = max(len(c) for c in columns.values())
    finals, ratings = {}, {}
    for lr, raw in columns.items():
        history = runs[lr]
        failed = getattr(history, "records", None) is None and getattr(history, "history", None) is not None
        cut_short = len(raw) < longest and not (getattr(history, "stopped_early", False)
                                                 or getattr(history, "interrupted", False))
        if failed or cut_short or diverged(raw):
            ratings[lr] = "diverged"
        else:
            finals[lr] = float(raw[-1])
    if finals:
        best = min(finals, key=finals.get)
        for lr in finals:
            ratings[lr] = "good" if lr == best else ("too low" if lr < best else "too high")
    return ratings


def _curves(runs: Mapping) -> dict:
    return {lr: column(runs[lr], "train_loss", "plot_lr_comparison") for lr in sorted(runs)}


def _top(curves: dict, ratings: dict, log: bool) -> float:
    """The plot's upper limit: 10x (log) or 1.6x the highest first loss of the runs that did not diverge."""
    def starts(keep):
        return [c[np.isfinite(c)][0] for lr, c in curves.items() if keep(lr) and np.isfinite(c).any()]
    # A run that blew up in its first epoch would otherwise stretch the axis for everyone.
    first = starts(lambda lr: ratings[lr] != "diverged") or starts(lambda lr: True)
    return (max(first) * 10 if log else max(first) * 1.6) if first else 1.0


def _leaves(c: np.ndarray, top: float) -> tuple[int, float]:
    gone = np.flatnonzero(~np.isfinite(c) | (c >= top))
    if len(gone):
        return int(gone[0]) + 1, float(c[gone[0]])
    return len(c), float(c[-1])


def where_diverged(runs: Mapping, *, log: bool = True) -> dict:
    """lr -> (epoch, loss) for each diverged run: where it leaves plot_lr_comparison's axes (or ends, if inside).

    The loss is nan when that epoch's loss was not finite; the marker of the plot sits at that epoch.
    """
    ratings = rate_runs(runs)
    curves = _curves(runs)
    top = _top(curves, ratings, log)
    return {lr: _leaves(c, top) for lr, c in curves.items() if ratings[lr] == "diverged"}


def plot_lr_comparison(runs: Mapping, *, ax: Axes | None = None, log: bool = True, title: str | None = None) -> Figure:
    """Loss curves for {lr: History or nn.DivergedError} overlaid, each rated too low, good, too high or diverged."""
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"plot_lr_comparison: runs must be a non-empty mapping {{lr: History}}, got {runs!r:.80}")
    for lr in runs:
        if isinstance(lr, bool) or not isinstance(lr, Real) or not lr > 0:
            raise ValueError(f"plot_lr_comparison: each key must be a positive learning rate, got {lr!r}")
    fig, ax = axes_for(ax, (6.8, 4.2), "plot_lr_comparison")
    ratings = rate_runs(runs)
    order = sorted(runs)
    curves = _curves(runs)
    starts = [c[np.isfinite(c)][0] for c in curves.values() if np.isfinite(c).any()]
    finite = np.concatenate([c[np.isfinite(c)] for lr, c in curves.items() if ratings[lr] != "diverged"] + [starts])
    log = bool(log) and finite.size > 0 and bool((finite > 0).all())
    top = _top(curves, ratings, log)
    palette = colormaps["viridis"]
    for i, lr in enumerate(order):
        c = curves[lr]
        color = palette(0.9 * i / max(len(order) - 1, 1))
        rating = ratings[lr]
        x = np.arange(1, len(c) + 1)
        ax.plot(x, np.minimum(c, top), color=color, lw=2, ls="--" if rating == "diverged" else "-",
                label=f"lr = {lr:g} ({rating})")
        if rating == "diverged":  # mark where the run leaves the plot (or ends, if it ended higher than it began)
            end, loss = _leaves(c, top)
            y_end = min(loss, top) if math.isfinite(loss) else top
            ax.plot([end], [y_end], marker="X", ms=11, color=DIVERGED, clip_on=False, zorder=4)
            said = f"loss {loss:.3g}" if math.isfinite(loss) else "loss not finite"
            ax.annotate(f"diverged at epoch {end} ({said})", (end, y_end), textcoords="offset points",
                        xytext=(8, -12), color=DIVERGED, fontsize=9, annotation_clip=False)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(finite.min() / 2 if finite.size else None, top)
    else:
        ax.set_ylim(min(0.0, float(finite.min())) if finite.size else 0.0, top)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss" + (" (log scale)" if log else ""))
    ax.set_title(title or "Learning rate comparison")
    ax.grid(True, alpha=0.3, which="both")
    ax.legend(fontsize=9, frameon=False)
    return fig
