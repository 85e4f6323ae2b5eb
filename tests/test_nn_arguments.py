"""nn._arguments: argument checks name the argument and show the value."""

import numpy as np
import pytest

from nn import _arguments


def test_accepted_values():
    assert _arguments.real(np.float32(0.5), "x") == 0.5 and _arguments.integer(np.int64(3), "n", 1) == 3
    assert _arguments.positive(2, "lr") == 2.0 and _arguments.non_negative(0, "l2") == 0.0
    assert _arguments.fraction(0.25, "val") == 0.25 and _arguments.choice("a", "mode", ("a", "b")) == "a"


@pytest.mark.parametrize("call, error, match", [
    (lambda: _arguments.real(True, "x"), TypeError, "x: got the bool True"),
    (lambda: _arguments.real("1", "x"), TypeError, "x: expected a real number, got str '1'"),
    (lambda: _arguments.real(float("inf"), "x"), ValueError, "x must be finite, got inf"),
    (lambda: _arguments.positive(0.0, "lr"), ValueError, "lr must be > 0, got 0.0"),
    (lambda: _arguments.non_negative(-1, "l2"), ValueError, "l2 must be >= 0, got -1.0"),
    (lambda: _arguments.integer(2.0, "n"), TypeError, "n must be an int, got float 2.0"),
    (lambda: _arguments.integer(0, "n", 1), ValueError, "n must be >= 1, got 0"),
    (lambda: _arguments.choice(3, "mode", ("a",)), TypeError, "mode must be a str"),
    (lambda: _arguments.choice("c", "mode", ("a", "b")), ValueError, "mode must be one of 'a', 'b'; got 'c'"),
    (lambda: _arguments.fraction(1.0, "val"), ValueError, "between 0 and 1"),
])
def test_refused_values(call, error, match):
    with pytest.raises(error, match=match):
        call()
