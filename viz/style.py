"""How graph drawings look: colours per kind of node, gradient colouring, op labels, title and legend."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from autograd import Op, Value

from .fmt import escape_html, format_number

FONT = "Helvetica"

# kind -> (fill, border, legend text)
KINDS = {
    "parameter": ("#dbeafe", "#2563eb", "parameter (w, b)"),
    "input": ("#f1f5f9", "#64748b", "input / constant"),
    "computed": ("#fef3c7", "#d97706", "computed"),
    "output": ("#fde68a", "#b45309", "output"),
    "neuron": ("#ede9fe", "#7c3aed", "neuron (collapsed)"),
}
OP_FILL, OP_BORDER = "#ffffff", "#9ca3af"
EDGE, EDGE_THIN = "#6b7280", "#94a3b8"
CLUSTER_NEURON, CLUSTER_LAYER = "#a78bfa", "#cbd5e1"
HIGHLIGHT, HIGHLIGHT_FILL = "#dc2626", "#fecaca"  # the node whose chain rule is being applied
RECEIVER, RECEIVER_FILL = "#ea580c", "#ffedd5"  # the parents receiving a contribution
# The number on each input's edge of an op whose input order matters (1 for p, 2 for q in p - q), at its head.
OPERAND_LABEL = f'labelfontname="{FONT}" labelfontsize=9 labelfontcolor="#374151" labeldistance=1.5 labelangle=0'
POSITIVE, NEGATIVE = (239, 68, 68), (59, 130, 246)  # gradient colouring: red > 0, blue < 0


def grad_fill(grad: float, largest: float) -> str:
    """A fill colour for a gradient: white at 0, deeper red (> 0) or blue (< 0) up to ``largest``."""
    if not largest or grad != grad:
        return "#ffffff"
    # Square root so small gradients still show; at most 80% of the colour so the text stays readable.
    strength = 0.8 * min(abs(grad) / largest, 1.0) ** 0.5
    target = POSITIVE if grad > 0 else NEGATIVE
    channels = (round(255 + (c - 255) * strength) for c in target)
    return "#" + "".join(f"{c:02x}" for c in channels)


def formula(node: Value, name_of: Callable[[Value], str], most: int = 6) -> str:
    """How a node was computed, read from its op and arguments: 'x * y', '2 ** x', 'leaky_relu(z, 0.2)'.

    Parents are shown by ``name_of``, constants as numbers; an op with a symbol is written as an
    operator (infix for two arguments, prefix for one), any other op as a call.
    """
    op = node.primitive
    if op is None:
        return name_of(node)
    shown = [name_of(a) if isinstance(a, Value) else format_number(a) for a in node.arguments]
    if op.symbol is not None:
        return f"{op.symbol}{shown[0]}" if len(shown) == 1 else f" {op.symbol} ".join(shown)
    if len(shown) > most:
        shown = [f"{len(shown)} inputs"]
    return f"{op.name}({', '.join(shown)})"


def op_text(node: Value) -> str:
    """How an op node reads in a drawing: its formula without the parents ('+', '** 2', '2.5 -', 'leaky_relu(0.2)')."""
    op = node.primitive
    if op is None:
        return ""
    if op.symbol is not None:
        return formula(node, lambda parent: "").strip()
    constants = [format_number(c) for c in node.constants]
    return f"{op.name}({', '.join(constants)})" if constants else op.name


def operand_order(node: Value) -> bool:
    """Whether a drawing must show which input of ``node`` is its first: two or more different parent Values
    of an op whose output changes when its inputs swap (``p - q``, ``p / q``, ``p ** q``; not ``p + q``)."""
    op = node.primitive
    return op is not None and len(set(node.parents)) >= 2 and not _commutative(op)


@functools.cache
def _commutative(op: Op) -> bool:
    """Read from the op's own forward rule: its output at points inside every input's domain, and with them swapped."""
    if op.arity is None:
        return True  # sum, dot: their inputs are drawn unnumbered (dot's w and x are named by their labels)
    low = max(lo for lo, _ in op.domain[: op.arity])
    high = min(hi for _, hi in op.domain[: op.arity])
    if not low < high:
        return False
    params = op.samples[0] if op.samples else ()
    points = [low + (high - low) * t for t in (0.31, 0.47, 0.73)][: op.arity]
    for i in range(op.arity - 1):  # every adjacent swap: with all of them, every order gives the same output
        swapped = list(points)
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        if not math.isclose(op.forward(*points, *params), op.forward(*swapped, *params), rel_tol=1e-12):
            return False
    return True


def header(title: str | None, kinds: list[str], grad_scale: float | None, caption: str | None) -> str:
    """The graph label: title, then a legend of the node kinds drawn (and of the gradient colours)."""
    rows = []
    if title:
        rows.append(f'<tr><td><font point-size="15"><b>{escape_html(title)}</b></font></td></tr>')
    if caption:
        for line in caption.splitlines():
            rows.append(f'<tr><td><font point-size="11">{escape_html(line)}</font></td></tr>')
    cells = []
    for kind in kinds:
        fill, border, text = KINDS[kind]
        if grad_scale is not None:
            fill = "#ffffff"
        cells.append(f'<td bgcolor="{fill}" color="{border}" border="1" cellpadding="3">{escape_html(text)}</td>')
    if grad_scale is not None:
        big = format_number(grad_scale)
        cells.append(f'<td bgcolor="{grad_fill(-1.0, 1.0)}" border="1" cellpadding="3">grad -{big}</td>')
        cells.append('<td bgcolor="#ffffff" border="1" cellpadding="3">grad 0</td>')
        cells.append(f'<td bgcolor="{grad_fill(1.0, 1.0)}" border="1" cellpadding="3">grad +{big}</td>')
    if cells:
        legend = '<table border="0" cellspacing="4">' f"<tr>{''.join(cells)}</tr></table>"
        rows.append(f'<tr><td><font point-size="10">{legend}</font></td></tr>')
    return '<<table border="0" cellspacing="1">' + "".join(rows) + "</table>>"
