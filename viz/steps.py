"""backward_steps: backward replayed one chain-rule application at a time, with every contribution spelled out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from autograd import Value, backprop, topological_order

from .fmt import format_number
from .style import formula as style_formula


@dataclass(frozen=True)
class Contribution:
    """What one input receives: ``local`` d(node)/d(parent) times the upstream, and its running ``total``."""

    parent: Value
    local: float
    upstream: float
    contribution: float
    before: float | None  # the parent's gradient before this step; None if nothing reached it yet
    total: float

    def describe(self, names: Mapping) -> str:
        """One line: 'a: 1 × 1 = 1, grad a = 1 + 1 = 2' (local × upstream, fan-out accumulation spelled out)."""
        name = names[self.parent]
        f = format_number
        text = f"{name}: {f(self.local)} × {f(self.upstream)} = {f(self.contribution)}"
        if self.before is None:
            return f"{text}, grad {name} = {f(self.total)}"
        return f"{text}, grad {name} = {f(self.before)} + {f(self.contribution)} = {f(self.total)}"


@dataclass(frozen=True)
class Step:
    """One chain-rule application: ``node``'s ``upstream`` gradient passed to each of its inputs."""

    index: int
    node: Value
    upstream: float
    contributions: tuple[Contribution, ...]
    names: Mapping = field(default_factory=dict, repr=False, compare=False)  # node -> name, from node_names

    @property
    def locals(self) -> tuple[float, ...]:
        """The local derivatives d(node)/d(parent), one per input, in argument order."""
        return tuple(c.local for c in self.contributions)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The node's inputs, in argument order (``a + a`` gives ``(a, a)``)."""
        return tuple(c.parent for c in self.contributions)

    def describe(self, names: Mapping | None = None) -> str:
        """A short paragraph: which node, its upstream gradient, and each input's contribution and total.

        Nodes are called by ``names`` (node -> name), by default the names node_names gave the whole graph.
        """
        names = self.names if names is None else names
        head = f"step {self.index + 1}: {names[self.node]} = {formula(self.node, names)}, upstream grad " \
               f"{format_number(self.upstream)}"
        return "\n".join([head] + ["  " + c.describe(names) for c in self.contributions])


def node_names(nodes: Iterable[Value], given: Mapping | None = None) -> dict:
    """node -> what steps and step-through frames call it: its label, else its name in ``given`` (a model's name for
    a parameter), else its op and a count in ``nodes``' order ('add2', 'tanh1'; 'leaf1' for an unlabelled input),
    never a name another node already has."""
    nodes, given = list(nodes), given or {}
    taken = {n.label for n in nodes if n.label} | set(given.values())
    counts: dict = {}
    names = {}
    for node in nodes:
        name = node.label or given.get(node)
        if not name:
            kind = node.op or "leaf"
            while not name or name in taken:
                counts[kind] = counts.get(kind, 0) + 1
                name = f"{kind}{counts[kind]}"
            taken.add(name)
        names[node] = name
    return names


def formula(node: Value, names: Mapping | None = None) -> str:
    """How the node was computed, in the inputs' names: 'b * a', 'x ** 2', '2.5 - x', 'tanh(z)'.

    ``names`` (node -> name): by default node_names of the graph behind ``node``.
    """
    names = node_names(topological_order(node)) if names is None else names
    return style_formula(node, names.__getitem__)


def backward_steps(root: Value) -> Iterator[Step]:
    """Yield one Step per chain-rule application, in the order backward applies them; touches no ``.grad``."""
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: root must be an autograd.Value, got {type(root).__name__} {root!r:.80}")
    recorded: list = []
    grads = backprop(root, on_step=lambda node, upstream, parents, local: recorded.append(
        (node, upstream, parents, local)))
    names = node_names(topological_order(root))
    totals: dict = {root: 1.0}
    for index, (node, upstream, parents, local) in enumerate(recorded):
        contributions = []
        for parent, d in zip(parents, local):
            amount = d * upstream  # the same product backprop adds: replayed to show it, not to compute grads
            before = totals.get(parent)
            total = amount if before is None else before + amount
            totals[parent] = total
            contributions.append(Contribution(parent, d, upstream, amount, before, total))
        yield Step(index, node, upstream, tuple(contributions), names)
    assert all(totals[n] == g or (g != g and totals[n] != totals[n]) for n, g in grads.items())
