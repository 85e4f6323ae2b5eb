"""Time micrograd's demo training step with chainrule (elementary and dot graphs), micrograd and PyTorch, in one run.

The step of micrograd's demo notebook: MLP(2, [16, 16, 1]) on 100 moons (noise 0.1, seed
1337), labels -1/+1, hinge loss averaged plus 1e-4 * the sum of squared parameters, one
full-batch SGD update with lr 1.0 - 0.9*min(k, 100)/100: forward + backward + update.

- chainrule, for each of nn's neuron graphs ('elementary': micrograd's chain of * and +;
  'dot': one n-ary dot node per neuron): a **hand-written loop** (the model called per sample,
  the hinge and L2 terms written out with ``autograd.relu``, ``autograd.sum`` and ``*``, the
  gradients zeroed, backward, and the SGD update ``p.data -= lr * p.grad`` by hand; issue 10's
  targets are on this loop), and one epoch of eager ``nn.fit`` (which pauses the cyclic GC around it).
- the sorted floor (floor_mlp.py) of each graph: a toy building chainrule's graph node for node,
  in the same hand-written loop, with the least work per node that an engine getting shared
  nodes right must do; micrograd's time over its time bounds what a pure-Python engine can reach.
  And the same toy keeping a node's parents in one tuple (floor_tuple.py, issue 10's node): the
  bound for an engine that keeps that node.
- micrograd 0.1.0: the demo's own loss() and update loop, in its own venv (peers.py).
- PyTorch CPU float64, batched (the 100 samples as one tensor), one thread, in its own venv,
  starting from chainrule's initial parameters.

Every engine is fed the same 100 points, from chainrule's ``nn.datasets.moons``, as JSON floats.
The variants take turns, round by round (each round from the initial model, its first
``--warmup`` steps untimed), so a change in the machine's load falls on all of them alike;
medians per step, ratios from this run; the losses of the first steps are compared across engines.

    python benchmarks/nn_step.py [--rounds 3] [--steps 10] [--micrograd-steps 3] [--torch-steps 50] [--warmup 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import floor_mlp  # noqa: E402
import floor_tuple  # noqa: E402
import peers  # noqa: E402

import autograd  # noqa: E402  (the project root is put on the path first)
import nn  # noqa: E402

TARGETS = {"elementary": 10.0, "dot": 40.0}  # issue 10: the hand-written loop's speed-up over micrograd
FLOORS = {"sorted floor": floor_mlp, "tuple floor": floor_tuple}  # the toys bounding an engine with each node
SAME_LOSS = 1e-12  # the sorted floor's losses against chainrule's on the same graph, relative

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
    learning_rate = 1.0 - 0.9 * min(k, 100) / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    times.append(time.perf_counter() - start)
    values.append(total_loss.data)
json.dump({"times": times, "losses": values}, sys.stdout)
"""

# Runs in PyTorch's interpreter: the same step on the whole batch at once, float64, one thread.
TORCH_STEP = r"""
import json, sys, time
import torch
torch.set_num_threads(1)

job = json.load(sys.stdin)
X = torch.tensor(job["X"], dtype=torch.float64)
y = torch.tensor(job["y"], dtype=torch.float64)
layers = [(torch.tensor(W, dtype=torch.float64, requires_grad=True),
           torch.tensor(B, dtype=torch.float64, requires_grad=True)) for W, B in job["layers"]]
params = [p for layer in layers for p in layer]

times, values = [], []
for k in range(job["steps"]):
    start = time.perf_counter()
    h = X
    for i, (W, B) in enumerate(layers):
        h = h @ W.T + B
        if i < len(layers) - 1:
            h = torch.relu(h)
    data_loss = torch.relu(1 - y * h[:, 0]).mean()
    total_loss = data_loss + 1e-4 * sum((p * p).sum() for p in params)
    for p in params:
        p.grad = None
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * min(k, 100) / 100
    with torch.no_grad():
        for p in params:
            p -= learning_rate * p.grad
    times.append(time.perf_counter() - start)
    values.append(total_loss.item())
json.dump({"times": times, "losses": values}, sys.stdout)
"""


def _model(graph: str) -> nn.MLP:
    return nn.MLP(2, [16, 16, 1], seed=1337, graph=graph)  # micrograd's initial weights


