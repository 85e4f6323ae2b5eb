"""The op table: every primitive's forward rule, local partial derivatives and domain, declared once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class DomainError(ValueError):
    """An op was applied outside the inputs where it is defined (log of 0, division by zero, ...)."""


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive of the engine.

    ``forward(*inputs, *params)`` computes the output from the inputs' data and the node's
    constants. ``partials(out, *inputs, *params)`` returns d(out)/d(input) for each input; it
    must use only arithmetic and ``autograd.functions`` so that, called with ``Value`` s, it
    builds a graph that can itself be differentiated (higher-order derivatives).
    """

    name: str
    forward: Callable[..., float]
    partials: Callable[..., tuple]
    arity: int | None = 1  # number of Value inputs; None means any number (sum, dot)
    params: tuple[str, ...] = ()  # names of the constants stored on the node (x ** 2 stores 2)
    kinks: tuple[float, ...] = ()  # points of the single input where the op is not differentiable
    domain: tuple[tuple[float, float], ...] = ((-3.0, 3.0),)  # per-input ranges where it is smooth
    samples: tuple[tuple[float, ...], ...] = ((),)  # constant values used when checking the op
    symbol: str | None = None  # how drawings show it ('+', '*', ...); the name if None
    bare: bool = field(init=False)  # one input, no constants: the node stores its parent directly
    nparams: int = field(init=False)  # how many constants a node stores after its inputs

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"op name must be a Python identifier, got {self.name!r}")
        if not callable(self.forward) or not callable(self.partials):
            raise TypeError(f"op '{self.name}': forward and partials must be callables")
        if self.arity is not None and (not isinstance(self.arity, int) or self.arity < 1):
            raise ValueError(f"op '{self.name}': arity must be a positive int or None, got {self.arity!r}")
        if self.arity is None and self.params:
            raise ValueError(f"op '{self.name}': an op with any number of inputs cannot take constants")
        if self.kinks and self.arity != 1:
            raise ValueError(f"op '{self.name}': kinks are supported for one-input ops only")
        for sample in self.samples:
            if len(sample) != len(self.params):
                raise ValueError(
                    f"op '{self.name}': sample {sample!r} does not give one value per param {self.params!r}"
                )
        object.__setattr__(self, "bare", self.arity == 1 and not self.params)
        object.__setattr__(self, "nparams", len(self.params))

    def __repr__(self) -> str:
        return f"Op({self.name!r}, arity={self.arity}, params={self.params})"


# The registry: op name -> Op. Built-in ops are added by builtin_ops; users add theirs with
# autograd.register_op. Gradient checks enumerate this table, so no second list can drift.
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
