"""The sorted floor of the demo step (benchmarks/floor_mlp.py) computes the step's true loss and gradients.

Its time is the yardstick of nn_step.py's bound, which stands only if it does the same work: the
same loss as chainrule on the same graph, and right gradients (not, say, a sort that misses a
shared node's second use).
"""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import floor_mlp  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402


def _layers(sizes: list[int], rng: random.Random) -> list:
    return [[[[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)], [rng.uniform(-1, 1) for _ in range(nout)]]
            for nin, nout in zip(sizes, sizes[1:])]


@pytest.mark.parametrize("graph", ["elementary", "dot"])
def test_floor_gradients_match_central_differences(graph):
    rng = random.Random(7)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(6)]
    y = [rng.choice([-1, 1]) for _ in X]
    model = floor_mlp.MLP(_layers([2, 4, 3, 1], rng), graph)
    floor_mlp.backward(floor_mlp.loss(model, X, y))
    h = 1e-6
    for p in model.params:
        start = p.data
        p.data = start + h
        up = floor_mlp.loss(model, X, y).data
        p.data = start - h
        down = floor_mlp.loss(model, X, y).data
        p.data = start
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("graph", ["elementary", "dot"])
def test_floor_computes_chainrules_loss_and_gradients_on_the_demo_step(graph):
    X, labels = nn.datasets.moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (labels * 2 - 1).tolist()
    ours = nn.MLP(2, [16, 16, 1], seed=1337, graph=graph)
    layers = [[[[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons]]
              for layer in ours.layers]
    losses = [autograd.relu(1 + -yi * ours(x)) for x, yi in zip(X, y)]
    expected = autograd.sum(losses) * (1.0 / len(losses)) + 1e-4 * autograd.sum([p * p for p in ours.parameters()])
    expected.backward()
    model = floor_mlp.MLP(layers, graph)
    total_loss = floor_mlp.loss(model, X, y)
    floor_mlp.backward(total_loss)
    assert total_loss.data == pytest.approx(expected.data, rel=1e-12)
    assert [p.grad for p in model.params] == pytest.approx([p.grad for p in ours.parameters()], rel=1e-12, abs=1e-15)
