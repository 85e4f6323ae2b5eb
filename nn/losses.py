"""Losses over a batch (mse, cross-entropies, hinge) and the l1/l2 parameter penalties, as Values.

Every loss takes the batch's predictions (one Value, or one list of Values, per sample) and
its targets, and returns the mean over the samples as one Value to call ``backward`` on.
Lengths that differ, labels out of range or an empty batch raise a ValueError saying which.
A sample's one output, or its one target, may also be a list of one (as a Layer of one neuron
gives its output).

A target may also be a Value (a leaf, as ``fit`` records a step to compile it into a tape): it
then stays in the graph and the loss takes a form that holds for every target value, with no
branch on it (cross_entropy's target is then a one-hot list of k Values); ``leaf_targets``
checks a whole data set's targets and gives the numbers those leaves take.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from autograd import DomainError, Value, as_number, dot
from autograd import sum as vsum

Loss = Callable[[Sequence, Sequence], Value]


def _as_list(xs, name: str, who: str) -> list:
    if hasattr(xs, "tolist") and not isinstance(xs, Value):
        xs = xs.tolist()
    if isinstance(xs, tuple):
        xs = list(xs)
    if not isinstance(xs, list):
        raise TypeError(f"{who}: {name} must be a list (one item per sample), got {type(xs).__name__} {xs!r}")
    return xs


def _batch(preds, targets, who: str) -> tuple[list, list]:
    preds = _as_list(preds, "preds", who)
    targets = _as_list(targets, "targets", who)
    if not preds:
        raise ValueError(f"{who}: the batch is empty (no predictions)")
    if len(preds) != len(targets):
        raise ValueError(f"{who}: {len(preds)} predictions but {len(targets)} targets")
    return preds, targets


def _single(x):
    """One output or target of a sample: a list (or tuple) of one, as a Layer of one neuron gives, is its item."""
    return x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x


def _value(p, who: str, i: int) -> Value:
    p = _single(p)
    return p if isinstance(p, Value) else Value(as_number(p, f"{who}: preds[{i}]"))


def _number(t, who: str, i: int) -> float:
    return as_number(t.data if isinstance(t, Value) else t, f"{who}: targets[{i}]")


def _target(t, who: str, i: int) -> float | Value:
    """A target as a number, or as the Value it is (a leaf of a recorded step), its number checked."""
    t = _single(t)
    if isinstance(t, Value):
        _number(t.data, who, i)
        return t
    return _number(t, who, i)


def _data(t: float | Value) -> float:
    return t.data if isinstance(t, Value) else t


def _mean(terms: list[Value]) -> Value:
    # sum * (1/n), as micrograd's demo writes it, so the two give the same numbers.
    return vsum(terms) * (1.0 / len(terms))


def mse(preds: Sequence, targets: Sequence) -> Value:
    """Mean squared error; a sample may have several outputs (then its target is a list of as many)."""
    who = "mse"
    preds, targets = _batch(preds, targets, who)
    terms = []
    for i, (p, t) in enumerate(zip(preds, targets)):
        if hasattr(t, "tolist"):
            t = t.tolist()
        if isinstance(p, (list, tuple)):
            if not isinstance(t, (list, tuple)):
                if len(p) != 1:
                    raise ValueError(f"{who}: sample {i} has {len(p)} outputs but its target is one number, "
                                     f"{_data(t)!r}; give each sample a list of {len(p)} targets")
                t = [t]
            if len(t) != len(p):
                raise ValueError(f"{who}: sample {i} has {len(p)} outputs but its target has {len(t)}: {t!r:.200}")
            for pj, tj in zip(p, t):
                terms.append((_value(pj, who, i) - _target(tj, who, i)) ** 2)
        else:
            if isinstance(t, (list, tuple)):
                if len(t) != 1:
                    raise ValueError(f"{who}: sample {i} has 1 output but its target is {t!r}")
                t = t[0]
            terms.append((_value(p, who, i) - _target(t, who, i)) ** 2)
    return _mean(terms)


def _label01(t, who: str, i: int) -> float | Value:
    t = _target(t, who, i)
    if not 0.0 <= _data(t) <= 1.0:
        raise ValueError(f"{who}: targets[{i}] = {_data(t)!r} is out of range; "
                         "binary labels are 0 or 1 (or in between)")
    return t


def _sign_label(t, who: str, i: int) -> float | Value:
    t = _target(t, who, i)
    if _data(t) not in (-1.0, 1.0):
        raise ValueError(f"{who}: targets[{i}] = {_data(t)!r}; hinge labels are -1 or +1 (map 0/1 labels with 2*y - 1)")
    return t


def _per_sample(preds: Sequence, targets: Sequence, who: str, label, term) -> list[Value]:
    """term(pred, target, i) for every sample, the prediction a Value and the target checked by ``label``."""
    preds, targets = _batch(preds, targets, who)
    return [term(_value(p, who, i), label(t, who, i), i) for i, (p, t) in enumerate(zip(preds, targets))]


def binary_cross_entropy(preds: Sequence, targets: Sequence) -> Value:
    """-mean(t log p + (1 - t) log(1 - p)) for probabilities p (e.g. a sigmoid output) and labels t in [0, 1]."""
    who = "binary_cross_entropy"

    def term(p: Value, t, i: int) -> Value:
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"{who}: preds[{i}] = {p.data!r} is not a probability in [0, 1]; apply sigmoid first, "
                "or use binary_cross_entropy_with_logits on the raw output"
            )
        # A term whose weight is 0 is left out, so a saturated but right prediction (p = 1 for
        # t = 1) does not take log(0); a saturated wrong one has an infinite loss, said plainly.
        if (_data(t) > 0.0 and p.data == 0.0) or (_data(t) < 1.0 and p.data == 1.0):
            raise DomainError(
                f"{who}: preds[{i}] = {p.data!r} with target {t!r} gives an infinite loss; "
                "use binary_cross_entropy_with_logits, which stays finite for any output"
            )
        if t.__class__ is not Value and t == 1.0:
            return p.log()
        if t.__class__ is not Value and t == 0.0:
            return (1.0 - p).log()
        return t * p.log() + (1.0 - t) * (1.0 - p).log()

    terms = _per_sample(preds, targets, who, _label01, term)
    return vsum(terms) * (-1.0 / len(terms))


def binary_cross_entropy_with_logits(preds: Sequence, targets: Sequence) -> Value:
    """binary_cross_entropy(sigmoid(z), t) computed from logits z, finite and exact for any z."""

    def term(z: Value, t, i: int) -> Value:
        # -t log s(z) - (1-t) log(1 - s(z)) = softplus(z) - t z, and softplus(z) - z = softplus(-z).
        if t.__class__ is not Value and t == 0.0:
            return z.softplus()
        if t.__class__ is not Value and t == 1.0:
            return (-z).softplus()
        return z.softplus() - t * z

    return _mean(_per_sample(preds, targets, "binary_cross_entropy_with_logits", _label01, term))


def _logits(row, who: str, i: int) -> list[Value]:
    if hasattr(row, "tolist") and not isinstance(row, Value):
        row = row.tolist()
    if not isinstance(row, (list, tuple)) or len(row) < 2:
        raise ValueError(f"{who}: preds[{i}] must be a list of at least 2 logits (one per class), got {row!r}")
    return [_value(z, who, i) for z in row]


def _class_index(t, k: int, who: str, i: int) -> int:
    t = _single(t)
    if isinstance(t, float) and t.is_integer():
        t = int(t)
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"{who}: targets[{i}] must be a class index (int), got {type(t).__name__} {t!r}")
    if not 0 <= t < k:
        raise ValueError(f"{who}: targets[{i}] = {t} is out of range for {k} classes (0 to {k - 1})")
    return int(t)


def _one_hot(t, k: int, who: str, i: int) -> list[Value]:
    """A one-hot target of k Values (as fit records cross_entropy's targets), checked."""
    t = list(t)
    if len(t) != k or not all(isinstance(v, Value) for v in t) or sorted(v.data for v in t) != [0.0] * (k - 1) + [1.0]:
        raise ValueError(f"{who}: targets[{i}] must be a class index or a one-hot list of {k} Values, got {t!r:.200}")
    return t


def softmax(logits: Sequence) -> list[Value]:
    """The probabilities e**z_j / sum_k e**z_k for one sample's logits, stable for any logits."""
    zs = _logits(logits, "softmax", 0)
    m = max(z.data for z in zs)  # shifting by a constant changes nothing but avoids overflow
    exps = [(z - m).exp() for z in zs]
    total = vsum(exps)
    return [e / total for e in exps]


def cross_entropy(preds: Sequence, targets: Sequence, return_probs: bool = False) -> Value | tuple[Value, list]:
    """Mean of -log softmax(z)[t] over samples, via log-sum-exp; with return_probs also the probabilities.

    ``preds`` holds one list of k logits per sample, ``targets`` the class indices 0..k-1. With
    ``return_probs=True`` it returns ``(loss, probs)``, probs being one list of k floats per sample.
    """
    who = "cross_entropy"
    preds, targets = _batch(preds, targets, who)
    terms, probs = [], []
    k = None
    for i, (row, t) in enumerate(zip(preds, targets)):
        zs = _logits(row, who, i)
        if k is None:
            k = len(zs)
        elif len(zs) != k:
            raise ValueError(f"{who}: preds[{i}] has {len(zs)} logits but preds[0] has {k}")
        one_hot = isinstance(t, (list, tuple))
        t = _one_hot(t, k, who, i) if one_hot else _class_index(t, k, who, i)
        m = max(z.data for z in zs)
        shifted = [z - m for z in zs]  # log-sum-exp trick: e**(z - max) never overflows
        exps = [s.exp() for s in shifted]
        total = vsum(exps)
        # A one-hot target picks its class's logit as a dot (exact: the other terms are 0 * z).
        terms.append(total.log() - (dot(t, shifted) if one_hot else shifted[t]))
        if return_probs:
            probs.append([e.data / total.data for e in exps])
    loss = _mean(terms)
    return (loss, probs) if return_probs else loss


def hinge(preds: Sequence, targets: Sequence, margin: float = 1.0) -> Value:
    """Max-margin loss mean(relu(margin - t * s)) for scores s and labels t in {-1, +1}."""
    return _mean(_per_sample(preds, targets, "hinge", _sign_label, lambda s, t, i: (s * -t + margin).relu()))


def _params(params: Iterable, who: str) -> list[Value]:
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{who}: params[{i}] must be a Value, got {type(p).__name__} {p!r}")
    return params


def l2(params: Iterable[Value]) -> Value:
    """The sum of squared parameters, as one n-ary node (multiply by a strength, e.g. 1e-4 * l2(...))."""
    params = _params(params, "l2")
    return dot(params, params)


def l1(params: Iterable[Value]) -> Value:
    """The sum of absolute values of the parameters."""
    return vsum([abs(p) for p in _params(params, "l1")])


LOSSES: dict[str, Loss] = {
    "mse": mse,
    "bce": binary_cross_entropy,
    "binary_cross_entropy": binary_cross_entropy,
    "bce_logits": binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "ce": cross_entropy,
    "cross_entropy": cross_entropy,
    "hinge": hinge,
}


def get_loss(loss: str | Loss, who: str = "") -> Loss:
    """The loss function for a name in LOSSES ('mse', 'bce', 'bce_logits', 'ce', 'hinge') or a callable;
    an error names ``who`` asked for it (``'fit'``)."""
    if callable(loss):
        return loss
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"{who + ': ' if who else ''}loss must be a callable or one of "
                         f"{', '.join(map(repr, LOSSES))}; got {loss!r}")
    return LOSSES[loss]


