"""The tape's numpy replay: the nodes of one op at one level as one numpy call, over a whole batch.

Slots are renumbered so each call's outputs are one contiguous block (constants, then leaves,
then the calls level by level): a call reads its arguments (a slice where they are
contiguous, else one fancy index), runs the op's numpy form and writes one slice. Backward
runs the calls in reverse, multiplying the op's numpy partials by the block's adjoints and
adding them onto the argument slots. Slots that recur in a pattern across a call's nodes (a
weight once per sample, a sample's input once per neuron) are multiplied and summed over the
repeat by one ``einsum``; others that recur (``x * x``) by one ``bincount`` (one sample) or
``reduceat`` (a batch). A form marked ``stacked = True`` (the built-in ``sum`` and ``dot``)
takes all of a call's arguments as one array, argument-major, and its partials give every
argument row at once (an array, a float for all, or a tuple of row blocks, read without a copy),
so a 34-input dot over 1,600 nodes is a few numpy calls, not 34 of each. A dot call whose nodes
are the entries of a matrix product (a layer over a recorded batch: each weight once per sample,
each input once per neuron; the form is marked ``product = True``) runs, for one sample, as that
product: one ``@`` forward, two backward, on the distinct slots. An op without numpy
forms runs its float rules once per element, with the same result. Backward is planned once per
set of leaves asked for (``wrt``): argument rows whose slots lead to none of them get no block.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy as np

from .ops import DomainError
from .tape_guards import COMPARISONS
from .tape_text import guard_error, node_name
from .value import as_number


def _reader(r: np.ndarray):
    """How to read the slots r: a slice when they are consecutive (a view, no copy), else the index array."""
    if len(r) == 1 or (r[-1] - r[0] == len(r) - 1 and (np.diff(r) == 1).all()):
        return slice(int(r[0]), int(r[0]) + len(r))
    return r


def _add_onto(adj: np.ndarray, target, c) -> None:
    """adj[target] += c for distinct targets; on a slice, in the view itself (no write back of the view)."""
    if target.__class__ is slice:
        view = adj[target]
        view += c
    else:
        adj[target] += c


class _Flat:
    """Adds contributions (k[, batch]) onto the adjoint rows of the k slots ``targets``.

    Distinct targets take one (fancy or sliced) ``+=``; recurring ones are summed per slot first,
    in their order, by ``bincount`` for one sample or ``reduceat`` over a batch.
    """

    __slots__ = ("target", "unique", "inverse", "order", "starts")

    def __init__(self, targets: np.ndarray) -> None:
        order = np.argsort(targets, kind="stable")
        ordered = targets[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        if first.all():
            self.target, self.unique = _reader(targets), True
            self.inverse = self.order = self.starts = None
        else:
            self.unique = False
            self.starts = np.flatnonzero(first)
            self.target = ordered[self.starts]
            self.inverse = np.empty_like(order)  # each target's position among the distinct ones
            self.inverse[order] = np.cumsum(first) - 1
            self.order = order

    def add(self, adj: np.ndarray, contribution: np.ndarray) -> None:
        if self.unique:
            _add_onto(adj, self.target, contribution)
        elif adj.ndim == 1:
            adj[self.target] += np.bincount(self.inverse, contribution, len(self.target))
        else:
            adj[self.target] += np.add.reduceat(contribution[self.order], self.starts, axis=0)


@functools.lru_cache(maxsize=64)
def _divisors(n: int) -> list[int]:
    """n's divisors above 1, largest first (the repeats a row of n targets can have)."""
    small = [d for d in range(2, math.isqrt(n) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small), *([n] if n > 1 else [])}, reverse=True)


