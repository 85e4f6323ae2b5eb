"""Figures for the plots: a fresh Figure (no pyplot: no global state, no window) or the caller's axes."""

from __future__ import annotations

import io
import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure


class PlotFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter even when pyplot was never imported."""

    def _repr_png_(self) -> bytes:
        # Not made through pyplot, so the inline backend does not show it too: it appears exactly once.
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()


def new_figure(figsize: tuple[float, float]) -> PlotFigure:
    """A new figure of ``figsize`` inches with constrained layout."""
    return PlotFigure(figsize=figsize, layout="constrained")


def axes_for(ax: Axes | None, figsize: tuple[float, float], what: str) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax`` and its figure, or a new figure of ``figsize`` inches."""
    if ax is None:
        fig = new_figure(figsize)
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"{what}: ax must be a matplotlib Axes or None, got {type(ax).__name__} {ax!r:.60}")
    return ax.figure, ax


def epoch_axis(ax: Axes) -> None:
    """An x axis of epochs, once the curves are drawn: labelled so, with ticks on whole epochs only (one
    epoch drew 0.945, 0.960, ... 1.065)."""
    from matplotlib.ticker import MaxNLocator

    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # 0, 20, 40; not 0, 15, 30
    low, high = ax.get_xlim()
    whole = range(math.ceil(low), math.floor(high) + 1)
    if len(whole) < 2:  # too short a span for the locator to keep to whole numbers
        ax.set_xticks(list(whole))