def _checked(check) -> Callable[[np.ndarray, int, str], np.ndarray]:
    def targets(y: np.ndarray, nout: int, who: str) -> np.ndarray:
        for i, t in enumerate(y.tolist()):
            check(t, who, i)
        return y.astype(float).reshape(len(y), 1)
    return targets


def _class_targets(y: np.ndarray, nout: int, who: str) -> np.ndarray:
    classes = [_class_index(t, nout, who, i) for i, t in enumerate(y.tolist())]
    return np.eye(nout)[classes]


def _rows(y: np.ndarray, nout: int, who: str) -> np.ndarray:
    y = y.astype(float).reshape(len(y), -1)
    if y.shape[1] != nout:
        values = "1 value" if y.shape[1] == 1 else f"{y.shape[1]} values"
        raise ValueError(f"{who}: the model has {nout} outputs but each target has {values}")
    return y


_LEAF_TARGETS = {
    mse: _rows,
    binary_cross_entropy: _checked(_label01),
    binary_cross_entropy_with_logits: _checked(_label01),
    cross_entropy: _class_targets,
    hinge: _checked(_sign_label),
}


def leaf_targets(loss: Loss, y, nout: int, who: str = "") -> np.ndarray:
    """Targets y checked for ``loss`` and shaped (n, width): the numbers each sample's target leaves take.

    A built-in loss checks every label as it would in a step (cross_entropy's become one-hot
    rows of ``nout``); a callable loss gets each row of y as it is. An error starts with
    ``who`` (``'fit: validation'``), then the loss's name.
    """
    form = _LEAF_TARGETS.get(loss)
    y = np.asarray(y)
    if form is None:
        return y.astype(float).reshape(len(y), -1)
    name = getattr(loss, "__name__", "loss")
    return form(y, nout, f"{who}: {name}" if who else name)
