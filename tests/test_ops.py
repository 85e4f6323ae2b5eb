"""Every op in the table, enumerated: first and second derivatives against central differences."""

import random

import pytest
from oracle import central_diff, close

from autograd import OPS, Op, Value, apply, backprop, check_op

# Enumerate the table itself (not a second list that could drift): each op with each sample of
# its params, and for a two-input op also with either input a constant (x * 2, 2 ** x).
TABLE = list(OPS.values())
CASES = [(op, params, constant) for op in TABLE for params in op.samples
         for constant in ((None, 0, 1) if op.arity == 2 else (None,))]
IDS = [f"{op.name}{list(p) if p else ''}{'' if c is None else f'-const{c}'}" for op, p, c in CASES]


def _points(op, n_points=6, seed=0, params=()):
    """Random points of the op's declared smooth domain, kept clear of its kinks."""
    rng = random.Random(f"{op.name}-{seed}")
    n = op.arity if op.arity is not None else 3
    ranges = list(op.domain) if op.arity is not None else [op.domain[0]] * (2 * n if op.name == "dot" else n)
    points = []
    while len(points) < n_points:
        xs = [rng.uniform(lo, hi) for lo, hi in ranges]
        if op.piece is not None and len({op.piece(*ys, *params) for ys in _nearby(xs, 1e-2)}) > 1:
            continue
        points.append(xs)
    return points


def _nearby(xs, h):
    yield xs
    for i in range(len(xs)):
        for s in (h, -h):
            yield [*xs[:i], xs[i] + s, *xs[i + 1:]]


def _forward(op, params):
    return lambda *xs: op.forward(*xs, *params)


def _arguments(xs, constant):
    """Leaves for the inputs, except the one at position ``constant``, which stays a number."""
    return [x if i == constant else Value(x) for i, x in enumerate(xs)]


def _first_derivatives(op, params, xs, constant=None):
    """Backward's gradient of the op, as floats, for every input that is a Value."""
    args = _arguments(xs, constant)
    grads = backprop(apply(op, *args, *params))
    return [None if i == constant else grads.get(a, 0.0) for i, a in enumerate(args)]


def test_the_table_holds_the_new_ops():
    assert {"softplus", "elu", "gelu", "erf", "silu", "log1p", "expm1", "tan", "atan", "max", "min",
            "clamp"} <= set(OPS)


@pytest.mark.parametrize("op, params, constant", CASES, ids=IDS)
def test_first_derivatives_match_central_differences(op, params, constant):
    for xs in _points(op, params=params):
        analytic = _first_derivatives(op, params, xs, constant)
        for i in range(len(xs)):
            if i == constant:
                continue
            numeric = central_diff(_forward(op, params), xs, i)
            assert close(analytic[i], numeric), (op.name, xs, i, analytic[i], numeric)


@pytest.mark.parametrize("op, params, constant", CASES, ids=IDS)
def test_second_derivatives_match_central_differences_of_the_first(op, params, constant):
    for xs in _points(op, n_points=4, params=params):
        args = _arguments(xs, constant)
        first = backprop(apply(op, *args, *params), create_graph=True)
        for i, a in enumerate(args):
            if i == constant:
                continue
            g = first.get(a, 0.0)
            second = backprop(g) if isinstance(g, Value) else {}
            for j in range(len(xs)):
                if j == constant:
                    continue
                analytic = second.get(args[j], 0.0)
                first_i = lambda *ys, i=i: _first_derivatives(op, params, ys, constant)[i]  # noqa: E731
                numeric = central_diff(first_i, xs, j, h=1e-5)
                assert close(analytic, numeric, rtol=1e-4, atol=1e-5), (op.name, xs, i, j, analytic, numeric)


@pytest.mark.parametrize("name", sorted(OPS))
def test_check_op_passes_for_every_registered_op(name):
    report = check_op(name)
    assert report.passed and report.rows


def test_check_op_fails_on_a_wrong_rule():
    wrong = Op("wrong_square", lambda x: x * x, lambda out, x: (x,))  # should be 2x
    report = check_op(wrong, raise_exception=False)
    assert not report.passed
