"""gradcheck, the per-node check and register_op: reports, kinks and pointing at a wrong rule."""

import math

import pytest

import autograd as ag
from autograd import OPS, GradcheckError, Value, check_graph, check_op, gradcheck, register_op
from autograd.builtin_ops import BUILTIN


def test_gradcheck_passes_and_reports_every_input():
    report = gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.4, 1.7])
    assert report.passed
    assert [r.name for r in report.rows] == ["x", "y"]
    x, y = 0.4, 1.7
    t = math.tanh(x * y)
    expected = [(1 - t * t) * y + math.exp(x) / y, (1 - t * t) * x - math.exp(x) / y**2]
    for row, e in zip(report.rows, expected):
        assert math.isclose(row.analytic, e, rel_tol=1e-12)
        assert math.isclose(row.numeric, e, rel_tol=1e-6)
        assert row.verdict == "ok" and row.abs_error < 1e-6


def test_report_prints_as_text_and_html():
    report = gradcheck(lambda a: a * a, [Value(3.0, label="a")])
    text = str(report)
    assert "analytic" in text and "numeric" in text and "a " in text and "passed" in text
    html = report._repr_html_()
    assert html.count("<tr") == 2 and "<table>" in html


def test_gradcheck_refuses_inputs_that_f_cannot_take_before_calling_it():
    calls = []

    def f(x, y):
        calls.append((x, y))
        return x * y

    with pytest.raises(TypeError, match=r"gradcheck: f\(x, y\) cannot take the 1 input\(s\) given"):
        gradcheck(f, [1.0])
    with pytest.raises(TypeError, match=r"gradcheck: f\(x, y\) cannot take the 3 input\(s\) given"):
        gradcheck(f, [1.0, 2.0, 3.0])
    assert calls == []
    assert gradcheck(lambda *xs: xs[0] * xs[1], [1.0, 2.0]).passed  # *args takes any number


def _broken_square():
    # A deliberately wrong derivative: d/dx x^2 written as x.
    return register_op("bad_square", lambda x: x * x, lambda out, x: (x,), replace=True)


def test_gradcheck_failure_names_the_input_and_shows_both_numbers():
    bad_square = _broken_square()
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda w, b: bad_square(w) + b, [Value(1.5, label="weight"), 2.0])
    message = str(info.value)
    assert "wrong derivative for weight at 1.5: analytic 1.5 vs numeric 2.9999" in message
    assert info.value.report.failures[0].name == "weight"
    report = gradcheck(lambda w, b: bad_square(w) + b, [1.5, 2.0], raise_exception=False)
    assert [r.verdict for r in report.rows] == ["FAIL", "ok"]


@pytest.mark.parametrize("fn", [lambda x: x.relu(), lambda x: abs(x), lambda x: x.leaky_relu(0.1),
                                lambda x: (x - 1.0).relu() * 3])
def test_inputs_at_a_kink_are_not_differentiable_here(fn):
    at = 1.0 if fn(Value(1.0)).data == 0.0 and fn(Value(1.5)).data > 0 else 0.0
    report = gradcheck(fn, [at], raise_exception=False)
    assert report.rows[0].verdict == "not differentiable here"
    assert report.passed  # neither a pass nor a failure
    near = gradcheck(fn, [at + 0.4e-6], raise_exception=False)
    assert near.rows[0].verdict == "not differentiable here"
    away = gradcheck(fn, [at + 0.1], raise_exception=False)
    assert away.rows[0].verdict == "ok"


def test_input_at_the_edge_of_the_domain_is_not_differentiable_here():
    report = gradcheck(lambda x: x.sqrt(), [0.0], raise_exception=False)
    assert report.rows[0].verdict == "not differentiable here"


def test_per_node_check_points_at_the_wrong_rule_by_name():
    bad_square = _broken_square()
    x = Value(0.7, label="x")
    out = (bad_square(x * 2.0) + x.tanh()).exp()
    with pytest.raises(GradcheckError, match="op 'bad_square'") as info:
        check_graph(out)
    failures = info.value.report.failures
    assert len(failures) == 1 and failures[0].name.startswith("op 'bad_square'")
    assert math.isclose(failures[0].analytic, 1.4) and math.isclose(failures[0].numeric, 2.8, rel_tol=1e-6)
    assert all(r.verdict == "ok" for r in info.value.report.rows if r is not failures[0])


def test_per_node_check_of_a_correct_graph_passes():
    xs = [Value(0.1 * i) for i in range(40)]
    out = ag.dot(xs, [x.sin() for x in xs]).tanh() + ag.sum(xs) ** 2
    report = check_graph(out)
    assert report.passed
    # 40 sin nodes, dot and sum at 16 spread positions each, then tanh, pow_const and add (2 inputs)
    assert len(report.rows) == 40 + 16 + 16 + 1 + 1 + 2


