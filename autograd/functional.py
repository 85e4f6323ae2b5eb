"""Gradients as functions: grad(f) and value_and_grad(f), composable for higher derivatives."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .engine import backprop
from .switches import enable_grad
from .value import Value


def _as_value(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


def value_and_grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning (f(*args), df/d args[argnums]); the gradient is a Value with its own graph."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    if not nums or not all(isinstance(i, int) and not isinstance(i, bool) for i in nums):
        raise TypeError(f"value_and_grad: argnums must be an int or a sequence of ints, got {argnums!r}")

    def value_and_grad_f(*args):
        for i in nums:
            if not -len(args) <= i < len(args):
                raise ValueError(f"grad: argnums {i} is out of range for {len(args)} argument(s)")
        # A Value argument is used as it is (so grad(grad(f)) differentiates through the inner
        # gradient); a number becomes a fresh leaf.
        args = list(args)
        for i in nums:
            args[i] = _as_value(args[i])
        with enable_grad():
            out = f(*args)
            if not isinstance(out, Value):
                raise TypeError(f"grad: f must return a Value, got {type(out).__name__} {out!r}")
            grads = backprop(out, create_graph=True)
        found = tuple(_as_value(grads.get(args[i], 0.0)) for i in nums)
        return out, (found[0] if single else found)

    return value_and_grad_f


def grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning df/d args[argnums] as a Value; grad(grad(f)) gives the second derivative."""
    vg = value_and_grad(f, argnums)

    def grad_f(*args):
        return vg(*args)[1]

    return grad_f
