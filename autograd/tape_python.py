"""The tape's plain-Python replay: one straight loop over the nodes calling the table's float rules, no Value objects.

For a narrow graph and one sample (a deep chain), where a numpy call per node would cost more
than the arithmetic. It runs the interpreter's rules in the interpreter's order, so its
numbers are the interpreter's, bit for bit.
"""

from __future__ import annotations

import operator

from .ops import DomainError
from .tape_text import guard_error, node_name
from .value import as_number

_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _as_float(op):
    """A user op's forward, its result made a float as the interpreter makes it."""
    forward = op.forward
    return lambda *a: as_number(forward(*a), f"{op.name}: forward result")


class PythonPlan:
    """Precomputed (slot, rule, argument slots) steps for a tape's forward and backward loops."""

    def __init__(self, tape) -> None:
        self.tape = tape
        n = len(tape.nodes)
        self.size = n + len(tape.constants)
        forward, backward = [], []
        for i in range(n):
            op = tape.ops[i]
            if op is None:
                continue
            idx = tape.args[i]
            inputs = len(idx) if op.arity is None else op.arity
            rule = op.forward if op.numpy_forward is not None else _as_float(op)
            forward.append((i, rule, idx))
            # the parents among the inputs: (position in the partials, slot); constants get no adjoint
            parents = tuple((p, j) for p, j in enumerate(idx[:inputs]) if j < n)
            if i < tape.graph_size:  # a node only a guard reads has no adjoint to pass on
                backward.append((i, op.partials, idx, parents, inputs))
        backward.reverse()
        self.forward_steps, self.backward_steps = forward, backward

    def forward(self, leaf_values: list, batch) -> list:
        tape = self.tape
        vals = [0.0] * self.size
        for i, v in zip(tape.leaf_slots, leaf_values):
            vals[i] = v
        vals[len(tape.nodes):] = tape.constants
        get = vals.__getitem__
        try:
            for i, rule, idx in self.forward_steps:
                vals[i] = rule(*map(get, idx))
        except (ArithmeticError, ValueError) as exc:
            raise _located(tape, i, exc, [vals[j] for j in idx]) from None
        return vals

    def check_guards(self, vals: list, batch) -> None:
        for k, (lhs, symbol, rhs, result, site) in enumerate(self.tape.guards):
            if _COMPARE[symbol](vals[lhs], vals[rhs]) is not result:
                raise guard_error(self.tape, k, vals[lhs], vals[rhs], None)

    def value(self, vals: list, slot: int) -> float:
        return vals[slot]

    def backward(self, vals: list, root: int, batch) -> list:
        adj = [0.0] * len(vals)
        adj[root] = 1.0
        get = vals.__getitem__
        try:
            for i, partials, idx, parents, inputs in self.backward_steps:
                upstream = adj[i]
                local = partials(vals[i], *map(get, idx))
                for p, j in parents:
                    adj[j] += local[p] * upstream  # the chain rule, as the interpreter applies it
        except (ArithmeticError, ValueError) as exc:
            op = self.tape.ops[i]
            raise DomainError(f"{op.name}: derivative rule failed at inputs {[vals[j] for j in idx]!r}: {exc}") from None
        except (TypeError, IndexError):
            local = partials(vals[i], *map(get, idx))
            raise TypeError(f"{self.tape.ops[i].name}: partials must return a tuple of {inputs} derivative(s), "
                            f"one per input, got {local!r:.200}") from None
        return [adj[i] for i in self.tape.leaf_slots]


def _located(tape, i: int, exc: Exception, inputs: list) -> DomainError:
    """The interpreter's domain error for node i, naming the node as print(tape) does."""
    op = tape.ops[i]
    message = str(exc) if isinstance(exc, DomainError) else f"{op.name}: {exc} for inputs {inputs!r}"
    return DomainError(f"{message} (tape node {node_name(tape, i)})")
