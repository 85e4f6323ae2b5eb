"""`chainrule graph`: evaluate an expression, run backward, print the gradients and draw the graph."""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from .common import (
    UsageError,
    WriteError,
    add_expression_arguments,
    assignments,
    counted,
    number,
    writable_paths,
    writing,
)

FORMATS = ("svg", "png", "pdf")


def cmd_graph(args: argparse.Namespace) -> int:
    """Print each input's gradient and write the graph (and, with --steps, the step-through frames).

    The formula is evaluated, differentiated and laid out as a drawing before any folder is made or
    file tried, so a mistake in it leaves nothing behind.
    """
    from autograd import topological_order

    from ..graph import draw_graph
    from ..player import step_through
    from .formula import parse

    expression = parse(args.expression)
    leaves = expression.bind(assignments(args.values))
    out_path, fmt = _output(args.out, args.format)
    params = _parameters(leaves, args.params)  # drawn as parameters: the named ones, and no guessing from labels
    out = expression(*leaves)  # a formula without variables gives a one-node graph
    # the root's name: 'out', unless a variable has it (two boxes would read 'out'), then 'result', 'result2', ...
    names = itertools.chain(("out", "result"), (f"result{k}" for k in itertools.count(2)))
    out.label = out.label or next(name for name in names if name not in expression.variables)
    size = len(topological_order(out))
    if size > args.max_nodes:
        raise UsageError(f"the graph has {size} nodes, more than --max-nodes {args.max_nodes}; raise --max-nodes "
                         "(Graphviz takes longer the larger the graph) or draw a smaller formula")
    player = step_through(out, params=params, max_nodes=args.max_nodes) if args.steps else None  # before backward
    out.backward()
    drawing = draw_graph(out, rankdir=args.rankdir, title=args.expression, params=params, max_nodes=args.max_nodes)

    places = [(out_path, "file")]
    if player is not None:
        steps_dir = Path(args.steps)
        gif, page = steps_dir / "backward.gif", steps_dir / "backward.html"
        places += [(steps_dir, "folder"), (gif, "file"), (page, "file")]
    writable_paths(*places)
    print(f"{args.expression} = {out.data:.6g}")
    width = max(len(leaf.label) for leaf in leaves) if leaves else 0
    for leaf in leaves:
        print(f"  d/d{leaf.label:<{width}} = {leaf.grad:.6g}")
    with writing(out_path):
        drawing.save(out_path, fmt)
    print(f"graph: {out_path}")
    if player is not None:
        with writing(steps_dir):
            frames = player.save_frames(steps_dir, format="png" if fmt == "pdf" else fmt)
        with writing(gif):
            player.save_gif(gif)
        with writing(page):
            player.save_html(page)
        print(f"step-through: {counted(len(frames), 'frame')} in {steps_dir}/, {gif} and {page} "
              "(one page, arrow keys step)")
    return 0


def _output(out: str | None, format: str | None) -> tuple[Path, str]:  # noqa: A002 - the option's name
    """The file --out names (its suffix made the format's) and the format: --format, else --out's suffix, else svg."""
    if out is not None and not out.strip():
        raise UsageError("--out is empty; give a file such as graph.svg")
    given = Path(out) if out else Path(f"graph.{format or 'svg'}")
    suffix = given.suffix.lstrip(".").lower()
    if format is None and suffix and suffix not in FORMATS:
        raise UsageError(f"--out {out}: {given.suffix} is not a format this command writes; "
                         f"end it in {', '.join('.' + f for f in FORMATS)}, or give --format")
    fmt = format or suffix or "svg"
    if given.is_dir():
        raise WriteError(f"cannot write {given}: it is a directory")  # not turned into folder.svg
    path = given if suffix == fmt else given.with_suffix(f".{fmt}")
    if path != given and given.exists() and not given.is_file():  # /dev/null would become /dev/null.svg
        raise UsageError(f"--out {out} is not a regular file (the drawing would go to {path}); "
                         "give a file such as graph.svg")
    return path, fmt


def _parameters(leaves: list, names: str | None) -> dict:
    """The variables given with --params, by name: the leaves the drawings colour as parameters."""
    wanted = [n.strip() for n in names.split(",") if n.strip()] if names is not None else []
    if names is not None and not wanted:
        raise UsageError(f"--params {names!r} names no variable; give names such as w1,w2,b")
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
    add_expression_arguments(graph, "a formula without variables is a one-node graph")
    graph.add_argument("--out", help="the file to write (default graph.svg); its folder is created; "
                       "its suffix becomes the format's")
    graph.add_argument("--format", choices=FORMATS, help="svg, png or pdf (default: from --out's suffix, else svg)")
    graph.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="left-to-right or top-to-bottom")
    graph.add_argument("--params", metavar="NAMES", help="variables to draw as parameters (weights, biases), "
                       "comma-separated, e.g. w1,w2,b; the others are drawn as inputs")
    graph.add_argument("--steps", metavar="DIR", help="also write the backward frames, a GIF and an HTML page to DIR")
    graph.add_argument("--max-nodes", type=number(int, 1), default=300, metavar="N",
                       help="refuse a graph of more than N nodes (default 300): Graphviz would take long to lay it out")
    graph.set_defaults(run=cmd_graph)
