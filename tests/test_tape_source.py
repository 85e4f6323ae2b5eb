"""The numpy plan's one-sample replay written out as source (autograd.tape_numpy_source): the same numbers
as the plan's loop, exactly, which is itself checked against the eager engine in test_tape."""

import math
import random

import numpy as np
import pytest
from test_tape import _random_graph

import autograd
import nn
from autograd import DomainError, Value, tape_numpy
from autograd.tape import compile_graph


def _both(root, also=()):
    """Two tapes of root: one replayed by its source, one by the plan's loop."""
    source, loop = compile_graph(root, also=also), compile_graph(root, also=also)
    loop._plan("numpy", None).source = False
    return source, loop


def _same(a, b):
    """Exactly equal: floats, or tuples and lists of them (value, gradients)."""
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert np.array_equal(a, b), (a, b)


def _replay(tape, values, wrt=None, nodes=()):
    value, grads = tape.value_and_grad(values, wrt=wrt, path="numpy")
    return value, grads, tape.values_of(nodes)


def _mlp_step():
    """One compiled-fit-like step: an MLP over a batch of 6 and the bce_logits loss, on leaves."""
    model = nn.MLP(3, [5, 4, 1], activation="tanh", seed=3)
    rng = random.Random("source-mlp")
    xs = [[Value(rng.uniform(-2, 2), f"x{s}{i}") for i in range(3)] for s in range(6)]
    ys = [Value(float(s % 2), f"y{s}") for s in range(6)]
    preds = [model(x) for x in xs]
    return nn.losses.get_loss("bce_logits")(preds, ys), preds


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_replay_by_source_as_the_loop_does(seed):
    root, _ = _random_graph(seed)
    source, loop = _both(root)
    nodes = tuple(source.nodes[: len(source.nodes) // 2])  # inner nodes too
    rng = random.Random(seed + 7)
    for _ in range(3):  # new leaf values each time: the source is made once, then replayed
        values = [rng.uniform(-1.5, 1.5) for _ in source.leaves]
        _same(_replay(source, values, nodes=nodes)[:2], _replay(loop, values, nodes=nodes)[:2])
        _same(source.values_of(nodes), loop.values_of(nodes))
    assert source._plan("numpy", None).source.text.startswith("def forward(leaf_values):")


def test_layers_with_their_bias_and_activation_and_a_loss_replay_by_source_as_the_loop_does():
    root, preds = _mlp_step()
    source, loop = _both(root, also=preds)
    plan = source._plan("numpy", None)
    assert sum(call.product is not None for call in plan.calls) == 3
    assert sum(call.fused for call in plan.calls) == 5  # every bias, the two hidden layers' tanh
    rng = np.random.default_rng(5)
    params = [source.index(p) for p in source.leaves if p.label.startswith(("w", "b"))]
    for _ in range(3):
        values = list(rng.uniform(-1, 1, len(source.leaves)))
        for wrt in (None, params):
            _same(_replay(source, values, wrt, preds)[:2], _replay(loop, values, wrt, preds)[:2])
            _same(source.values_of(preds), loop.values_of(preds))
    backward = next(iter(plan._backward_sources.values())).text
    assert "@ u" in backward  # the products' backward spelled out
    assert "adj[" in backward and " = g" in backward  # the loss's adjoints held in locals, the layers' in adj


@pytest.mark.parametrize("loss, activation, out_activation, nout, l2", [
    ("mse", "relu", "linear", 1, 0.0),
    ("hinge", "gelu", "linear", 1, 1e-3),
    ("bce", "softplus", "sigmoid", 1, 0.0),
    ("ce", "silu", "linear", 3, 1e-2),
])
def test_fits_step_tapes_replay_by_source_as_the_loop_does(loss, activation, out_activation, nout, l2):
    # the tape nn.fit records for a batch (nn.steps._CompiledStep): other losses, activations, penalties
    from nn.steps import _CompiledStep

    rng = np.random.default_rng(len(loss))
    X = rng.uniform(-2, 2, (7, 3))
    y = rng.integers(0, 3, 7) if loss == "ce" else rng.integers(0, 2, 7) * (2 if loss == "hinge" else 1) - (
        1 if loss == "hinge" else 0)
    model = nn.MLP(3, [4, nout], activation=activation, output_activation=out_activation, seed=2)
    loss_fn = nn.losses.get_loss(loss)
    targets = nn.losses.leaf_targets(loss_fn, y, nout)
    steps = [_CompiledStep(model, X.tolist(), targets.tolist(), nout == 1, loss_fn, model.parameters(), 0.0, l2, True)
             for _ in range(2)]  # the same recording twice: one replayed by its source, one by the plan's loop
    steps[1].tape._plan("numpy", None).source = False
    assert steps[0].wrt == steps[1].wrt
    for _ in range(3):
        numbers = rng.uniform(-1, 1, len(steps[0].reached))
        values = [step.leaf_values(X.tolist(), targets.tolist(), numbers=numbers) for step in steps]
        _same(values[0], values[1])
        for wrt in (None, steps[0].wrt):
            got = [_replay(step.tape, v, wrt, step.outs) for step, v in zip(steps, values)]
            _same(got[0], got[1])
    assert steps[0].tape._plan("numpy", None).source and steps[0].tape._plan("numpy", None)._backward_sources


def test_a_numpy_form_that_raises_is_redone_by_the_float_rule_naming_a_failing_node():
    def strict(x):  # a user's numpy form that refuses negative inputs, where its float rule is defined
        if (x < 0).any():
            raise ValueError("negative")
        return np.sqrt(x) + x

    # and numpy partials that give an array, not one derivative per input: the float rule's are used
    op = autograd.register_op("source_strict", lambda x: math.sqrt(abs(x)) + x, lambda out, x: (2.0 * x,),
                              numpy_forward=strict, numpy_partials=lambda out, x: 1.0 + 0.0 * x, replace=True)
    xs = [Value(v, f"x{i}") for i, v in enumerate([0.5, 1.5, -2.0, 3.0])]
    root = autograd.sum([op(x) * x for x in xs]) + (xs[0] * 3.0 - 1.0).log()
    source, loop = _both(root)
    for values in ([0.5, 1.5, -2.0, 3.0], [1.0, 2.0, 3.0, 4.0]):  # the form raises, then it does not
        _same(_replay(source, values)[:2], _replay(loop, values)[:2])
        grads = _replay(source, values)[1]  # d/dx of op(x) * x is 2x * x + op(x) (the float rule's 2x), and the log's
        want = [2 * v * v + math.sqrt(abs(v)) + v + (3 / (3 * v - 1) if k == 0 else 0.0) for k, v in enumerate(values)]
        assert grads == pytest.approx(want, rel=1e-12)
    assert source._plan("numpy", None).source  # the source replayed them, the float rule inside it
    with pytest.raises(DomainError, match=r"log.*tape node"):
        source.forward([0.0, 1.0, 1.0, 1.0], path="numpy")  # log(-1): named as the loop names it


def test_a_plan_longer_than_max_calls_stays_in_the_loop(monkeypatch):
    monkeypatch.setattr(tape_numpy, "MAX_CALLS", 3)
    root, _ = _random_graph(1)
    tape = autograd.compile(root)
    plan = tape._plan("numpy", None)
    assert plan.source is False and len(plan.calls) > 3
    value, grads = tape.value_and_grad(path="numpy")
    assert not plan._backward_sources
    monkeypatch.undo()
    fresh = autograd.compile(root)
    _same((value, grads), fresh.value_and_grad(path="numpy"))
    assert fresh._plan("numpy", None).source
