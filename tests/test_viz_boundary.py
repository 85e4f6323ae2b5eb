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
    assert legend == ["class -1", "class 1"] and ax.get_legend().get_title().get_text() == "boundary: output = 0"
    fig.savefig(tmp_path / "b.png")
    check_image(tmp_path / "b.png", min_size=(400, 350), min_colours=50)


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
    assert fig.axes[0].get_legend().get_title().get_text() == "boundary: output = 0.5"


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
