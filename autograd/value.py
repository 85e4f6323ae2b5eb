"""The Value: a scalar that records the op that made it, so backward can apply the chain rule."""

from __future__ import annotations

import math
import numbers

from . import builtin_ops  # noqa: F401 - fills the op table the methods below refer to
from . import switches as _switches
from .ops import OPS, DomainError, Op, argument_names
from .switches import STATE
from .tape_guards import COMPARISONS
from .tape_guards import LOG as _GUARDS
from .tape_guards import note as _note


def as_number(x, what: str) -> float:
    """x as a finite-or-infinite float, or a TypeError/ValueError naming ``what`` and the value."""
    if x.__class__ is float:
        return x
    if isinstance(x, bool):
        # bool is an int in Python, but here it is almost always a comparison result passed by
        # mistake (comparisons of Values return bools), so we refuse it rather than read 1.0.
        raise TypeError(f"{what}: got the bool {x!r}; pass float({x!r}) if you mean {float(x)!r}")
    if isinstance(x, numbers.Real):  # int, float, Fraction, numpy scalars
        try:
            return float(x)
        except OverflowError:
            raise ValueError(f"{what}: {_short(x)} is too large for a float (at most about 1.8e308)") from None
    raise TypeError(f"{what}: expected a real number, got {type(x).__name__} {_short(x)}")


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


# --- the one way to make a node ---
def _node(op: Op, args: tuple) -> Value:
    """The node of ``op`` on checked arguments (Values and floats): the only place a node is made."""
    forward = op.forward_on  # read apart from its call, which Python 3.11 then specialises (not op.forward_on(...))
    try:
        data = forward(args)
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, args, exc) from None
    if data.__class__ is not float:  # a user-registered forward may return an int or a numpy scalar
        data = as_number(data, f"{op.name}: forward result")
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    # None under no_grad (the result is a leaf), else True or detect_anomaly's sites
    record = True if _switches.ALL_DEFAULT else _STATE.record
    if record is not None:
        node._op = op
        node._args = args
        if record is not True:
            from .anomaly import on_forward

            on_forward(node)
    else:
        node._op = None
        node._args = ()
    return node


def apply(op: Op, *args) -> Value:
    """Apply an op to its arguments: its inputs (Values or numbers), then its params (numbers).

    Params left out take the op's defaults; anything that is not a number is refused, naming the op.
    With no Value among the inputs the result is a leaf: there is nothing to differentiate.
    """
    args = _arguments(op, args)
    for a in args:
        if a.__class__ is not float:  # a parent: a node to record
            return _node(op, args)
    return Value(_node(op, tuple(Value(a) for a in args)).data)  # the same rule and errors, on throwaway leaves


def _arguments(op: Op, args: tuple) -> tuple:
    """The arguments, checked: Values stay, numbers become floats, missing params take their defaults."""
    if op.arity is not None and len(args) != op.arity + op.nparams:
        missing = op.arity + op.nparams - len(args)
        if not 0 < missing <= len(op.defaults):
            raise TypeError(f"{op.name}: takes the arguments ({', '.join(argument_names(op, op.nargs))}), "
                            f"got {len(args)}")
        args = (*args, *op.defaults[len(op.defaults) - missing:])
    for i, a in enumerate(args):  # the common case, Values and floats where they belong, costs one pass
        if (a.__class__ is not Value or (op.nparams and i >= op.arity)) and a.__class__ is not float:
            return _converted(op, args)
    return args


def _converted(op: Op, args: tuple) -> tuple:
    """The arguments with numbers as floats; a TypeError naming the op and argument for anything else."""
    names = argument_names(op, len(args))
    checked = []
    for i, a in enumerate(args):
        if isinstance(a, Value) and (op.arity is None or i < op.arity):
            checked.append(a)
        elif isinstance(a, Value):
            raise TypeError(f"{op.name}: {names[i]} is a param, a number, not a Value ({a!r})")
        else:
            checked.append(as_number(a, f"{op.name}: {names[i]}"))
    return tuple(checked)


def _operand(other):
    """The other operand of an operator as a float; NotImplemented for what is not a real number."""
    if isinstance(other, numbers.Real):
        return as_number(other, "operand")
    return NotImplemented  # a numpy array, a string...: let the other operand decide, or Python refuse


def _domain_error(op: Op, args, exc: Exception) -> DomainError:
    datas = [a.data if isinstance(a, Value) else a for a in args]
    if isinstance(exc, DomainError):
        message = str(exc)
    elif any(isinstance(d, float) and not math.isfinite(d) for d in datas):
        message = f"{op.name}: not defined at {datas!r}"
    else:
        message = f"{op.name}: {exc} for inputs {datas!r}"
    labels = [a.label for a in args if isinstance(a, Value) and a.label is not None]
    if labels:
        message += f" (node{'s' if len(labels) > 1 else ''} {', '.join(map(repr, labels))})"
    return DomainError(message)


# --- Value's operators and methods, made from the table's entries ---
def _operator(op: Op, reflected: bool = False):
    """The method for ``x <op> other`` (or ``other <op> x`` when reflected), other a Value or a number."""

    def method(self, other):
        if other.__class__ is not Value and other.__class__ is not float:
            other = other if isinstance(other, Value) else _operand(other)
            if other is NotImplemented:
                return other
        return _node(op, (other, self) if reflected else (self, other))

    method.__name__ = method.__qualname__ = f"__{'r' if reflected else ''}{op.name}__"
    method.__doc__ = op.doc
    return method


def method_of(op: Op):
    """The Value method applying ``op`` with the Value as its first input: ``x.exp()``, ``x.clamp(0, 1)``."""
    if op.arity == 1 and not op.params:

        def method(self):
            return _node(op, (self,))
    else:

        def method(self, *more):
            return _node(op, _arguments(op, (self, *more)))

    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = op.doc
    return method


