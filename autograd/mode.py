"""The recording switches, per thread: whether ops record a graph (no_grad) and whether anomalies raise."""

from __future__ import annotations

import functools
import threading
from contextlib import ContextDecorator


class _State(threading.local):
    """Each thread sees its own switches, starting from the defaults below (as in PyTorch)."""

    recording = True
    # None when anomaly detection is off; otherwise node -> "file:line" where it was created.
    anomaly_sites: dict | None = None


STATE = _State()


class _Switch(ContextDecorator):
    """Sets ``STATE.recording`` for a with-block or a decorated call, in the current thread only.

    Usable as ``with no_grad():``, ``@no_grad()`` and ``@no_grad`` (without parentheses).
    """

    _value: bool

    def __new__(cls, func=None):
        if func is not None:  # @no_grad without parentheses: decorate func with a fresh switch
            if not callable(func):
                raise TypeError(f"{cls.__name__}: takes no arguments, or decorates a function; got {func!r}")
            return functools.wraps(func)(cls()(func))
        return super().__new__(cls)

    def __init__(self, func=None) -> None:
        self._saved = threading.local()  # per thread, so one instance can be entered by two threads

    def __enter__(self):
        stack = self._saved.__dict__.setdefault("stack", [])  # a stack, so one instance can be re-entered
        stack.append(STATE.recording)
        STATE.recording = self._value
        return self

    def __exit__(self, *exc) -> bool:
        STATE.recording = self._saved.stack.pop()
        return False


class no_grad(_Switch):
    """Context manager and decorator under which ops compute values but record no graph."""

    _value = False


class enable_grad(_Switch):
    """Context manager and decorator that turns recording back on (inside a no_grad block)."""

    _value = True


def is_grad_enabled() -> bool:
    """Whether ops record the graph in the current thread."""
    return STATE.recording
