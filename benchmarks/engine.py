"""Engine benchmark: time, memory and GC-tracked objects per node, chainrule beside micrograd 0.1.0 and the floors.

Run: ``make bench`` or ``.venv/bin/python benchmarks/engine.py [--sizes 1000,10000,100000]``.
micrograd runs in its own virtual environment (peers.py: benchmarks/.venv-micrograd, made on first
use, or given with --micrograd-python), in a subprocess of the same run; if it cannot be made,
the benchmark says so and goes on without it. The engines take turns,
round by round, so a change in the machine's load falls on all of them alike. Beside them run
the floors (floor.py): toys doing the least per-node work a pure-Python engine can do, without
(floor) and with (sorted floor) the topological sort that shared nodes need, so micrograd's time
over theirs bounds the speed-up a pure-Python engine can reach on each shape.
Prints medians over --rounds x --repeat runs, then the bounds of issue 10 and whether they hold:
chainrule within 2.5x of the sorted floor per node at 10^4 and 10^5 and 3x at 10^3, no Value
alive after the root is dropped, at most 1 GC-tracked object and 160 bytes per node, and a
10^6-deep chain's backward at the default recursion limit (in a fresh process, main thread).
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

import peers

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


# Run in a fresh chainrule process, on its main thread at the default recursion limit and stack:
# a recursive walk anywhere in build, backward or freeing would fail here.
DEEP_CHAIN = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from autograd import Value
n = int(sys.argv[2])
start = time.perf_counter()
x = Value(0.5)
y = x
for _ in range(n):
    y = y + 1.0
built = time.perf_counter()
y.backward()
done = time.perf_counter()
ok = x.grad == 1.0 and y.data == 0.5 + n
del y
freed = time.perf_counter()
print(json.dumps({"ok": ok, "limit": sys.getrecursionlimit(), "build_s": built - start,
                  "backward_s": done - built, "free_s": freed - done}))
"""


def deep_chain(n: int) -> str:
    """One line: does an n-deep chain build, backward and free at the default recursion limit, and how long it took."""
    out = subprocess.run([sys.executable, "-c", DEEP_CHAIN, str(ROOT), str(n)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": ""})
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]
        return f"{n:,}-deep chain x + 1.0 at the default recursion limit: FAILS ({last})"
    r = json.loads(out.stdout)
    verdict = "holds" if r["ok"] else "FAILS (wrong gradient or value)"
    return (f"{n:,}-deep chain x + 1.0 at the default recursion limit ({r['limit']}): {verdict}; "
            f"build {r['build_s']:.2f} s, backward {r['backward_s']:.2f} s, free {r['free_s']:.2f} s")


def _floor_bound(n: int) -> float:
    """Issue 10's bound on chainrule's time per node over the sorted floor's, at size n."""
    return 3.0 if n < 10_000 else 2.5


def summary(ours: dict, sorted_floor: dict) -> tuple[list[str], bool]:
    """The bounds table (markdown) for every shape and size, and whether every bound holds.

    GC objects per node are compared to 2 decimals: a handful of objects made once per graph
    (the sum's list, a tuple) are not per node.
    """
    lines = ["| shape | N | chainrule ns/node | sorted floor ns/node | ratio | bound | Values alive after drop "
             "| GC objects/node | bytes/node |", "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    ok = True
    for key, r in ours.items():
        floor_total = sorted_floor[key]["total_ns"]
        ratio = r["total_ns"] / floor_total
        holds = [ratio <= _floor_bound(r["n"]), r["alive_after_drop"] == 0, round(r["gc_objects_per_node"], 2) <= 1.0,
                 r["bytes_per_node"] <= 160]
        ok = ok and all(holds)
        mark = lambda good: "" if good else " FAILS"  # noqa: E731
        lines.append(f"| {r['shape']} | {r['n']:,} | {r['total_ns']:.0f} | {floor_total:.0f} | {ratio:.2f}x"
                     f"{mark(holds[0])} | <= {_floor_bound(r['n']):g}x | {r['alive_after_drop']}{mark(holds[1])} "
                     f"| {r['gc_objects_per_node']:.2f}{mark(holds[2])} | {r['bytes_per_node']:.0f}{mark(holds[3])} |")
    return lines, ok


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
    parser.add_argument("--sizes", default="1000,10000,100000", type=sizes)
    parser.add_argument("--deep", default=10**6, type=int, help="depth of the chain run at the default recursion limit")
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
               ("sorted-floor", sys.executable, args.sizes)]
    micrograd = peers.python("micrograd", args.micrograd_python)
    if micrograd is not None:
        engines.append(("micrograd", micrograd, args.micrograd_sizes))
    runs: dict[str, list] = {name: [] for name, _, _ in engines}
    for turn in range(args.rounds):
        first = turn % len(engines)  # who goes first rotates
        for name, python, engine_sizes in engines[first:] + engines[:first]:
            runs[name].append(_run_worker(python, name, engine_sizes, args.repeat))
    ours, floor, sorted_floor = (_pooled(runs[name]) for name in ("chainrule", "floor", "sorted-floor"))
    theirs = _pooled(runs["micrograd"]) if "micrograd" in runs else {}
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
    print("\nIssue 10's bounds on chainrule (total = build + backward + free, per node; ratio = chainrule / sorted")
    print("floor, same run):\n")
    lines, ok = summary(ours, sorted_floor)
    print("\n".join(lines))
    deep = deep_chain(args.deep)
    print(f"\n{deep}")
    ok = ok and "FAILS" not in deep
    print(f"\nAll bounds hold: {'yes' if ok else 'NO (see FAILS above)'}")


if __name__ == "__main__":
    main()
