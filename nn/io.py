"""Model files: a module's architecture and parameters as checked JSON, written atomically.

A file holds ``format``, ``version``, ``module`` (the class name), ``config`` (the constructor
arguments), ``parameters`` (name -> float, exact: JSON keeps every digit of a float's repr) and
``sha256``, the SHA-256 of ``{"module", "config", "parameters"}`` written as JSON with sorted
keys and no spaces, so a truncated or damaged file is refused with a message saying what is
wrong instead of silently loading other numbers. The checksum guards against damage, not against
a forger: anyone can recompute it, so a file is also checked for size, depth and numbers before
anything is built from it. Never pickle: loading a file runs no code.

A save writes a temporary file next to the target, then renames it over the target
(``nn.atomic``): never half a file, and a killed save's temporary is cleaned up by the next.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from typing import Any

from .atomic import check_path, write_text

FORMAT = "chainrule.nn"
VERSION = 1
_KEYS = ("format", "version", "module", "config", "parameters", "sha256")
MAX_BYTES = 2**30  # 1 GiB: about 20 million parameters, far beyond what a scalar engine trains
MAX_PARAMETERS = 10_000_000
MAX_DEPTH = 32  # a model file nests 3 levels (document, config, a list of sizes); a bomb nests thousands


def _checksum(module: str, config: dict, parameters: dict) -> str:
    canonical = json.dumps(
        {"module": module, "config": config, "parameters": parameters},
        sort_keys=True, separators=(",", ":"), allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_model(path, module: str, config: dict, parameters: dict[str, float]) -> None:
    """Write a model file atomically (``nn.atomic``): a temporary file in the same folder, then os.replace."""
    path = check_path(path, "save")
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
    write_text(path, json.dumps(document, indent=1, allow_nan=False) + "\n", "save", "model file", "model.json")


# Loading ----------------------------------------------------------------------------------------

class _OutOfRange:
    """A JSON number no float holds (1e999, a 400-digit integer, NaN), kept so the file's check can say where it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 40 else f"{text[:20]}...{text[-6:]} ({len(text)} characters)"

    def __str__(self) -> str:
        if self.text in ("NaN", "Infinity", "-Infinity"):
            return f"the non-standard JSON number {self.text}"
        return f"the number {self.text}, out of the float range"


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _OutOfRange(text)


def _parse_int(text: str):
    if len(text) > 330:  # longer than any integer a float holds (1.8e308): never even converted
        return _OutOfRange(text)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        return _OutOfRange(text)
    return value


def _where(path: tuple) -> str:
    return "".join(f"[{key!r}]" for key in path)


def _check_tree(document, where: str) -> None:
    """Refuse a document nested deeper than MAX_DEPTH or holding a number no float can hold, naming where."""
    stack = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _OutOfRange):
            raise ValueError(f"{where}: {_where(path)} is {node}; a model file holds finite numbers only")
        if isinstance(node, (dict, list)):
            if len(path) >= MAX_DEPTH:
                raise ValueError(f"{where} is nested too deeply (more than {MAX_DEPTH} levels); it is no model file")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((child, (*path, key)) for key, child in items)


def _read_text(path: str, where: str) -> str:
    if os.path.isdir(path):
        raise ValueError(f"{where} is a directory, not a model file")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise ValueError(f"{where} is a directory, not a model file") from None
    if len(raw) > MAX_BYTES:
        raise ValueError(f"{where} is larger than {MAX_BYTES} bytes, more than any model file this chainrule reads")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{where} is not UTF-8 text (byte {exc.start}: {exc.reason}); the file is damaged or not a model file"
        ) from None


def read_model(path) -> tuple[str, dict, dict[str, float]]:
    """(module, config, parameters) from a model file, or a ValueError saying what is wrong with it."""
    path = check_path(path, "load")
    where = f"load: {path!r}"
    text = _read_text(path, where)
    try:
        document = json.loads(text, parse_float=_parse_float, parse_int=_parse_int, parse_constant=_OutOfRange)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where} is not valid JSON ({exc}); the file may be truncated or damaged") from None
    except RecursionError:
        raise ValueError(f"{where} is nested too deeply (more than {MAX_DEPTH} levels); it is no model file") from None
    _check_tree(document, where)
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise ValueError(f"{where} is not a chainrule model file: expected a JSON object, got a {kind}")
    if document.get("format") != FORMAT:
        found = document.get("format")
        raise ValueError(f"{where} is not a chainrule model file (format {found!r}, expected {FORMAT!r})")
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # not True, not 1.0: the integer 1
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
    if len(parameters) > MAX_PARAMETERS:
        raise ValueError(
            f"{where} holds {len(parameters)} parameters, more than the {MAX_PARAMETERS} this chainrule loads"
        )
    for name, value in parameters.items():
        if type(value) is not float and type(value) is not int:  # JSON gives exactly these; bool is refused
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
