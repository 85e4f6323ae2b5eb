"""nn.init: uniform in micrograd's order, xavier and he scales, seeds."""

import math
import random
import statistics

import pytest

import nn
from nn.init import draw_weights, make_rng


def test_uniform_follows_micrograds_order():
    # micrograd: for each layer, for each neuron, nin draws of random.uniform(-1, 1); bias 0.
    rng = random.Random(1337)
    expected = []
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        for _ in range(nout):
            expected += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    assert [p.data for p in model.parameters()] == expected


def test_uniform_reproduces_the_global_random_seed_stream():
    state = random.getstate()
    try:
        random.seed(1337)
        first = [random.uniform(-1, 1) for _ in range(3)]
    finally:
        random.setstate(state)
    assert [w.data for w in nn.Neuron(3, seed=1337).w] == first


def test_xavier_bounds_and_spread():
    layer = nn.Layer(200, 50, "tanh", init="xavier", seed=0)
    limit = math.sqrt(6.0 / 250)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert max(abs(w) for w in weights) <= limit
    # uniform(-a, a) has variance a**2 / 3
    assert statistics.pvariance(weights) == pytest.approx(limit**2 / 3, rel=0.05)
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_he_spread():
    layer = nn.Layer(200, 50, init="he", seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert statistics.pstdev(weights) == pytest.approx(math.sqrt(2.0 / 200), rel=0.05)
    assert abs(statistics.fmean(weights)) < 0.01


def test_seeds():
    assert nn.MLP(2, [4, 1], seed=3).state_dict() == nn.MLP(2, [4, 1], seed=3).state_dict()
    assert nn.MLP(2, [4, 1], seed=3).state_dict() != nn.MLP(2, [4, 1], seed=4).state_dict()
    assert nn.MLP(2, [4, 1]).state_dict() != nn.MLP(2, [4, 1]).state_dict()  # fresh entropy each time
    shared = random.Random(9)
    a, b = nn.Neuron(2, seed=shared), nn.Neuron(2, seed=shared)  # one stream, drawn on
    reference = random.Random(9)
    assert [w.data for w in a.w + b.w] == [reference.uniform(-1, 1) for _ in range(4)]


def test_bad_arguments():
    with pytest.raises(ValueError, match="init must be one of"):
        draw_weights("normal", 2, 1, random.Random(0))
    with pytest.raises(TypeError, match="seed must be an int"):
        make_rng(1.5)
    with pytest.raises(ValueError, match="fan_in must be >= 1"):
        draw_weights("he", 0, 1, random.Random(0))
