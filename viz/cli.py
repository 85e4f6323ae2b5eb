"""The `chainrule` command: train a model, draw an expression's graph, check its gradients."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autograd import DomainError
from autograd.expression import ExpressionError, parse

from .cli_common import UsageError, assignments

EXAMPLES = {
    "train": "chainrule train                       # micrograd's demo: moons, MLP(2,[16,16,1]), hinge, SGD\n"
             "chainrule train --dataset spiral --loss ce --optimizer adam --lr 0.05 --epochs 200",
    "graph": 'chainrule graph "tanh(w*x + b)" x=0.5 w=-1.2 b=0.3 --out neuron.svg\n'
             'chainrule graph "x*x + x" x=3 --format png --steps frames/',
    "gradcheck": 'chainrule gradcheck "x**3 / (1 + exp(-y))" x=1.5 y=0.2',
}


def cmd_gradcheck(args: argparse.Namespace) -> int:
    """Print the gradient-check table of an expression; 0 when it passes, 1 when it does not."""
    from autograd import gradcheck

    expression = parse(args.expression)
    leaves = expression.bind(assignments(args.values))
    report = gradcheck(expression, leaves, eps=args.eps, raise_exception=False)
    print(f"{args.expression} at {', '.join(f'{v.label}={v.data:g}' for v in leaves)}")
    print(report)
    return 0 if report.passed else 1


def _add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", help="a formula: numbers, names, + - * / **, unary minus and "
                        "exp log sqrt tanh sigmoid relu leaky_relu sin cos abs; constants pi, e")
    parser.add_argument("values", nargs="*", metavar="name=value", help="one value per variable")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with an example in its help."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Train small networks, draw computation graphs with their gradients, check derivatives.",
        epilog="examples:\n  " + "\n  ".join("\n".join(EXAMPLES.values()).splitlines()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,graph,gradcheck}")
    from .cli_graph import add_graph_parser
    from .cli_train import add_train_parser

    add_train_parser(sub, EXAMPLES["train"])
    add_graph_parser(sub, EXAMPLES["graph"], _add_expression_arguments)
    check = sub.add_parser(
        "gradcheck", help="compare an expression's gradients with central differences",
        description="Evaluate the expression, run backward, and compare every input's gradient with a central "
                    "difference in float64. Exit status 0 when all agree, 1 when one does not, 2 for bad input.",
        epilog="example:\n  " + EXAMPLES["gradcheck"], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_expression_arguments(check)
    check.add_argument("--eps", type=float, default=1e-6, help="the finite-difference step (default 1e-6)")
    check.set_defaults(run=cmd_gradcheck)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; bad input is one line on stderr and exit status 2, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, ExpressionError, DomainError, ValueError, TypeError) as exc:
        print(f"chainrule {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"chainrule {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
