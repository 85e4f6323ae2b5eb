"""Guards across threads: a comparison another thread makes on a node being recorded is a guard of its tape; the
oracle is the function itself, called on Values by the interpreter."""

import threading

import numpy as np
import pytest

import autograd
from autograd import GuardError, Value
from autograd.tape_guards import _SHARED, LOG

PATHS = ("numpy", "python")


def _in_a_thread(fn):
    """fn() run in a worker thread; its result (or its exception, raised here)."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            out["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def _worker_decides(a):
    """The audit's function: the branch is chosen by a comparison made in a worker thread."""
    if _in_a_thread(lambda: a > 1.0):
        return a * 1.0
    return a + 1.0


@pytest.mark.parametrize("path", PATHS)
def test_a_comparison_in_a_worker_thread_inside_f_is_a_guard(path):
    tape = autograd.compile(_worker_decides, 2.0)
    assert len(tape.guards) == 1
    assert tape.forward([3.0], path=path) == _worker_decides(Value(3.0)).data
    with pytest.raises(GuardError, match=r"t0 > 1\.0 was True when recorded \(at .*test_tape_guards\.py:\d+\)"):
        tape.forward([0.5], path=path)  # f(0.5) is 1.5: the recorded branch would give 0.5
    assert _worker_decides(Value(0.5)).data == 1.5


def test_a_batch_names_the_sample_a_worker_thread_comparison_flips_in():
    tape = autograd.compile(_worker_decides, 2.0)
    np.testing.assert_array_equal(tape.forward([np.array([2.0, 5.0])]), [2.0, 5.0])
    with pytest.raises(GuardError, match=r"False in sample 1"):
        tape.forward([np.array([2.0, 0.5])])


def test_a_record_scope_takes_worker_comparisons_on_its_nodes_and_only_those():
    x, unrelated = Value(0.5, label="x"), Value(3.0, label="u")
    with autograd.record() as rec:
        h = x.tanh()
        small = _in_a_thread(lambda: (unrelated > 0.0, h < 0.9)[1])  # one on another graph, one on h
        y = h * 3.0 if small else h
        inside = autograd.compile(y)  # compile(root) inside the block: the same guards
    tape = rec.compile(y)
    for t in (tape, inside):
        assert [g[1] for g in t.guards] == ["<"] and unrelated not in t.nodes
        assert t.forward([0.1]) == np.tanh(0.1) * 3.0
        with pytest.raises(GuardError, match=r"t1 < 0\.9 was True"):
            t.forward([3.0])


def test_nothing_is_kept_once_the_last_scope_ends():
    with autograd.record():
        _in_a_thread(lambda: Value(1.0) > 0.0)
        assert _in_a_thread(lambda: LOG.guards) is _SHARED.journal  # a thread without a scope logs there
    assert LOG.guards is None and _in_a_thread(lambda: LOG.guards) is None
    assert _SHARED.scopes == 0 and _SHARED.journal == []


def test_a_tape_compiled_in_a_thread_without_a_scope_has_no_guards_while_another_records():
    x = Value(1.0)
    with autograd.record() as rec:
        _ = x > 0.0
        tape = _in_a_thread(lambda: autograd.compile(x * 2.0 if x > 0.0 else x))
    assert tape.guards == () and len(rec.compile(x * 2.0).guards) == 2  # the main thread's and the worker's


def test_two_threads_recording_at_once_each_get_their_own_guards():
    both = threading.Barrier(2)

    def record_one(start):
        x = Value(start)
        with autograd.record() as rec:
            both.wait()  # both scopes active at once
            y = x * 2.0 if x > 0.0 else -x
            both.wait()
            return rec.compile(y)

    tapes = {}
    workers = [threading.Thread(target=lambda s=s: tapes.setdefault(s, record_one(s))) for s in (1.0, -1.0)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for start in (1.0, -1.0):
        (guard,) = tapes[start].guards  # its own comparison only: the other thread's is on another graph
        assert guard[3] is (start > 0.0)
    assert tapes[1.0].forward([4.0]) == 8.0 and tapes[-1.0].forward([-4.0]) == 4.0
    with pytest.raises(GuardError):
        tapes[-1.0].forward([4.0])
