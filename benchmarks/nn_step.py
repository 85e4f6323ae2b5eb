"""Time micrograd's demo training step with chainrule (elementary and dot graphs) and micrograd 0.1.0, in one run.

The step of micrograd's demo notebook: MLP(2, [16, 16, 1]) on 100 moons (noise 0.1, seed
1337), labels -1/+1, hinge loss averaged plus 1e-4 * the sum of squared parameters, one
full-batch SGD update with lr 1.0 - 0.9*k/100: forward + backward + update. micrograd runs in
its own interpreter (``--micrograd-python``; by default a venv created under benchmarks/ with
micrograd==0.1.0 from PyPI), fed the same points as Python floats (its venv has no numpy; the
demo's numpy scalars would only slow micrograd down). The first ``--warmup`` steps of each
variant are run but not timed; medians per step, ratios from this run.

    python benchmarks/nn_step.py [--steps 30] [--micrograd-steps 10] [--warmup 2] [--micrograd-python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from micrograd_env import micrograd_python  # noqa: E402

import nn  # noqa: E402  (the project root is put on the path first)

# Runs in micrograd's interpreter: the demo's loss() and update loop, timed per step.
MICROGRAD_STEP = r"""
import json, random, sys, time
from micrograd.engine import Value
from micrograd.nn import MLP

job = json.load(sys.stdin)
X, y = job["X"], job["y"]
random.seed(1337)
model = MLP(2, [16, 16, 1])

def loss():
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    return data_loss + reg_loss

times, values = [], []
for k in range(job["steps"]):
    start = time.perf_counter()
    total_loss = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    times.append(time.perf_counter() - start)
    values.append(total_loss.data)
json.dump({"times": times, "losses": values}, sys.stdout)
"""


def run_micrograd(python: str, X: list, y: list, steps: int) -> dict:
    """Per-step times and losses of micrograd's demo step, measured in its own process."""
    job = json.dumps({"X": X, "y": y, "steps": steps})
    out = subprocess.run([python, "-c", MICROGRAD_STEP], input=job, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"micrograd run failed with {python}:\n{out.stderr}")
    return json.loads(out.stdout)


def run_chainrule(graph: str, X: list, y: list, steps: int, with_fit: bool) -> dict:
    """Per-step times and losses of the same step with nn, as a hand-written loop or as one epoch of nn.fit."""
    model = nn.MLP(2, [16, 16, 1], seed=1337, graph=graph)
    params = model.parameters()
    optimizer = nn.SGD(params, lr=nn.schedules.linear(1.0, 0.1, 100))
    times, values = [], []
    for _ in range(steps):
        start = time.perf_counter()
        if with_fit:  # one full-batch epoch is one step; fit pauses the cyclic GC around it
            history = nn.fit(model, (X, y), loss="hinge", optimizer=optimizer, epochs=1, l2=1e-4, progress=False)
            value = history["train_loss"][0]
        else:  # the demo's loop, written with nn
            scores = [model(x) for x in X]
            total_loss = nn.hinge(scores, y) + 1e-4 * nn.l2(params)
            optimizer.zero_grad()
            total_loss.backward()
            optimizer.step()
            value = total_loss.data
            del scores, total_loss  # the graph is freed inside the timed step, as micrograd's is
        times.append(time.perf_counter() - start)
        values.append(value)
    return {"times": times, "losses": values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="timed steps per chainrule variant")
    parser.add_argument("--micrograd-steps", type=int, default=10, help="timed micrograd steps (about 2 s each)")
    parser.add_argument("--warmup", type=int, default=2,
                        help="untimed first steps per variant (micrograd gets slower as its garbage builds up)")
    parser.add_argument("--micrograd-python", help="a Python with micrograd==0.1.0 installed")
    args = parser.parse_args()

    X, labels = nn.datasets.moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (labels * 2 - 1).tolist()
    python = micrograd_python(args.micrograd_python)

    results = {}
    for graph in ("elementary", "dot"):
        for name, with_fit in ((f"chainrule {graph}: hand-written loop", False),
                               (f"chainrule {graph}: nn.fit, one epoch", True)):
            results[name] = run_chainrule(graph, X, y, args.warmup + args.steps, with_fit)
    micrograd = run_micrograd(python, X, y, args.warmup + args.micrograd_steps)
    for result in (micrograd, *results.values()):
        result["timed"] = result["times"][args.warmup:]
    base = statistics.median(micrograd["timed"])

    print("micrograd's demo step: MLP(2, [16, 16, 1]), 100 moons, hinge + 1e-4 L2, full-batch SGD")
    print(f"python {platform.python_version()} ({sys.executable}), {platform.machine()}, {os.cpu_count()} cpus")
    print(f"micrograd 0.1.0 in {python}")
    print()
    print(f"{'':44}{'steps':>6}{'median step':>14}{'vs micrograd':>15}")
    print(f"{'micrograd 0.1.0':44}{len(micrograd['timed']):>6}{base * 1e3:>11.1f} ms{1.0:>14.1f}x")
    for name, result in results.items():
        median = statistics.median(result["timed"])
        print(f"{name:44}{len(result['timed']):>6}{median * 1e3:>11.1f} ms{base / median:>14.1f}x")
    print()
    print("targets: >= 20x with the elementary graph, >= 80x with dot")
    shared = min(len(micrograd["losses"]), args.warmup + args.steps)
    gap = max(abs(a - b) for result in results.values()
              for a, b in zip(result["losses"][:shared], micrograd["losses"][:shared]))
    print(f"same numbers: over the first {shared} steps the losses differ from micrograd's by at most {gap:.1e}")


if __name__ == "__main__":
    main()
