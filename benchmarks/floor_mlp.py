"""The sorted floor of micrograd's demo step (benchmarks/nn_step.py), on its two graphs.

A toy yardstick, not an engine: it knows only the ops of that one step (mul, add, relu, a constant
times or plus a node, the n-ary dot and sum) on one shape, and checks nothing. It builds node for
node the graphs that chainrule's hand-written loop builds, 'elementary' (micrograd's chain of
``*`` and ``+`` per neuron) and 'dot' (one n-ary dot node per neuron, then ``+ b``), each from the
same initial weights, with the same arithmetic in the same order (so the losses agree to the
last bit), and does for them what ``floor.SortedNode`` does for the engine benchmark's shapes:

- one slotted object per node, its class the op; the forward rule written inline, no op table,
  no checks, no labels. A neuron's nodes are made inline by the model, as an engine's own layer
  could make them; the loss terms go through operator methods, as user code does;
- the dot node keeps the neuron's weight tuple and the layer's input list as they are (no copy);
- backward: an iterative depth-first topological sort with a visited set (leaves are neither
  pushed nor sorted: they pass nothing on), then one reverse pass with each op's derivative
  inline, accumulating straight into ``.grad``; a dropped graph is freed by reference counting.

A general engine that gets shared nodes right does at least this much per node, so micrograd's
time over this one's, in the same run, bounds the speed-up such an engine can reach on the step.
"""

from __future__ import annotations

import time

_new = object.__new__
NODE = "each parent in a slot of its own"  # what this floor's node keeps (the benchmarks' tables say it)


class Node:
    """A scalar: its value and gradient. The subclasses are the ops; the methods are the loss's ops."""

    __slots__ = ("data", "grad")

    def __mul__(self, other) -> Node:
        if other.__class__ is float or other.__class__ is int:
            out = _new(Scale)
            out.data = self.data * other
            out.grad = 0.0
            out._a = self
            out._c = other
            return out
        out = _new(Mul)
        out.data = self.data * other.data
        out.grad = 0.0
        out._a = self
        out._b = other
        return out

    __rmul__ = __mul__  # only for a constant: c * node

    def __add__(self, other) -> Node:
        if other.__class__ is float or other.__class__ is int:
            out = _new(Shift)
            out.data = self.data + other
            out.grad = 0.0
            out._a = self
            return out
        out = _new(Add)
        out.data = self.data + other.data
        out.grad = 0.0
        out._a = self
        out._b = other
        return out

    __radd__ = __add__  # only for a constant: c + node

    def relu(self) -> Node:
        x = self.data
        out = _new(Relu)
        out.data = x if x > 0.0 else 0.0
        out.grad = 0.0
        out._a = self
        return out


class Leaf(Node):
    """A parameter or an input."""

    __slots__ = ()

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0


class Mul(Node):
    __slots__ = ("_a", "_b")


class Add(Node):
    __slots__ = ("_a", "_b")


class Scale(Node):  # _a * _c, _c a constant
    __slots__ = ("_a", "_c")


class Shift(Node):  # _a + a constant
    __slots__ = ("_a",)


class Relu(Node):
    __slots__ = ("_a",)


class Dot(Node):  # sum(w * x for w, x in zip(_ws, _xs))
    __slots__ = ("_ws", "_xs")


class Sum(Node):
    __slots__ = ("_xs",)


def total(values: list) -> Sum:
    """One node for the sum of the values (chainrule's autograd.sum)."""
    out = _new(Sum)
    out.data = float(sum([v.data for v in values]))
    out.grad = 0.0
    out._xs = values
    return out


def _relu(z: Node) -> Node:
    a = _new(Relu)
    a.data = z.data if z.data > 0.0 else 0.0
    a.grad = 0.0
    a._a = z
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
            m._a = w
            m._b = v
            s = _new(Add)
            s.data = z.data + m.data
            s.grad = 0.0
            s._a = z
            s._b = m
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
        d._ws = ws
        d._xs = x
        z = _new(Add)
        z.data = d.data + b.data
        z.grad = 0.0
        z._a = d
        z._b = b
        out.append(_relu(z) if relu else z)
    return out


