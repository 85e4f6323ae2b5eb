"""A tape as text: its Wengert list (forward lines, then adjoint lines as textbooks write them) and its guard errors."""

from __future__ import annotations

import re

from .tape_guards import GuardError
from .value import argument_names

_SHOWN = 40  # lines kept at each end of a long section
_ATOM = re.compile(r"-?[\w.\[\],]+")  # a name or a number: no parentheses needed around it


def counted(n: int, one: str, many: str | None = None) -> str:
    """'1 op', '2 ops', '1 leaf', '3 leaves': a count and its noun, singular or plural."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def node_name(tape, i: int) -> str:
    """Node i's name: its label when no other node of the tape has the same one, else t<i>."""
    names = tape.__dict__.get("_names")
    if names is None:
        labels = [node.label for node in tape.nodes]
        counts: dict = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        names = [label if label is not None and counts[label] == 1 else f"t{k}" for k, label in enumerate(labels)]
        tape._names = names
    return names[i]


def _argument(tape, j: int) -> str:
    """An argument slot as text: a node's name, or the constant itself."""
    n = len(tape.nodes)
    return node_name(tape, j) if j < n else repr(tape.constants[j - n])


def _forward_line(tape, i: int) -> str:
    op, slots = tape.ops[i], tape.args[i]
    names = [_argument(tape, j) for j in slots]
    if op.symbol is not None and len(names) == 2:
        right = op.symbol
        text = f"{names[0]} {right} {names[1]}"
    elif op.symbol is not None and len(names) == 1:
        text = f"{op.symbol}{names[0]}"
    else:
        inputs = len(names) if op.arity is None else op.arity
        params = argument_names(op, len(names))[inputs:]
        text = f"{op.name}({', '.join(names[:inputs] + [f'{p}={v}' for p, v in zip(params, names[inputs:])])})"
    return f"{node_name(tape, i)} = {text}"


def _adjoint_lines(tape, i: int) -> list[str]:
    op, slots = tape.ops[i], tape.args[i]
    n = len(tape.nodes)
    out, names = node_name(tape, i), [_argument(tape, j) for j in slots]
    inputs = len(names) if op.arity is None else op.arity
    if op.partials_text is not None:
        formulas = op.partials_text(out, *names)
    else:
        formulas = [f"d_{op.name}/d_{name}" for name in names[:inputs]]
    lines = []
    for j, name, formula in zip(slots[:inputs], names, formulas):
        if j >= n:  # a constant input has no adjoint
            continue
        if formula == "1":
            lines.append(f"d{name} += d{out}")
        elif formula == "-1":
            lines.append(f"d{name} -= d{out}")
        else:
            lines.append(f"d{name} += d{out} * {formula if _ATOM.fullmatch(formula) else f'({formula})'}")
    return lines


def _shortened(lines: list[str]) -> list[str]:
    if len(lines) <= 2 * _SHOWN + 1:
        return lines
    return [*lines[:_SHOWN], f"... {len(lines) - 2 * _SHOWN} more", *lines[-_SHOWN:]]


def wengert_list(tape) -> str:
    """The tape as the textbook's two passes: each node's value from its arguments, then each adjoint from its uses."""
    inner = [i for i in range(len(tape.nodes)) if tape.ops[i] is not None]
    leaves = ", ".join(node_name(tape, i) for i in tape.leaf_slots)
    forward = [_forward_line(tape, i) for i in inner]
    root = _argument(tape, tape.root_slot)  # (a constant when compile(f, ...)'s f returns one)
    backward = [f"d{root} = 1"]
    for i in reversed(inner):
        if i < tape.graph_size:
            backward.extend(_adjoint_lines(tape, i))
    sizes = f"{counted(len(inner), 'op')} over {counted(len(tape.leaves), 'leaf', 'leaves')}"
    text = [f"# tape: {sizes}: {_shortened([leaves])[0]:.300}",
            "# forward", *_shortened(forward), "# backward (reverse mode: adjoints d<name> = d" + root + "/d<name>)",
            *_shortened(backward)]
    if tape.guards:
        text += ["# guards (checked on every replay)",
                 *_shortened([f"{_guard_text(tape, k)} was {g[3]} at {g[4]}" for k, g in enumerate(tape.guards)])]
    return "\n".join(text)


def _guard_text(tape, k: int) -> str:
    lhs, symbol, rhs, result, site = tape.guards[k]
    return f"{_argument(tape, lhs)} {symbol} {_argument(tape, rhs)}"


def guard_error(tape, k: int, left: float, right: float, sample: int | None) -> GuardError:
    """The error for guard k flipped by a replay: the comparison, where it was made, and the values now."""
    lhs, symbol, rhs, result, site = tape.guards[k]
    where = "" if sample is None else f" in sample {sample}"
    now = f"{_argument(tape, lhs)} = {left!r}"
    if rhs < len(tape.nodes):
        now += f", {node_name(tape, rhs)} = {right!r}"
    return GuardError(f"{_guard_text(tape, k)} was {result} when recorded (at {site}), but the replay's inputs make "
                      f"it {not result}{where} ({now}); the recorded branch does not hold for them: record again")
