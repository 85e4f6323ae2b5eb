"""The sorted floor of micrograd's demo step (floor_mlp.py) with issue 10's node: the parents in one tuple.

The same toy, model, loop and arithmetic as floor_mlp.py, with one change: a node keeps its
arguments in one tuple ``_args`` (a constant stays in it as a number, the dot node's is
``(*ws, *xs)``), as issue 10 asks of the engine ("its parents, always a tuple, argument
order"), where floor_mlp's nodes keep each parent in a slot of its own. The walk and the
reverse pass read that tuple; gradients still go straight into ``.grad``.

A tuple that holds Values is itself tracked by the cyclic collector, so this toy makes two
tracked objects per node where floor_mlp makes one. micrograd's time over this one's, in the
same run, bounds what any pure-Python engine keeping that node can reach on the step.
"""

from __future__ import annotations

import floor_mlp

_new = object.__new__
NODE = "its parents in one tuple, issue 10's node"  # what this floor's node keeps (the benchmarks' tables say it)


class Node:
    """A scalar: its value and gradient. The subclasses are the ops; the methods are the loss's ops."""

    __slots__ = ("data", "grad")

    def __mul__(self, other) -> Node:
        if other.__class__ is float or other.__class__ is int:
            out = _new(Scale)
            out.data = self.data * other
        else:
            out = _new(Mul)
            out.data = self.data * other.data
        out.grad = 0.0
        out._args = (self, other)
        return out

    __rmul__ = __mul__  # only for a constant: c * node

    def __add__(self, other) -> Node:
        if other.__class__ is float or other.__class__ is int:
            out = _new(Shift)
            out.data = self.data + other
        else:
            out = _new(Add)
            out.data = self.data + other.data
        out.grad = 0.0
        out._args = (self, other)
        return out

    __radd__ = __add__  # only for a constant: c + node

    def relu(self) -> Node:
        return _relu(self)


class Leaf(Node):
    """A parameter or an input."""

    __slots__ = ()

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0


class Op(Node):
    __slots__ = ("_args",)


class Mul(Op):
    __slots__ = ()


class Add(Op):
    __slots__ = ()


class Scale(Op):  # _args[0] * _args[1], a constant
    __slots__ = ()


class Shift(Op):  # _args[0] + _args[1], a constant
    __slots__ = ()


class Relu(Op):
    __slots__ = ()


class Dot(Op):  # the first half of _args times the second, summed
    __slots__ = ()


class Sum(Op):
    __slots__ = ()


_OPS = {Mul, Add, Scale, Shift, Relu, Dot, Sum}  # one set lookup per argument tells a node from a leaf or constant


def total(values: list) -> Sum:
    """One node for the sum of the values (chainrule's autograd.sum)."""
    out = _new(Sum)
    out.data = float(sum([v.data for v in values]))
    out.grad = 0.0
    out._args = tuple(values)
    return out


def _relu(z: Node) -> Node:
    a = _new(Relu)
    a.data = z.data if z.data > 0.0 else 0.0
    a.grad = 0.0
    a._args = (z,)
    return a


def _elementary_layer(neurons: list, x: list, relu: bool) -> list:
    """Each neuron as micrograd's chain: ((b + w0*x0) + w1*x1) + ..., then relu."""
    out = []
    for ws, b in neurons:
        z = b
        for w, v in zip(ws, x):
            m = _new(Mul)
            m.data = w.data * v.data
            m.grad = 0.0
            m._args = (w, v)
            s = _new(Add)
            s.data = z.data + m.data
            s.grad = 0.0
            s._args = (z, m)
            z = s
        out.append(_relu(z) if relu else z)
    return out


def _dot_layer(neurons: list, x: list, relu: bool) -> list:
    """Each neuron as dot(w, x) + b, then relu."""
    out = []
    xd = [v.data for v in x]
    for ws, b in neurons:
        d = _new(Dot)
        d.data = sum([w.data * v for w, v in zip(ws, xd)])
        d.grad = 0.0
        d._args = (*ws, *x)
        z = _new(Add)
        z.data = d.data + b.data
        z.grad = 0.0
        z._args = (d, b)
        out.append(_relu(z) if relu else z)
    return out


def backward(root: Node) -> None:
    """d(root)/d(node) into every node's .grad: floor_mlp's sort and reverse pass, on the tuples."""
    order, seen, stack = [], set(), [root]
    push, pop, mark = stack.append, stack.pop, seen.add
    while stack:  # post-order: a node after everything it depends on
        node = pop()
        if node is None:  # the marker: the node below it has all its inputs in order
            order.append(pop())
            continue
        if node in seen:
            continue
        mark(node)
        push(node)
        push(None)
        for p in node._args:  # a loop, not a comprehension: that would make a list (and a frame) per node
            if p.__class__ in _OPS and p not in seen:  # not a leaf, not a constant
                push(p)
    root.grad = 1.0
    for node in reversed(order):
        g = node.grad
        cls = node.__class__
        args = node._args
        if cls is Mul:
            a, b = args
            a.grad += b.data * g
            b.grad += a.data * g
        elif cls is Add:
            a, b = args
            a.grad += g
            b.grad += g
        elif cls is Dot:
            n = len(args) // 2
            for w, v in zip(args[:n], args[n:]):
                w.grad += v.data * g
                v.grad += w.data * g
        elif cls is Relu:
            if node.data > 0.0:
                args[0].grad += g
        elif cls is Scale:
            a, c = args
            a.grad += c * g
        elif cls is Shift:
            args[0].grad += g
        else:  # Sum
            for p in args:
                p.grad += g


class MLP(floor_mlp.MLP):
    """floor_mlp's model on this module's nodes."""

    leaf = Leaf
    graphs = {"elementary": _elementary_layer, "dot": _dot_layer}
    total = staticmethod(total)
    backward = staticmethod(backward)


loss = floor_mlp.loss


def run(layers: list, graph: str, X: list, y: list, steps: int) -> dict:
    """Per-step times and losses of nn_step's hand-written loop, on this module's nodes."""
    return floor_mlp.run(layers, graph, X, y, steps, mlp=MLP)
