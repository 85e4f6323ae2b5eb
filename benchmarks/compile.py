"""The compiled tape against the eager engine and its peers (issue 11), in one run; medians, ratios from this run.

1. micrograd's demo step (MLP(2, [16, 16, 1]), 100 moons, hinge + 1e-4 L2, full-batch SGD): nn.fit
   through the tape, eager nn.fit, micrograd 0.1.0, PyTorch CPU float64 batched with one thread.
2. The same-scalar-program chain (same_program.py, 1,000 steps, 6,000 nodes): compile time against one
   eager forward+backward; replay for one sample and for 1,000 (per node per sample) against eager per
   node; jax.jit's compile and call (same_program's JAX worker) when a JAX venv can be made.
3. How replay time grows with graph size (the chain at 10^3 to 10^6 nodes, one sample) and with the
   batch (the 1,000-node chain, 1 to 10^4 samples).
4. The playground's default training (notebook 07: moons, 200 points with 30% held out, [8, 8] tanh,
   bce_logits, Adam 0.01, 60 epochs, batch 10), eager against compiled.

Peers run in their own venvs (peers.py); one that cannot be made is left out with one line on stderr.

    python benchmarks/compile.py [--rounds 5] [--quick] [--parts 1,2,3,4]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import numpy as np  # noqa: E402
import peers  # noqa: E402
from nn_step import MICROGRAD_STEP, TORCH_STEP, initial_layers  # noqa: E402
from same_program import JAX, chainrule_chain, chainrule_leaves, leaf_values  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402

TARGETS = {  # issue 11
    "demo step within 2x of PyTorch": 2.0,
    "compile at most 3x one eager forward+backward": 3.0,
    "chain replay, one sample, faster than eager by": 3.0,
    "chain replay per node per sample, batch 1,000, below eager per node by": 100.0,
    "playground training faster than eager by": 10.0,
}


def best_of(fn, seconds: float = 0.3, least: int = 3) -> float:
    """The median time of fn() over about ``seconds`` (at least ``least`` calls)."""
    times, start = [], time.perf_counter()
    while len(times) < least or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# --- 1. micrograd's demo step -------------------------------------------------------------------
def demo_fit_steps(compile: bool, steps: int) -> list[float]:
    """Per-step times of nn.fit on the demo (one step per epoch), the first (recording) step left out."""
    X, labels = nn.datasets.moons(100, noise=0.1, seed=1337)
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    marks = [time.perf_counter()]
    nn.fit(model, (X, labels * 2 - 1), loss="hinge", optimizer=nn.SGD(model.parameters(), lr=0.5), epochs=steps + 1,
           l2=1e-4, metrics=(), progress=False, compile=compile,
           callbacks=[lambda record, m: marks.append(time.perf_counter())])
    return list(np.diff(marks)[1:])


def demo(rounds: int, quick: bool) -> dict[str, float]:
    X, labels = nn.datasets.moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (labels * 2 - 1).tolist()
    runs = {"chainrule nn.fit, compiled tape": lambda: demo_fit_steps(True, 50),
            "chainrule nn.fit, eager": lambda: demo_fit_steps(False, 5)}
    python = peers.python("micrograd")
    if python is not None:
        job = {"X": X, "y": y, "steps": 2 if quick else 4}
        runs["micrograd 0.1.0"] = lambda: peers.run(python, MICROGRAD_STEP, job)["times"][1:]
    python_torch = peers.python("torch")
    if python_torch is not None:
        layers = initial_layers()
        name = f"PyTorch {peers.version(python_torch, 'torch')} CPU float64 batched, 1 thread"
        runs[name] = lambda: peers.run(python_torch, TORCH_STEP, {"X": X, "y": y, "layers": layers, "steps": 300})[
            "times"][20:]
    times = {name: [] for name in runs}
    for turn in range(rounds):
        names = list(runs)[turn % len(runs):] + list(runs)[:turn % len(runs)]  # rotate who goes first
        for name in names:
            times[name] += runs[name]()
    return {name: statistics.median(t) for name, t in times.items()}


# --- 2. and 3. the chain ------------------------------------------------------------------------
def chain_graph(steps: int):
    leaves = chainrule_leaves(*leaf_values(steps))
    return leaves, chainrule_chain(leaves)


def chain(rounds: int, jax_too: bool) -> dict:
    leaves, root = chain_graph(1000)
    nodes = len(autograd.topological_order(root))

    def eager():
        r = chainrule_chain(leaves)
        autograd.backprop(r)

    out = {"nodes": nodes, "eager": min(best_of(eager) for _ in range(rounds))}
    out["compile"] = min(best_of(lambda: autograd.compile(root)) for _ in range(rounds))
    tape = autograd.compile(root)
    value, grads = tape.value_and_grad()
    expected = autograd.backprop(root)
    assert abs(value - root.data) <= 1e-12 * abs(root.data)
    assert all(abs(g - expected.get(leaf, 0.0)) <= 1e-9 * max(1.0, abs(g)) for leaf, g in zip(tape.leaves, grads))
    out["replay 1"] = min(best_of(lambda: tape.value_and_grad()) for _ in range(rounds))
    out["replay 1 path"] = tape._plan("auto", None).__class__.__name__
    x = tape.index(leaves[0])
    values = [leaf.data for leaf in tape.leaves]
    values[x] = np.random.default_rng(0).uniform(0.2, 1.0, 1000)
    out["replay 1000"] = min(best_of(lambda: tape.value_and_grad(values)) for _ in range(rounds))
    if jax_too:
        python = peers.python("jax")
        if python is not None:
            x0, a, b = leaf_values(1000)
            worker = peers.Worker(python, JAX, {"x": x0, "a": a, "b": b})
            out["jax compile"] = worker.setup["compile_s"]
            out["jax.jit"] = min(statistics.median(worker.measure(seconds=0.3)["jax.jit"]) for _ in range(rounds))
            worker.close()
    return out


def growth(quick: bool) -> tuple[list, list]:
    sizes = []
    for nodes in (10**3, 10**4, 10**5) + (() if quick else (10**6,)):
        leaves, root = chain_graph(max(1, nodes // 6))
        n = len(autograd.topological_order(root))
        t0 = time.perf_counter()
        tape = autograd.compile(root)
        compile_s = time.perf_counter() - t0
        replay = best_of(tape.value_and_grad, seconds=0.5, least=2)
        sizes.append((n, compile_s, replay))
        del tape, root, leaves
    batches = []
    leaves, root = chain_graph(167)
    tape = autograd.compile(root)
    x = tape.index(leaves[0])
    n = len(tape.nodes)
    for batch in (1, 10, 100, 1000, 10000):
        values = [leaf.data for leaf in tape.leaves]
        values[x] = np.random.default_rng(0).uniform(0.2, 1.0, batch)
        batches.append((batch, best_of(lambda values=values: tape.value_and_grad(values), seconds=0.5, least=2), n))
    return sizes, batches


# --- 4. the playground --------------------------------------------------------------------------
def playground(compile: bool, per_epoch: bool = False) -> tuple[float, float]:
    """Seconds and final training loss of the 60 epochs: one fit, or (per_epoch) one fit per epoch as the
    playground's panel trains (viz.playground.Session.step), each fit finding the tapes the last one recorded."""
    X, y = nn.datasets.moons(200, noise=0.2, seed=0)
    train, val = nn.datasets.train_val_split(X, y, val=0.3, seed=0)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for epoch in range(60) if per_epoch else [0]:
        history = nn.fit(model, train, loss="bce_logits", optimizer=optimizer, epochs=1 if per_epoch else 60,
                         batch_size=10, validation=val, seed=epoch, progress=False, compile=compile)
    return time.perf_counter() - start, history["train_loss"][-1]


