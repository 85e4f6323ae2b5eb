"""step_through: backward as a sequence of drawn frames, played in Jupyter (no widgets) or saved as files or a GIF."""

from __future__ import annotations

import html
import io
import itertools
import os
import re
from pathlib import Path

from autograd import Value

from .dot import Frame, Options, source, statements
from .fmt import format_number
from .graph import Drawing
from .graphdata import GraphData
from .render import render_bytes
from .steps import Step, backward_steps

_ids = itertools.count()


class StepThrough:
    """The frames of one backward pass: frame 0 seeds the output with 1, frame k shows chain-rule step k."""

    def __init__(self, root: Value, rankdir: str = "LR", max_nodes: int = 100, renderer: str | None = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"step_through: root must be an autograd.Value, got {type(root).__name__} {root!r:.80}")
        self.opts = Options(rankdir=rankdir, group=None, max_nodes=max_nodes, what="step_through")
        self.root, self.renderer = root, renderer
        self.data = GraphData.collect([root])
        if len(self.data.nodes) > max_nodes:
            raise ValueError(
                f"step_through: the graph has {len(self.data.nodes)} nodes, more than max_nodes={max_nodes}; "
                "step through a smaller graph (one neuron, one sample) or raise max_nodes"
            )
        self.steps: list[Step] = list(backward_steps(root))
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

    def __len__(self) -> int:
        return len(self.steps) + 1

    def _check(self, k: int) -> int:
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self):
            raise ValueError(f"step_through: frame must be an int from 0 to {len(self) - 1}, got {k!r}")
        return k

    def caption(self, k: int) -> str:
        """What happens in frame ``k``, in words and numbers."""
        self._check(k)
        if k == 0:
            name = self.root.label or "the output"
            return f"start: d{name}/d{name} = 1, the gradient backward starts from"
        text = self.steps[k - 1].describe()
        return text + ("\ndone: every gradient is final" if k == len(self.steps) else "")

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
        frame = Frame(self._grads[k], self.widths, roles, edges, self.caption(k) if caption else None)
        opts = Options(self.opts.rankdir, group=None, max_nodes=self.opts.max_nodes,
                       title=f"backward, step {k} of {len(self.steps)}", what="step_through")
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
        """Write every frame into ``folder`` as step_000.png, step_001.png, ... (or .svg) and return the paths."""
        if format not in ("png", "svg"):
            raise ValueError(f"save_frames: format must be 'png' or 'svg', got {format!r}")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for k in range(len(self)):
            path = folder / f"step_{k:03d}.{format}"
            path.write_bytes(render_bytes(self.dot(k), format, self.renderer))
            paths.append(path)
        return paths

    def save_gif(self, path: str | os.PathLike, seconds_per_frame: float = 1.5) -> Path:
        """Write the frames as an animated GIF at ``path`` (made with Pillow) and return the path."""
        if not isinstance(seconds_per_frame, (int, float)) or not seconds_per_frame > 0:
            raise ValueError(f"save_gif: seconds_per_frame must be a positive number, got {seconds_per_frame!r}")
        from PIL import Image

        images = [Image.open(io.BytesIO(render_bytes(self.dot(k), "png", self.renderer))).convert("RGB")
                  for k in range(len(self))]
        width, height = max(i.width for i in images), max(i.height for i in images)
        frames = []
        for image in images:  # frames may differ slightly in size: centre each on a common white canvas
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image, ((width - image.width) // 2, 0))
            frames.append(canvas.convert("P", palette=Image.Palette.ADAPTIVE, colors=255))
        durations = [round(1000 * seconds_per_frame)] * len(frames)
        durations[-1] *= 3  # linger on the finished gradients before looping
        path = Path(path)
        frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
        return path

    def _repr_html_(self) -> str:
        return player_html(self)


def statements_of(dot_source: str) -> list[str]:
    """The body lines of a DOT source made by ``source``."""
    lines = dot_source.splitlines(keepends=True)
    return lines[1:-1]


def step_through(root: Value, rankdir: str = "LR", max_nodes: int = 100, renderer: str | None = None) -> StepThrough:
    """Backward of ``root`` frame by frame: a Jupyter player (prev/next, slider), savable as PNG/SVG files or a GIF."""
    return StepThrough(root, rankdir=rankdir, max_nodes=max_nodes, renderer=renderer)


def _inline_svg(svg: str, prefix: str) -> str:
    """SVG text fit to sit inside HTML next to other frames: no XML prolog, ids made unique."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]*)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]*)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]*)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    return svg.replace("<svg", '<svg style="max-width:100%;height:auto"', 1)


def player_html(player: StepThrough) -> str:
    """Self-contained HTML + JS: every frame inline, prev/next buttons and a slider; the first frame without JS."""
    uid = f"chainrule-steps-{os.getpid()}-{next(_ids)}"
    n = len(player) - 1
    frames = []
    for k in range(len(player)):
        hidden = "" if k == 0 else ' style="display:none"'
        frames.append(
            f'<div class="cr-frame"{hidden}><pre style="margin:4px 0;font-size:12px;white-space:pre-wrap">'
            f"{html.escape(player.caption(k))}</pre>{_inline_svg(player.svg(k), f'{uid}-{k}-')}</div>"
        )
    button = 'style="padding:2px 10px;margin-right:4px"'
    controls = (
        f'<div class="cr-controls" style="display:none;align-items:center;gap:6px;margin:4px 0">'
        f'<button {button} data-go="-1">&#9664; prev</button><button {button} data-go="1">next &#9654;</button>'
        f'<input type="range" min="0" max="{n}" value="0" style="width:240px">'
        f'<span class="cr-count">step 0 of {n}</span></div>'
    )
    note = (
        '<p class="cr-nojs" style="color:#92400e;font-size:12px">Showing step 0 only: the buttons need JavaScript '
        "(trust the notebook), or save the frames with .save_frames(folder) or .save_gif(path).</p>"
    )
    script = f"""<script>
(function() {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var frames = root.querySelectorAll(".cr-frame"), slider = root.querySelector("input[type=range]");
  var count = root.querySelector(".cr-count"), k = 0;
  function show(j) {{
    k = Math.max(0, Math.min({n}, j));
    for (var i = 0; i < frames.length; i++) frames[i].style.display = (i === k) ? "" : "none";
    slider.value = k; count.textContent = "step " + k + " of {n}";
  }}
  root.querySelectorAll("button[data-go]").forEach(function(b) {{
    b.addEventListener("click", function() {{ show(k + parseInt(b.getAttribute("data-go"), 10)); }});
  }});
  slider.addEventListener("input", function() {{ show(parseInt(slider.value, 10)); }});
  root.querySelector(".cr-controls").style.display = "flex";
  root.querySelector(".cr-nojs").style.display = "none";
}})();
</script>"""
    return f'<div id="{uid}" style="font-family:sans-serif">{controls}{note}{"".join(frames)}</div>{script}'
