"""viz.render: both renderers (Graphviz dot and graphviz-pure) for real, and the install help when neither exists.

Tests of `dot` are marked needs_dot: conftest.py runs them where Graphviz is installed and .ci/run requires them.
"""

import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from viz import render
from viz.render import RendererNotFoundError, RenderError, find_renderer, render_bytes, save_source, use_renderer

SOURCE = 'digraph { rankdir=LR; a [shape=record label="{ a | data 2 | grad 0.5 }"]; b [label="b"]; a -> b }'
needs_dot = pytest.mark.needs_dot
ROOT = Path(__file__).resolve().parents[1]
BOTH = [pytest.param("dot", marks=needs_dot), "graphviz-pure"]  # imported by the other renderer tests


@pytest.mark.parametrize("name", BOTH)
def test_each_renderer_is_installed(name):
    # graphviz-pure comes with the project; dot with Graphviz, which .ci/run installs and then requires.
    found = find_renderer(name)
    assert found.name == name and found.path


@pytest.mark.parametrize("name", BOTH)
def test_svg_is_well_formed_and_carries_the_labels(name):
    svg = render_bytes(SOURCE, "svg", renderer=name).decode("utf-8")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"a", "data 2", "grad 0.5", "b"} <= set(texts)


@pytest.mark.parametrize("name", BOTH)
def test_png_decodes_to_a_sensible_picture(name):
    png = render_bytes(SOURCE, "png", renderer=name)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.width > 150 and 30 < image.height < 400
    assert len(image.convert("RGB").getcolors(maxcolors=100000)) > 10  # text and lines, not a blank image


@pytest.mark.parametrize("name", BOTH)
def test_pdf_from_either_renderer(name):
    # graphviz-pure writes no PDF itself: viz turns its PNG into a raster PDF.
    pdf = render_bytes(SOURCE, "pdf", renderer=name)
    assert pdf.startswith(b"%PDF") and len(pdf) > 500


def test_save_source_writes_only_the_given_path(tmp_path):
    path = save_source(SOURCE, tmp_path / "g.png", renderer="graphviz-pure")
    assert path == tmp_path / "g.png" and sorted(p.name for p in tmp_path.iterdir()) == ["g.png"]
    assert path.read_bytes().startswith(b"\x89PNG")


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="renderer must be one of"):
        find_renderer("neato")
    with pytest.raises(ValueError, match="format must be one of"):
        render_bytes(SOURCE, "gif")
    with pytest.raises(TypeError, match="source must be DOT source"):
        render_bytes(b"digraph {}", "svg")
    with pytest.raises(ValueError, match="format must be one of"):
        save_source(SOURCE, "graph.txt")


@pytest.mark.parametrize("name", BOTH)
def test_a_broken_source_is_a_render_error(name):
    with pytest.raises(RenderError, match=name):
        render_bytes("digraph { a -> }", "svg", renderer=name)


def test_no_renderer_gives_install_instructions(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(render, "_search_path", lambda: str(tmp_path))
    with pytest.raises(RendererNotFoundError) as info:
        find_renderer()
    message = str(info.value)
    for word in ("apt-get install graphviz", "brew install graphviz", "winget", "choco", "conda", "pip install"):
        assert word in message
    with pytest.raises(RendererNotFoundError, match="'dot' was asked for"):
        find_renderer("dot")


@needs_dot
def test_dot_comes_first_when_installed():
    assert find_renderer().name == "dot"


def test_without_dot_on_path_graphviz_pure_is_found(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # graphviz-pure next to the interpreter is still found
    assert find_renderer().name == "graphviz-pure"


def test_use_renderer_chooses_for_every_drawing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot: asking for it fails, and None undoes the asking
    with pytest.raises(RendererNotFoundError):
        find_renderer("dot")
    try:
        use_renderer("graphviz-pure")
        assert find_renderer().name == "graphviz-pure"
        use_renderer("dot")
        with pytest.raises(RendererNotFoundError, match="'dot' was asked for"):
            find_renderer()
        use_renderer(None)
        assert find_renderer().name == "graphviz-pure"
        with pytest.raises(ValueError, match="use_renderer"):
            use_renderer("cairo")
    finally:
        use_renderer(None)


def test_dot_binary_points_graphviz_at_the_renderer_and_restores_it():
    from graphviz.backend import dot_command

    before = dot_command.DOT_BINARY
    with render.dot_binary("graphviz-pure") as found:
        assert str(dot_command.DOT_BINARY) == found.path and found.path.endswith("graphviz-pure")
    assert dot_command.DOT_BINARY == before


# A graph dot takes seconds to lay out (x feeds every node of a 70-node chain), and a program that ignores
# Ctrl-C (as under nohup, or `cmd &` in a script) while a SIGINT reaches its whole process group.
IGNORING_CTRL_C = """
import os, signal, threading
signal.signal(signal.SIGINT, signal.SIG_IGN)
from viz.render import render_bytes
source = "digraph g {" + "".join(f"a{i - 1} -> a{i}; x -> a{i};" for i in range(1, 70)) + "}"
threading.Timer(0.3, lambda: os.killpg(0, signal.SIGINT)).start()
png = render_bytes(source, "png", renderer="dot")
print(len(png), len(render_bytes(source, "png", renderer="dot")))
"""


@needs_dot
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_a_ctrl_c_to_the_process_group_does_not_cut_dot_short():
    # dot's own SIGINT handler writes out what it has laid out so far and exits 0 (a 185-byte PNG here);
    # in a session of its own it never sees the group's SIGINT, and renders the whole picture
    run = subprocess.run([sys.executable, "-c", IGNORING_CTRL_C], capture_output=True, text=True, timeout=300,
                         start_new_session=True, cwd=ROOT)
    interrupted, whole = map(int, run.stdout.split())
    assert run.returncode == 0 and interrupted == whole > 100_000, run.stderr
