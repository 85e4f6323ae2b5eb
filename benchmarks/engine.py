"""Engine benchmark: time, memory and GC-tracked objects per node, chainrule beside micrograd 0.1.0.

Run: ``make bench`` or ``.venv/bin/python benchmarks/engine.py [--sizes 1000,10000,100000,1000000]``.
micrograd runs in its own virtual environment (created under benchmarks/.venv-micrograd on first
use, or given with --micrograd-python), in a subprocess of the same run. The engines take turns,
round by round, so a change in the machine's load falls on all of them alike. Beside them run
the floors (floor.py): toys doing the least per-node work a pure-Python engine can do, without
(floor) and with (sorted floor) the topological sort that shared nodes need, so micrograd's time
over theirs bounds the speed-up a pure-Python engine can reach on each shape.
Prints medians over --rounds x --repeat runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from micrograd_env import micrograd_python

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Graph shapes, written once as user code; `V` is the engine's Value class, `total` its sum.
# The wide sum's input floats exist before the graph (as a data set's numbers do), so its
# bytes per node are the graph's own: a leaf Value and its place in the sum node.
SHAPES = {
    "chain x.relu()": lambda V, total, n, data: _chain(V(0.5), n, lambda y: y.relu()),
    "chain x + 1.0": lambda V, total, n, data: _chain(V(0.5), n, lambda y: y + 1.0),
    "wide sum": lambda V, total, n, data: total([V(x) for x in data]),
}


def _chain(y, n, step):
    for _ in range(n):
        y = step(y)
    return y


def _engine(name: str):
    if name == "micrograd":
        from micrograd.engine import Value

        return Value, sum  # micrograd has no n-ary sum: Python's sum builds a chain of adds
    if name == "floor":
        from floor import Node, total

        return Node, total
    if name == "sorted-floor":
        from floor import SortedNode, total

        return SortedNode, total
    sys.path.insert(0, str(ROOT))
    import autograd

    return autograd.Value, autograd.sum


def _measure(engine: str, shape: str, n: int, repeat: int) -> dict:
    V, total = _engine(engine)
    data = [float(i) for i in range(n)]
    build = lambda: SHAPES[shape](V, total, n, data)  # noqa: E731
    times = {"build": [], "backward": [], "free": []}
    build().backward()  # once untimed: a fresh process's first graph pays for warming its caches
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        root = build()
        t1 = time.perf_counter()
        root.backward()
        t2 = time.perf_counter()
        # Untimed, so that the timed collection below finds the collector's own lists as warm in
        # the cache as the one after it does: otherwise their difference counts the cache misses
        # of walking the rest of the heap, which is not the graph's cost.
        gc.collect()
        t3 = time.perf_counter()
        del root  # freeing is part of a graph's cost: micrograd's cycles wait for the collector
        gc.collect()
        t4 = time.perf_counter()
        gc.collect()  # the same call on a clean heap: its fixed cost is not the graph's
        t5 = time.perf_counter()
        times["build"].append(t1 - t0)
        times["backward"].append(t2 - t1)
        times["free"].append(max(0.0, (t4 - t3) - (t5 - t4)))
    gc.collect()
    tracked0 = len(gc.get_objects())
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    root = build()
    held = tracemalloc.get_traced_memory()[0] - base
    tracked = len(gc.get_objects()) - tracked0
    del root
    # Before any gc.collect(), so only reference counting has run. What remains is either the
    # graph kept alive by reference cycles or, bounded and independent of N, CPython's free lists
    # of tuples and floats (kept for reuse, so still counted by tracemalloc).
    after_drop = tracemalloc.get_traced_memory()[0] - base
    alive = sum(1 for o in gc.get_objects() if type(o) is V)
    tracemalloc.stop()
    gc.collect()
    result = {"engine": engine, "shape": shape, "n": n, "bytes_per_node": held / n,
              "gc_objects_per_node": tracked / n, "bytes_after_drop": after_drop, "alive_after_drop": alive}
    for key, samples in times.items():
        result[f"{key}_ns"] = [t / n * 1e9 for t in samples]
    return result


def worker(args) -> None:
    """Measure one engine and print JSON lines (runs in the engine's own interpreter)."""
    sys.setrecursionlimit(10**7)  # micrograd's backward and freeing recurse once per node
    results = []

    def run():
        for n in args.sizes:
            for shape in SHAPES:
                results.append(_measure(args.worker, shape, n, args.repeat))

    threading.stack_size(1 << 30)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    for r in results:
        print(json.dumps(r))


def _run_worker(python: str, engine: str, sizes: list[int], repeat: int) -> list[dict]:
    cmd = [python, __file__, "--worker", engine, "--sizes", ",".join(map(str, sizes)), "--repeat", str(repeat)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": ""})
    return [json.loads(line) for line in out.stdout.splitlines()]


def _pooled(rounds: list[list[dict]]) -> dict:
    """(shape, n) -> the first round's figures, with each time the median of all rounds' samples."""
    pooled = {}
    for results in rounds:
        for r in results:
            key = (r["shape"], r["n"])
            if key not in pooled:
                pooled[key] = {**r, **{k: [] for k in r if k.endswith("_ns")}}
            for k in r:
                if k.endswith("_ns"):
                    pooled[key][k] += r[k]
    for r in pooled.values():
        for k in [k for k in r if k.endswith("_ns")]:
            r[k] = statistics.median(r[k])
        r["total_ns"] = r["build_ns"] + r["backward_ns"] + r["free_ns"]
    return pooled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = lambda s: [int(x) for x in s.split(",")]  # noqa: E731
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", type=sizes)
    parser.add_argument("--micrograd-sizes", default="1000,10000,100000", type=sizes,
                        help="micrograd is slow and recursive: its sizes are separate")
    parser.add_argument("--rounds", type=int, default=3, help="turns each engine takes, interleaved")
    parser.add_argument("--repeat", type=int, default=3, help="runs per shape and size in each turn")
    parser.add_argument("--micrograd-python", default=None)
    parser.add_argument("--worker", choices=["chainrule", "micrograd", "floor", "sorted-floor"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    engines = [("chainrule", sys.executable, args.sizes), ("floor", sys.executable, args.sizes),
               ("sorted-floor", sys.executable, args.sizes),
               ("micrograd", micrograd_python(args.micrograd_python), args.micrograd_sizes)]
    runs: dict[str, list] = {name: [] for name, _, _ in engines}
    for turn in range(args.rounds):
        first = turn % len(engines)  # who goes first rotates
        for name, python, engine_sizes in engines[first:] + engines[:first]:
            runs[name].append(_run_worker(python, name, engine_sizes, args.repeat))
    ours, floor, sorted_floor, theirs = (_pooled(runs[name]) for name, _, _ in engines)
    print(f"Medians of {args.rounds} x {args.repeat} runs, ns per node: build, backward, free (del + collect);")
    print("total = all three. B/node: tracemalloc bytes per node; GC: GC-tracked objects per node; held: bytes")
    print("still allocated after the root is dropped, before gc.collect(); alive: nodes still alive then (cycles).")
    print("floor, sorted floor: the least per-node work of a pure-Python engine on trees, and on graphs with")
    print("shared nodes, which need a topological sort (benchmarks/floor.py; toys, not engines).")
    print("ratio = micrograd total / chainrule total; bound = micrograd total / floor total (sorted floor total).\n")
    columns = ["build", "backward", "free", "total", "B/node", "GC", "held", "alive"]
    header = f"{'':<16}{'N':>9} " + "".join(f"{c:>9}" for c in columns)
    for key, r in ours.items():
        rows = [("chainrule", r), ("  floor", floor.get(key)), ("  sorted floor", sorted_floor.get(key)),
                ("  micrograd", theirs.get(key))]
        if r["shape"] == next(iter(SHAPES)):
            print(header)
        for name, m in rows:
            if m is None:
                continue
            cells = [m["build_ns"], m["backward_ns"], m["free_ns"], m["total_ns"], m["bytes_per_node"],
                     m["gc_objects_per_node"], m["bytes_after_drop"], m["alive_after_drop"]]
            text = "".join(f"{c:>9.2f}" if isinstance(c, float) and c < 10 else f"{c:>9.0f}" for c in cells)
            label = r["shape"] if name == "chainrule" else name
            print(f"{label:<16}{m['n']:>9} {text}")
        if key in theirs:
            mg = theirs[key]["total_ns"]
            bound = f", bound {mg / floor[key]['total_ns']:.1f}x ({mg / sorted_floor[key]['total_ns']:.1f}x)"
            print(f"{'':<16}{'':>9}  ratio {mg / r['total_ns']:.1f}x{bound}")


if __name__ == "__main__":
    main()
