"""The formula parser under fuzzing: whatever the text, only ExpressionError (parse) or DomainError (evaluation).

Three kinds of input: random strings, random sequences of formula tokens, and a grammar of
valid-looking formulas (deep, long, with huge and non-finite numbers). Where a formula evaluates,
its value is compared with Python's own float arithmetic on the same text, the independent oracle.
"""

import math
import warnings

from hypothesis import event, given, settings
from hypothesis import strategies as st

from autograd import DomainError, Value
from viz.cli.formula import MAX_DEPTH, ExpressionError, parse

VALUES = {"x": 0.7, "y": -1.3, "w": 2.0}
TOKENS = [
    "x", "y", "w", "pi", "e", "0", "1", "2.5", "1e999", "1e-400", "9" * 400, "0x1f", "1j", "True", "None",
    "+", "-", "*", "/", "**", "//", "%", "@", "<", "==", "~", "not", "and", "if", "else", "lambda", ":",
    "(", ")", "[", "]", "{", "}", ",", ".", "=", "'a'", '"', "\\", "#", "\n", "\t", "\x00", "__import__",
    "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "sin", "cos", "abs", "real", "os", "x.real",
]
FUNCTIONS = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"]


def run(text: str) -> Value | None:
    """Parse, bind and evaluate ``text``, then backward; None when it is refused in a documented way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning printed on the command line is a failure too
        try:
            expression = parse(text)
        except ExpressionError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 400, str(exc)
            return None
        leaves = expression.bind({name: VALUES[name] for name in expression.variables if name in VALUES}
                                 | {name: 0.5 for name in expression.variables if name not in VALUES})
        try:
            out = expression(*leaves)
            out.backward()
        except (ExpressionError, DomainError) as exc:
            assert "\n" not in str(exc), str(exc)
            return None
    assert isinstance(out, Value)
    return out


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60))
def test_random_strings_raise_only_documented_errors(text):
    run(text)
    try:  # the same text as a value from the command line
        (x,) = parse("x").bind({"x": text})
    except ExpressionError as exc:
        assert "\n" not in str(exc)
    else:
        assert math.isfinite(x.data) and x.data == float(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from(["", " "]))
def test_random_token_sequences_raise_only_documented_errors(tokens, separator):
    run(separator.join(tokens))


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


ORACLE = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh, "sigmoid": _sigmoid,
          "relu": lambda v: max(0.0, v), "sin": math.sin, "cos": math.cos, "abs": abs, "pi": math.pi, "e": math.e}

numbers = st.one_of(
    st.integers(0, 10).map(str),
    st.floats(0, 1e3, allow_nan=False).map(repr),
    st.sampled_from(["1e999", "1e308", "1e-320", "9" * 400, "0.0", "2"]),
)
atoms = st.one_of(numbers, st.sampled_from(["x", "y", "w", "pi", "e"]))


def _compound(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    unary = children.map(lambda c: f"-{c}")
    call = st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})")
    return st.one_of(binary, unary, call)


formulas = st.recursive(atoms, _compound, max_leaves=25)
# Long flat chains and deep nests around the depth bound, built from the same pieces.
chains = st.tuples(atoms, st.sampled_from(["+", "*", "**"]), st.integers(MAX_DEPTH - 3, MAX_DEPTH + 3)).map(
    lambda t: t[1].join([t[0]] * t[2]))
nests = st.tuples(st.sampled_from(["-", "sin(", "("]), st.integers(MAX_DEPTH - 3, 3 * MAX_DEPTH)).map(
    lambda t: t[0] * t[1] + "x" + (")" * t[1] if t[0] != "-" else ""))


@settings(max_examples=1000, deadline=None)
@given(st.one_of(formulas, chains, nests))
def test_valid_looking_formulas_agree_with_python_or_are_refused(text):
    out = run(text)
    if out is None:
        event("refused")
        return
    try:
        expected = float(eval(text, {"__builtins__": {}}, ORACLE | VALUES))  # noqa: S307 - text made by the test
    except (ArithmeticError, ValueError, TypeError):  # Python refuses it too (or gives a complex number)
        event("evaluated; Python refuses it")
        return
    if math.isfinite(expected) and math.isfinite(out.data):
        event("evaluated and compared with Python")
        assert math.isclose(out.data, expected, rel_tol=1e-9, abs_tol=1e-12), (text, out.data, expected)
