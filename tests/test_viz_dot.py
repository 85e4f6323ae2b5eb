"""viz.dot: the DOT source itself — records, op nodes, edges, colours, title, clusters, collapsing, size limit."""

import re

import pytest
from test_viz_stubs import MLP, in_order

import nn
from autograd import Value
from viz import to_dot
from viz.dot import NO_BACKWARD
from viz.style import KINDS


def records(dot: str) -> dict:
    """node id -> (fill colour, label) of each record node."""
    found = re.findall(r'^\t*(\w+) \[shape=record[^\n]*?fillcolor="(#\w+)"[^\n]*?label="(.*)"\]$', dot, re.M)
    return {node: (fill, label) for node, fill, label in found}


def op_nodes(dot: str) -> dict:
    return dict(re.findall(r'^\t*(o\d+) \[[^\n]*label="([^"]*)"\]$', dot, re.M))


def edges(dot: str) -> list:
    return re.findall(r"^\t*(\w+) -> (\w+)", dot, re.M)


def karpathy():
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="x"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    loss = d * f
    loss.label = "L"
    return loss


def test_records_hold_label_data_grad_and_ops_sit_between():
    loss = karpathy()
    dot = to_dot(loss)
    labels = {label for _, label in records(dot).values()}
    assert labels == {"{ a | data 2 | grad 0 }", "{ x | data -3 | grad 0 }", "{ c | data 10 | grad 0 }",
                      "{ f | data -2 | grad 0 }", "{ e | data -6 | grad 0 }", "{ d | data 4 | grad 0 }",
                      "{ L | data -8 | grad 0 }"}
    assert sorted(op_nodes(dot).values()) == ["*", "*", "+"]
    # 6 input edges into the 3 op nodes, and 3 edges from op node to its result
    assert len(edges(dot)) == 9
    assert all(src.startswith("o") != dst.startswith("o") for src, dst in edges(dot))


def test_title_says_backward_was_not_called_until_it_is():
    loss = karpathy()
    assert NO_BACKWARD in to_dot(loss)
    assert "<b>My graph</b>" in to_dot(loss, title="My graph") and NO_BACKWARD in to_dot(loss, title="My graph")
    loss.backward()
    dot = to_dot(loss)
    assert NO_BACKWARD not in dot
    labels = {label for _, label in records(dot).values()}
    # hand-computed: L = (a*x + c) * f
    assert {"{ a | data 2 | grad 6 }", "{ x | data -3 | grad -4 }", "{ c | data 10 | grad -2 }",
            "{ f | data -2 | grad 4 }", "{ L | data -8 | grad 1 }"} <= labels


def test_fan_out_draws_one_edge_per_use():
    a = Value(3.0, label="a")
    b = a + a
    dot = to_dot(b)
    ids = {label.split(" | ")[0].strip("{ "): node for node, (_, label) in records(dot).items()}
    op = "o" + ids["data 6"][1:]  # a node's op is drawn as o<i> beside its record v<i>
    assert edges(dot).count((ids["a"], op)) == 2 and (op, ids["data 6"]) in edges(dot)


def test_kinds_are_coloured_and_the_legend_lists_them():
    w = Value(0.5, label="w[0]")
    x = Value(2.0, label="x[0]")
    y = w * x
    y.label = "y"
    out = y.tanh()
    dot = to_dot(out)
    fills = {label.split(" | ")[0].strip("{ "): fill for fill, label in records(dot).values()}
    assert fills["w[0]"] == KINDS["parameter"][0] and fills["x[0]"] == KINDS["input"][0]
    assert fills["y"] == KINDS["computed"][0] and fills["data 0.7616"] == KINDS["output"][0]
    for kind in ("parameter (w, b)", "input / constant", "computed", "output"):
        assert kind in dot


def test_only_nns_labels_make_a_parameter_without_a_model():
    beta, bias, b = Value(0.3, label="beta"), Value(0.1, label="bias"), Value(0.2, label="b[0,1]")
    x = Value(2.0, label="x")
    fills = {label.split(" | ")[0].strip("{ "): fill for fill, label in records(to_dot(beta * x + bias + b)).values()}
    assert fills["beta"] == fills["bias"] == fills["x"] == KINDS["input"][0]
    assert fills["b[0,1]"] == KINDS["parameter"][0]


