"""viz.lr: learning-rate comparison — runs rated, diverging runs (nan, inf, early stop) marked, never a crash."""

import math

import numpy as np
import pytest
from test_viz_stubs import History, check_image

from viz import plot_lr_comparison, rate_runs
from viz.lr import diverged, where_diverged


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


def test_plot_marks_diverged_runs_and_labels_each_rate(tmp_path):
    fig = plot_lr_comparison(runs())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["lr = 0.001 (too low)", "lr = 0.05 (good)", "lr = 0.5 (too high)", "lr = 2 (diverged)",
                      "lr = 9 (diverged)"]
    assert ax.get_yscale() == "log"
    markers = [line for line in ax.get_lines() if line.get_marker() == "X"]
    assert len(markers) == 2
    top = ax.get_ylim()[1]
    assert math.isclose(top, 9.98)  # ten times the highest first loss (0.998) of the runs that did not diverge
    assert all(line.get_ydata()[0] == top for line in markers)  # both leave the plot at its top
    # 2.0 ** 4 = 16 is the first loss above 10; the lr 9 run reaches 50 in its second epoch.
    assert [list(line.get_xdata()) for line in markers] == [[4], [2]]
    assert [t.get_text() for t in ax.texts] == ["diverged at epoch 4 (loss 16)", "diverged at epoch 2 (loss 50)"]
    assert where_diverged(runs()) == {2.0: (4, 16.0), 9.0: (2, 50.0)}
    curves = [line for line in ax.get_lines() if line.get_marker() != "X"]
    assert np.allclose(curves[1].get_ydata(), [math.exp(-e / 6) + 0.02 for e in range(1, 31)])
    fig.savefig(tmp_path / "lr.png")
    check_image(tmp_path / "lr.png", min_size=(500, 300))


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
