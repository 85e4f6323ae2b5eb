"""Property tests: random expressions over the op set agree with central differences."""

import math

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import DomainError, Value, gradcheck, topological_order

UNARY = {
    "neg": lambda a: -a, "abs": abs, "exp": lambda a: a.exp(), "log": lambda a: a.log(),
    "sqrt": lambda a: a.sqrt(), "tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(), "leaky": lambda a: a.leaky_relu(0.1), "sin": lambda a: a.sin(),
    "cos": lambda a: a.cos(), "square": lambda a: a**2, "cube": lambda a: a**3, "recip": lambda a: 1.0 / a,
    "shift": lambda a: a + 1.5, "rsub": lambda a: 2.0 - a, "scale": lambda a: a * -0.7, "half": lambda a: a / 2.0,
    "two_pow": lambda a: 2.0**a,
}
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b, "sum": lambda a, b: ag.sum([a, b, a]), "dot": lambda a, b: ag.dot([a, b], [b, a]),
}

leaf = st.sampled_from(["x", "y", "z"])
# Points of ordinary magnitude: at 1e-160, x + x/x loses the 1 to float cancellation (as in any
# float64 engine), which says nothing about the derivative rules.
coordinate = st.floats(-2.0, 2.0, allow_nan=False).filter(lambda v: v == 0.0 or abs(v) > 1e-3)
point = st.tuples(coordinate, coordinate, coordinate)
expr = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), inner),
        st.tuples(st.sampled_from(sorted(BINARY)), inner, inner),
    ),
    max_leaves=6,
)


def evaluate(tree, env):
    """The expression tree applied to Values (or anything with the same operators)."""
    if isinstance(tree, str):
        return env[tree]
    if len(tree) == 2:
        return UNARY[tree[0]](evaluate(tree[1], env))
    return BINARY[tree[0]](evaluate(tree[1], env), evaluate(tree[2], env))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(tree=expr, point=point)
def test_random_expressions_agree_with_central_differences(tree, point):
    f = lambda x, y, z: evaluate(tree, {"x": x, "y": y, "z": z})  # noqa: E731
    try:
        out = f(*[Value(p) for p in point])
    except DomainError:
        assume(False)
    assume(isinstance(out, Value) and math.isfinite(out.data) and abs(out.data) < 1e4)
    # 0 ** y is singular in y (the slope is log 0); the engine gives 0 there, as PyTorch does.
    assume(not any(n.op == "pow" and n.parents[0].data == 0.0 for n in topological_order(out)))
    report = gradcheck(f, list(point), eps=1e-6, atol=1e-4, rtol=1e-3, raise_exception=False)
    for row in report.rows:
        # Central differences lose accuracy where f is steep or curved on the scale of eps; an
        # infinite slope times a zero one is nan in float arithmetic (sqrt(relu(x)) at x < 0).
        assume(row.verdict != "not differentiable here")
        assume(all(math.isfinite(v) and abs(v) < 1e4 for v in (row.numeric, row.analytic)))
    assert report.passed, str(report)


@settings(max_examples=100, deadline=None)
@given(tree=expr, point=point)
def test_backward_twice_doubles_every_gradient(tree, point):
    leaves = [Value(p) for p in point]
    try:
        out = evaluate(tree, dict(zip("xyz", leaves)))
    except DomainError:
        assume(False)
    assume(isinstance(out, Value))
    out.backward()
    first = [leaf.grad for leaf in leaves]
    out.backward()
    for g1, leaf in zip(first, leaves):
        assert leaf.grad == 2 * g1 or (math.isnan(g1) and math.isnan(leaf.grad))
