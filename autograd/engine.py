"""Reverse-mode backpropagation: one iterative walk that applies the chain rule to every node."""

from __future__ import annotations

import math
from collections.abc import Callable

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
    push, pop = stack.append, stack.pop
    while stack:  # iterative: depth is limited by memory, never by the recursion limit
        node = pop()
        op = node._op
        if op is None:
            continue
        if op.bare:
            parent = node._args
            if parent in pending:
                pending[parent] += 1
            else:
                pending[parent] = 1
                push(parent)
            continue
        args = node._args
        for parent in args[: len(args) - op.nparams] if op.nparams else args:
            if parent in pending:
                pending[parent] += 1
            else:
                pending[parent] = 1
                push(parent)
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
    push, pop = ready.append, ready.pop
    anomaly = STATE.anomaly_sites is not None
    while ready:
        node = pop()
        op = node._op
        if op is None:
            continue
        upstream = grads[node]
        args = node._args
        try:  # the op's rule, on floats (or on Values, so the result has a graph of its own)
            if op.bare:
                parents = (args,)
                local = op.partials(node, args) if create_graph else op.partials(node.data, args.data)
            else:
                parents = args[: len(args) - op.nparams] if op.nparams else args
                if create_graph:
                    local = op.partials(node, *args)
                else:
                    local = op.partials(node.data, *[a.data if a.__class__ is Value else a for a in args])
        except (ArithmeticError, ValueError) as exc:
            raise DomainError(f"{op.name}: derivative rule failed at inputs {_datas(node)!r}: {exc}") from None
        if on_step is not None:
            on_step(node, upstream, parents, tuple(local))
        for parent, d in zip(parents, local):
            contribution = d * upstream  # the chain rule, applied here and nowhere else
            if anomaly:
                _check_contribution(node, parent, contribution)
            total = grads.get(parent)
            grads[parent] = contribution if total is None else total + contribution
            count = pending[parent] - 1
            if count:
                pending[parent] = count
            else:  # every consumer has passed its gradient on: the parent's total is complete
                push(parent)
    return grads


def backward(root, create_graph: bool = False) -> None:
    """Add d(root)/d(node) to ``node.grad`` for every node of root's graph, leaves and inner nodes.

    Each call adds the same amounts again (gradients accumulate, as in PyTorch): call
    ``zero_grad`` (or set ``.grad = 0.0``) between steps. Nothing compounds, because the walk
    uses its own accumulator, never the ``.grad`` left by an earlier call.
    """
    if not create_graph:
        for node, g in backprop(root).items():
            node.grad += g
        return
    with enable_grad():
        for node, g in backprop(root, create_graph=True).items():
            # 0.0 + g would put a needless add node in front of every gradient's graph
            node.grad = g if node.grad.__class__ is float and node.grad == 0.0 else node.grad + g


def _datas(node) -> list:
    return [p.data for p in node.parents]


def _check_contribution(node, parent, contribution) -> None:
    value = contribution if isinstance(contribution, (int, float)) else contribution.data
    if not math.isfinite(value):
        from .anomaly import anomaly_error

        raise anomaly_error(
            f"backward of {node._op.name} gave a non-finite gradient {value!r} for its input {parent!r}", node
        )