def backward(root: Node) -> None:
    """d(root)/d(node) into every node's .grad: a topological sort, then one reverse pass."""
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
        cls = node.__class__
        if cls is Mul or cls is Add:
            a, b = node._a, node._b
            if a.__class__ is not Leaf and a not in seen:
                push(a)
            if b.__class__ is not Leaf and b not in seen:
                push(b)
        elif cls is Dot or cls is Sum:
            if cls is Dot:
                stack += [p for p in node._ws if p.__class__ is not Leaf and p not in seen]
            stack += [p for p in node._xs if p.__class__ is not Leaf and p not in seen]
        else:  # one input: Relu, Scale, Shift
            a = node._a
            if a.__class__ is not Leaf and a not in seen:
                push(a)
    root.grad = 1.0
    for node in reversed(order):
        g = node.grad
        cls = node.__class__
        if cls is Mul:
            a, b = node._a, node._b
            a.grad += b.data * g
            b.grad += a.data * g
        elif cls is Add:
            node._a.grad += g
            node._b.grad += g
        elif cls is Dot:
            for w, v in zip(node._ws, node._xs):
                w.grad += v.data * g
                v.grad += w.data * g
        elif cls is Relu:
            if node.data > 0.0:
                node._a.grad += g
        elif cls is Scale:
            node._a.grad += node._c * g
        elif cls is Shift:
            node._a.grad += g
        else:  # Sum
            for p in node._xs:
                p.grad += g


class MLP:
    """Fully connected layers from ``layers`` ([[W, B] per layer, W one row of floats per neuron]); relu on
    all but the last. ``graph`` is 'elementary' or 'dot'. Called on one sample (a list of floats): its score.

    Its node kinds are class attributes, so floor_tuple.py can run the same model and loop on its own nodes.
    """

    leaf = Leaf
    graphs = {"elementary": _elementary_layer, "dot": _dot_layer}
    total = staticmethod(total)
    backward = staticmethod(backward)

    def __init__(self, layers: list, graph: str) -> None:
        leaf = self.leaf
        self.layers = [[(tuple(leaf(w) for w in row), leaf(b)) for row, b in zip(W, B)] for W, B in layers]
        self.params = [p for layer in self.layers for ws, b in layer for p in (*ws, b)]  # micrograd's order
        self._layer = self.graphs[graph]

    def __call__(self, x: list) -> Node:
        leaf = self.leaf
        x = [leaf(v) for v in x]
        last = len(self.layers) - 1
        for k, layer in enumerate(self.layers):
            x = self._layer(layer, x, k < last)
        return x[0]


def loss(model: MLP, X: list, y: list) -> Node:
    """nn_step's loss: the mean hinge loss of the scores, plus 1e-4 * the sum of squared parameters."""
    scores = [model(x) for x in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = model.total(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * model.total([p * p for p in model.params])
    return data_loss + reg_loss


def run(layers: list, graph: str, X: list, y: list, steps: int, mlp: type = MLP) -> dict:
    """Per-step times and losses of nn_step's hand-written loop, on the floor's nodes (``mlp``'s)."""
    model = mlp(layers, graph)
    params = model.params
    times, values = [], []
    for k in range(steps):
        start = time.perf_counter()
        total_loss = loss(model, X, y)
        for p in params:
            p.grad = 0.0
        model.backward(total_loss)
        learning_rate = 1.0 - 0.9 * min(k, 100) / 100
        for p in params:
            p.data -= learning_rate * p.grad
        values.append(total_loss.data)
        del total_loss  # the graph is freed inside the step
        times.append(time.perf_counter() - start)
    return {"times": times, "losses": values}
