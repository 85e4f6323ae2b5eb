"""viz.fmt: numbers to 4 significant digits and escaping for DOT labels."""

import math

import pytest

from autograd import Value
from viz.fmt import escape_html, escape_record, format_number, grad_of, quote


@pytest.mark.parametrize(
    "x, text",
    [
        (2.0, "2"), (-3.0, "-3"), (0.0, "0"), (-0.0, "0"), (0.7615941559557649, "0.7616"), (1234.5, "1234"),
        (12345.678, "1.235e4"), (-0.000012345, "-1.234e-5"), (1e300, "1e300"), (0.5, "0.5"),
        (math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf"), (6.881373587, "6.881"),
    ],
)
def test_format_number(x, text):
    assert format_number(x) == text


def test_format_number_reads_a_value_and_other_digit_counts():
    assert format_number(Value(3.14159)) == "3.142"
    assert format_number(3.14159, digits=2) == "3.1"


def test_grad_of_reads_a_gradient_that_is_itself_a_value():
    x = Value(3.0)
    y = x * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and grad_of(x) == 6.0


def test_escape_record_protects_the_record_syntax():
    assert escape_record("a{b}|c<d>") == "a\\{b\\}\\|c\\<d\\>"
    assert escape_record('say "hi"') == 'say \\"hi\\"'
    assert escape_record("two\nlines") == "two\\nlines"


def test_escape_html_and_quote():
    assert escape_html("a<b & c>") == "a&lt;b &amp; c&gt;"
    assert quote('x "y"') == '"x \\"y\\""'
