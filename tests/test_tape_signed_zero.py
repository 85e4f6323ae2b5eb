"""At the signed zeros, where a derivative may be infinite, every one-input op of the table gives the
same value and derivative (an infinity's sign included) through the tape's Python and numpy replays as
through the interpreter (sqrt'(-0.0) was -inf in numpy, +inf in the float rule)."""

import math

import pytest

import autograd as ag
from autograd import DomainError, Value, backprop

UNARY = [name for name, op in ag.OPS.items() if op.arity == 1 and not op.params]


def _same(a: float, b: float) -> bool:
    """Equal, an infinity's sign included (a zero's sign is not: the tape sums into 0.0, so -0.0 + 0.0 is 0.0)."""
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_signed_zero_through_the_tape_as_through_the_interpreter(name, zero):
    op = ag.OPS[name]
    x = Value(zero)
    try:
        out = ag.apply(op, x)
    except DomainError:  # not defined there (log): the tape, recorded elsewhere, refuses it too
        tape = ag.compile(lambda a: ag.apply(op, a), 0.5)
        for path in ("python", "numpy"):
            with pytest.raises(DomainError):
                tape.value_and_grad([zero], path=path)
        return
    grad = backprop(out)[x]
    tape = ag.compile(lambda a: ag.apply(op, a), zero)
    for path in ("python", "numpy"):
        value, (g,) = tape.value_and_grad([zero], path=path)
        assert _same(value, out.data) and _same(g, grad), (path, value, g, out.data, grad)
