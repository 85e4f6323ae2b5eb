"""nn.layers: Neuron, Layer and MLP forward passes, gradients, labels, graphs and input checks."""

import math
import sys

import numpy as np
import pytest
from oracle import central_diff, close

import nn
from autograd import Value

# The dot graph adds the bias after the products (w·x + b), the elementary graph first (b + w0*x0 + ...):
# with the biases at 0, as in a new model, and on Python <= 3.11, where the engine's dot sums left to
# right, the two are exact; from 3.12 on, built-in sum() compensates rounding, so they may differ in the
# last bit (and so may a trained model's, its biases no longer 0).
EXACT = 0.0 if sys.version_info < (3, 12) else 1e-12


def _float_mlp(params, x, sizes, activation):
    """An MLP on plain floats (weights then bias per neuron), written from the definition."""
    act = {"relu": lambda z: max(z, 0.0), "tanh": math.tanh, "linear": lambda z: z}
    it = iter(params)
    for k in range(1, len(sizes)):
        outs = []
        for _ in range(sizes[k]):
            ws = [next(it) for _ in range(sizes[k - 1])]
            b = next(it)
            z = b + sum(w * xi for w, xi in zip(ws, x))
            outs.append(act["linear" if k == len(sizes) - 1 else activation](z))
        x = outs
    return x


def test_classic_neuron_walkthrough():
    # The tanh neuron of the classic backpropagation walk-through: o = 0.7071, do/dz = 0.5.
    n = nn.Neuron(2, "tanh", weights=[-3.0, 1.0], bias=6.881373587019543)
    x = [Value(2.0), Value(0.0)]
    o = n(x)
    assert close(o.data, math.sqrt(0.5), rtol=1e-12)
    o.backward()
    assert close(n.w[0].grad, 1.0) and close(n.w[1].grad, 0.0, atol=1e-12)
    assert close(n.b.grad, 0.5)
    assert close(x[0].grad, -1.5) and close(x[1].grad, 0.5)


@pytest.mark.parametrize("activation, f", [
    ("relu", lambda z: max(z, 0.0)),
    ("tanh", math.tanh),
    ("sigmoid", lambda z: 1.0 / (1.0 + math.exp(-z))),
    ("linear", lambda z: z),
])
def test_neuron_activations(activation, f):
    n = nn.Neuron(3, activation, weights=[0.5, -1.0, 2.0], bias=0.25)
    z = 0.25 + 0.5 * 1.0 - 1.0 * 2.0 + 2.0 * 0.5  # = -0.25
    assert n([1.0, 2.0, 0.5]).data == pytest.approx(f(z), rel=1e-15)
    assert n.activation == activation


@pytest.mark.parametrize("graph", ["dot", "elementary"])
def test_mlp_gradients_match_central_differences(graph):
    sizes = [3, 4, 2]
    model = nn.MLP(3, sizes[1:], activation="tanh", seed=7, graph=graph)
    x = [0.3, -1.2, 0.8]
    params = [p.data for p in model.parameters()]

    def objective(*ps):
        out = _float_mlp(ps, x, sizes, "tanh")
        return out[0] * 2.0 + out[1] ** 2

    outs = model(x)
    (outs[0] * 2.0 + outs[1] ** 2).backward()
    for i, p in enumerate(model.parameters()):
        assert close(p.grad, central_diff(objective, params, i), rtol=1e-6, atol=1e-8), p.label


def test_forward_matches_float_definition():
    model = nn.MLP(2, [5, 3, 1], seed=3)
    params = [p.data for p in model.parameters()]
    for x in ([0.5, -0.25], [-1.0, 2.0], [0.0, 0.0]):
        assert model(x).data == pytest.approx(_float_mlp(params, x, [2, 5, 3, 1], "relu")[0], rel=1e-12)


def test_dot_and_elementary_graphs_give_identical_numbers():
    X = np.random.default_rng(0).normal(size=(6, 3))
    grads, outs = {}, {}
    for graph in ("dot", "elementary"):
        model = nn.MLP(3, [8, 8, 2], seed=11, graph=graph)
        preds = [model(x) for x in X]
        loss = nn.mse(preds, [[1.0, -1.0]] * len(X))
        loss.backward()
        outs[graph] = [v.data for row in preds for v in row] + [loss.data]
        grads[graph] = [p.grad for p in model.parameters()]
    for a, b in zip(outs["dot"] + grads["dot"], outs["elementary"] + grads["elementary"]):
        assert abs(a - b) <= EXACT * max(abs(a), abs(b), 1.0)


def test_dot_graph_has_one_node_per_weighted_sum():
    n = nn.Neuron(4, "relu", weights=[1.0, 2.0, 3.0, 4.0], bias=0.5)
    a = n([1.0, 1.0, 1.0, 1.0])
    assert a.op == "relu" and a.label == "a"
    (z,) = a.parents
    assert z.op == "add" and z.label == "z" and z.data == 10.5
    wx, b = z.parents
    assert b is n.b  # the bias is a term of the sum, not the weight of a constant input
    assert wx.op == "dot" and wx.data == 10.0 and wx.parents[:4] == tuple(n.w)
    assert [(p.label, p.data) for p in wx.parents[4:]] == [("x[0]", 1.0), ("x[1]", 1.0), ("x[2]", 1.0), ("x[3]", 1.0)]

    n.graph = "elementary"
    z = n([1.0, 1.0, 1.0, 1.0]).parents[0]
    assert z.op == "add" and z.label == "z" and z.data == 10.5
    ops = set()
    stack = [z]
    while stack:
        node = stack.pop()
        if node.op:
            ops.add(node.op)
            stack.extend(node.parents)
    assert ops == {"add", "mul"}