def test_a_model_says_which_leaves_are_parameters_and_names_the_unlabelled():
    class Scale:  # a user's model: parameters without labels, one labelled 'beta'
        def __init__(self):
            self.k, self.beta = Value(1.5), Value(0.5, label="beta")

        def named_parameters(self):
            return [("k", self.k), ("beta", self.beta)]

    model = Scale()
    impostor = Value(1.0, label="w[0,0,0]")  # labelled as nn labels a weight, but no parameter of the model
    out = model.k * Value(2.0, label="x") + model.beta + impostor
    fills = {label.split(" | ")[0].strip("{ "): fill for fill, label in records(to_dot(out, model=model)).values()}
    assert fills["k"] == fills["beta"] == KINDS["parameter"][0]  # 'k' is the model's name for its first parameter
    assert fills["w[0,0,0]"] == fills["x"] == KINDS["input"][0]
    mlp = nn.MLP(2, [2, 1], seed=0)
    assert to_dot(mlp([0.5, -1.0]), model=mlp) == to_dot(mlp([0.5, -1.0]))  # nn's labels and its model agree
    with pytest.raises(TypeError, match=r"to_dot: model must be an nn Module .* got int 3"):
        to_dot(out, model=3)


def test_params_say_which_leaves_of_a_hand_built_graph_are_parameters():
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.88, label="b")
    x1, k = Value(2.0, label="x1"), Value(0.5)  # k has no label

    def fills(dot):  # the first field of each record (the name, else "data ...") -> its fill
        return {label.split(" | ")[0].strip("{ "): fill for fill, label in records(dot).values()}

    out = (x1 * w1 + x1 * w2 + b) * k
    guessed = fills(to_dot(out))  # without params: 'b' beside 'w1' is the user's variable, as 'w1' is
    assert guessed["b"] == guessed["w1"] == guessed["data 0.5"] == KINDS["input"][0]
    neuron = nn.Neuron(2, "tanh", seed=0)  # nn's own labels: w[0], w[1] and a bare b, its bias
    drawn = fills(to_dot(neuron([Value(1.0, label="x1"), Value(2.0, label="x2")])))
    assert drawn["w[0]"] == drawn["w[1]"] == drawn["b"] == KINDS["parameter"][0] and drawn["x1"] == KINDS["input"][0]
    for params, k_name in (([w1, w2, k], "data 0.5"), ((w1, w2, k), "data 0.5"), ({"w1": w1, "w2": w2, "k": k}, "k")):
        given = fills(to_dot(out, params=params))  # a dict names an unlabelled parameter; a list leaves it unnamed
        assert given["w1"] == given["w2"] == given[k_name] == KINDS["parameter"][0]
        assert given["x1"] == given["b"] == KINDS["input"][0]  # given params, nothing is guessed from labels
    with pytest.raises(ValueError, match="to_dot: give model or params, not both"):
        to_dot(out, model=nn.Neuron(1), params=[w1])
    with pytest.raises(TypeError, match=r"to_dot: params must be a list of Values or a dict name -> Value, got str"):
        to_dot(out, params="w1")
    with pytest.raises(TypeError, match=r"to_dot: params must give Values, got 'w1': 3.0"):
        to_dot(out, params={"w1": 3.0})


def test_colour_by_gradient():
    loss = karpathy()
    loss.backward()
    fills = {label.split(" | ")[0].strip("{ "): fill for fill, label in records(to_dot(loss, color_by="grad")).values()}
    assert fills["a"] == "#f26969"  # grad 6, the largest: 80% red
    assert fills["x"] > "#6" and fills["c"] != fills["a"]  # negative grads are blue
    assert int(fills["c"][1:3], 16) > int(fills["x"][1:3], 16)  # |grad c| = 2 < |grad x| = 4: paler


def test_show_data_show_grad_and_rankdir():
    loss = karpathy()
    plain = {label for _, label in records(to_dot(loss, show_data=False, show_grad=False)).values()}
    assert "{ a }" in plain
    tb = {label for _, label in records(to_dot(loss, rankdir="TB")).values()}
    assert "a | data 2 | grad 0" in tb
    assert "rankdir=TB" in to_dot(loss, rankdir="TB")


def test_unusual_labels_are_escaped():
    v = Value(1.0, label='odd {label} | "q"')
    dot = to_dot(v * 2)
    assert 'odd \\{label\\} \\| \\"q\\"' in dot


