"""Global recording switches: whether ops record a graph (no_grad) and whether anomalies raise."""

from __future__ import annotations

from contextlib import ContextDecorator


class _State:
    __slots__ = ("recording", "anomaly_sites")

    def __init__(self) -> None:
        self.recording = True
        # None when anomaly detection is off; otherwise node -> "file:line" where it was created.
        self.anomaly_sites: dict | None = None


STATE = _State()


class _Switch(ContextDecorator):
    """Sets ``STATE.recording`` for the duration of a with-block or a decorated call."""

    _value: bool

    def __init__(self) -> None:
        self._saved: list[bool] = []  # a stack, so one instance can be re-entered (recursion)

    def __enter__(self):
        self._saved.append(STATE.recording)
        STATE.recording = self._value
        return self

    def __exit__(self, *exc) -> bool:
        STATE.recording = self._saved.pop()
        return False


class no_grad(_Switch):
    """Context manager and decorator under which ops compute values but record no graph."""

    _value = False


class enable_grad(_Switch):
    """Context manager and decorator that turns recording back on (inside a no_grad block)."""

    _value = True


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph."""
    return STATE.recording