def test_labels_in_mlp_layer_and_neuron():
    model = nn.MLP(2, [3, 1])
    assert model.layers[0].neurons[1].w[1].label == "w[0,1,1]"
    assert model.layers[0].neurons[2].b.label == "b[0,2]"
    assert model.layers[1].neurons[0].w[2].label == "w[1,0,2]"
    out = model([0.5, 0.5])
    assert out.label == "z[1,0]"  # a linear neuron's output is its z node
    wx, b = out.parents
    assert b.label == "b[1,0]"
    hidden = wx.parents[3:]
    assert [h.label for h in hidden] == ["a[0,0]", "a[0,1]", "a[0,2]"]
    assert hidden[0].parents[0].label == "z[0,0]"
    inputs = {p.label for h in hidden for p in h.parents[0].parents[0].parents[2:]}
    assert inputs == {"x[0]", "x[1]"}

    layer = nn.Layer(2, 2, "tanh")
    assert layer.neurons[1].w[0].label == "w[1,0]" and layer.neurons[1].b.label == "b[1]"
    assert [o.label for o in layer([1.0, 2.0])] == ["a[0]", "a[1]"]
    neuron = nn.Neuron(2)
    assert [w.label for w in neuron.w] == ["w[0]", "w[1]"] and neuron.b.label == "b"


def test_layer_returns_a_list_and_mlp_a_value_for_one_output():
    assert isinstance(nn.Layer(2, 1)([1.0, 2.0]), list)
    assert isinstance(nn.MLP(2, [4, 1])([1.0, 2.0]), Value)
    out = nn.MLP(2, [4, 3])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_one_neuron_layer_in_the_middle():
    # micrograd's Layer returns a bare Value for one neuron, which breaks the next layer.
    model = nn.MLP(2, [4, 1, 3], seed=0)
    params = [p.data for p in model.parameters()]
    out = model([0.2, -0.4])
    assert len(out) == 3
    expected = _float_mlp(params, [0.2, -0.4], [2, 4, 1, 3], "relu")
    assert [o.data for o in out] == pytest.approx(expected, rel=1e-12)


def test_inputs_may_be_lists_tuples_arrays_or_values():
    model = nn.MLP(2, [3, 1], seed=1)
    expected = model([0.5, -1.5]).data
    assert model((0.5, -1.5)).data == expected
    assert model(np.array([0.5, -1.5])).data == expected
    assert model([Value(0.5), -1.5]).data == expected
    assert nn.MLP(1, [2, 1], seed=1)(np.float64(0.5)).data == nn.MLP(1, [2, 1], seed=1)([0.5]).data


def test_bad_inputs_are_refused_with_the_reason():
    model = nn.MLP(2, [3, 1])
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="input 1"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match="bool"):
        model([1.0, True])
    with pytest.raises(ValueError, match="finite"):
        model([1.0, float("nan")])
    with pytest.raises(ValueError, match="single number"):
        model(1.0)


@pytest.mark.parametrize("make, match", [
    (lambda: nn.MLP(0, [1]), "nin must be >= 1"),
    (lambda: nn.MLP(2, 16), "nouts must be a non-empty list"),
    (lambda: nn.MLP(2, []), "nouts must be a non-empty list"),
    (lambda: nn.MLP(2, [4, 0]), r"nouts\[1\] must be >= 1"),
    (lambda: nn.MLP(2, [4, 1], activation="softmax"), "activation must be one of"),
    (lambda: nn.MLP(2, [4, 1], graph="fast"), "^MLP: graph must be one of"),
    (lambda: nn.MLP(2, [4, 1], init="he2"), "^MLP: init must be one of"),  # each names the class it was given to
    (lambda: nn.Layer(2, 3, graph="fast"), "^Layer: graph must be one of"),
    (lambda: nn.Layer(2, 3, init="zeros"), "^Layer: init must be one of"),
    (lambda: nn.Neuron(2, init="zeros"), "^Neuron: init must be one of"),
    (lambda: nn.Neuron(2, weights=[1.0]), "weights must be a list of nin=2"),
    (lambda: nn.Neuron(2.0), "nin must be an int"),
])
def test_bad_construction_arguments(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make()


def test_switching_graph_and_activation_on_a_built_model():
    model = nn.MLP(2, [3, 1], seed=5)
    before = model([0.3, 0.7]).data
    model.graph = "elementary"
    assert model.graph == "elementary" and all(n.graph == "elementary" for n in model.layers[0].neurons)
    assert abs(model([0.3, 0.7]).data - before) <= EXACT * max(abs(before), 1.0)
    model.activation = "tanh"
    assert model.layers[0].activation == "tanh" and model.output_activation == "linear"
    assert model.config()["activation"] == "tanh"


def test_attributes_used_by_drawings():
    model = nn.MLP(2, [16, 16, 1])
    assert model.nin == 2 and model.nouts == [16, 16, 1]
    assert [len(layer.neurons) for layer in model.layers] == [16, 16, 1]
    neuron = model.layers[1].neurons[0]
    assert len(neuron.w) == 16 and isinstance(neuron.b, Value) and neuron.activation == "relu"
    assert model.layers[2].neurons[0].activation == "linear"
    assert len(model.parameters()) == 337