def test_registered_op_works_like_a_builtin_including_second_derivatives():
    cube = register_op("cube", lambda x: x**3, lambda out, x: (3 * x * x,), replace=True)
    x = Value(1.5)
    y = x.cube()
    assert y.op == "cube" and y.parents == (x,)
    y.backward()
    assert math.isclose(x.grad, 6.75)
    assert math.isclose(ag.grad(ag.grad(lambda v: cube(v)))(1.5).data, 9.0)
    assert check_op("cube").passed


def test_registered_op_with_constants_and_two_inputs():
    hyp = register_op("hypot2", lambda x, y, s: s * math.hypot(x, y),
                      lambda out, x, y, s: (s * s * x / out, s * s * y / out),
                      arity=2, params=("s",), domain=((0.5, 2.0), (0.5, 2.0)), samples=((2.0,),), replace=True)
    assert check_op("hypot2").passed
    report = gradcheck(lambda a, b: hyp(a, b, 2.0), [0.6, 0.8])
    assert report.passed and math.isclose(report.rows[0].analytic, 2.0 * 0.6)


def test_register_op_refuses_clashes_and_bad_definitions():
    with pytest.raises(ValueError, match="already a Value attribute"):
        register_op("detach", math.exp, lambda out, x: (out,))
    register_op("twice", lambda x: 2 * x, lambda out, x: (2.0,), replace=True)
    with pytest.raises(ValueError, match="already registered"):
        register_op("twice", lambda x: 2 * x, lambda out, x: (2.0,))
    with pytest.raises(ValueError, match="identifier"):
        register_op("not a name", abs, abs)
    with pytest.raises(TypeError, match="callables"):
        register_op("nofn", 3, abs)


def test_report_status_counts_rows_without_a_verdict():
    assert gradcheck(lambda x: x.relu(), [0.0], raise_exception=False).status == "no verdict: not differentiable here"
    mixed = gradcheck(lambda x, y: x.relu() + y * y, [0.0, 2.0], raise_exception=False)
    assert mixed.status == "passed, 1 not differentiable here" and mixed.passed and not mixed.confirmed
    assert gradcheck(lambda x, y: x * y, [2.0, 3.0]).confirmed


@pytest.mark.parametrize("partials, stops_backward", [
    (lambda out, x, y: (1.0,), True),  # too few
    (lambda out, x, y: 1.0, True),  # not a tuple
    (lambda out, x, y: (1.0, 1.0, 1.0), True),  # too many: a rule that miscounts is wrong either way
])
def test_a_rule_giving_the_wrong_number_of_derivatives_is_named(partials, stops_backward):
    fn = register_op("miscounted", lambda x, y: x + y, partials, arity=2, replace=True)
    report = check_op("miscounted", raise_exception=False)
    assert not report.passed and "one derivative per input" in report.failures[0].note
    x, y = Value(1.0), Value(2.0)
    out = fn(x, y) * 3.0
    assert not check_graph(out, raise_exception=False).passed
    if stops_backward:
        with pytest.raises(TypeError, match="miscounted: partials must return a tuple of 2 derivative"):
            out.backward()
        assert x.grad == 0.0 and y.grad == 0.0 and out.grad == 0.0  # nothing half-done
    else:
        out.backward()
        assert x.grad == 3.0 and y.grad == 3.0


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(arity=2, domain=((-1.0, 1.0),)), ValueError, "domain gives 1 range"),
    (dict(arity=True), TypeError, "arity must be a positive int"),
    (dict(partials=lambda out: (1.0,)), TypeError, r"partials must take 2 arguments"),
    (dict(forward=lambda x, y: x), TypeError, r"forward must take 1 arguments"),
])
def test_register_op_refuses_a_definition_that_cannot_work_naming_the_op(kwargs, error, message):
    definition = dict(forward=lambda x: x, partials=lambda out, x: (1.0,))
    definition.update(kwargs)
    with pytest.raises(error, match=message) as info:
        register_op("broken_op", definition.pop("forward"), definition.pop("partials"), **definition)
    assert "broken_op" in str(info.value)


@pytest.mark.parametrize("name", sorted(op.name for op in BUILTIN))
def test_a_built_in_op_cannot_be_replaced_even_with_replace_true(name):
    op, function = OPS[name], ag.FUNCTIONS.get(name)
    with pytest.raises(ValueError, match=f"'{name}' is a built-in op"):
        register_op(name, lambda *xs: 0.0, lambda out, *xs: (0.0,) * len(xs), arity=None, replace=True)
    assert OPS[name] is op and ag.FUNCTIONS.get(name) is function
    x, y = Value(3.0), Value(2.0)
    assert (x * y).data == 6.0 and ag.sum([x, y]).data == 5.0  # the engine's own ops still


