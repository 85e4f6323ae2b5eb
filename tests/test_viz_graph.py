"""viz.graph: draw_graph as a graphviz.Digraph, shown in Jupyter and saved as SVG, PNG, PDF with both renderers."""

import base64
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import graphviz
import pytest
from PIL import Image
from test_viz_render import BOTH
from test_viz_stubs import MLP, check_image, in_order, neuron

from viz import draw_graph, to_dot, use_renderer
from viz.render import find_renderer

SVG = "{http://www.w3.org/2000/svg}"


def test_draw_graph_is_a_digraph_with_the_same_source_as_to_dot():
    o = neuron()
    g = draw_graph(o, title="neuron")
    assert isinstance(g, graphviz.Digraph)
    assert g.source == to_dot(o, title="neuron")
    assert draw_graph(o, "TB", False, True).source == to_dot(o, rankdir="TB", show_data=False)


@pytest.mark.parametrize("name", BOTH)
def test_jupyter_display_is_an_image_that_fits_the_width_trusted_or_not(name):
    try:
        use_renderer(name)
        drawing = draw_graph(neuron())
        bundle = drawing._repr_mimebundle_()
    finally:
        use_renderer(None)
    assert set(bundle) == {"text/html", "image/svg+xml", "image/png"}
    svg = bundle["image/svg+xml"]
    texts = {t.text for t in ET.fromstring(svg).iter(SVG + "text")}
    assert {"o", "data 0.7071", "tanh", "w1", "data -3", "grad 0"} <= texts
    assert any("backward() not called yet" in (t or "") for t in texts)
    # JupyterLab shows text/html trusted and untrusted (sanitized: an <img> with a data: URI stays) and its
    # stylesheet leaves an <img> in HTML at max-width:100%; the SVG inside is the one above.
    img = re.fullmatch(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="computation graph" style="([^"]+)">',
                       bundle["text/html"])
    assert base64.b64decode(img.group(1)).decode("utf-8") == svg
    assert img.group(2) == "max-width:100%;height:auto"
    with Image.open(io.BytesIO(bundle["image/png"])) as png:
        assert png.format == "PNG" and png.width > png.height > 150
    drawing.fit_width = False  # at its drawn size instead
    assert "max-width:none" in drawing._repr_mimebundle_(include=["text/html"])["text/html"]
    assert set(drawing._repr_mimebundle_(exclude=["image/png", "text/html"])) == {"image/svg+xml"}


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_save_in_each_format_with_each_renderer(tmp_path, name, fmt):
    o = neuron()
    o.backward()
    path = draw_graph(o).save(tmp_path / f"neuron.{fmt}", renderer=name)
    assert [p.name for p in tmp_path.iterdir()] == [f"neuron.{fmt}"]
    data = path.read_bytes()
    if fmt == "svg":
        texts = {t.text for t in ET.fromstring(data).iter(SVG + "text")}
        assert {"grad 0.5", "grad -1.5", "grad 1", "data 6.881"} <= texts  # do/dn = 1 - tanh(n)^2 = 0.5
    elif fmt == "png":
        image = check_image(path, min_size=(500, 150), min_colours=30)
        assert image.shape[1] > image.shape[0]  # left to right: wider than tall
    else:
        assert data.startswith(b"%PDF") and len(data) > 1000


@pytest.mark.parametrize("name", BOTH)
def test_collapsed_mlp_renders(tmp_path, name):
    model = MLP(2, [16, 16, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    path = draw_graph(loss, collapse=True).save(tmp_path / "mlp.png", renderer=name)
    with Image.open(path) as image:
        assert image.width > 800 and image.height > 800  # 16 boxes a column


def test_render_goes_through_the_chosen_renderer(tmp_path):
    g = draw_graph(neuron())
    try:
        use_renderer("graphviz-pure")
        out = g.render(filename="n.gv", directory=tmp_path, format="png")
    finally:
        use_renderer(None)
    assert out.endswith("n.gv.png") and (tmp_path / "n.gv.png").read_bytes().startswith(b"\x89PNG")


def test_save_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="format must be one of"):
        draw_graph(neuron()).save(tmp_path / "g.jpg")
    assert not list(tmp_path.iterdir())


def test_save_with_a_gv_name_writes_the_dot_source(tmp_path):
    g = draw_graph(neuron())
    g.save(tmp_path / "n.gv")
    assert (tmp_path / "n.gv").read_text() == g.source


@pytest.mark.parametrize("name", BOTH)
def test_other_formats_go_through_graphviz_pointed_at_the_renderer(name):
    try:
        use_renderer(name)
        jpeg = draw_graph(neuron())._repr_mimebundle_(include=["image/jpeg"])["image/jpeg"]
    finally:
        use_renderer(None)
    assert jpeg[:3] == b"\xff\xd8\xff" and len(jpeg) > 2000


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_first_input_of_a_subtraction_or_division_is_drawn_first(name, rankdir):
    nodes = in_order()  # p - exp(q) drawn with exp(q) above p read as exp(q) - p, the wrong sign
    s, d = nodes["s"], nodes["d"]
    d.backward()
    plain = find_renderer(name).path
    layout = subprocess.run([plain, "-Tplain"], input=to_dot(d, rankdir=rankdir).encode(), capture_output=True,
                            check=True).stdout.decode()
    where = {}  # a record's label -> how far along the reading order (down the page for LR, across for TB)
    for x, y, label in re.findall(r'^node v\d+ (\S+) (\S+) \S+ \S+ "(?:\{ )?(\w+) \|', layout, re.M):
        where[label] = -float(y) if rankdir == "LR" else float(x)
    assert set(where) == {"p", "q", "e", "s", "d"}
    for node in (s, d):
        first, second = node.parents
        assert where[first.label] < where[second.label], (node.label, where)
