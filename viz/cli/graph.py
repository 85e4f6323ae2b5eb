"""`chainrule graph`: evaluate an expression, run backward, print the gradients and draw the graph."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import UsageError, add_expression_arguments, assignments, writable_path, writing

FORMATS = ("svg", "png", "pdf")


def cmd_graph(args: argparse.Namespace) -> int:
    """Print each input's gradient and write the graph (and, with --steps, the step-through frames)."""
    from ..graph import draw_graph
    from ..player import step_through
    from .formula import parse

    expression = parse(args.expression)
    leaves = expression.bind(assignments(args.values))
    given = Path(args.out) if args.out else Path(f"graph.{args.format or 'svg'}")
    fmt = args.format or given.suffix.lstrip(".").lower() or "svg"
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out_path = given if given.suffix.lstrip(".").lower() == fmt else given.with_suffix(f".{fmt}")
    writable_path(given, "file")  # an --out that is a folder is refused, not turned into folder.svg
    writable_path(out_path, "file")
    steps_dir = writable_path(Path(args.steps), "folder") if args.steps else None

    params = _parameters(leaves, args.params)  # drawn as parameters: the named ones, and no guessing from labels
    out = expression(*leaves)  # a formula without variables gives a one-node graph
    out.label = out.label or "out"
    player = step_through(out, params=params) if steps_dir else None  # frames start from the graph before backward
    out.backward()
    print(f"{args.expression} = {out.data:.6g}")
    width = max(len(leaf.label) for leaf in leaves) if leaves else 0
    for leaf in leaves:
        print(f"  d/d{leaf.label:<{width}} = {leaf.grad:.6g}")
    drawing = draw_graph(out, rankdir=args.rankdir, title=args.expression, params=params)
    with writing(out_path):
        drawing.save(out_path, fmt)
    print(f"graph: {out_path}")
    if player is not None:
        with writing(steps_dir):
            frames = player.save_frames(steps_dir, format="png" if fmt == "pdf" else fmt)
            gif = player.save_gif(steps_dir / "backward.gif")
            page = player.save_html(steps_dir / "backward.html")
        print(f"step-through: {len(frames)} frames in {steps_dir}/, {gif} and {page} (one page, arrow keys step)")
    return 0


def _parameters(leaves: list, names: str | None) -> dict:
    """The variables given with --params, by name: the leaves the drawings colour as parameters."""
    wanted = [n.strip() for n in names.split(",")] if names else []
    known = {leaf.label: leaf for leaf in leaves}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UsageError(f"--params names {', '.join(unknown)}, which the expression does not use "
                         f"(its variables: {', '.join(known) or 'none'})")
    return {n: known[n] for n in wanted}


def add_graph_parser(sub: argparse._SubParsersAction, example: str) -> None:
    """Register the `graph` subcommand."""
    graph = sub.add_parser(
        "graph", help="draw an expression's computation graph with its gradients",
        description="Evaluate the expression at the given values, run backward, print d(out)/d(input) for every "
                    "input and render the computation graph with data and gradients.",
        epilog="examples:\n  " + example.replace("\n", "\n  "), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(graph)
    graph.add_argument("--out", help="the file to write (default graph.svg); its folder is created; "
                       "its suffix becomes the format's")
    graph.add_argument("--format", choices=FORMATS, help="svg, png or pdf (default: from --out's suffix, else svg)")
    graph.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="left-to-right or top-to-bottom")
    graph.add_argument("--params", metavar="NAMES", help="variables to draw as parameters (weights, biases), "
                       "comma-separated, e.g. w1,w2,b; the others are drawn as inputs")
    graph.add_argument("--steps", metavar="DIR", help="also write the backward frames, a GIF and an HTML page to DIR")
    graph.set_defaults(run=cmd_graph)
