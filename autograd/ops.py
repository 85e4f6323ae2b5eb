"""The op table: every primitive's forward rule, local partial derivatives and domain, declared once."""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable
from dataclasses import dataclass, field


class DomainError(ValueError):
    """An op was applied outside the inputs where it is defined (log of 0, division by zero, ...)."""


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive of the engine: one entry of the table.

    A node applies an op to its *arguments*: first ``arity`` inputs, each a ``Value`` (a parent)
    or a constant number, then one constant per name in ``params`` (``leaky_relu``'s slope).
    ``forward(*arguments)`` computes the output from numbers. ``partials(out, *arguments)``
    returns d(out)/d(input) for each of the ``arity`` inputs, whether a given node's input is a
    Value or a constant (a constant's derivative is simply not used). The partials use only
    arithmetic, comparisons and functions that work on floats *and* Values, so the same rule
    called with Values builds a graph that can itself be differentiated (higher derivatives).
    """

    name: str
    forward: Callable[..., float]
    partials: Callable[..., tuple]
    arity: int | None = 1  # how many inputs; None means any number (sum, dot)
    params: tuple[str, ...] = ()  # constant-only arguments after the inputs, never differentiated
    defaults: tuple[float, ...] = ()  # values for the last params when a call leaves them out
    domain: tuple[tuple[float, float], ...] = ((-3.0, 3.0),)  # per input: a range where it is smooth
    samples: tuple[tuple[float, ...], ...] = ((),)  # values of the params used when checking the op
    # Which smooth piece of the op the arguments lie in (relu: the sign of x); the op is
    # differentiable wherever this does not change. None: smooth everywhere on its domain.
    piece: Callable[..., object] | None = None
    symbol: str | None = None  # an operator ('+', '**'; '-' for neg) drawn between or before its inputs
    activation: bool = False  # offered as a neuron's activation (nn, the command line)
    doc: str = ""  # one line: what the op computes (the Value method's and free function's docstring)
    # The tape's forms (autograd/tape.py): the same rules on numpy arrays, elementwise; a form
    # left None makes the tape call the float rule once per element (still exact, only slower).
    numpy_forward: Callable[..., object] | None = None  # forward(*arrays) -> array; raises outside the domain
    numpy_partials: Callable[..., tuple] | None = None  # partials(out, *arrays) -> one array or number per input
    # partials_text(out, *arguments) on names (str) -> one formula per input, for print(tape)
    partials_text: Callable[..., tuple] | None = None
    nparams: int = field(init=False, repr=False)  # len(params), read whenever a node's arguments are checked
    # where the inputs are among a node's arguments: range(arity), or None for any number of inputs
    input_positions: range | None = field(init=False, repr=False)
    # forward and partials as the engine calls them, on a node's arguments (see on_arguments)
    forward_on: Callable[[tuple], float] = field(init=False, repr=False)
    partials_on: Callable[[float, tuple], tuple] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nparams", len(self.params) if isinstance(self.params, tuple) else 0)
        nargs = None if self.arity is None or not isinstance(self.arity, int) else self.arity + self.nparams
        object.__setattr__(self, "input_positions", None if nargs is None else range(self.arity))
        object.__setattr__(self, "forward_on", on_arguments(self.forward, nargs))
        object.__setattr__(self, "partials_on", on_arguments(self.partials, nargs, after=True))
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"op name must be a Python identifier, got {self.name!r}")
        if not callable(self.forward) or not callable(self.partials):
            raise TypeError(f"op '{self.name}': forward and partials must be callables")
        if self.arity is not None and (type(self.arity) is not int or self.arity < 1):
            raise ValueError(f"op '{self.name}': arity must be a positive int or None, got {self.arity!r}")
        if self.arity is None and self.params:
            raise ValueError(f"op '{self.name}': an op with any number of inputs cannot take params")
        self._check_params()
        if self.arity is not None and len(self.domain) < self.arity:
            raise ValueError(f"op '{self.name}': domain gives {len(self.domain)} range(s) for {self.arity} inputs; "
                             "one (low, high) range per input is needed")
        for i, r in enumerate(self.domain):
            if not (isinstance(r, (tuple, list)) and len(r) == 2 and all(map(_is_finite_number, r)) and r[0] < r[1]):
                raise ValueError(f"op '{self.name}': domain range {i} is {r!r}; "
                                 "a range is (low, high), two finite numbers with low < high")
        if len(self.defaults) > len(self.params):
            raise ValueError(f"op '{self.name}': {len(self.defaults)} defaults for params {self.params!r}")
        if not self.samples:
            raise ValueError(f"op '{self.name}': samples must hold at least one tuple of param values to check it with")
        for sample in self.samples:
            if len(sample) != len(self.params):
                raise ValueError(
                    f"op '{self.name}': sample {sample!r} does not give one value per param {self.params!r}"
                )

    def _check_params(self) -> None:
        """params: a tuple of distinct names, each an identifier, not a Python keyword nor an input's name."""
        if not isinstance(self.params, tuple):
            raise TypeError(f"op '{self.name}': params must be a tuple of names, got {self.params!r}")
        inputs = argument_names(self, 0)[: self.arity]
        for p in self.params:
            if not isinstance(p, str):
                raise TypeError(f"op '{self.name}': param {p!r} must be a name (a str), got {type(p).__name__}")
            if not p.isidentifier() or keyword.iskeyword(p):
                raise ValueError(f"op '{self.name}': param {p!r} must be a name: an identifier, not a Python keyword")
            if p in inputs or self.params.count(p) > 1:
                raise ValueError(f"op '{self.name}': param {p!r} is named twice among the arguments "
                                 f"{', '.join(inputs + self.params)}")

    @property
    def nargs(self) -> int | None:
        """How many arguments a node of this op has: inputs plus params (None: any number)."""
        return None if self.arity is None else self.arity + len(self.params)


    def __repr__(self) -> str:
        return f"Op({self.name!r}, arity={self.arity}, params={self.params})"


def _is_finite_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def argument_names(op: Op, n: int) -> tuple[str, ...]:
    """The names of a node's n arguments: the op's input names, then its params."""
    if op.arity is None:
        return tuple(f"x{i}" for i in range(n))
    inputs = ("x", "y", "z")[: op.arity] if op.arity <= 3 else tuple(f"x{i}" for i in range(op.arity))
    return inputs + op.params


def numbers_of(args: tuple) -> list[float]:
    """A node's arguments as numbers: a parent's ``.data``, a constant (a float) itself."""
    # a comprehension, not map(attrgetter('data'), ...): a slot read in bytecode costs less than attrgetter's call
    return [a if a.__class__ is float else a.data for a in args]


def on_arguments(rule: Callable, n: int | None, after: bool = False) -> Callable:
    """``rule`` called on a node's arguments as numbers: a parent's ``.data``, a constant itself.

    ``rule_on(args)``, or with ``after`` ``rule_on(out, args)`` (the partials take the output
    first). One and two arguments, most nodes, are spelled out: a list built per node would cost
    more than most rules. A one-argument node's argument is always a Value (see value.apply).
    """
    if n == 1:
        if after:
            return lambda out, args: rule(out, args[0].data)
        return lambda args: rule(args[0].data)
    if n == 2:
        if after:
            def on_two(out, args):
                x, y = args
                return rule(out, x if x.__class__ is float else x.data, y if y.__class__ is float else y.data)
        else:
            def on_two(args):
                x, y = args
                return rule(x if x.__class__ is float else x.data, y if y.__class__ is float else y.data)
        return on_two
    if after:
        return lambda out, args: rule(out, *numbers_of(args))
    return lambda args: rule(*numbers_of(args))


# The registry: op name -> Op. Built-in ops are added by builtin_ops; users add theirs with
# autograd.register_op. Gradient checks, the free functions, the formula whitelist and the
# activations all enumerate this table, so no second list can drift.
OPS: dict[str, Op] = {}


def add_op(op: Op, replace: bool = False) -> Op:
    """Put an op into the table (refusing to silently overwrite one of the same name)."""
    if op.name in OPS and not replace:
        raise ValueError(f"an op named '{op.name}' is already registered; pass replace=True to redefine it")
    OPS[op.name] = op
    return op


def get_op(name: str) -> Op:
    """The registered op with this name."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"no op named {name!r}; registered ops: {', '.join(sorted(OPS))}") from None
