"""Picture: the playground's one figure, made once; show() changes its artists' data in place, render() gives PNG.

Rendering blits: the axes, ticks and labels are drawn once into a saved background, and each frame restores it
and draws only the artists that move (matplotlib's "animated" artists), so a frame costs a few milliseconds of
drawing instead of a full figure. The background is redrawn only when the axes' limits or labels change.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from ..boundary import CLASS_COLORS
from ..loss import TRAIN, VAL
from .config import dataset_title
from .session import Playground

TEST_EDGE, TRAIN_EDGE, POINT = "#111827", "#ffffff", "#2563eb"
TINT = 0.6  # how strongly a confident region takes its class's colour (1: the full colour)


def region_colors(outputs: np.ndarray, classes: int) -> np.ndarray:
    """RGB (n, 3) for the network's outputs: the predicted class's colour, paler where the network is unsure.

    One output is a logit (class 1 where it is > 0); k outputs are logits, read through softmax.
    """
    outputs = np.asarray(outputs, dtype=float)
    colors = np.array([to_rgb(c) for c in CLASS_COLORS[:max(classes, 2)]])
    if outputs.ndim == 1:
        p = 0.5 * (1.0 + np.tanh(0.5 * outputs))   # sigmoid, without overflow
        predicted, strength = (p > 0.5).astype(int), np.abs(2.0 * p - 1.0)
    else:
        z = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        probs = z / z.sum(axis=1, keepdims=True)
        k = outputs.shape[1]
        predicted = probs.argmax(axis=1)
        strength = (probs.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    return 1.0 - TINT * strength[:, None] * (1.0 - colors[predicted])


def _epoch_limit(epoch: int) -> int:
    """The loss axis's right end: 10, 20, 50, 100, 200, 500, ... epochs, the first that holds ``epoch``."""
    limit = 10
    while limit < epoch:
        limit = limit * 5 // 2 if str(limit).startswith("2") else limit * 2
    return limit


