"""Ctrl-C during training: a first one as a clean stop after the step, and Ctrl-C held back during writes."""

from __future__ import annotations

import _signal  # signal's C functions: its Python wrappers' enum conversions cost ~13 µs a step
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CtrlC:
    """During fit, a first Ctrl-C asks training to stop after the current step; a second one interrupts at once."""

    def __init__(self) -> None:
        self.requested = False
        self.before_interrupt = None  # called before a second Ctrl-C interrupts (fit's compiled steps write back)
        self._previous = None
        self._installed = False

    def __enter__(self):
        # Signal handlers can only be set from the main thread; elsewhere Ctrl-C raises
        # KeyboardInterrupt as usual, which fit also catches.
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def _handle(self, signum, frame) -> None:
        if self.requested:
            if self.before_interrupt is not None:
                self.before_interrupt()
            raise KeyboardInterrupt
        self.requested = True

    def restore(self) -> None:
        """The previous handler back, once (also after a KeyboardInterrupt that cut __exit__ short)."""
        if self._installed:
            self._installed = False
            _signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.SIG_DFL)

    def __exit__(self, *exc) -> bool:
        self.restore()
        return False


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block is done, then deliver it: a block of writes is never cut in half.

    Each SIGINT that arrives inside the block is recorded and raised again, in order, once the
    handler that was in place before is back, so that handler (fit's CtrlC, Python's
    KeyboardInterrupt, or the default exit) sees it just after the block. Off the main thread,
    where no handler can be set (and none runs), it does nothing; likewise when SIGINT is ignored
    or its handler was not set from Python (it could not be put back).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = _signal.getsignal(signal.SIGINT)
    if previous is None or previous == signal.SIG_IGN:
        yield
        return
    received = []
    _signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        _signal.signal(signal.SIGINT, previous)
        for _ in received:
            signal.raise_signal(signal.SIGINT)
