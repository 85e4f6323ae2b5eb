"""Ctrl-C during training: a first one as a clean stop after the step, and Ctrl-C held back during writes."""

from __future__ import annotations

import _signal  # signal's C functions: its Python wrappers' enum conversions cost ~13 µs a step
import signal
import threading


class CtrlC:
    """During fit, a first Ctrl-C asks training to stop after the current step; a second one interrupts at once."""

    def __init__(self) -> None:
        self.requested = False
        self.before_interrupt = None  # called before a second Ctrl-C interrupts (fit's compiled steps write back)
        self._previous = None
        self._installed = False
        self._held = 0  # sigint_deferred blocks open under this handler
        self._pending = 0  # the Ctrl-Cs they hold back

    def __enter__(self):
        # Signal handlers can only be set from the main thread; elsewhere Ctrl-C raises
        # KeyboardInterrupt as usual, which fit also catches.
        if threading.current_thread() is threading.main_thread():
            # _signal's own getsignal: its SIG_IGN and SIG_DFL are the objects _signal.signal takes back
            # (signal.getsignal's enum members are refused by it, as under nohup or `cmd &`)
            self._previous = _signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def _handle(self, signum, frame) -> None:
        if self._held:  # inside sigint_deferred: raised again when its block is done
            self._pending += 1
            return
        if self.requested:
            if self.before_interrupt is not None:
                self.before_interrupt()
            raise KeyboardInterrupt
        self.requested = True

    def restore(self) -> None:
        """The previous handler back, once (also after a KeyboardInterrupt that cut __exit__ short).

        signal.signal first runs the handlers of signals that have already arrived, so a Ctrl-C
        arriving just before the swap would run this handler there, and its KeyboardInterrupt
        would stop the swap. Such a Ctrl-C is held instead, and raised again once the previous
        handler is back, as sigint_deferred does.
        """
        if not self._installed:
            return
        self._held += 1
        _signal.signal(signal.SIGINT, self._previous if self._previous is not None else _signal.SIG_DFL)
        self._installed = False
        self.release()

    def release(self) -> None:
        """End one block of holding Ctrl-C; after the last, raise again each Ctrl-C it held, in turn."""
        self._held -= 1
        if not self._held:
            pending, self._pending = self._pending, 0
            for _ in range(pending):
                signal.raise_signal(signal.SIGINT)

    def __exit__(self, *exc) -> bool:
        self.restore()
        return False


class sigint_deferred:  # noqa: N801 - used as a function, like contextlib's context managers
    """Hold Ctrl-C (SIGINT) back until the block is done, then deliver it: a block of writes is never cut in half.

    Each SIGINT that arrives inside the block is recorded and raised again, in order, once the
    handler that was in place before is back, so that handler (fit's CtrlC, Python's
    KeyboardInterrupt, or the default exit) sees it just after the block. Under fit's CtrlC the
    handler stays in place and holds them itself (no handler is swapped: fit's steps commit often).
    Off the main thread, where no handler can be set (and none runs), it does nothing; likewise
    when SIGINT is ignored or its handler was not set from Python (it could not be put back).
    """

    __slots__ = ("_ctrl_c", "_previous", "_received")

    def __enter__(self) -> None:
        self._ctrl_c = self._previous = None
        if threading.current_thread() is not threading.main_thread():
            return
        previous = _signal.getsignal(signal.SIGINT)
        owner = getattr(previous, "__self__", None)
        if owner.__class__ is CtrlC and previous == owner._handle:
            owner._held += 1
            self._ctrl_c = owner
        elif previous is not None and previous != signal.SIG_IGN:
            self._received = received = []
            _signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
            self._previous = previous

    def __exit__(self, *exc) -> bool:
        ctrl_c = self._ctrl_c
        if ctrl_c is not None:
            ctrl_c.release()
        elif self._previous is not None:
            _signal.signal(signal.SIGINT, self._previous)
            for _ in self._received:
                signal.raise_signal(signal.SIGINT)
        return False