def test_mlp_nodes_are_clustered_per_neuron_and_per_layer():
    model = MLP(2, [3, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    dot = to_dot(loss)
    names = re.findall(r"subgraph (cluster_\w+)", dot)
    assert sorted(names) == ["cluster_neuron_0_0", "cluster_neuron_0_1", "cluster_neuron_0_2", "cluster_neuron_1_0"]
    block = dot.split("subgraph cluster_neuron_0_1")[1].split("\t}\n")[0]
    assert "w[0,1,0]" in block and "b[0,1]" in block and "z[0,1]" in block and "a[0,1]" in block
    assert "w[0,0,0]" not in block
    layered = to_dot(loss, group="layer")
    assert layered.count("subgraph cluster_layer_0") == 1 and layered.count("subgraph cluster_neuron_0_") == 3
    assert "subgraph cluster" not in to_dot(loss, group=None)


def test_collapsed_mlp_draws_one_box_per_neuron():
    model = MLP(2, [4, 3, 1], seed=0)
    out = model([0.5, -1.0])
    out.backward()
    dot = to_dot(out, collapse=True)
    boxes = re.findall(r"^\t*(k_\w+) \[shape=record", dot, re.M)
    assert len(boxes) == 8 and "w[" not in dot and "b[" not in dot
    assert re.search(r"neuron \[0,2\]\\ntanh \| \{ out [-\d.e]+ \| grad [-\d.e]+ \}", dot)
    assert "neuron [2,0]\\nlinear" in dot
    box_edges = [e for e in edges(dot) if e[0].startswith("k_") and e[1].startswith("k_")]
    assert len(box_edges) == 4 * 3 + 3 * 1 and len(set(box_edges)) == len(box_edges)
    input_edges = [e for e in edges(dot) if e[1].startswith("k_0_")]
    assert len(input_edges) == 2 * 4
    assert re.findall(r"subgraph (cluster_\w+)", dot) == ["cluster_layer_0", "cluster_layer_1", "cluster_layer_2"]


def test_too_big_without_collapsing_says_how_to_collapse():
    model = MLP(2, [16, 16, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    with pytest.raises(ValueError, match=r"graph has \d+ nodes, more than max_nodes=300; pass collapse=True"):
        to_dot(loss)
    dot = to_dot(loss, collapse=True)
    assert len(re.findall(r"^\t*k_\w+ \[", dot, re.M)) == 33
    with pytest.raises(ValueError, match="even with one box per neuron"):
        to_dot(loss, collapse=True, max_nodes=20)


def test_a_deep_chain_is_refused_quickly_or_drawn_without_recursion():
    node = Value(0.0, label="x")
    for _ in range(50_000):
        node = node * 1.0
    with pytest.raises(ValueError, match="50001 nodes"):
        to_dot(node)
    assert len(records(to_dot(node, max_nodes=60_000))) == 50_001


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"rankdir": "XY"}, "rankdir must be one of"),
        ({"color_by": "size"}, "color_by must be 'kind' or 'grad'"),
        ({"group": "cluster"}, "group must be"),
        ({"max_nodes": 0}, "max_nodes must be a positive int"),
        ({"max_nodes": True}, "max_nodes must be a positive int"),
    ],
)
def test_bad_options_name_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        to_dot(Value(1.0), **kwargs)
    with pytest.raises(TypeError, match="title must be"):
        to_dot(Value(1.0), title=3)


def labelled_edges(dot: str) -> dict:
    """(source, target) -> the number at the edge's head ('' for none)."""
    found = re.findall(r'^\t*(\w+) -> (\w+)(?: \[([^\n]*)\])?$', dot, re.M)
    return {(s, t): (re.search(r'headlabel="(\d+)"', a or "") or [None, ""])[1] for s, t, a in found}


def test_the_inputs_of_an_op_whose_order_matters_are_kept_in_order_and_numbered():
    nodes = in_order()
    p, q, d = nodes["p"], nodes["q"], nodes["d"]
    t = (p + q) * (2.0 - p)
    t.label = "t"
    for rankdir in ("LR", "TB"):
        dot = to_dot([d, t], rankdir=rankdir)
        ids = {label.split(" | ")[0].strip("{ "): node for node, (_, label) in records(dot).items()}
        numbers = labelled_edges(dot)
        op = {name: "o" + ids[name][1:] for name in ("s", "d", "t")}
        # s = p - e: p is the first input, e the second; d = s / p: s first, p second
        assert numbers[ids["p"], op["s"]] == "1" and numbers[ids["e"], op["s"]] == "2"
        assert numbers[ids["s"], op["d"]] == "1" and numbers[ids["p"], op["d"]] == "2"
        for name in ("s", "d"):
            assert re.search(rf'^\t{op[name]} \[[^\n]* ordering=in ', dot, re.M)
        # +, *, and 2 - p (one Value input) leave their inputs unnumbered and unordered
        ordered = re.findall(r"^\t(o\d+) \[[^\n]* ordering=in ", dot, re.M)
        assert sorted(ordered) == sorted([op["s"], op["d"]])
        assert sorted(n for n in numbers.values() if n) == ["1", "1", "2", "2"]


def _sum_of_uses(n: int) -> Value:
    x = Value(1.0, "x")
    y = x
    for _ in range(n - 1):
        y = y + x
    return y


def test_edges_spanning_many_ranks_get_one_network_simplex_pass():
    # x + x + ... + x: the k-th use of x is an edge across 2k - 2 ranks, (n - 1)(n - 2) virtual nodes in all
    assert "nslimit" not in to_dot(_sum_of_uses(40))  # 1482 virtual nodes: dot's own passes, 0.6 s
    assert "nslimit=1 nslimit1=1" in to_dot(_sum_of_uses(60))  # 3422: 8.5 s without, 0.4 s with
    assert "nslimit" not in to_dot((MLP(2, [8, 8, 1], seed=0)([0.5, -1.0]) - 1.0) ** 2)  # a layered graph
