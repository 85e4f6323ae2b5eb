"""Ctrl-C during fit: real SIGINTs sent to a training child process never leave a step half-applied."""

import json
import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

# The child trains with an SGD that keeps the values before and after its latest update and
# prints "update" just before the step writes them (then works as long again before writing),
# so the parent can aim its second Ctrl-C at the writes: the child first times, in a fit of its
# own, how long a step takes from "update" to its last write, and the parent's second Ctrl-C
# lands anywhere from "update" to a little after that. After each fit the child compares every
# parameter, the step count and the momentum buffer with both snapshots: all old, or all new.
# Both ways of stepping: through the tape (the numbers written back when the steps stop, or before
# the second Ctrl-C interrupts) and eager (each step writes the Values).
CHILD = r"""
import json, signal, sys, time
import nn

stray = []
signal.signal(signal.SIGINT, lambda signum, frame: stray.append(signum))  # a SIGINT landing between fits


class Recording(nn.SGD):
    talk = False  # print "update" (not while the child times its steps)
    step_seconds = []  # from "update" to the step's last write, per step

    def _update(self, grads, datas, lr):
        self.before = (datas.tolist(), self.steps, self.velocity)  # (a compiled fit's Values are written later)
        new, commit = super()._update(grads, datas, lr)
        self.after = (new.tolist(), self.steps + 1)
        self.updated_at = time.perf_counter()
        if self.talk:
            print("update", flush=True)
        time.sleep(pause)  # work before the writes, as long as the writes: a second Ctrl-C can land in either
        return new, commit

    def _advance(self, grads, datas, commit_data):
        super()._advance(grads, datas, commit_data)
        self.step_seconds.append(time.perf_counter() - self.updated_at)


model = nn.MLP(2, [100, 100, 1], activation="tanh", init="xavier", seed=0)
params = model.parameters()
X, y = nn.datasets.moons(8, noise=0.1, seed=0)
opt = Recording(params, lr=1e-3, momentum=0.9)
start = time.perf_counter()
for p in params:
    p.data = p.data
pause = time.perf_counter() - start
compile = sys.argv[1] == "compiled"  # through the tape (the numbers written back after the steps) or eager
nn.fit(model, (X, y), optimizer=opt, epochs=1, batch_size=1, progress=False, compile=compile)  # times the steps
print("step_seconds", max(opt.step_seconds), flush=True)
opt.talk = True
for line in sys.stdin:
    history = nn.fit(model, (X, y), optimizer=opt, epochs=int(line), batch_size=1, progress=False, compile=compile)
    data, (old, old_steps, old_velocity), (new, new_steps) = [p.data for p in params], opt.before, opt.after
    if data == old and opt.steps == old_steps and opt.velocity is old_velocity:
        state = "old"
    elif data == new and opt.steps == new_steps and opt.velocity is not old_velocity:
        state = "new"
    else:
        changed = sum(a != b for a, b in zip(data, old))
        state = f"torn: {changed} of {len(data)} parameters changed, steps {opt.steps} (before {old_steps})"
    print("result", json.dumps({"interrupted": history.interrupted, "state": state}), flush=True)
"""

TRIES = 40


class _Lines:
    """Lines from a child's stdout, each awaited with a deadline (a hung child fails the test, never hangs it)."""

    def __init__(self, stream) -> None:
        self.fd, self.buffer = stream.fileno(), b""

    def next(self, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            assert left > 0 and select.select([self.fd], [], [], left)[0], "the child stopped answering"
            chunk = os.read(self.fd, 65536)
            assert chunk, "the child exited"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def result(self) -> dict:
        while True:
            line = self.next()
            if line.startswith("result "):
                return json.loads(line[len("result "):])
            assert line == "update", line


@pytest.mark.parametrize("mode", ["compiled", "eager"])
def test_a_second_ctrl_c_never_leaves_a_step_half_applied(mode):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    child = subprocess.Popen([sys.executable, "-c", CHILD, mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
    rng = random.Random(12)
    try:
        lines = _Lines(child.stdout)
        name, seconds = lines.next().split()
        assert name == "step_seconds"
        window = 1.5 * float(seconds)  # the work before the writes, the writes, and a little after them

        def ask(epochs: int) -> None:
            child.stdin.write(f"{epochs}\n".encode())
            child.stdin.flush()

        ask(1)  # no Ctrl-C: fit runs to its end and says it was not interrupted
        assert lines.result() == {"interrupted": False, "state": "new"}
        outcomes = []
        for _ in range(TRIES):
            ask(10**6)  # far more epochs than the test waits for: only Ctrl-C ends this fit
            assert lines.next() == "update"  # a step is about to write its parameters
            child.send_signal(signal.SIGINT)  # the first Ctrl-C: stop after this step
            time.sleep(rng.uniform(0.0, window))
            child.send_signal(signal.SIGINT)  # the second: stop now
            result = lines.result()
            assert result["interrupted"] is True, result
            outcomes.append(result["state"])
        torn = [state for state in outcomes if state not in ("old", "new")]
        assert not torn, torn
        assert {"old", "new"} <= set(outcomes), outcomes  # the second Ctrl-C landed before and after the writes
    except AssertionError as exc:
        child.kill()
        raise AssertionError(f"{exc}\nthe child's stderr:\n{child.communicate(timeout=20)[1].decode()}") from None
    _, stderr = child.communicate(timeout=20)  # closes the child's stdin: its loop ends and it exits
    assert child.returncode == 0 and not stderr, stderr.decode()
