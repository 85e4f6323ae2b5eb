"""Reading training histories for the plots: nn's History (per-epoch records), a column mapping or a loss list."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np


def column(history: object, name: str, what: str) -> np.ndarray:
    """The column ``name`` of a history as floats, with nan where it is missing or not finite.

    None (no validation that epoch) is missing; anything else that is not a real number (a
    string, a list) is a TypeError naming the column and the epoch.
    """
    values = _raw(history, name, what)
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(f"{what}: {name} of epoch {i + 1} is {type(v).__name__} {v!r:.40}, not a number")
        f = float(v)
        out[i] = f if math.isfinite(f) else np.nan
    return out


def raw_column(history: object, name: str, what: str) -> list:
    """The column ``name`` as stored (None, nan and inf kept), to tell a diverged run from a missing value."""
    return list(_raw(history, name, what))


def epochs(history: object, what: str) -> np.ndarray:
    """The epoch numbers of a history (1, 2, ... when it does not record them)."""
    n = len(_raw(history, "train_loss", what))
    try:
        found = _raw(history, "epoch", what)
    except (KeyError, ValueError):
        return np.arange(1, n + 1, dtype=float)
    if len(found) != n or any(e is None for e in found):
        return np.arange(1, n + 1, dtype=float)
    return np.asarray(found, dtype=float)


def unwrap(history: object) -> object:
    """The History inside an nn.DivergedError (which carries the epochs completed before it), else ``history``."""
    if getattr(history, "records", None) is None and getattr(history, "history", None) is not None:
        return history.history
    return history


def _raw(history, name: str, what: str) -> Sequence:
    history = unwrap(history)
    records = getattr(history, "records", None)
    if records is not None:
        return [r.get(name) for r in records]
    if isinstance(history, Mapping):
        if name not in history:
            if name == "train_loss":
                raise ValueError(f"{what}: the history mapping has no 'train_loss' column, got keys {list(history)}")
            return [None] * len(history.get("train_loss", ()))
        return list(history[name])
    if isinstance(history, Sequence) and not isinstance(history, str):
        if name == "train_loss":
            return list(history)
        if name == "epoch":
            raise KeyError(name)
        return [None] * len(history)
    raise TypeError(
        f"{what}: expected an nn History (with .records), a mapping of columns or a list of losses, "
        f"got {type(history).__name__} {history!r:.60}"
    )
