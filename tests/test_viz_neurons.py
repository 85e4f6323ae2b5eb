"""viz.neurons: reading neuron indices from labels and grouping a graph's nodes per neuron."""

import pytest
from test_viz_stubs import MLP

from autograd import Value
from viz.graphdata import GraphData
from viz.neurons import group_neurons, has_neuron_labels, is_parameter, layer_of, neuron_key, neuron_name


@pytest.mark.parametrize(
    "label, key",
    [
        ("w[1,2,0]", (1, 2)), ("b[1,2]", (1, 2)), ("z[1,2]", (1, 2)), ("a[0,3]", (0, 3)),
        ("w[2,1]", (2,)), ("b[2]", (2,)), ("a[2]", (2,)),
        ("w[0]", ()), ("b", ()), ("z", ()), ("a", ()),
        (None, None), ("", None), ("x[0]", None), ("loss", None), ("bias", None), ("beta", None), ("a[x]", None),
        ("1", None), ("w", None), ("w[ 1, 0 , 4]", None), ("w[1,2,3,4]", None),  # spellings nn never writes
    ],
)
def test_neuron_key(label, key):
    assert neuron_key(label) == key


def test_parameters_layers_and_names():
    assert is_parameter(Value(1.0, label="w[0,1,2]")) and is_parameter(Value(1.0, label="b"))
    assert not is_parameter(Value(1.0, label="x[0]")) and not is_parameter(Value(1.0))
    assert not is_parameter(Value(1.0, label="beta")) and not is_parameter(Value(1.0, label="bias"))
    assert not is_parameter(Value(1.0, label="w") * 2)  # computed, not a leaf
    assert layer_of((1, 3)) == 1 and layer_of((3,)) is None and layer_of(()) is None
    assert neuron_name((1, 3)) == "neuron [1,3]" and neuron_name(()) == "neuron"
    assert has_neuron_labels([Value(1.0, label="z[0,1]")]) and not has_neuron_labels([Value(1.0, label="a")])


def test_every_node_of_an_mlp_lands_in_its_neuron():
    model = MLP(2, [3, 1], seed=3)
    x = [Value(0.5), Value(-1.0)]
    scaled = x[0] * 2.0  # computed outside the model: must stay outside every neuron
    out = model([scaled, x[1]])
    loss = (out - 1.0) ** 2
    data = GraphData.collect([loss])
    member = group_neurons(data.nodes, data.consumers)
    for layer_index, layer in enumerate(model.layers):
        for n, neuron in enumerate(layer.neurons):
            for w in neuron.w:
                assert member[w] == (layer_index, n)
            assert member[neuron.b] == (layer_index, n)
    # the unlabelled dot nodes between w and z belong to their neuron too
    dots = [node for node in data.nodes if node.op == "dot"]
    assert len(dots) == 4 and all(member[d] == neuron_key(d.parents[0].label) for d in dots)
    outside = [scaled, *x, loss, loss.parents[0]]
    assert not any(node in member for node in outside)
    assert sum(1 for node in data.nodes if node not in member) == len(outside)


def test_elementary_chain_inside_a_neuron_is_grouped():
    w = [Value(0.3, label="w[0]"), Value(-0.2, label="w[1]")]
    b = Value(0.1, label="b")
    x = [Value(1.0, label="x[0]"), Value(2.0, label="x[1]")]
    products = [w[0] * x[0], w[1] * x[1]]
    z = b + products[0] + products[1]
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    data = GraphData.collect([a])
    member = group_neurons(data.nodes, data.consumers)
    assert all(member[p] == () for p in products) and member[z] == () and member[a] == ()
    assert x[0] not in member and x[1] not in member
