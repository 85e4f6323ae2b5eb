"""step_through: backward as a sequence of drawn frames, played in Jupyter (no widgets), saved as files, GIF or page."""

from __future__ import annotations

import io
import os
import re
from dataclasses import replace
from pathlib import Path

from autograd import Value

from .dot import Frame, Options, source, statements
from .fmt import format_number
from .graph import Drawing
from .graphdata import GraphData
from .html import svg_on_canvas, svg_size
from .player_html import TRUST_HELP, player_html, player_page
from .render import render_bytes
from .steps import Step, backward_steps, node_names

# A frame's file name, and the pattern of every name it makes (what save_frames clears of an earlier run)
FRAME_NAME = "step_{k:03d}.{format}"
FRAME_PATTERN = re.compile(r"step_\d{3,}\.(png|svg)")


class StepThrough:
    """The frames of one backward pass: frame 0 seeds the output with 1, frame k shows chain-rule step k."""

    def __init__(self, root: Value, rankdir: str = "LR", max_nodes: int = 100, renderer: str | None = None,
                 model: object = None, params: object = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"step_through: root must be an autograd.Value, got {type(root).__name__} {root!r:.80}")
        self.opts = Options(rankdir=rankdir, group=None, max_nodes=max_nodes, model=model, params=params,
                            what="step_through")
        self.root, self.renderer = root, renderer
        self.data = GraphData.collect([root])
        if len(self.data.nodes) > max_nodes:
            raise ValueError(
                f"step_through: the graph has {len(self.data.nodes)} nodes, more than max_nodes={max_nodes}; "
                "step through a smaller graph (one neuron, one sample) or raise max_nodes"
            )
        self.steps: list[Step] = list(backward_steps(root))
        # One name per node, shown in the frames' records and used by the captions: a model's names for its
        # parameters, and for an unlabelled node its op and a count ('add2'), never the value (values repeat).
        self.opts.settle(self.data.nodes)
        given = {n: self.opts.parameter_name(n) for n in self.data.nodes if n.is_leaf() and self.opts.is_parameter(n)}
        self.names = node_names(self.data.nodes, {n: name for n, name in given.items() if name})
        self._grads = [{root: 1.0}]
        for step in self.steps:
            grads = dict(self._grads[-1])
            for c in step.contributions:
                grads[c.parent] = c.total
            self._grads.append(grads)
        self.widths: dict = {}
        for grads in self._grads:
            for node, g in grads.items():
                self.widths[node] = max(self.widths.get(node, 1), len(format_number(g)))
        self._svgs: dict = {}
        self._pngs: dict = {}

    def __len__(self) -> int:
        return len(self.steps) + 1

    def __repr__(self) -> str:
        name = repr(self.root.label) if self.root.label else "the output"
        return f"<StepThrough: backward of {name} in {len(self)} frames, over {len(self.data.nodes)} nodes>"

    def _check(self, k: int) -> int:
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self):
            raise ValueError(f"step_through: frame must be an int from 0 to {len(self) - 1}, got {k!r}")
        return k

    def caption(self, k: int) -> str:
        """What happens in frame ``k``, in words and numbers."""
        self._check(k)
        if k == 0:
            name = self.names[self.root]
            d = f"d{name}" if self.root.label else f"d({name})"  # d(add2), not dadd2
            return f"start: {d}/{d} = 1, the gradient backward starts from"
        text = self.steps[k - 1].describe(self.names)
        return text + ("\ndone: every gradient is final" if k == len(self.steps) else "")

    def _caption_lines(self) -> int:
        if not hasattr(self, "_lines"):
            self._lines = max(len(self.caption(k).splitlines()) for k in range(len(self)))
        return self._lines

    def dot(self, k: int, caption: bool = True) -> str:
        """DOT source of frame ``k`` (with its caption drawn under the title unless ``caption=False``)."""
        self._check(k)
        roles, edges = {}, set()
        if k == 0:
            roles[self.root] = "receiver"  # the output receives the seed gradient 1
        else:
            step = self.steps[k - 1]
            for c in step.contributions:
                roles[c.parent] = "receiver"
                edges.add((c.parent, step.node))
            roles[step.node] = "current"
        text = None
        if caption:  # every frame's caption as many lines high (blank ones below), so the graph never moves down
            text = self.caption(k)
            text += "\n\u00a0" * (self._caption_lines() - len(text.splitlines()))
        frame = Frame(self._grads[k], self.widths, roles, edges, text, self.names)
        opts = replace(self.opts, title=f"backward, step {k} of {len(self.steps)}")
        return source(statements(self.data, opts, frame))

    def frame(self, k: int) -> Drawing:
        """Frame ``k`` as a drawing (shows inline in Jupyter, saves with .save(path))."""
        return Drawing("chainrule", body=statements_of(self.dot(k)), format="svg")

    def svg(self, k: int) -> str:
        """Frame ``k`` rendered to SVG text, without its caption (the player prints captions as HTML)."""
        if k not in self._svgs:
            self._svgs[k] = render_bytes(self.dot(k, caption=False), "svg", self.renderer).decode("utf-8")
        return self._svgs[k]

    def save_frames(self, folder: str | os.PathLike, format: str = "png") -> list[Path]:  # noqa: A002
        """Write every frame into ``folder`` as step_000.png, step_001.png, ... (or .svg) and return the paths.

        Every frame has one size, the graph at the same place in each (a caption may be wider in one).
        The frames an earlier call left in ``folder`` (step_NNN.png or .svg beyond these, or in the
        other format) are removed, so the folder holds one step-through; no other file is touched.
        """
        if format not in ("png", "svg"):
            raise ValueError(f"save_frames: format must be 'png' or 'svg', got {format!r}")
        folder = Path(folder)
        if format == "png":
            pictures = [_png_bytes(image) for image in self._images()]
        else:
            svgs = [render_bytes(self.dot(k), "svg", self.renderer).decode("utf-8") for k in range(len(self))]
            sizes = [svg_size(svg) for svg in svgs]
            size = (max(w for w, _ in sizes), max(h for _, h in sizes))
            pictures = [svg_on_canvas(svg, size).encode("utf-8") for svg in svgs]
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for k, picture in enumerate(pictures):
            path = folder / FRAME_NAME.format(k=k, format=format)
            path.write_bytes(picture)
            paths.append(path)
        for stale in set(folder.glob("step_*.*")) - set(paths):
            if FRAME_PATTERN.fullmatch(stale.name) and stale.is_file():
                stale.unlink()
        return paths

    def _images(self) -> list:
        """Every frame with its caption as a Pillow image, all on one white canvas, each centred across it."""
        from PIL import Image

        images = [Image.open(io.BytesIO(self.png(k))).convert("RGB") for k in range(len(self))]
        width, height = max(i.width for i in images), max(i.height for i in images)
        canvases = []
        for image in images:  # Graphviz centres the graph under a wider caption: centring keeps it still
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image, ((width - image.width) // 2, 0))
            canvases.append(canvas)
        return canvases

    def save_gif(self, path: str | os.PathLike, seconds_per_frame: float = 1.5) -> Path:
        """Write the frames as an animated GIF at ``path`` (made with Pillow) and return the path."""
        if not isinstance(seconds_per_frame, (int, float)) or not seconds_per_frame > 0:
            raise ValueError(f"save_gif: seconds_per_frame must be a positive number, got {seconds_per_frame!r}")
        from PIL import Image

        frames = [image.convert("P", palette=Image.Palette.ADAPTIVE, colors=255) for image in self._images()]
        durations = [round(1000 * seconds_per_frame)] * len(frames)
        durations[-1] *= 3  # linger on the finished gradients before looping
        path = Path(path)
        frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
        return path

    def png(self, k: int) -> bytes:
        """Frame ``k`` with its caption as PNG bytes (the picture an untrusted notebook shows)."""
        self._check(k)
        if k not in self._pngs:
            self._pngs[k] = render_bytes(self.dot(k), "png", self.renderer)
        return self._pngs[k]

    def save_html(self, path: str | os.PathLike) -> Path:
        """Write the player as one self-contained HTML page at ``path`` (offline; arrow keys step); return the path."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"save_html: path must end in .html, got {str(path)!r}")
        page = player_page(self)
        path.write_text(page, encoding="utf-8")
        return path

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict:
        # text/html is the player (JupyterLab also shows it untrusted, sanitized: then a PNG of frame 0 and how
        # to trust the notebook); image/png and text/plain are for front ends that show no HTML.
        wanted = set(include) if include is not None else {"text/html", "image/png", "text/plain"}
        wanted -= set(exclude or ())
        bundle = {}
        if "text/html" in wanted:
            bundle["text/html"] = player_html(self)
        if "image/png" in wanted:
            bundle["image/png"] = self.png(0)
        if "text/plain" in wanted:
            bundle["text/plain"] = f"{self!r}\n{TRUST_HELP}"
        return bundle


def _png_bytes(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def statements_of(dot_source: str) -> list[str]:
    """The body lines of a DOT source made by ``source``."""
    lines = dot_source.splitlines(keepends=True)
    return lines[1:-1]


def step_through(root: Value, rankdir: str = "LR", max_nodes: int = 100, renderer: str | None = None,
                 model: object = None, params: object = None) -> StepThrough:
    """Backward of ``root`` frame by frame: a Jupyter player (prev/next, slider, arrow keys), savable as PNG/SVG
    files, a GIF or one HTML page. ``model`` or ``params``, as for draw_graph, say which leaves are parameters."""
    return StepThrough(root, rankdir=rankdir, max_nodes=max_nodes, renderer=renderer, model=model, params=params)