def _repeat(row: np.ndarray) -> tuple:
    """How a row of targets repeats: (shape, axis) to sum it over, the widest repeat, or (None, None).

    Across the nodes of a call the same slot recurs in a pattern: a weight once per sample (the
    row is R copies of one block), a sample's input once per neuron (each slot R times in a run).
    Summing the reshaped contributions over that axis leaves one per distinct slot, at numpy speed.
    """
    n = len(row)
    for r in _divisors(n):
        blocks = row.reshape(r, n // r)
        if (blocks == blocks[0]).all():
            return (r, n // r), 0
        runs = row.reshape(n // r, r)
        if (runs == runs[:, :1]).all():
            return (n // r, r), 1
    return None, None


class _Block:
    """Argument rows [start, stop) of a call whose slots repeat alike: their contributions, summed over the repeat.

    Without a repeat a contribution is derivative * adjoint, one per target. With one, the
    products are summed over the repeat by one ``einsum`` (or the adjoints alone, for a
    derivative that is one float), leaving one contribution per distinct slot.
    """

    __slots__ = ("start", "stop", "rows", "shape", "axis", "spec", "flat", "direct")

    def __init__(self, start: int, stop: int, shape, axis, targets: np.ndarray, single: bool = False) -> None:
        self.start, self.stop, self.rows = start, stop, stop - start
        self.shape, self.axis = shape, axis
        if shape is not None:
            targets = targets.reshape(self.rows, *shape)
            targets = targets[:, 0] if axis == 0 else targets[:, :, 0]
        self.spec = None if shape is None else ("krp...,rp...->kp..." if axis == 0 else "kpr...,pr...->kp...")
        self.flat = _Flat(targets.ravel())
        # one input's row (d is (nodes[, batch]) or a float), no repeat, distinct slots: the most
        # common block, one multiply and one add
        self.direct = self.flat.target if single and shape is None and self.flat.unique else None

    def add(self, adj: np.ndarray, d, upstream: np.ndarray) -> None:
        """d: the rows' derivatives, (rows, nodes[, batch]) or (nodes[, batch]) for one row, or one float for all."""
        if self.direct is not None:
            _add_onto(adj, self.direct, upstream if d.__class__ is float and d == 1.0 else d * upstream)
            return
        rest = upstream.shape[1:]
        if self.shape is None:
            c = upstream if d.__class__ is float and d == 1.0 else d * upstream
        elif d.__class__ is float:  # one derivative for every row and node: sum the adjoints alone
            c = np.add.reduce(upstream.reshape(*self.shape, *rest), axis=self.axis)
            c = c if d == 1.0 else d * c
        else:
            full = (self.rows, *upstream.shape)
            if d.shape != full:
                d = np.broadcast_to(d, full)
            c = np.einsum(self.spec, d.reshape(self.rows, *self.shape, *rest), upstream.reshape(*self.shape, *rest))
        # c: (rows, targets[, batch]), or without the rows axis when every row gets the same
        if c.ndim == len(rest) + 2:
            c = c[0] if self.rows == 1 else c.reshape(-1, *rest)
        elif self.rows > 1:
            c = c[None].repeat(self.rows, axis=0).reshape(-1, *rest)
        self.flat.add(adj, c)


def _blocks(targets: np.ndarray, needed: np.ndarray, single: bool = False) -> list[_Block]:
    """A call's argument rows (rows, nodes) as blocks of rows that repeat alike, leaving out
    those none of whose slots needs an adjoint (constants, and leaves whose gradients are not asked for).
    ``single``: targets is one input's row, whose derivatives come without the rows axis."""
    keys = [_repeat(row) for row in targets]
    blocks = []
    start = 0
    for k in range(1, len(keys) + 1):
        if k < len(keys) and keys[k] == keys[start]:
            continue
        if needed[targets[start:k]].any():
            blocks.append(_Block(start, k, *keys[start], targets[start:k], single))
        start = k
    return blocks


def _rows(local, start: int, stop: int):
    """Rows [start, stop) of the derivatives: a float as it is, else a view (a copy only across a tuple's blocks)."""
    if local.__class__ is float:
        return local
    if not isinstance(local, tuple):
        return local[start:stop]
    pieces, offset = [], 0
    for block in local:
        lo, hi = max(start - offset, 0), min(stop - offset, len(block))
        if lo < hi:
            pieces.append(block[lo:hi])
        offset += len(block)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _product_layout(args: np.ndarray):
    """A dot call whose nodes are the entries of a matrix product: (L, Q), else None.

    The call's rows are two halves (a node is the sum over k of first[k] * second[k]). Laid out as
    (R, P) in node order, one half must depend only on (k, r) and the other only on (k, p), as a
    layer's inputs (one per sample r) and weights (one per neuron p) do: node (r, p) is then
    row r of L.T @ Q for L = the slots (K, R) of the first and Q = the slots (K, P) of the second.
    """
    k, n = len(args) // 2, args.shape[1]
    halves = args[:k], args[k:]
    for p in [*_divisors(n), 1]:
        grid = [h.reshape(k, n // p, p) for h in halves]
        for per_r, per_p in (grid, grid[::-1]):
            if (per_r == per_r[:, :, :1]).all() and (per_p == per_p[:, :1, :]).all():
                return np.ascontiguousarray(per_r[:, :, 0]), np.ascontiguousarray(per_p[:, 0, :])
    return None


class _Product:
    """A dot call as one matrix product (one sample: no batch axis): out = L.T @ Q, and backward
    dL = Q @ U.T, dQ = L @ U for the call's adjoints U (R, P), each added onto its slots."""

    __slots__ = ("left", "right", "shape")

    def __init__(self, left: np.ndarray, right: np.ndarray) -> None:
        self.left, self.right = left, right
        self.shape = (left.shape[1], right.shape[1])

    def forward(self, vals: np.ndarray) -> tuple:
        lv, qv = vals[self.left], vals[self.right]
        return (lv.T @ qv).ravel(), (lv, qv)

    def blocks(self, needed: np.ndarray) -> list:
        """Which halves need adjoints: (0 for L / 1 for Q, its scatter)."""
        return [(side, _Flat(targets.ravel())) for side, targets in enumerate((self.left, self.right))
                if needed[targets].any()]

    def backward(self, adj: np.ndarray, upstream: np.ndarray, gathered: tuple, blocks: list) -> None:
        u = upstream.reshape(self.shape)
        lv, qv = gathered
        for side, flat in blocks:
            flat.add(adj, (qv @ u.T if side == 0 else lv @ u).ravel())


class _Call:
    """One numpy call: an op over the output slots [start, stop), its arguments from ``index`` (args, nodes).

    A stacked form reads every argument with one fancy index; another form reads each argument
    row as a slice or an index array.
    """

    __slots__ = ("op", "start", "stop", "out", "nodes", "index", "rows", "inputs", "adjoint", "stacked",
                 "partials_stacked", "width", "product")

    def __init__(self, op, start: int, nodes: list[int], args: np.ndarray, adjoint: bool) -> None:
        self.op, self.start, self.stop, self.nodes = op, start, start + len(nodes), nodes
        self.out = slice(start, self.stop)
        self.width = len(nodes)
        self.inputs = args.shape[0] if op.arity is None else op.arity
        self.adjoint = adjoint
        self.stacked = getattr(op.numpy_forward, "stacked", False)
        self.partials_stacked = getattr(op.numpy_partials, "stacked", False)
        self.index = args
        self.rows = None if self.stacked else [_reader(r) for r in args]
        layout = _product_layout(args) if getattr(op.numpy_forward, "product", False) else None
        self.product = None if layout is None else _Product(*layout)


class NumpyPlan:
    """A tape's calls, in level order, with the slot renumbering that makes each call's output a slice."""

    def __init__(self, tape) -> None:
        self.tape = tape
        n, c = len(tape.nodes), len(tape.constants)
        groups: dict[tuple, list[int]] = {}
        for i in range(n):
            if tape.ops[i] is not None:
                groups.setdefault(tape.group_of(i), []).append(i)
        new = [0] * (n + c)  # slots: the constants, the leaves, then each call's outputs together
        for j in range(c):
            new[n + j] = j
        for k, i in enumerate(tape.leaf_slots):
            new[i] = c + k
        position = c + len(tape.leaf_slots)
        keys = sorted(groups, key=operator.itemgetter(0))  # by level; stable, so a level's calls stay in order
        for key in keys:
            for i in groups[key]:
                new[i] = position
                position += 1
        self.size, self.new = position, new
        self.leaf_rows = slice(c, c + len(tape.leaf_slots))
        self.constants = np.array(tape.constants, dtype=float)
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
        self._programs: dict = {}  # the leaves whose gradients are asked for -> the backward program
        self._rows_of: dict = {}  # the same -> their adjoints' rows

    def _program(self, wanted: tuple | None, single: bool) -> list:
        """Backward's steps for the gradients of the leaves ``wanted`` (positions; None: every leaf).

        Each step is (position of the call, the call, its blocks: one list for a stacked form, else
        one list per input, or a matrix product's halves when ``single``, one sample), in reverse
        order. A slot needs an adjoint when a wanted leaf is among its arguments' graphs; argument
        rows where none does get no block, a call with none no step.
        """
        program = self._programs.get((wanted, single))
        if program is not None:
            return program
        c = len(self.constants)
        needed = np.zeros(self.size, dtype=bool)
        needed[self.leaf_rows if wanted is None else c + np.array(wanted, dtype=np.intp)] = True
        for call in self.calls:
            needed[call.out] = needed[call.index[: call.inputs]].any(axis=0)
        program = []
        for k in range(len(self.calls) - 1, -1, -1):
            call = self.calls[k]
            if not call.adjoint:
                continue
            rows = call.index[: call.inputs]
            if single and call.product is not None:
                blocks = call.product.blocks(needed)
                if blocks:
                    program.append((k, call, blocks))
            elif call.partials_stacked:  # one set of blocks for every input of every node, argument-major
                blocks = _blocks(rows, needed)
                if blocks:
                    program.append((k, call, blocks))
            else:
                blocks = [_blocks(row[None], needed, single=True) for row in rows]
                if any(blocks):
                    program.append((k, call, blocks))
        self._programs[wanted, single] = program
        return program

    def forward(self, leaf_values, batch: int | None) -> tuple:
        c = len(self.constants)
        if batch is None:
            vals = np.empty(self.size)
            vals[:c] = self.constants
            vals[self.leaf_rows] = leaf_values  # floats (or a 1-D array of them): one conversion
        else:
            vals = np.empty((self.size, batch))
            vals[:c] = self.constants[:, None]
            for k, v in enumerate(leaf_values, c):  # an array fills a row; a float is shared by every sample
                vals[k] = v
        gathered = []
        with np.errstate(all="ignore"):  # inf and nan propagate silently, as in float arithmetic
            for call in self.calls:
                form = call.op.numpy_forward
                if call.product is not None and batch is None:
                    out, a = call.product.forward(vals)
                elif call.stacked:
                    a = vals[call.index]
                    try:
                        out = form(a)
                    except (ArithmeticError, ValueError):
                        out = _each_forward(self.tape, call, a, batch)
                else:
                    a = [vals[r] for r in call.rows]
                    try:
                        out = form(*a) if form is not None else _each_forward(self.tape, call, a, batch)
                    except (ArithmeticError, ValueError):  # the float rule, element by element, names the culprit
                        out = _each_forward(self.tape, call, a, batch)
                vals[call.out] = out
                gathered.append(a)
        return vals, gathered

    def check_guards(self, state: tuple, batch: int | None) -> None:
        vals = state[0]
        for symbol, (which, lhs, rhs, result) in self.guards.items():
            now = COMPARISONS[symbol](vals[lhs], vals[rhs])
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

    def values(self, state: tuple, slots: list[int]) -> list:
        rows = state[0][[self.new[slot] for slot in slots]]  # a fancy index: a copy
        return rows.tolist() if rows.ndim == 1 else list(rows)

    def backward(self, state: tuple, root: int, batch: int | None, wanted: tuple | None = None) -> list:
        vals, gathered = state
        adj = np.zeros(vals.shape)
        adj[self.new[root]] = 1.0
        with np.errstate(all="ignore"):
            for k, call, blocks in self._program(wanted, batch is None):
                a = gathered[k]
                upstream, out = adj[call.out], vals[call.out]
                if batch is None and call.product is not None:
                    call.product.backward(adj, upstream, a, blocks)
                    continue
                form = call.op.numpy_partials
                if call.partials_stacked:  # derivatives (inputs, nodes[, batch]) of every input at once
                    local = form(out, a if call.stacked else np.array(a))
                    for block in blocks:
                        block.add(adj, _rows(local, block.start, block.stop), upstream)
                    continue
                local = form(out, *a) if form is not None else None
                if not isinstance(local, (tuple, list)) or len(local) != call.inputs:
                    local = _each_partials(self.tape, call, out, a)
                for d, input_blocks in zip(local, blocks):
                    if d.__class__ is not float and d.__class__ is not np.ndarray:
                        d = np.asarray(d)
                    for block in input_blocks:  # none for an input that needs no adjoint (a constant, ...)
                        block.add(adj, d, upstream)
        rows = adj[self._wanted_rows(wanted)]
        return rows.tolist() if batch is None else list(rows)

    def _wanted_rows(self, wanted: tuple | None):
        """The adjoint rows of the leaves ``wanted`` (None: every leaf), made once per set of leaves."""
        rows = self._rows_of.get(wanted)
        if rows is None:
            rows = self._rows_of[wanted] = (self.leaf_rows if wanted is None
                                            else len(self.constants) + np.array(wanted, dtype=np.intp))
        return rows


def _elements(a) -> list:
    """The call's arguments per element (node-major, then sample), as lists of floats."""
    return np.array(a).reshape(len(a), -1).T.tolist()


def _each_forward(tape, call: _Call, a, batch: int | None) -> np.ndarray:
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
    return np.array(out).reshape(np.shape(a[0]))


def _each_partials(tape, call: _Call, out: np.ndarray, a) -> list:
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
    return list(np.array(rows, dtype=float).T.reshape(call.inputs, *out.shape))
