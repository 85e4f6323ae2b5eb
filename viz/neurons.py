"""Which nodes of a graph belong to which neuron, read from the labels nn gives (``nn.labels``: w, b, z, a)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd import Value
from nn.labels import parse_label

Key = tuple  # a neuron's indices: (layer, neuron) in an MLP, (neuron,) in a Layer, () for a lone Neuron


def neuron_key(label: str | None) -> Key | None:
    """The neuron a node with this label belongs to (``'w[1,2,0]'`` -> ``(1, 2)``), or None."""
    parsed = parse_label(label)
    return None if parsed is None else parsed.key


def label_kind(node: Value) -> str | None:
    """What nn labelled the node: 'w', 'b', 'z', 'a' or 'x'; None for any other label."""
    parsed = parse_label(node.label)
    return None if parsed is None else parsed.kind


def has_neuron_labels(nodes: Iterable[Value]) -> bool:
    """True if some label carries neuron indices (``z[0,1]``, ``w[3]``): the graph was made by nn."""
    return any("[" in node.label and neuron_key(node.label) is not None for node in nodes if node.label)


def is_parameter(node: Value) -> bool:
    """A leaf labelled as nn labels a weight or a bias (``w[0,1,2]``, ``b[0,1]``, ``b``; not ``beta``)."""
    if not node.is_leaf():
        return False
    parsed = parse_label(node.label)
    return parsed is not None and parsed.is_parameter


def labelled_parameters(nodes: Iterable[Value]) -> dict[Value, str]:
    """The leaves labelled as nn labels its parameters, by label, in a graph nn made: one where some such
    label has indices (``w[0]``, ``b[0,1]``). A bare ``b`` is nn's label for a lone neuron's bias, but
    beside ``w1`` or ``a`` it is the user's variable, so on its own it is no parameter."""
    found = {node: node.label for node in nodes if is_parameter(node)}
    return found if any("[" in label for label in found.values()) else {}


def layer_of(key: Key) -> int | None:
    """The layer index of an MLP neuron key (l, n), else None."""
    return key[0] if len(key) == 2 else None


def neuron_name(key: Key) -> str:
    """How a drawing names the neuron: 'neuron [1,0]', or 'neuron' for a lone one."""
    return "neuron [" + ",".join(map(str, key)) + "]" if key else "neuron"


def group_neurons(nodes: Sequence[Value], consumers: dict) -> dict:
    """node -> neuron key for every node made by a neuron: its labelled nodes and what lies between them.

    A node without a neuron label belongs to neuron K when it lies on a path from one of K's
    labelled nodes (w, b, z) to K's output (a, else z), without crossing another neuron's node.
    So an unlabelled input, or one computed outside the model, stays outside every neuron.
    """
    keyed = {}
    by_key: dict = {}
    for node in nodes:
        key = neuron_key(node.label)
        if key is not None:
            keyed[node] = key
            by_key.setdefault(key, []).append(node)
    member = dict(keyed)
    for key in sorted(by_key):
        labelled = by_key[key]
        tops = outputs_of(labelled)
        between = _ancestors(tops, key, keyed)
        for node in _descendants_within(labelled, set(tops), between, consumers):
            member.setdefault(node, key)
    return member


def outputs_of(members: Iterable[Value]) -> list[Value]:
    """A neuron's output nodes among ``members``: those labelled a[...], else (a linear neuron) z[...]."""
    members = list(members)
    return [n for n in members if label_kind(n) == "a"] or [n for n in members if label_kind(n) == "z"]


def _ancestors(tops, key, keyed) -> set:
    """Unlabelled computed nodes reachable backward from ``tops`` without crossing another neuron."""
    seen = set(tops)
    found = set()
    stack = list(tops)
    while stack:  # iterative: graphs can be far deeper than the recursion limit
        node = stack.pop()
        for parent in node.parents:
            if parent in seen:
                continue
            owner = keyed.get(parent)
            if owner is not None and owner != key:
                continue
            if owner is None and parent.is_leaf():
                continue  # an input or a constant: outside the neuron
            seen.add(parent)
            if owner is None:
                found.add(parent)
            stack.append(parent)
    return found


def _descendants_within(seeds, tops: set, allowed: set, consumers: dict) -> set:
    """The nodes of ``allowed`` reachable forward from ``seeds``, not going past ``tops``."""
    found = set()
    stack = [s for s in seeds if s not in tops]
    while stack:
        node = stack.pop()
        for child in consumers.get(node, ()):
            if child in allowed and child not in found:
                found.add(child)
                if child not in tops:
                    stack.append(child)
    return found
