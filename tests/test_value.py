"""Value construction, operators on either side, comparisons, identity and bad input."""

import math
from fractions import Fraction

import numpy as np
import pytest

from autograd import OPS, DomainError, Value, backprop


@pytest.mark.parametrize("bad", ["3", None, [1.0], 1j, {"a": 1}, b"1"])
def test_non_numbers_are_rejected_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", [True, False, np.bool_(True)])
def test_bools_are_rejected(bad):
    with pytest.raises(TypeError, match="bool"):
        Value(bad)


@pytest.mark.parametrize("good, expected", [
    (3, 3.0), (2.5, 2.5), (np.float32(1.5), 1.5), (np.float64(-2.0), -2.0), (np.int64(7), 7.0),
    (Fraction(1, 4), 0.25),
])
def test_real_numbers_are_stored_as_python_floats(good, expected):
    v = Value(good)
    assert type(v.data) is float and v.data == expected
    assert v.grad == 0.0 and v.op is None and v.parents == () and v.label is None


def test_value_of_value_and_bad_label_are_type_errors():
    with pytest.raises(TypeError, match="detach"):
        Value(Value(1.0))
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_operators_with_numbers_on_either_side():
    x = Value(3.0)
    cases = {
        "x + 2": (x + 2, 5.0), "2 + x": (2 + x, 5.0), "x - 2": (x - 2, 1.0), "2 - x": (2 - x, -1.0),
        "x * 2": (x * 2, 6.0), "2 * x": (2 * x, 6.0), "x / 2": (x / 2, 1.5), "2 / x": (2 / x, 2 / 3),
        "x ** 2": (x ** 2, 9.0), "2 ** x": (2 ** x, 8.0), "-x": (-x, -3.0), "abs(-x)": (abs(-x), 3.0),
        "x ** x": (x ** x, 27.0), "x / x": (x / x, 1.0), "x - x": (x - x, 0.0),
    }
    for name, (v, expected) in cases.items():
        assert isinstance(v, Value), name
        assert math.isclose(v.data, expected), name


def test_constants_are_node_parameters_not_inputs():
    x = Value(3.0, "x")
    y = x ** 2
    assert y.parents == (x,) and y.op == "pow" and y.constants == (2.0,) and y.params == {"y": 2.0}
    assert y.primitive is OPS["pow"] and y.arguments == (x, 2.0)
    r = 2 ** x  # the same op, the constant in the other argument
    assert r.parents == (x,) and r.op == "pow" and r.arguments == (2.0, x) and r.params == {"x": 2.0}
    assert (x - 2).op == "sub" and (x - 2).arguments == (x, 2.0) and (1 / x).arguments == (1.0, x)
    assert (x * 2).op == (2 * x).op == (x * x).op == "mul"
    leaky = x.leaky_relu(0.2)
    assert leaky.parents == (x,) and leaky.params == {"slope": 0.2} and x.leaky_relu().params == {"slope": 0.01}
    z = x * x
    assert z.parents == (x, x) and z.op == "mul"
    t = x.tanh()
    assert t.parents == (x,) and t.params == {}


def test_operator_with_unsupported_type_is_a_type_error():
    x = Value(1.0)
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        "a" * x
    with pytest.raises(TypeError, match="bool"):
        x * True


def test_numpy_object_arrays_of_values_work():
    xs = np.array([Value(1.0), Value(2.0)], dtype=object)
    ys = xs * 3.0 + 1.0
    assert [y.data for y in ys] == [4.0, 7.0]


def test_comparisons_compare_data_and_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a < 2 and a <= b and b >= a and not a > b and 2.0 > a
    assert (a < b) is False and isinstance(a < b, bool)
    assert a != b and a == a  # identity, so nodes can be dictionary keys
    assert len({a, b}) == 2


def test_detach_and_repr():
    x = Value(2.0, "x")
    y = (x * 3).detach()
    assert y.is_leaf() and y.data == 6.0 and y.parents == ()
    assert "label='x'" in repr(x) and "op='mul'" in repr(x * 3)
    assert float(x) == 2.0
    loss = x * 1.23456
    assert f"{loss:.3f}" == "2.469" and f"{loss:>8.2e}" == "2.47e+00" and f"{loss}" == str(loss) == repr(loss)
    with pytest.raises(ValueError, match="Unknown format code 'd'"):
        f"{loss:d}"  # as for the float itself


