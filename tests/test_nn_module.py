"""nn.module: parameter names and order, zero_grad, state dicts and repr."""

import pytest

import nn
from autograd import Value


def test_named_parameters_are_stable_and_readable():
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
                         "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.0.b" and len(names) == 3 * 3 + 4
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert [n for n, _ in nn.Layer(2, 2).named_parameters()] == [
        "neurons.0.w.0", "neurons.0.w.1", "neurons.0.b", "neurons.1.w.0", "neurons.1.w.1", "neurons.1.b"]
    assert [n for n, _ in nn.Neuron(2).named_parameters()] == ["w.0", "w.1", "b"]


def test_parameters_are_values_in_micrograds_order():
    neuron = nn.Neuron(3)
    assert neuron.parameters() == [*neuron.w, neuron.b]
    assert all(isinstance(p, Value) for p in nn.MLP(2, [2, 2]).parameters())


def test_zero_grad():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_is_a_snapshot_and_load_state_dict_restores_it():
    model = nn.MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    assert all(isinstance(v, float) for v in state.values())
    for p in model.parameters():
        p.data += 1.0
    assert model.state_dict() != state
    model.load_state_dict(state)
    assert model.state_dict() == state


def test_load_state_dict_checks_everything_before_changing_anything():
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    bad = dict(before, **{"layers.1.neurons.0.b": float("nan")})
    with pytest.raises(ValueError, match="layers.1.neurons.0.b.*finite"):
        model.load_state_dict(bad)
    wrong_type = dict(before, **{"layers.0.neurons.0.w.0": "0.5"})
    with pytest.raises(TypeError, match="layers.0.neurons.0.w.0"):
        model.load_state_dict(wrong_type)
    assert model.state_dict() == before
    missing = dict(before)
    del missing["layers.0.neurons.2.b"]
    with pytest.raises(ValueError, match="missing 'layers.0.neurons.2.b'"):
        model.load_state_dict(missing)
    with pytest.raises(ValueError, match="unexpected 'extra'"):
        model.load_state_dict(dict(before, extra=1.0))
    with pytest.raises(TypeError, match="mapping"):
        model.load_state_dict([1.0, 2.0])
    assert model.state_dict() == before


def test_repr_shows_architecture_and_parameter_count():
    text = repr(nn.MLP(2, [16, 16, 1]))
    assert "MLP(nin=2, nouts=[16, 16, 1]) with 337 parameters" in text
    assert "layers.1: Layer(nin=16, nout=16, activation='relu'" in text
    assert "with 17 parameters" in text
    assert repr(nn.Neuron(3, "tanh")) == "Neuron(nin=3, activation='tanh', graph='dot') with 4 parameters"


def test_mixed_activations_cannot_be_described():
    layer = nn.Layer(2, 2)
    layer.neurons[0].activation = "tanh"
    with pytest.raises(ValueError, match="different activations"):
        layer.config()
    assert "mixed settings" in repr(layer)
    layer.activation = "sigmoid"
    assert layer.config()["activation"] == "sigmoid"


def test_module_is_abstract():
    with pytest.raises(TypeError):
        nn.Module()
