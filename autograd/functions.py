"""Free functions over Values and numbers (exp(x), sum(xs), dot(ws, xs)) and register_op for new ops."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from . import builtin_ops as B
from .ops import Op, add_op
from .value import Value, apply, apply_nary, as_number


def _lift(op: Op, doc: str) -> Callable:
    """A function applying a one-input op to a Value, or computing it on a plain number."""

    def function(x, *params):
        if isinstance(x, Value):
            return apply(op, x, *params)
        return op.forward(as_number(x, op.name), *params)

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = doc
    return function


exp = _lift(B.EXP, "e ** x, for a Value or a number.")
log = _lift(B.LOG, "Natural logarithm, for a Value or a number (x > 0).")
sqrt = _lift(B.SQRT, "Square root, for a Value or a number (x >= 0).")
tanh = _lift(B.TANH, "Hyperbolic tangent, for a Value or a number.")
sigmoid = _lift(B.SIGMOID, "Logistic sigmoid 1 / (1 + e ** -x), for a Value or a number.")
relu = _lift(B.RELU, "max(0, x), for a Value or a number.")
sin = _lift(B.SIN, "Sine, for a Value or a number.")
cos = _lift(B.COS, "Cosine, for a Value or a number.")


def leaky_relu(x, slope: float = 0.01):
    """x for x > 0, else slope * x, for a Value or a number."""
    return apply(B.LEAKY_RELU, x, as_number(slope, "leaky_relu: slope")) if isinstance(x, Value) else (
        B.LEAKY_RELU.forward(as_number(x, "leaky_relu"), slope)
    )


def _values(xs: Iterable, what: str) -> list[Value]:
    """The items as Values: a plain number becomes a constant leaf."""
    if xs.__class__ is list or xs.__class__ is tuple:  # the common case, without the Iterable ABC check
        items = xs
    elif isinstance(xs, (Value, str)) or not isinstance(xs, Iterable):
        raise TypeError(f"{what}: expected a sequence of Values or numbers, got {type(xs).__name__} {xs!r}")
    else:
        items = list(xs)
    return [x if x.__class__ is Value else _constant_leaf(x, what) for x in items]


def _constant_leaf(x, what: str) -> Value:
    if isinstance(x, Value):  # a subclass of Value
        return x
    return Value(as_number(x, f"{what}: item"))


def sum(values: Iterable) -> Value:  # noqa: A001 - the engine's n-ary sum, deliberately the same name
    """One n-ary node for the sum of the items (not a chain of len(values) binary adds)."""
    if not _only_values(values):
        values = _values(values, "sum")
        if not values:
            return Value(0.0)
    return apply_nary(B.SUM, tuple(values))


def dot(ws: Sequence, xs: Sequence) -> Value:
    """One n-ary node for sum(w * x for w, x in zip(ws, xs)), as a neuron's weighted sum."""
    if _only_values(ws) and _only_values(xs) and len(ws) == len(xs):
        return apply_nary(B.DOT, (*ws, *xs))
    ws, xs = _values(ws, "dot: ws"), _values(xs, "dot: xs")
    if len(ws) != len(xs):
        raise ValueError(f"dot: ws and xs must have the same length, got {len(ws)} and {len(xs)}")
    if not ws:
        return Value(0.0)
    return apply_nary(B.DOT, (*ws, *xs))


def _only_values(items) -> bool:
    """A non-empty list or tuple of nothing but Values: a neuron's case, checked in one C-level pass."""
    return (items.__class__ is list or items.__class__ is tuple) and set(map(type, items)) == _VALUE_ONLY


_VALUE_ONLY = {Value}


# Functions of user-registered ops by name, so formulas (autograd.expression) can call them too.
REGISTERED: dict[str, Callable] = {}


def register_op(
    name: str,
    forward: Callable[..., float],
    partials: Callable[..., tuple],
    *,
    arity: int | None = 1,
    params: Sequence[str] = (),
    domain: Sequence[tuple[float, float]] | None = None,
    kinks: Sequence[float] = (),
    samples: Sequence[Sequence[float]] | None = None,
    symbol: str | None = None,
    replace: bool = False,
) -> Callable:
    """Add an op to the table and return a function applying it; it also becomes a ``Value`` method.

    ``forward(*inputs, *params)`` works on floats; ``partials(out, *inputs, *params)`` returns
    d(out)/d(input) for each input, written with arithmetic and ``autograd`` functions so that
    it also works on Values (higher-order derivatives). ``domain`` gives, per input, a range
    where the op is smooth (used by ``check_ops``); ``kinks`` the points where it is not.
    """
    n = 1 if arity is None else arity
    op = Op(
        name,
        forward,
        partials,
        arity=arity,
        params=tuple(params),
        kinks=tuple(float(k) for k in kinks),
        domain=tuple(tuple(map(float, r)) for r in domain) if domain is not None else ((-3.0, 3.0),) * n,
        samples=tuple(tuple(map(float, s)) for s in samples) if samples is not None else ((1.0,) * len(params),),
        symbol=symbol,
    )
    existing = getattr(Value, name, None)
    if existing is not None and not getattr(existing, "_registered_op", False):
        raise ValueError(f"register_op: '{name}' is already a Value attribute; choose another name")
    add_op(op, replace=replace)

    def function(*args):
        if arity is not None and len(args) != arity + len(op.params):
            raise TypeError(
                f"{name}: expected {arity} input(s) and {len(op.params)} constant(s), got {len(args)} arguments"
            )
        if arity is None:
            return apply(op, *_values(args, name))
        inputs = [a if isinstance(a, Value) else Value(as_number(a, name)) for a in args[:arity]]
        constants = [as_number(c, f"{name}: {p}") for p, c in zip(op.params, args[arity:])]
        return apply(op, *inputs, *constants)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"The user-registered op '{name}'."
    function._registered_op = True
    setattr(Value, name, function)
    REGISTERED[name] = function
    return function
