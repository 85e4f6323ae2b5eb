"""The playground's input features (x1, x2, x1², x2², x1·x2, sin x1, sin x2), computed from the raw points."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Each feature from the two raw coordinates; the order is the order of the panel's buttons and of the model's inputs.
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1²": lambda x1, x2: x1 * x1,
    "x2²": lambda x1, x2: x2 * x2,
    "x1·x2": lambda x1, x2: x1 * x2,
    "sin x1": lambda x1, x2: np.sin(x1),
    "sin x2": lambda x1, x2: np.sin(x2),
}
USES_X2 = frozenset({"x2", "x2²", "x1·x2", "sin x2"})
# The same features as code types them: x1^2 or x1**2, x1*x2, sin(x1).
_TYPED = {"x1^2": "x1²", "x1**2": "x1²", "x2^2": "x2²", "x2**2": "x2²", "x1*x2": "x1·x2",
          "sin(x1)": "sin x1", "sin(x2)": "sin x2"}


def feature_name(name: object) -> str:
    """The feature's name as FEATURES spells it ('x1^2' -> 'x1²'), or a ValueError listing the features."""
    if isinstance(name, str):
        if name in FEATURES:
            return name
        typed = _TYPED.get(name.replace(" ", ""))
        if typed is not None:
            return typed
    raise ValueError(f"input features: choose one of {', '.join(FEATURES)} (or as typed: x1^2, x1*x2, sin(x1)); "
                     f"got {name!r}")


def feature_matrix(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The columns ``names`` (in FEATURES order) of the points X, shape (n, 2) or (n, 1): shape (n, len(names))."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"feature_matrix: X must have shape (n, 1) or (n, 2), got {X.shape}")
    names = [feature_name(name) for name in names]
    x1 = X[:, 0]
    x2 = X[:, 1] if X.shape[1] == 2 else None
    if x2 is None and any(name in USES_X2 for name in names):
        raise ValueError(f"feature_matrix: the points have one coordinate, so {sorted(USES_X2 & set(names))} "
                         "cannot be computed")
    ordered = [name for name in FEATURES if name in names]
    return np.column_stack([FEATURES[name](x1, x2) for name in ordered])
