"""viz.style: op labels with their constants, gradient colours and the legend."""

from autograd import Value, leaky_relu
from autograd import sum as vsum
from viz.style import KINDS, grad_fill, header, op_text, operand_order


def test_op_text_shows_symbols_and_constants():
    x, y = Value(2.0), Value(3.0)
    assert op_text(x + y) == "+" and op_text(x * y) == "*" and op_text(x ** y) == "**"
    assert op_text(x ** 2) == "** 2" and op_text(x + 2.5) == "+ 2.5" and op_text(x - 1) == "- 1"
    assert op_text(2.5 - x) == "2.5 -" and op_text(1 / x) == "1 /" and op_text(2 ** x) == "2 **"
    assert op_text(x * 3) == "* 3" and op_text(-x) == "-"
    assert op_text(x.tanh()) == "tanh" and op_text(leaky_relu(x, 0.2)) == "leaky_relu(0.2)"
    assert op_text(vsum([x, y, x])) == "sum"


def test_grad_fill_is_white_at_zero_and_deepens_with_magnitude():
    assert grad_fill(0.0, 5.0) == "#ffffff" and grad_fill(1.0, 0.0) == "#ffffff"
    red, blue = grad_fill(5.0, 5.0), grad_fill(-5.0, 5.0)
    # 80% of the way from white to red (239, 68, 68) and to blue (59, 130, 246)
    assert red == "#f26969" and blue == "#629bf8"
    pale = grad_fill(0.1, 5.0)
    assert int(pale[3:5], 16) > int(red[3:5], 16)


def test_header_holds_title_caption_and_legend():
    text = header("Title <1>", ["parameter", "computed"], None, "line one\nline two")
    assert text.startswith("<<table") and text.endswith("</table>>")
    assert "Title &lt;1&gt;" in text and "line one" in text and "line two" in text
    assert KINDS["parameter"][0] in text and KINDS["computed"][0] in text and KINDS["input"][0] not in text
    assert "grad +2" in header(None, [], 2.0, None)


def test_operand_order_matters_exactly_where_swapping_the_inputs_changes_the_result():
    p, q = Value(1.5, label="p"), Value(0.5, label="q")
    made = {"add": p + q, "sub": p - q, "mul": p * q, "div": p / q, "pow": p ** q, "max": p.max(q), "min": p.min(q)}
    assert {name: node.primitive.name for name, node in made.items()} == {name: name for name in made}
    # hand-derived: p - q, p / q and p ** q change when p and q swap; +, *, max and min do not
    assert {name for name, node in made.items() if operand_order(node)} == {"sub", "div", "pow"}
    # one Value input (the constant's side is in the op's text), the same input twice, an n-ary sum: unnumbered
    assert not any(operand_order(n) for n in (p - 2.0, 2.0 - p, p - p, p.exp(), vsum([p, q])))
