"""viz with the real nn: its labels drive clusters and collapsing; its History, MLP and predict feed the plots."""

import json
import re

import numpy as np
import pytest
from test_viz_stubs import check_image

import autograd
import nn
from viz import (
    draw_graph,
    plot_decision_boundary,
    plot_loss,
    plot_lr_comparison,
    plot_network,
    rate_runs,
    step_through,
    to_dot,
)
from viz.forward import model_outputs


@pytest.fixture(scope="module")
def moons():
    X, y = nn.datasets.moons(60, noise=0.1, seed=0)
    return X, 2 * y - 1


def test_mlp_graph_clusters_and_collapses_by_nn_labels(tmp_path):
    model = nn.MLP(2, [3, 2, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    dot = to_dot(loss)
    assert sorted(re.findall(r"subgraph cluster_neuron_(\w+)", dot)) == ["0_0", "0_1", "0_2", "1_0", "1_1", "2_0"]
    assert "{ x[0] | data 0.5 |" in dot
    collapsed = to_dot(loss, collapse=True)
    assert len(re.findall(r"^\t*k_\w+ \[", collapsed, re.M)) == 6
    assert "neuron [0,1]\\ntanh" in collapsed and "neuron [2,0]\\nlinear" in collapsed
    # Only the inputs are drawn outside the boxes: the bias is a term of each neuron's sum, not an input.
    assert re.findall(r"\{ ([^|]*) \| data", collapsed) == ["x[0]", "x[1]"]
    path = draw_graph(loss, collapse=True).save(tmp_path / "mlp.png")
    check_image(path, min_size=(800, 150), min_colours=30)


@pytest.mark.needs_dot
@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
@pytest.mark.parametrize("sizes", [[16, 16, 1], [5, 3, 2]])
def test_collapsed_layers_are_laid_out_in_neuron_order(rankdir, sizes):
    # make demo's drawing has layers of 16 joined all-to-all, which Graphviz's crossing minimisation
    # used to rotate (neurons 8-15 drawn above 0-7). Each layer's boxes must read 0, 1, 2, ...
    model = nn.MLP(2, sizes, seed=1337)
    outputs = model([1.1, 0.1])  # one Value, or a list of them
    loss = autograd.sum([(1 + -1.0 * out).relu() for out in (outputs if isinstance(outputs, list) else [outputs])])
    loss.backward()
    plain = draw_graph(loss, collapse=True, rankdir=rankdir).pipe("plain", renderer=None, engine="dot").decode()
    position = {}  # box -> where it lies along its layer: down the page when sideways, else across
    for line in plain.splitlines():
        fields = line.split()
        if fields[0] == "node" and fields[1].startswith("k_"):
            position[fields[1]] = -float(fields[3]) if rankdir in ("LR", "RL") else float(fields[2])
    for layer, size in enumerate(sizes):
        boxes = [f"k_{layer}_{n}" for n in range(size)]
        assert sorted(boxes, key=position.__getitem__) == boxes, f"layer {layer}"


@pytest.mark.needs_dot
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("sizes", [[3, 1], [3, 2], [2, 2, 1], [4, 1]])
def test_neuron_clusters_are_laid_out_in_neuron_order(rankdir, sizes):
    # Notebook 04 drew MLP(2, [3, 1]) uncollapsed with its neurons [0,1], [0,2], the inputs, then [0,0].
    model = nn.MLP(2, sizes, activation="tanh", seed=0)
    outputs = model([0.5, -1.0])
    dot = to_dot(outputs)
    members = {tuple(map(int, key.split("_"))): re.findall(r"^\t+(\w+) \[", body, re.M)
               for key, body in re.findall(r"subgraph cluster_neuron_(\w+) \{(.*?)\n\t\}", dot, re.S)}
    plain = draw_graph(outputs, rankdir=rankdir).pipe("plain", engine="dot").decode()
    position = {}  # node -> where it lies along its layer: down the page when sideways, else across
    for line in plain.splitlines():
        fields = line.split()
        if fields[0] == "node":
            position[fields[1]] = -float(fields[3]) if rankdir == "LR" else float(fields[2])
    for layer, size in enumerate(sizes):
        keys = [(layer, n) for n in range(size)]
        centre = {key: sum(position[m] for m in members[key]) / len(members[key]) for key in keys}
        assert sorted(keys, key=centre.__getitem__) == keys, f"layer {layer}"


@pytest.mark.needs_dot
@pytest.mark.parametrize("rankdir", ["TB", "BT", "LR", "RL"])
def test_no_edge_runs_through_a_layer_name(rankdir):
    # Drawn top to bottom, a collapsed 16-16-1 MLP had the band of edges from layer 0 across 'layer 1'.
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=1337)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    layout = json.loads(draw_graph(loss, collapse=True, rankdir=rankdir).pipe("json", engine="dot"))
    labels = []  # (x0, y0, x1, y1) of each layer's name, its size estimated generously from its 10 pt font
    for item in layout["objects"]:
        if item.get("name", "").startswith("cluster_layer"):
            x, y = map(float, item["lp"].split(","))
            half = 0.3 * 10 * len(item["label"])
            labels.append((x - half, y - 6, x + half, y + 6))
    assert len(labels) == 3
    for edge in layout["edges"]:
        points = [tuple(map(float, p.split(","))) for p in edge["pos"].split() if not p.startswith("e,")]
        curve = []  # the Bezier pieces, sampled
        for i in range(0, len(points) - 3, 3):
            p0, p1, p2, p3 = points[i:i + 4]
            for t in (k / 20 for k in range(21)):
                u = 1 - t
                curve.append([u ** 3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t ** 3 * d
                              for a, b, c, d in zip(p0, p1, p2, p3)])
        for x0, y0, x1, y1 in labels:
            assert not any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in curve), (edge["pos"][:60], (x0, y0))


