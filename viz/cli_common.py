"""What the `chainrule` subcommands share: the usage error, name=value pairs, and output paths."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


def assignments(items: Sequence[str]) -> dict[str, str]:
    """name=value pairs from the command line, as strings (the expression checks the numbers)."""
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"expected name=value, got {item!r}")
        if name.strip() in result:
            raise UsageError(f"{name.strip()} is given twice")
        result[name.strip()] = value.strip()
    return result


def writable_path(path: Path, what: str) -> Path:
    """Create the folder that will hold ``path`` (or is ``path``); refuse a place that cannot be written."""
    folder = path if what == "folder" else path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write to {folder}: permission denied")
    return path