@pytest.mark.parametrize("make, message", [
    (lambda: Value(-1.0, "x").log(), r"log: input must be > 0, got -1.0 \(node 'x'\)"),
    (lambda: Value(0.0).log(), "log: input must be > 0, got 0.0"),
    (lambda: Value(-0.5).sqrt(), "sqrt: input must be >= 0, got -0.5"),
    (lambda: Value(1.0) / 0, "div: division by zero"),
    (lambda: Value(1.0) / Value(0.0), "div: division by zero"),
    (lambda: 1.0 / Value(0.0), "div: division by zero"),
    (lambda: Value(-8.0) ** (1 / 3), "pow: a negative base -8.0 to the fractional power"),
    (lambda: Value(-8.0) ** Value(0.5), "pow: a negative base"),
    (lambda: Value(0.0) ** -1, "pow: 0.0 to the negative power"),
    (lambda: Value(1000.0).exp(), "exp: overflow"),
    (lambda: Value(1e200) ** 2, "pow: .* overflows"),
])
def test_outside_the_domain_names_the_op_and_value(make, message):
    with pytest.raises(DomainError, match=message) as info:
        make()
    assert "math domain error" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_negative_base_with_integer_power_is_fine():
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** Value(2.0)).data == 4.0


@pytest.mark.parametrize("x", [-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0, 1e308, -1e308])
def test_tanh_and_sigmoid_are_exact_and_finite_everywhere(x):
    t, s = Value(x).tanh().data, Value(x).sigmoid().data
    assert math.isfinite(t) and math.isfinite(s)
    assert t == math.tanh(x)
    expected = 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
    assert math.isclose(s, expected, rel_tol=1e-15, abs_tol=1e-300)


def test_zero_constants_keep_their_sign():
    x = Value(-0.0)
    plus, minus = x * 0.0, x * -0.0
    assert math.copysign(1.0, plus.constants[0]) == 1.0 and math.copysign(1.0, minus.constants[0]) == -1.0
    assert math.copysign(1.0, minus.data) == 1.0 and math.copysign(1.0, plus.data) == -1.0
    assert backprop(minus)[x] == 0.0 and math.copysign(1.0, backprop(minus)[x]) == -1.0


@pytest.mark.parametrize("make, error, message", [
    (lambda: Value(10**400), ValueError, r"Value: 1000000.*is too large for a float"),
    (lambda: Value(1.0) + 10**400, ValueError, "too large for a float"),
    (lambda: 10**400 * Value(1.0), ValueError, "too large for a float"),
    (lambda: Value(1.0).leaky_relu(10**400), ValueError, "leaky_relu: slope"),
    (lambda: Value(1.0).leaky_relu("a"), TypeError, "leaky_relu: slope"),
])
def test_numbers_beyond_the_float_range_name_the_value(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_trigonometry_of_infinity_names_the_op(name):
    import autograd

    with pytest.raises(DomainError, match=f"{name}: not defined at"):
        getattr(autograd, name)(float("inf"))
    with pytest.raises(DomainError, match=f"{name}: not defined at"):
        getattr(Value(float("inf")), name)()


def test_free_functions_on_numbers_check_params_as_the_methods_do():
    import autograd

    assert autograd.leaky_relu(-2.0, 0.5) == -1.0 == Value(-2.0).leaky_relu(0.5).data
    with pytest.raises(TypeError, match="leaky_relu: slope"):
        autograd.leaky_relu(-2.0, "steep")
    with pytest.raises(TypeError, match="leaky_relu: takes the arguments"):
        autograd.leaky_relu(-2.0, 0.5, 3.0)
    assert autograd.clamp(5.0, 0, 1) == 1.0 and isinstance(autograd.clamp(Value(5.0), 0, 1), Value)


def test_a_node_of_numbers_only_is_a_leaf():
    from autograd import OPS, apply

    assert apply(OPS["exp"], 0.0).is_leaf() and apply(OPS["mul"], 2.0, 3.0).data == 6.0


def test_dot_takes_the_ws_then_as_many_xs():
    from autograd import apply

    x, y, z = Value(1.0, "x"), Value(2.0, "y"), Value(3.0, "z")
    assert apply(OPS["dot"], x, y, z, x).data == 1.0 * 3.0 + 2.0 * 1.0
    for args in ((x, y, z), (x,)):  # an odd count has no halves: it gave dot(x, y) and dropped z
        message = f"dot: takes an even number of inputs, the ws then the xs, not {len(args)} "
        with pytest.raises(DomainError, match=message):
            apply(OPS["dot"], *args)
