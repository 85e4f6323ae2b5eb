"""Reverse-mode backpropagation: a topological walk, then the chain rule applied once per node."""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext

from .ops import DomainError, numbers_of
from .switches import STATE, enable_grad
from .value import Value

Step = Callable[[Value, object, tuple, tuple], None]

_DONE = object()  # marks, on the walk's stack, the point where a node's parents are all done


def topological_order(root: Value, *more: Value) -> list[Value]:
    """Every node reachable from root, each after all of its parents (root last).

    A node's first argument and what it depends on come before its second's, and so on, so the
    order reads as the expression is written: ``tanh(w*x + b)`` gives w, x, w*x, b, +, tanh.

    An iterative depth-first walk: depth is limited by memory, never by the recursion limit.
    With ``more`` roots, their nodes not already in root's graph follow it, in the same order.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list = [*reversed(more), root]  # root is walked first: its whole graph comes first
    while stack:
        node = stack.pop()
        if node is _DONE:  # everything pushed above the marker (the node's parents) is in order
            order.append(stack.pop())
        elif node.__class__ is not float and node not in visited:  # a node (not a constant), new
            visited.add(node)
            stack.append(node)
            stack.append(_DONE)
            stack += node._args[::-1]  # its parents, the first on top (walked first); constants skipped when popped
            continue  # a jump back to the loop's top, which CPython 3.11 counts before it specialises the loop
    return order


def backprop(root: Value, create_graph: bool = False, on_step: Step | None = None) -> dict:
    """d(root)/d(node) for every node reachable from root, as a dict; touches no ``.grad``.

    Nodes are visited in reverse topological order, so each node's upstream gradient is
    complete before it is passed on. Every rule is called the same way: on the numbers, or with
    ``create_graph`` on the Values themselves, so the gradients carry a graph of their own.
    ``on_step(node, upstream, parents, locals)`` sees each node's step, in the order they happen.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backprop: root must be a Value, got {type(root).__name__} {root!r:.80}")
    grads = {root: Value(1.0) if create_graph else 1.0}
    first = grads.setdefault
    anomaly = STATE.anomaly_sites is not None
    watched = anomaly or on_step is not None  # one test per node while neither is asked for
    with enable_grad() if create_graph else nullcontext():
        for node in reversed(topological_order(root)):
            op = node._op
            if op is None:
                continue
            upstream, args = grads[node], node._args
            rule = op.partials_on  # read apart from its call, which Python 3.11 then specialises
            try:  # the op's rule: on the numbers, or on the Values themselves so the result has a graph
                local = op.partials(node, *args) if create_graph else rule(node.data, args)
            except (ArithmeticError, ValueError) as exc:
                raise DomainError(f"{op.name}: derivative rule failed at inputs {numbers_of(args)!r}: {exc}") from None
            inputs = op.input_positions or range(len(args))  # the params after the inputs have no derivative
            if local.__class__ is not tuple or len(local) != len(inputs):
                local = _one_per_input(op, args, local)
            for i in inputs:
                arg = args[i]
                if arg.__class__ is not float:  # a constant input is never differentiated
                    contribution = local[i] * upstream  # the chain rule, applied here and nowhere else
                    g = first(arg, contribution)  # stores the first contribution, or returns the sum so far
                    if g is not contribution:
                        grads[arg] = g + contribution
            if watched:
                if on_step is not None:
                    on_step(node, upstream, *_parents_and_locals(args, local))
                if anomaly:
                    _check_node(node, grads)
    return grads


def backward(root: Value, create_graph: bool = False) -> None:
    """Add d(root)/d(node) to ``node.grad`` for every node of root's graph, leaves and inner nodes.

    Each call adds the same amounts again (gradients accumulate, as in PyTorch): call
    ``zero_grad`` (or set ``.grad = 0.0``) between steps. Nothing compounds, because the walk
    uses its own accumulator, never the ``.grad`` left by an earlier call. A ``.grad`` of None
    (PyTorch's ``x.grad = None``) means no gradient yet: it becomes the new one. With
    ``create_graph`` every ``.grad`` becomes a Value with its own graph (higher derivatives).
    """
    grads = backprop(root, create_graph=create_graph)
    for node in grads:
        if node.grad.__class__ is not float:  # None, or a Value from an earlier create_graph, ...
            _none_as_zero(grads)  # checks every .grad before any is written
            break
    if not create_graph:
        for node, g in grads.items():
            node.grad += g
        return
    with enable_grad():
        for node, g in grads.items():
            # 0.0 + g would put a needless add node in front of every gradient's graph
            node.grad = g if node.grad.__class__ is float and node.grad == 0.0 else node.grad + g


def _none_as_zero(grads: dict) -> None:
    """Each ``.grad`` of None becomes 0.0; a TypeError, before any change, for one that is not a number or Value."""
    for node in grads:
        g = node.grad
        if g is not None and (isinstance(g, bool) or not isinstance(g, (int, float, Value))):
            raise TypeError(f"backward: {node!r:.80} has .grad {g!r:.80} ({type(g).__name__}); "
                            "a gradient must be a number, a Value, or None for none yet")
    for node in grads:
        if node.grad is None:
            node.grad = 0.0


def _parents_and_locals(args: tuple, local: tuple) -> tuple[tuple, tuple]:
    """The parent Values among a node's arguments, and the local derivative for each."""
    pairs = [(a, d) for a, d in zip(args, local) if a.__class__ is not float]
    return tuple(a for a, _ in pairs), tuple(d for _, d in pairs)


def _one_per_input(op, args: tuple, local) -> tuple:
    """A rule's result as a tuple of one derivative per input, or a TypeError naming the op and what it gave."""
    n = len(args) - len(op.params)
    if isinstance(local, (tuple, list)) and len(local) == n:
        return tuple(local)
    raise TypeError(f"{op.name}: partials must return a tuple of {n} derivative(s), one per input, "
                    f"got {local!r:.200}")


def _check_node(node: Value, grads: dict) -> None:
    """Under detect_anomaly: raise if backward of ``node`` made a parent's gradient nan or inf."""
    for parent in node.parents:
        g = grads[parent]
        value = g if isinstance(g, (int, float)) else g.data
        if not math.isfinite(value):
            from .anomaly import anomaly_error

            raise anomaly_error(
                f"backward of {node._op.name} gave a non-finite gradient {value!r} for its input {parent!r}", node
            )
