"""Reverse-mode backpropagation: one iterative walk that applies the chain rule to every node."""

from __future__ import annotations

import math
from collections.abc import Callable

from .mode import STATE, enable_grad
from .ops import DomainError

Step = Callable[[object, object, tuple, tuple], None]


_EXIT = object()  # marks, on the walk's stack, the point where a node's parents are all done


def topological_order(root) -> list:
    """Every node reachable from root, each after all of its parents (root last).

    An iterative depth-first walk: depth is limited by memory, never by the recursion limit.
    """
    order = []
    entered = set()
    stack = [root]
    push, pop, emit, enter = stack.append, stack.pop, order.append, entered.add
    while stack:
        node = pop()
        if node is _EXIT:
            emit(pop())  # everything pushed above the marker, its parents' subgraphs, is done
            continue
        if node in entered:  # pushed again by another consumer, and already walked
            continue
        while True:  # down a chain of one-input nodes without a round trip through the stack
            enter(node)
            op = node._op
            if op is None:
                emit(node)
                break
            push(node)
            push(_EXIT)
            args = node._args
            if op.bare:
                if args in entered:
                    break
                node = args
                continue
            for parent in args:
                if parent not in entered:
                    push(parent)
            break
    return order


def backprop(root, create_graph: bool = False, on_step: Step | None = None) -> dict:
    """d(root)/d(node) for every node reachable from root, as a dict; touches no ``.grad``.

    Nodes are visited in reverse topological order, so each node's upstream gradient is
    complete before it is passed on. With ``create_graph`` the local derivatives are computed
    on Values, so the gradients carry their own graph. ``on_step(node, upstream, parents,
    locals)`` is called at each chain-rule application, in the order they happen.
    """
    grads = {root: 1.0}
    get = grads.get
    anomaly = STATE.anomaly_sites is not None
    for node in reversed(topological_order(root)):
        op = node._op
        if op is None:
            continue
        upstream = grads[node]
        args = node._args
        try:  # the op's rule, on floats (or on Values, so the result has a graph of its own)
            if op.bare:
                parents = (args,)
                local = op.partials(node, args) if create_graph else op.partials(node.data, args.data)
            elif create_graph:
                parents = args
                local = op.partials(node, *args)
            elif op.arity == 2:  # the common binary case, without building a list
                parents = args
                local = op.partials(node.data, args[0].data, args[1].data)
            else:
                parents = args
                local = op.partials(node.data, *[a.data for a in args])
        except (ArithmeticError, ValueError) as exc:
            raise DomainError(f"{op.name}: derivative rule failed at inputs {_datas(node)!r}: {exc}") from None
        if on_step is not None:
            on_step(node, upstream, parents, tuple(local))
        i = 0  # indexing, not zip: a zip costs more than the rest of this loop's body
        try:
            for parent in parents:
                contribution = local[i] * upstream  # the chain rule, applied here and nowhere else
                i += 1
                total = get(parent)
                grads[parent] = contribution if total is None else total + contribution
        except (IndexError, TypeError) as exc:
            raise _partials_error(op, parents, local, exc) from None
        if anomaly:
            _check_node(node, parents, grads)
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


def _partials_error(op, parents, local, exc: Exception) -> Exception:
    """A derivative rule that gave no number per input (a user's rule, say): name the op and what it gave."""
    if not isinstance(local, (tuple, list)) or len(local) != len(parents):
        return TypeError(f"{op.name}: partials must return a tuple of {len(parents)} derivative(s), one per input, "
                         f"got {local!r:.200}")
    return exc


def _datas(node) -> list:
    return [p.data for p in node.parents]


def _check_node(node, parents, grads) -> None:
    """Under detect_anomaly: raise if backward of ``node`` made a parent's gradient nan or inf."""
    for parent in parents:
        g = grads[parent]
        value = g if isinstance(g, (int, float)) else g.data
        if not math.isfinite(value):
            from .anomaly import anomaly_error

            raise anomaly_error(
                f"backward of {node._op.name} gave a non-finite gradient {value!r} for its input {parent!r}", node
            )
