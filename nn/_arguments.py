"""Argument checks shared by nn: each returns the clean value or raises an error naming the argument."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from autograd import as_number


def real(value, name: str) -> float:
    """value as a finite float; TypeError for a non-number (or a bool), ValueError for nan or inf."""
    value = as_number(value, name)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def positive(value, name: str) -> float:
    """A finite float > 0."""
    value = real(value, name)
    if value <= 0.0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def non_negative(value, name: str) -> float:
    """A finite float >= 0."""
    value = real(value, name)
    if value < 0.0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def integer(value, name: str, minimum: int | None = None) -> int:
    """value as an int (numpy integers accepted, bools and floats refused), at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return value


def choice(value, name: str, options: Sequence[str]) -> str:
    """One of the strings in ``options``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {', '.join(map(repr, options))}; got {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def fraction(value, name: str) -> float:
    """A float strictly between 0 and 1."""
    value = real(value, name)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {value!r}")
    return value
