"""The tape's checks of what it is given (leaf values, wrt) and of a rule that miscounts: the engine's rules and
errors (as_number, backprop's TypeError), on every replay path."""

import numpy as np
import pytest

import autograd
from autograd import Value, register_op

PATHS = ("numpy", "python")


def _tape():
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    return autograd.compile(x * y + x)


def _engine_error(value) -> type:
    """The error the engine's own number check raises for value (the oracle for a number's verdict)."""
    with pytest.raises((TypeError, ValueError)) as caught:
        Value(value)
    return caught.type


@pytest.mark.parametrize("value", [True, np.bool_(True), np.array(True), np.array([True, False]),
                                   np.array([1 + 2j]), np.array(1 + 0j), np.complex128(1), 1j,
                                   np.array(["a"]), np.array("a"), "a", np.array([1.0, None], dtype=object)],
                         ids=["bool", "np.bool_", "0-d bool", "bool array", "complex array", "0-d complex",
                              "np.complex128", "complex", "str array", "0-d str", "str", "object array"])
@pytest.mark.parametrize("how", ["list", "dict"])
@pytest.mark.filterwarnings("error")  # numpy's ComplexWarning on dropping an imaginary part fails it too
def test_a_value_that_is_not_real_numbers_is_a_type_error_naming_the_leaf(value, how):
    tape = _tape()
    y = tape.leaves[1]
    given = [0.5, value] if how == "list" else {y: value}
    with pytest.raises(TypeError, match=r"^tape\.forward: leaf 1 \('y'\)") as caught:
        tape.forward(given)
    scalar = value.item() if getattr(value, "ndim", None) == 0 else value
    if not hasattr(scalar, "ndim") and not isinstance(scalar, str):  # a number: the engine says the same
        assert _engine_error(scalar) is TypeError
        assert str(caught.value).split(": ", 2)[-1] == _engine_message(scalar)
    assert tape.forward([0.5, 3.0]) == 2.0  # nothing half-done: the next forward replays


def _engine_message(value) -> str:
    with pytest.raises(TypeError) as caught:
        autograd.as_number(value, "X")
    return str(caught.value).removeprefix("X: ")


def test_a_bool_array_is_refused_as_the_engine_refuses_a_bool():
    with pytest.raises(TypeError, match=r"leaf 0 \('x'\): got an array of bools .*astype\(float\)"):
        _tape().forward([np.array([True, False]), 1.0])
    with pytest.raises(TypeError, match=r"leaf 0 \('x'\): expected real numbers, got an array of complex128"):
        _tape().forward(np.array([[1.0, 2.0], [1j, 2.0]]))  # one complex array of rows: checked row by row


@pytest.mark.parametrize("value", [np.float32(0.25), np.int64(3), np.array(0.25), np.array([1, 2], dtype=np.int8),
                                   np.array([0.5, -1.0], dtype=np.float32), 7],
                         ids=["np.float32", "np.int64", "0-d float", "int8 array", "float32 array", "int"])
def test_real_numbers_of_any_numpy_kind_replay_as_floats(value):
    tape = _tape()
    x = np.asarray(value, dtype=float)
    got = tape.forward([x if x.ndim else float(x), 2.0])
    np.testing.assert_array_equal(tape.forward([value, 2.0]), got)
    np.testing.assert_array_equal(got, x * 2.0 + x)


@pytest.mark.parametrize("wrt", [{0}, frozenset({0, 1}), {0: "x"}, {0: 1}.keys()], ids=["set", "frozenset", "dict",
                                                                                          "keys"])
def test_wrt_without_an_order_is_refused(wrt):
    tape = _tape()
    tape.forward([1.0, 2.0])
    with pytest.raises(TypeError, match=r"wrt must be a sequence of leaf positions .*a set has none"):
        tape.backward(wrt=wrt)
    assert tape.backward(wrt=[1, 0]) == [1.0, 3.0] and tape.backward(wrt=np.array([0])) == [3.0]


@pytest.mark.parametrize("partials", [
    lambda out, x, y: (1.0,),  # too few
    lambda out, x, y: (1.0, 1.0, 1.0),  # too many
    lambda out, x, y: 1.0,  # not a tuple
], ids=["too-few", "too-many", "not-a-tuple"])
@pytest.mark.parametrize("path", PATHS)
def test_partials_giving_the_wrong_count_is_the_engines_type_error_on_every_path(partials, path):
    fn = register_op("tape_miscounted", lambda x, y: x + y, partials, arity=2, replace=True)
    x, y = Value(1.0), Value(2.0)
    out = fn(x, y) * 3.0
    with pytest.raises(TypeError) as engine:
        out.backward()
    tape = autograd.compile(out)
    tape.forward(path=path)
    with pytest.raises(TypeError) as replay:
        tape.backward()
    assert str(replay.value) == str(engine.value)
    assert str(replay.value).startswith("tape_miscounted: partials must return a tuple of 2 derivative(s)")


@pytest.mark.parametrize("path", PATHS)
def test_a_rule_outside_its_domain_in_backward_is_still_a_domain_error(path):
    def partials(out, x, y):
        raise ValueError("no slope here")

    fn = register_op("tape_no_slope", lambda x, y: x + y, partials, arity=2, replace=True)
    tape = autograd.compile(fn(Value(1.0), Value(2.0)) * 3.0)
    tape.forward(path=path)
    with pytest.raises(autograd.DomainError, match=r"tape_no_slope: derivative rule failed at inputs \[1\.0, 2\.0\]"):
        tape.backward()
