"""detect_anomaly's messages and its decorator forms."""

import math

import pytest

from autograd import AnomalyError, Value, detect_anomaly, no_grad


def test_a_forward_anomaly_shows_every_argument_constants_and_labels_included():
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        Value(2.0, label="x") * math.inf
    text = str(info.value)
    assert "mul produced inf from x=2.0 (node 'x'), y=inf (a constant)" in text


def test_a_forward_anomaly_names_params_by_their_names():
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        Value(-1.0).leaky_relu(math.inf)
    assert "leaky_relu produced -inf from x=-1.0 (a node), slope=inf (a constant)" in str(info.value)


def test_a_backward_anomaly_shows_the_node_s_arguments():
    with detect_anomaly():
        x = Value(0.0, label="x")
        y = (x * 3.0).sqrt()
        with pytest.raises(AnomalyError) as info:
            y.backward()
    text = str(info.value)
    assert "backward of sqrt" in text and "arguments: x=0.0 (a node)" in text  # sqrt's input, x * 3, unlabelled


def test_detect_anomaly_decorates_with_and_without_parentheses_as_no_grad_does():
    @detect_anomaly
    def bare(x):
        return x * math.inf

    @detect_anomaly()
    def called(x):
        return x * math.inf

    @no_grad
    def plain(x):
        return x * math.inf

    for f in (bare, called):
        with pytest.raises(AnomalyError, match="mul produced inf"):
            f(Value(1.0))
    assert math.isinf(plain(Value(1.0)).data)  # outside detect_anomaly again: no error
    assert bare.__name__ == "bare"
    with pytest.raises(TypeError, match="detect_anomaly: takes no arguments, or decorates a function; got 3"):
        detect_anomaly(3)
