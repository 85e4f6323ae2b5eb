"""The compiled tape against the eager engine: every op of the table, batches, both replays, guards and the printout."""

import math
import random
import re

import numpy as np
import pytest

import autograd
from autograd import OPS, DomainError, GuardError, Value, apply, backprop, register_op
from autograd.tape_guards import LOG

RTOL = 1e-12
PATHS = ("numpy", "python")
# Enumerate the table itself: each op with each sample of its params, and for a two-input op
# with either input a constant (x * 2, 2 ** x).
CASES = [(op, params, constant) for op in OPS.values() for params in op.samples
         for constant in ((None, 0, 1) if op.arity == 2 else (None,))]
IDS = [f"{op.name}{list(p) if p else ''}{'' if c is None else f'-const{c}'}" for op, p, c in CASES]


def _ranges(op):
    if op.arity is not None:
        return list(op.domain[: op.arity])
    return [op.domain[0]] * (6 if op.name == "dot" else 3)


def _eager(root, leaves):
    grads = backprop(root)
    return root.data, [grads.get(leaf, 0.0) for leaf in leaves]


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=RTOL, atol=1e-300)


def _graph_of(op, params, constant, xs):
    """A graph around one node of op: its output used twice (a shared node) and an input reused."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    inputs = [x if i == constant else leaf for i, (x, leaf) in enumerate(zip(xs, leaves))]
    node = apply(op, *inputs, *params)
    root = node * node + node * leaves[-1 if constant != len(xs) - 1 else 0]
    return root, [leaf for i, leaf in enumerate(leaves) if i != constant]


@pytest.mark.parametrize(("op", "params", "constant"), CASES, ids=IDS)
@pytest.mark.parametrize("path", PATHS)
def test_every_op_replays_the_eager_values_and_gradients(op, params, constant, path):
    rng = random.Random(f"{op.name}-{params}-{constant}")
    for _ in range(3):
        xs = [rng.uniform(lo, hi) for lo, hi in _ranges(op)]
        root, leaves = _graph_of(op, params, constant, xs)
        tape = autograd.compile(root)
        want, want_grads = _eager(root, tape.leaves)
        assert set(tape.leaves) == set(leaves)
        got, grads = tape.value_and_grad(path=path)
        _close(got, want)
        _close(grads, want_grads)


@pytest.mark.parametrize(("op", "params", "constant"), CASES, ids=IDS)
def test_every_op_batched_matches_eager_sample_by_sample(op, params, constant):
    rng = random.Random(f"batch-{op.name}-{params}-{constant}")
    n = 5
    columns = [[rng.uniform(lo, hi) for _ in range(n)] for lo, hi in _ranges(op)]
    root, _ = _graph_of(op, params, constant, [c[0] for c in columns])
    tape = autograd.compile(root)
    # the first leaf varies over the batch, the others are floats shared by every sample
    labels = [leaf.label for leaf in tape.leaves]
    values = [np.array(columns[int(label[1:])]) if k == 0 else columns[int(label[1:])][0]
              for k, label in enumerate(labels)]
    out, grads = tape.value_and_grad(values)
    assert out.shape == (n,) and all(g.shape == (n,) for g in grads)
    for s in range(n):
        sample = [v[s] if isinstance(v, np.ndarray) else v for v in values]
        xs = [c[0] for c in columns]
        for label, v in zip(labels, sample):
            xs[int(label[1:])] = v
        eager_root, _ = _graph_of(op, params, constant, xs)
        eager_tape_order = autograd.compile(eager_root).leaves  # the same leaf order, from the same code
        want, want_grads = _eager(eager_root, eager_tape_order)
        _close(out[s], want)
        _close([g[s] for g in grads], want_grads)


def _random_graph(seed, n_leaves=6, n_nodes=120):
    """A random graph over the ops defined on the whole line, with sums, dots, constants and shared nodes."""
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1.5, 1.5), label=f"v{i}") for i in range(n_leaves)]
    pool = list(leaves)
    unary = ["tanh", "sin", "cos", "sigmoid", "atan", "softplus", "silu", "relu", "exp", "erf", "gelu", "__neg__"]
    for _ in range(n_nodes):
        kind = rng.random()
        a, b = rng.choice(pool), rng.choice(pool)
        if kind < 0.3:
            node = getattr(a.clamp(-3, 3), rng.choice(unary))() if rng.random() < 0.5 else a.clamp(-3, 3).tanh()
        elif kind < 0.55:
            node = rng.choice([a + b, a - b, a * b, a * a, 2.0 - a, a * 0.5, a.max(b), a.min(b)])
        elif kind < 0.7:
            node = autograd.sum(rng.sample(pool, min(len(pool), rng.randint(1, 5))))
        elif kind < 0.85:
            k = min(rng.randint(1, 4), len(pool))
            node = autograd.dot(rng.sample(pool, k), [rng.choice(pool) for _ in range(k)])
        else:
            node = (a.tanh() + 1.5) ** rng.choice([2.0, 0.5, -1.0]) + 1.0 / (b.sigmoid() + 0.5)
        pool.append(node.tanh() if abs(node.data) > 3 else node)
    return autograd.sum(pool[-20:]), leaves


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("path", PATHS)
def test_random_graphs_replay_the_eager_numbers_for_new_leaf_values(seed, path):
    root, _ = _random_graph(seed)
    tape = autograd.compile(root)
    rng = random.Random(seed + 100)
    new = {leaf: rng.uniform(-1.5, 1.5) for leaf in tape.leaves}
    out, grads = tape.value_and_grad(new, path=path)
    for leaf, v in new.items():
        leaf.data = v
    eager = _recompute(root)  # the interpreter on the same structure at the new values
    want, want_grads = _eager(eager, tape.leaves)
    _close(out, want)
    _close(grads, want_grads)


def _recompute(root):
    """root's graph evaluated again, node by node, on its leaves' current data (the eager engine's own rules)."""
    made = {}
    for node in autograd.topological_order(root):
        if node.is_leaf():
            made[node] = node
        else:
            made[node] = apply(node.primitive, *[made[a] if isinstance(a, Value) else a for a in node.arguments])
    return made[root]


def test_a_wide_graph_runs_in_few_numpy_calls_and_is_chosen_automatically():
    rng = random.Random(3)
    w = [Value(rng.gauss(0, 1)) for _ in range(8)]
    losses = []
    for _ in range(300):  # one neuron over 300 samples: one graph, 300 nodes per level
        x = [rng.gauss(0, 1) for _ in range(8)]
        losses.append((autograd.dot(w, x).tanh() - 0.5) ** 2)
    root = autograd.sum(losses)
    tape = autograd.compile(root)
    assert tape.calls <= 6
    assert type(tape._plan("auto", None)).__name__ == "NumpyPlan"
    want, want_grads = _eager(root, tape.leaves)
    out, grads = tape.value_and_grad()
    _close(out, want)
    _close(grads, want_grads)


def test_weights_shared_by_samples_and_inputs_shared_by_neurons_get_the_eager_gradients():
    # two layers over 6 samples in one tape: each weight recurs once per sample, each hidden
    # value once per neuron of the next layer, each bias once per sample, and x * x twice
    rng = random.Random("shared-slots")
    w1 = [[Value(rng.uniform(-1, 1), label=f"w1{j}{i}") for i in range(3)] for j in range(4)]
    b1 = [Value(rng.uniform(-1, 1), label=f"b1{j}") for j in range(4)]
    w2 = [[Value(rng.uniform(-1, 1), label=f"w2{j}{i}") for i in range(4)] for j in range(2)]
    xs = [[Value(rng.uniform(-2, 2), label=f"x{s}{i}") for i in range(3)] for s in range(6)]
    root = Value(0.0)
    for x in xs:
        h = [(autograd.dot(w, x) + b).tanh() for w, b in zip(w1, b1)]
        root = root + sum((autograd.dot(w, h) for w in w2), Value(0.0)) ** 2 + x[0] * x[0]
    tape = autograd.compile(root)
    calls = tape._plan("numpy", None).calls
    assert sum(call.product is not None for call in calls) == 2  # each layer's dots
    assert [call.op.name for call in calls if call.fused] == ["add", "tanh"]  # the first layer's bias and tanh
    want, want_grads = _eager(root, tape.leaves)
    for path in PATHS:
        got, grads = tape.value_and_grad(path=path)
        _close(got, want)
        _close(grads, want_grads)
    # the batched replay: every input leaf varies over 5 samples, the weights shared
    batch = {leaf: np.linspace(-1.5, 1.5, 5) + 0.1 * k for k, leaf in enumerate(v for x in xs for v in x)}
    outs, bgrads = tape.value_and_grad(batch)
    for s in range(5):
        for leaf, values in batch.items():
            leaf.data = float(values[s])
        eager = _recompute(root)
        grads = backprop(eager)
        _close(outs[s], eager.data)
        for k, leaf in enumerate(tape.leaves):
            _close(bgrads[k][s] if np.ndim(bgrads[k]) else bgrads[k], grads.get(leaf, 0.0))


@pytest.mark.parametrize("order", ["neuron-major", "sample-major"])
@pytest.mark.parametrize("inputs_first", [False, True])
def test_a_layer_of_dots_runs_as_one_matrix_product_with_the_eager_numbers(order, inputs_first):
    # dot(w, x) or dot(x, w), nodes made neuron by neuron or sample by sample: the same product
    rng = random.Random(f"product-{order}-{inputs_first}")
    w = [[Value(rng.uniform(-1, 1), label=f"w{j}{i}") for i in range(3)] for j in range(5)]
    xs = [[Value(rng.uniform(-2, 2), label=f"x{s}{i}") for i in range(3)] for s in range(4)]
    pairs = [(j, s) for j in range(5) for s in range(4)] if order == "neuron-major" else \
        [(j, s) for s in range(4) for j in range(5)]
    dots = [autograd.dot(xs[s], w[j]) if inputs_first else autograd.dot(w[j], xs[s]) for j, s in pairs]
    root = sum(((d - 0.3 * k) ** 2 for k, d in enumerate(dots)), Value(0.0))
    tape = autograd.compile(root)
    assert any(call.product is not None for call in tape._plan("numpy", None).calls)
    want, want_grads = _eager(root, tape.leaves)
    got, grads = tape.value_and_grad(path="numpy")
    _close(got, want)
    _close(grads, want_grads)
    weights = [tape.index(v) for row in w for v in row]  # the weights' gradients alone: the inputs' half skipped
    _, some = tape.value_and_grad(path="numpy", wrt=weights)
    _close(some, [want_grads[k] for k in weights])


@pytest.mark.parametrize("bias_first", [False, True])
@pytest.mark.parametrize("biases_summed", [False, True])
def test_a_layer_with_a_bias_adds_it_in_its_matrix_product_and_keeps_every_number(bias_first, biases_summed):
    # dot(w, x) + b (or b + dot): the product's call adds b's row and the add call is skipped,
    # for one sample; the dots' own values stay readable, and a dot read elsewhere is not fused.
    # (With the biases also summed into the root, the walk meets them first: their slots are one slice.)
    rng = random.Random(f"bias-{bias_first}")
    w = [[Value(rng.uniform(-1, 1), label=f"w{j}{i}") for i in range(3)] for j in range(4)]
    b = [Value(rng.uniform(-1, 1), label=f"b{j}") for j in range(4)]
    xs = [[Value(rng.uniform(-2, 2), label=f"x{s}{i}") for i in range(3)] for s in range(5)]
    dots = [[autograd.dot(w[j], x) for j in range(4)] for x in xs]
    zs = [[(b[j] + d[j]) if bias_first else (d[j] + b[j]) for j in range(4)] for d in dots]
    root = sum(((z - 0.1 * k).tanh() ** 2 for k, z in enumerate(v for row in zs for v in row)), Value(0.0))
    if biases_summed:
        root = root + autograd.sum(b) * 0.5
    kept = [dots[2][1], zs[3][0]]
    tape = autograd.compile(root)
    calls = tape._plan("numpy", None).calls
    assert sum(call.product is not None and call.product.bias is not None for call in calls) == 1
    assert sum(call.fused for call in calls) == 1
    want, want_grads = _eager(root, tape.leaves)
    got, grads = tape.value_and_grad(path="numpy")
    _close(got, want)
    _close(grads, want_grads)
    _close(tape.values_of(kept), [v.data for v in kept])
    biases = [tape.index(v) for v in b]
    _close(tape.value_and_grad(path="numpy", wrt=biases)[1], [want_grads[k] for k in biases])
    # the same layer with one dot also squared into the root: its outputs have another reader
    other = autograd.compile(root + dots[0][0] ** 2)
    assert not any(call.fused for call in other._plan("numpy", None).calls)
    want, want_grads = _eager(root + dots[0][0] ** 2, other.leaves)
    got, grads = other.value_and_grad(path="numpy")
    _close(got, want)
    _close(grads, want_grads)


@pytest.mark.parametrize("path", PATHS)
def test_backward_gives_the_gradients_as_one_array_when_asked(path):
    x, y = Value(0.5, label="x"), Value(-2.0, label="y")
    tape = autograd.compile((x * y).tanh() + y * y)
    as_list = tape.value_and_grad(path=path, wrt=(1, 0))[1]
    as_array = tape.value_and_grad(path=path, wrt=(1, 0), array=True)[1]
    assert isinstance(as_array, np.ndarray) and as_array.dtype == np.float64
    assert as_array.tolist() == as_list
    with pytest.raises(TypeError, match="array must be True or False"):
        tape.backward(array="yes")
    if path == "numpy":  # a batch: one row per leaf
        batched = tape.value_and_grad({x: np.array([0.5, 1.0, 1.5])}, array=True)[1]
        assert batched.shape == (2, 3)


def test_a_layers_activation_run_by_its_matrix_product_names_a_failing_node():
    # log(dot(w, x)): the product's call runs the log; a negative dot fails as the log call's would
    w = [[Value(0.5, label=f"w{j}{i}") for i in range(2)] for j in range(3)]
    xs = [[Value(1.0 + s, label=f"x{s}{i}") for i in range(2)] for s in range(4)]
    root = sum((autograd.dot(wj, x).log() for x in xs for wj in w), Value(0.0))
    tape = autograd.compile(root)
    assert [call.op.name for call in tape._plan("numpy", None).calls if call.fused] == ["log"]
    want, want_grads = _eager(root, tape.leaves)
    got, grads = tape.value_and_grad(path="numpy")
    _close(got, want)
    _close(grads, want_grads)
    values = [-v.data if v is w[1][0] else v.data for v in tape.leaves]
    with pytest.raises(DomainError, match=r"log.*tape node"):
        tape.forward(values, path="numpy")


def test_a_deep_chain_takes_the_python_path_and_matches_exactly():
    a = [Value(1.0 + 0.001 * i) for i in range(300)]
    b = [Value(0.01 * (i % 7) - 0.03) for i in range(300)]
    x = Value(0.3, label="x")
    y = x
    for ai, bi in zip(a, b):
        y = (y * ai + bi).relu() * 0.9 + x * 0.1
    tape = autograd.compile(y)
    assert type(tape._plan("auto", None)).__name__ == "PythonPlan"
    want, want_grads = _eager(y, tape.leaves)
    out, grads = tape.value_and_grad()
    assert out == want and grads == want_grads  # the same rules in the same order: bit for bit
    batch = np.linspace(-1, 1, 7)
    outs, bgrads = tape.value_and_grad({x: batch})
    for s, v in enumerate(batch):
        x.data = v
        eager = _recompute(y)
        _close(outs[s], eager.data)
        _close(bgrads[tape.index(x)][s], backprop(eager).get(x, 0.0))


@pytest.mark.parametrize("path", PATHS)
def test_shared_nodes_diamonds_and_constants_on_either_side(path):
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    s = x * y
    root = s * s + (x * x) + 2 ** x + (x - 2) + 1 / x + (s + x) * (s - y) + x ** 3.0 + autograd.dot([x, x], [x, y])
    tape = autograd.compile(root)
    want, want_grads = _eager(root, tape.leaves)
    got, grads = tape.value_and_grad(path=path)
    _close(got, want)
    _close(grads, want_grads)
    assert math.isclose(grads[tape.index(x)], backprop(root)[x], rel_tol=RTOL)


@pytest.mark.parametrize("with_numpy", [False, True])
@pytest.mark.parametrize("path", PATHS)
def test_user_registered_ops_with_and_without_numpy_forms(with_numpy, path):
    name = f"tape_cube_{int(with_numpy)}"
    forms = dict(numpy_forward=lambda x: x ** 3, numpy_partials=lambda out, x: (3 * x * x,)) if with_numpy else {}
    cube = register_op(name, lambda x: x ** 3, lambda out, x: (3 * x * x,), replace=True, **forms)
    x = Value(0.8, label="x")
    root = cube(x.tanh()) * x + cube(x)
    tape = autograd.compile(root)
    want, want_grads = _eager(root, tape.leaves)
    got, grads = tape.value_and_grad(path=path)
    _close(got, want)
    _close(grads, want_grads)
    assert f"d_{name}/d_" in str(tape)  # no partials_text given: the generic adjoint line
    if path == "numpy":
        batch = np.array([-0.5, 0.1, 1.2])
        outs, (g,) = tape.value_and_grad([batch])
        for s, v in enumerate(batch):
            xv = Value(v)
            r = cube(xv.tanh()) * xv + cube(xv)
            _close(outs[s], r.data)
            _close(g[s], backprop(r)[xv])


@pytest.mark.parametrize("path", PATHS)
def test_a_domain_error_on_replay_names_the_op_and_the_node(path):
    x = Value(2.0, label="x")
    tape = autograd.compile((x - 1).log(), )
    with pytest.raises(DomainError, match=r"log: input must be > 0, got -1\.0 \(tape node t\d+"):
        tape.forward([0.0], path=path)
    with pytest.raises(RuntimeError, match="call tape.forward"):
        tape.backward()


def test_a_domain_error_in_a_batch_names_the_sample():
    x = Value(2.0)
    tape = autograd.compile(1 / x)
    with pytest.raises(DomainError, match=r"div: division by zero.*sample 2"):
        tape.forward([np.array([1.0, 2.0, 0.0])])


def test_bad_leaf_values_are_refused_naming_the_leaf():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    tape = autograd.compile(x * y)
    with pytest.raises(ValueError, match="got 1 values for 2 leaves"):
        tape.forward([1.0])
    with pytest.raises(ValueError, match="batch length 2, others 3"):
        tape.forward([np.ones(3), np.ones(2)])
    bad = [1.0, 1.0]
    bad[tape.index(y)] = "a"
    with pytest.raises(TypeError, match=f"leaf {tape.index(y)} \\('y'\\)"):
        tape.forward(bad)
    with pytest.raises(ValueError, match="not a leaf"):
        tape.index(x * y)
    with pytest.raises(ValueError, match="one sample"):
        tape.forward([np.ones(3), 1.0], path="python")
    with pytest.raises(ValueError, match="path must be one of"):
        tape.forward(path="jit")
    with pytest.raises(TypeError, match="root must be a Value"):
        autograd.compile(3.0)


# --- guards ---
def _branchy(x):
    if x > 0.0:
        return x * 2.0
    return -x


@pytest.mark.parametrize("path", PATHS)
def test_a_flipped_comparison_raises_naming_it_and_its_line(path):
    tape = autograd.compile(_branchy, 1.5)
    assert tape.forward([3.0], path=path) == 6.0  # the same branch: replays
    line = _branchy.__code__.co_firstlineno + 1
    with pytest.raises(GuardError, match=rf"t0 > 0\.0 was True when recorded \(at .*test_tape\.py:{line}\)"):
        tape.forward([-1.0], path=path)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("zero", [0, np.int64(0), np.float32(0.0), 0.0], ids=["int", "np.int64", "np.float32", "float"])
def test_a_guard_against_an_int_or_a_numpy_number_compiles_and_is_checked(zero, path):
    x = Value(2.0, label="x")
    with autograd.record() as rec:
        y = x * 3.0 if x > zero else -x
    tape = rec.compile(y)
    assert tape.forward([5.0], path=path) == 15.0 and tape.backward() == [3.0]
    with pytest.raises(GuardError, match=r"x > 0\.0 was True when recorded .* False \(x = -1\.0\)"):
        tape.forward([-1.0], path=path)


def test_a_record_scope_guards_a_batch_and_names_the_flipping_sample():
    x = Value(0.5, label="x")
    with autograd.record() as rec:
        y = x.tanh()
        z = y * 3.0 if y < 0.9 else y
    tape = rec.compile(z)
    out = tape.forward([np.array([0.1, 0.2, -3.0])])
    _close(out, np.tanh([0.1, 0.2, -3.0]) * 3.0)
    with pytest.raises(GuardError, match=r"t1 < 0\.9 was True .* False in sample 1 \(t1 = 0\.99"):
        tape.forward([np.array([0.1, 2.7, 5.0])])
    assert "t1 < 0.9 was True at" in str(tape)


def test_a_guard_on_a_node_outside_the_root_graph_is_still_checked():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    with autograd.record():
        side = x - y  # compared, then not part of the result
        out = x * 3.0 if side < 0.0 else x
        tape = autograd.compile(out)
    assert tape.leaves == (x, y)  # y only through the guard: after the root's own leaves
    assert tape.forward([1.0, 5.0]) == 3.0
    assert tape.backward() == [3.0, 0.0]
    with pytest.raises(GuardError, match=r"t\d+ < 0.0 was True .* make it False \(t\d+ = 1.0\)"):
        tape.forward([6.0, 5.0])


def test_comparisons_outside_a_scope_keep_nothing_and_compile_sees_no_guard():
    x = Value(1.0)
    assert LOG.guards is None
    y = x * 2.0 if x > 0.0 else x
    assert LOG.guards is None
    tape = autograd.compile(y)
    assert tape.guards == ()
    assert tape.forward([-1.0]) == -2.0  # documented: without a scope the branch is not seen


def test_nested_scopes_give_their_guards_to_the_enclosing_one():
    x = Value(1.0)
    with autograd.record() as outer:
        with autograd.record() as inner:
            _ = x > 0.0
        _ = x < 5.0
    assert len(inner.guards) == 1 and len(outer.guards) == 2
    assert LOG.guards is None


# --- the printout ---
def test_print_shows_the_wengert_list_with_labels_and_textbook_adjoints():
    x, w, b = Value(0.5, label="x"), Value(-1.2, label="w"), Value(0.3, label="b")
    z = x * w + b
    z.label = "z"
    o = z.tanh()
    o.label = "o"
    text = str(autograd.compile(o))
    lines = text.splitlines()
    assert lines[2:5] == ["t2 = x * w", "z = t2 + b", "o = tanh(z)"]  # the program's lines, in its order
    assert lines.index("o = tanh(z)") < lines.index("do = 1")
    for line in ("dz += do * (1 - o**2)", "dt2 += dz", "db += dz", "dx += dt2 * w", "dw += dt2 * x"):
        assert line in lines
    html = autograd.compile(o.leaky_relu(0.2) < 1.0 and o.leaky_relu(0.2))._repr_html_()
    assert html.startswith("<pre>") and "leaky_relu(o, slope=0.2)" in html
    assert lines[0] == "# tape: 3 ops over 3 leaves: x, w, b"  # in the order the program uses them
    assert repr(autograd.compile(o)) == "<Tape: 3 ops over 3 leaves, 3 numpy calls per replay, 0 guards>"
    one = autograd.compile(x.exp())  # counts of one are singular
    assert str(one).splitlines()[0] == "# tape: 1 op over 1 leaf: x"
    assert repr(one) == "<Tape: 1 op over 1 leaf, 1 numpy call per replay, 0 guards>"


def test_a_long_tape_prints_shortened():
    y = Value(0.1)
    for _ in range(500):
        y = (y * 0.99).sin()
    text = str(autograd.compile(y))
    assert re.search(r"^\.\.\. \d+ more$", text, flags=re.M)
    assert len(text.splitlines()) < 250


# --- scheduling and leaf values as one array ---
@pytest.mark.parametrize("path", PATHS)
def test_branches_of_unequal_depth_share_one_numpy_call_per_op(path):
    xs = [Value(0.1 * (i + 1), label=f"x{i}") for i in range(6)]
    # exp of a leaf for even samples (level 1), exp of -x for odd ones (level 2), as a stable loss branches
    terms = [(x if i % 2 == 0 else -x).exp() for i, x in enumerate(xs)]
    tape = autograd.compile(autograd.sum(terms))
    assert tape.calls == 3  # neg, exp (all six in one call), the sum
    values = [0.3, -0.2, 0.5, 1.5, -2.0, 0.0]
    fresh = [Value(v) for v in values]
    expected_root = autograd.sum([(x if i % 2 == 0 else -x).exp() for i, x in enumerate(fresh)])
    expected = backprop(expected_root)
    value, grads = tape.value_and_grad({x: v for x, v in zip(xs, values)}, path=path)
    _close(value, expected_root.data)
    _close([grads[tape.index(x)] for x in xs], [expected[x] for x in fresh])


@pytest.mark.parametrize("path", PATHS)
def test_one_float_array_lined_up_with_the_leaves_replays_as_a_list_of_floats(path):
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    tape = autograd.compile((x * y).log() + y)
    as_list = tape.value_and_grad([0.25, 3.0], path=path)
    as_array = tape.value_and_grad(np.array([0.25, 3.0]), path=path)
    assert as_array == as_list and all(type(g) is float for g in as_array[1])
    with pytest.raises(ValueError, match="got 3 values for 2 leaves"):
        tape.forward(np.array([1.0, 2.0, 3.0]), path=path)
    with pytest.raises(DomainError, match=r"log: input must be > 0, got -3\.0 \(tape node"):
        tape.forward(np.array([-1.0, 3.0]), path=path)


def test_one_row_per_leaf_over_a_batch_replays_as_a_list_of_rows():
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    tape = autograd.compile((x * y).log() + y)
    rows = np.array([[0.25, 0.5, 1.0], [3.0, 3.0, 3.0]])  # (leaves, batch)
    as_rows = tape.value_and_grad(rows)
    as_list = tape.value_and_grad([rows[0], 3.0])  # the same numbers: an array and a shared float
    assert np.array_equal(as_rows[0], as_list[0])
    assert all(np.array_equal(a, np.broadcast_to(b, a.shape)) for a, b in zip(as_rows[1], as_list[1]))
    with pytest.raises(ValueError, match="got 3 values for 2 leaves"):
        tape.forward(np.ones((3, 4)))
    with pytest.raises(DomainError, match=r"log: input must be > 0, got -3\.0 \(tape node t\d+, sample 1\)"):
        tape.forward(np.array([[1.0, -1.0], [3.0, 3.0]]))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("seed", range(6))
def test_gradients_with_respect_to_some_leaves_are_those_of_the_full_backward(seed, path):
    root, _ = _random_graph(seed)
    tape = autograd.compile(root)
    rng = random.Random(seed)
    wrt = rng.sample(range(len(tape.leaves)), k=max(1, len(tape.leaves) // 2))
    _, every = tape.value_and_grad(path=path)
    _, some = tape.value_and_grad(wrt=wrt, path=path)
    assert some == [every[k] for k in wrt]  # the same adjoints, the others' left out, in wrt's order


def test_gradients_of_some_leaves_of_a_batch_skip_the_others_and_match_eager():
    # the weights' gradients only, over a batch of inputs: the inputs' adjoints are not computed
    rng = random.Random("wrt-batch")
    w = [Value(rng.uniform(-1, 1), label=f"w{i}") for i in range(3)]
    xs = [Value(0.0, label=f"x{i}") for i in range(3)]
    root = (autograd.dot(w, xs) + w[0] * xs[1]).tanh()
    tape = autograd.compile(root)
    batch = {x: np.linspace(-1.0, 1.0, 4) + k for k, x in enumerate(xs)}
    wrt = [tape.index(v) for v in w]
    _, grads = tape.value_and_grad(batch, wrt=wrt)
    plan = tape._plan("numpy", 4)

    def blocks(program):
        return sum(len(b) if call.partials_stacked else sum(map(len, b)) for _, call, b in program)

    # the inputs' scatters are left out (False: the batch's program)
    assert blocks(plan._program(tuple(wrt), False)) < blocks(plan._program(None, False))
    for s in range(4):
        for x, values in batch.items():
            x.data = float(values[s])
        want = backprop(_recompute(root))
        _close([g[s] for g in grads], [want.get(v, 0.0) for v in w])


@pytest.mark.parametrize("bad", [[-1], [99], ["0"], [True], "0", 3])
def test_a_bad_wrt_is_refused_naming_it(bad):
    x = Value(1.0)
    tape = autograd.compile(x * x + 1.0)
    tape.forward()
    with pytest.raises((TypeError, ValueError), match="wrt"):
        tape.backward(bad)


@pytest.mark.parametrize("path", PATHS)
def test_values_of_reads_inner_nodes_and_nodes_kept_with_also(path):
    with autograd.record() as scope:
        x, y = Value(0.5, label="x"), Value(-2.0, label="y")
        h = (x * y).tanh()
        aside = (x + 3.0) * 2.0  # not in the root's graph: kept with `also`
        root = h * h + y
    tape = scope.compile(root, also=[aside])
    tape.forward([1.5, 0.25] if tape.leaves[0] is x else [0.25, 1.5], path=path)
    assert tape.values_of([h, aside, x]) == [math.tanh(1.5 * 0.25), (1.5 + 3.0) * 2.0, 1.5]
    tape.forward({x: np.array([1.0, 2.0])})
    _close(tape.values_of((aside,))[0], [8.0, 10.0])
    with pytest.raises(ValueError, match="values_of"):
        tape.values_of([Value(1.0)])


@pytest.mark.parametrize("bad", [5, Value(1.0), [1.0], "x"])
def test_a_bad_also_is_refused_naming_it(bad):
    with autograd.record() as scope:
        x = Value(1.0)
        root = x * x
    with pytest.raises(TypeError, match="also"):
        scope.compile(root, also=bad)
