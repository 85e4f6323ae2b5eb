"""What the `chainrule` subcommands share: the two kinds of error, the formula arguments, name=value pairs, and
output paths."""

from __future__ import annotations

import argparse
import contextlib
import math
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

# What the exit status says: 2 the input was bad, 1 the machine failed us (a full disk, a folder that
# cannot be written, no renderer) or a check failed, 130 Ctrl-C. Each comes with one line on stderr.
EXIT_BAD_INPUT, EXIT_FAULT, EXIT_INTERRUPTED = 2, 1, 130


DASH_HELP = ("An expression may start with '-' (\"-x*y\"); after '--' every argument is the expression or "
             "a value, so options go before it.")


def counted(n: int, noun: str) -> str:
    """'1 epoch', '3 epochs': a count and its noun, singular or plural (for the nouns the commands print)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def number(kind, low, high=None, *, above: bool = False):
    """An argparse type: a finite number of ``kind``, at least ``low`` (more, with ``above``) and at most ``high``."""
    article = "an" if kind is int else "a"
    wanted = f"{article} {kind.__name__} {'>' if above else '>='} {low:g}" if high is None else \
        f"{article} {kind.__name__} from {low} to {high}"

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        fits = math.isfinite(value) and (value > low if above else value >= low) and (high is None or value <= high)
        if not fits:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
        return value

    return parse


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


class WriteError(Exception):
    """A place that cannot be written (disk full, no permission, a directory in the way): one line, exit status 1."""


def add_expression_arguments(parser: argparse.ArgumentParser, without_variables: str) -> None:
    """The arguments of `graph` and `gradcheck`: the formula, then one name=value per variable.
    ``without_variables`` says what the command makes of a formula that has none."""
    from autograd import FUNCTIONS

    parser.add_argument("expression", help="a formula: numbers, names, + - * / **, unary minus and the functions "
                        f"{' '.join(FUNCTIONS)}; constants pi, e; {without_variables}. " + DASH_HELP)
    parser.add_argument("values", nargs="*", metavar="name=value", help="one value per variable")


def assignments(items: Sequence[str]) -> dict[str, str]:
    """name=value pairs from the command line, as strings (the expression checks the numbers)."""
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        # NFKC, as Python reads the names in the expression (a full-width x there is x)
        name = unicodedata.normalize("NFKC", name.strip())
        if not sep or not name:
            raise UsageError(f"expected name=value, got {item!r}")
        if name in result:
            raise UsageError(f"{name} is given twice")
        result[name] = value.strip()
    return result


@contextlib.contextmanager
def writing(path: Path | str) -> Iterator[Path | str]:
    """Turn an OSError while writing ``path`` into a WriteError that names it (a full disk names no file)."""
    try:
        yield path
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def writable_paths(*places: tuple[Path, str]) -> None:
    """Each (path, 'file' or 'folder') checked, then its folder created and tried, before any work is done.

    A place taken by the wrong kind (a directory where a file goes, a file where a folder does)
    is refused before any folder is made. Trying a temporary file (deleted at once) is what
    tells: permission bits say nothing to root, and /proc refuses new files to everyone.
    """
    for path, what in places:
        _refuse_taken(path, what)
    for path, what in places:
        folder = path if what == "folder" else path.parent
        with writing(path):
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass


def _refuse_taken(path: Path, what: str) -> None:
    below = next((folder for folder in path.parents if folder.exists()), None)  # the nearest that exists
    if below is not None and not below.is_dir():
        raise WriteError(f"cannot write {path}: {below} is a file, not a folder")
    if what == "file" and path.is_dir():
        raise WriteError(f"cannot write {path}: it is a directory")
    if what == "folder" and path.exists() and not path.is_dir():
        raise WriteError(f"cannot write {path}: it is a file, not a folder")
