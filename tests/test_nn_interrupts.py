"""nn._interrupts: Ctrl-C as a request to stop, Ctrl-C held back during writes."""

import signal
import threading

import pytest

from nn._interrupts import CtrlC, sigint_deferred


def test_first_ctrl_c_asks_to_stop_second_interrupts():
    before = signal.getsignal(signal.SIGINT)
    with CtrlC() as ctrl_c:
        assert not ctrl_c.requested
        signal.raise_signal(signal.SIGINT)
        assert ctrl_c.requested
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


def test_a_ctrl_c_inside_a_deferred_block_arrives_after_it():
    before, done = signal.getsignal(signal.SIGINT), []
    with pytest.raises(KeyboardInterrupt):
        with sigint_deferred():
            signal.raise_signal(signal.SIGINT)
            done.append("the block went on to its end")
    assert done == ["the block went on to its end"]
    assert signal.getsignal(signal.SIGINT) is before


def test_each_held_back_ctrl_c_reaches_fits_handler_in_turn():
    with CtrlC() as ctrl_c:
        with pytest.raises(KeyboardInterrupt):  # the second one, once the outer block is done
            with sigint_deferred():
                assert signal.getsignal(signal.SIGINT) == ctrl_c._handle  # fit's handler holds them itself
                signal.raise_signal(signal.SIGINT)
                with sigint_deferred():  # a block inside a block: held until the outer one ends
                    signal.raise_signal(signal.SIGINT)
                assert not ctrl_c.requested
        assert ctrl_c.requested  # the first one
        with sigint_deferred():
            pass  # no Ctrl-C: nothing delivered afterwards
        assert signal.getsignal(signal.SIGINT) == ctrl_c._handle


def test_deferring_is_a_no_op_off_the_main_thread():
    errors = []

    def run():
        try:
            with sigint_deferred():
                pass
        except BaseException as exc:  # signal.signal would raise ValueError off the main thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert errors == []


def test_restore_puts_the_previous_handler_back_once_even_without_exit():
    # fit calls restore() again after the with block: a second Ctrl-C landing at the start of
    # __exit__ would otherwise leave fit's handler installed after fit returned
    previous = signal.getsignal(signal.SIGINT)
    ctrl_c = CtrlC()
    ctrl_c.__enter__()
    assert signal.getsignal(signal.SIGINT) == ctrl_c._handle
    ctrl_c.restore()  # as if __exit__ had been cut short
    assert signal.getsignal(signal.SIGINT) == previous
    signal.signal(signal.SIGINT, signal.default_int_handler)
    ctrl_c.restore()  # a second time: nothing (it does not put its saved handler back again)
    assert signal.getsignal(signal.SIGINT) == signal.default_int_handler
    signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_pending_as_restore_swaps_the_handlers_goes_to_the_previous_one(monkeypatch):
    # signal.signal runs the handlers of signals already arrived before it swaps: a second Ctrl-C
    # arriving just before restore's swap ran fit's handler there, whose KeyboardInterrupt stopped
    # the swap, so fit returned with its handler still installed (test_nn_fit_sigint's child saw
    # it raise after fit, 1 run in about 20). Now it is held, and delivered once the previous
    # handler is back.
    import _signal
    import os

    from nn import _interrupts

    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))

    class ArrivingJustBefore:  # _signal, with a Ctrl-C arriving just before each swap
        getsignal = staticmethod(_signal.getsignal)
        SIG_DFL = _signal.SIG_DFL

        @staticmethod
        def signal(signum, handler):
            os.kill(os.getpid(), signal.SIGINT)
            return _signal.signal(signum, handler)

    try:
        ctrl_c = CtrlC()
        ctrl_c.__enter__()
        ctrl_c.requested = True  # a first Ctrl-C came: the next one interrupts
        monkeypatch.setattr(_interrupts, "_signal", ArrivingJustBefore)
        ctrl_c.restore()
        monkeypatch.undo()
        assert received == [signal.SIGINT]  # delivered to the handler that was there before fit's
        assert signal.getsignal(signal.SIGINT) != ctrl_c._handle
        signal.raise_signal(signal.SIGINT)
        assert received == [signal.SIGINT, signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("handler", [signal.SIG_IGN, signal.SIG_DFL], ids=["ignored", "default"])
def test_fit_runs_and_puts_back_an_ignored_or_default_ctrl_c(handler):
    """As under `nohup` or `cmd &` in a script, where SIGINT starts ignored: fit must neither fail nor change it."""
    import nn

    previous = signal.signal(signal.SIGINT, handler)
    try:
        model = nn.MLP(2, [3, 1], seed=0)
        history = nn.fit(model, ([[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]), loss="mse", epochs=2, progress=False)
        assert len(history["train_loss"]) == 2
        assert signal.getsignal(signal.SIGINT) == handler
        with CtrlC():
            pass
        assert signal.getsignal(signal.SIGINT) == handler
    finally:
        signal.signal(signal.SIGINT, previous)
