"""The numpy plan's replay of one sample written out as straight-line Python, one statement per numpy operation.

For one sample most of a replay's time is fixed cost, not arithmetic: a matrix product of a
layer over ten samples is a microsecond, and the plan's loop around it (the dispatch on each
call's kind, the method calls adding each block of adjoints) costs as much again. So, for a
plan of at most ``MAX_CALLS`` calls, the loop is unrolled once into source text, the same numpy
operations in the same order with each call's slots, forms and blocks bound as constants,
and compiled with ``exec``: ``forward`` and ``backward`` give the numbers the plan's loop
gives, exactly (a local adjoint below may be -0.0 where the loop's sum is 0.0). What the text
does not spell out it hands to the plan's own objects and helpers (a block that sums over a
repeat, a form's per-element fallback: a numpy form that raises is redone by the op's float
rule, element by element, which names the failing node). Made at a plan's first one-sample
replay, it costs about 10 µs per line of source to compile (a 13-call step: about 3 ms,
forward and backward); ``ForwardSource.text`` and ``BackwardSource.text`` hold it, for reading.
"""

from __future__ import annotations

import numpy as np

from .tape_numpy_adjoints import rows_of
from .tape_numpy_forms import each_forward, each_partials, forward_of, partials_of

MAX_CALLS = 400  # a longer plan stays in the loop: its source would cost more to compile than it saves


def _slots(value) -> str | None:
    """How the text writes a reader of slots that is a slice ("3:11"); None for an index array."""
    return f"{value.start}:{value.stop}" if value.__class__ is slice else None


class _Text:
    """Lines of source and the constants they name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.env: dict = {"np": np, "ndarray": np.ndarray}

    def bind(self, name: str, value) -> str:
        self.env[name] = value
        return name

    def at(self, name: str, value) -> str:
        """``value`` (a slice or an index array) as the text of a subscript."""
        literal = _slots(value)
        return literal if literal is not None else self.bind(name, value)

    def add_onto(self, indent: str, target, c: str, name: str) -> None:
        """adj[target] += c, in a slice's view itself when target is a slice (as ``_add_onto``)."""
        if target.__class__ is slice:
            self.lines.append(f"{indent}v = adj[{target.start}:{target.stop}]; v += {c}")
        else:
            self.lines.append(f"{indent}adj[{self.bind(name, target)}] += {c}")

    def call(self, call, name: str, form_name: str, a: str, args: str, out: str) -> None:
        """vals[out] = the call's numpy forward on ``a`` (its text: the list or array of arguments; ``args``,
        how the form takes them), as ``forward_of`` does it: the float rule element by element where the
        op has no numpy forward or its form raises, which names the failing node."""
        form = call.op.numpy_forward
        bound = self.bind(name, call)
        if form is None:
            self.lines.append(f"    vals[{out}] = forward_of(tape, {bound}, {a}, None)")
            return
        self.lines += ["    try:",
                       f"        r = {self.bind(form_name, form)}({args})",
                       "    except (ArithmeticError, ValueError):",
                       f"        r = each_forward(tape, {bound}, {a}, None)",
                       f"    vals[{out}] = r"]

    def partials(self, call, name: str, form_name: str, target: str, out: str, a: str) -> None:
        """target = the call's numpy partials at ``out`` and its arguments ``a`` (their texts), as
        ``partials_of`` gives them: the float rule element by element where the op has no numpy
        partials or they are not one derivative per input."""
        form = call.op.numpy_partials
        bound = self.bind(name, call)
        if form is None:
            self.lines.append(f"    {target} = partials_of(tape, {bound}, {out}, {a})")
            return
        self.lines += [f"    d = {self.bind(form_name, form)}({out}, *{a})",
                       f"    if d.__class__ is not tuple and d.__class__ is not list or len(d) != {call.inputs}:",
                       f"        d = each_partials(tape, {bound}, {out}, {a})"]
        if target != "d":
            self.lines.append(f"    {target} = d")

    def compile(self, header: str, name: str):
        """The text and its function, which runs with numpy's floating-point warnings off (inf and nan
        propagate silently, as in the plan's loop; errstate as a decorator costs half its with-block)."""
        text = "\n".join([header, *self.lines])
        exec(compile(text, f"<tape {name}>", "exec"), self.env)  # noqa: S102 (our own text, from the plan)
        return text, np.errstate(all="ignore")(self.env[name])


