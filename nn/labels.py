"""The labels nn gives the nodes of a model's graph: made here, and read back here (by viz's drawings).

A label names a node's role and its position: ``w[l,n,i]`` (the weight of input i of neuron n in
layer l), ``b[l,n]`` (its bias), ``z[l,n]`` (its weighted sum), ``a[l,n]`` (its activation), and
``x[i]`` (an input made from a number). A lone Layer drops the layer index (``w[n,i]``, ``b[n]``),
a lone Neuron both (``w[i]``, and ``b``, ``z``, ``a`` with no brackets).
"""

from __future__ import annotations

import re
from typing import NamedTuple

KINDS = ("w", "b", "z", "a", "x")
PARAMETER_KINDS = ("w", "b")
_TEXT = re.compile(r"([wbzax])(?:\[(\d+(?:,\d+){0,2})\])?")
_INPUTS: list[str] = []  # x[0], x[1], ...: made once, as a sample's inputs are labelled on every forward


class Label(NamedTuple):
    """A label read back: its kind ('w', 'b', 'z', 'a' or 'x') and indices (None where the label has none)."""

    kind: str
    layer: int | None
    neuron: int | None
    input: int | None

    @property
    def key(self) -> tuple[int, ...] | None:
        """The neuron the node belongs to, as its indices ((l, n), (n,) or ()); None for an input x[i]."""
        if self.kind == "x":
            return None
        return tuple(i for i in (self.layer, self.neuron) if i is not None)

    @property
    def is_parameter(self) -> bool:
        """True for a weight or a bias."""
        return self.kind in PARAMETER_KINDS

    def __str__(self) -> str:
        indices = [i for i in (self.layer, self.neuron, self.input) if i is not None]
        return f"{self.kind}[{','.join(map(str, indices))}]" if indices else self.kind


def _neuron_label(kind: str, key: tuple[int, ...]) -> str:
    return f"{kind}[{','.join(map(str, key))}]" if key else kind


def weight_label(key: tuple[int, ...], i: int) -> str:
    """The label of weight ``i`` of the neuron at ``key``: 'w[l,n,i]', 'w[n,i]' or 'w[i]'."""
    return f"w[{','.join(map(str, (*key, i)))}]"


def bias_label(key: tuple[int, ...]) -> str:
    """The label of the bias of the neuron at ``key``: 'b[l,n]', 'b[n]' or 'b'."""
    return _neuron_label("b", key)


def sum_label(key: tuple[int, ...]) -> str:
    """The label of the weighted-sum node of the neuron at ``key``: 'z[l,n]', 'z[n]' or 'z'."""
    return _neuron_label("z", key)


def output_label(key: tuple[int, ...]) -> str:
    """The label of the activation node of the neuron at ``key``: 'a[l,n]', 'a[n]' or 'a'."""
    return _neuron_label("a", key)


def input_label(i: int) -> str:
    """The label of input ``i`` made from a number: 'x[i]'."""
    while len(_INPUTS) <= i:
        _INPUTS.append(f"x[{len(_INPUTS)}]")
    return _INPUTS[i]


def parse_label(text: object) -> Label | None:
    """The Label that ``text`` is, exactly as nn writes it ('w[0,1,2]' -> Label('w', 0, 1, 2)), else None."""
    if not isinstance(text, str):
        return None
    match = _TEXT.fullmatch(text)
    if match is None:
        return None
    kind, indices = match.groups()
    numbers = [int(i) for i in indices.split(",")] if indices else []
    if kind in ("w", "x"):  # the last index is the input's
        if not numbers or (kind == "x" and len(numbers) != 1):
            return None
        *key, last = numbers
    else:
        key, last = numbers, None
        if len(key) > 2:
            return None
    layer, neuron = ([None, None, *key])[-2:]
    label = Label(kind, layer, neuron, last)
    return label if str(label) == text else None  # '01' or other spellings nn never writes are not its labels
