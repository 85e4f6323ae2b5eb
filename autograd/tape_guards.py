"""The guard log: comparisons of Values made while a recording scope is active, for the tape to re-check.

``if x > 0:`` bakes one branch into a recorded graph, and nothing in the graph shows it. So,
only inside ``with autograd.record():`` (or ``autograd.compile(f, *inputs)``), each comparison
``< <= > >=`` on a Value appends a ``Guard`` to the current thread's log: the Value, the
operator, the other side, the result and the file:line that compared. A tape compiled from
that scope replays the comparisons and raises ``GuardError`` when new inputs flip one.
Outside a scope the log is None and nothing is kept (no reference to any node).
"""

from __future__ import annotations

import operator
import sys
import threading
from typing import NamedTuple

# The comparisons a guard can be, by symbol: on floats for Values and the Python replay, and
# elementwise on arrays for the numpy replay (the operator module's functions do both).
COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class GuardError(ValueError):
    """A tape's replay flipped a comparison made on Values while the graph was recorded."""


class Guard(NamedTuple):
    """One recorded comparison: ``node <symbol> other`` gave ``result`` at ``site`` (file:line)."""

    node: object  # the Value on the left
    symbol: str  # '<', '<=', '>' or '>='
    other: object  # a Value or a float
    result: bool
    site: str


class _Log(threading.local):
    """Per thread: the guards of the innermost active recording scope, or None (no scope)."""

    guards: list | None = None


LOG = _Log()


def note(node, symbol: str, other, result: bool) -> None:
    """Called by Value's comparisons while a scope is active: remember the comparison and its caller's line."""
    frame = sys._getframe(2)  # 0: note, 1: Value.__gt__ (or __lt__...), 2: the code that compared
    LOG.guards.append(Guard(node, symbol, other, bool(result), f"{frame.f_code.co_filename}:{frame.f_lineno}"))


class record:
    """A scope whose Value comparisons become guards: ``with autograd.record() as rec: ...; rec.compile(root)``."""

    def __init__(self) -> None:
        self.guards: list[Guard] = []
        self._outer: list | None = None

    def __enter__(self) -> record:
        self._outer = LOG.guards
        LOG.guards = self.guards
        return self

    def __exit__(self, *exc) -> bool:
        LOG.guards = self._outer
        if self._outer is not None:  # a nested scope's guards also hold for the enclosing recording
            self._outer.extend(self.guards)
        self._outer = None
        return False

    def compile(self, root, also=()):
        """The tape of root's graph, with this scope's comparisons as its guards (``also``: see compile_graph)."""
        from .tape import compile_graph

        return compile_graph(root, self.guards, also)
