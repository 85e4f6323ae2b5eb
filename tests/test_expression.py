"""Formulas as text: the whitelist, variable binding and the errors a command line shows."""

import math

import pytest
from oracle import close

from autograd import DomainError, gradcheck
from autograd.expression import ExpressionError, parse


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
