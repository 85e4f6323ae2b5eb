"""Text for drawings: numbers to 4 significant digits, and escaping for DOT record and HTML labels."""

from __future__ import annotations

import html
import math

from autograd import Value

_RECORD_SPECIAL = set('{}|<>"\\')


def format_number(x: float | Value, digits: int = 4) -> str:
    """``x`` (a number or a Value) to ``digits`` significant digits, scientific only when very large or small."""
    x = float(getattr(x, "data", x))
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"  # also for -0.0, which would only puzzle a learner
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def grad_of(node: Value) -> float:
    """The node's gradient as a float (after ``backward(create_graph=True)`` it is itself a Value)."""
    return float(getattr(node.grad, "data", node.grad))


def escape_record(text: str) -> str:
    """``text`` safe inside one field of a DOT record label."""
    escaped = "".join("\\" + ch if ch in _RECORD_SPECIAL else ch for ch in text)
    return escaped.replace("\n", "\\n")


def escape_html(text: str) -> str:
    """``text`` safe inside a DOT HTML-like label."""
    return html.escape(text, quote=True)


def quote(text: str) -> str:
    """``text`` as a double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
