"""viz.lr: learning-rate comparison — runs rated, diverging runs (nan, inf, early stop) marked, never a crash."""

import math

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from test_viz_stubs import History, check_image

from viz import plot_lr_comparison, rate_runs
from viz.lr import diverged, first_divergence, where_diverged


def runs():
    epochs = range(1, 31)
    return {
        0.001: History([1.0 - 0.002 * e for e in epochs]),
        0.05: History([math.exp(-e / 6) + 0.02 for e in epochs]),
        0.5: History([0.3 + 0.15 * math.cos(e) for e in epochs]),
        2.0: History([2.0 ** e for e in range(1, 12)] + [float("inf")]),  # blew up, then fit stopped
        9.0: History([1.0, 50.0, float("nan")]),
    }


def test_diverged():
    assert diverged([1.0, float("nan")]) and diverged([1.0, math.inf]) and diverged([1.0, 2.0])
    assert diverged([1.0, 0.01, 0.5])  # stopped far above its best
    assert not diverged([1.0, 0.5, 0.4]) and diverged([None])


def test_rate_runs():
    assert rate_runs(runs()) == {0.001: "too low", 0.05: "good", 0.5: "too high", 2.0: "diverged", 9.0: "diverged"}


def test_first_divergence_is_the_first_epoch_not_finite_above_the_start_or_ten_times_the_best():
    assert first_divergence([1.0, 0.8, 1.2, 0.5]) == (3, 1.2)  # above the first epoch's 1.0
    assert first_divergence([1.0, 0.01, 0.05, 0.2]) == (4, 0.2)  # 0.2 > 10 x 0.01; 0.05 is not
    got = first_divergence([1.0, 0.9, math.inf])
    assert got[0] == 3 and math.isnan(got[1])
    assert first_divergence([float("nan")])[0] == 1
    assert first_divergence([1.0, 0.5, 0.4]) is None and first_divergence([]) is None


def test_plot_marks_diverged_runs_and_labels_each_rate(tmp_path):
    fig = plot_lr_comparison(runs())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["lr = 0.001 (too low)", "lr = 0.05 (good)", "lr = 0.5 (too high)", "lr = 2 (diverged)",
                      "lr = 9 (diverged)", "loss above the plot (or not finite)"]
    assert ax.get_yscale() == "log"
    markers = [line for line in ax.get_lines() if line.get_marker() == "X"]
    top = ax.get_ylim()[1]
    assert math.isclose(top, 9.98)  # ten times the highest first loss (0.998) of the runs that did not diverge
    # lr 2 first rises above its start (2) in epoch 2, to 4: inside the plot; lr 9 reaches 50, above its top.
    assert [(list(m.get_xdata()), list(m.get_ydata())) for m in markers] == [([2], [4.0]), ([2], [top])]
    assert [t.get_text() for t in ax.texts] == ["diverged at epoch 2 (loss 4)", "diverged at epoch 2 (loss 50)"]
    assert all(t.get_bbox_patch() is not None for t in ax.texts)  # boxed, so no curve runs through the text
    assert where_diverged(runs()) == {2.0: (2, 4.0), 9.0: (2, 50.0)}
    curves = [line for line in ax.get_lines() if line.get_marker() == "None"]
    assert np.allclose(curves[1].get_ydata(), [math.exp(-e / 6) + 0.02 for e in range(1, 31)])
    fig.savefig(tmp_path / "lr.png")
    check_image(tmp_path / "lr.png", min_size=(500, 300))


