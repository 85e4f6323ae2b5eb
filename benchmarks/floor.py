"""The engine benchmark's floors: the least work per node that a pure-Python reverse-mode engine can do.

Not engines, and not used by one: toys that handle only the benchmark's own shapes. The forward
rule and the local derivative are written inline in each op, with no op table, no checks and no
labels: one slotted object per node, as any engine that keeps a graph of Python objects must
allocate.

- ``Node`` (the floor) relies on the shapes being trees (every node used once): its backward
  needs no topological sort and visits each node once.
- ``SortedNode`` (the sorted floor) does what any engine that also gets shared nodes right
  (``x * x``, diamonds) must add: an iterative depth-first topological sort with a visited set,
  then one pass in reverse order. It still accumulates straight into ``.grad``, as micrograd does.

A general engine does at least what the sorted floor does, so micrograd's time divided by the
floors', in the same run, bounds the speed-up that chainrule (pure Python by design) can reach.
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
        out = _new(self.__class__)
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
        out = _new(self.__class__)
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


class SortedNode(Node):
    """The floor with the topological sort that a graph with shared nodes needs."""

    __slots__ = ()

    def backward(self) -> None:
        order, seen, stack = [], set(), [self]
        while stack:  # post-order: a node after everything it depends on
            node = stack.pop()
            if node is None:  # the marker: the node below it has all its parents in order
                order.append(stack.pop())
                continue
            if node in seen:
                continue
            seen.add(node)
            parent = node._parent
            if parent is None:
                order.append(node)
                continue
            stack.append(node)
            stack.append(None)
            if parent.__class__ is tuple:
                stack.extend(p for p in parent if p not in seen)
            elif parent not in seen:
                stack.append(parent)
        self.grad = 1.0
        for node in reversed(order):
            parent = node._parent
            if parent is None:
                continue
            if parent.__class__ is tuple:
                g = node.grad
                for p in parent:
                    p.grad += g
            else:
                parent.grad += node._local * node.grad


def total(values: list) -> Node:
    """One node for the sum of the values."""
    out = values[0].__class__(sum(v.data for v in values))
    out._parent = tuple(values)
    out._local = 1.0
    return out