def run_hand_written(graph: str, X: list, y: list, steps: int) -> dict:
    """Per-step times and losses of the demo's loop written by hand on chainrule's Values (no nn loss, no optimizer)."""
    model = _model(graph)
    params = model.parameters()
    times, values = [], []
    for k in range(steps):
        start = time.perf_counter()
        scores = [model(x) for x in X]
        losses = [autograd.relu(1 + -yi * si) for yi, si in zip(y, scores)]
        data_loss = autograd.sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * autograd.sum([p * p for p in params])
        total_loss = data_loss + reg_loss
        for p in params:
            p.grad = 0.0
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * min(k, 100) / 100
        for p in params:
            p.data -= learning_rate * p.grad
        values.append(total_loss.data)
        del scores, losses, data_loss, reg_loss, total_loss  # the graph is freed inside the step, as micrograd's is
        times.append(time.perf_counter() - start)
    return {"times": times, "losses": values}


def run_fit(graph: str, X: list, y: list, steps: int) -> dict:
    """Per-step times and losses of the same step as one full-batch epoch of eager nn.fit (the interpreter:
    the compiled tape, which fit would otherwise keep between these calls, is timed in compile.py)."""
    model = _model(graph)
    optimizer = nn.SGD(model.parameters(), lr=nn.schedules.linear(1.0, 0.1, 100))
    times, values = [], []
    for _ in range(steps):
        start = time.perf_counter()
        history = nn.fit(model, (X, y), loss="hinge", optimizer=optimizer, epochs=1, l2=1e-4, progress=False,
                         compile=False)
        times.append(time.perf_counter() - start)
        values.append(history["train_loss"][0])
    return {"times": times, "losses": values}


def initial_layers() -> list[list]:
    """chainrule's initial parameters as [[W, B] per layer], W one row of weights per neuron (for PyTorch)."""
    return [[[[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons]]
            for layer in _model("dot").layers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="turns each variant takes, interleaved")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per chainrule variant and round")
    parser.add_argument("--micrograd-steps", type=int, default=3, help="timed micrograd steps per round (~2 s each)")
    parser.add_argument("--torch-steps", type=int, default=50, help="timed PyTorch steps per round (under 1 ms each)")
    parser.add_argument("--warmup", type=int, default=2,
                        help="untimed first steps per variant and round (micrograd slows as its garbage builds up)")
    parser.add_argument("--micrograd-python", help="a Python with micrograd==0.1.0 installed")
    parser.add_argument("--torch-python", help="a Python with torch installed")
    args = parser.parse_args()

    X, labels = nn.datasets.moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (labels * 2 - 1).tolist()

    # name -> (steps per round, run(steps) -> {"times", "losses"}); each run starts from the initial model.
    variants = {}
    layers = initial_layers()
    for graph in ("elementary", "dot"):
        variants[f"chainrule {graph}: hand-written loop"] = (
            args.steps, lambda steps, graph=graph: run_hand_written(graph, X, y, steps))
        variants[f"chainrule {graph}: nn.fit, one epoch, eager"] = (
            args.steps, lambda steps, graph=graph: run_fit(graph, X, y, steps))
        for kind, floor in FLOORS.items():
            variants[f"{kind} {graph}: hand-written loop"] = (
                args.steps, lambda steps, graph=graph, floor=floor: floor.run(layers, graph, X, y, steps))
    python = peers.python("micrograd", args.micrograd_python)
    if python is not None:
        variants["micrograd 0.1.0"] = (args.micrograd_steps, lambda steps, python=python: peers.run(
            python, MICROGRAD_STEP, {"X": X, "y": y, "steps": steps}))
    python = peers.python("torch", args.torch_python)
    if python is not None:
        variants[f"PyTorch {peers.version(python, 'torch')} CPU float64 batched, 1 thread"] = (
            args.torch_steps, lambda steps, python=python: peers.run(
                python, TORCH_STEP, {"X": X, "y": y, "layers": layers, "steps": steps}))

    names = list(variants)
    results = {name: {"times": [], "losses": None} for name in names}
    for turn in range(args.rounds):
        first = turn % len(names)  # who goes first rotates, so a change in the machine's load falls on all alike
        for name in names[first:] + names[:first]:
            steps, run = variants[name]
            r = run(args.warmup + steps)
            results[name]["times"] += r["times"][args.warmup:]
            results[name]["losses"] = results[name]["losses"] or r["losses"]
    medians = {name: statistics.median(r["times"]) for name, r in results.items()}
    micrograd = medians.get("micrograd 0.1.0")

    print("micrograd's demo step: MLP(2, [16, 16, 1]), 100 moons, hinge + 1e-4 L2, full-batch SGD")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus; {args.rounds} interleaved "
          f"rounds, each variant from its initial model with {args.warmup} untimed steps; medians per step\n")
    print("| variant | steps timed | median step | vs micrograd |")
    print("|---|---:|---:|---:|")
    for name, median in medians.items():
        ratio = f"{micrograd / median:.1f}x" if micrograd else "-"
        text = f"{median * 1e3:.3f} ms" if median < 0.01 else f"{median * 1e3:.1f} ms"
        print(f"| {name} | {len(results[name]['times'])} | {text} | {ratio} |")
    print()
    if micrograd:
        verdicts = []
        for graph, target in TARGETS.items():
            ratio = micrograd / medians[f"chainrule {graph}: hand-written loop"]
            verdicts.append(f"{graph} {ratio:.1f}x (>= {target:g}x: {'holds' if ratio >= target else 'FAILS'})")
        print("Targets (issue 10), hand-written loop vs micrograd: " + "; ".join(verdicts))
    else:
        print("Targets (issue 10): not measured, micrograd is missing")
    print()
    print(floor_report(medians, results, micrograd))
    shared = min(len(r["losses"]) for r in results.values())
    reference = results["chainrule dot: hand-written loop"]["losses"]
    gap = max(abs(a - b) for r in results.values() for a, b in zip(r["losses"][:shared], reference[:shared]))
    print(f"Same numbers: over the first {shared} steps, every variant's losses are within {gap:.1e} of those of "
          "chainrule dot's hand-written loop")


