"""viz.player: step_through frames (highlights, gradients so far), the Jupyter player, files, the GIF and the page."""

import base64
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from PIL import Image
from test_viz_render import BOTH
from test_viz_stubs import check_image, neuron

from autograd import Value, topological_order
from viz import render_bytes, step_through
from viz.cli import main
from viz.style import HIGHLIGHT_FILL, RECEIVER_FILL

SVG = "{http://www.w3.org/2000/svg}"


def grad_fields(dot: str) -> dict:
    """record label -> its grad field text (padding removed)."""
    found = re.findall(r'fillcolor="(#\w+)"[^\n]*label="\{ (\S+) \| data [^|]+ \| grad ((?:[^\\}]|\\ )*?)\s*\}"', dot)
    return {name: (fill, text.replace("\\ ", "").strip()) for fill, name, text in found}


def test_a_plus_a_frames_show_the_accumulated_gradient():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    player = step_through(b)
    assert len(player) == 2
    start, done = grad_fields(player.dot(0)), grad_fields(player.dot(1))
    assert start["b"] == (RECEIVER_FILL, "1") and start["a"][1] == "?"
    assert done["b"][0] == HIGHLIGHT_FILL and done["a"] == (RECEIVER_FILL, "2")
    assert "a: 1 × 1 = 1, grad a = 1 + 1 = 2" in player.caption(1) and "done" in player.caption(1)


def test_neuron_frames_fill_in_gradients_in_backward_order():
    o = neuron()
    player = step_through(o)
    assert len(player) == 6
    labels = [step.node.label for step in player.steps]
    final = grad_fields(player.dot(5))
    assert final["x1"][1] == "-1.5" and final["w1"][1] == "1" and final["x2"][1] == "0.5" and final["w2"][1] == "0"
    assert final["b"][1] == "0.5" and final["n"][1] == "0.5" and final["o"][1] == "1"
    for k, name in enumerate(labels, start=1):  # the node of step k is highlighted in frame k
        assert grad_fields(player.dot(k))[name][0] == HIGHLIGHT_FILL
    assert grad_fields(player.dot(1))["n"] == (RECEIVER_FILL, "0.5")
    assert grad_fields(player.dot(1))["x1"][1] == "?"
    assert "backward, step 3 of 5" in player.dot(3)
    # the layout stays still: '?' is padded to the width of the final number (2 spaces per missing digit)
    assert "grad ?" + "\\ " * 6 in player.dot(0)  # '-1.5' is 3 characters wider than '?'


def test_params_colour_the_parameters_in_every_frame():
    from viz.style import KINDS

    o = neuron()
    leaves = {node.label: node for node in topological_order(o) if node.is_leaf()}
    player = step_through(o, params=[leaves["w1"], leaves["w2"], leaves["b"]])
    for k in (0, 3):  # the frames before anything reaches them, and after
        untouched = grad_fields(player.dot(k))
        assert untouched["w1"][0] == untouched["w2"][0] == KINDS["parameter"][0]
        assert untouched["x1"][0] == untouched["x2"][0] == KINDS["input"][0]
        assert "backward, step " + str(k) in player.dot(k)  # each frame keeps its own title
    with pytest.raises(ValueError, match="step_through: give model or params, not both"):
        step_through(o, model=object(), params=[])


def test_captions_call_unlabelled_nodes_by_the_names_their_records_show():
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = (a * b + b) * 3.0
    out = (c - d) + (d - c)  # c and d hold 6 and -18, and (c - d) and (d - c) hold 24 and -24: names, not values
    player = step_through(out)
    names = set(player.names.values())
    assert len(names) == len(player.data.nodes)
    assert player.caption(0) == f"start: d({player.names[out]})/d({player.names[out]}) = 1, " \
                                "the gradient backward starts from"
    for k in range(1, len(player)):
        step = player.steps[k - 1]
        shown = set(re.findall(r'label="\{ (\w+) \| data', player.dot(k)))
        assert shown == names  # every record carries its name, in every frame
        node, *parents = [player.names[n] for n in (step.node, *step.parents)]
        assert player.caption(k).startswith(f"step {k}: {node} = ") and all(f"  {p}: " in player.caption(k)
                                                                            for p in parents)
    labelled = Value(2.0) * Value(3.0)
    labelled.label = "y"
    assert step_through(labelled).caption(0).startswith("start: dy/dy = 1")


