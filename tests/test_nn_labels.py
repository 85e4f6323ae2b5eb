"""nn.labels: every label nn gives a model's nodes reads back as the node's role and position, and nothing else does."""

import pytest

import nn
from autograd import topological_order
from nn.labels import Label, bias_label, input_label, output_label, parse_label, sum_label, weight_label


def test_each_label_reads_back_as_what_made_it():
    for key in [(), (3,), (1, 2)]:
        layer, neuron = ([None, None, *key])[-2:]
        assert parse_label(weight_label(key, 4)) == Label("w", layer, neuron, 4)
        assert parse_label(bias_label(key)) == Label("b", layer, neuron, None)
        assert parse_label(sum_label(key)) == Label("z", layer, neuron, None)
        assert parse_label(output_label(key)) == Label("a", layer, neuron, None)
    assert parse_label(input_label(7)) == Label("x", None, None, 7)
    assert parse_label("w[1,2,0]").key == (1, 2) and parse_label("b").key == () and parse_label("x[0]").key is None


def test_the_written_form_is_the_documented_one():
    assert [weight_label((1, 2), 0), bias_label((1, 2)), sum_label((1, 2)), output_label((1, 2))] == [
        "w[1,2,0]", "b[1,2]", "z[1,2]", "a[1,2]"]
    assert [weight_label((), 3), bias_label(()), sum_label(()), output_label(()), input_label(0)] == [
        "w[3]", "b", "z", "a", "x[0]"]


@pytest.mark.parametrize("text", [
    None, 3, "", "beta", "bias", "b0", "w", "x", "x[0,1]", "w[1,2,3,4]", "b[1,2,3]", "w[ 1,2]", "w[01]", "a[x]", "1",
])
def test_labels_nn_never_writes_are_not_its_labels(text):
    assert parse_label(text) is None


@pytest.mark.parametrize("model", [nn.MLP(2, [3, 2], seed=0), nn.Layer(2, 3, "tanh", seed=0),
                                   nn.Neuron(2, "tanh", seed=0)], ids=["mlp", "layer", "neuron"])
def test_every_parameter_and_node_of_a_model_reads_back_as_its_place(model):
    # The oracle is the model's own structure: named_parameters() says where each parameter sits.
    for name, p in model.named_parameters():  # 'layers.1.neurons.0.w.2', 'neurons.1.b', 'b', ...
        parts = name.split(".")
        indices = [int(s) for s in parts if s.isdigit()]
        kind = "w" if "w" in parts else "b"
        key, i = (tuple(indices[:-1]), indices[-1]) if kind == "w" else (tuple(indices), None)
        label = parse_label(p.label)
        assert (label.kind, label.key, label.input, label.is_parameter) == (kind, key, i, True), (name, p.label)
    out = model([0.5, -1.0])
    nodes = {n for o in (out if isinstance(out, list) else [out]) for n in topological_order(o)}
    params = {id(p) for p in model.parameters()}
    for node in nodes:
        label = parse_label(node.label)
        if node.is_leaf():  # a leaf is a parameter or an input: there is no constant input for the bias
            assert label.is_parameter == (id(node) in params) and (label.kind == "x") == (id(node) not in params)
        elif label is not None:
            assert label.kind in ("z", "a")
