"""viz.network: the MLP diagram — one line per weight, width by |w|, colour by sign, optional heatmaps."""

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from test_viz_stubs import MLP, check_image

from viz import plot_network
from viz.network import NEGATIVE, POSITIVE


def weight_lines(ax):
    return [line for line in ax.get_lines() if len(line.get_xdata()) == 2]


def test_one_line_per_weight_sized_and_coloured(tmp_path):
    model = MLP(2, [3, 2, 1], seed=3)
    fig = plot_network(model)
    ax = fig.axes[0]
    lines = weight_lines(ax)
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert len(lines) == 2 * 3 + 3 * 2 + 2 * 1 == len(weights)
    # drawn layer by layer, neuron by neuron, input by input: the same order as the weights
    for line, w in zip(lines, weights):
        assert to_hex(line.get_color()) == (POSITIVE if w >= 0 else NEGATIVE)
    widths = np.array([line.get_linewidth() for line in lines])
    sizes = np.abs(weights)
    assert np.allclose(widths, 0.2 + 4.5 * sizes / sizes.max())
    assert len([p for p in ax.patches if isinstance(p, Circle)]) == 2 + 3 + 2 + 1
    texts = [t.get_text() for t in ax.texts]
    assert {"x[0]", "x[1]", "tanh", "lin", "inputs", "layer 0", "layer 1", "outputs"} <= set(texts)
    assert ax.get_title() == "MLP 2 → 3 → 2 → 1"
    fig.savefig(tmp_path / "net.png")
    check_image(tmp_path / "net.png", min_size=(300, 200))


def test_heatmaps_show_each_neurons_output_over_the_plane(tmp_path):
    model = MLP(2, [3, 1], seed=1)
    X = np.random.default_rng(0).uniform(-1, 1, size=(20, 2))
    fig = plot_network(model, heatmaps=True, X=X, resolution=16)
    images = fig.axes[0].get_images()
    assert len(images) == 2 + 3 + 1
    assert {"x[0]", "x[1]"} <= {t.get_text() for t in fig.axes[0].texts}  # which input each heatmap is
    grid_x = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 16)
    assert np.allclose(images[0].get_array()[0], grid_x)  # the x0 input varies along each row
    n = model.layers[0].neurons[2]
    corner = [grid_x[0], np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 16)[0]]
    assert np.isclose(images[4].get_array()[0, 0], n([*corner]).data)
    fig.savefig(tmp_path / "heat.png")
    check_image(tmp_path / "heat.png", min_size=(300, 200), min_colours=50)


def test_many_weights_get_thinner_lines_and_axes_can_be_given():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_network(MLP(2, [16, 16, 1], seed=0), ax=ax) is fig
    widths = [line.get_linewidth() for line in weight_lines(ax)]
    assert len(widths) == 32 + 256 + 16 and max(widths) <= 0.2 + 4.5


def test_errors():
    with pytest.raises(ValueError, match="heatmaps need a model with 2 inputs, this one has 3"):
        plot_network(MLP(3, [2, 1]), heatmaps=True)
    with pytest.raises(ValueError, match="resolution must be an int >= 4"):
        plot_network(MLP(2, [2, 1]), heatmaps=True, resolution=2)
    with pytest.raises(TypeError, match="plot_network: model: expected an nn MLP, Layer or Neuron .* got object"):
        plot_network(object())
