"""The nodes of a computation graph, gathered iteratively from its root(s), with consumers and neuron groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd import Value, topological_order

from .neurons import group_neurons, has_neuron_labels


def roots_of(root: object, what: str) -> list:
    """``root`` as a list of Values (a single Value, or a list of them as a k-output model returns)."""
    if isinstance(root, Value):
        return [root]
    if isinstance(root, (list, tuple)) and root and all(isinstance(r, Value) for r in root):
        return list(dict.fromkeys(root))
    raise TypeError(f"{what}: root must be an autograd.Value or a non-empty list of Values, got {type(root).__name__} "
                    f"{root!r:.80}")


@dataclass
class GraphData:
    """Every node reachable from the roots (discovery order), who consumes each node, and neuron membership."""

    roots: list
    nodes: list
    consumers: dict
    neuron: dict = field(default_factory=dict)  # node -> neuron key, filled by group()

    @classmethod
    def collect(cls, roots: list) -> GraphData:
        """Gather the graph behind ``roots`` without recursion (graphs can be a million nodes deep)."""
        seen: dict = {}
        for r in roots:
            for node in topological_order(r):  # each node's first argument first: rows keep argument order
                seen.setdefault(node, None)
        nodes = list(seen)
        consumers: dict = {}
        for node in nodes:
            for parent in node.parents:
                consumers.setdefault(parent, []).append(node)
        return cls(roots, nodes, consumers)

    def has_neurons(self) -> bool:
        """True if the labels show that nn built (part of) this graph."""
        return has_neuron_labels(self.nodes)

    def group(self) -> None:
        """Fill ``neuron``: which neuron made each node."""
        self.neuron = group_neurons(self.nodes, self.consumers)
