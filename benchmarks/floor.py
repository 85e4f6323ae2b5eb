"""The engine benchmark's floor: the least work per node that any pure-Python reverse-mode engine can do.

Not an engine, and not used by one: a toy that handles only the benchmark's own shapes, which are
trees (every node is used once). So it needs no topological sort, no visited set and no gradient
accumulator per walk; the forward rule and the local derivative are written inline in each op,
with no op table, no checks and no labels. One slotted object per node, as any engine that keeps
a graph of Python objects must allocate, and one visit per node in backward.

A general engine does strictly more per node, so micrograd's time divided by the floor's, in the
same run, bounds the speed-up that chainrule (pure Python by design) can reach on each shape.
"""

from __future__ import annotations

_new = object.__new__


class Node:
    """A scalar of a tree-shaped graph: its parent (a Node, or a tuple for a sum) and d(self)/d(parent)."""

    __slots__ = ("data", "grad", "_parent", "_local")

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0
        self._parent = None
        self._local = 0.0

    def relu(self) -> Node:
        x = self.data
        out = _new(Node)
        if x > 0.0:
            out.data = x
            out._local = 1.0
        else:
            out.data = 0.0
            out._local = 0.0
        out.grad = 0.0
        out._parent = self
        return out

    def __add__(self, c: float) -> Node:  # a constant only: the benchmark's chain is x + 1.0
        out = _new(Node)
        out.data = self.data + c
        out.grad = 0.0
        out._parent = self
        out._local = 1.0
        return out

    def backward(self) -> None:
        self.grad = 1.0
        stack = [self]
        while stack:
            node = stack.pop()
            while True:  # down a chain of one-input nodes without touching the stack
                parent = node._parent
                if parent is None:
                    break
                if parent.__class__ is tuple:  # a sum: d/d(input) = 1 for each input
                    g = node.grad
                    for p in parent:
                        p.grad += g
                    stack.extend(parent)
                    break
                parent.grad += node._local * node.grad
                node = parent


def total(values: list) -> Node:
    """One node for the sum of the values."""
    out = Node(sum(v.data for v in values))
    out._parent = tuple(values)
    out._local = 1.0
    return out
