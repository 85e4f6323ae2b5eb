"""viz.steps: backward_steps against backward computed by hand, in backward's own order."""

import math

import pytest
from oracle import close
from test_viz_stubs import neuron

from autograd import Value, backprop
from viz import backward_steps
from viz.steps import formula


def test_fan_out_a_plus_a_accumulates_in_two_contributions():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    steps = list(backward_steps(b))
    assert len(steps) == 1
    (step,) = steps
    assert step.node is b and step.upstream == 1.0 and step.locals == (1.0, 1.0) and step.parents == (a, a)
    first, second = step.contributions
    assert (first.contribution, first.before, first.total) == (1.0, None, 1.0)
    assert (second.contribution, second.before, second.total) == (1.0, 1.0, 2.0)
    assert step.describe() == "step 1: b = a + a, upstream grad 1\n  a: 1 × 1 = 1, grad a = 1\n" \
                              "  a: 1 × 1 = 1, grad a = 1 + 1 = 2"
    assert a.grad == 0.0  # backward_steps touches no .grad


def test_neuron_steps_match_the_hand_computed_backward():
    o = neuron()
    steps = {step.node.label: step for step in backward_steps(o)}
    assert set(steps) == {"o", "n", "s", "x1w1", "x2w2"}
    t = math.tanh(2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432)
    dn = 1.0 - t * t  # d tanh(n)/dn, = 0.5 here
    assert close(dn, 0.5)
    assert steps["o"].upstream == 1.0 and close(steps["o"].locals[0], dn)
    assert close(steps["n"].upstream, dn) and steps["n"].locals == (1.0, 1.0)
    assert close(steps["s"].upstream, dn)
    by_name = {c.parent.label: c for c in steps["x1w1"].contributions}
    assert by_name["x1"].local == -3.0 and close(by_name["x1"].total, -3.0 * dn)
    assert by_name["w1"].local == 2.0 and close(by_name["w1"].total, 2.0 * dn)
    by_name = {c.parent.label: c for c in steps["x2w2"].contributions}
    assert by_name["x2"].local == 1.0 and close(by_name["x2"].total, dn)
    assert by_name["w2"].local == 0.0 and by_name["w2"].total == 0.0


def test_order_is_backwards_order_and_totals_are_backwards_gradients():
    a, b = Value(1.5, label="a"), Value(-0.5, label="b")
    c = a * b
    d = (c + a).exp() * c - b.sigmoid() * a
    order = []
    grads = backprop(d, on_step=lambda node, *_: order.append(node))
    steps = list(backward_steps(d))
    assert [s.node for s in steps] == order
    seen = {d}
    for step in steps:  # every consumer is done before a node passes its gradient on
        assert step.node in seen
        seen.update(step.parents)
    finals = {}
    for step in steps:
        for contribution in step.contributions:
            finals[contribution.parent] = contribution.total
    assert finals[a] == grads[a] and finals[b] == grads[b] and finals[c] == grads[c]


def test_a_leaf_has_no_steps_and_a_number_is_refused():
    assert list(backward_steps(Value(2.0))) == []
    with pytest.raises(TypeError, match="backward_steps: root must be an autograd.Value"):
        list(backward_steps(2.0))


def test_formula_reads_like_the_code_that_built_the_node():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    assert formula(x * y) == "x * y" and formula(x ** 2) == "x ** 2" and formula(2.5 - x) == "2.5 - x"
    assert formula(x - 1) == "x - 1" and formula(-x) == "-x" and formula(x.tanh()) == "tanh(x)"
    assert formula(x.leaky_relu(0.2)) == "leaky_relu(x, 0.2)"
    assert formula(x * 2.0 + y) == "(4) + y"
