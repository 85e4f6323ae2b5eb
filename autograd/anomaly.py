"""detect_anomaly: raise at the first nan or inf, naming the op, its inputs and where user code made it."""

from __future__ import annotations

import math
import sys

from .switches import STATE, ThreadMode, set_mode

# Frames of the project's own packages are skipped when naming where a node was made, so a
# graph built by nn (a layer's weighted sum) is attributed to the user's line that called it.
_LIBRARY_PACKAGES = frozenset({"autograd", "nn", "viz"})


class AnomalyError(FloatingPointError):
    """A forward value or a gradient became nan or inf while detect_anomaly was on."""


class detect_anomaly(ThreadMode):
    """Context manager and decorator: a nan or inf in a forward value or a gradient raises at once.

    Each node made inside the block remembers the file:line of the user code that created it,
    so an anomaly found later in backward still points at the line to look at. Usable as
    ``with detect_anomaly():``, ``@detect_anomaly()`` and ``@detect_anomaly`` (as no_grad).
    """

    def __enter__(self):
        self._saved.__dict__.setdefault("stack", []).append(STATE.anomaly_sites)
        if STATE.anomaly_sites is None:
            set_mode(STATE.recording, {})
        return self

    def __exit__(self, *exc) -> bool:
        set_mode(STATE.recording, self._saved.stack.pop())
        return False


def _user_site() -> str:
    """file:line of the innermost frame outside the project's packages (autograd, nn, viz)."""
    frame = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).split(".")[0] in _LIBRARY_PACKAGES:
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def site_of(node) -> str:
    """Where the node was created, if it was created under detect_anomaly."""
    sites = STATE.anomaly_sites or {}
    return sites.get(node, "<made outside detect_anomaly>")


def _arguments(node) -> str:
    """The node's arguments by name, each parent with its label, each constant marked: ``x=2.0 (node 'a'), y=inf``."""
    from .ops import argument_names

    names = argument_names(node.primitive, len(node.arguments))
    parts = []
    for name, a in zip(names, node.arguments):
        if a.__class__ is float:
            parts.append(f"{name}={a!r} (a constant)")
        else:
            parts.append(f"{name}={a.data!r}" + (f" (node {a.label!r})" if a.label is not None else " (a node)"))
    return ", ".join(parts)


def anomaly_error(message: str, node) -> AnomalyError:
    """The error for an anomaly at ``node``, naming its op, its arguments (constants too) and creation site."""
    return AnomalyError(f"{message}\n  op: {node.op}\n  arguments: {_arguments(node)}\n  created at: {site_of(node)}")


def on_forward(node) -> None:
    """Record where the node was made; raise if its value is nan or inf."""
    site = _user_site()
    STATE.anomaly_sites[node] = site
    if not math.isfinite(node.data):
        raise AnomalyError(f"{node.op} produced {node.data!r} from {_arguments(node)}\n  created at: {site}")
