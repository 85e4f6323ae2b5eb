"""Free functions over Values and numbers (exp(x), clamp(x, 0, 1), sum(xs)), all from the op table, and register_op."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence

from .builtin_ops import BUILTIN
from .ops import OPS, Op, add_op
from .value import Value, _node, apply, as_number, method_of


def function_of(op: Op) -> Callable:
    """The free function of an op: a Value if any argument is a Value, else the number it computes."""

    def function(*args):
        node = apply(op, *args)  # the same checks and domain errors for numbers as for Values
        for a in args:
            if isinstance(a, Value):
                return node
        return node.data

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = f"{op.doc} For Values or numbers."
    return function


# name -> free function, for every op that is not an operator (+, -, ...): the package's
# functions (autograd.exp ...) and the formula whitelist of the command line are this dict.
BUILTIN_NAMES = frozenset(op.name for op in BUILTIN)  # the engine's own ops: register_op never replaces them
FUNCTIONS: dict[str, Callable] = {name: function_of(op) for name, op in OPS.items() if op.symbol is None}


def _values(xs: Iterable, what: str) -> list[Value]:
    """The items as Values: a plain number becomes a constant leaf."""
    if xs.__class__ is list or xs.__class__ is tuple:  # the common case, without the Iterable ABC check
        items = xs
    elif isinstance(xs, (Value, str)) or not isinstance(xs, Iterable):
        raise TypeError(f"{what}: expected a sequence of Values or numbers, got {type(xs).__name__} {xs!r:.80}")
    else:
        items = list(xs)
    if _ONLY_VALUES.issuperset(map(type, items)):  # a neuron's case, checked in one C-level pass
        return items
    return [x if isinstance(x, Value) else Value(as_number(x, f"{what}: item")) for x in items]


_ONLY_VALUES = {Value}


def sum(values: Iterable) -> Value:  # noqa: A001 - the engine's n-ary sum, deliberately the same name
    """One n-ary node for the sum of the items (not a chain of len(values) binary adds)."""
    values = _values(values, "sum")
    return _node(OPS["sum"], tuple(values)) if values else Value(0.0)  # the items are checked Values already


def dot(ws: Sequence, xs: Sequence) -> Value:
    """One n-ary node for sum(w * x for w, x in zip(ws, xs)), as a neuron's weighted sum."""
    ws, xs = _values(ws, "dot: ws"), _values(xs, "dot: xs")
    if len(ws) != len(xs):
        raise ValueError(f"dot: ws and xs must have the same length, got {len(ws)} and {len(xs)}")
    return _node(OPS["dot"], (*ws, *xs)) if ws else Value(0.0)  # the items are checked Values already


def signature_takes(fn: Callable, n: int) -> bool:
    """Whether fn can be called with n positional arguments (True when Python cannot tell)."""
    try:
        inspect.signature(fn).bind(*range(n))
    except TypeError:
        return False
    except ValueError:  # a builtin without a signature
        return True
    return True


def register_op(
    name: str,
    forward: Callable[..., float],
    partials: Callable[..., tuple],
    *,
    arity: int | None = 1,
    params: Sequence[str] = (),
    defaults: Sequence[float] = (),
    domain: Sequence[tuple[float, float]] | None = None,
    kinks: Sequence[float] = (),
    samples: Sequence[Sequence[float]] | None = None,
    symbol: str | None = None,
    doc: str = "",
    replace: bool = False,
    numpy_forward: Callable | None = None,
    numpy_partials: Callable | None = None,
    partials_text: Callable | None = None,
) -> Callable:
    """Add an op to the table and return its free function; it also becomes a ``Value`` method.

    ``forward(*inputs, *params)`` works on floats; ``partials(out, *inputs, *params)`` returns
    d(out)/d(input) for each input, written with arithmetic and ``autograd`` functions so that
    it also works on Values (higher-order derivatives). ``domain`` gives, per input, a range
    where the op is smooth (used by ``check_ops``); ``kinks`` the points of a one-input op's
    input where it is not. ``numpy_forward``/``numpy_partials`` are the same rules on numpy
    arrays, elementwise, for the compiled tape (without them it calls the float rules per
    element); ``partials_text(out, *names)`` gives each partial as a formula for ``print(tape)``.
    """
    if type(arity) is not int and arity is not None:
        raise TypeError(f"register_op '{name}': arity must be a positive int or None, got {arity!r}")
    if name in BUILTIN_NAMES:
        raise ValueError(f"register_op: '{name}' is a built-in op, which cannot be replaced (replace=True is "
                         "for your own ops); choose another name")
    if isinstance(params, str) or not isinstance(params, Sequence):
        raise TypeError(f"register_op '{name}': params must be a sequence of names, such as ('slope',); "
                        f"got {params!r}")
    n = 1 if arity is None else arity
    nargs = n + len(params)
    kink_points = tuple(as_number(k, f"register_op '{name}': kink") for k in kinks)
    if kink_points and arity != 1:
        raise ValueError(f"register_op '{name}': kinks are points of a one-input op's input; arity is {arity!r}")
    op = Op(
        name,
        forward,
        partials,
        arity=arity,
        params=tuple(params),
        defaults=tuple(as_number(d, f"register_op '{name}': default") for d in defaults),
        domain=_tuples(name, "domain", "range", domain, "((-1.0, 1.0),)") if domain is not None else ((-3.0, 3.0),) * n,
        samples=(_tuples(name, "samples", "sample", samples, "((0.1,), (0.2,))") if samples is not None
                 else ((1.0,) * len(params),)),
        piece=(lambda x, *rest: tuple((x > k) - (x < k) for k in kink_points)) if kink_points else None,
        symbol=symbol,
        doc=doc or f"The user-registered op '{name}'.",
        numpy_forward=numpy_forward,
        numpy_partials=numpy_partials,
        partials_text=partials_text,
    )
    for what, fn, count in (("forward", forward, nargs), ("partials", partials, nargs + 1)):
        if arity is not None and not signature_takes(fn, count):
            raise TypeError(f"register_op '{name}': {what} must take {count} arguments "
                            f"({'out, ' if what == 'partials' else ''}{n} input(s), {len(params)} param(s)); "
                            f"its signature is {inspect.signature(fn)}")
    existing = getattr(Value, name, None)
    if existing is not None and name not in _REGISTERED:
        raise ValueError(f"register_op: '{name}' is already a Value attribute; choose another name")
    add_op(op, replace=replace)
    setattr(Value, name, method_of(op))
    _REGISTERED.add(name)
    FUNCTIONS[name] = function = function_of(op)
    return function


_REGISTERED: set[str] = set()  # names of the Value methods register_op added (and may replace)


def _tuples(name: str, what: str, item: str, given, example: str) -> tuple[tuple[float, ...], ...]:
    """``domain`` or ``samples`` as a tuple of tuples of floats; a TypeError naming the op and the value otherwise."""
    if isinstance(given, str) or not isinstance(given, Iterable):
        raise TypeError(f"register_op '{name}': {what} must be a sequence of tuples, such as {example}; got {given!r}")
    rows = []
    for i, row in enumerate(given):
        if isinstance(row, str) or not isinstance(row, Sequence):
            raise TypeError(f"register_op '{name}': {what} must be a sequence of tuples, such as {example}; "
                            f"{item} {i} is {row!r} (in {what}={given!r})")
        rows.append(tuple(as_number(v, f"register_op '{name}': {what}, {item} {i}") for v in row))
    return tuple(rows)
