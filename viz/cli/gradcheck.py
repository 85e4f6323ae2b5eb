"""`chainrule gradcheck`: compare an expression's backward gradients with central differences."""

from __future__ import annotations

import argparse

from .common import UsageError, add_expression_arguments, assignments, number
from .formula import parse


def cmd_gradcheck(args: argparse.Namespace) -> int:
    """Print the gradient-check table of an expression; 0 when every gradient agrees, else 1."""
    from autograd import gradcheck

    expression = parse(args.expression)
    leaves = expression.bind(assignments(args.values))
    if not leaves:
        raise UsageError(f"{args.expression!r} has no variables: there is no gradient to check")
    report = gradcheck(expression, leaves, eps=args.eps, raise_exception=False)
    print(f"{args.expression} at {', '.join(f'{v.label}={v.data:g}' for v in leaves)}")
    print(report)
    return 0 if report.confirmed else 1  # a gradient left without a verdict is not a pass either


def add_gradcheck_parser(sub: argparse._SubParsersAction, example: str) -> None:
    """Register the `gradcheck` subcommand."""
    check = sub.add_parser(
        "gradcheck", help="compare an expression's gradients with central differences",
        description="Evaluate the expression, run backward, and compare every input's gradient with a central "
                    "difference in float64. Exit status 0 when all agree, 1 when one does not or gets no verdict "
                    "(at a kink, or where x +- eps leaves the domain), 2 for bad input.",
        epilog="example:\n  " + example, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(check, "it needs at least one variable, whose gradient is checked")
    check.add_argument("--eps", type=number(float, 0, above=True), default=1e-6,
                       help="the finite-difference step (default 1e-6)")
    check.set_defaults(run=cmd_gradcheck)
