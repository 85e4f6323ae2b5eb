"""no_grad, enable_grad and detect_anomaly are per thread, and usable with or without parentheses."""

import threading

import pytest

from autograd import AnomalyError, Value, backprop, detect_anomaly, enable_grad, is_grad_enabled, no_grad


def _in_thread(fn):
    """Run fn in a new thread and return what it returned (re-raising what it raised)."""
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_no_grad_in_one_thread_leaves_another_recording():
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with no_grad():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=hold_no_grad)
    t.start()
    assert inside.wait(5)
    try:
        x = Value(3.0)
        y = x * x  # this thread never entered no_grad
        assert is_grad_enabled() and not y.is_leaf() and backprop(y)[x] == 6.0
    finally:
        release.set()
        t.join()


def test_overlapping_no_grad_in_two_threads_restores_each():
    barrier = threading.Barrier(2)

    def worker():
        with no_grad():
            barrier.wait(5)  # both threads are inside their no_grad at once
            barrier.wait(5)
        return is_grad_enabled()

    results = []
    threads = [threading.Thread(target=lambda: results.append(worker())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True, True] and is_grad_enabled()


def test_a_new_thread_starts_recording_even_inside_no_grad_here():
    with no_grad():
        assert not is_grad_enabled()
        assert _in_thread(is_grad_enabled) is True
        assert _in_thread(lambda: (Value(2.0) * 3.0).is_leaf()) is False


def test_one_switch_instance_shared_by_threads():
    switch = no_grad()

    def use():
        with switch:
            with switch:  # re-entered in the same thread
                inner = is_grad_enabled()
            return inner, is_grad_enabled()

    assert _in_thread(use) == (False, False)
    assert is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators_without_parentheses():
    @no_grad
    def f(x):
        return x * 2.0

    @enable_grad
    def g(x):
        return x * 2.0

    x = Value(1.0)
    assert f(x).is_leaf() and f.__name__ == "f"
    with no_grad():
        assert not g(x).is_leaf()
    with pytest.raises(TypeError, match="no_grad"):
        no_grad(3)


def test_detect_anomaly_is_per_thread():
    with detect_anomaly():
        assert _in_thread(lambda: (Value(1e308) * 10.0).data) == float("inf")  # no anomaly mode there
        with pytest.raises(AnomalyError):
            Value(1e308) * 10.0
