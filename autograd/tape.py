"""The compiled tape: a recorded graph as op codes, argument slots and constants, replayed without Value objects.

``compile(root)`` walks the graph once. Every node and every distinct constant gets a *slot*;
a node is its op and the slots of its arguments. Two replays read that one description:

- the **numpy path** (``tape_numpy``): nodes of one op at one level (the longest path from a
  leaf) run as one numpy call, over a batch too; chosen for batches and wide graphs;
- the **Python path** (``tape_python``): a straight loop over the nodes calling the table's
  float rules; chosen for a narrow graph replayed one sample at a time, where one numpy call
  per node would cost more than the arithmetic.

Both give the interpreter's numbers (the same rules, in the same order of operations).
Comparisons made on Values inside ``autograd.record()`` are re-checked on every replay.
"""

from __future__ import annotations

import bisect
import numbers
from collections.abc import Callable, Mapping, Sequence, Set

from .engine import topological_order
from .tape_guards import Guard, GuardError, record
from .value import Value, as_number

# Below this many nodes per numpy call, the Python loop is the faster replay of one sample
# (measured: a numpy call costs about 8 µs forward and backward, a node in the Python loop about 0.35 µs).
_NODES_PER_CALL_FOR_NUMPY = 24
_PATHS = ("auto", "numpy", "python")
_REAL_KINDS = ("i", "u", "f")  # numpy's dtype kinds of real numbers (ints and floats; not bool, complex, text)