def test_replace_true_still_redefines_a_user_op():
    register_op("user_twice", lambda x: 2 * x, lambda out, x: (2.0,), replace=True)
    thrice = register_op("user_twice", lambda x: 3 * x, lambda out, x: (3.0,), replace=True)
    assert thrice(2.0) == 6.0 and Value(2.0).user_twice().data == 6.0


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(domain=(0.0, 1.0)), TypeError, r"domain must be a sequence of tuples.*range 0 is 0\.0"),
    (dict(domain=[(1,)]), ValueError, r"domain range 0 is \(1\.0,\)"),
    (dict(domain=[(1.0, -1.0)]), ValueError, r"domain range 0 is \(1\.0, -1\.0\).*low < high"),
    (dict(domain=[(0.0, math.inf)]), ValueError, r"domain range 0 .*finite"),
    (dict(domain=[("a", 1.0)]), TypeError, r"domain, range 0: expected a real number, got str 'a'"),
    (dict(params=("p",), samples=[0.1, 0.2]), TypeError, r"samples must be a sequence of tuples.*sample 0 is 0\.1"),
    (dict(params=("p",), samples=[(0.1, 0.2)]), ValueError, r"sample \(0\.1, 0\.2\) does not give one value per"),
    (dict(params=("p",), samples=[]), ValueError, r"samples must hold at least one"),
    (dict(params=(1,)), TypeError, r"param 1 must be a name"),
    (dict(params=("lambda",)), ValueError, r"param 'lambda' must be a name: an identifier, not a Python keyword"),
    (dict(params=("x",)), ValueError, r"param 'x' is named twice"),
    (dict(params=("p", "p")), ValueError, r"param 'p' is named twice"),
    (dict(params="slope"), TypeError, r"params must be a sequence of names.*'slope'"),
])
def test_register_op_refuses_bad_arguments_naming_the_op_the_argument_and_the_value(kwargs, error, message):
    nparams = len(kwargs.get("params", ())) if not isinstance(kwargs.get("params"), str) else 0
    forward = (lambda x, *ps: x) if nparams else (lambda x: x)
    partials = (lambda out, x, *ps: (1.0,)) if nparams else (lambda out, x: (1.0,))
    with pytest.raises(error, match=message) as info:
        register_op("badly_made", forward, partials, **kwargs)
    assert "badly_made" in str(info.value)
    assert "badly_made" not in OPS and not hasattr(Value, "badly_made")  # nothing half-done


def test_check_op_finds_a_rule_whose_higher_derivatives_are_wrong():
    # math.cos reads a Value as its float: first derivatives right, every higher one silently 0
    register_op("sin_via_math", math.sin, lambda out, x: (math.cos(x),), replace=True)
    report = check_op("sin_via_math", raise_exception=False)
    assert not report.passed
    row = report.failures[0]
    assert row.name == "op 'sin_via_math' d(partial 0)/d(input 0)" and row.analytic == 0.0
    assert math.isclose(row.numeric, -math.sin(row.at), rel_tol=1e-4)  # the oracle: d/dx cos x = -sin x
    with pytest.raises(GradcheckError, match="sin_via_math"):
        check_op("sin_via_math")
    register_op("sin_via_autograd", math.sin, lambda out, x: (ag.cos(x),), replace=True)
    assert check_op("sin_via_autograd").passed
    assert math.isclose(ag.grad(ag.grad(lambda v: v.sin_via_autograd()))(0.7).data, -math.sin(0.7))


def test_check_op_checks_the_mixed_second_derivatives_of_a_two_input_op():
    # d/dx of d/dy (x * y) is 1; a d/dy of float(x) (the right number, but no graph) gives 0 there
    register_op("xy_wrong", lambda x, y: x * y, lambda out, x, y: (y, float(x)), arity=2, replace=True)
    report = check_op("xy_wrong", raise_exception=False)
    assert [r.name for r in report.failures][:1] == ["op 'xy_wrong' d(partial 1)/d(input 0)"]


@pytest.mark.parametrize("forms, failing", [
    (dict(numpy_forward=lambda x: x * x + 2.0), "op 'square_np' numpy_forward"),  # 6.0 where the rule gives 4.0
    (dict(numpy_partials=lambda out, x: (3.0 * x,)), "op 'square_np' numpy_partials input 0"),
    (dict(numpy_partials=lambda out, x: 2.0 * x), "op 'square_np' numpy_partials"),  # not one per input
])
def test_check_op_compares_the_numpy_forms_with_the_float_rules(forms, failing):
    square = register_op("square_np", lambda x: x * x, lambda out, x: (2.0 * x,), replace=True, **forms)
    report = check_op("square_np", raise_exception=False)
    assert not report.passed and report.failures[0].name == failing
    tape = ag.compile(lambda v: square(v), 2.0)
    if "numpy_forward" in forms:  # what the check prevents: the tape and the interpreter disagreeing silently
        assert tape.forward(path="numpy") == 6.0 != square(2.0)
    register_op("square_np", lambda x: x * x, lambda out, x: (2.0 * x,), replace=True,
                numpy_forward=lambda x: x * x, numpy_partials=lambda out, x: (2.0 * x,))
    assert check_op("square_np").passed
