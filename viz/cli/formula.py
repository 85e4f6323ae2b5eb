"""The command line's formulas: text ("tanh(w*x + b)") turned into functions over Values, through an ast
whitelist.

The errors, each one line: parse raises ExpressionError (TypeError for a text that is not a str);
bind raises ExpressionError; evaluating raises ExpressionError or the engine's DomainError.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

# The functions a formula may call are the op table's: autograd.FUNCTIONS itself (not a copy), so an op
# registered later (autograd.register_op) is callable in a formula too.
from autograd import FUNCTIONS, Value, as_number, get_op


class ExpressionError(ValueError):
    """A formula that cannot be read or evaluated: the message is one line, for a command line."""


CONSTANTS = {"pi": math.pi, "e": math.e}
# How deeply a formula may nest: each operator, call or unary minus is one level, so a sum a+b+c+...
# of n terms is n levels. 200 is Python's own limit on nested parentheses; checked by a loop right
# after parsing, it keeps every later stage (checking, evaluating, drawing) far from the recursion limit.
MAX_DEPTH = 200
_BINARY = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__", ast.Pow: "__pow__"}


@dataclass(frozen=True)
class Expression:
    """A parsed formula: its text, its variables in order of first appearance, and its tree."""

    text: str
    variables: tuple[str, ...]
    tree: ast.expr

    @property
    def __name__(self) -> str:  # noqa: A003 - what gradcheck's report calls the function
        return self.text

    def __call__(self, *values: Value) -> Value:
        """The formula applied to one Value (or number) per variable, in ``variables`` order; always a Value."""
        if len(values) != len(self.variables):
            names = ", ".join(self.variables)
            raise ExpressionError(f"expected {len(self.variables)} values ({names}), got {len(values)}")
        env = dict(zip(self.variables, values))
        result = _evaluate(self.tree, env)
        return result if isinstance(result, Value) else Value(result)  # a constant formula: a one-node graph

    def bind(self, assignments: dict[str, object]) -> list[Value]:
        """One labelled leaf per variable from name -> number, refusing missing and extra names."""
        missing = [v for v in self.variables if v not in assignments]
        if missing:
            raise ExpressionError(f"missing value for {', '.join(missing)} (give it as {missing[0]}=1.0)")
        extra = [name for name in assignments if name not in self.variables]
        constants = [name for name in extra if name in CONSTANTS]
        if constants:
            raise ExpressionError(f"{constants[0]} is a constant ({CONSTANTS[constants[0]]!r}) in an expression, "
                                  f"not a variable; call the variable another name")
        if extra:
            raise ExpressionError(f"value given for {', '.join(extra)}, which the expression does not use")
        leaves = []
        for name in self.variables:
            raw = assignments[name]
            if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 1024:
                number = math.inf  # an int beyond the float range
            else:
                try:
                    number = float(raw) if isinstance(raw, str) else as_number(raw, name)
                except (TypeError, ValueError, OverflowError):
                    raise ExpressionError(f"{name}={_shorten(str(raw))} is not a number") from None
            if not math.isfinite(number):
                raise ExpressionError(f"{name}={_shorten(str(raw))} is not a finite number")
            leaves.append(Value(number, label=name))
        return leaves


def parse(text: str) -> Expression:
    """Parse a formula of numbers, names, + - * / **, unary minus and calls to engine functions."""
    if not isinstance(text, str):
        raise TypeError(f"parse: expected a str, got {type(text).__name__}")
    source = text.strip()
    if "#" in source:  # Python would read the rest as a comment and drop it unsaid
        raise ExpressionError(f"'#' is not allowed in an expression (Python would ignore what follows it): "
                              f"{_shorten(text)!r}")
    try:
        with warnings.catch_warnings():  # Python's SyntaxWarnings ("invalid decimal literal") are not for a formula
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        if exc.msg == "too many nested parentheses":  # Python's own depth bound, at 200
            raise ExpressionError(_TOO_DEEP) from None
        if "integer string conversion" in exc.msg:  # over 4,300 digits: Python's limit, as 400 are the float's
            raise ExpressionError(f"a number in {_shorten(text)!r} has more digits than Python reads; it is not a "
                                  "finite float") from None
        where = f" at column {exc.offset}" if exc.offset else ""
        reason = exc.msg if len(exc.msg) <= 120 else exc.msg[:117] + "..."
        raise ExpressionError(f"syntax error in {_shorten(text)!r}{where}: {reason}") from None
    except ValueError as exc:  # a NUL character, before Python 3.12
        raise ExpressionError(f"cannot read {_shorten(text)!r}: {exc}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(_TOO_DEEP) from None
    _check_depth(tree)
    variables: list[str] = []
    _check(tree, variables, source)
    return Expression(text, tuple(variables), tree)


_TOO_DEEP = f"expression is too deeply nested (at most {MAX_DEPTH} levels of operators, calls and unary minus)"


def _check_depth(tree: ast.AST) -> None:
    """Refuse a tree deeper than MAX_DEPTH, by a loop: the stages after it recurse."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(_TOO_DEEP)
        stack.extend((child, depth + isinstance(child, ast.expr)) for child in ast.iter_child_nodes(node))