class Tape:
    """A recorded graph compiled for replay: ``forward(values)``, ``backward()``, ``print(tape)``."""

    def __init__(self, root: Value, order: list[Value], guards: Sequence[Guard] = (),
                 inputs: Sequence[Value] | None = None) -> None:
        slot_of: dict[Value, int] = {}
        if inputs is not None:  # compile(f, *inputs): its leaves are the inputs; any other leaf is a constant
            made = set(inputs)
            fixed = [node for node in order if node._op is None and node not in made]
            order = [node for node in order if node._op is not None or node in made]
        n = len(order)
        constant_slot: dict[str, int] = {}
        self.constants: list[float] = []  # slot n + j holds constants[j]

        def constant(c) -> int:
            c = float(c)  # a guard's other side may be an int or a numpy number (`v > 0`)
            key = c.hex()  # 0.0 and -0.0 differ, nan is one key
            j = constant_slot.get(key)
            if j is None:
                j = constant_slot[key] = n + len(self.constants)
                self.constants.append(c)
            return j

        if inputs is not None:
            for node in fixed:  # a Value made inside f (grad's seed) or closed over: its data, as jax.jit bakes it in
                slot_of[node] = constant(node.data)
        ops, args, levels, leaf_slots = [], [], [], []
        for i, node in enumerate(order):  # the one pass: parents come before their children
            slot_of[node] = i
            op = node._op
            if op is None:
                leaf_slots.append(i)
                ops.append(None), args.append(()), levels.append(0)
                continue
            slots, level = [], 0
            for a in node._args:
                if a.__class__ is float:  # a constant argument
                    slots.append(constant(a))
                else:
                    j = slot_of[a]
                    slots.append(j)
                    if j < n and levels[j] > level:  # (j >= n: a leaf made a constant)
                        level = levels[j]
            ops.append(op), args.append(tuple(slots)), levels.append(level + 1)
        self.nodes: tuple[Value, ...] = tuple(order)  # kept for names and for print(tape)
        self._slot_of = slot_of
        self.ops, self.args = ops, args
        self.root_slot = slot_of[root]
        # root's own graph is order[:graph_size]; after it come nodes only a guard needs (no adjoint)
        self.graph_size = self.root_slot + 1 if self.root_slot < n else 0  # (f returning a constant: none)
        self.levels = _merged_levels(ops, args, levels, self.graph_size)
        self.leaf_slots = leaf_slots if inputs is None else [slot_of[x] for x in inputs]  # in argument order
        self.leaves: tuple[Value, ...] = tuple(order[i] for i in self.leaf_slots)
        self._leaf_position = {leaf: k for k, leaf in enumerate(self.leaves)}
        self.guards = tuple(
            (slot_of[g.node], g.symbol, slot_of[g.other] if isinstance(g.other, Value) else constant(g.other),
             g.result, g.site)
            for g in guards
        )
        self.calls = len({self.group_of(i) for i in range(n) if ops[i] is not None})
        self._plans: dict[str, object] = {}
        self._run: tuple | None = None  # (plan, its state of the last forward, batch size or None)
        self._wrt: tuple | None = None  # the last wrt given to backward and its checked positions
        self._read: tuple | None = None  # the last tuple of nodes given to values_of and their slots

    def group_of(self, i: int) -> tuple:
        """The numpy call node i belongs to: its level, op and argument count (and whether it needs an adjoint)."""
        return self.levels[i], self.ops[i], len(self.args[i]), i < self.graph_size

    # --- replay ---
    def index(self, leaf: Value) -> int:
        """The position of a leaf in ``tape.leaves`` (a ValueError for a Value that is not one)."""
        try:
            return self._leaf_position[leaf]
        except (KeyError, TypeError):
            raise ValueError(f"tape.index: {leaf!r:.80} is not a leaf of this tape") from None

    def forward(self, values=None, *, path: str = "auto"):
        """The root's value for new leaf values (a float, or an array over the batch).

        ``values`` lines up with ``tape.leaves``: each a float or a 1-D array of one common batch
        length, or one float64 array of shape (leaves,) or (leaves, batch); a dict ``{leaf: value}``
        gives some (the others keep their ``.data``); None: all ``.data``. ``path`` is "numpy",
        "python" or "auto" (the faster for this graph and batch).
        """
        self._run = None
        leaf_values, batch = self._leaf_values(values)
        plan = self._plan(path, batch)
        state = plan.forward(leaf_values, batch)
        plan.check_guards(state, batch)
        self._run = (plan, state, batch)
        return plan.value(state, self.root_slot)

    def backward(self, wrt: Sequence[int] | None = None, *, array: bool = False):
        """d(root)/d(leaf) for every leaf, lined up with ``tape.leaves`` (floats, or arrays over the batch).

        ``wrt``: positions in ``tape.leaves`` (as ``jax.grad``'s argnums) whose gradients are
        wanted, returned in its order; the numpy replay then skips the adjoints only other leaves need.
        ``array``: the gradients as one float64 numpy array instead (shape (leaves,) or (leaves, batch)).
        """
        if self._run is None:
            raise RuntimeError("tape.backward: call tape.forward(values) first (the last forward failed or never ran)")
        if not isinstance(array, bool):
            raise TypeError(f"tape.backward: array must be True or False, got {array!r}")
        plan, state, batch = self._run
        return plan.backward(state, self.root_slot, batch, self._wanted(wrt), array)

    def values_of(self, nodes: Sequence[Value]) -> list:
        """The values the last forward gave the recorded nodes ``nodes`` (floats, or arrays over the batch)."""
        if self._run is None:
            raise RuntimeError("tape.values_of: call tape.forward(values) first (the last forward failed or never ran)")
        if nodes.__class__ is tuple and self._read is not None and self._read[0] is nodes:  # the same tuple again
            slots = self._read[1]
        else:
            try:
                slots = tuple(self._slot_of[node] for node in nodes)
            except (KeyError, TypeError):
                raise ValueError("tape.values_of: nodes must be Values recorded in this tape "
                                 "(compile_graph's `also` keeps nodes the root does not need)") from None
            self._read = (nodes, slots)
        plan, state, _batch = self._run
        return plan.values(state, slots)

    def value_and_grad(self, values=None, *, wrt: Sequence[int] | None = None, path: str = "auto",
                       array: bool = False) -> tuple:
        """``(forward(values), backward(wrt, array=array))`` in one call."""
        return self.forward(values, path=path), self.backward(wrt, array=array)

    def _wanted(self, wrt) -> tuple[int, ...] | None:
        """wrt as a tuple of leaf positions, each checked (None: every leaf)."""
        if wrt is None:
            return None
        if wrt.__class__ is tuple and self._wrt is not None and self._wrt[0] is wrt:  # the same tuple as last time
            return self._wrt[1]
        if (isinstance(wrt, (str, bytes, Set, Mapping))
                or not isinstance(wrt, Sequence) and not hasattr(wrt, "__len__")):
            raise TypeError(f"tape.backward: wrt must be a sequence of leaf positions (the gradients come in its "
                            f"order: a set has none), got {type(wrt).__name__} {wrt!r:.60}")
        wanted = []
        for k in wrt:
            if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 0 <= k < len(self.leaves):
                raise ValueError(f"tape.backward: wrt holds {k!r}, not a position in tape.leaves "
                                 f"(0 to {len(self.leaves) - 1})")
            wanted.append(int(k))
        self._wrt = (wrt, tuple(wanted))
        return self._wrt[1]

    def _plan(self, path: str, batch: int | None):
        if path not in _PATHS:
            raise ValueError(f"tape.forward: path must be one of {', '.join(map(repr, _PATHS))}, got {path!r}")
        if path == "auto":
            wide = (len(self.nodes) - len(self.leaves)) >= _NODES_PER_CALL_FOR_NUMPY * self.calls
            path = "numpy" if batch is not None or wide else "python"
        if path == "python" and batch is not None:
            raise ValueError(f"tape.forward: the python path replays one sample; got a batch of {batch} (use 'numpy')")
        plan = self._plans.get(path)
        if plan is None:
            if path == "numpy":
                from .tape_numpy import NumpyPlan as make
            else:
                from .tape_python import PythonPlan as make
            plan = self._plans[path] = make(self)
        return plan

    def _leaf_values(self, values) -> tuple[list, int | None]:
        """The leaves' values (floats and 1-D arrays, or one float array: (leaves,) or (leaves, batch)) and the
        batch length (None: no array)."""
        if values is None:
            given = [leaf.data for leaf in self.leaves]
        elif isinstance(values, Mapping):
            given = [leaf.data for leaf in self.leaves]
            for leaf, v in values.items():
                given[self.index(leaf)] = v
        elif isinstance(values, (str, bytes)) or not isinstance(values, Sequence) and not hasattr(values, "__len__"):
            raise TypeError(f"tape.forward: values must be a sequence lined up with tape.leaves or a dict, "
                            f"got {type(values).__name__}")
        elif getattr(values, "ndim", None) in (1, 2) and getattr(values, "dtype", None) == "float64":
            # one float per leaf (nn's compiled step), or one row per leaf over a batch (nn's replays):
            # already numbers, no element to check
            if len(values) != len(self.leaves):
                raise ValueError(f"tape.forward: got {len(values)} values for {len(self.leaves)} leaves")
            return values, None if values.ndim == 1 else values.shape[1]
        else:
            given = list(values)
            if len(given) != len(self.leaves):
                raise ValueError(f"tape.forward: got {len(given)} values for {len(self.leaves)} leaves")
        batch = None
        out = []
        for k, v in enumerate(given):
            if v.__class__ is float:
                out.append(v)
                continue
            if getattr(v, "ndim", None) == 0 and hasattr(v, "item"):
                v = v.item()  # a numpy scalar or 0-d array: the Python number it holds (np.True_: True)
            if not hasattr(v, "ndim"):
                if isinstance(v, numbers.Number):  # the engine's rule: a bool or a complex is refused, named
                    out.append(as_number(v, f"tape.forward: leaf {self._leaf_name(k)}"))
                    continue
                raise TypeError(f"tape.forward: leaf {self._leaf_name(k)} must be a float or a 1-D numpy array, "
                                f"got {type(v).__name__} {v!r:.60}")
            if v.ndim != 1:
                raise ValueError(f"tape.forward: leaf {self._leaf_name(k)} must be 1-D, got shape {v.shape}")
            kind = getattr(getattr(v, "dtype", None), "kind", None)
            if kind not in _REAL_KINDS:
                raise TypeError(_not_real(f"tape.forward: leaf {self._leaf_name(k)}", v))
            if batch is not None and len(v) != batch:
                raise ValueError(f"tape.forward: leaf {self._leaf_name(k)} has batch length {len(v)}, "
                                 f"others {batch}")
            batch = len(v)
            out.append(v)
        return out, batch

    def _leaf_name(self, k: int) -> str:
        label = self.leaves[k].label
        return f"{k} ({label!r})" if label is not None else str(k)

    # --- the Wengert list ---
    def __str__(self) -> str:
        from .tape_text import wengert_list

        return wengert_list(self)

    def __repr__(self) -> str:
        from .tape_text import counted

        return (f"<Tape: {counted(len(self.nodes) - len(self.leaves), 'op')} over "
                f"{counted(len(self.leaves), 'leaf', 'leaves')}, {counted(self.calls, 'numpy call')} per replay, "
                f"{counted(len(self.guards), 'guard')}>")

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


