"""viz.steps: backward_steps against backward computed by hand, in backward's own order."""

import math

import pytest
from oracle import close
from test_viz_stubs import neuron

from autograd import Value, backprop, topological_order
from viz import backward_steps
from viz.steps import formula, node_names


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
    assert formula(x * 2.0 + y) == "mul1 + y"  # an unlabelled node is named by its op and a count


def micrograd_readme():
    """micrograd's README example, unlabelled: every node is named by node_names."""
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    return a, b, e, g


def test_unlabelled_nodes_get_names_no_other_node_has():
    a, b, e, g = micrograd_readme()
    nodes = topological_order(g)
    names = node_names(nodes)
    assert len(set(names.values())) == len(nodes)  # values repeat (two nodes hold 6), names do not
    assert names[a] == "leaf1" and names[b] == "leaf2" and names[e] == "sub2"  # b - a is sub1, made first
    for step in backward_steps(g):  # every caption names the nodes by these names, and only by them
        text = step.describe()
        assert text.startswith(f"step {step.index + 1}: {names[step.node]} = ")
        assert all(f"  {names[p]}: " in text for p in step.parents) and "(" not in text.split("=")[0]
    # a label is kept, a given name (a model's for a parameter) is used, and no generated name takes either
    x, w = Value(1.0, label="mul1"), Value(2.0)
    y = x * w * 3.0
    named = node_names(topological_order(y), {w: "w"})
    assert named[x] == "mul1" and named[w] == "w" and sorted(named.values()) == ["mul1", "mul2", "mul3", "w"]

