"""The tape's numpy replay: the nodes of one op at one level as one numpy call, over a whole batch.

Slots are renumbered so each call's outputs are one contiguous block (leaves, then constants,
then the calls level by level): a call gathers its arguments with one fancy index, runs the
op's numpy form and writes one slice. Backward runs the calls in reverse, multiplying the
op's numpy partials by the block's adjoints and scattering them onto the argument slots; a
slot used twice by one call (``x * x``, a shared weight) is summed first (sort + reduceat).
An op without numpy forms runs its float rules once per element, with the same result.
"""

from __future__ import annotations

import operator

import numpy as np

from .ops import DomainError
from .tape_text import guard_error, node_name
from .value import as_number

_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


class _Call:
    """One numpy call: an op over the output slots [start, stop), reading the argument slots ``args`` (k, G)."""

    __slots__ = ("op", "start", "stop", "args", "inputs", "nodes", "adjoint", "targets", "order", "starts", "unique")

    def __init__(self, op, start: int, nodes: list[int], args: np.ndarray, adjoint: bool) -> None:
        self.op, self.start, self.stop, self.nodes, self.args = op, start, start + len(nodes), nodes, args
        self.inputs = args.shape[0] if op.arity is None else op.arity
        self.adjoint = adjoint
        flat = args[: self.inputs].ravel()  # the slots receiving adjoints, input by input
        self.order = np.argsort(flat, kind="stable")
        ordered = flat[self.order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        self.unique = bool(first.all())
        self.starts = np.flatnonzero(first)
        self.targets = flat if self.unique else ordered[self.starts]


class NumpyPlan:
    """A tape's calls, in level order, with the slot renumbering that makes each call's output a slice."""

    def __init__(self, tape) -> None:
        self.tape = tape
        n, c = len(tape.nodes), len(tape.constants)
        groups: dict[tuple, list[int]] = {}
        for i in range(n):
            if tape.ops[i] is not None:
                groups.setdefault(tape.group_of(i), []).append(i)
        new = [0] * (n + c)
        for k, i in enumerate(tape.leaf_slots):
            new[i] = k
        first = len(tape.leaf_slots)
        for j in range(c):
            new[n + j] = first + j
        position = first + c
        keys = sorted(groups, key=operator.itemgetter(0))  # by level; stable, so a level's calls stay in order
        for key in keys:
            for i in groups[key]:
                new[i] = position
                position += 1
        self.size, self.first_constant, self.new = position, first, new
        self.calls = []
        for key in keys:
            nodes = groups[key]
            args = np.array([[new[j] for j in tape.args[i]] for i in nodes], dtype=np.intp).T
            self.calls.append(_Call(key[1], new[nodes[0]], nodes, np.ascontiguousarray(args), key[3]))
        guards = tape.guards
        self.guards = {
            symbol: (np.array([k for k, g in enumerate(guards) if g[1] == symbol]),
                     np.array([new[g[0]] for g in guards if g[1] == symbol], dtype=np.intp),
                     np.array([new[g[2]] for g in guards if g[1] == symbol], dtype=np.intp),
                     np.array([g[3] for g in guards if g[1] == symbol], dtype=bool))
            for symbol in {g[1] for g in guards}
        }

    def forward(self, leaf_values: list, batch: int | None) -> tuple:
        shape = (self.size,) if batch is None else (self.size, batch)
        vals = np.empty(shape)
        for k, v in enumerate(leaf_values):  # an array fills a row; a float is shared by every sample
            vals[k] = v
        vals[self.first_constant:self.first_constant + len(self.tape.constants)] = (
            np.array(self.tape.constants).reshape(-1, *([1] if batch is not None else [])))
        gathered = []
        with np.errstate(all="ignore"):  # inf and nan propagate silently, as in float arithmetic
            for call in self.calls:
                a = vals[call.args]
                form = call.op.numpy_forward
                try:
                    out = form(*a) if form is not None else _each_forward(self.tape, call, a, batch)
                except (ArithmeticError, ValueError):  # the float rule, element by element, names the culprit
                    out = _each_forward(self.tape, call, a, batch)
                vals[call.start:call.stop] = out
                gathered.append(a)
        return vals, gathered

    def check_guards(self, state: tuple, batch: int | None) -> None:
        vals = state[0]
        for symbol, (which, lhs, rhs, result) in self.guards.items():
            now = _COMPARE[symbol](vals[lhs], vals[rhs])
            flipped = now != (result if batch is None else result[:, None])
            if flipped.any():
                at = tuple(np.argwhere(flipped)[0])
                k = int(which[at[0]])
                sample = None if batch is None else int(at[1])
                left, right = vals[lhs[at[0]]], vals[rhs[at[0]]]
                if batch is not None:
                    left, right = left[sample], right[sample]
                raise guard_error(self.tape, k, float(left), float(right), sample)

    def value(self, state: tuple, slot: int):
        v = state[0][self.new[slot]]
        return float(v) if v.ndim == 0 else v.copy()

    def backward(self, state: tuple, root: int, batch: int | None) -> list:
        vals, gathered = state
        adj = np.zeros_like(vals)
        adj[self.new[root]] = 1.0
        with np.errstate(all="ignore"):
            for call, a in zip(reversed(self.calls), reversed(gathered)):
                if not call.adjoint:
                    continue
                upstream, out = adj[call.start:call.stop], vals[call.start:call.stop]
                form = call.op.numpy_partials
                local = form(out, *a) if form is not None else None
                local = _stacked(local, call.inputs, out.shape) if local is not None else None
                if local is None:
                    local = _each_partials(self.tape, call, out, a)
                contribution = (local * upstream).reshape(-1, *out.shape[1:])
                if call.unique:
                    adj[call.targets] += contribution
                else:
                    adj[call.targets] += np.add.reduceat(contribution[call.order], call.starts, axis=0)
        rows = adj[: len(self.tape.leaf_slots)]
        return [float(r) for r in rows] if batch is None else list(rows)


def _stacked(local, inputs: int, shape: tuple):
    """A numpy form's partials as one (inputs, *shape) array, or None when it did not give one per input."""
    if not isinstance(local, (tuple, list)) or len(local) != inputs:
        return None
    try:
        stacked = np.asarray(local, dtype=float)
    except ValueError:  # arrays and numbers mixed: place them one by one
        stacked = np.empty((inputs, *shape))
        for p, d in enumerate(local):
            stacked[p] = d
        return stacked
    return stacked.reshape(inputs, *([1] * len(shape))) if stacked.ndim == 1 else stacked


def _elements(a: np.ndarray) -> list:
    """The call's arguments per element (node-major, then sample), as lists of floats."""
    return a.reshape(a.shape[0], -1).T.tolist()


def _each_forward(tape, call: _Call, a: np.ndarray, batch: int | None) -> np.ndarray:
    """The op's float forward on every element: exact, and the interpreter's error with the node and sample."""
    forward, name = call.op.forward, call.op.name
    out = []
    for e, args in enumerate(_elements(a)):
        try:
            out.append(as_number(forward(*args), f"{name}: forward result"))
        except (ArithmeticError, ValueError) as exc:
            message = str(exc) if isinstance(exc, DomainError) else f"{name}: {exc} for inputs {args!r}"
            node, sample = divmod(e, batch) if batch is not None else (e, None)
            where = f"tape node {node_name(tape, call.nodes[node])}" + ("" if sample is None else f", sample {sample}")
            raise DomainError(f"{message} ({where})") from None
    return np.array(out).reshape(a.shape[1:])


def _each_partials(tape, call: _Call, out: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The op's float partials on every element, stacked as (inputs, *shape)."""
    partials, name = call.op.partials, call.op.name
    rows = []
    for o, args in zip(out.ravel().tolist(), _elements(a)):
        try:
            local = partials(o, *args)
        except (ArithmeticError, ValueError) as exc:
            raise DomainError(f"{name}: derivative rule failed at inputs {args!r}: {exc}") from None
        if not isinstance(local, (tuple, list)) or len(local) != call.inputs:
            raise TypeError(f"{name}: partials must return a tuple of {call.inputs} derivative(s), one per input, "
                            f"got {local!r:.200}")
        rows.append(local)
    return np.array(rows, dtype=float).T.reshape(call.inputs, *out.shape)