@pytest.mark.parametrize("log", [True, False])
def test_losses_above_the_top_are_drawn_as_they_are_with_a_triangle_on_the_edge(log):
    losses = [0.34, 2.68, 93.0] + [4.2, 1.8] * 10  # the audit's run: a spike, then above and below the top in turn
    calm = [0.34 - 0.01 * e for e in range(23)]
    fig = plot_lr_comparison({0.1: calm, 20.0: losses}, log=log)
    ax = fig.axes[0]
    top = ax.get_ylim()[1]
    assert math.isclose(top, 3.4 if log else 0.544)
    curve = next(line for line in ax.get_lines() if line.get_label() == "lr = 20 (diverged)")
    assert list(curve.get_ydata()) == losses  # never flattened onto the top edge
    triangles = [line for line in ax.get_lines() if line.get_marker() == "^"]
    above = [e for e, v in enumerate(losses, 1) if v > top]
    assert [list(t.get_xdata()) for t in triangles if len(t.get_xdata()) == len(above)] == [above]
    assert all(y == top for t in triangles for y in t.get_ydata())
    # The same epoch on either scale: where the loss first rose above where it started.
    assert where_diverged({0.1: calm, 20.0: losses}) == {20.0: (2, 2.68)}
    assert ax.texts[0].get_text() == "diverged at epoch 2 (loss 2.68)"


def _contrast_on_white(rgba) -> float:
    """WCAG 2 contrast ratio of a colour against white (3:1 is its minimum for graphics)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    return 1.05 / (0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] + 0.05)


def test_every_run_colour_stands_out_on_white_as_on_a_projector():
    fig = plot_lr_comparison({lr: [1.0, 0.5, 0.2] for lr in (0.001, 0.01, 0.1, 1.0, 10.0)})
    lines = fig.axes[0].get_lines()
    assert len(lines) == 5
    for line in lines:  # viridis' own last colour, pale yellow, is 1.3:1
        assert _contrast_on_white(to_rgba(line.get_color())) >= 3.0, line.get_label()


def test_linear_scale_and_all_runs_diverged():
    fig = plot_lr_comparison({1.0: [1.0, 5.0, float("nan")], 3.0: [2.0, float("inf")]}, log=False)
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear"
    # No run converged, so the top is 1.6x the highest first loss of all: 3.2; 5.0 and inf leave above it.
    assert [t.get_text() for t in ax.texts] == ["diverged at epoch 2 (loss 5)", "diverged at epoch 2 (loss not finite)"]


def test_errors():
    with pytest.raises(TypeError, match="runs must be a non-empty mapping"):
        plot_lr_comparison([History([1.0])])
    with pytest.raises(TypeError, match="runs must be a non-empty mapping"):
        plot_lr_comparison({})
    with pytest.raises(ValueError, match="each key must be a positive learning rate, got -0.1"):
        plot_lr_comparison({-0.1: [1.0]})


class Failed:
    """As nn.DivergedError: the History of the epochs completed before the loss became non-finite."""

    def __init__(self, history):
        self.history = history


def test_runs_cut_short_or_failed_are_diverged_but_early_stopping_is_not():
    stopped = History([1.0, 0.5, 0.4])
    stopped.stopped_early = True
    rated = rate_runs({
        0.01: History([1.0, 0.8, 0.7, 0.6]),
        0.1: stopped,  # early stopping at its best epoch: a good run, not a diverged one
        1.0: History([1.0, 0.9]),  # ended early while falling: fit gave up on a non-finite step
        3.0: Failed(History([1.0, 0.7])),
    })
    assert rated == {0.01: "too low", 0.1: "good", 1.0: "diverged", 3.0: "diverged"}
    fig = plot_lr_comparison({0.1: History([1.0, 0.5, 0.2]), 3.0: Failed(History([1.0, 0.7]))})
    ax = fig.axes[0]
    marker = next(line for line in ax.get_lines() if line.get_marker() == "X")
    assert list(marker.get_xdata()) == [2] and list(marker.get_ydata()) == [0.7]  # marked where it stopped
    assert ax.texts[0].get_text() == "diverged at epoch 2 (loss 0.7)"


def test_the_legend_sits_beside_the_axes():
    fig = plot_lr_comparison(runs())
    fig.draw_without_rendering()  # lays the figure out, as saving it does
    assert fig.axes[0].get_legend().get_window_extent().x0 >= fig.axes[0].get_window_extent().x1
