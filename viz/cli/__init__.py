"""The `chainrule` command: its parser, and main, which turns every error into one line and an exit status.

One module per subcommand: `train`, `graph`, `gradcheck`; `common` holds what they share.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from autograd import DomainError

from .common import EXIT_BAD_INPUT, EXIT_FAULT, EXIT_INTERRUPTED, UsageError, WriteError
from .formula import ExpressionError

BAD_INPUT = (UsageError, ExpressionError, DomainError, ValueError, TypeError, ArithmeticError)
FORMULA_COMMANDS = ("graph", "gradcheck")
_OPTION = re.compile(r"--[A-Za-z][A-Za-z0-9-]*(=.*)?", re.DOTALL)
_MARK = "\0"  # no command-line argument can hold a NUL character: it marks what _protect_formula wrapped

EXAMPLES = {
    "train": "chainrule train                       # micrograd's demo: moons, MLP(2,[16,16,1]), hinge, SGD\n"
             "chainrule train --dataset spiral --loss ce --optimizer adam --lr 0.05 --epochs 200",
    "graph": 'chainrule graph "tanh(w*x + b)" x=0.5 w=-1.2 b=0.3 --out neuron.svg\n'
             'chainrule graph "x*x + x" x=3 --format png --steps frames/',
    "gradcheck": 'chainrule gradcheck "x**3 / (1 + exp(-y))" x=1.5 y=0.2',
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, exit status 2 (argparse adds the usage)."""

    def error(self, message: str) -> NoReturn:
        """Print the error and where help is, on one line, and exit with status 2."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Version(argparse.Action):
    """--version: the installed distribution's version, looked up only when asked (importlib.metadata is slow)."""

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("chainrule")
        except PackageNotFoundError:
            found = "unknown (not installed)"
        print(f"chainrule {found}")  # on stdout, as argparse's own version action prints
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with an example in its help."""
    parser = _Parser(
        prog="chainrule",
        description="Train small networks, draw computation graphs with their gradients, check derivatives.",
        epilog="examples:\n  " + "\n  ".join("\n".join(EXAMPLES.values()).splitlines()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,graph,gradcheck}")
    from .gradcheck import add_gradcheck_parser
    from .graph import add_graph_parser
    from .train import add_train_parser

    add_train_parser(sub, EXAMPLES["train"])
    add_graph_parser(sub, EXAMPLES["graph"])
    add_gradcheck_parser(sub, EXAMPLES["gradcheck"])
    return parser


def _protect_formula(argv: list[str]) -> list[str]:
    """Mark the arguments of graph and gradcheck that start with '-' but are no option, as "-x*y".

    argparse takes any such argument for an unknown option. These subcommands have no one-dash option
    but -h, and every --name option takes a value; so an argument that starts with '-', is not shaped
    like --name[=value] and does not follow an option is the expression (or a value). A leading NUL
    makes argparse see a positional; _unmark removes it.
    """
    if not argv or argv[0] not in FORMULA_COMMANDS:
        return argv
    out = argv[:1]
    for i, arg in enumerate(argv[1:], 1):
        if arg == "--":
            return out + argv[i:]
        follows_option = bool(_OPTION.fullmatch(argv[i - 1])) and "=" not in argv[i - 1] and argv[i - 1] != "--help"
        is_formula = arg.startswith("-") and arg not in ("-", "-h") and not _OPTION.fullmatch(arg)
        out.append(_MARK + arg if is_formula and not follows_option else arg)
    return out


def _unmark(args: argparse.Namespace) -> argparse.Namespace:
    if hasattr(args, "expression"):
        args.expression = args.expression.removeprefix(_MARK)
        args.values = [value.removeprefix(_MARK) for value in args.values]
    return args


def _one_line(exc: BaseException) -> str:
    """The exception's message on one line (a renderer's message can span several)."""
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__


def _quiet_broken_stdout() -> None:
    """If stdout fails (a closed pipe, a full disk), send it to devnull: else Python reports it again at exit."""
    try:
        sys.stdout.flush()
    except OSError:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command: one line on stderr and exit status 2 for bad input, 1 for a fault, 130 for Ctrl-C."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "chainrule" + (f" {argv[0]}" if argv and argv[0] in ("train", *FORMULA_COMMANDS) else "")
    try:
        if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
            # (argparse would first complain that the command is missing, and never name the option)
            raise UsageError(f"unrecognized option {argv[0][:80]!r}; the command comes first: "
                             "chainrule {train,graph,gradcheck} [options]")
        args, unknown = build_parser().parse_known_args(_protect_formula(argv))
        if unknown:  # reported here, not by argparse, to name the subcommand and say where formulas go
            hint = " (a formula starting with '-' goes after --)" if argv[0] in FORMULA_COMMANDS else ""
            raise UsageError(f"unrecognized arguments: {' '.join(unknown)[:200]}{hint}")
        args = _unmark(args)
        status = args.run(args)
        sys.stdout.flush()  # a full disk or a closed pipe on stdout is reported here, as any other fault
        return status
    except KeyboardInterrupt:
        message, status = "interrupted", EXIT_INTERRUPTED
    except BAD_INPUT as exc:
        message, status = f"error: {_one_line(exc)}", EXIT_BAD_INPUT
    except WriteError as exc:
        message, status = f"error: {_one_line(exc)}", EXIT_FAULT
    except BrokenPipeError:  # stdout's reader has gone (| head): nobody is left to tell
        _quiet_broken_stdout()
        return EXIT_FAULT
    except OSError as exc:  # stdout failing (a full disk), or another fault of the machine
        _quiet_broken_stdout()
        message, status = f"error: {exc.strerror or _one_line(exc)}", EXIT_FAULT
    except Exception as exc:  # noqa: BLE001 - a fault of the machine (no renderer, no memory): still one line
        message, status = f"error: {type(exc).__name__}: {_one_line(exc)}", EXIT_FAULT
    print(f"{prog}: {message}", file=sys.stderr)
    return status
