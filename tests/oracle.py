"""Independent oracles for the tests: central differences in float64 on plain Python functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def central_diff(f: Callable[..., float], xs: Sequence[float], i: int, h: float = 1e-6) -> float:
    """(f(x + h e_i) - f(x - h e_i)) / 2h, evaluated on floats."""
    plus = list(xs)
    minus = list(xs)
    plus[i] += h
    minus[i] -= h
    return (f(*plus) - f(*minus)) / (2.0 * h)


def close(a: float, b: float, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """|a - b| <= atol + rtol * |b|."""
    return abs(a - b) <= atol + rtol * abs(b)