def _shorten(text: str, limit: int = 60) -> str:
    """``text`` for a one-line message: control characters escaped, cut to about ``limit`` characters."""
    if not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= limit else f"{text[:limit - 20]}...{text[-10:]} ({len(text)} characters)"


def _segment(source: str, node: ast.AST) -> str:
    """The text of ``node`` in the formula, shortened for a message."""
    return _shorten(ast.get_source_segment(source, node) or type(node).__name__)


def _check(node: ast.AST, variables: list[str], source: str) -> None:
    """Refuse anything outside the whitelist; collect variable names in order of appearance."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed (use + - * / **)")
        _check(node.left, variables, source)
        _check(node.right, variables, source)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")
        _check(node.operand, variables, source)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"{_shorten(repr(node.value))} is not a number")
        try:
            finite = math.isfinite(float(node.value))
        except OverflowError:  # an int beyond the float range
            finite = False
        if not finite:  # as x=inf is refused: a formula computes on finite floats
            raise ExpressionError(f"the number {_segment(source, node)} is not a finite float")
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else _segment(source, node.func)
        if _function(name) is None:
            known = sorted(FUNCTIONS)
            hint = ""
            if isinstance(node.func, ast.Attribute) and node.func.attr in FUNCTIONS:  # x.exp(): a Value's method
                arguments = [_segment(source, a) for a in (node.func.value, *node.args)]
                hint = f"; write it as {_shorten(node.func.attr + '(' + ', '.join(arguments) + ')')}"
            raise ExpressionError(f"unknown function '{_shorten(name)}' (known: {', '.join(known)}){hint}")
        if node.keywords:
            raise ExpressionError(f"{name}: keyword arguments are not allowed")
        arities = _arities(name)
        if len(node.args) not in arities:
            counts = (f"{arities[0]} to {arities[-1]}" if len(arities) > 2 else " or ".join(map(str, arities)))
            raise ExpressionError(f"{name}() takes {counts} argument(s), got {len(node.args)}")
        for arg in node.args:
            _check(arg, variables, source)
    elif isinstance(node, ast.Name):
        if _function(node.id) is not None:
            raise ExpressionError(f"'{node.id}' is a function: call it, as {node.id}(x)")
        if node.id not in CONSTANTS and node.id not in variables:
            variables.append(node.id)
    else:
        raise ExpressionError(f"{type(node).__name__} is not allowed in an expression")


def _evaluate(node: ast.expr, env: dict[str, object]):
    """The checked tree computed on Values (variables) and floats (constants)."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, env)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, env), _evaluate(node.right, env)
        method = _BINARY[type(node.op)]
        if isinstance(left, Value):
            return getattr(left, method)(right)
        if isinstance(right, Value):  # number op Value: the engine's constant op (2 * x keeps 2 as a constant)
            return getattr(right, "__r" + method[2:])(left)
        return getattr(Value(left), method)(right).data  # constants fold, with the engine's domain checks
    args = [_evaluate(a, env) for a in node.args]  # a Call: _check allowed nothing else
    if any(isinstance(a, Value) for a in args):
        return _function(node.func.id)(*args)
    # Constants fold through the engine as above: its checks name the op ("sin: not defined at [inf]").
    return _function(node.func.id)(Value(args[0]), *args[1:]).data


def _function(name: str) -> Callable | None:
    """An engine function, or a user-registered op, by name."""
    return FUNCTIONS.get(name)


def _arities(name: str) -> tuple[int, ...]:
    """How many arguments a call may pass: inputs, then the op's constants."""
    op = get_op(name)
    if op.arity is None:
        return tuple(range(1, 33))
    most = op.arity + len(op.params)
    return tuple(range(most - len(op.defaults), most + 1))
