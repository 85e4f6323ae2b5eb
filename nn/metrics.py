"""Metrics on plain numbers: accuracy under a loss's decision rule, and mean absolute error.

They take the model's outputs as ``predict`` returns them (an array (n,) or (n, k)) and the
targets, and return a float; they build no graph.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ._arguments import choice

Metric = Callable[[np.ndarray, np.ndarray], float]

# How each classification loss turns an output into a class: the rule its accuracy uses.
RULES = ("sign", "logit", "probability", "argmax")
LOSS_RULES = {
    "hinge": "sign",
    "bce_logits": "logit",
    "binary_cross_entropy_with_logits": "logit",
    "bce": "probability",
    "binary_cross_entropy": "probability",
    "ce": "argmax",
    "cross_entropy": "argmax",
}


def _pair(outputs, targets, who: str) -> tuple[np.ndarray, np.ndarray]:
    outputs = np.asarray(outputs, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if len(outputs) == 0:
        raise ValueError(f"{who}: no outputs (empty batch)")
    if len(outputs) != len(targets):
        raise ValueError(f"{who}: {len(outputs)} outputs but {len(targets)} targets")
    return outputs, targets


def accuracy(outputs, targets, rule: str) -> float:
    """The fraction of samples classified right, under ``rule``.

    'sign': labels -1/+1, class + when output > 0 (hinge); 'logit': labels 0/1, class 1 when
    output > 0 (bce_logits); 'probability': labels 0/1, class 1 when output > 0.5 (bce);
    'argmax': class indices, the class of the largest output (ce).
    """
    choice(rule, "accuracy: rule", RULES)
    outputs, targets = _pair(outputs, targets, "accuracy")
    if rule == "argmax":
        if outputs.ndim != 2:
            raise ValueError(f"accuracy: rule 'argmax' needs outputs of shape (n, k), got {outputs.shape}")
        predicted = outputs.argmax(axis=1)
        return float(np.mean(predicted == targets))
    if outputs.ndim == 2 and outputs.shape[1] == 1:
        outputs = outputs[:, 0]
    if outputs.ndim != 1:
        raise ValueError(f"accuracy: rule {rule!r} needs one output per sample, got shape {outputs.shape}")
    cut = 0.5 if rule == "probability" else 0.0
    label_cut = 0.0 if rule == "sign" else 0.5
    return float(np.mean((outputs > cut) == (targets.reshape(outputs.shape) > label_cut)))


def mae(outputs, targets) -> float:
    """Mean absolute error between outputs and targets (of the same shape)."""
    outputs, targets = _pair(outputs, targets, "mae")
    if outputs.shape != targets.shape:
        targets = targets.reshape(outputs.shape)
    return float(np.mean(np.abs(outputs - targets)))


def get_metric(name: str | Metric, loss: str | Callable, who: str = "metrics") -> Metric:
    """The metric function for a name ('accuracy', 'mae') given the loss, or a callable as it is.

    An error names ``who`` asked for it (``'fit: metrics'``).
    """
    if callable(name):
        _check_signature(name, who)
        return name
    choice(name, who, ("accuracy", "mae"))
    if name == "mae":
        return mae
    rule = LOSS_RULES.get(loss) if isinstance(loss, str) else None
    if rule is None:
        raise ValueError(
            f"{who}: 'accuracy' needs a classification loss ({', '.join(sorted(set(LOSS_RULES)))}), not {loss!r}; "
            "for another loss pass a callable, e.g. lambda out, y: nn.metrics.accuracy(out, y, 'sign')"
        )
    return lambda outputs, targets: accuracy(outputs, targets, rule)


def _check_signature(metric: Callable, who: str) -> None:
    """A TypeError now, before any training, for a callable that cannot be called as metric(outputs, targets)."""
    try:
        signature = inspect.signature(metric)
    except (TypeError, ValueError):  # some builtins have no signature to read: the call will tell
        return
    try:
        signature.bind(None, None)
    except TypeError:
        raise TypeError(f"{who}: {getattr(metric, '__name__', metric)!r} must take (outputs, targets), "
                        f"but its signature is {signature}") from None
