"""nn.data_checks: checking (X, y) before training."""

import numpy as np
import pytest

from nn.data_checks import check_dataset, check_inputs


def test_lists_and_arrays_become_arrays():
    X, y = check_dataset(([[1, 2], [3, 4]], [0, 1]), 2, "fit")
    assert X.dtype == float and X.shape == (2, 2) and y.tolist() == [0, 1]
    assert check_inputs(np.array([1.0, 2.0, 3.0]), 1, "predict").shape == (3, 1)


@pytest.mark.parametrize("data, nin, error, match", [
    (([[1, 2]], [0]), 3, ValueError, "X has 2 columns but the model takes 3 inputs"),
    (([1, 2], [0, 1]), 2, ValueError, r"X must have shape \(n, nin\)"),
    (([], []), None, ValueError, r"X must have shape|empty"),
    (([[1, 2]], [0, 1]), 2, ValueError, "X has 1 samples but y has 2"),
    (([[1, 2]], [float("inf")]), 2, ValueError, r"y\[0\] is not finite"),
    (([["a", 2]], [0]), 2, TypeError, "X must be numbers"),
    (([[1, 2]], [True]), 2, TypeError, "y must be an array of numbers"),
    ((np.ones((2, 2)),), 2, TypeError, r"must be a pair \(X, y\)"),
])
def test_bad_data_sets(data, nin, error, match):
    with pytest.raises(error, match=match):
        check_dataset(data, nin, "fit")
