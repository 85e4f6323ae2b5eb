"""plot_decision_boundary: a 2-D classifier's regions (binary or k-class) with the data points on top."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nn.labels import input_label

from ._figure import axes_for
from .forward import layers_of, model_outputs
from .style import NEGATIVE, POSITIVE

# Class 0 (a score below the threshold) blue and class 1 (above) red: the colours draw_graph gives a
# negative and a positive gradient, so one convention runs through every picture.
CLASS_COLORS = [to_hex([c / 255 for c in NEGATIVE]), to_hex([c / 255 for c in POSITIVE]),
                "#22c55e", "#a855f7", "#f59e0b", "#14b8a6", "#ec4899", "#64748b"]
# How strongly a region takes its class's colour: at least LEAST (at the boundary itself), up to MOST
# where the model is sure; the data points stay readable on top.
LEAST, MOST = 0.2, 0.5


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
        sure = _sigmoid_output(model, predict)
        predicted = _binary(ax, gx, gy, scores.reshape(gx.shape), threshold, sure)
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
    ax.set_xlabel(input_label(0))  # the names nn gives a sample's inputs, as draw_graph shows them
    ax.set_ylabel(input_label(1))
    ax.set_title(title or f"Decision boundary (accuracy {accuracy:.0%})")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.85, title=predicted, title_fontsize=8)
    return fig


def _sigmoid_output(model, predict) -> bool:
    return predict is None and _output_activation(model) == "sigmoid"


def confidence(scores: np.ndarray, threshold: float, probability: bool) -> np.ndarray:
    """How sure the model is, 0 (on the boundary) to 1: |2p - 1| for the probability p of class 1.

    p is the score itself for a sigmoid output (``probability``), else the sigmoid of the score's
    distance past the threshold: a fixed scale, the same for every grid, so it saturates a few units out.
    """
    d = scores - threshold
    if probability:
        return np.clip(np.abs(d) / max(threshold, 1.0 - threshold), 0.0, 1.0)
    return np.abs(np.tanh(0.5 * d))  # |2 sigmoid(d) - 1|, without overflow


def _binary(ax: Axes, gx, gy, scores: np.ndarray, threshold: float, probability: bool) -> str:
    above = scores > threshold
    colors = np.where(above[..., None], to_rgb(CLASS_COLORS[1]), to_rgb(CLASS_COLORS[0]))
    strength = (LEAST + (MOST - LEAST) * confidence(scores, threshold, probability))[..., None]
    image = 1.0 - strength * (1.0 - colors)  # the class's colour over white, at that strength
    ax.imshow(image, extent=(gx[0, 0], gx[0, -1], gy[0, 0], gy[-1, 0]), origin="lower", aspect="auto",
              interpolation="nearest", zorder=0)
    if scores.min() < threshold < scores.max():
        ax.contour(gx, gy, scores, levels=[threshold], colors="black", linewidths=1.5)
    return f"boundary: output = {threshold:g}\npaler: less sure"


def _multi(ax: Axes, gx, gy, predicted: np.ndarray, k: int) -> str:
    colors = ListedColormap([CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k)])
    ax.contourf(gx, gy, predicted, levels=np.arange(k + 1) - 0.5, cmap=colors, alpha=0.25)
    for c in np.unique(predicted):  # each region's edge: where the argmax changes, drawn once per side, same place
        ax.contour(gx, gy, (predicted == c).astype(float), levels=[0.5], colors="black", linewidths=1.0)
    return f"regions: argmax of {k} outputs"
