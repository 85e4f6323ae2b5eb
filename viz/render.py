"""Finding a Graphviz renderer (``dot``, else ``graphviz-pure``) and turning DOT source into file bytes."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

RENDERERS = ("dot", "graphviz-pure")
FORMATS = ("svg", "png", "pdf")

INSTALL_HELP = """No Graphviz renderer found: neither `dot` (Graphviz) nor `graphviz-pure` is on PATH.
Install one of them, then restart Python:
  pip install graphviz-pure                   any system, no admin rights (or: pip install 'chainrule[viz]')
  sudo apt-get install graphviz               Debian, Ubuntu
  brew install graphviz                       macOS
  winget install graphviz  or  choco install graphviz    Windows
  conda install -c conda-forge graphviz       conda environments"""


class RendererNotFoundError(RuntimeError):
    """Neither Graphviz ``dot`` nor ``graphviz-pure`` could be found."""


class RenderError(RuntimeError):
    """The renderer ran but failed on the DOT source."""


class Renderer(NamedTuple):
    """A renderer executable: its ``name`` ('dot' or 'graphviz-pure') and ``path``."""

    name: str
    path: str


_preferred: str | None = None


def _search_path() -> str:
    # graphviz-pure lives next to the interpreter in a virtual environment that was not activated.
    extra = [str(Path(sys.executable).parent), sysconfig.get_path("scripts")]
    return os.pathsep.join([os.environ.get("PATH", ""), *(p for p in extra if p)])


def _check_name(name: str | None, what: str) -> None:
    if name is not None and name not in RENDERERS:
        raise ValueError(f"{what}: renderer must be one of {RENDERERS} or None, got {name!r}")


def find_renderer(name: str | None = None) -> Renderer:
    """The renderer to use: ``name`` if given, else the one chosen by use_renderer, else dot, else graphviz-pure."""
    _check_name(name, "find_renderer")
    wanted = name or _preferred
    candidates = [wanted] if wanted else list(RENDERERS)
    for candidate in candidates:
        path = shutil.which(candidate, path=_search_path() if candidate == "graphviz-pure" else None)
        if path:
            return Renderer(candidate, path)
    if wanted:
        raise RendererNotFoundError(f"the renderer {wanted!r} was asked for but is not installed.\n{INSTALL_HELP}")
    raise RendererNotFoundError(INSTALL_HELP)


def use_renderer(name: str | None) -> None:
    """Make ``name`` ('dot' or 'graphviz-pure') the renderer for every drawing; None restores the automatic choice."""
    global _preferred
    _check_name(name, "use_renderer")
    _preferred = name


def _format_of(fmt: str, what: str) -> str:
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{what}: format must be one of {FORMATS}, got {fmt!r}")
    return fmt


def render_bytes(source: str, fmt: str = "svg", renderer: str | None = None, engine: str = "dot") -> bytes:
    """The DOT ``source`` rendered to 'svg', 'png' or 'pdf' bytes."""
    if not isinstance(source, str):
        raise TypeError(f"render_bytes: source must be DOT source as str, got {type(source).__name__}")
    fmt = _format_of(fmt, "render_bytes")
    found = find_renderer(renderer)
    if fmt == "pdf" and found.name == "graphviz-pure":
        return _png_to_pdf(_run(found, source, "png", engine, dpi=150))
    return _run(found, source, fmt, engine)


def _run(found: Renderer, source: str, fmt: str, engine: str, dpi: int | None = None) -> bytes:
    command = [found.path, f"-K{engine}", f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if dpi else [])
    # In its own session, so a Ctrl-C at the terminal (SIGINT to the whole process group) does not reach dot,
    # whose handler writes out a half-done layout and exits 0; Python gets it instead, and subprocess.run kills
    # dot on the way out (so with SIGINT ignored, under nohup or `cmd &`, dot finishes as the command does).
    proc = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, check=False,
                          start_new_session=True)
    if proc.returncode != 0 or not proc.stdout:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"{found.name} failed to render {fmt} (exit code {proc.returncode}): {message}")
    return proc.stdout


def _png_to_pdf(png: bytes) -> bytes:
    # graphviz-pure writes no PDF, so it gets a raster PDF (Pillow comes with matplotlib).
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").save(out, format="PDF", resolution=150.0)
    return out.getvalue()


def save_source(source: str, path: str | os.PathLike, fmt: str | None = None, renderer: str | None = None) -> Path:
    """Render DOT ``source`` into the file ``path`` (format from its suffix unless ``fmt``) and return the path."""
    path = Path(path)
    fmt = _format_of(fmt or path.suffix or "?", "save: format (from the file suffix)")
    data = render_bytes(source, fmt, renderer)
    path.write_bytes(data)
    return path


@contextlib.contextmanager
def dot_binary(renderer: str | None = None) -> Iterator[Renderer]:
    """Point the graphviz package at the chosen renderer (graphviz.backend.dot_command.DOT_BINARY) for a while."""
    from graphviz.backend import dot_command

    found = find_renderer(renderer)
    previous = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = Path(found.path)
    try:
        yield found
    finally:
        dot_command.DOT_BINARY = previous
