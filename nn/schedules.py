"""Learning-rate schedules: callables mapping the optimizer's step count k = 0, 1, ... to a learning rate.

Give one as an optimizer's ``lr`` (``SGD(params, lr=linear(1.0, 0.1, 100))``): each ``step()``
uses ``schedule(k)`` with k the number of steps already taken, then counts one more. With one
step per epoch (full-batch training) k is the epoch index, as in micrograd's demo, whose
``1.0 - 0.9*k/100`` is ``linear(1.0, 0.1, 100)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ._arguments import integer, non_negative, positive


class Schedule:
    """A learning rate as a function of the step count; ``schedule(k)`` returns a float >= 0."""

    def __init__(self, name: str, rule: Callable[[int], float], **settings: float) -> None:
        self._name = name
        self._rule = rule
        self._settings = settings

    def __call__(self, k: int) -> float:
        return self._rule(integer(k, f"{self._name} schedule: k", 0))

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self._settings.items())
        return f"{self._name}({args})"


def constant(lr: float) -> Schedule:
    """lr at every step."""
    lr = positive(lr, "constant: lr")
    return Schedule("constant", lambda k: lr, lr=lr)


def linear(start: float, end_factor: float, steps: int) -> Schedule:
    """start * (1 - (1 - end_factor) * k / steps) for k <= steps, then start * end_factor (linear decay)."""
    start = positive(start, "linear: start")
    end_factor = non_negative(end_factor, "linear: end_factor")
    steps = integer(steps, "linear: steps", 1)
    drop = 1.0 - end_factor  # written like micrograd's 1.0 - 0.9*k/100, so the numbers are the same

    def rule(k: int) -> float:
        return start * (1.0 - drop * min(k, steps) / steps)

    return Schedule("linear", rule, start=start, end_factor=end_factor, steps=steps)


def step(start: float, factor: float, every: int) -> Schedule:
    """start * factor ** (k // every): multiply the rate by ``factor`` every ``every`` steps."""
    start = positive(start, "step: start")
    factor = positive(factor, "step: factor")
    every = integer(every, "step: every", 1)
    return Schedule("step", lambda k: start * factor ** (k // every), start=start, factor=factor, every=every)


def cosine(start: float, steps: int, end_factor: float = 0.0) -> Schedule:
    """From start down to start * end_factor along half a cosine over ``steps`` steps, then constant."""
    start = positive(start, "cosine: start")
    steps = integer(steps, "cosine: steps", 1)
    end_factor = non_negative(end_factor, "cosine: end_factor")
    end = start * end_factor

    def rule(k: int) -> float:
        return end + (start - end) * 0.5 * (1.0 + math.cos(math.pi * min(k, steps) / steps))

    return Schedule("cosine", rule, start=start, steps=steps, end_factor=end_factor)
