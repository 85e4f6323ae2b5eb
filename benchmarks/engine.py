"""Engine benchmark: time, memory and GC-tracked objects per node, chainrule beside micrograd 0.1.0.

Run: ``make bench`` or ``.venv/bin/python benchmarks/engine.py [--sizes 1000,10000,100000,1000000]``.
micrograd runs in its own virtual environment (created under benchmarks/.venv-micrograd on first
use, or given with --micrograd-python), in a subprocess of the same run, so the ratios compare
like with like on the same machine at the same time. Prints medians over --repeat runs.
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
    sys.path.insert(0, str(ROOT))
    import autograd

    return autograd.Value, autograd.sum


def _measure(engine: str, shape: str, n: int, repeat: int) -> dict:
    V, total = _engine(engine)
    data = [float(i) for i in range(n)]
    build = lambda: SHAPES[shape](V, total, n, data)  # noqa: E731
    times = {"build": [], "backward": [], "free": []}
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        root = build()
        t1 = time.perf_counter()
        root.backward()
        t2 = time.perf_counter()
        del root  # freeing is part of a graph's cost: micrograd's cycles wait for the collector
        gc.collect()
        t3 = time.perf_counter()
        gc.collect()  # the same call on a clean heap: its fixed cost is not the graph's
        t4 = time.perf_counter()
        times["build"].append(t1 - t0)
        times["backward"].append(t2 - t1)
        times["free"].append(max(0.0, (t3 - t2) - (t4 - t3)))
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
        result[f"{key}_ns"] = statistics.median(samples) / n * 1e9
    result["total_ns"] = result["build_ns"] + result["backward_ns"] + result["free_ns"]
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


def _run_worker(python: str, engine: str, args) -> list[dict]:
    cmd = [python, __file__, "--worker", engine, "--sizes", ",".join(map(str, args.sizes)),
           "--repeat", str(args.repeat)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": ""})
    return [json.loads(line) for line in out.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--micrograd-sizes", default="1000,10000,100000",
                        type=lambda s: [int(x) for x in s.split(",")],
                        help="micrograd is slow and recursive: its sizes are separate")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--micrograd-python", default=None)
    parser.add_argument("--worker", choices=["chainrule", "micrograd"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    ours = _run_worker(sys.executable, "chainrule", args)
    args.sizes = args.micrograd_sizes
    theirs = {(r["shape"], r["n"]): r for r in _run_worker(micrograd_python(args.micrograd_python), "micrograd", args)}
    print(f"Medians of {args.repeat} runs, ns per node: build, backward, free (del + collect); total = all three.")
    print("B/node: tracemalloc bytes per node; GC: GC-tracked objects per node; held: bytes still allocated")
    print("after the root is dropped, before gc.collect(); alive: Values still alive then (kept by cycles).")
    print("ratio = micrograd total / chainrule total.\n")
    columns = ["build", "backward", "free", "total", "B/node", "GC", "held", "alive"]
    header = f"{'':<16}{'N':>9} " + "".join(f"{c:>9}" for c in columns)
    for r in ours:
        rows = [("chainrule", r), ("micrograd", theirs.get((r["shape"], r["n"])))]
        if r is ours[0] or r["shape"] == next(iter(SHAPES)):
            print(header)
        for name, m in rows:
            if m is None:
                continue
            cells = [m["build_ns"], m["backward_ns"], m["free_ns"], m["total_ns"], m["bytes_per_node"],
                     m["gc_objects_per_node"], m["bytes_after_drop"], m["alive_after_drop"]]
            text = "".join(f"{c:>9.2f}" if isinstance(c, float) and c < 10 else f"{c:>9.0f}" for c in cells)
            label = r["shape"] if name == "chainrule" else "  micrograd"
            print(f"{label:<16}{m['n']:>9} {text}")
        if rows[1][1]:
            print(f"{'':<16}{'':>9}  ratio {rows[1][1]['total_ns'] / r['total_ns']:.1f}x")


if __name__ == "__main__":
    main()
