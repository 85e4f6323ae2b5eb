"""plot_lr_comparison: loss curves of one model trained at several learning rates, diverging runs marked."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ._figure import axes_for, epoch_axis
from .history_columns import column, raw_column

DIVERGED = "#dc2626"
# viridis up to its green: its pale yellow-green end washes out on a projector (contrast 3:1 on white or more).
PALETTE, PALETTE_END = colormaps["viridis"], 0.6


def _floats(losses: Sequence) -> list[float]:
    return [float("nan") if v is None else float(v) for v in losses]


def _shows_divergence(loss: float, first: float, best: float) -> bool:
    """The one test of an epoch for divergence: its loss is not finite, above the first epoch's, or 10x the best."""
    return not math.isfinite(loss) or loss > first or loss > 10 * best + 1e-12


def diverged(losses: Sequence) -> bool:
    """True for a run whose loss became nan/inf, or whose last epoch shows divergence (above where it started,
    or more than 10x its best)."""
    values = _floats(losses)
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) < len(values) or not finite:
        return True
    return _shows_divergence(finite[-1], finite[0], min(finite))


def first_divergence(losses: Sequence) -> tuple[int, float] | None:
    """(epoch, loss) of the first epoch whose loss is not finite (loss nan), above the first epoch's, or more
    than 10x the lowest before it; None if there is none. It does not depend on how the run is plotted."""
    values = _floats(losses)
    best = math.inf
    for epoch, loss in enumerate(values, 1):
        if not math.isfinite(loss) or (epoch > 1 and _shows_divergence(loss, values[0], best)):
            return epoch, loss if math.isfinite(loss) else float("nan")
        best = min(best, loss)
    return None


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


def where_diverged(runs: Mapping) -> dict:
    """lr -> (epoch, loss) for each diverged run: its first_divergence, else (a run that failed or was cut short
    while its loss still looked fine) its last epoch. The loss is nan where that epoch's loss was not finite."""
    out = {}
    for lr, rating in rate_runs(runs).items():
        if rating == "diverged":
            raw = raw_column(runs[lr], "train_loss", "plot_lr_comparison")
            out[lr] = first_divergence(raw) or ((len(raw), float(raw[-1])) if raw else (1, float("nan")))
    return dict(sorted(out.items()))


def _curves(runs: Mapping) -> dict:
    return {lr: column(runs[lr], "train_loss", "plot_lr_comparison") for lr in sorted(runs)}


def _top(curves: dict, ratings: dict, log: bool) -> float:
    """The plot's upper limit: 10x (log) or 1.6x the highest first loss of the runs that did not diverge."""
    def starts(keep):
        return [c[np.isfinite(c)][0] for lr, c in curves.items() if keep(lr) and np.isfinite(c).any()]
    # A run that blew up in its first epoch would otherwise stretch the axis for everyone.
    first = starts(lambda lr: ratings[lr] != "diverged") or starts(lambda lr: True)
    return (max(first) * 10 if log else max(first) * 1.6) if first else 1.0


def plot_lr_comparison(runs: Mapping, *, ax: Axes | None = None, log: bool = True, title: str | None = None) -> Figure:
    """Loss curves for {lr: History or nn.DivergedError} overlaid, each rated too low, good, too high or diverged.

    A loss above the top of the plot (or not finite) is drawn as a triangle on the top edge, and the line is
    cut there; each diverged run has a cross at its first diverging epoch (where_diverged), on either scale.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"plot_lr_comparison: runs must be a non-empty mapping {{lr: History}}, got {runs!r:.80}")
    for lr in runs:
        if isinstance(lr, bool) or not isinstance(lr, Real) or not lr > 0:
            raise ValueError(f"plot_lr_comparison: each key must be a positive learning rate, got {lr!r}")
    fig, ax = axes_for(ax, (8.4, 4.2), "plot_lr_comparison")
    ratings = rate_runs(runs)
    order = sorted(runs)
    curves = _curves(runs)
    starts = [c[np.isfinite(c)][0] for c in curves.values() if np.isfinite(c).any()]
    finite = np.concatenate([c[np.isfinite(c)] for lr, c in curves.items() if ratings[lr] != "diverged"] + [starts])
    log = bool(log) and finite.size > 0 and bool((finite > 0).all())
    top = _top(curves, ratings, log)
    marks = where_diverged(runs)
    handles, off_scale = [], False
    for i, lr in enumerate(order):
        c = curves[lr]
        color = PALETTE(PALETTE_END * i / max(len(order) - 1, 1))
        x = np.arange(1, len(c) + 1)
        # The true values: the axes cut the line where it leaves the plot, so nothing off-scale looks like data.
        line, = ax.plot(x, c, color=color, lw=2, ls="--" if ratings[lr] == "diverged" else "-",
                        label=f"lr = {lr:g} ({ratings[lr]})")
        handles.append(line)
        above = ~np.isfinite(c) | (c > top)
        if above.any():
            off_scale = True
            ax.plot(x[above], np.full(above.sum(), top), ls="", marker="^", ms=7, color=color, mec="white",
                    mew=0.6, clip_on=False, zorder=4)
    for k, (epoch, loss) in enumerate(marks.values()):
        y = loss if math.isfinite(loss) and loss <= top else top
        ax.plot([epoch], [y], marker="X", ms=11, color=DIVERGED, mec="white", mew=0.8, clip_on=False, zorder=5)
        said = f"loss {loss:.3g}" if math.isfinite(loss) else "loss not finite"
        right = epoch > (1 + max(len(c) for c in curves.values())) / 2  # keep the text inside the axes
        ax.annotate(f"diverged at epoch {epoch} ({said})", (epoch, y), textcoords="offset points",
                    xytext=(-10 if right else 10, -14 - 16 * k), ha="right" if right else "left", va="top",
                    color=DIVERGED, fontsize=9, annotation_clip=False, zorder=6,
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": DIVERGED, "lw": 0.6, "alpha": 0.9})
    if off_scale:
        handles.append(Line2D([], [], ls="", marker="^", ms=7, color="#6b7280",
                              label="loss above the plot (or not finite)"))
    if log:
        ax.set_yscale("log")
        ax.set_ylim(finite.min() / 2 if finite.size else None, top)
    else:
        ax.set_ylim(min(0.0, float(finite.min())) if finite.size else 0.0, top)
    epoch_axis(ax)
    ax.set_ylabel("training loss" + (" (log scale)" if log else ""))
    ax.set_title(title or "Learning rate comparison")
    ax.grid(True, alpha=0.3, which="both")
    # Beside the axes: inside, it would hide the very curves it names.
    ax.legend(handles=handles, fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
