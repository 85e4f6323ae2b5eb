"""viz.player: step_through frames (highlights, gradients so far), the Jupyter player, files and the GIF."""

import html
import re
from html.parser import HTMLParser

import pytest
from PIL import Image
from test_viz_steps import neuron
from test_viz_stubs import check_image

from autograd import Value
from viz import step_through
from viz.style import HIGHLIGHT_FILL, RECEIVER_FILL


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


@pytest.mark.parametrize("name", ["dot", "graphviz-pure"])
def test_frames_saved_as_png_and_svg(tmp_path, name):
    player = step_through(neuron(), renderer=name)
    pngs = player.save_frames(tmp_path / "png")
    assert [p.name for p in pngs] == [f"step_{k:03d}.png" for k in range(6)]
    for path in (pngs[0], pngs[3]):
        check_image(path, min_size=(500, 150), min_colours=30)
    svgs = player.save_frames(tmp_path / "svg", format="svg")
    assert "grad -1.5" in html.unescape(svgs[-1].read_text()) and "grad ?" in svgs[0].read_text()


def test_gif_has_one_frame_per_step(tmp_path):
    player = step_through(neuron(), renderer="graphviz-pure")
    path = player.save_gif(tmp_path / "backward.gif", seconds_per_frame=0.5)
    assert [p.name for p in tmp_path.iterdir()] == ["backward.gif"]
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 6 and gif.width > 500
        assert gif.info["duration"] == 500
        gif.seek(5)
        assert len(gif.convert("RGB").getcolors(maxcolors=1 << 20)) > 20


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.frames, self.ids, self.buttons, self.scripts, self.sliders = [], [], 0, 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "class" in attrs and attrs["class"] == "cr-frame":
            self.frames.append(attrs.get("style", ""))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        self.buttons += tag == "button"
        self.scripts += tag == "script"
        self.sliders += tag == "input" and attrs.get("type") == "range"


def test_jupyter_player_is_self_contained_html_with_a_static_first_frame():
    player = step_through(neuron())
    page = player._repr_html_()
    parsed = _Collect()
    parsed.feed(page)
    assert len(parsed.frames) == 6 and parsed.frames[0] == "" and all("display:none" in s for s in parsed.frames[1:])
    assert parsed.buttons == 2 and parsed.sliders == 1 and parsed.scripts == 1
    assert len(parsed.ids) == len(set(parsed.ids))  # every frame's SVG ids were made unique
    assert page.count("<svg") == 6 and "<?xml" not in page
    assert "step 2: n = s + b, upstream grad 0.5" in page and "trust the notebook" in page
    assert page != step_through(neuron())._repr_html_()  # two players on one page do not share ids


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