class ForwardSource:
    """``NumpyPlan.forward(leaf_values, None)`` as one function: ``run(leaf_values) -> (vals, gathered)``."""

    def __init__(self, plan) -> None:
        t = _Text()
        t.bind("forward_of", forward_of)
        t.bind("each_forward", each_forward)
        t.bind("tape", plan.tape)
        c = len(plan.constants)
        t.lines += [f"    vals = np.empty({plan.size})", f"    vals[:{c}] = {t.bind('CONSTANTS', plan.constants)}",
                    f"    vals[{plan.leaf_rows.start}:{plan.leaf_rows.stop}] = leaf_values"]
        gathered = []
        for k, call in enumerate(plan.calls):
            if call.fused:  # done by its product call
                gathered.append("None")
                continue
            out = f"{call.start}:{call.stop}"
            if call.product is not None:
                p = call.product
                t.lines.append(f"    lv = vals[{t.bind(f'L{k}', p.left)}]; qv = vals[{t.bind(f'Q{k}', p.right)}]")
                t.lines.append("    o = lv.T @ qv; z = o.ravel()")
                t.lines.append(f"    vals[{out}] = z")
                if p.bias is not None:
                    t.lines.append(f"    z = (o + vals[{t.at(f'B{k}', p.bias_at)}]).ravel()")
                    t.lines.append(f"    vals[{p.biased.start}:{p.biased.stop}] = z")
                if p.act is not None:
                    t.call(p.act, f"ACT{k}", f"A{k}", "[z]", "z", f"{p.act.start}:{p.act.stop}")
                t.lines.append(f"    g{k} = {'(lv, qv)' if p.act is None else '(lv, qv, z)'}")
                gathered.append(f"g{k}")
                continue
            if call.stacked:
                t.lines.append(f"    a{k} = vals[{t.bind(f'I{k}', call.index)}]")
                args = f"a{k}"
            else:
                rows = [f"vals[{t.at(f'R{k}_{j}', r)}]" for j, r in enumerate(call.rows)]
                t.lines.append(f"    a{k} = [{', '.join(rows)}]")
                args = f"*a{k}"
            t.call(call, f"C{k}", f"F{k}", f"a{k}", args, out)
            gathered.append(f"a{k}")
        t.lines.append(f"    return vals, [{', '.join(gathered)}]")
        self.text, self.run = t.compile("def forward(leaf_values):", "forward")


