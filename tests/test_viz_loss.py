"""viz.loss: loss curves from a History, with the overfitting region marked."""

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from test_viz_stubs import History, check_image, overfitting_history

from viz import overfit_region, plot_loss

matplotlib.use("Agg")


def test_overfit_region_starts_at_the_lowest_validation_loss():
    h = overfitting_history(40)
    assert overfit_region(h["train_loss"], h["val_loss"]) == (19, 39)  # epoch 20 is index 19
    falling = [1.0, 0.8, 0.6, 0.5, 0.4]
    assert overfit_region(falling, [1.1, 0.9, 0.7, 0.6, 0.5]) is None  # validation keeps falling
    assert overfit_region(falling, [1.1, 0.9, 0.7, 0.7, 0.7]) is None  # flat: not a rise
    assert overfit_region([1.0, 1.0, 1.2, 1.3, 1.4], [1.0, 0.9, 1.2, 1.3, 1.4]) is None  # training rises too
    assert overfit_region(falling, [None] * 5) is None


def test_plot_loss_draws_both_curves_and_the_region(tmp_path):
    h = overfitting_history(40)
    fig = plot_loss(h)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["training loss"].get_ydata(), h["train_loss"])
    assert np.allclose(lines["validation loss"].get_ydata(), h["val_loss"])
    assert np.array_equal(lines["training loss"].get_xdata(), np.arange(1, 41))
    assert "lowest validation loss (epoch 20)" in lines
    spans = [p for p in ax.patches if p.get_label() == "validation rising while training falls"]
    assert len(spans) == 1
    x0, x1 = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
    assert (x0, x1) == (20, 40)
    fig.savefig(tmp_path / "loss.png")
    check_image(tmp_path / "loss.png", min_size=(500, 300))


def test_log_scale_and_training_only_and_plain_inputs(tmp_path):
    fig = plot_loss(History([1.0, 0.1, 0.01, 0.005]), log=True, title="only training")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["training loss"]
    assert ax.get_title() == "only training"
    fig2 = plot_loss([3.0, 2.0, 1.5])
    assert np.allclose(fig2.axes[0].get_lines()[0].get_xdata(), [1, 2, 3])
    fig3 = plot_loss({"train_loss": [3.0, 2.0], "val_loss": [3.5, 2.5]})
    assert len(fig3.axes[0].get_lines()) == 2


def test_non_finite_losses_do_not_break_the_plot():
    fig = plot_loss(History([1.0, float("nan"), float("inf"), 0.5]))
    y = fig.axes[0].get_lines()[0].get_ydata()
    assert y[0] == 1.0 and np.isnan(y[1]) and np.isnan(y[2]) and y[3] == 0.5


def test_draws_on_the_callers_axes():
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert plot_loss(overfitting_history(), ax=ax) is fig and len(ax.get_lines()) == 3


def test_errors():
    with pytest.raises(TypeError, match="plot_loss: expected an nn History"):
        plot_loss(42)
    with pytest.raises(ValueError, match="history is empty"):
        plot_loss([])
    with pytest.raises(ValueError, match="no 'train_loss' column"):
        plot_loss({"loss": [1.0]})
    with pytest.raises(ValueError, match="log=True needs positive losses"):
        plot_loss([1.0, -0.5], log=True)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_loss([1.0], ax="left")
    with pytest.raises(TypeError, match="plot_loss: train_loss of epoch 2 is str 'a', not a number"):
        plot_loss([1.0, "a"])  # it drew an empty plot
    with pytest.raises(TypeError, match="plot_loss: val_loss of epoch 1 is list"):
        plot_loss({"train_loss": [1.0], "val_loss": [[0.5]]})


def test_a_new_figure_shows_itself_as_png_without_pyplot():
    from viz._figure import PlotFigure

    fig = plot_loss([3.0, 2.0, 1.0])
    assert isinstance(fig, PlotFigure) and fig._repr_png_().startswith(b"\x89PNG")


def test_the_legend_sits_beside_the_axes_so_no_line_runs_through_it():
    # The audit's history: the dashed line of the lowest validation loss (epoch 4) ran through the legend's text.
    fig = plot_loss({"train_loss": [1, .7, .5, .4, .3, .25, .2, .18, .16, .15],
                     "val_loss": [.9, .6, .5, .45, .5, .6, .7, .8, .9, 1]})
    ax = fig.axes[0]
    fig.draw_without_rendering()  # lays the figure out, as saving it does
    legend, plot = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.x0 >= plot.x1  # wholly to the right of the axes, where no curve is drawn
    assert "lowest validation loss (epoch 4)" in [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize("losses", [[1.0], [1.0, 0.5], [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2]])
def test_epochs_are_ticked_in_whole_numbers(losses):
    fig = plot_loss(losses)
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks  # one epoch drew 0.945 ... 1.065
