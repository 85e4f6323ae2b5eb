"""The sorted floors of the demo step (benchmarks/floor_mlp.py, floor_tuple.py) compute its true loss and gradients.

Their times are the yardsticks of nn_step.py's bounds, which stand only if they do the same work:
the same loss as chainrule on the same graph, and right gradients (not, say, a sort that misses a
shared node's second use).
"""

import gc
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import floor_mlp  # noqa: E402
import floor_tuple  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402


def _layers(sizes: list[int], rng: random.Random) -> list:
    return [[[[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)], [rng.uniform(-1, 1) for _ in range(nout)]]
            for nin, nout in zip(sizes, sizes[1:])]


FLOORS = pytest.mark.parametrize("floor", [floor_mlp, floor_tuple], ids=["slots", "tuple"])


@FLOORS
@pytest.mark.parametrize("graph", ["elementary", "dot"])
def test_floor_gradients_match_central_differences(floor, graph):
    rng = random.Random(7)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(6)]
    y = [rng.choice([-1, 1]) for _ in X]
    model = floor.MLP(_layers([2, 4, 3, 1], rng), graph)
    floor.backward(floor.loss(model, X, y))
    h = 1e-6
    for p in model.params:
        start = p.data
        p.data = start + h
        up = floor.loss(model, X, y).data
        p.data = start - h
        down = floor.loss(model, X, y).data
        p.data = start
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


@FLOORS
@pytest.mark.parametrize("graph", ["elementary", "dot"])
def test_floor_computes_chainrules_loss_and_gradients_on_the_demo_step(floor, graph):
    X, labels = nn.datasets.moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (labels * 2 - 1).tolist()
    ours = nn.MLP(2, [16, 16, 1], seed=1337, graph=graph)
    layers = [[[[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons]]
              for layer in ours.layers]
    losses = [autograd.relu(1 + -yi * ours(x)) for x, yi in zip(X, y)]
    expected = autograd.sum(losses) * (1.0 / len(losses)) + 1e-4 * autograd.sum([p * p for p in ours.parameters()])
    expected.backward()
    model = floor.MLP(layers, graph)
    total_loss = floor.loss(model, X, y)
    floor.backward(total_loss)
    assert total_loss.data == pytest.approx(expected.data, rel=1e-12)
    assert [p.grad for p in model.params] == pytest.approx([p.grad for p in ours.parameters()], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("floor", "per_node"), [(floor_mlp, 1), (floor_tuple, 2)], ids=["slots", "tuple"])
def test_floor_tracks_one_gc_object_per_node_with_slots_two_with_a_tuple(floor, per_node):
    """What floor_tuple measures: a tuple of parents is a second object for the cyclic collector per node."""
    model = floor.MLP(_layers([2, 4, 3, 1], random.Random(3)), "elementary")
    gc.collect()
    before = len(gc.get_objects())
    score = model([0.5, -0.25])
    made = len(gc.get_objects()) - before
    nodes = 4 * (2 * 2 + 1) + 3 * (2 * 4 + 1) + 1 * (2 * 3)  # per neuron: a mul and an add per input, relu (not last)
    inputs = 2  # the sample's two leaves (the model's lists of a layer's outputs are freed by then)
    assert made == per_node * nodes + inputs
    del score
