"""The tape's plain-Python replay: one straight loop over the nodes calling the table's float rules, no Value objects.

For a narrow graph and one sample (a deep chain), where a numpy call per node would cost more
than the arithmetic. It runs the interpreter's rules in the interpreter's order, so its
numbers are the interpreter's, bit for bit.
"""

from __future__ import annotations

from .ops import DomainError
from .tape_guards import COMPARISONS
from .tape_text import guard_error, node_name
from .value import as_number


def _as_float(op):
    """A user op's forward, its result made a float as the interpreter makes it."""
    forward = op.forward
    return lambda *a: as_number(forward(*a), f"{op.name}: forward result")


class PythonPlan:
    """Precomputed steps for a tape's forward and backward loops: (slot, rule, argument slots), by argument count.

    A step of one or two arguments names its slots directly (no argument tuple to unpack, the
    common case); others carry a tuple. A constant's slot also receives an adjoint, never read:
    cheaper than asking, node by node, whether an input is a parent.
    """

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
            rule = op.forward if op.numpy_forward is not None else _as_float(op)
            inputs = len(idx) if op.arity is None else op.arity
            if len(idx) == 1:
                step = (1, i, idx[0], 0)
            elif len(idx) == 2 and inputs == 2:
                step = (2, i, idx[0], idx[1])
            else:
                step = (0, i, idx, inputs)
            forward.append((rule, *step))
            if i < tape.graph_size:  # a node only a guard reads has no adjoint to pass on
                backward.append((op.partials, *step))
        backward.reverse()
        self.forward_steps, self.backward_steps = forward, backward

    def forward(self, leaf_values: list, batch) -> list:
        tape = self.tape
        vals = [0.0] * self.size
        if hasattr(leaf_values, "tolist"):  # one float array: Python floats, so the float rules raise as eagerly
            leaf_values = leaf_values.tolist()
        for i, v in zip(tape.leaf_slots, leaf_values):
            vals[i] = v
        vals[len(tape.nodes):] = tape.constants
        try:
            for rule, kind, i, a, b in self.forward_steps:
                if kind == 1:
                    vals[i] = rule(vals[a])
                elif kind == 2:
                    vals[i] = rule(vals[a], vals[b])
                else:
                    vals[i] = rule(*[vals[j] for j in a])
        except (ArithmeticError, ValueError) as exc:
            raise _located(tape, i, exc, [vals[j] for j in tape.args[i]]) from None
        return vals

    def check_guards(self, vals: list, batch) -> None:
        for k, (lhs, symbol, rhs, result, _site) in enumerate(self.tape.guards):
            if COMPARISONS[symbol](vals[lhs], vals[rhs]) is not result:
                raise guard_error(self.tape, k, vals[lhs], vals[rhs], None)

    def value(self, vals: list, slot: int) -> float:
        return vals[slot]

    def values(self, vals: list, slots: tuple[int, ...]) -> list:
        return [vals[slot] for slot in slots]

    def backward(self, vals: list, root: int, batch, wanted: tuple | None = None, array: bool = False):
        adj = [0.0] * len(vals)
        adj[root] = 1.0
        try:
            for partials, kind, i, a, b in self.backward_steps:
                upstream = adj[i]
                # the chain rule, as the interpreter applies it: derivative * upstream, added
                if kind == 1:
                    (da,) = partials(vals[i], vals[a])
                    adj[a] += da * upstream
                elif kind == 2:
                    da, db = partials(vals[i], vals[a], vals[b])
                    adj[a] += da * upstream
                    adj[b] += db * upstream
                else:
                    local = partials(vals[i], *[vals[j] for j in a])
                    if len(local) != b:
                        raise TypeError
                    for j, d in zip(a, local):  # zip stops at the inputs: params take no adjoint
                        adj[j] += d * upstream
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise _rule_error(self.tape, i, vals, exc) from None
        slots = self.tape.leaf_slots
        grads = [adj[slots[k]] for k in (range(len(slots)) if wanted is None else wanted)]
        if array:  # numpy only when asked for (the python replay runs without it)
            from .tape_numpy_forms import as_array

            return as_array(grads)
        return grads


def _rule_error(tape, i: int, vals: list, exc: Exception) -> Exception:
    """What backward raises where node i's partials failed: the engine's TypeError for a rule that does not
    give one derivative per input (unpacking its result raised), else a DomainError naming the inputs."""
    op, inputs = tape.ops[i], [vals[j] for j in tape.args[i]]
    n = len(inputs) if op.arity is None else op.arity
    try:
        local = op.partials(vals[i], *inputs)  # again, to see what it gives
    except (ArithmeticError, ValueError):
        return DomainError(f"{op.name}: derivative rule failed at inputs {inputs!r}: {exc}")
    except TypeError:
        return exc  # the rule's own TypeError, as it raised it
    if isinstance(exc, TypeError) or not isinstance(local, (tuple, list)) or len(local) != n:
        return TypeError(f"{op.name}: partials must return a tuple of {n} derivative(s), one per input, "
                         f"got {local!r:.200}")
    return DomainError(f"{op.name}: derivative rule failed at inputs {inputs!r}: {exc}")


def _located(tape, i: int, exc: Exception, inputs: list) -> DomainError:
    """The interpreter's domain error for node i, naming the node as print(tape) does."""
    op = tape.ops[i]
    message = str(exc) if isinstance(exc, DomainError) else f"{op.name}: {exc} for inputs {inputs!r}"
    return DomainError(f"{message} (tape node {node_name(tape, i)})")
