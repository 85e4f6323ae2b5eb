"""Every op in the table, enumerated: first and second derivatives against central differences."""

import random

import pytest
from oracle import central_diff, close

from autograd import OPS, Value, backprop, check_op
from autograd.builtin_ops import BUILTIN
from autograd.value import apply

# Enumerate the table itself (not a second list that could drift): each op with each sample constant.
CASES = [(op, consts) for op in BUILTIN for consts in op.samples]
IDS = [f"{op.name}{list(c) if c else ''}" for op, c in CASES]


def _points(op, n_points=6, seed=0):
    """Random points of the op's declared smooth domain, kept clear of its kinks."""
    rng = random.Random(f"{op.name}-{seed}")
    n = op.arity if op.arity is not None else 3
    ranges = list(op.domain) if op.arity is not None else [op.domain[0]] * (2 * n if op.name == "dot" else n)
    points = []
    while len(points) < n_points:
        xs = [rng.uniform(lo, hi) for lo, hi in ranges]
        if op.kinks and any(abs(xs[0] - k) < 1e-2 for k in op.kinks):
            continue
        points.append(xs)
    return points


def _forward(op, consts):
    return lambda *xs: op.forward(*xs, *consts)


def _first_derivatives(op, consts, xs):
    """Backward's gradient of the op, as floats, for every input."""
    leaves = [Value(x) for x in xs]
    out = apply(op, *leaves, *consts)
    grads = backprop(out)
    return [grads.get(leaf, 0.0) for leaf in leaves]


def test_every_builtin_op_is_in_the_table():
    assert {op.name for op in BUILTIN} <= set(OPS)
    assert len(CASES) >= len(BUILTIN)


@pytest.mark.parametrize("op, consts", CASES, ids=IDS)
def test_first_derivatives_match_central_differences(op, consts):
    for xs in _points(op):
        analytic = _first_derivatives(op, consts, xs)
        for i in range(len(xs)):
            numeric = central_diff(_forward(op, consts), xs, i)
            assert close(analytic[i], numeric), (op.name, xs, i, analytic[i], numeric)


@pytest.mark.parametrize("op, consts", CASES, ids=IDS)
def test_second_derivatives_match_central_differences_of_the_first(op, consts):
    for xs in _points(op, n_points=4):
        leaves = [Value(x) for x in xs]
        out = apply(op, *leaves, *consts)
        first = backprop(out, create_graph=True)
        for i, leaf in enumerate(leaves):
            g = first.get(leaf, 0.0)
            second = backprop(g) if isinstance(g, Value) else {}
            for j in range(len(xs)):
                analytic = second.get(leaves[j], 0.0)
                first_i = lambda *ys, i=i: _first_derivatives(op, consts, ys)[i]  # noqa: E731
                numeric = central_diff(first_i, xs, j, h=1e-5)
                assert close(analytic, numeric, rtol=1e-4, atol=1e-5), (op.name, xs, i, j, analytic, numeric)


@pytest.mark.parametrize("name", sorted(OPS))
def test_check_op_passes_for_every_registered_op(name):
    report = check_op(name)
    assert report.passed and report.rows


def test_check_op_fails_on_a_wrong_rule():
    from autograd import Op

    wrong = Op("wrong_square", lambda x: x * x, lambda out, x: (x,))  # should be 2x
    report = check_op(wrong, raise_exception=False)
    assert not report.passed
