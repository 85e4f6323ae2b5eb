"""nn.metrics: accuracy under each decision rule, mean absolute error."""

import numpy as np
import pytest

from nn import metrics


def test_accuracy_rules():
    assert metrics.accuracy([0.5, -0.2, 0.1, -3.0], [1, -1, -1, -1], "sign") == 0.75
    assert metrics.accuracy([0.5, -0.2, 0.1, -3.0], [1, 0, 0, 1], "logit") == 0.5
    assert metrics.accuracy([0.9, 0.4, 0.6], [1, 0, 0], "probability") == pytest.approx(2 / 3)
    assert metrics.accuracy(np.array([[0.1, 0.7, 0.2], [2.0, 1.0, 0.0]]), [1, 2], "argmax") == 0.5
    assert metrics.accuracy(np.array([[0.5], [-0.5]]), [1, -1], "sign") == 1.0


def test_mae():
    assert metrics.mae([1.0, 2.0, 4.0], [1.5, 2.0, 3.0]) == 0.5


def test_get_metric_follows_the_loss():
    acc = metrics.get_metric("accuracy", "bce")
    assert acc(np.array([0.6, 0.4]), np.array([1, 1])) == 0.5
    assert metrics.get_metric("accuracy", "hinge")(np.array([0.6, 0.4]), np.array([1, 1])) == 1.0
    with pytest.raises(ValueError, match="'accuracy' needs a classification loss"):
        metrics.get_metric("accuracy", "mse")


def test_bad_arguments():
    with pytest.raises(ValueError, match="2 outputs but 3 targets"):
        metrics.accuracy([1.0, 2.0], [1, 1, 1], "sign")
    with pytest.raises(ValueError, match="rule must be one of"):
        metrics.accuracy([1.0], [1], "round")
    with pytest.raises(ValueError, match=r"needs outputs of shape \(n, k\)"):
        metrics.accuracy([1.0, 2.0], [0, 1], "argmax")
    with pytest.raises(ValueError, match="empty"):
        metrics.mae([], [])
