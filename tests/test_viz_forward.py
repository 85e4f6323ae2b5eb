"""viz.forward: a model's outputs on many inputs at once (one replay of its tape) equal calling it on each input."""

import random

import numpy as np
import pytest
from test_viz_stubs import MLP, Neuron

import nn
from autograd import Value
from viz.forward import layer_outputs, layers_of, model_outputs


@pytest.mark.parametrize("activation, output", [("tanh", "linear"), ("relu", "sigmoid"), ("sigmoid", "tanh")])
def test_numpy_forward_matches_the_engine(activation, output):
    model = MLP(2, [5, 4, 1], seed=7, activation=activation, output=output)
    X = np.random.default_rng(0).normal(size=(25, 2)) * 2
    expected = np.array([model(list(x)).data for x in X])
    got = model_outputs(model, X)
    assert got.shape == (25,) and np.allclose(got, expected, rtol=1e-12, atol=1e-12)
    hidden = layer_outputs(model, X)
    assert [h.shape for h in hidden] == [(25, 5), (25, 4), (25, 1)]


def test_k_outputs_give_a_matrix():
    model = MLP(3, [4, 3], seed=1)
    X = np.random.default_rng(1).normal(size=(6, 3))
    got = model_outputs(model, X)
    assert got.shape == (6, 3)
    assert np.allclose(got[2], [v.data for v in model(list(X[2]))])


def test_a_lone_neuron_and_a_plain_function_and_predict():
    neuron = Neuron(2, "tanh", random.Random(0))
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    assert len(layers_of(neuron)) == 1
    assert np.allclose(model_outputs(neuron, X), [neuron([Value(a), Value(b)]).data for a, b in X])

    def model(x):  # a model without parameters to read: called once per input, without recording a graph
        return (Value(x[0]) * x[1]).tanh()

    assert np.allclose(model_outputs(model, X), np.tanh(X[:, 0] * X[:, 1]))
    assert np.allclose(model_outputs(None, X, predict=lambda A: A.sum(axis=1)), X.sum(axis=1))


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_every_activation_of_the_op_table_is_pictured_as_the_engine_computes_it(activation):
    model = nn.MLP(2, [3, 2], activation=activation, output_activation=activation, seed=4)
    X = np.random.default_rng(2).normal(size=(9, 2)) * 2
    expected = np.array([[v.data for v in model(list(x))] for x in X])
    assert np.allclose(model_outputs(model, X), expected, rtol=1e-12, atol=1e-12)
    first = np.array([[v.data for v in model.layers[0](list(x))] for x in X])
    hidden, last = layer_outputs(model, X)
    assert np.allclose(hidden, first, rtol=1e-12, atol=1e-12) and np.allclose(last, expected, rtol=1e-12, atol=1e-12)


def test_a_replay_reads_the_parameters_as_they_are_now():
    model = nn.MLP(2, [3, 1], activation="gelu", seed=5)
    X = np.random.default_rng(3).normal(size=(4, 2))
    before = model_outputs(model, X)
    model.layers[1].neurons[0].b.data += 1.0  # a linear output: every output moves by exactly 1
    assert np.allclose(model_outputs(model, X), before + 1.0, rtol=1e-12, atol=1e-12)


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="model must be callable or an nn model"):
        model_outputs(42, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="X has 3 features but the layer takes 2 inputs"):
        model_outputs(MLP(2, [2, 1]), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="gave 1 outputs for 2 inputs"):
        model_outputs(None, np.zeros((2, 2)), predict=lambda A: np.zeros(1))
