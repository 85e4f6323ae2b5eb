"""nn.schedules: constant, linear (micrograd's demo), step and cosine."""

import math

import pytest

from nn import schedules


def test_linear_is_micrograds_schedule_to_the_bit():
    lr = schedules.linear(1.0, 0.1, 100)
    assert [lr(k) for k in range(101)] == [1.0 - 0.9 * k / 100 for k in range(101)]
    assert lr(150) == lr(100) == pytest.approx(0.1)


def test_linear_from_another_start():
    lr = schedules.linear(0.5, 0.0, 10)
    assert lr(0) == 0.5 and lr(5) == pytest.approx(0.25) and lr(10) == 0.0 and lr(11) == 0.0


def test_constant_step_cosine():
    assert schedules.constant(0.3)(0) == schedules.constant(0.3)(1000) == 0.3
    s = schedules.step(1.0, 0.5, 10)
    assert [s(k) for k in (0, 9, 10, 19, 20, 35)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]
    c = schedules.cosine(1.0, 100, end_factor=0.1)
    assert c(0) == 1.0 and c(100) == pytest.approx(0.1) and c(200) == pytest.approx(0.1)
    assert c(50) == pytest.approx(0.55)  # half way down the cosine: the mean of start and end
    assert c(25) == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 4)) / 2)


@pytest.mark.parametrize("make, error, match", [
    (lambda: schedules.linear(0.0, 0.1, 10), ValueError, "start must be > 0"),
    (lambda: schedules.linear(1.0, -0.1, 10), ValueError, "end_factor must be >= 0"),
    (lambda: schedules.linear(1.0, 0.1, 0), ValueError, "steps must be >= 1"),
    (lambda: schedules.step(1.0, 0.5, 2.5), TypeError, "every must be an int"),
    (lambda: schedules.cosine(1.0, 10)(-1), ValueError, "k must be >= 0"),
    (lambda: schedules.constant(float("inf")), ValueError, "lr must be finite"),
])
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_repr():
    assert repr(schedules.linear(1.0, 0.1, 100)) == "linear(start=1.0, end_factor=0.1, steps=100)"
