"""The derivative rules as create_graph and autograd.record() run them: branches that guards see, and the
same numbers as first-order backward where a derivative is infinite or undefined (the table, enumerated)."""

import itertools
import math
import random

import pytest

import autograd as ag
from autograd import OPS, DomainError, GuardError, Value, apply, backprop

TABLE = list(OPS.values())
# Points where rules branch: 0, either side of it, 1 (pow's exponent), a negative base.
GRID = (-2.0, -0.5, 0.0, 0.5, 1.0, 2.0)


def _same(a: float, b: float) -> bool:
    """Equal numbers, inf equal to inf of the same sign, nan equal to nan; else within 1e-9 relative."""
    return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _inputs(op):
    return op.arity if op.arity is not None else (4 if op.name == "dot" else 3)


def _derivative(op, params, i):
    """x -> d op(x, params) / d x_i, as a Value with its own graph (autograd.grad)."""
    return ag.grad(lambda *xs: apply(op, *xs, *params), i)


@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
def test_a_compiled_derivative_replayed_elsewhere_is_right_or_raises_never_silently_wrong(op):
    # The README's promise for value-dependent control flow, for every rule of the table: a branch a
    # rule takes on Values is a comparison autograd.record() keeps, so replaying the recorded
    # derivative at inputs where the rule would branch differently raises GuardError.
    params = op.samples[-1]
    n = _inputs(op)
    rng = random.Random(op.name)
    points = list(itertools.product(GRID, repeat=n)) if n <= 2 else [
        tuple(rng.choice(GRID) for _ in range(n)) for _ in range(30)]
    for i in range(n):
        g = _derivative(op, params, i)
        for recorded in points:
            try:
                tape = ag.compile(g, *recorded)
            except DomainError:  # not defined at the recorded point
                continue
            for replayed in rng.sample(points, min(8, len(points))):
                try:
                    eager = g(*replayed).data
                except DomainError:
                    continue
                values = {leaf: v for leaf, v in zip(tape.inputs, replayed) if leaf in tape.leaves}
                for path in ("python", "numpy"):
                    try:
                        got = tape.forward(values, path=path)
                    except (GuardError, DomainError):
                        continue
                    assert _same(got, eager), (op.name, i, recorded, replayed, path, got, eager)


def test_the_audit_s_pow_examples_raise_instead_of_giving_a_wrong_number():
    f = lambda a, b: a ** b + a * b  # noqa: E731
    by_b = ag.compile(ag.grad(f, 1), 0.0, 2.0)  # d/db at a = 0 is 0 + a, and x ** y * log(x) elsewhere
    with pytest.raises(GuardError):
        by_b.forward({by_b.inputs[0]: 2.0})  # eager: 4 * log 2 + 2 = 4.77
    by_a = ag.compile(ag.grad(f, 0), 3.0, 0.0)  # d/da at b = 0 is 0 + b
    with pytest.raises(GuardError):
        by_a.forward({by_a.inputs[1]: 2.0})  # eager: 2 * 3 + 2 = 8


@pytest.mark.parametrize("f, recorded, replayed, expected", [
    (lambda x: x ** 2.0, 1.0, -1.5, -3.0),  # a constant exponent >= 1 branches on nothing
    (lambda x: 2.0 ** x, 2.0, 0.5, 2.0 ** 0.5 * math.log(2.0)),  # nor does a constant base
    (lambda x: x ** -2.0, 3.0, 0.5, -16.0),
    (lambda x: x.sqrt(), 4.0, 2.0, 0.5 / math.sqrt(2.0)),
])
def test_a_replay_in_the_same_branch_needs_no_new_recording(f, recorded, replayed, expected):
    tape = ag.compile(ag.grad(f), recorded)
    assert math.isclose(tape.forward({tape.inputs[0]: replayed}), expected, rel_tol=1e-12)


@pytest.mark.parametrize("f, at, expected", [
    (lambda x: x.sqrt(), 0.0, math.inf),
    (lambda x: x ** 0.5, 0.0, math.inf),
    (lambda x: x ** -2.0, 1e-103, -math.inf),  # -2 * 1e309 overflows: -inf, as PyTorch
    (lambda x: x ** -2.0, -1e-103, math.inf),  # -2 * (-1e309): a negative base's sign kept
    (lambda x: x ** -3.0, -1e-80, -math.inf),
    (lambda x: 0.0 ** x, 0.5, 0.0),  # the constant base's derivative (inf) is never used
    (lambda x: x ** 0.0, 0.0, 0.0),
])
def test_create_graph_gives_first_order_s_numbers_where_a_derivative_is_infinite(f, at, expected):
    x = Value(at)
    f(x).backward()
    first_order = x.grad
    second_path = ag.grad(f)(at)
    y = Value(at)
    f(y).backward(create_graph=True)
    assert first_order == expected and second_path.data == expected and y.grad.data == expected


# Points at the edges of the domains: 0, subnormal and tiny numbers, huge ones, 1, negative bases.
EDGES = (0.0, 5e-324, 1e-103, 1e-3, 0.5, 1.0, 2.0, 1e150, -1e-103, -0.5, -2.0, math.inf, -math.inf, math.nan)


@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
def test_create_graph_and_first_order_give_the_same_derivatives_at_the_edges(op):
    n = _inputs(op)
    rng = random.Random(op.name)
    points = list(itertools.product(EDGES, repeat=n)) if n <= 2 else [
        tuple(rng.choice(EDGES) for _ in range(n)) for _ in range(100)]
    for params in op.samples:
        for xs in points:
            for constant in (None, *range(n)) if n == 2 else (None,):
                args = [x if k == constant else Value(x) for k, x in enumerate(xs)]
                try:
                    out = apply(op, *args, *params)
                except DomainError:
                    continue
                first = backprop(out)
                graphed = backprop(out, create_graph=True)
                for a in args:
                    if isinstance(a, Value):
                        assert _same(graphed[a].data, first[a]), (op.name, xs, constant, graphed[a], first[a])
