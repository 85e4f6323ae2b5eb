"""NaN in, NaN out: the piecewise ops (abs, relu, leaky_relu, elu, max, min, clamp) propagate a NaN forward, give it
NaN derivatives, and the compiled tape's numpy forms do the same as the interpreter."""

import math

import pytest

import autograd as ag
from autograd import Value, backprop

NAN = math.nan
# (the op applied to the Values, the Values' data): each has a NaN among its inputs
CASES = {
    "relu": (lambda x: x.relu(), [NAN]),
    "leaky_relu": (lambda x: x.leaky_relu(0.2), [NAN]),
    "elu": (lambda x: x.elu(), [NAN]),
    "max nan first": (lambda x, y: x.max(y), [NAN, 1.0]),
    "max nan second": (lambda x, y: x.max(y), [1.0, NAN]),
    "min nan first": (lambda x, y: x.min(y), [NAN, 1.0]),
    "min nan second": (lambda x, y: x.min(y), [1.0, NAN]),
    "clamp": (lambda x: x.clamp(-1.0, 1.0), [NAN]),
    "abs": (lambda x: abs(x), [NAN]),
}


@pytest.mark.parametrize("name", CASES)
def test_a_nan_input_gives_a_nan_output_and_nan_derivatives(name):
    f, data = CASES[name]
    xs = [Value(d) for d in data]
    out = f(*xs)
    grads = backprop(out)
    assert math.isnan(out.data)
    assert all(math.isnan(grads[x]) for x in xs), grads  # no input is handed a made-up share of the gradient


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("path", ["python", "numpy"])
def test_the_tape_propagates_nan_as_the_interpreter_does(name, path):
    f, data = CASES[name]
    tape = ag.compile(f, *[2.0] * len(data))  # recorded at ordinary numbers, replayed with a NaN
    value = tape.forward(dict(zip(tape.inputs, data)), path=path)
    grads = tape.backward()
    assert math.isnan(value) and all(math.isnan(g) for g in grads), (value, grads)


def test_a_batch_with_one_nan_sample_leaves_the_other_samples_numbers_alone():
    import numpy as np

    tape = ag.compile(lambda x, y: x.max(y) + x.relu() + x.clamp(0.0, 1.0), 0.5, 0.25)
    value = tape.forward([np.array([0.5, NAN]), np.array([0.25, 0.25])])  # a batch: the numpy path
    assert value[0] == 0.5 + 0.5 + 0.5 and math.isnan(value[1])


def test_ordinary_ties_and_sides_are_unchanged():
    x, y = Value(1.0), Value(1.0)
    grads = backprop(x.max(y))
    assert (grads[x], grads[y]) == (0.5, 0.5)  # a tie splits, as PyTorch's maximum
    z = Value(-0.5)
    assert z.relu().data == 0.0 and backprop(z.relu())[z] == 0.0
    assert backprop(z.leaky_relu(0.2))[z] == 0.2 and backprop(z.clamp(0.0, 1.0))[z] == 0.0


def test_abs_of_nan_has_a_nan_derivative_and_keeps_its_signs_elsewhere():
    xs = [Value(v) for v in (NAN, -2.0, 0.0, 3.0)]
    grads = [backprop(abs(x))[x] for x in xs]
    assert math.isnan(grads[0]) and grads[1:] == [-1.0, 0.0, 1.0]
