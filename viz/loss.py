"""plot_loss: training and validation loss per epoch, with the region where validation rises while training falls."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ._figure import axes_for, epoch_axis
from .history_columns import column, epochs

TRAIN, VAL, OVERFIT = "#2563eb", "#ea580c", "#fde68a"


def overfit_region(train: ArrayLike, val: ArrayLike) -> tuple[int, int] | None:
    """Indices (start, end) from the lowest validation loss to the end, if validation rose there while training fell."""
    train, val = np.asarray(train, dtype=float), np.asarray(val, dtype=float)
    known = np.flatnonzero(np.isfinite(val) & np.isfinite(train))
    if len(known) < 3:
        return None
    best = known[np.argmin(val[known])]
    last = known[-1]
    if last - best < 2:
        return None
    rise = val[last] - val[best]
    fall = train[best] - train[last]
    scale = max(abs(val[best]), 1e-12)
    if rise > 1e-3 * scale and fall > 0:  # a real rise, not rounding noise
        return int(best), int(last)
    return None


def plot_loss(history: object, *, ax: Axes | None = None, log: bool = False, title: str | None = None) -> Figure:
    """Train (and validation) loss per epoch from an nn History; marks where validation rises as training falls."""
    fig, ax = axes_for(ax, (8.4, 4.0), "plot_loss")
    x = epochs(history, "plot_loss")
    train = column(history, "train_loss", "plot_loss")
    val = column(history, "val_loss", "plot_loss")
    if not len(train):
        raise ValueError("plot_loss: the history is empty (no epochs recorded)")
    ax.plot(x, train, color=TRAIN, lw=2, label="training loss", marker="o" if len(x) <= 30 else None, ms=3)
    if np.isfinite(val).any():
        ax.plot(x, val, color=VAL, lw=2, label="validation loss", marker="o" if len(x) <= 30 else None, ms=3)
        region = overfit_region(train, val)
        if region is not None:
            start, end = region
            ax.axvspan(x[start], x[end], color=OVERFIT, alpha=0.55, zorder=0,
                       label="validation rising while training falls")
            ax.axvline(x[start], color=VAL, ls="--", lw=1, label=f"lowest validation loss (epoch {x[start]:g})")
    if log:
        if (train[np.isfinite(train)] <= 0).any() or (val[np.isfinite(val)] <= 0).any():
            raise ValueError("plot_loss: log=True needs positive losses; pass log=False")
        ax.set_yscale("log")
    epoch_axis(ax)
    ax.set_ylabel("loss" + (" (log scale)" if log else ""))
    ax.set_title(title or "Loss per epoch")
    ax.grid(True, alpha=0.3, which="both")
    # Beside the axes: inside, the curves or the dashed line of the lowest validation loss would cross it.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
