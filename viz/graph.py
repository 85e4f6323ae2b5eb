"""draw_graph: the computation graph as a graphviz.Digraph that shows inline in Jupyter and saves as SVG, PNG, PDF."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import graphviz

from autograd import Value

from .dot import Options, body_of
from .html import img_tag
from .render import FORMATS, dot_binary, render_bytes, save_source


class Drawing(graphviz.Digraph):
    """A graphviz.Digraph rendered by whichever renderer is installed (Graphviz ``dot``, else ``graphviz-pure``).

    In Jupyter it shows scaled down to the output's width; ``fit_width = False`` shows it at its drawn size.
    """

    fit_width = True

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict:
        # JupyterLab shows image/svg+xml as an <img> that nothing scales, and not at all when the notebook is
        # untrusted; an <img> of the SVG in text/html is scaled to the width by JupyterLab's own stylesheet and
        # shown trusted or not. SVG and PNG are there too, for front ends that show no HTML.
        wanted = set(include) if include is not None else {"text/html", "image/svg+xml", "image/png"}
        wanted -= set(exclude or ())
        bundle: dict = {}
        if wanted & {"text/html", "image/svg+xml"}:
            svg = self.pipe("svg")
            if "text/html" in wanted:
                bundle["text/html"] = img_tag(svg, "image/svg+xml", "computation graph", self.fit_width)
            if "image/svg+xml" in wanted:
                bundle["image/svg+xml"] = svg.decode("utf-8")
        if "image/png" in wanted:
            bundle["image/png"] = self.pipe("png")
        others = wanted - {"text/html", "image/svg+xml", "image/png"}
        if others:  # e.g. image/jpeg: graphviz asks self.pipe, which picks the renderer
            bundle.update(super()._repr_mimebundle_(include=others))
        return bundle

    def pipe(self, format: str | None = None, renderer=None, formatter=None, neato_no_op=None,  # noqa: A002
             quiet: bool = False, *, engine: str | None = None, encoding: str | None = None) -> bytes | str:
        """The drawing rendered to bytes (or str with ``encoding``), as graphviz.Digraph.pipe."""
        if renderer or formatter or neato_no_op or (format or self.format) not in FORMATS:
            with dot_binary():
                return super().pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine, encoding=encoding)
        data = render_bytes(self.source, format or self.format, engine=engine or self.engine)
        return data.decode(encoding) if encoding else data

    def render(self, *args, **kwargs) -> str:
        """As graphviz.Digraph.render, with the renderer found by viz.find_renderer."""
        with dot_binary():
            return super().render(*args, **kwargs)

    def save(self, filename: str | os.PathLike | None = None, format: str | None = None,  # noqa: A002
             renderer: str | None = None, *, directory: str | os.PathLike | None = None,
             skip_existing: bool | None = False) -> str | Path:
        """Write the picture to exactly ``filename`` (.svg, .png or .pdf) and return its path.

        A name ending in .gv or .dot (or none, or a ``directory``) saves the DOT source, as graphviz.Digraph.save.
        """
        suffix = Path(filename).suffix.lower().lstrip(".") if filename is not None else ""
        if format is None and (directory is not None or suffix in ("", "gv", "dot")):
            return super().save(filename, directory=directory, skip_existing=skip_existing)
        return save_source(self.source, filename, format, renderer)


def draw_graph(
    root: Value | Sequence[Value],
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool = True,
    *,
    color_by: str = "kind",
    group: str | None = "auto",
    collapse: bool = False,
    max_nodes: int = 300,
    title: str | None = None,
    model: object = None,
    params: object = None,
) -> Drawing:
    """The graph behind ``root`` (a Value or list of Values) as a graphviz.Digraph: records, op nodes, legend.

    ``model`` (an nn Module): its ``named_parameters()`` say which leaves are parameters (drawn in
    the parameter colour, named by the model when unlabelled). ``params``, for a graph built by
    hand: the parameters themselves, a list of Values or a dict name -> Value. Without either,
    nn's labels do.
    """
    opts = Options(rankdir, show_data, show_grad, color_by, group, collapse, max_nodes, title, model, "draw_graph",
                   params)
    return Drawing("chainrule", body=body_of(root, opts), format="svg")