def _comparison(symbol: str):
    """The method for ``x <symbol> other``: compares the data; inside autograd.record() it is kept as a guard."""
    compare = COMPARISONS[symbol]

    def method(self, other) -> bool:
        result = compare(self.data, _data_of(other, symbol))
        if _GUARDS.guards is not None:
            _note(self, symbol, other, result)
        return result

    method.__name__ = method.__qualname__ = f"__{compare.__name__}__"
    return method


class Value:
    """A scalar node of the computation graph: ``data``, ``grad``, ``label``, ``op``, ``parents``."""

    # No closure per node and no back-reference: a dropped graph is freed by reference counting.
    # _op is the table's Op that made the node (None for a leaf); _args its arguments in order:
    # each a parent Value or a constant float (x ** 2 has the arguments (x, 2.0)).
    __slots__ = ("data", "grad", "label", "_op", "_args")

    def __init__(self, data, label: str | None = None) -> None:
        if data.__class__ is not float:
            if isinstance(data, Value):
                raise TypeError("Value: got a Value; use it directly, or .detach() for a copy without history")
            data = as_number(data, "Value")
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value: label must be a str or None, got {type(label).__name__} {label!r}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = None
        self._args = ()

    # --- what the node is ---
    @property
    def op(self) -> str | None:
        """The name of the op that made this node (None for a leaf)."""
        return None if self._op is None else self._op.name

    @property
    def primitive(self) -> Op | None:
        """The op table's entry that made this node (None for a leaf): its rules, symbol and names."""
        return self._op

    @property
    def arguments(self) -> tuple:
        """The op's arguments in order: parent Values and constant floats (``x ** 2``: ``(x, 2.0)``)."""
        return self._args

    @property
    def parents(self) -> tuple[Value, ...]:
        """The input nodes, in argument order (``x * x`` has parents ``(x, x)``, ``x * 2`` has ``(x,)``)."""
        return tuple(a for a in self._args if a.__class__ is not float)

    @property
    def constants(self) -> tuple[float, ...]:
        """The constant arguments, in order (``2 ** x`` has ``(2.0,)``; a leaf ``()``)."""
        return tuple(a for a in self._args if a.__class__ is float)

    @property
    def params(self) -> dict[str, float]:
        """The constant arguments by the op's names for them (``x ** 2``: ``{'y': 2.0}``)."""
        op = self._op
        if op is None:
            return {}
        names = argument_names(op, len(self._args))
        return {name: a for name, a in zip(names, self._args) if a.__class__ is float}

    def is_leaf(self) -> bool:
        """True for a node that no op made (an input, a parameter or a constant)."""
        return self._op is None

    def detach(self) -> Value:
        """A new leaf with the same data and label and no history."""
        return Value(self.data, self.label)

    def backward(self, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to ``node.grad`` for every node of the graph (see engine.backward)."""
        from .engine import backward

        backward(self, create_graph=create_graph)

    # --- identity and comparison ---
    # == and hash stay identity (inherited from object): nodes are dictionary keys in backward,
    # and x == y building a bool from data would make two distinct nodes with equal data collide.
    # Inside autograd.record() each comparison is also noted as a guard for the tape (tape_guards).
    __lt__ = _comparison("<")
    __le__ = _comparison("<=")
    __gt__ = _comparison(">")
    __ge__ = _comparison(">=")

    def __float__(self) -> float:
        return self.data

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"`` formats the data, as for a float; an empty spec gives the repr, as ``str``."""
        return format(self.data, spec) if spec else repr(self)

    def __pos__(self) -> Value:
        return self

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    # --- the ops as operators and methods: one line each, naming the table's entry ---
    __add__ = _operator(OPS["add"])
    __radd__ = _operator(OPS["add"], reflected=True)
    __sub__ = _operator(OPS["sub"])
    __rsub__ = _operator(OPS["sub"], reflected=True)
    __mul__ = _operator(OPS["mul"])
    __rmul__ = _operator(OPS["mul"], reflected=True)
    __truediv__ = _operator(OPS["div"])
    __rtruediv__ = _operator(OPS["div"], reflected=True)
    __pow__ = _operator(OPS["pow"])
    __rpow__ = _operator(OPS["pow"], reflected=True)
    __neg__ = method_of(OPS["neg"])
    __abs__ = method_of(OPS["abs"])
    exp = method_of(OPS["exp"])
    log = method_of(OPS["log"])
    sqrt = method_of(OPS["sqrt"])
    log1p = method_of(OPS["log1p"])
    expm1 = method_of(OPS["expm1"])
    sin = method_of(OPS["sin"])
    cos = method_of(OPS["cos"])
    tan = method_of(OPS["tan"])
    atan = method_of(OPS["atan"])
    erf = method_of(OPS["erf"])
    tanh = method_of(OPS["tanh"])
    sigmoid = method_of(OPS["sigmoid"])
    relu = method_of(OPS["relu"])
    leaky_relu = method_of(OPS["leaky_relu"])  # x.leaky_relu(slope=0.01)
    elu = method_of(OPS["elu"])  # x.elu(alpha=1.0)
    softplus = method_of(OPS["softplus"])
    silu = method_of(OPS["silu"])
    gelu = method_of(OPS["gelu"])
    max = method_of(OPS["max"])  # x.max(y): the larger of the two, y a Value or a number
    min = method_of(OPS["min"])
    clamp = method_of(OPS["clamp"])  # x.clamp(lo, hi)


def _data_of(other, what: str) -> float:
    return other.data if isinstance(other, Value) else as_number(other, what)


_new = object.__new__
_STATE = STATE
