"""backward(): regression graphs, every node's gradient, accumulation, depth and create_graph."""

import gc
import math
import sys

import pytest
from oracle import central_diff, close

import autograd as ag
from autograd import Value


def test_micrograd_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    # The published numbers of micrograd's README (PyTorch agrees with them).
    assert round(g.data, 4) == 24.7041
    assert round(a.grad, 4) == 138.8338
    assert round(b.grad, 4) == 645.5773


def test_a_plus_a_and_x_times_x():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    y = Value(-2.0)
    (y * y * y).backward()
    assert y.grad == 12.0


def test_diamond():
    # x feeds two branches that meet again: d/dx (x*2 + x.exp()) * x
    x = Value(0.7)
    u = x * 2
    v = x.exp()
    out = (u + v) * x
    out.backward()
    expected = central_diff(lambda t: (2 * t + math.exp(t)) * t, [0.7], 0)
    assert close(x.grad, expected)
    # inner nodes receive d(out)/d(node) too
    assert close(u.grad, 0.7) and close(v.grad, 0.7)
    assert out.grad == 1.0


def test_every_node_receives_its_gradient():
    x, w, b = Value(0.5, "x"), Value(-1.2, "w"), Value(0.3, "b")
    z = x * w + b
    o = z.tanh()
    o.backward()
    dz = 1 - math.tanh(z.data) ** 2
    assert close(z.grad, dz)
    assert close(w.grad, dz * 0.5) and close(x.grad, dz * -1.2) and close(b.grad, dz)


def test_backward_twice_adds_the_same_amounts_again():
    x = Value(1.3)
    y = (x * x).tanh() * x
    y.backward()
    first = {id(n): n.grad for n in (x, y)}
    y.backward()
    assert x.grad == 2 * first[id(x)]
    assert y.grad == 2.0
    y.backward()
    assert math.isclose(x.grad, 3 * first[id(x)])


def test_million_deep_chain_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert y.data == 1_000_000.0 and x.grad == 1.0
    del y  # freeing the chain must not overflow the C stack either
    gc.collect()


def test_dropped_graph_is_freed_by_reference_counting():
    def build_and_drop():
        x = Value(1.0)
        y = (x * 2 + 1).tanh() * x
        y.backward()

    build_and_drop()  # once first: what a first run creates and keeps (caches) is not the graph's
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        build_and_drop()
        assert len(gc.get_objects()) <= before + 2  # nothing left for the cycle collector
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_sum_and_dot_are_single_nodes():
    xs = [Value(float(i)) for i in range(1, 6)]
    s = ag.sum(xs)
    assert s.op == "sum" and len(s.parents) == 5 and s.data == 15.0
    s.backward()
    assert all(x.grad == 1.0 for x in xs)
    ws = [Value(0.5 * i) for i in range(5)]
    d = ag.dot(ws, xs)
    assert d.op == "dot" and len(d.parents) == 10
    assert d.data == sum(w.data * x.data for w, x in zip(ws, xs))
    d.backward()
    assert [w.grad for w in ws] == [x.data for x in xs]
    assert [x.grad for x in xs] == [1.0 + w.data for w in ws]


def test_sum_and_dot_accept_numbers_and_check_lengths():
    x = Value(2.0)
    assert ag.sum([x, 3, 4.5]).data == 9.5
    assert ag.dot([x, 1.0], [3.0, 4.0]).data == 10.0
    assert ag.sum([]).data == 0.0
    with pytest.raises(ValueError, match="same length"):
        ag.dot([x], [1.0, 2.0])
    with pytest.raises(TypeError, match="sum"):
        ag.sum(x)


def test_pow_with_value_exponent_gradient_and_nan_where_undefined():
    x, y = Value(2.0), Value(3.0)
    (x ** y).backward()
    assert close(x.grad, 3 * 4.0) and close(y.grad, 8.0 * math.log(2.0))
    x, y = Value(-2.0), Value(2.0)
    (x ** y).backward()
    assert x.grad == -4.0 and math.isnan(y.grad)
    x, y = Value(0.0), Value(2.0)
    (x ** y).backward()
    assert x.grad == 0.0 and y.grad == 0.0


def test_sqrt_at_zero_has_an_infinite_slope_not_a_crash():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf


def test_create_graph_gives_differentiable_gradients():
    x = Value(0.8)
    y = x.sin() * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    dy = x.grad
    assert close(dy.data, math.cos(0.8) * 0.8 + math.sin(0.8))
    x.grad = 0.0
    dy.backward()
    assert close(x.grad, -math.sin(0.8) * 0.8 + 2 * math.cos(0.8))


def test_kinks_take_the_conventional_derivative_zero():
    for f in (lambda v: v.relu(), lambda v: abs(v)):
        x = Value(0.0)
        f(x).backward()
        assert x.grad == 0.0
    x = Value(0.0)
    x.leaky_relu(0.1).backward()
    assert x.grad == 0.1


def test_create_graph_always_leaves_values_in_grad():
    x = Value(3.0)
    y = 2 * x + 1  # every local derivative is a constant number
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 2.0
    x.grad.backward()  # a Value, so it can be differentiated again (here: its graph is constant)


def test_an_overflowing_derivative_is_infinite_not_an_error():
    x = Value(1e-103)
    y = x ** -2.0  # 1e206 is fine; d/dx = -2 x^-3 = -2e309 overflows
    y.backward()
    assert x.grad == float("-inf")
    z = Value(-1e-103)
    (z ** -2.0).backward()
    assert z.grad == float("inf")  # -2 * (-1e-103)^-3 = +2e309


def test_an_overflowing_derivative_is_still_named_under_detect_anomaly():
    from autograd import AnomalyError, detect_anomaly

    with detect_anomaly(), pytest.raises(AnomalyError, match="pow"):
        (Value(1e-103) ** -2.0).backward()


@pytest.mark.parametrize("root", [1.0, [Value(1.0)], None])
def test_backprop_refuses_what_is_not_a_value(root):
    from autograd import backprop

    with pytest.raises(TypeError, match="backprop: root must be a Value"):
        backprop(root)


def test_a_grad_of_none_means_no_gradient_yet_as_in_pytorch():
    a, b = Value(1.0), Value(2.0)
    d = a * b + a
    b.grad = None  # PyTorch's idiom for "no gradient yet"
    d.backward()
    assert (a.grad, b.grad, d.grad) == (2.0 + 1.0, 1.0, 1.0)  # d/da = b + 1, d/db = a
    a.grad = None
    d.backward(create_graph=True)  # a number where there was one, a Value where there was None
    assert isinstance(a.grad, Value) and a.grad.data == 3.0 and b.grad.data == 1.0 + 1.0


@pytest.mark.parametrize("bad", ["0", [0.0], True])
def test_a_grad_that_is_not_a_number_is_refused_before_any_grad_is_written(bad):
    a, b = Value(1.0), Value(2.0)
    d = a * b + a
    b.grad = bad
    with pytest.raises(TypeError, match=r"backward: .*has \.grad"):
        d.backward()
    assert a.grad == 0.0 and d.grad == 0.0 and b.grad is bad  # nothing half-done
