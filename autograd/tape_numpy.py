"""The tape's numpy replay: the nodes of one op at one level as one numpy call, over a whole batch.

Slots are renumbered so each call's outputs are one contiguous block (constants, then leaves,
then the calls level by level): a call reads its arguments (a slice where they are
contiguous, else one fancy index), runs the op's numpy form and writes one slice. Backward
runs the calls in reverse, multiplying the op's numpy partials by the block's adjoints and
adding them onto the argument slots (``tape_numpy_adjoints``: slots that recur across a call's
nodes are summed over the repeat at numpy speed). A form marked ``stacked = True`` (the built-in ``sum`` and ``dot``)
takes all of a call's arguments as one array, argument-major, and its partials give every
argument row at once (an array, a float for all, or a tuple of row blocks, read without a copy),
so a 34-input dot over 1,600 nodes is a few numpy calls, not 34 of each. A dot call whose nodes
are the entries of a matrix product (a layer over a recorded batch: each weight once per sample,
each input once per neuron; the form is marked ``product = True``) runs, for one sample, as that
product: one ``@`` forward, two backward, on the distinct slots; an add call that only takes
such a product's outputs and one slot per column (``x + y`` marked ``plus = True``: the layer's
bias) is done by the product's call, and so is a call of one input that only takes those outputs
(the layer's activation). An op without numpy
forms runs its float rules once per element, with the same result. Backward is planned once per
set of leaves asked for (``wrt``): argument rows whose slots lead to none of them get no block.
"""

from __future__ import annotations

import operator

import numpy as np

from .tape_guards import COMPARISONS
from .tape_numpy_adjoints import Flat, blocks_of, divisors, reader, rows_of
from .tape_numpy_forms import forward_of, partials_of
from .tape_numpy_source import MAX_CALLS, BackwardSource, ForwardSource
from .tape_text import guard_error


