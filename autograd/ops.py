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
    constants: tuple[float, ...] = ()  # a bound op's values for its base's params (see bind)
    base: Op | None = None  # a bound op's op in the table
    bare: bool = field(init=False)  # one input, no constants: the node stores its parent directly
    nparams: int = field(init=False)  # how many constants the op takes after its inputs
    bound: dict | None = field(init=False, repr=False)  # an op with params: itself bound, by constants (bind)

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
        object.__setattr__(self, "bound", {} if self.params else None)

    @property
    def unbound(self) -> Op:
        """The op in the table: itself, or the op a bound op fixes the constants of."""
        return self.base or self

    def __repr__(self) -> str:
        if self.base is not None:
            return f"Op({self.name!r}, arity={self.arity}, bound to {dict(zip(self.base.params, self.constants))})"
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


# Bound ops, shared: every node of ``x + 1.0`` refers to the same add_const-bound-to-1.0, so a
# node stores only its inputs (a one-input node its parent, bare) and the constant costs nothing
# per node. Each op keeps its own in ``op.bound``, by its constant (or tuple of constants), so
# the lookup on every ``x + c`` hashes one float. Bounded: when full it is emptied, and the
# nodes keep the bound ops they use alive.
_BOUND_MAX = 4096


def bind(op: Op, constants: tuple[float, ...]) -> Op:
    """``op`` with its constants fixed: the op a node such as ``x ** 2`` refers to."""
    key = constants[0] if len(constants) == 1 else constants
    cache = op.bound
    bound = cache.get(key)
    if bound is not None and all(c != 0.0 for c in constants):  # 0.0 == -0.0: never share a zero
        return bound
    forward, partials = op.forward, op.partials
    if len(constants) == 1 and op.arity == 1:  # the common case (x ** 2, x + 1.0), without packing *xs
        (c,) = constants
        bound_forward = lambda x: forward(x, c)  # noqa: E731
        bound_partials = lambda out, x: partials(out, x, c)  # noqa: E731
    else:
        bound_forward = lambda *xs: forward(*xs, *constants)  # noqa: E731
        bound_partials = lambda out, *xs: partials(out, *xs, *constants)  # noqa: E731
    bound = Op(op.name, bound_forward, bound_partials, arity=op.arity, kinks=op.kinks, domain=op.domain,
               symbol=op.symbol, constants=tuple(constants), base=op)
    if len(cache) >= _BOUND_MAX:
        cache.clear()
    cache[key] = bound
    return bound
