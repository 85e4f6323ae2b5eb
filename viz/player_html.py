"""The step-through player as HTML: for Jupyter (with a picture untrusted notebooks show) and as one offline page.

Every frame gets one canvas size and the caption a fixed number of lines, so nothing moves while stepping; the
frames shrink to the available width but never below MIN_SCALE of their drawn size (below that they scroll, and
each step scrolls its own nodes into view).
The frames travel inside the <script>: where scripts do not run (an untrusted notebook strips them), what is left
is a PNG of the first frame and a line on how to trust the notebook, never the SVGs' text run together.
"""

from __future__ import annotations

import html
import itertools
import json
import os
from typing import TYPE_CHECKING

from .html import PX_PER_PT, img_tag, inline_svg, svg_size
from .style import HIGHLIGHT_FILL, RECEIVER_FILL

if TYPE_CHECKING:
    from .player import StepThrough

MIN_SCALE = 0.85  # node labels (11 pt) stay at least 12.5 px high
LINE_HEIGHT = 1.4  # of the caption, in em
TRUST_HELP = (
    "This is frame 0 only, as a picture: the player's buttons run only in a trusted notebook. In JupyterLab 4, "
    "open the command palette (Ctrl+Shift+C) and choose \u201cTrust Notebook\u201d (or run the cell again); "
    "or save the player as one page with .save_html(path)."
)
MONOSPACE = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace'

_ids = itertools.count()


def _script_json(value: object) -> str:
    # JSON inside <script>: "</" would end the script early.
    return json.dumps(value).replace("</", "<\\/")


def player_html(player: StepThrough, page: bool = False) -> str:
    """The player: prev/next buttons, a slider and the arrow keys; with ``page=True`` the keys work page-wide."""
    uid = f"chainrule-steps-{os.getpid()}-{next(_ids)}"
    n = len(player) - 1
    svgs = [player.svg(k) for k in range(len(player))]
    sizes = [svg_size(svg) for svg in svgs]
    size = (max(w for w, _ in sizes), max(h for _, h in sizes))
    width_px = size[0] * PX_PER_PT
    style = f"display:block;width:100%;height:auto;max-width:{width_px:.0f}px;min-width:{MIN_SCALE * width_px:.0f}px"
    frames = [inline_svg(svg, f"{uid}-{k}-", size, style) for k, svg in enumerate(svgs)]
    captions = [player.caption(k) for k in range(len(player))]
    lines = max(len(c.splitlines()) for c in captions)
    button = 'style="padding:2px 10px;margin-right:4px;font-size:13px"'
    player_part = (
        f'<div class="cr-player" style="display:none">'
        f'<div style="display:flex;align-items:center;gap:6px;margin:4px 0">'
        f'<button {button} data-go="-1" title="previous step (left arrow)">&#9664; prev</button>'
        f'<button {button} data-go="1" title="next step (right arrow)">next &#9654;</button>'
        f'<input type="range" min="0" max="{n}" value="0" style="width:240px" aria-label="step">'
        f'<span class="cr-count" style="font-size:13px">step 0 of {n}</span>'
        f'<span style="font-size:12px;color:#6b7280">(&#8592; &#8594; keys step)</span></div>'
        f'<pre class="cr-caption" style="margin:4px 0;padding:0;font-family:{html.escape(MONOSPACE)};'
        f"font-size:12.5px;line-height:{LINE_HEIGHT};height:{lines * LINE_HEIGHT:g}em;white-space:pre;"
        f'overflow-x:auto;overflow-y:hidden;background:none"></pre>'
        f'<div class="cr-box" style="overflow-x:auto"></div></div>'
    )
    fallback = (
        f'<div class="cr-fallback">{img_tag(player.png(0), "image/png", player.caption(0))}'
        f'<p style="color:#92400e;font-size:13px;margin:4px 0">{html.escape(TRUST_HELP)}</p></div>'
    )
    keys_on = "document" if page else "root"
    focus = f'[fill="{HIGHLIGHT_FILL}"], [fill="{RECEIVER_FILL}"]'  # the node of the step and its receivers
    script = f"""<script>
(function() {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var frames = {_script_json(frames)};
  var captions = {_script_json(captions)};
  var k = 0;
  var box = root.querySelector(".cr-box"), caption = root.querySelector(".cr-caption");
  var slider = root.querySelector("input[type=range]"), count = root.querySelector(".cr-count");
  function follow() {{  // a frame wider than the box: scroll the nodes of this step into the middle
    if (box.scrollWidth <= box.clientWidth) return;
    var lo = Infinity, hi = -Infinity, left = box.getBoundingClientRect().left - box.scrollLeft;
    box.querySelectorAll({_script_json(focus)}).forEach(function(e) {{
      var r = e.getBoundingClientRect(); lo = Math.min(lo, r.left - left); hi = Math.max(hi, r.right - left);
    }});
    if (lo <= hi) box.scrollLeft = (lo + hi - box.clientWidth) / 2;
  }}
  function show(j) {{
    k = Math.max(0, Math.min({n}, j));
    box.innerHTML = frames[k];
    follow();
    caption.textContent = captions[k];
    slider.value = k; count.textContent = "step " + k + " of {n}";
  }}
  root.querySelectorAll("button[data-go]").forEach(function(b) {{
    b.addEventListener("click", function() {{ show(k + parseInt(b.getAttribute("data-go"), 10)); }});
  }});
  slider.addEventListener("input", function() {{ show(parseInt(slider.value, 10)); }});
  {keys_on}.addEventListener("keydown", function(e) {{
    var go = {{ArrowLeft: -1, ArrowRight: 1}}[e.key];
    if (go === undefined || e.target === slider) return;
    e.preventDefault(); e.stopPropagation(); show(k + go);
  }});
  root.querySelector(".cr-fallback").style.display = "none";
  root.querySelector(".cr-player").style.display = "";
  show(0);
}})();
</script>"""
    return (f'<div id="{uid}" class="chainrule-steps" tabindex="0" style="font-family:sans-serif;outline:none">'
            f"{player_part}{fallback}</div>{script}")


def player_page(player: StepThrough) -> str:
    """The player as one self-contained HTML page: no network, works offline; the arrow keys step."""
    title = f"chainrule: backward of {player.root.label or 'the output'}, step by step"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body style="margin:16px;background:white;color:#111827"><h1 style="font:600 18px sans-serif">'
        f"{html.escape(title)}</h1>\n{player_html(player, page=True)}\n</body></html>\n"
    )
