"""viz.graphdata: gathering a graph iteratively, from one root or several."""

import pytest

from autograd import Value
from viz.graphdata import GraphData, roots_of


def test_collect_finds_every_node_once_and_the_consumers():
    a = Value(2.0, label="a")
    b = a + a
    c = b * a
    data = GraphData.collect([c])
    assert set(data.nodes) == {a, b, c} and len(data.nodes) == 3
    assert data.consumers[a].count(b) == 2 and data.consumers[a].count(c) == 1 and c not in data.consumers


def test_collect_is_iterative_on_a_very_deep_graph():
    x = Value(0.0)
    node = x
    for _ in range(200_000):  # far beyond the recursion limit
        node = node + 1.0
    data = GraphData.collect([node])
    assert len(data.nodes) == 200_001 and data.consumers[x] == [data.consumers[x][0]]


def test_several_roots_share_their_nodes():
    x = Value(1.0)
    outs = [x * 2.0, x * 3.0]
    data = GraphData.collect(roots_of(outs, "t"))
    assert len(data.nodes) == 3 and data.roots == outs


@pytest.mark.parametrize("bad", [1.0, [], [Value(1.0), 2.0], "x", None])
def test_roots_of_refuses_what_is_not_values(bad):
    with pytest.raises(TypeError, match="t: root must be an autograd.Value"):
        roots_of(bad, "t")
