"""compile(f, *inputs): the tape's leaves are f's arguments in argument order, as jax.jit takes them; the
interpreter (f called on Values) is the oracle."""

import numpy as np
import pytest

import autograd
from autograd import Value, backprop

PATHS = ("numpy", "python")


def _interpreted(f, xs):
    """f and its gradient per argument, by the interpreter on fresh leaves (0 for an argument f does not use)."""
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    grads = backprop(out)
    return out.data, [grads.get(leaf, 0.0) for leaf in leaves]


def _all_paths(tape, f, xs):
    want = _interpreted(f, xs)
    for path in PATHS:
        assert tape.value_and_grad(list(xs), path=path) == want, path
    got, grads = tape.value_and_grad([np.array([x, x]) for x in xs])  # a batch of two equal samples
    np.testing.assert_array_equal(got, [want[0]] * 2)
    np.testing.assert_array_equal(grads, [[g, g] for g in want[1]])


@pytest.mark.parametrize(("f", "examples", "replays"), [
    (lambda a, b: b - a, (1.0, 2.0), [(10.0, 0.0), (0.5, 3.0)]),  # b appears first in the graph
    (lambda a, b, c: (c * a).tanh() + b.exp() * c, (0.1, 0.2, 0.3), [(1.0, -2.0, 0.5)]),
    (lambda a, b: a * 2.0, (3.0, 4.0), [(3.0, 4.0), (-1.0, 9.0)]),  # b unused: kept, gradient 0
    (lambda a, b: b * b, (3.0, 4.0), [(5.0, 6.0)]),  # a unused, before the used one
], ids=["b-a", "three", "unused-last", "unused-first"])
def test_leaves_are_the_arguments_in_argument_order(f, examples, replays):
    tape = autograd.compile(f, *examples)
    assert tape.leaves == tape.inputs and len(tape.leaves) == len(examples)
    for k, x in enumerate(tape.inputs):
        assert tape.index(x) == k
    for xs in replays:
        _all_paths(tape, f, xs)
    assert tape.value_and_grad({tape.inputs[1]: 7.0})[0] == _interpreted(f, (examples[0], 7.0, *examples[2:]))[0]


def test_an_input_given_as_a_value_is_used_as_given_and_keeps_its_label():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    tape = autograd.compile(lambda a, b: b / a, x, y)
    assert tape.inputs == (x, y) and tape.leaves == (x, y)
    assert "over 2 leaves: x, y" in str(tape)


@pytest.mark.parametrize("f", [
    autograd.grad(lambda a: a * a * a),  # backprop's seed Value(1.0) is a leaf of the gradient's graph
    autograd.grad(autograd.grad(lambda a: a * a * a * a)),  # two seeds
    lambda a: a * Value(3.0) + Value(-0.0).exp(),  # Values made inside f
], ids=["grad", "grad-grad", "made-inside"])
def test_a_leaf_made_inside_f_is_a_constant_not_an_input(f):
    tape = autograd.compile(f, 2.0)
    assert len(tape.leaves) == 1 and tape.leaves == tape.inputs
    for x in (3.0, -1.5):
        _all_paths(tape, f, (x,))


def test_a_value_f_closes_over_is_a_constant_with_its_data_at_compile_time():
    w = Value(0.5, label="w")
    tape = autograd.compile(lambda x: x * w, 2.0)
    assert tape.leaves == tape.inputs and w not in tape.leaves
    w.data = 4.0  # as jax.jit bakes in a closed-over array: the tape keeps 0.5
    assert tape.value_and_grad([3.0]) == (1.5, [0.5])


def test_a_comparison_on_a_constant_prints_and_never_flips():
    tape = autograd.compile(lambda a: a * 2.0 if Value(2.0) > 1.0 else a, 1.0)
    assert "2.0 > 1.0 was True at" in str(tape)
    assert tape.forward([4.0]) == 8.0


def test_the_same_value_twice_or_a_value_with_a_graph_is_refused_naming_the_argument():
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match=r"example inputs 0 and 1 are the same Value .*label='x'"):
        autograd.compile(lambda a, b: a * b, x, x)
    with pytest.raises(ValueError, match=r"example input 1 is a Value with a graph \(made by 'mul'\).*detach"):
        autograd.compile(lambda a, b: a * b, 1.0, x * 2.0)
    tape = autograd.compile(lambda a, b: a * b, 1.0, (x * 2.0).detach())
    assert tape.value_and_grad([3.0, 4.0]) == (12.0, [4.0, 3.0])


def test_compiling_a_recorded_root_keeps_every_leaf_in_order_of_first_appearance():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    seed = Value(1.0, label="seed")
    tape = autograd.compile(b - a * seed)
    assert tape.leaves == (b, a, seed)


@pytest.mark.parametrize("path", PATHS)
def test_f_returning_a_constant_replays_it_with_gradient_zero_and_prints(path):
    def f(a):
        return Value(3.0)

    tape = autograd.compile(f, 1.0)
    assert tape.value_and_grad([5.0], path=path) == _interpreted(f, (5.0,)) == (3.0, [0.0])
    assert "d3.0 = 1" in str(tape)
