"""Checking a data set (X, y) given as lists or numpy arrays, once, before training or evaluating."""

from __future__ import annotations

import numpy as np


def check_inputs(X, nin: int | None, who: str) -> np.ndarray:
    """X as a float array of shape (n, nin); a 1-D X is a column when the model has one input."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{who}: X must be numbers of shape (n, nin) ({exc})") from None
    if X.ndim == 1 and nin == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise ValueError(f"{who}: X must have shape (n, nin), got shape {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{who}: X is empty (no samples)")
    if nin is not None and X.shape[1] != nin:
        raise ValueError(f"{who}: X has {X.shape[1]} columns but the model takes {nin} inputs")
    bad = np.argwhere(~np.isfinite(X))
    if len(bad):
        row, col = bad[0]
        raise ValueError(f"{who}: X[{row}, {col}] is {float(X[row, col])!r}; inputs must be finite")
    return X


def check_dataset(data, nin: int | None, who: str, one_output: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) with X of shape (n, nin) and n finite targets y (numbers, or rows for several outputs).

    With ``one_output`` (the model gives one number per sample) a column y of shape (n, 1) is
    read as its n numbers, as a 1-D X is read as a column for a model of one input.
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{who} must be a pair (X, y), got {type(data).__name__}")
    X = check_inputs(data[0], nin, who)
    try:
        y = np.asarray(data[1])
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{who}: y must be numbers ({exc})") from None
    if y.ndim == 0 or y.dtype.kind not in "iuf":
        raise TypeError(f"{who}: y must be an array of numbers, one per sample, got {data[1]!r:.80}")
    if one_output and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if len(y) != len(X):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(y)}")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"{who}: y[{int(np.argwhere(~np.isfinite(y))[0][0])}] is not finite")
    return X, y
