"""Model files: a module's architecture and parameters as checked JSON, written atomically.

A file holds ``format``, ``version``, ``module`` (the class name), ``config`` (the constructor
arguments), ``parameters`` (name -> float, exact: JSON keeps every digit of a float's repr) and
``sha256``, the SHA-256 of ``{"module", "config", "parameters"}`` written as JSON with sorted
keys and no spaces, so a truncated or hand-edited file is refused with a
message saying what is wrong instead of silently loading other numbers. Never pickle: loading a
file runs no code.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import tempfile
from typing import Any

FORMAT = "chainrule.nn"
VERSION = 1
_KEYS = ("format", "version", "module", "config", "parameters", "sha256")


def _checksum(module: str, config: dict, parameters: dict) -> str:
    canonical = json.dumps(
        {"module": module, "config": config, "parameters": parameters},
        sort_keys=True, separators=(",", ":"), allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_path(path, what: str) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}: path must be a str or os.PathLike, got {type(path).__name__} {path!r}")
    return os.fspath(path)


def write_model(path, module: str, config: dict, parameters: dict[str, float]) -> None:
    """Write a model file atomically: a temporary file in the same folder, then os.replace."""
    path = _check_path(path, "save")
    for name, value in parameters.items():
        if not math.isfinite(value):
            raise ValueError(f"save: parameter {name!r} is {value!r}; a model with non-finite parameters is not saved")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "module": module,
        "config": config,
        "parameters": parameters,
        "sha256": _checksum(module, config, parameters),
    }
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename makes them visible
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half of one
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _reject_constant(token: str):
    raise ValueError(f"the non-standard JSON number {token} (parameters must be finite)")


def read_model(path) -> tuple[str, dict, dict[str, float]]:
    """(module, config, parameters) from a model file, or a ValueError saying what is wrong with it."""
    path = _check_path(path, "load")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    where = f"load: {path!r}"
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where} is not valid JSON ({exc}); the file may be truncated or damaged") from None
    except ValueError as exc:
        raise ValueError(f"{where} contains {exc}") from None
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise ValueError(f"{where} is not a chainrule model file: expected a JSON object, got a {kind}")
    if document.get("format") != FORMAT:
        found = document.get("format")
        raise ValueError(f"{where} is not a chainrule model file (format {found!r}, expected {FORMAT!r})")
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"{where} has format version {version!r}; this chainrule reads version {VERSION}")
    missing = [key for key in _KEYS if key not in document]
    if missing:
        raise ValueError(f"{where} lacks the key(s) {', '.join(map(repr, missing))}")
    extra = [key for key in document if key not in _KEYS]
    if extra:
        raise ValueError(f"{where} has unexpected key(s) {', '.join(map(repr, extra))}")
    module, config, parameters = document["module"], document["config"], document["parameters"]
    if not isinstance(module, str):
        raise ValueError(f"{where}: 'module' must be a class name, got {module!r}")
    if not isinstance(config, dict):
        raise ValueError(f"{where}: 'config' must be an object, got {config!r}")
    if not isinstance(parameters, dict):
        raise ValueError(f"{where}: 'parameters' must be an object of name -> number, got {type(parameters).__name__}")
    for name, value in parameters.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{where}: parameter {name!r} is {value!r}, not a number")
    if document["sha256"] != _checksum(module, config, parameters):
        raise ValueError(
            f"{where} fails its checksum: its content was changed after it was saved (hand-edited or damaged)"
        )
    return module, config, {name: float(value) for name, value in parameters.items()}


def describe_difference(expected: dict[str, Any], found: dict[str, Any]) -> str:
    """The entries where two configs differ, as 'key: expected X, file has Y'."""
    keys = sorted(set(expected) | set(found))
    return "; ".join(
        f"{key}: this model has {expected.get(key)!r}, the file {found.get(key)!r}"
        for key in keys
        if expected.get(key) != found.get(key)
    )
