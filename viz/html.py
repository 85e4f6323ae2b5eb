"""HTML for pictures: images as data URIs that fit the output's width, and rendered SVG made fit to sit inline or to
share one canvas size with other frames."""

from __future__ import annotations

import base64
import html
import re

FIT_WIDTH = "max-width:100%;height:auto"  # wider than the output area: scaled down to its width, never cut off
PX_PER_PT = 4 / 3  # CSS pixels per point: how a browser sizes Graphviz's width="...pt"

_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


def data_uri(data: bytes, mime: str) -> str:
    """``data`` as a data: URI, which untrusted notebooks and offline pages both show."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def img_tag(data: bytes, mime: str, alt: str, fit_width: bool = True) -> str:
    """An <img> of ``data`` (PNG or SVG bytes), scaled down to the available width unless ``fit_width=False``."""
    style = FIT_WIDTH if fit_width else "max-width:none"
    return f'<img src="{data_uri(data, mime)}" alt="{html.escape(alt)}" style="{style}">'


def svg_size(svg: str) -> tuple[float, float]:
    """The (width, height) in points that Graphviz wrote on the SVG's root element."""
    found = _SIZE.search(svg)
    if not found:
        raise ValueError(f"svg_size: no width=...pt height=...pt on the <svg> element in {svg[:120]!r}")
    return float(found.group(1)), float(found.group(2))


def inline_svg(svg: str, prefix: str, size: tuple[float, float], style: str) -> str:
    """Rendered SVG text fit to sit in HTML beside other SVGs: no XML prolog, ids made unique with ``prefix``,
    the canvas set to ``size`` (points; the drawing stays at the top left) so that every frame has one size."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]*)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]*)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]*)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    width, height = size
    head_end = svg.index(">")
    head = re.sub(r'\s(width|height|viewBox|style)="[^"]*"', "", svg[:head_end])
    head += f' width="{width:g}pt" height="{height:g}pt" viewBox="0 0 {width:g} {height:g}" style="{style}"'
    return head + svg[head_end:]


def svg_on_canvas(svg: str, size: tuple[float, float]) -> str:
    """Rendered SVG text on a white canvas of ``size`` points, the drawing at the top and centred across it
    (as Graphviz centres a graph under a wider title), so that frames of one size keep their graph still."""
    width, _ = svg_size(svg)
    canvas_width, canvas_height = size
    left = -(canvas_width - width) / 2
    start = svg.index("<svg")
    end = svg.index(">", start)
    head = re.sub(r'\s(width|height|viewBox)="[^"]*"', "", svg[start:end])
    head += f' width="{canvas_width:g}pt" height="{canvas_height:g}pt" viewBox="{left:g} 0 {canvas_width:g} ' \
            f'{canvas_height:g}"'
    background = f'<rect x="{left:g}" y="0" width="{canvas_width:g}" height="{canvas_height:g}" fill="white"/>'
    return svg[:start] + head + ">" + background + svg[end + 1:]