def _merged_levels(ops: list, args: list, levels: list[int], graph_size: int) -> list[int]:
    """Levels that put more nodes of one op in one numpy call: each node as late as its children allow,
    if a call of its op and argument count runs there already (else at its own level).

    A node's first level is the longest path from a leaf; two branches of unequal depth (a loss
    written one way for positive logits, another for negative ones) then give calls of a few
    nodes at neighbouring levels. Walking from the root down, a node may move up to just below its
    earliest child, and only into a call that exists (the number of calls never grows).
    """
    n = len(ops)
    # Plain ints throughout (an op's code, code * stride + level): ints are not tracked by the
    # cycle collector, which would otherwise walk the whole graph again and again on a large tape.
    codes: dict[tuple, int] = {}
    key_of = [-1 if ops[i] is None else codes.setdefault((ops[i], len(args[i]), i < graph_size), len(codes))
              for i in range(n)]
    stride = max(levels, default=0) + 2
    count: dict[int, int] = {}  # code * stride + level -> nodes there
    for i, key in enumerate(key_of):
        if key >= 0:
            cell = key * stride + levels[i]
            count[cell] = count.get(cell, 0) + 1
    where: list[list[int]] = [[] for _ in codes]  # per code: the levels that have a call of it, sorted
    for cell in sorted(count, key=lambda cell: cell % stride):
        where[cell // stride].append(cell % stride)
    levels = list(levels)
    latest = [stride] * n  # the level just below the node's earliest child (stride: no child)
    for i in range(n - 1, -1, -1):
        key = key_of[i]
        if key < 0:
            continue
        level, limit = levels[i], latest[i]
        if level < limit < stride:
            sorted_levels = where[key]
            best = sorted_levels[bisect.bisect_right(sorted_levels, limit) - 1]
            if best > level:  # the latest call of this op that the node can join
                count[key * stride + level] -= 1
                if not count[key * stride + level]:
                    del sorted_levels[bisect.bisect_left(sorted_levels, level)]
                count[key * stride + best] += 1
                levels[i] = level = best
        for j in args[i]:
            if j < n and latest[j] > level - 1:
                latest[j] = level - 1
    return levels


def compile_graph(root: Value, guards: Sequence[Guard] = (), also: Sequence[Value] = (), *,
                  inputs: Sequence[Value] | None = None, elsewhere: Sequence[Guard] = ()) -> Tape:
    """The tape of root's graph; each guard's nodes (and their graphs) are replayed too, to re-check it,
    and the nodes ``also``, to be read with ``tape.values_of``. ``inputs``: the tape's leaves, in
    that order (compile(f, *inputs)), every other leaf a constant; None: every leaf, as they come.
    ``elsewhere``: comparisons other threads made during the recording; those on a node of the graph
    are guards too."""
    if not isinstance(root, Value):
        raise TypeError(f"compile: root must be a Value (or a function and example inputs), "
                        f"got {type(root).__name__} {root!r:.80}")
    extra = [g.node for g in guards] + [g.other for g in guards if isinstance(g.other, Value)]
    if isinstance(also, Value) or not isinstance(also, (Sequence, set, frozenset)):
        raise TypeError(f"compile: `also` must be a sequence of Values, got {type(also).__name__} {also!r:.80}")
    for node in also:
        if not isinstance(node, Value):
            raise TypeError(f"compile: `also` must hold Values, got {type(node).__name__} {node!r:.80}")
        extra.append(node)
    order = topological_order(root, *extra, *(inputs or ()))
    if elsewhere:
        recorded = set(order)
        found = [g for g in elsewhere if g.node in recorded or isinstance(g.other, Value) and g.other in recorded]
        if found:
            guards = (*guards, *found)
            extra += [g.node for g in found] + [g.other for g in found if isinstance(g.other, Value)]
            order = topological_order(root, *extra, *(inputs or ()))
    return Tape(root, order, guards, inputs)


def compile(root: Value | Callable, *example_inputs) -> Tape:  # noqa: A001 - autograd.compile, as jax.jit
    """A tape of a recorded graph: ``compile(root)``, or ``compile(f, *example_inputs)`` recording f with guards.

    ``compile(root)`` inside an ``autograd.record()`` scope takes that scope's comparisons as
    guards; outside one it sees none. ``compile(f, *inputs)`` calls ``f`` on leaf Values made
    from the inputs (leaf Values are used as given) inside a scope of its own; ``tape.inputs``
    holds them and they are ``tape.leaves``, in argument order as ``jax.jit`` takes them (one
    that f does not use too, its gradient 0); every other leaf of the graph is a constant.
    """
    if callable(root) and not isinstance(root, Value):
        inputs = tuple(_input(x, k) for k, x in enumerate(example_inputs))
        for k, x in enumerate(inputs):
            if x in inputs[:k]:
                raise ValueError(f"compile: example inputs {inputs.index(x)} and {k} are the same Value "
                                 f"{x!r:.60}; each argument is its own input (pass another Value, or a number)")
        with record() as scope:
            out = root(*inputs)
        if not isinstance(out, Value):
            raise TypeError(f"compile: {getattr(root, '__name__', 'f')} must return a Value, "
                            f"got {type(out).__name__} {out!r:.80}")
        tape = scope.compile(out, inputs=inputs)
        tape.inputs = inputs
        return tape
    if example_inputs:
        raise TypeError("compile: example inputs are given only with a function, not with a root Value")
    from .tape_guards import LOG

    return compile_graph(root) if LOG.scope is None else LOG.scope.compile(root)


def _not_real(what: str, a) -> str:
    """The message for an array whose elements are not real numbers, as as_number words it for one."""
    dtype = getattr(a, "dtype", type(a).__name__)
    if getattr(dtype, "kind", None) == "b":  # as the engine refuses a bool (a comparison's result, by mistake)
        return f"{what}: got an array of bools {a!r:.60}; pass it .astype(float) if you mean 1.0 and 0.0"
    return f"{what}: expected real numbers, got an array of {dtype} {a!r:.60}"


def _input(x, k: int) -> Value:
    """Example input k of compile(f, ...) as a leaf: a leaf Value as it is, a number as a new one."""
    if not isinstance(x, Value):
        return Value(as_number(x, f"compile: example input {k}"))
    if x._op is not None:
        raise ValueError(f"compile: example input {k} is a Value with a graph (made by {x._op.name!r}); "
                         f"a tape's input is a leaf: pass x.detach() or a number")
    return x


__all__ = ["GuardError", "Tape", "compile", "compile_graph", "record"]
