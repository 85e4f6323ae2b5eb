"""The Value: a scalar that records the op that made it, so backward can apply the chain rule."""

from __future__ import annotations

import numbers

from . import builtin_ops as B
from .mode import STATE
from .ops import DomainError, Op


def as_number(x, what: str) -> float:
    """x as a float, or a TypeError naming ``what`` and the offending value."""
    if x.__class__ is float:
        return x
    if isinstance(x, bool):
        # bool is an int in Python, but here it is almost always a comparison result passed by
        # mistake (comparisons of Values return bools), so we refuse it rather than read 1.0.
        raise TypeError(f"{what}: got the bool {x!r}; pass float({x!r}) if you mean {float(x)!r}")
    if isinstance(x, numbers.Real):  # int, float, Fraction, numpy scalars
        return float(x)
    raise TypeError(f"{what}: expected a real number, got {type(x).__name__} {x!r}")


class Value:
    """A scalar node of the computation graph: ``data``, ``grad``, ``label``, ``op``, ``parents``."""

    # No closure per node and no back-reference: a dropped graph is freed by reference counting.
    # _args holds the inputs followed by the op's constants; for a one-input op without
    # constants (tanh, exp, ...) it holds the parent itself, saving a tuple per node.
    __slots__ = ("data", "grad", "label", "_op", "_args")

    def __init__(self, data, label: str | None = None) -> None:
        if isinstance(data, Value):
            raise TypeError("Value: got a Value; use it directly, or .detach() for a copy without history")
        self.data = as_number(data, "Value")
        self.grad = 0.0
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value: label must be a str or None, got {type(label).__name__} {label!r}")
        self.label = label
        self._op = None
        self._args = ()

    # --- what the node is ---
    @property
    def op(self) -> str | None:
        """The name of the op that made this node (None for a leaf)."""
        return None if self._op is None else self._op.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The input nodes, in argument order (``x * x`` has parents ``(x, x)``)."""
        op, args = self._op, self._args
        if op is None:
            return ()
        if op.bare:
            return (args,)
        return args[: len(args) - op.nparams] if op.nparams else args

    @property
    def params(self) -> dict[str, float]:
        """The op's constants stored on this node (``x ** 2`` has ``{'c': 2.0}``)."""
        op = self._op
        if op is None or not op.nparams:
            return {}
        return dict(zip(op.params, self._args[-op.nparams :]))

    def is_leaf(self) -> bool:
        """True for a node that no op made (an input, a parameter or a constant)."""
        return self._op is None

    def detach(self) -> Value:
        """A new leaf with the same data and label and no history."""
        return Value(self.data, self.label)

    def backward(self, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to ``node.grad`` for every node of the graph (see engine.backprop)."""
        from .engine import backward

        backward(self, create_graph=create_graph)

    # --- identity and comparison ---
    # == and hash stay identity (inherited from object): nodes are dictionary keys in backward,
    # and x == y building a bool from data would make two distinct nodes with equal data collide.
    def __lt__(self, other) -> bool:
        return self.data < _data_of(other, "<")

    def __le__(self, other) -> bool:
        return self.data <= _data_of(other, "<=")

    def __gt__(self, other) -> bool:
        return self.data > _data_of(other, ">")

    def __ge__(self, other) -> bool:
        return self.data >= _data_of(other, ">=")

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    # --- operators: one line each, naming the op of the table ---
    def __add__(self, other):
        return _binary(B.ADD, B.ADD_CONST, self, other, "+")

    def __radd__(self, other):
        return apply(B.ADD_CONST, self, as_number(other, "+"))

    def __sub__(self, other):
        if isinstance(other, Value):
            return apply(B.SUB, self, other)
        return apply(B.ADD_CONST, self, -as_number(other, "-"))  # x - c == x + (-c) exactly

    def __rsub__(self, other):
        return apply(B.RSUB_CONST, self, as_number(other, "-"))

    def __mul__(self, other):
        return _binary(B.MUL, B.MUL_CONST, self, other, "*")

    def __rmul__(self, other):
        return apply(B.MUL_CONST, self, as_number(other, "*"))

    def __truediv__(self, other):
        return _binary(B.DIV, B.DIV_CONST, self, other, "/")

    def __rtruediv__(self, other):
        return apply(B.RDIV_CONST, self, as_number(other, "/"))

    def __pow__(self, other):
        return _binary(B.POW, B.POW_CONST, self, other, "**")

    def __rpow__(self, other):
        return apply(B.RPOW_CONST, self, as_number(other, "**"))

    def __neg__(self):
        return apply(B.NEG, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return apply(B.ABS, self)

    # --- functions ---
    def exp(self) -> Value:
        """e ** self."""
        return apply(B.EXP, self)

    def log(self) -> Value:
        """Natural logarithm (input must be > 0)."""
        return apply(B.LOG, self)

    def sqrt(self) -> Value:
        """Square root (input must be >= 0)."""
        return apply(B.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent, exact and finite for every input."""
        return apply(B.TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), computed without overflow for every input."""
        return apply(B.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, self); its derivative at 0 is taken as 0."""
        return apply(B.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """self for self > 0, else slope * self."""
        return apply(B.LEAKY_RELU, self, as_number(slope, "leaky_relu: slope"))

    def sin(self) -> Value:
        """Sine."""
        return apply(B.SIN, self)

    def cos(self) -> Value:
        """Cosine."""
        return apply(B.COS, self)


def _data_of(other, what: str) -> float:
    return other.data if isinstance(other, Value) else as_number(other, what)


def _binary(op: Op, const_op: Op, x: Value, other, symbol: str):
    if isinstance(other, Value):
        return apply(op, x, other)
    if isinstance(other, numbers.Real) or isinstance(other, bool):
        return apply(const_op, x, as_number(other, symbol))
    return NotImplemented  # lets other types (numpy object arrays) try their reflected op


def apply(op: Op, *args) -> Value:
    """Apply ``op`` to Values (then its constants) and record the node unless under no_grad."""
    datas = [a.data if a.__class__ is Value else a for a in args]
    try:
        data = op.forward(*datas)
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, args, datas, exc) from None
    if data.__class__ is not float:  # a user-registered forward may return an int or numpy scalar
        data = as_number(data, f"{op.name}: forward result")
    node = Value.__new__(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    if STATE.recording:
        node._op = op
        node._args = args[0] if op.bare else args
        if STATE.anomaly_sites is not None:
            from .anomaly import on_forward

            on_forward(node, datas)
    else:
        node._op = None
        node._args = ()
    return node


def _domain_error(op: Op, args, datas, exc: Exception) -> DomainError:
    message = str(exc) if isinstance(exc, DomainError) else f"{op.name}: {exc} for inputs {datas!r}"
    labels = [a.label for a in args if isinstance(a, Value) and a.label is not None]
    if labels:
        message += f" (node{'s' if len(labels) > 1 else ''} {', '.join(map(repr, labels))})"
    return DomainError(message)