@pytest.mark.parametrize("name", BOTH)
def test_frames_saved_as_png_and_svg(tmp_path, name):
    player = step_through(neuron(), renderer=name)
    pngs = player.save_frames(tmp_path / "png")
    assert [p.name for p in pngs] == [f"step_{k:03d}.png" for k in range(6)]
    for path in (pngs[0], pngs[3]):
        check_image(path, min_size=(500, 150), min_colours=30)
    svgs = player.save_frames(tmp_path / "svg", format="svg")
    assert "grad -1.5" in html.unescape(svgs[-1].read_text()) and "grad ?" in svgs[0].read_text()


def test_saving_frames_again_clears_the_earlier_runs_frames_and_nothing_else(tmp_path):
    folder = tmp_path / "frames"
    step_through(neuron(), renderer="graphviz-pure").save_frames(folder, format="svg")  # 6 frames
    (folder / "notes.txt").write_text("mine")
    (folder / "step_1.png").write_text("not a frame's name")
    two = Value(3.0, "x") * 2.0
    two.label = "y"
    written = step_through(two, renderer="graphviz-pure").save_frames(folder)  # 2 frames, as png
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "step_000.png", "step_001.png", "step_1.png"]
    assert written == [folder / "step_000.png", folder / "step_001.png"]


def test_gif_has_one_frame_per_step(tmp_path):
    player = step_through(neuron(), renderer="graphviz-pure")
    path = player.save_gif(tmp_path / "backward.gif", seconds_per_frame=0.5)
    assert [p.name for p in tmp_path.iterdir()] == ["backward.gif"]
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 6 and gif.width > 500
        assert gif.info["duration"] == 500
        gif.seek(5)
        assert len(gif.convert("RGB").getcolors(maxcolors=1 << 20)) > 20