def floor_report(medians: dict, results: dict, micrograd: float | None) -> str:
    """chainrule's hand-written loop beside the sorted floors per graph (markdown), their losses, and the bounds."""
    kept = ", ".join(f"{floor.__name__}.py's node keeps {floor.NODE}" for floor in FLOORS.values())
    lines = [f"The sorted floors (toys, not engines) on the same graphs, same loop: {kept}\n",
             "| graph | floor | its step | micrograd / floor | chainrule / floor | losses, max relative difference |",
             "|---|---|---:|---:|---:|---:|"]
    bounds, agree = {}, True
    for graph in ("dot", "elementary"):
        ours = f"chainrule {graph}: hand-written loop"
        for kind, module in FLOORS.items():
            floor = f"{kind} {graph}: hand-written loop"
            shared = min(len(results[ours]["losses"]), len(results[floor]["losses"]))
            gap = max(abs(a - b) / abs(a) for a, b in zip(results[ours]["losses"][:shared],
                                                          results[floor]["losses"][:shared]))
            agree = agree and gap <= SAME_LOSS
            over = f"{micrograd / medians[floor]:.1f}x" if micrograd else "-"
            flag = "" if gap <= SAME_LOSS else " DIFFERS"
            lines.append(f"| {graph} | {module.__name__}.py | {medians[floor] * 1e3:.1f} ms | {over} "
                         f"| {medians[ours] / medians[floor]:.2f}x | {gap:.1e}{flag} |")
            if micrograd:
                bounds[kind, graph] = micrograd / medians[floor]
    lines.append("")
    if not agree:
        lines.append(f"A floor's losses differ from chainrule's by more than {SAME_LOSS:g} (relative): "
                     "it does not build the same graphs, so it bounds nothing")
    elif bounds:
        for kind, module in FLOORS.items():
            lines.append(f"Bound: a pure-Python engine doing no more than {module.__name__}.py (its node keeps "
                         f"{module.NODE}) reaches at most "
                         f"{bounds[kind, 'dot']:.1f}x micrograd (dot) and {bounds[kind, 'elementary']:.1f}x "
                         "(elementary)")
        lines.append(f"Issue 10 asks {TARGETS['dot']:g}x and {TARGETS['elementary']:g}x")
    else:
        lines.append("Bound: not measured, micrograd is missing")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
