"""How graph drawings look: colours per kind of node, gradient colouring, op labels, title and legend."""

from __future__ import annotations

from autograd import Value, get_op

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


def op_text(node: Value) -> str:
    """How an op node reads: its symbol, with the node's constants put in ('** 2', '2.5 -', 'leaky_relu(0.2)')."""
    try:
        op = get_op(node.op)
        symbol = op.symbol or op.name
    except KeyError:
        return node.op
    params = {name: format_number(value) for name, value in node.params.items()}
    if not params:
        return symbol
    if node.op == "add_const" and node.params["c"] < 0:
        return "- " + format_number(-node.params["c"])  # x - 1 is stored as x + (-1); show what was written
    words = symbol.split()
    if any(word in params for word in words):
        return " ".join(params.get(word, word) for word in words)
    if op.symbol:
        return f"{symbol} {' '.join(params.values())}"
    return f"{op.name}({', '.join(params.values())})"


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
