"""grad / value_and_grad (higher orders), no_grad, enable_grad and detect_anomaly."""

import math

import pytest
from oracle import central_diff, close

from autograd import AnomalyError, Value, detect_anomaly, enable_grad, grad, is_grad_enabled, no_grad, value_and_grad


def test_grad_of_grad_gives_higher_derivatives():
    f = lambda x: x**3 + 2 * x  # noqa: E731 - derivatives by hand: 3x^2 + 2, 6x, 6, 0
    d1, d2, d3 = grad(f), grad(grad(f)), grad(grad(grad(f)))
    assert d1(2.0).data == 14.0
    assert d2(2.0).data == 12.0
    assert d3(2.0).data == 6.0
    assert grad(d3)(2.0).data == 0.0


def test_second_derivative_of_tanh_and_sigmoid_against_central_differences():
    for fn in (lambda x: x.tanh(), lambda x: x.sigmoid(), lambda x: (x * x).sin()):
        d1 = grad(fn)
        d2 = grad(d1)
        for x in (-1.3, 0.2, 0.9):
            numeric = central_diff(lambda t, d1=d1: d1(t).data, [x], 0, h=1e-5)
            assert close(d2(x).data, numeric, rtol=1e-5)


def test_value_and_grad_with_several_argnums():
    f = lambda x, y: x * y.exp()  # noqa: E731
    value, (dx, dy) = value_and_grad(f, argnums=(0, 1))(3.0, 0.5)
    assert close(value.data, 3 * math.exp(0.5))
    assert close(dx.data, math.exp(0.5)) and close(dy.data, 3 * math.exp(0.5))
    # mixed partial d/dy (df/dx) = e^y
    assert close(grad(lambda x, y: grad(f, 0)(x, y), 1)(3.0, 0.5).data, math.exp(0.5))


def test_grad_does_not_touch_dot_grad_and_validates():
    x = Value(2.0)
    g = grad(lambda v: v * v)(x)
    assert g.data == 4.0 and x.grad == 0.0
    with pytest.raises(TypeError, match="must return a Value"):
        grad(lambda v: 3.0)(1.0)
    with pytest.raises(ValueError, match="argnums 2"):
        grad(lambda v: v, argnums=2)(1.0)
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda v: v, argnums="x")


def test_gradient_of_an_unused_input_is_zero():
    dx, dy = grad(lambda x, y: x * 2, argnums=(0, 1))(1.0, 5.0)
    assert dx.data == 2.0 and dy.data == 0.0


def test_no_grad_records_nothing_as_context_and_decorator():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3 + 1
        with enable_grad():
            z = x * 3
    assert is_grad_enabled()
    assert y.data == 7.0 and y.is_leaf() and y.parents == ()
    assert z.op == "mul"

    @no_grad()
    def f(v):
        return v.exp()

    out = f(x)
    assert out.is_leaf() and is_grad_enabled()


def test_no_grad_restores_state_after_an_exception():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert is_grad_enabled()


def test_backward_create_graph_records_even_under_no_grad():
    x = Value(0.3)
    y = x.exp()
    with no_grad():
        y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and not x.grad.is_leaf()


def test_detect_anomaly_forward_names_op_inputs_and_user_line():
    a = Value(1e200)
    with detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            a * a  # the line the message must point at
    text = str(info.value)
    assert "mul produced inf" in text and "1e+200" in text
    assert f"{__file__}:" in text


def test_detect_anomaly_backward_names_the_node_and_where_it_was_made():
    with detect_anomaly():
        x = Value(0.0)
        y = x.sqrt()  # infinite slope at 0
        with pytest.raises(AnomalyError) as info:
            y.backward()
    text = str(info.value)
    assert "backward of sqrt" in text and "inf" in text and "op: sqrt" in text
    assert "test_functional.py:" in text


def test_without_detect_anomaly_nan_flows_silently():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    assert math.isnan((Value(math.inf) - Value(math.inf)).data)


def test_detect_anomaly_names_the_users_line_for_a_graph_built_by_nn():
    import nn

    model = nn.MLP(1, [1], seed=0)
    model.layers[0].neurons[0].b.data = float("inf")
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        model([1.0])  # this line, not nn/layers.py
    assert f"{__file__}:" in str(info.value) and "layers.py" not in str(info.value)
