"""viz.boundary: decision regions of binary and k-class 2-D models, with the data and the accuracy."""

import random

import numpy as np
import pytest
from matplotlib.figure import Figure
from test_viz_stubs import MLP, Neuron, check_image

from viz import plot_decision_boundary


def data(n=60, seed=0):
    X = np.random.default_rng(seed).normal(size=(n, 2))
    return X, np.where(X[:, 0] + 0.5 * X[:, 1] > 0, 1, -1)


class Linear:
    """A known classifier: score = x0 + 0.5 x1 (one neuron, linear), whose boundary is the line x0 = -0.5 x1."""

    def __init__(self):
        n = Neuron(2, "linear", random.Random(0))
        n.w[0].data, n.w[1].data, n.b.data = 1.0, 0.5, 0.0
        self.layers = [type("L", (), {"neurons": [n]})()]

    def __call__(self, x):
        return self.layers[0].neurons[0](x)


def test_binary_boundary_of_a_known_classifier(tmp_path):
    X, y = data()
    fig = plot_decision_boundary(Linear(), X, y, resolution=60)
    ax = fig.axes[0]
    assert ax.get_title() == "Decision boundary (accuracy 100%)"
    boundary = [c for c in ax.collections if getattr(c, "levels", None) is not None]  # contourf and contour sets
    levels = [list(c.levels) for c in boundary if len(c.levels) == 1]
    assert levels == [[0.0]]
    segment = next(c for c in boundary if len(c.levels) == 1).get_paths()[0].vertices
    assert np.allclose(segment[:, 0], -0.5 * segment[:, 1], atol=0.1)  # on the line x0 + 0.5 x1 = 0
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["class -1", "class 1"]
    assert ax.get_legend().get_title().get_text() == "boundary: output = 0\npaler: less sure"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x[0]", "x[1]")  # as nn labels a sample's inputs
    fig.savefig(tmp_path / "b.png")
    check_image(tmp_path / "b.png", min_size=(400, 350), min_colours=50)


def _region(ax):
    """The region image's pixels (rows: x[1] upwards) and their centres' coordinates."""
    image = ax.get_images()[0]
    rgb = np.asarray(image.get_array(), dtype=float)
    x0, x1, y0, y1 = image.get_extent()
    gx, gy = np.meshgrid(np.linspace(x0, x1, rgb.shape[1]), np.linspace(y0, y1, rgb.shape[0]))
    return rgb, gx, gy


def test_every_pixel_shows_the_predicted_class_colour_even_at_the_boundary():
    X, y = data()
    rgb, gx, gy = _region(plot_decision_boundary(Linear(), X, y, resolution=60).axes[0])
    score = gx + 0.5 * gy  # the classifier, computed here
    red, blue = rgb[..., 0] - rgb[..., 2], rgb[..., 2] - rgb[..., 0]
    # Class 1 (score > 0) red, class 0 blue (draw_graph's positive and negative), and never near white:
    # at least a fifth of the class's colour, however close to the boundary.
    assert (red[score > 0] > 0.1).all() and (blue[score <= 0] > 0.1).all()
    assert (1 - rgb.min(axis=-1) > 0.1).all()
    # Surer further out: the colour deepens with the distance from the boundary line.
    row = rgb[30]
    assert row[-1].min() < row[np.argmin(np.abs(score[30]))].min()


def test_the_shading_has_a_fixed_scale_not_the_grids_largest_score():
    X, y = data()
    near = np.array([[0.3, 0.0], [-0.3, 0.0], [2.0, 1.0], [-2.0, -1.0]])
    colours = []
    for padding in (0.5, 6.0):  # a far larger grid reaches far larger scores
        rgb, gx, gy = _region(plot_decision_boundary(Linear(), X, y, resolution=200, padding=padding).axes[0])
        picks = [np.unravel_index(np.argmin((gx - a) ** 2 + (gy - b) ** 2), gx.shape) for a, b in near]
        colours.append(np.array([rgb[i] for i in picks]))
    assert np.allclose(colours[0], colours[1], atol=0.03)  # the same point keeps its colour
    # score 0.3 is unsure (|2 sigmoid(0.3) - 1| = 0.15): pale; score 2.5 is sure (0.85): deep
    assert colours[0][0].min() > colours[0][2].min() + 0.1


def test_accuracy_in_the_title_matches_a_hand_count():
    X, y = data(80, seed=3)
    model = MLP(2, [6, 1], seed=5)
    scores = np.array([model(list(x)).data for x in X])
    accuracy = np.mean((scores > 0) == (y == 1))
    fig = plot_decision_boundary(model, X, y, resolution=40)
    assert fig.axes[0].get_title() == f"Decision boundary (accuracy {accuracy:.0%})"


def test_sigmoid_output_uses_threshold_half_and_labels_0_1():
    X, y = data()
    model = MLP(2, [4, 1], seed=1, output="sigmoid")
    fig = plot_decision_boundary(model, X, (y > 0).astype(int), resolution=40)
    assert fig.axes[0].get_legend().get_title().get_text().startswith("boundary: output = 0.5\n")


def test_k_classes_and_one_hot_labels(tmp_path):
    X = np.random.default_rng(2).normal(size=(90, 2))
    y = np.argmax(np.column_stack([X[:, 0], X[:, 1], -X[:, 0] - X[:, 1]]), axis=1)
    model = MLP(2, [8, 3], seed=4)
    predicted = np.array([np.argmax([v.data for v in model(list(x))]) for x in X])
    fig = plot_decision_boundary(model, X, np.eye(3)[y], resolution=50)
    ax = fig.axes[0]
    assert ax.get_title() == f"Decision boundary (accuracy {np.mean(predicted == y):.0%})"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    fig.savefig(tmp_path / "k.png")
    check_image(tmp_path / "k.png", min_size=(400, 350), min_colours=50)


def test_predict_callable_and_callers_axes():
    X, y = data()
    fig = Figure()
    ax = fig.add_subplot()
    out = plot_decision_boundary(None, X, y, ax=ax, predict=lambda A: A[:, 0] + 0.5 * A[:, 1], resolution=30)
    assert out is fig and ax.get_title() == "Decision boundary (accuracy 100%)"


def test_errors():
    X, y = data()
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        plot_decision_boundary(Linear(), np.zeros((5, 3)), y[:5])
    with pytest.raises(ValueError, match="y must have one label per row"):
        plot_decision_boundary(Linear(), X, y[:-1])
    with pytest.raises(ValueError, match="resolution must be an int >= 10"):
        plot_decision_boundary(Linear(), X, y, resolution=3)