def playground_parts() -> dict[str, float]:
    """Where one compiled playground training spends its time: seconds in the tape's forward and backward,
    in the optimizer's steps, and the rest; plus the step count and the numpy calls of one step's tape."""
    spent = {"tape forward": 0.0, "tape backward": 0.0, "optimizer step": 0.0}
    originals = {"tape forward": (autograd.Tape, "forward"), "tape backward": (autograd.Tape, "backward"),
                 "optimizer step": (nn.Optimizer, "_advance")}
    counts = {"steps": 0}
    tapes = []

    def timed(name, fn):
        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(self, *args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start
                if name == "optimizer step":
                    counts["steps"] += 1
                elif name == "tape backward":
                    tapes.append(self)
        return wrapper

    saved = {name: getattr(owner, attr) for name, (owner, attr) in originals.items()}
    try:
        for name, (owner, attr) in originals.items():
            setattr(owner, attr, timed(name, saved[name]))
        total, _ = playground(True)
    finally:
        for name, (owner, attr) in originals.items():
            setattr(owner, attr, saved[name])
    spent["rest (fit's loop, the steps' leaf values and gradients, validation)"] = total - sum(spent.values())
    spent["total"] = total
    step = max(tapes, key=lambda t: t.calls, default=None)  # the step's tape (validation's loss runs no backward)
    run = 0 if step is None else sum(not call.fused for call in step._plan("numpy", None).calls)
    return {**spent, "steps": counts["steps"], "calls": 0 if step is None else step.calls, "run": run}


def _ms(s: float) -> str:
    return f"{s * 1e3:,.3f} ms" if s < 0.01 else f"{s * 1e3:,.1f} ms"


def _us(s: float) -> str:
    return f"{s * 1e6:,.3f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (medians over all of them)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no 10^6-node graph, no JAX")
    parser.add_argument("--parts", default="1,2,3,4", help="which of the four parts to run, e.g. 4 or 1,2")
    args = parser.parse_args()
    try:
        parts = {int(p) for p in args.parts.split(",")}
    except ValueError:
        parser.error(f"--parts: a comma-separated list of 1, 2, 3, 4, got {args.parts!r}")
    if not parts <= {1, 2, 3, 4}:
        parser.error(f"--parts: only 1, 2, 3 and 4 exist, got {args.parts!r}")
    rounds = 2 if args.quick else args.rounds
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cpus; "
          f"{rounds} rounds; medians\n")

    checks = []
    if 1 in parts:
        step = demo(rounds, args.quick)
        taped = step["chainrule nn.fit, compiled tape"]
        torch = next((v for k, v in step.items() if k.startswith("PyTorch")), None)
        micrograd = step.get("micrograd 0.1.0")
        print("1. micrograd's demo step: MLP(2, [16, 16, 1]), 100 moons, hinge + 1e-4 L2, full-batch SGD\n")
        print("| engine | median step | tape is faster by |")
        print("|---|---:|---:|")
        for name, t in step.items():
            print(f"| {name} | {_ms(t)} | {t / taped:,.2f}x |")
        if torch is not None:
            print(f"\ntarget: within {TARGETS['demo step within 2x of PyTorch']:g}x of PyTorch: tape / PyTorch = "
                  f"{taped / torch:.2f}x ({'met' if taped <= 2 * torch else 'not met'})")
        if micrograd is not None:
            print(f"tape vs micrograd: {micrograd / taped:,.0f}x faster")
        if torch is not None:
            checks.append(("demo step within 2x of PyTorch", taped <= 2 * torch, f"{taped / torch:.2f}x PyTorch"))

    if 2 in parts:
        c = chain(rounds, jax_too=not args.quick)
        per_node = c["eager"] / c["nodes"]
        print(f"\n2. the same-scalar-program chain, 1,000 steps ({c['nodes']:,} nodes)\n")
        print("| what | time | per node (per sample) | vs eager |")
        print("|---|---:|---:|---:|")
        print(f"| eager forward+backward | {_ms(c['eager'])} | {_us(per_node)} | 1x |")
        print(f"| compile (graph already recorded) | {_ms(c['compile'])} | {_us(c['compile'] / c['nodes'])} | "
              f"{c['compile'] / c['eager']:.2f}x the eager pass |")
        print(f"| replay forward+backward, 1 sample ({c['replay 1 path']}) | {_ms(c['replay 1'])} | "
              f"{_us(c['replay 1'] / c['nodes'])} | {c['eager'] / c['replay 1']:.2f}x faster |")
        print(f"| replay forward+backward, 1,000 samples | {_ms(c['replay 1000'])} | "
              f"{_us(c['replay 1000'] / c['nodes'] / 1000)} | "
              f"{per_node / (c['replay 1000'] / c['nodes'] / 1000):,.0f}x faster per sample |")
        if "jax.jit" in c:
            print(f"| jax.jit: first call (trace + compile) | {_ms(c['jax compile'])} | | |")
            print(f"| jax.jit: per call | {_ms(c['jax.jit'])} | {_us(c['jax.jit'] / c['nodes'])} | "
                  f"{c['eager'] / c['jax.jit']:.1f}x faster |")
        elif not args.quick:
            print("| jax.jit | left out: no JAX venv could be made (see stderr) | | |")
        checks += [
            ("compile <= 3x one eager forward+backward", c["compile"] / c["eager"] <= 3.0,
             f"{c['compile'] / c['eager']:.2f}x"),
            ("chain replay, 1 sample, >= 3x faster than eager", c["eager"] / c["replay 1"] >= 3.0,
             f"{c['eager'] / c['replay 1']:.2f}x"),
            ("chain per node per sample, batch 1,000, >= 100x below eager per node",
             per_node / (c["replay 1000"] / c["nodes"] / 1000) >= 100.0,
             f"{per_node / (c['replay 1000'] / c['nodes'] / 1000):,.0f}x"),
        ]

    if 3 in parts:
        sizes, batches = growth(args.quick)
        print("\n3a. replay time against graph size (the chain, one sample, 'auto' path)\n")
        print("| nodes | compile | replay forward+backward | per node |")
        print("|---:|---:|---:|---:|")
        for n, compile_s, replay in sizes:
            print(f"| {n:,} | {_ms(compile_s)} | {_ms(replay)} | {_us(replay / n)} |")
        print(f"\n3b. replay time against batch size (the chain at {batches[0][2]:,} nodes)\n")
        print("| batch | replay forward+backward | per node per sample |")
        print("|---:|---:|---:|")
        for batch, t, n in batches:
            print(f"| {batch:,} | {_ms(t)} | {_us(t / n / batch)} |")

    if 4 in parts:
        print("\n4. the playground's default training (moons 200, 30% held out, [8, 8] tanh, bce_logits, Adam, "
              "60 epochs, batch 10)\n")
        runs = {True: [], False: []}
        losses = {}
        for turn in range(rounds):  # one run of each per round: this machine's runs swing by a third
            for compile in (turn % 2 == 0, turn % 2 != 0):
                seconds, loss = playground(compile)
                runs[compile].append(seconds)
                losses[compile] = loss
        eager, compiled = statistics.median(runs[False]), statistics.median(runs[True])
        assert abs(losses[True] - losses[False]) <= 1e-9 * max(1.0, abs(losses[False])), losses
        print("| training | median time | final train loss |")
        print("|---|---:|---:|")
        print(f"| eager | {eager:.3f} s | {losses[False]:.12f} |")
        print(f"| compiled tape | {compiled:.3f} s | {losses[True]:.12f} |")
        per_epoch = statistics.median(playground(True, per_epoch=True)[0] for _ in range(max(1, rounds // 2)))
        print(f"| compiled tape, one fit per epoch (the panel's way) | {per_epoch:.3f} s | |")
        print(f"\ntarget: {TARGETS['playground training faster than eager by']:g}x; measured {eager / compiled:.1f}x")
        checks.append(("playground training >= 10x faster", eager / compiled >= 10.0, f"{eager / compiled:.1f}x"))
        where = playground_parts()
        steps = where.pop("steps")
        calls, run = where.pop("calls"), where.pop("run")
        print(f"\nwhere one compiled run goes ({steps} optimizer steps; a step's tape has {calls} numpy calls, {run} "
              "of them run each way, the others by the layers' products; timing each part adds a little):\n")
        print("| part | seconds | per step |")
        print("|---|---:|---:|")
        for name, seconds in where.items():
            print(f"| {name} | {seconds:.3f} | {_us(seconds / steps)} |")

    print("\ntargets (issue 11):")
    for name, ok, measured in checks:
        print(f"  {'met    ' if ok else 'NOT met'}  {name}: {measured}")

if __name__ == "__main__":
    main()