class _Page(HTMLParser):
    """What a page holds outside its scripts (all an untrusted notebook keeps), and the scripts themselves."""

    def __init__(self):
        super().__init__()
        self.scripts, self.imgs, self.ids, self.outside, self.styles, self.refs = [], [], [], [], {}, []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_script = tag == "script"
        if tag == "script":
            self.refs += [attrs[a] for a in ("src",) if a in attrs]
            self.scripts.append("")
            return
        self.outside.append(f"<{tag}>")
        self.refs += [v for a, v in attrs.items() if a in ("src", "href") and not v.startswith("data:")]
        if tag == "img":
            self.imgs.append(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "class" in attrs:
            self.styles[attrs["class"]] = attrs.get("style", "")

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        elif data.strip():
            self.outside.append(data.strip())


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


def _script_array(script: str, name: str) -> list:
    return json.loads(re.search(rf"^ *var {name} = (.*);$", script, re.M).group(1))  # one line of JSON


def _svg_sizes(svgs: list[str]) -> set:
    return {re.search(r'<svg[^>]*? width="([^"]+)" height="([^"]+)" viewBox="([^"]+)"', s).groups() for s in svgs}


def test_jupyter_shows_the_player_and_a_picture_where_scripts_do_not_run():
    player = step_through(neuron())
    bundle = player._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    parsed = _parse(bundle["text/html"])
    # Untrusted JupyterLab drops the <script>: what stays is one picture of frame 0 and how to trust the notebook,
    # not the text of SVG frames run together.
    assert "<svg>" not in parsed.outside and len(parsed.imgs) == 1
    png = base64.b64decode(parsed.imgs[0]["src"].removeprefix("data:image/png;base64,"))
    assert png == bundle["image/png"] == render_bytes(player.dot(0), "png")
    with Image.open(io.BytesIO(png)) as image:
        assert image.width > 500 and "max-width:100%" in parsed.imgs[0]["style"]
    text = " ".join(t for t in parsed.outside if not t.startswith("<"))
    assert "\u201cTrust Notebook\u201d" in text and "command palette" in text and "JupyterLab 4" in text
    assert bundle["text/plain"].startswith("<StepThrough: backward of 'o' in 6 frames, over 10 nodes>\n")
    assert "Trust Notebook" in bundle["text/plain"] and repr(player) == bundle["text/plain"].split("\n")[0]
    # Trusted, the script plays every frame and caption.
    (script,) = parsed.scripts
    frames, captions = _script_array(script, "frames"), _script_array(script, "captions")
    assert captions == [player.caption(k) for k in range(6)] and len(frames) == 6
    assert "step 2: n = s + b, upstream grad 0.5" in captions[2]
    assert [html.unescape(f).count("grad -1.5") for f in frames] == [0, 0, 0, 0, 0, 1]  # x1's, at the last step
    ids = [i for f in frames for i in re.findall(r'\bid="([^"]+)"', f)]
    assert len(ids) == len(set(ids))  # every frame's SVG ids were made unique
    assert bundle["text/html"] != step_through(neuron())._repr_mimebundle_()["text/html"]  # nor shared by 2 players


def test_the_player_stays_legible_and_does_not_move_while_stepping():
    player = step_through(neuron())
    natural = [re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', player.svg(k)).groups() for k in range(6)]
    assert len(set(natural)) > 1  # the drawn frames differ in size ...
    parsed = _parse(player._repr_mimebundle_()["text/html"])
    frames = _script_array(parsed.scripts[0], "frames")
    widest, tallest = max(float(w) for w, _ in natural), max(float(h) for _, h in natural)
    assert _svg_sizes(frames) == {(f"{widest:g}pt", f"{tallest:g}pt", f"0 0 {widest:g} {tallest:g}")}  # ... shown: not
    style = dict(rule.split(":") for rule in re.search(r'style="([^"]+)"', frames[0]).group(1).split(";"))
    px = widest * 4 / 3  # CSS px of Graphviz's points
    assert style["width"] == "100%" and style["height"] == "auto"  # fit the width ...
    assert float(style["max-width"].removesuffix("px")) == round(px)
    assert float(style["min-width"].removesuffix("px")) >= round(0.85 * px)  # ... but never shrink below 85%
    caption = parsed.styles["cr-caption"]
    lines = max(len(player.caption(k).splitlines()) for k in range(6))
    assert lines == 4 and f"height:{lines * 1.4:g}em" in caption and "line-height:1.4" in caption
    assert "white-space:pre;" in caption and "monospace" in caption
    # scrolled, a step brings its nodes into view: the script looks them up by the fills the frames give them
    assert f'[fill=\\"{HIGHLIGHT_FILL}\\"], [fill=\\"{RECEIVER_FILL}\\"]' in parsed.scripts[0]
    assert f'fill="{RECEIVER_FILL}"' in frames[0] and all(f'fill="{HIGHLIGHT_FILL}"' in f for f in frames[1:])


def test_save_html_is_one_offline_page_stepped_by_the_arrow_keys(tmp_path):
    player = step_through(neuron())
    path = player.save_html(tmp_path / "backward.html")
    assert path == tmp_path / "backward.html" and [p.name for p in tmp_path.iterdir()] == ["backward.html"]
    page = path.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert parsed.refs == [] and "<link>" not in parsed.outside  # nothing fetched: works offline
    (script,) = parsed.scripts
    assert 'document.addEventListener("keydown"' in script and "ArrowLeft: -1, ArrowRight: 1" in script
    assert len(_script_array(script, "frames")) == 6
    assert "white-space:pre;" in parsed.styles["cr-caption"]  # the caption's columns stay aligned
    with pytest.raises(ValueError, match="save_html: path must end in .html"):
        player.save_html(tmp_path / "backward.png")
    assert [p.name for p in tmp_path.iterdir()] == ["backward.html"]


def test_chainrule_graph_steps_writes_the_page_too(tmp_path, capsys):
    assert main(["graph", "tanh(w*x)", "x=0.5", "w=-1.2", "--out", str(tmp_path / "g.svg"),
                 "--steps", str(tmp_path / "steps")]) == 0
    assert "backward.html" in capsys.readouterr().out
    frames = _script_array(_parse((tmp_path / "steps" / "backward.html").read_text()).scripts[0], "frames")
    assert len(frames) == len(list((tmp_path / "steps").glob("step_*.svg"))) == 3


def test_bad_arguments():
    with pytest.raises(TypeError, match="step_through: root must be"):
        step_through([Value(1.0)])
    player = step_through(neuron())
    with pytest.raises(ValueError, match="frame must be an int from 0 to 5"):
        player.dot(6)
    with pytest.raises(ValueError, match="format must be 'png' or 'svg'"):
        player.save_frames("unused", format="gif")
    with pytest.raises(ValueError, match="seconds_per_frame"):
        player.save_gif("unused.gif", seconds_per_frame=0)
    node = Value(1.0)
    for _ in range(200):
        node = node * 1.0
    with pytest.raises(ValueError, match="more than max_nodes=100"):
        step_through(node)


def _node_places(svg: str) -> dict:
    """node id -> where its shape's first point lies on the saved canvas (points from its top left)."""
    root = ET.fromstring(svg)
    left, top = (float(v) for v in root.get("viewBox").split()[:2])
    graph = root.find(SVG + "g")
    tx, ty = (float(v) for v in re.search(r"translate\(([-\d.]+)[ ,]([-\d.]+)\)", graph.get("transform")).groups())
    places = {}
    for g in graph.iter(SVG + "g"):
        if g.get("class") == "node":
            shape = g.find(SVG + "path") if g.find(SVG + "path") is not None else g.find(SVG + "polygon")
            if shape is None:
                shape = g.find(SVG + "ellipse")
                x, y = float(shape.get("cx")), float(shape.get("cy"))
            else:
                x, y = (float(v) for v in re.findall(r"[-\d.]+", shape.get("d") or shape.get("points"))[:2])
            places[g.find(SVG + "title").text] = (round(x + tx - left, 1), round(y + ty - top, 1))
    return places


@pytest.mark.parametrize("name", BOTH)
def test_saved_frames_share_one_size_with_the_graph_standing_still(tmp_path, name):
    # The caption grows from one line (frame 0) to four: the frames grew with it and the graph moved down 68 px.
    a = Value(3.0, label="a")
    tiny = a * a + a  # captions wider than the graph: the graph is centred under them
    tiny.label = "t"
    for k, root in enumerate((neuron(), tiny)):
        player = step_through(root, renderer=name)
        assert len({len(player.caption(j).splitlines()) for j in range(len(player))}) > 1
        pngs = player.save_frames(tmp_path / f"png{k}")
        sizes = set()
        for path in pngs:
            with Image.open(path) as image:
                sizes.add(image.size)
        assert len(sizes) == 1
        svgs = [p.read_text() for p in player.save_frames(tmp_path / f"svg{k}", format="svg")]
        assert len({size[:2] for size in _svg_sizes(svgs)}) == 1
        places = [_node_places(svg) for svg in svgs]
        assert len(places[0]) == len(player.data.nodes) * 2 - sum(n.is_leaf() for n in player.data.nodes)
        # Not a point up or down. Sideways a node may still shift a little (up to 16 pt measured): a record's grad
        # text is padded by spaces to its widest, which matches the digits' width only roughly.
        assert all(all(frame[n][1] == y for n, (_, y) in places[0].items()) for frame in places)
        with Image.open(player.save_gif(tmp_path / f"b{k}.gif")) as gif:
            assert gif.size in sizes
