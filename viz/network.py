"""plot_network: an MLP drawn as layers of neurons, edges sized by |weight| and coloured by sign, optional heatmaps."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle
from numpy.typing import ArrayLike

from nn.labels import input_label

from ._figure import axes_for
from .forward import layer_outputs, layers_of, weights
from .style import NEGATIVE as GRAD_NEGATIVE
from .style import POSITIVE as GRAD_POSITIVE

# Red > 0, blue < 0: the colours draw_graph gives gradients, and plot_decision_boundary classes 1 and 0.
POSITIVE, NEGATIVE = (to_hex([c / 255 for c in rgb]) for rgb in (GRAD_POSITIVE, GRAD_NEGATIVE))
HEAT = LinearSegmentedColormap.from_list("playground", [NEGATIVE, "#ffffff", POSITIVE])
SHORT = {"relu": "relu", "tanh": "tanh", "sigmoid": "σ", "linear": "lin"}


def _positions(sizes: list[int]) -> list[np.ndarray]:
    """y coordinates of the neurons of each column, centred on 0, one unit apart."""
    return [np.arange(n)[::-1] - (n - 1) / 2 for n in sizes]


def plot_network(
    model: object,
    *,
    ax: Axes | None = None,
    heatmaps: bool = False,
    X: ArrayLike | None = None,
    resolution: int = 32,
    title: str | None = None,
) -> Figure:
    """The MLP's neurons and weights; with ``heatmaps`` (2 inputs) each neuron shows its output over the input plane."""
    layers = layers_of(model, "plot_network: model")
    mats = [weights(layer) for layer in layers]
    sizes = [mats[0][0].shape[1]] + [W.shape[0] for W, _, _ in mats]
    if heatmaps and sizes[0] != 2:
        raise ValueError(f"plot_network: heatmaps need a model with 2 inputs, this one has {sizes[0]}")
    # Equal aspect, so size the figure to the drawing: 3 units between columns, 1 between neurons.
    fig, ax = axes_for(ax, (max(4.0, 0.6 * (3.0 * len(sizes) - 1.4)), max(3.2, 0.6 * (max(sizes) + 3.3))),
                       "plot_network")
    ys = _positions(sizes)
    xs = [3.0 * i for i in range(len(sizes))]
    largest = max((float(np.abs(W).max()) for W, _, _ in mats if W.size), default=1.0) or 1.0
    for i, (W, _, _) in enumerate(mats):
        widest = min(4.5, 36.0 / max(W.size, 1) ** 0.5)  # thinner lines where a layer has many weights
        alpha = 0.75 if W.size <= 64 else 0.55
        for n in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = W[n, j]
                ax.plot([xs[i], xs[i + 1]], [ys[i][j], ys[i + 1][n]], color=POSITIVE if w >= 0 else NEGATIVE,
                        lw=0.2 + widest * abs(w) / largest, alpha=alpha, zorder=1, solid_capstyle="round")
    grids = _heatmaps(model, X, resolution) if heatmaps else None
    radius = 0.32
    for i, size in enumerate(sizes):
        for n in range(size):
            x, y = xs[i], ys[i][n]
            if grids is not None:
                image = grids[i][..., n]
                ax.imshow(image, extent=(x - 0.4, x + 0.4, y - 0.4, y + 0.4), origin="lower", cmap=HEAT,
                          vmin=-np.abs(image).max() - 1e-9, vmax=np.abs(image).max() + 1e-9, zorder=2)
                ax.add_patch(Rectangle((x - 0.4, y - 0.4), 0.8, 0.8, fill=False, lw=0.8, ec="#374151", zorder=3))
                if i == 0:  # an input's heatmap is the input itself: its name says which
                    ax.text(x - 0.5, y, input_label(n), ha="right", va="center", fontsize=8, zorder=3)
            else:
                ax.add_patch(Circle((x, y), radius, fc="#f8fafc" if i == 0 else "#ede9fe",
                                    ec="#64748b" if i == 0 else "#7c3aed", lw=1.2, zorder=2))
                text = input_label(n) if i == 0 else SHORT.get(mats[i - 1][2][n], mats[i - 1][2][n][:4])
                ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=3)
    top = max(max(y) for y in ys) + 0.9
    for i, x in enumerate(xs):
        name = "inputs" if i == 0 else ("outputs" if i == len(xs) - 1 else f"layer {i - 1}")
        ax.text(x, top, name, ha="center", va="bottom", fontsize=9, color="#374151")
    handles = [Line2D([], [], color=POSITIVE, lw=3, label="weight > 0"),
               Line2D([], [], color=NEGATIVE, lw=3, label="weight < 0")]
    if grids is not None:
        handles.append(Line2D([], [], marker="s", ls="", color=POSITIVE, ms=8, label="neuron output > 0"))
        handles.append(Line2D([], [], marker="s", ls="", color=NEGATIVE, ms=8, label="neuron output < 0"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=8, frameon=False,
              title=f"line width ∝ |weight| (largest {largest:.3g})", title_fontsize=8)
    ax.set_xlim(xs[0] - (1.3 if grids is not None else 0.8), xs[-1] + 0.8)
    ax.set_ylim(min(min(y) for y in ys) - 1.4, top + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"MLP {' → '.join(map(str, sizes))}")
    return fig


def _heatmaps(model, X, resolution: int) -> list[np.ndarray]:
    """For each column (inputs, then each layer): every neuron's value over a grid of the input plane."""
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 4:
        raise ValueError(f"plot_network: resolution must be an int >= 4, got {resolution!r}")
    if X is None:
        lo, hi = np.array([-2.0, -2.0]), np.array([2.0, 2.0])
    else:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"plot_network: X must have shape (n, 2), got {X.shape}")
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    outputs = layer_outputs(model, grid)  # one batched replay of the model's tape per neuron
    return [a.reshape(resolution, resolution, -1) for a in [grid, *outputs]]
