"""Reverse-mode backpropagation: one iterative walk that applies the chain rule to every node."""

from __future__ import annotations

import math
from typing import Callable

from .mode import STATE, enable_grad
from .ops import DomainError
from .value import Value

Step = Callable[[object, object, tuple, tuple], None]


def _inputs(node) -> tuple:
    """(parents, args) of a node: the Value inputs, and the arguments its op's rules take."""
    op, args = node._op, node._args
    if op.bare:
        return (args,), (args,)
    return (args[: len(args) - op.nparams] if op.nparams else args), args


def consumer_counts(root) -> dict:
    """For each node reachable from root, how many edges lead into it from its consumers."""
    pending = {root: 0}
    stack = [root]
    while stack:  # iterative: depth is limited by memory, never by the recursion limit
        node = stack.pop()
        if node._op is None:
            continue
        for parent in _inputs(node)[0]:
            if parent in pending:
                pending[parent] += 1
            else:
                pending[parent] = 1
                stack.append(parent)
    return pending


def backprop(root, create_graph: bool = False, on_step: Step | None = None) -> dict:
    """d(root)/d(node) for every node reachable from root, as a dict; touches no ``.grad``.

    Nodes are visited in reverse topological order (Kahn's algorithm on consumer counts), so
    each node's upstream gradient is complete before it is passed on. With ``create_graph``
    the local derivatives are computed on Values, so the gradients carry their own graph.
    ``on_step(node, upstream, parents, locals)`` is called at each chain-rule application.
    """
    pending = consumer_counts(root)
    grads = {root: 1.0}
    ready = [root]
    anomaly = STATE.anomaly_sites is not None
    while ready:
        node = ready.pop()
        op = node._op
        if op is None:
            continue
        upstream = grads[node]
        parents, args = _inputs(node)
        try:
            if create_graph:
                local = op.partials(node, *args)
            else:
                local = op.partials(node.data, *[a.data if a.__class__ is Value else a for a in args])
        except (ArithmeticError, ValueError) as exc:
            raise DomainError(f"{op.name}: derivative rule failed at inputs {_datas(parents)!r}: {exc}") from None
        if on_step is not None:
            on_step(node, upstream, parents, tuple(local))
        for parent, d in zip(parents, local):
            contribution = d * upstream  # the chain rule, applied here and nowhere else
            if anomaly:
                _check_contribution(node, parent, contribution)
            if parent in grads:
                grads[parent] = grads[parent] + contribution
            else:
                grads[parent] = contribution
            count = pending[parent] - 1
            pending[parent] = count
            if count == 0:
                ready.append(parent)
    return grads


def backward(root, create_graph: bool = False) -> None:
    """Add d(root)/d(node) to ``node.grad`` for every node of root's graph, leaves and inner nodes.

    Each call adds the same amounts again (gradients accumulate, as in PyTorch): call
    ``zero_grad`` (or set ``.grad = 0.0``) between steps. Nothing compounds, because the walk
    uses its own accumulator, never the ``.grad`` left by an earlier call.
    """
    if create_graph:
        with enable_grad():
            grads = backprop(root, create_graph=True)
    else:
        grads = backprop(root)
    for node, g in grads.items():
        if node.grad.__class__ is float and node.grad == 0.0:
            node.grad = g
        else:
            node.grad = node.grad + g


def _datas(parents) -> list:
    return [p.data for p in parents]


def _check_contribution(node, parent, contribution) -> None:
    value = contribution if isinstance(contribution, (int, float)) else contribution.data
    if not math.isfinite(value):
        from .anomaly import anomaly_error

        raise anomaly_error(
            f"backward of {node._op.name} gave a non-finite gradient {value!r} for its input {parent!r}", node
        )
