"""Formulas as text: the whitelist, variable binding and the errors a command line shows."""

import math
import warnings

import pytest
from oracle import close

from autograd import DomainError, Value, gradcheck
from viz.cli.formula import MAX_DEPTH, ExpressionError, parse


def test_variables_in_order_and_evaluation_with_backward():
    e = parse("tanh(w*x + b)")
    assert e.variables == ("w", "x", "b")
    w, x, b = e.bind({"x": "0.5", "w": "-1.2", "b": 0.3})
    assert (w.label, x.label, b.label) == ("w", "x", "b")
    out = e(w, x, b)
    out.backward()
    t = math.tanh(-1.2 * 0.5 + 0.3)
    assert close(out.data, t) and close(w.grad, (1 - t * t) * 0.5) and close(x.grad, (1 - t * t) * -1.2)


def test_constants_functions_and_folding():
    e = parse("2*3 + x - 2**x + pi * leaky_relu(-x, 0.5) + abs(-x) + e")
    (x,) = e.bind({"x": 1.0})
    assert close(e(x).data, 6 + 1 - 2 + math.pi * -0.5 + 1 + math.e)
    assert gradcheck(e, [x]).passed


@pytest.mark.parametrize("text, message", [
    ("tanh(", "syntax error"),
    ("foo(x)", "unknown function 'foo'"),
    ("x.exp() + 1", r"unknown function 'x.exp' .*; write it as exp\(x\)$"),  # a Value's method, as a call
    ("(x*2).clamp(0, 1)", r"; write it as clamp\(x\*2, 0, 1\)$"),
    ("x.foo()", r"unknown function 'x.foo' \(known: [^)]*\)$"),  # no hint for what is no function
    ("__import__('os').system('true')", "unknown function"),
    ("x.real", "Attribute is not allowed"),
    ("x if y else z", "IfExp is not allowed"),
    ("x < y", "Compare is not allowed"),
    ("x // 2", "FloorDiv is not allowed"),
    ("'a' * x", "'a' is not a number"),
    ("True + x", "True is not a number"),
    ("exp + 1", "'exp' is a function"),
    ("exp(x, y)", r"exp\(\) takes 1 argument"),
    ("exp(x=1)", "keyword arguments"),
    ("[x][0]", "not allowed"),
    ("(lambda: 1)()", "unknown function"),
])
def test_anything_outside_the_whitelist_is_refused_in_one_line(text, message):
    with pytest.raises(ExpressionError, match=message) as info:
        parse(text)
    assert "\n" not in str(info.value)


def test_binding_refuses_missing_extra_and_non_numbers():
    e = parse("x * y")
    with pytest.raises(ExpressionError, match="missing value for y"):
        e.bind({"x": 1})
    with pytest.raises(ExpressionError, match="value given for z, which the expression does not use"):
        e.bind({"x": 1, "y": 2, "z": 3})
    with pytest.raises(ExpressionError, match="x=abc is not a number"):
        e.bind({"x": "abc", "y": 2})
    with pytest.raises(ExpressionError, match="not a finite number"):
        e.bind({"x": "nan", "y": 2})


def test_domain_errors_of_constant_subexpressions_come_from_the_engine():
    with pytest.raises(DomainError, match="log: input must be > 0"):
        e = parse("log(0) + x")
        e(*e.bind({"x": 1}))
    with pytest.raises(DomainError, match="division by zero"):
        e = parse("x + 1 / 0")
        e(*e.bind({"x": 1}))


@pytest.mark.parametrize("text, value", [("1+2", 3.0), ("2", 2.0), ("pi*e", math.pi * math.e), ("-sin(0)", 0.0)])
def test_a_formula_without_variables_is_a_one_node_graph(text, value):
    e = parse(text)
    assert e.variables == ()
    out = e()
    assert isinstance(out, Value) and out.is_leaf() and close(out.data, value)
    out.backward()
    assert out.grad == 1.0


def _nested(kind: str, depth: int) -> str:
    """A formula exactly ``depth`` levels deep (the leaf x is one level)."""
    if kind == "sum":
        return "+".join(["x"] * depth)  # left-nested: n terms are n levels
    if kind == "power":
        return "**".join(["x"] * depth)  # right-nested
    if kind == "minus":
        return "-" * (depth - 1) + "x"
    return "sin(" * (depth - 1) + "x" + ")" * (depth - 1)


@pytest.mark.parametrize("kind", ["sum", "power", "minus", "call"])
def test_depth_is_bounded_before_any_stage_that_recurses(kind):
    e = parse(_nested(kind, MAX_DEPTH))  # the bound itself is allowed, and evaluates
    (x,) = e.bind({"x": 1.0})
    out = e(x)
    out.backward()
    assert math.isfinite(out.data) and math.isfinite(x.grad)
    for depth in (MAX_DEPTH + 1, 1000, 1200, 5000):
        with pytest.raises(ExpressionError, match="too deeply nested"):
            parse(_nested(kind, depth))


@pytest.mark.parametrize("text, message", [
    ("1" * 400 + " * x", r"the number 1111.*\(400 characters\) is not a finite float"),
    ("1e999 * x", "the number 1e999 is not a finite float"),
    ("sin(1e400) + x", "the number 1e400 is not a finite float"),
    ("1" * 5000 + " + x", r"a number in '1111.*\(5004 characters\)' has more digits than Python reads; it is not a "
                          "finite float"),
])
def test_numbers_beyond_the_float_range_are_refused_as_x_inf_is(text, message):
    with pytest.raises(ExpressionError, match=message) as info:
        parse(text)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_values_beyond_the_float_range_are_refused():
    e = parse("x")
    for raw in ("inf", "1e999", "1" * 400, 10**400, float("-inf")):
        with pytest.raises(ExpressionError, match="is not a finite number"):
            e.bind({"x": raw})


def test_constant_subexpressions_fold_through_the_engine_and_name_the_op():
    for text, op in [("sin(1e308 * 10) + x", "sin"), ("log(-1) + x", "log"), ("exp(1000) + x", "exp")]:
        e = parse(text)
        with pytest.raises(DomainError, match=f"^{op}: "):
            e(*e.bind({"x": 1}))


def test_parsing_prints_no_syntax_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python warns "invalid decimal literal" for 2if
        with pytest.raises(ExpressionError, match="IfExp is not allowed"):
            parse("2if x else x")


def test_a_formula_may_start_with_a_minus():
    e = parse("-x*y")
    x, y = e.bind({"x": 1, "y": 2})
    assert e(x, y).data == -2.0


def test_messages_stay_one_short_line_for_a_huge_formula():
    for text, start in (("x + " + "y" * 17_000 + " +", "syntax error in"), ("x + " + "1" * 17_000, "a number in")):
        with pytest.raises(ExpressionError, match=start + r" .*\(170\d\d characters\)") as info:
            parse(text)
        assert len(str(info.value)) < 250
    with pytest.raises(ExpressionError, match="syntax error.*null bytes"):
        parse("x\x00")