def _product_layout(args: np.ndarray):
    """A dot call whose nodes are the entries of a matrix product: (L, Q), else None.

    The call's rows are two halves (a node is the sum over k of first[k] * second[k]). Laid out as
    (R, P) in node order, one half must depend only on (k, r) and the other only on (k, p), as a
    layer's inputs (one per sample r) and weights (one per neuron p) do: node (r, p) is then
    row r of L.T @ Q for L = the slots (K, R) of the first and Q = the slots (K, P) of the second.
    """
    k, n = len(args) // 2, args.shape[1]
    halves = args[:k], args[k:]
    for p in [*divisors(n), 1]:
        grid = [h.reshape(k, n // p, p) for h in halves]
        for per_r, per_p in (grid, grid[::-1]):
            if (per_r == per_r[:, :, :1]).all() and (per_p == per_p[:, :1, :]).all():
                return np.ascontiguousarray(per_r[:, :, 0]), np.ascontiguousarray(per_p[:, 0, :])
    return None


class _Product:
    """A dot call as one matrix product (one sample: no batch axis): out = L.T @ Q, and backward
    dL = Q @ U.T, dQ = L @ U for the call's adjoints U (R, P), each added onto its slots.

    ``fuse`` hands it the add call that reads only its outputs with one slot per column (a
    layer's bias b): it then also writes that call's outputs, L.T @ Q + b, and backward takes U
    from them and adds U's column sums onto b's slots, so the add call is skipped. ``activate``
    hands it the call of one input that reads only those outputs z, in order (the layer's
    activation f): it writes f(z) too, and backward takes U = f'(z) * the adjoints of f(z).
    """

    __slots__ = ("left", "right", "shape", "out", "bias", "bias_at", "biased", "act", "tape")

    def __init__(self, left: np.ndarray, right: np.ndarray, out: slice) -> None:
        self.left, self.right = left, right
        self.shape = (left.shape[1], right.shape[1])
        self.out = out  # where backward reads the adjoints U: the call's outputs, or the fused add's
        self.bias = self.bias_at = self.biased = None  # the bias's slots (P), how to read them, the add's outputs
        self.act = self.tape = None  # the activation's call, and the tape (to name a node in an error)

    def fuse(self, bias: np.ndarray, biased: slice) -> None:
        self.bias, self.bias_at, self.biased = bias, reader(bias), biased
        self.out = biased

    def activate(self, call, tape) -> None:
        self.act, self.tape = call, tape

    def forward(self, vals: np.ndarray) -> tuple:
        lv, qv = vals[self.left], vals[self.right]
        out = lv.T @ qv
        z = flat = out.ravel()
        if self.bias is not None:
            z = vals[self.biased] = (out + vals[self.bias_at]).ravel()
        if self.act is None:
            return flat, (lv, qv)
        vals[self.act.out] = forward_of(self.tape, self.act, [z], None)
        return flat, (lv, qv, z)

    def blocks(self, needed: np.ndarray) -> list:
        """Which parts need adjoints: (0 for L / 1 for Q / 2 for the bias, its scatter)."""
        parts = [self.left, self.right] + ([] if self.bias is None else [self.bias])
        return [(side, Flat(targets.ravel())) for side, targets in enumerate(parts)
                if needed[targets].any()]

    def backward(self, adj: np.ndarray, vals: np.ndarray, gathered: tuple, blocks: list) -> None:
        if self.act is None:
            u = adj[self.out].reshape(self.shape)
        else:  # z's adjoints come from the activation alone
            out = self.act.out
            (d,) = partials_of(self.tape, self.act, vals[out], gathered[2:])
            u = (d * adj[out]).reshape(self.shape)
        lv, qv = gathered[:2]
        for side, flat in blocks:
            flat.add(adj, (qv @ u.T if side == 0 else lv @ u if side == 1 else np.add.reduce(u, axis=0)).ravel())


class _Call:
    """One numpy call: an op over the output slots [start, stop), its arguments from ``index`` (args, nodes).

    A stacked form reads every argument with one fancy index; another form reads each argument
    row as a slice or an index array.
    """

    __slots__ = ("op", "start", "stop", "out", "nodes", "index", "rows", "inputs", "adjoint", "stacked",
                 "partials_stacked", "width", "product", "fused")

    def __init__(self, op, start: int, nodes: list[int], args: np.ndarray, adjoint: bool) -> None:
        self.op, self.start, self.stop, self.nodes = op, start, start + len(nodes), nodes
        self.out = slice(start, self.stop)
        self.width = len(nodes)
        self.inputs = args.shape[0] if op.arity is None else op.arity
        self.adjoint = adjoint
        self.stacked = getattr(op.numpy_forward, "stacked", False)
        self.partials_stacked = getattr(op.numpy_partials, "stacked", False)
        self.index = args
        self.rows = None if self.stacked else [reader(r) for r in args]
        layout = _product_layout(args) if getattr(op.numpy_forward, "product", False) else None
        self.product = None if layout is None else _Product(*layout, self.out)
        self.fused = False  # True when, for one sample, a product call does this call's work (a bias, an activation)


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
        self._fuse()
        self._programs: dict = {}  # the leaves whose gradients are asked for -> the backward program
        self._wanted_at: dict = {}  # the same -> their adjoints' rows
        self._read: tuple | None = None  # the slots values() was last given, renumbered
        # one sample's replay as straight-line source (tape_numpy_source), made at its first use
        self.source = None if len(self.calls) <= MAX_CALLS else False  # the ForwardSource (False: the loop)
        self._backward_sources: dict = {}  # the leaves asked for -> the BackwardSource of their program

    def _fuse(self) -> None:
        """For one sample, hand product calls the calls that only their outputs feed, in their order: an add
        with one slot per column made before it (a layer's bias: ``_Product.fuse``), then a call of one
        input (its activation: ``_Product.activate``). The calls handed over are skipped."""
        products = {call.start: call for call in self.calls if call.product is not None}
        if not products:
            return
        readers = np.bincount(np.concatenate([call.index.ravel() for call in self.calls]), minlength=self.size)
        root = self.new[self.tape.root_slot]

        def only_reader(row: np.ndarray, out: slice) -> bool:  # row is out's slots, in order, read by nothing else
            return (len(row) == out.stop - out.start and (row == np.arange(out.start, out.stop)).all()
                    and (readers[out] == 1).all() and not out.start <= root < out.stop)

        for call in self.calls:
            if not getattr(call.op.numpy_forward, "plus", False):
                continue
            for row, other in ((call.index[0], call.index[1]), (call.index[1], call.index[0])):
                made = products.get(int(row[0]))
                if made is None or made.product.bias is not None or len(row) != made.width:
                    continue
                grid = other.reshape(made.product.shape)
                if only_reader(row, made.out) and (grid == grid[:1]).all() and grid.max() < made.start:
                    made.product.fuse(np.ascontiguousarray(grid[0]), call.out)
                    call.fused = True
                    break
        ends = {call.product.out.start: call for call in products.values()}  # where each product's z are
        for call in self.calls:
            made = ends.get(int(call.index[0, 0])) if call.op.arity == 1 and len(call.index) == 1 else None
            if (made is not None and made.product.act is None and not call.stacked
                    and only_reader(call.index[0], made.product.out)):
                made.product.activate(call, self.tape)
                call.fused = True

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
        needed = np.zeros(self.size, dtype=bool)
        needed[self._wanted_rows(wanted)] = True
        for call in self.calls:
            needed[call.out] = needed[call.index[: call.inputs]].any(axis=0)
        program = []
        for k in range(len(self.calls) - 1, -1, -1):
            call = self.calls[k]
            if not call.adjoint or single and call.fused:
                continue
            rows = call.index[: call.inputs]
            if single and call.product is not None:
                blocks = call.product.blocks(needed)
            elif call.partials_stacked:  # one set of blocks for every input of every node, argument-major
                blocks = blocks_of(rows, needed)
            else:
                blocks = [blocks_of(row[None], needed, single=True) for row in rows]
            if any(blocks):  # (a list of lists per input: any of them non-empty)
                program.append((k, call, blocks))
        self._programs[wanted, single] = program
        return program

    def forward(self, leaf_values, batch: int | None) -> tuple:
        if batch is None and self.source is not False:
            if self.source is None:
                self.source = ForwardSource(self)
            return self.source.run(leaf_values)
        c = len(self.constants)
        if batch is None:
            vals = np.empty(self.size)
            vals[:c] = self.constants
            vals[self.leaf_rows] = leaf_values  # floats (or a 1-D array of them): one conversion
        else:
            vals = np.empty((self.size, batch))
            vals[:c] = self.constants[:, None]
            if leaf_values.__class__ is np.ndarray:  # (leaves, batch): every row at once
                vals[self.leaf_rows] = leaf_values
            else:  # a float is shared by every sample (all of them in one broadcast), an array fills its row
                vals[self.leaf_rows] = np.array([v if v.__class__ is float else 0.0 for v in leaf_values])[:, None]
                for k, v in enumerate(leaf_values, c):
                    if v.__class__ is not float:
                        vals[k] = v
        gathered = []
        with np.errstate(all="ignore"):  # inf and nan propagate silently, as in float arithmetic
            for call in self.calls:
                if batch is None and call.fused:  # done by its product call
                    gathered.append(None)
                    continue
                if call.product is not None and batch is None:
                    out, a = call.product.forward(vals)
                else:
                    a = vals[call.index] if call.stacked else [vals[r] for r in call.rows]
                    out = forward_of(self.tape, call, a, batch)
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

    def values(self, state: tuple, slots: tuple[int, ...]) -> list:
        if self._read is None or self._read[0] is not slots:  # renumbered once for the same slots
            self._read = (slots, np.array([self.new[slot] for slot in slots], dtype=np.intp))
        rows = state[0][self._read[1]]  # a fancy index: a copy
        return rows.tolist() if rows.ndim == 1 else list(rows)

    def backward(self, state: tuple, root: int, batch: int | None, wanted: tuple | None = None, array: bool = False):
        vals, gathered = state
        if batch is None and self.source is not False:  # one sample: the program written out as source
            source = self._backward_sources.get(wanted)
            if source is None:
                source = self._backward_sources[wanted] = BackwardSource(self, self._program(wanted, True))
            adj = source.run(vals, gathered)
        else:
            adj = self._backward_loop(vals, gathered, root, batch, wanted)
        rows = adj[self._wanted_rows(wanted)]  # a fancy index: a copy
        return rows if array else rows.tolist() if batch is None else list(rows)

    def _backward_loop(self, vals: np.ndarray, gathered: list, root: int, batch: int | None, wanted) -> np.ndarray:
        """Every slot's adjoint, the program run call by call."""
        adj = np.zeros(vals.shape)
        adj[self.new[root]] = 1.0
        with np.errstate(all="ignore"):
            for k, call, blocks in self._program(wanted, batch is None):
                a = gathered[k]
                if batch is None and call.product is not None:
                    call.product.backward(adj, vals, a, blocks)
                    continue
                upstream, out = adj[call.out], vals[call.out]
                form = call.op.numpy_partials
                if call.partials_stacked:  # derivatives (inputs, nodes[, batch]) of every input at once
                    local = form(out, a if call.stacked else np.array(a))
                    for block in blocks:
                        block.add(adj, rows_of(local, block.start, block.stop), upstream)
                    continue
                for d, input_blocks in zip(partials_of(self.tape, call, out, a), blocks):
                    if d.__class__ is not float and d.__class__ is not np.ndarray:
                        d = np.asarray(d)
                    for block in input_blocks:  # none for an input that needs no adjoint (a constant, ...)
                        block.add(adj, d, upstream)
        return adj

    def _wanted_rows(self, wanted: tuple | None):
        """The adjoint rows of the leaves ``wanted`` (None: every leaf), made once per set of leaves."""
        rows = self._wanted_at.get(wanted)
        if rows is None:
            rows = self._wanted_at[wanted] = (self.leaf_rows if wanted is None
                                            else len(self.constants) + np.array(wanted, dtype=np.intp))
        return rows
