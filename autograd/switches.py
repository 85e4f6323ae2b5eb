"""The recording switches, per thread: whether ops record a graph (no_grad) and whether anomalies raise."""

from __future__ import annotations

import functools
import threading
from contextlib import ContextDecorator


class _State(threading.local):
    """Each thread sees its own switches, starting from the defaults below (as in PyTorch)."""

    recording = True  # the no_grad / enable_grad switch
    # None when anomaly detection is off; otherwise node -> "file:line" where it was created.
    anomaly_sites: dict | None = None
    # What making a node needs, in one read: None (record nothing), True (record), or the
    # anomaly sites (record, and check the value). Kept in step with the two by set_mode.
    record: dict | bool | None = True


STATE = _State()

# True while no thread has switched away from the defaults (recording, anomaly detection off):
# making a node then skips reading STATE, a thread-local read that costs as much as a third of
# the node itself. A thread that has switched counts itself, under the lock, before its next op.
ALL_DEFAULT = True
_switched = 0  # how many threads are not at the defaults
_COUNTING = threading.Lock()


def set_mode(recording: bool, anomaly_sites: dict | None) -> None:
    """Set the current thread's switches (the one place that changes them)."""
    global ALL_DEFAULT, _switched
    was_default = STATE.record is True
    STATE.recording = recording
    STATE.anomaly_sites = anomaly_sites
    STATE.record = (True if anomaly_sites is None else anomaly_sites) if recording else None
    if was_default != (STATE.record is True):
        with _COUNTING:
            _switched += 1 if was_default else -1
            ALL_DEFAULT = _switched == 0


class ThreadMode(ContextDecorator):
    """A mode for a with-block or a decorated call, in the current thread only: ``with mode():``,
    ``@mode()`` and ``@mode`` (without parentheses). What each thread saved on entering is in ``_saved``."""

    def __new__(cls, func=None):
        if func is not None:  # @no_grad without parentheses: decorate func with a fresh instance
            if not callable(func):
                raise TypeError(f"{cls.__name__}: takes no arguments, or decorates a function; got {func!r}")
            return functools.wraps(func)(cls()(func))
        return super().__new__(cls)

    def __init__(self, func=None) -> None:
        self._saved = threading.local()  # per thread, so one instance can be entered by two threads


class _Switch(ThreadMode):
    """Sets ``STATE.recording`` for a with-block or a decorated call, in the current thread only."""

    _value: bool

    def __enter__(self):
        stack = self._saved.__dict__.setdefault("stack", [])  # a stack, so one instance can be re-entered
        stack.append(STATE.recording)
        set_mode(self._value, STATE.anomaly_sites)
        return self

    def __exit__(self, *exc) -> bool:
        set_mode(self._saved.stack.pop(), STATE.anomaly_sites)
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