def test_elementary_graph_of_a_neuron_steps_through(tmp_path):
    neuron = nn.Neuron(2, "tanh", seed=0, graph="elementary")
    out = neuron([0.5, -1.0])
    player = step_through(out)
    assert [s.node.label for s in player.steps][0] == "a" and len(player) == len(player.steps) + 1
    paths = player.save_frames(tmp_path, format="svg")
    assert len(paths) == len(player)
    assert "cluster" not in player.dot(0)  # frames are never clustered: every node stays visible


def test_plots_from_a_real_training_run(tmp_path, moons):
    X, y = moons
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=1)
    history = nn.fit(model, (X, y), loss="hinge", optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=12,
                     validation=0.25, seed=0, progress=False)
    fig = plot_loss(history)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels[:2] == ["training loss", "validation loss"]
    assert np.allclose(fig.axes[0].get_lines()[0].get_ydata(), history["train_loss"])
    fig.savefig(tmp_path / "loss.png")
    check_image(tmp_path / "loss.png")
    history.to_csv(tmp_path / "history.csv")  # a run read back from its file draws the same curves
    again = plot_loss(nn.History.read_csv(tmp_path / "history.csv"))
    for drawn, redrawn in zip(fig.axes[0].get_lines(), again.axes[0].get_lines(), strict=True):
        assert drawn.get_label() == redrawn.get_label()
        assert np.array_equal(drawn.get_xydata(), redrawn.get_xydata(), equal_nan=True)
    assert np.allclose(model_outputs(model, X), nn.predict(model, X), atol=1e-12)
    fig = plot_decision_boundary(model, X, y, resolution=40)
    accuracy = np.mean((nn.predict(model, X) > 0) == (y > 0))
    assert fig.axes[0].get_title() == f"Decision boundary (accuracy {accuracy:.0%})"
    fig.savefig(tmp_path / "boundary.png")
    check_image(tmp_path / "boundary.png", min_colours=50)
    fig = plot_network(model, heatmaps=True, X=X, resolution=12)
    assert len(fig.axes[0].get_images()) == 2 + 8 + 8 + 1


def test_k_class_boundary_with_nn_predict(moons):
    X, _ = moons
    y = (X[:, 0] > 0.5).astype(int) + (X[:, 1] > 0.25).astype(int)
    model = nn.MLP(2, [6, 3], activation="relu", seed=2)
    fig = plot_decision_boundary(model, X, y, predict=lambda A: nn.predict(model, A), resolution=30)
    accuracy = np.mean(nn.predict(model, X).argmax(axis=1) == y)
    assert fig.axes[0].get_title() == f"Decision boundary (accuracy {accuracy:.0%})"


def test_learning_rate_comparison_with_real_runs(moons):
    X, y = moons
    runs = {}
    for lr in (0.001, 0.05, 5.0):
        model = nn.MLP(2, [8, 1], activation="tanh", seed=1)
        try:
            runs[lr] = nn.fit(model, (X, y), loss="mse", optimizer=nn.SGD(model.parameters(), lr=lr), epochs=10,
                              seed=0, progress=False)
        except nn.DivergedError as failed:
            runs[lr] = failed
    ratings = rate_runs(runs)
    assert ratings[5.0] == "diverged" and ratings[0.05] == "good" and ratings[0.001] == "too low"
    fig = plot_lr_comparison(runs)
    assert len([line for line in fig.axes[0].get_lines() if line.get_marker() == "X"]) == 1
