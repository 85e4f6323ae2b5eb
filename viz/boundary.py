"""plot_decision_boundary: a 2-D classifier's regions (binary or k-class) with the data points on top."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ._figure import axes_for
from .forward import layers_of, model_outputs

CLASS_COLORS = ["#ef4444", "#3b82f6", "#22c55e", "#a855f7", "#f59e0b", "#14b8a6", "#ec4899", "#64748b"]


def _check_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have shape (n, 2), got {X.shape}")
    y = np.asarray(y)
    if y.ndim == 2:
        y = y.argmax(axis=1)  # one-hot labels
    if y.shape != (X.shape[0],):
        raise ValueError(f"plot_decision_boundary: y must have one label per row of X, got shape {y.shape}")
    return X, y


def _output_activation(model) -> str | None:
    try:
        return getattr(layers_of(model)[-1].neurons[0], "activation", None)
    except (TypeError, AttributeError, IndexError):
        return None


def plot_decision_boundary(
    model: object,
    X: ArrayLike,
    y: ArrayLike,
    *,
    ax: Axes | None = None,
    resolution: int = 150,
    padding: float = 0.5,
    threshold: float | None = None,
    predict: Callable | None = None,
    title: str | None = None,
) -> Figure:
    """The classes a 2-D model predicts over the plane, the boundary between them, and the data (X, y)."""
    X, y = _check_data(X, y)
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 10:
        raise ValueError(f"plot_decision_boundary: resolution must be an int >= 10, got {resolution!r}")
    fig, ax = axes_for(ax, (5.6, 5.0), "plot_decision_boundary")
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    scores = model_outputs(model, grid, predict)
    at_data = model_outputs(model, X, predict)
    classes = np.unique(y)
    if scores.ndim == 1:
        if threshold is None:
            threshold = 0.5 if _output_activation(model) == "sigmoid" else 0.0
        predicted = _binary(ax, gx, gy, scores.reshape(gx.shape), threshold)
        data_pred = (at_data > threshold).astype(int)
        labels = np.searchsorted(classes, y) if len(classes) == 2 else (y > threshold).astype(int)
    else:
        predicted = _multi(ax, gx, gy, scores.argmax(axis=1).reshape(gx.shape), scores.shape[1])
        data_pred = at_data.argmax(axis=1)
        labels = np.searchsorted(classes, y) if not np.issubdtype(y.dtype, np.integer) else y
    for c in np.unique(labels):
        mask = labels == c
        name = classes[c] if c < len(classes) and scores.ndim == 1 else c
        ax.scatter(X[mask, 0], X[mask, 1], s=22, color=CLASS_COLORS[int(c) % len(CLASS_COLORS)],
                   edgecolors="black", linewidths=0.5, label=f"class {name}", zorder=3)
    accuracy = float(np.mean(data_pred == labels))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_title(title or f"Decision boundary (accuracy {accuracy:.0%})")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.85, title=predicted, title_fontsize=8)
    return fig


def _binary(ax: Axes, gx, gy, scores: np.ndarray, threshold: float) -> str:
    span = max(float(np.abs(scores - threshold).max()), 1e-9)
    norm = TwoSlopeNorm(vcenter=threshold, vmin=threshold - span, vmax=threshold + span)
    # Below the threshold reads as the first class (red), above as the second (blue); paler near the boundary.
    colors = LinearSegmentedColormap.from_list("classes", ["#f87171", "#fee2e2", "#ffffff", "#dbeafe", "#60a5fa"])
    ax.contourf(gx, gy, scores, levels=24, cmap=colors, norm=norm, alpha=0.85)
    if scores.min() < threshold < scores.max():
        ax.contour(gx, gy, scores, levels=[threshold], colors="black", linewidths=1.5)
    return f"boundary: output = {threshold:g}"


def _multi(ax: Axes, gx, gy, predicted: np.ndarray, k: int) -> str:
    colors = ListedColormap([CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k)])
    ax.contourf(gx, gy, predicted, levels=np.arange(k + 1) - 0.5, cmap=colors, alpha=0.25)
    for c in np.unique(predicted):  # each region's edge: where the argmax changes, drawn once per side, same place
        ax.contour(gx, gy, (predicted == c).astype(float), levels=[0.5], colors="black", linewidths=1.0)
    return f"regions: argmax of {k} outputs"
