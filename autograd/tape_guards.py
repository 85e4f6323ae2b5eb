"""The guard log: comparisons of Values made while a recording scope is active, for the tape to re-check.

``if x > 0:`` bakes one branch into a recorded graph, and nothing in the graph shows it. So,
only inside ``with autograd.record():`` (or ``autograd.compile(f, *inputs)``), each comparison
``< <= > >=`` on a Value appends a ``Guard`` to the current thread's log: the Value, the
operator, the other side, the result and the file:line that compared. A tape compiled from
that scope replays the comparisons and raises ``GuardError`` when new inputs flip one.
Outside a scope the log is None and nothing is kept (no reference to any node).

Scopes are per thread, as ``no_grad`` is, but the graph is not: a worker thread that compares a
node while another thread records (``f`` handing work to a pool) decides the branch all the
same. So while any scope is active, every thread's comparisons also go to one shared journal
(cleared when the last scope ends), and a scope's tape takes those made by other threads during
it as guards where they touch a node of its graph.
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
    """Per thread: the guards of the innermost active recording scope and that scope; without one, None, or
    while another thread records, the shared journal (the class's default, so Value's check stays one read)."""

    guards: list | None = None
    scope: record | None = None


LOG = _Log()


class _Shared:
    """What all threads share: the number of active scopes and, while there is one, every comparison made in
    any thread, as (thread id, Guard)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.scopes = 0
        self.journal: list[tuple[int, Guard]] = []


_SHARED = _Shared()


def note(node, symbol: str, other, result: bool) -> None:
    """Called by Value's comparisons while a scope is active: remember the comparison and its caller's line."""
    frame = sys._getframe(2)  # 0: note, 1: Value.__gt__ (or __lt__...), 2: the code that compared
    guard = Guard(node, symbol, other, bool(result), f"{frame.f_code.co_filename}:{frame.f_lineno}")
    journal = _SHARED.journal
    own = LOG.guards  # read again: the last scope of another thread may have just ended (None)
    if own is not journal and own is not None:  # (the journal itself in a thread without a scope of its own)
        own.append(guard)
    if _SHARED.scopes:
        journal.append((threading.get_ident(), guard))


class record:
    """A scope whose Value comparisons become guards: ``with autograd.record() as rec: ...; rec.compile(root)``."""

    def __init__(self) -> None:
        self.guards: list[Guard] = []
        self._outer: tuple | None = None  # the enclosing scope's guards and scope in this thread (None: none)
        self._thread = self._start = None  # where and from which journal entry it records
        self._elsewhere: list[Guard] | None = None  # other threads' comparisons during it, once it has ended

    def __enter__(self) -> record:
        self._outer = (LOG.__dict__.get("guards"), LOG.scope)  # this thread's own (not the class's default)
        LOG.guards, LOG.scope = self.guards, self
        self._thread, self._elsewhere = threading.get_ident(), None
        with _SHARED.lock:
            _SHARED.scopes += 1
            _Log.guards = _SHARED.journal  # threads without a scope of their own now log there
            self._start = len(_SHARED.journal)
        return self

    def __exit__(self, *exc) -> bool:
        outer, LOG.scope = self._outer
        if outer is None:
            del LOG.guards  # the class's default again: None, or the journal while another thread records
        else:
            LOG.guards = outer
            outer.extend(self.guards)  # a nested scope's guards also hold for the enclosing recording
        self._outer = None
        with _SHARED.lock:
            self._elsewhere = self._others()
            _SHARED.scopes -= 1
            if not _SHARED.scopes:  # the last scope: nothing more is kept
                _Log.guards = None
                _SHARED.journal.clear()
        return False

    def _others(self) -> list[Guard]:
        return [g for thread, g in _SHARED.journal[self._start:] if thread != self._thread]

    def elsewhere(self) -> list[Guard]:
        """The comparisons other threads made while this scope was active (so far, if it still is)."""
        if self._elsewhere is not None:
            return self._elsewhere
        if self._start is None:
            return []
        with _SHARED.lock:
            return self._others()

    def compile(self, root, also=(), *, inputs=None):
        """The tape of root's graph, with this scope's comparisons as its guards, and other threads' on its
        nodes (``also``, ``inputs``: see compile_graph)."""
        from .tape import compile_graph

        return compile_graph(root, self.guards, also, inputs=inputs, elsewhere=self.elsewhere())
