"""viz.activations: each activation and its derivative, from the engine, checked against the formulas."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from test_viz_stubs import check_image

from viz import plot_activations
from viz.activations import curve


def lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_functions_and_derivatives_match_the_formulas(tmp_path):
    fig = plot_activations(points=81)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["relu", "tanh", "sigmoid", "linear"]
    x = np.linspace(-4, 4, 81)
    relu, tanh, sigmoid, linear = (lines(ax) for ax in axes)
    assert np.allclose(relu["f(x)"].get_ydata(), np.maximum(x, 0))
    # f' is cut at the jump: up to (0, 0) from the left, a gap, then from (0, 1); no vertical line at 0.
    dx, dy = relu["f'(x)"].get_xdata(), relu["f'(x)"].get_ydata()
    gap = int(np.flatnonzero(np.isnan(dy))[0])
    assert np.isnan(dy).sum() == 1 and list(dx[gap - 1:gap + 2]) == [0.0, 0.0, 0.0]
    assert np.array_equal(dx[:gap], x[x <= 0]) and np.allclose(dy[:gap], 0.0)
    assert np.array_equal(dx[gap + 1:], np.r_[0.0, x[x > 0]]) and np.allclose(dy[gap + 1:], 1.0)
    assert np.allclose(tanh["f'(x)"].get_ydata(), 1 - np.tanh(x) ** 2)
    s = 1 / (1 + np.exp(-x))
    assert np.allclose(sigmoid["f(x)"].get_ydata(), s) and np.allclose(sigmoid["f'(x)"].get_ydata(), s * (1 - s))
    assert np.allclose(linear["f(x)"].get_ydata(), x) and np.allclose(linear["f'(x)"].get_ydata(), 1.0)
    kink = relu["f'(0) taken as 0"]
    assert list(kink.get_xdata()) == [0.0] and list(kink.get_ydata()) == [0.0]  # the engine's relu'(0)
    opened = relu["_open"]  # the right-hand limit, 1, which f'(0) is not: an open dot
    assert list(opened.get_ydata()) == [1.0] and opened.get_markerfacecolor() == "white"
    # Each panel has its own y scale: sigmoid's f' (at most 1/4) is not squashed onto linear's -4..4.
    assert sigmoid["f'(x)"].axes.get_ylim()[1] < 1.1 < linear["f(x)"].axes.get_ylim()[1]
    fig.savefig(tmp_path / "act.png")
    check_image(tmp_path / "act.png", min_size=(800, 200))


def test_custom_functions_and_given_axes():
    def softplus(v):
        return (v.exp() + 1.0).log()

    fig = Figure()
    axes = fig.subplots(1, 2)
    out = plot_activations(["leaky_relu", softplus], axes=axes, x_range=(-2, 2), points=21)
    assert out is fig and axes[1].get_title() == "softplus"
    x = np.linspace(-2, 2, 21)
    assert np.allclose(lines(axes[1])["f'(x)"].get_ydata(), 1 / (1 + np.exp(-x)))
    dx, dy = lines(axes[0])["f'(x)"].get_xdata(), lines(axes[0])["f'(x)"].get_ydata()
    left, right = np.flatnonzero(np.isnan(dy))[0], np.flatnonzero(np.isnan(dy))[0] + 1  # the line's gap at 0
    assert np.allclose(dy[:left], 0.01) and (dx[:left] <= 0).all() and dx[left - 1] == 0.0
    assert np.allclose(dy[right:], 1.0) and (dx[right:] >= 0).all() and dx[right] == 0.0


def test_many_activations_wrap_four_to_a_row():
    fig = plot_activations(["relu", "tanh", "sigmoid", "linear", "elu", "silu", "gelu", "softplus", "leaky_relu"],
                           points=21)
    assert len(fig.axes) == 9  # the three spare cells of the last row are removed
    corners = sorted({(round(ax.get_position().x0, 3), round(ax.get_position().y0, 3)) for ax in fig.axes})
    assert len({x for x, _ in corners}) == 4 and len({y for _, y in corners}) == 3
    width, height = fig.get_size_inches()
    assert width == 12.0 and height > width / 2


def test_a_point_is_marked_only_where_the_derivative_jumps():
    fig = plot_activations(["relu", "leaky_relu", "elu", "gelu"], points=81)
    marked = [[label for label in lines(ax) if "taken as" in label] for ax in fig.axes]
    # elu's pieces meet with the same slope at 0 (alpha 1): its f' bends there but does not jump
    assert marked == [["f'(0) taken as 0"], ["f'(0) taken as 0.01"], [], []]


def test_curve_uses_the_engine():
    ys, ds = curve(lambda v: v * v * v, [2.0, -1.0])
    assert list(ys) == [8.0, -1.0] and list(ds) == [12.0, 3.0]
    ys, ds = curve(lambda v: v.sin(), [0.3])
    assert math.isclose(ds[0], math.cos(0.3))


def test_errors():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plot_activations(["swish"])
    with pytest.raises(ValueError, match="unknown activation 'add'"):
        plot_activations(["add"])
    with pytest.raises(ValueError, match="x_range must be"):
        plot_activations(x_range=(1, 1))
    with pytest.raises(ValueError, match="axes must be 2 matplotlib Axes"):
        plot_activations(["relu", "tanh"], axes=[Figure().add_subplot()])
    with pytest.raises(ValueError, match="names is empty"):
        plot_activations([])