class Picture:
    """The data plane (the network's output over it, training and test points) beside the loss per epoch."""

    def __init__(self, *, resolution: int = 60, size: tuple[float, float] = (10.0, 4.2), dpi: int = 80) -> None:
        self.resolution = int(resolution)
        self.figure = Figure(figsize=size, dpi=dpi)
        FigureCanvasAgg(self.figure)   # headless: drawn to pixels, never to a window
        self.figure.subplots_adjust(left=0.07, right=0.985, bottom=0.13, top=0.9, wspace=0.2)
        self.ax_data, self.ax_loss = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        blank = np.ones((self.resolution, self.resolution, 3))
        self.image = self.ax_data.imshow(blank, origin="lower", extent=(0, 1, 0, 1), aspect="auto",
                                         interpolation="bilinear", zorder=0)
        self.train_points = self.ax_data.scatter([], [], s=24, edgecolors=TRAIN_EDGE, linewidths=0.7, zorder=3)
        self.test_points = self.ax_data.scatter([], [], s=24, edgecolors=TEST_EDGE, linewidths=1.1, zorder=4)
        (self.curve,) = self.ax_data.plot([], [], color="#111827", lw=2.2, zorder=5, label="network")
        (self.train_line,) = self.ax_loss.plot([], [], color=TRAIN, lw=2, label="training loss")
        (self.test_line,) = self.ax_loss.plot([], [], color=VAL, lw=2, label="test loss")
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        self.ax_loss.yaxis.set_major_locator(MaxNLocator(nbins=5))
        self.ax_loss.set_xlabel("epoch")
        self.ax_loss.grid(True, alpha=0.3)
        self.ax_loss.legend(loc="upper right", frameon=False)
        self._grid_for = None
        self._moving = [self.image, self.train_points, self.test_points, self.curve, self.train_line,
                        self.test_line, self.ax_data.title, self.ax_loss.title]
        for artist in self._moving:
            artist.set_animated(True)
        self._layout = self._drawn_layout = self._background = None

    def _grid(self, playground: Playground) -> tuple[np.ndarray, tuple[float, float, float, float]]:
        # The grid only changes with the data, so it is made once per data set.
        key = (id(playground.X_train), playground.X_train.shape)
        if self._grid_for != key:
            points = playground.points
            lo, hi = points.min(axis=0), points.max(axis=0)
            pad = 0.1 * (hi - lo) + 0.1
            lo, hi = lo - pad, hi + pad
            axes = [np.linspace(lo[i], hi[i], self.resolution) for i in range(points.shape[1])]
            if points.shape[1] == 2:
                gx, gy = np.meshgrid(*axes)
                grid = np.column_stack([gx.ravel(), gy.ravel()])
                extent = (lo[0], hi[0], lo[1], hi[1])
            else:
                grid = axes[0].reshape(-1, 1)
                extent = (lo[0], hi[0], 0.0, 0.0)
            self._grid_for, self._grid_cache = key, (grid, extent)
        return self._grid_cache

    def show(self, playground: Playground, *, show_test: bool = False) -> None:
        """Draw the playground's current state onto the existing artists (no new figure, no new artist)."""
        grid, extent = self._grid(playground)
        c = playground.config
        if c.kind == "classification":
            rgb = region_colors(playground.outputs(grid), playground.classes)
            self.image.set_data(rgb.reshape(self.resolution, self.resolution, 3))
            self.image.set_extent(extent)
            colors = np.array([to_rgb(x) for x in CLASS_COLORS])
            self.train_points.set_offsets(playground.X_train)
            self.train_points.set_facecolors(colors[playground.y_train % len(colors)])
            self.test_points.set_offsets(playground.X_test)
            self.test_points.set_facecolors(colors[playground.y_test % len(colors)])
            self.ax_data.set_xlim(extent[0], extent[1])
            self.ax_data.set_ylim(extent[2], extent[3])
            self.ax_data.set_ylabel("x2")
        else:
            x = grid[:, 0]
            self.curve.set_data(x, playground.outputs(grid))
            self.train_points.set_offsets(np.column_stack([playground.X_train[:, 0], playground.y_train]))
            self.test_points.set_offsets(np.column_stack([playground.X_test[:, 0], playground.y_test]))
            self.train_points.set_facecolors(POINT)
            self.test_points.set_facecolors("#93c5fd")
            targets = np.concatenate([playground.y_train, playground.y_test])
            span = targets.max() - targets.min()
            self.ax_data.set_xlim(extent[0], extent[1])
            self.ax_data.set_ylim(targets.min() - 0.2 * span - 0.1, targets.max() + 0.2 * span + 0.1)
            self.ax_data.set_ylabel("y")
        self.image.set_visible(c.kind == "classification")
        self.curve.set_visible(c.kind == "regression")
        self.test_points.set_visible(show_test)
        self.ax_data.set_xlabel("x1")
        shown = f", {len(playground.X_test)} test (dark edge)" if show_test else ""
        title = f"{dataset_title(c.dataset)}: {len(playground.X_train)} training points{shown}"
        self.ax_data.set_title(title, fontsize=10)
        self._show_losses(playground)

    def _show_losses(self, playground: Playground) -> None:
        epochs = np.arange(playground.epoch + 1)
        train, test = playground.column("train_loss"), playground.column("test_loss")
        self.train_line.set_data(epochs, train)
        self.test_line.set_data(epochs, test)
        finite = np.concatenate([train, test])
        finite = finite[np.isfinite(finite)]
        top = self.ax_loss.get_ylim()[1]
        highest = float(finite.max()) if finite.size else 0.0
        # The loss axis keeps its limits while the curves fit well inside them (so the background is reused),
        # and is rescaled when a curve leaves it or has fallen to the bottom third.
        if not finite.size:
            top = 1.0
        elif highest > top or highest < top / 3 or playground.epoch == 0:
            top = highest * 1.15
        self.ax_loss.set_ylim(0, top)
        self.ax_loss.set_xlim(0, _epoch_limit(playground.epoch))
        if playground.epoch:
            last = playground.records[-1]
            title = (f"epoch {last['epoch']}:  training loss {last['train_loss']:.3g},  "
                     f"test loss {last['test_loss']:.3g}")
        else:
            title = "epoch 0: press play or step"
        self.ax_loss.set_title(title, fontsize=10)
        self._layout = (self.ax_data.get_xlim(), self.ax_data.get_ylim(), self.ax_data.get_ylabel(),
                        self.ax_loss.get_xlim(), self.ax_loss.get_ylim())

    def render(self) -> bytes:
        """The figure as PNG bytes (drawn by Agg; fast compression, since a frame lives a fraction of a second)."""
        canvas = self.figure.canvas
        if self._background is None or self._layout != self._drawn_layout:
            canvas.draw()   # everything but the moving artists
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._drawn_layout = self._layout
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            if artist.get_visible():
                artist.axes.draw_artist(artist)
        pixels = np.asarray(canvas.buffer_rgba())[..., :3]
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.render()
