"""The Value: a scalar that records the op that made it, so backward can apply the chain rule."""

from __future__ import annotations

import numbers

from . import builtin_ops as B
from .mode import STATE
from .ops import DomainError, Op, bind


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
    # _op is the op of the table, or for an op with constants (x ** 2) that op bound to them
    # (ops.bind), shared by all nodes with the same constants. _args holds the input Values:
    # a tuple, or for a one-input op the parent itself, saving a tuple per node.
    __slots__ = ("data", "grad", "label", "_op", "_args")

    def __init__(self, data, label: str | None = None) -> None:
        if data.__class__ is not float:
            if isinstance(data, Value):
                raise TypeError("Value: got a Value; use it directly, or .detach() for a copy without history")
            data = as_number(data, "Value")
        if label is not None and label.__class__ is not str and not isinstance(label, str):
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
    def parents(self) -> tuple[Value, ...]:
        """The input nodes, in argument order (``x * x`` has parents ``(x, x)``)."""
        op, args = self._op, self._args
        if op is None:
            return ()
        return (args,) if op.bare else args

    @property
    def params(self) -> dict[str, float]:
        """The op's constants on this node (``x ** 2`` has ``{'c': 2.0}``)."""
        op = self._op
        if op is None or op.base is None:
            return {}
        return dict(zip(op.base.params, op.constants))

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
        if other.__class__ is Value:
            return _apply2(ADD, self, other)
        return _apply_const(ADD_CONST, self, other, "+")

    def __radd__(self, other):
        return _apply_const(ADD_CONST, self, other, "+")

    def __sub__(self, other):
        if other.__class__ is Value:
            return _apply2(SUB, self, other)
        c = _constant(other, "-")
        return c if c is NotImplemented else _apply_const(ADD_CONST, self, -c, "-")  # x - c == x + (-c) exactly

    def __rsub__(self, other):
        return _apply_const(RSUB_CONST, self, other, "-")

    def __mul__(self, other):
        if other.__class__ is Value:
            return _apply2(MUL, self, other)
        return _apply_const(MUL_CONST, self, other, "*")

    def __rmul__(self, other):
        return _apply_const(MUL_CONST, self, other, "*")

    def __truediv__(self, other):
        if other.__class__ is Value:
            return _apply2(DIV, self, other)
        return _apply_const(DIV_CONST, self, other, "/")

    def __rtruediv__(self, other):
        return _apply_const(RDIV_CONST, self, other, "/")

    def __pow__(self, other):
        if other.__class__ is Value:
            return _apply2(POW, self, other)
        return _apply_const(POW_CONST, self, other, "**")

    def __rpow__(self, other):
        return _apply_const(RPOW_CONST, self, other, "**")

    def __neg__(self):
        return _apply1(NEG, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _apply1(ABS, self)

    # --- functions ---
    def exp(self) -> Value:
        """e ** self."""
        return _apply1(EXP, self)

    def log(self) -> Value:
        """Natural logarithm (input must be > 0)."""
        return _apply1(LOG, self)

    def sqrt(self) -> Value:
        """Square root (input must be >= 0)."""
        return _apply1(SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent, exact and finite for every input."""
        return _apply1(TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), computed without overflow for every input."""
        return _apply1(SIGMOID, self)

    def relu(self) -> Value:
        """max(0, self); its derivative at 0 is taken as 0."""
        return _apply1(RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """self for self > 0, else slope * self."""
        return _apply_const(LEAKY_RELU, self, as_number(slope, "leaky_relu: slope"), "leaky_relu")

    def sin(self) -> Value:
        """Sine."""
        return _apply1(SIN, self)

    def cos(self) -> Value:
        """Cosine."""
        return _apply1(COS, self)


def _data_of(other, what: str) -> float:
    return other.data if isinstance(other, Value) else as_number(other, what)


def _constant(other, symbol: str):
    """A number operand as a float; NotImplemented for other types (so numpy arrays can take over)."""
    if other.__class__ is float:
        return other
    if isinstance(other, numbers.Real) or isinstance(other, bool):
        return as_number(other, symbol)
    return NotImplemented


# The op-application paths. They differ only in how the inputs reach the forward rule; the node
# they make is the same. They are spelled out because they run once per node of every graph.
def _make(op: Op, data: float, args) -> Value:
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    if _STATE.recording:
        node._op = op
        node._args = args
        if _STATE.anomaly_sites is not None:
            from .anomaly import on_forward

            on_forward(node)
    else:
        node._op = None
        node._args = ()
    return node


def _apply1(op: Op, x: Value) -> Value:
    try:
        data = op.forward(x.data)
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, (x,), exc) from None
    return _make(op, data, x)


def _apply2(op: Op, x: Value, y: Value) -> Value:
    try:
        data = op.forward(x.data, y.data)
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, (x, y), exc) from None
    return _make(op, data, (x, y))


def _apply_const(op: Op, x: Value, c, symbol: str):
    if c.__class__ is not float:
        c = _constant(c, symbol)
        if c is NotImplemented:
            return c
    try:
        data = op.forward(x.data, c)
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, (x, c), exc) from None
    # A zero is looked up by bind, which tells 0.0 from -0.0 (equal as dictionary keys).
    return _make((op.bound.get(c) if c else None) or bind(op, (c,)), data, x)


def apply_nary(op: Op, values: tuple) -> Value:
    """Apply an op of any number of inputs (sum, dot) to a tuple of Values."""
    try:
        data = op.forward(*[v.data for v in values])
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, values, exc) from None
    return _make(op, data, values)


def apply(op: Op, *args) -> Value:
    """Apply any op to its Values, then its constants, and record the node unless under no_grad."""
    datas = [a.data if a.__class__ is Value else a for a in args]
    try:
        data = op.forward(*datas)
    except (ArithmeticError, ValueError) as exc:
        raise _domain_error(op, args, exc) from None
    if data.__class__ is not float:  # a user-registered forward may return an int or numpy scalar
        data = as_number(data, f"{op.name}: forward result")
    if op.nparams:
        inputs, op = args[: op.arity], bind(op, tuple(args[op.arity :]))
    else:
        inputs = args
    return _make(op, data, inputs[0] if op.bare else inputs)


def _domain_error(op: Op, args, exc: Exception) -> DomainError:
    datas = [a.data if isinstance(a, Value) else a for a in args]
    message = str(exc) if isinstance(exc, DomainError) else f"{op.name}: {exc} for inputs {datas!r}"
    labels = [a.label for a in args if isinstance(a, Value) and a.label is not None]
    if labels:
        message += f" (node{'s' if len(labels) > 1 else ''} {', '.join(map(repr, labels))})"
    return DomainError(message)


_new = object.__new__
_STATE = STATE
ADD, SUB, MUL, DIV, POW = B.ADD, B.SUB, B.MUL, B.DIV, B.POW
ADD_CONST, RSUB_CONST, MUL_CONST, DIV_CONST = B.ADD_CONST, B.RSUB_CONST, B.MUL_CONST, B.DIV_CONST
RDIV_CONST, POW_CONST, RPOW_CONST, LEAKY_RELU = B.RDIV_CONST, B.POW_CONST, B.RPOW_CONST, B.LEAKY_RELU
NEG, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, SIN, COS = (
    B.NEG, B.ABS, B.EXP, B.LOG, B.SQRT, B.TANH, B.SIGMOID, B.RELU, B.SIN, B.COS)