class BackwardSource:
    """``NumpyPlan.backward``'s loop over one program (one sample) as one function: ``run(vals, gathered) -> adj``.

    A call's adjoints that only ever get whole contributions (every one of them covering exactly the
    call's outputs, in order: an elementwise chain, a loss) are kept in a local array instead of
    the adjoint array: the first contribution is the local, the others are added to it, and the
    call reads it as its upstream adjoints. Every other slot's adjoints are added into ``adj``, or
    stored there when the program adds onto them at one place only (a layer's weights, its biases).
    """

    def __init__(self, plan, program: list) -> None:
        t = _Text()
        t.bind("partials_of", partials_of)
        t.bind("each_partials", each_partials)
        t.bind("rows_of", rows_of)
        t.bind("tape", plan.tape)
        self.local = _locals(plan, program)  # the outputs' ranges (start, stop) whose adjoints are locals
        self.once = _once(plan, program)  # the slots whose adjoints get one contribution only
        self.made: set = set()  # those given a local so far
        # the tape's root is seeded (NumpyPlan.backward is only ever asked for the root's gradients)
        t.lines += [f"    adj = np.zeros({plan.size})", f"    adj[{plan.new[plan.tape.root_slot]}] = 1.0"]
        for k, call, blocks in program:
            if call.product is not None:
                self._product(t, k, call.product, blocks)
                continue
            out = f"{call.start}:{call.stop}"
            t.lines.append(f"    up = {self._upstream(call.out)}; out = vals[{out}]; a = gathered[{k}]")
            if call.partials_stacked:
                form = t.bind(f"P{k}", call.op.numpy_partials)
                t.lines.append(f"    local = {form}(out, {'a' if call.stacked else 'np.array(a)'})")
                for j, block in enumerate(blocks):
                    t.lines.append(f"    {t.bind(f'K{k}_{j}', block)}.add(adj, rows_of(local, {block.start}, "
                                   f"{block.stop}), up)")
                continue
            t.partials(call, f"C{k}", f"P{k}", "d", "out", "a")
            for i, input_blocks in enumerate(blocks):
                if not input_blocks:  # an input that needs no adjoint (a constant, ...)
                    continue
                t.lines.append(f"    d{i} = d[{i}]")
                t.lines.append(f"    if d{i}.__class__ is not float and d{i}.__class__ is not ndarray: "
                               f"d{i} = np.asarray(d{i})")
                for j, block in enumerate(input_blocks):
                    if block.direct is not None:  # one multiply and one add (as _Block.add)
                        self._add(t, block.direct, f"(up if d{i}.__class__ is float and d{i} == 1.0 else d{i} * up)",
                                  f"T{k}_{i}_{j}")
                    else:
                        t.lines.append(f"    {t.bind(f'K{k}_{i}_{j}', block)}.add(adj, d{i}, up)")
        t.lines.append("    return adj")
        self.text, self.run = t.compile("def backward(vals, gathered):", "backward")

    def _upstream(self, out: slice) -> str:
        """The text of a range's adjoints: its local (zeros if nothing reached it), else a view of adj."""
        key = (out.start, out.stop)
        if key not in self.local:
            return f"adj[{out.start}:{out.stop}]"
        return f"g{out.start}" if key in self.made else f"np.zeros({out.stop - out.start})"

    def _add(self, t: _Text, target, c: str, name: str) -> None:
        """Adds the contribution c onto target's adjoints: into its local, or into adj."""
        key = (target.start, target.stop) if target.__class__ is slice else None
        if key in self.local:
            t.lines.append(f"    g{key[0]} = {c}" if key not in self.made else f"    g{key[0]} = g{key[0]} + {c}")
            self.made.add(key)
        elif self.once[target].all():  # its only contribution: stored (adj holds 0 there)
            t.lines.append(f"    adj[{t.at(name, target)}] = {c}")
        else:
            t.add_onto("    ", target, c, name)

    def _product(self, t: _Text, k: int, p, blocks: list) -> None:
        """``_Product.backward``, its activation's partials and each part's adds spelled out."""
        if p.act is None:
            t.lines.append(f"    lv, qv = gathered[{k}][:2]")
            t.lines.append(f"    u = {self._upstream(p.out)}.reshape{p.shape}")
        else:
            t.lines.append(f"    lv, qv, z = gathered[{k}]")
            act = f"ACT{k}"
            t.lines.append(f"    out = vals[{p.act.start}:{p.act.stop}]; a = (z,)")
            t.partials(p.act, act, f"PA{k}", "(d,)", "out", "a")
            t.lines.append(f"    u = (d * {self._upstream(p.act.out)}).reshape{p.shape}")
        parts = ("(qv @ u.T).ravel()", "(lv @ u).ravel()", "np.add.reduce(u, axis=0).ravel()")
        for side, flat in blocks:
            if flat.unique:
                self._add(t, flat.target, parts[side], f"S{k}_{side}")
            else:
                t.lines.append(f"    {t.bind(f'S{k}_{side}', flat)}.add(adj, {parts[side]})")


def _contributions(program: list):
    """Every place the program adds onto adjoints: (target slots, a slice or an index array; whether the text
    adds one whole array there itself: a direct block, or a product's part on distinct slots)."""
    for _k, call, blocks in program:
        if call.product is not None:
            for _side, flat in blocks:
                yield flat.target, flat.unique
        elif call.partials_stacked:
            for block in blocks:
                yield block.flat.target, False
        else:
            for input_blocks in blocks:
                for block in input_blocks:
                    direct = block.direct is not None
                    yield (block.direct if direct else block.flat.target), direct


def _once(plan, program: list) -> np.ndarray:
    """Per slot, whether the program adds onto its adjoint at one place only (the root's is seeded: never):
    there the text stores the contribution instead of adding it to a zero."""
    count = np.zeros(plan.size, dtype=np.intp)
    count[plan.new[plan.tape.root_slot]] = 1
    for target, _inline in _contributions(program):
        count[target] += 1  # (distinct slots within each place)
    return count == 1


def _locals(plan, program: list) -> set:
    """The ranges of outputs (start, stop) read as upstream adjoints whose every contribution in ``program``
    covers the whole range, in order, as one array (a direct block, or a product's part on distinct slots)."""
    ranges = []  # what the program reads as upstream adjoints
    for _k, call, _blocks in program:
        p = call.product
        ranges.append(call.out if p is None else p.out if p.act is None else p.act.out)
    owner = np.full(plan.size, -1)
    for j, r in enumerate(ranges):
        owner[r] = j
    root = plan.new[plan.tape.root_slot]  # its adjoint is seeded in adj
    whole = {(r.start, r.stop) for r in ranges if not r.start <= root < r.stop}
    touched = set()  # ranges some contribution covers only in part, or through another path
    for target, inline in _contributions(program):
        if inline and target.__class__ is slice and (target.start, target.stop) in whole:
            continue
        touched.update(int(j) for j in np.unique(owner[target]) if j >= 0)
    return {(r.start, r.stop) for j, r in enumerate(ranges) if j not in touched} & whole
