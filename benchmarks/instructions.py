"""Instructions per node (valgrind's callgrind) to build and run backward on a chain: a count that repeats.

Wall-clock times on a shared machine move by up to 2x between runs; the number of instructions
the interpreter executes for the same program does not. So a change to the engine's hot path can
be weighed here to a few instructions per node, where benchmarks/engine.py's times cannot tell it
from the machine's noise. Each count is a run of N nodes less a run of 0 (the interpreter's start
and the imports), divided by N; with the cyclic collector on (as users run) and off (the engine's
own work). The same chains are counted on engine.py's sorted floor (floor.py's SortedNode), so
chainrule / floor, the ratio issue 10 bounds in time, comes out as a count that repeats too.

Usage: .venv/bin/python benchmarks/instructions.py [--n 20000] [--root PATH]
(--root: the checkout whose autograd to count, by default this one). Needs valgrind.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHAPES = {  # name -> the statement that grows the chain y (a Value) by one node
    "chain x.relu()": "y = y.relu()",
    "chain x + 1.0": "y = y + 1.0",
}
ENGINES = {  # name -> the import that binds Value to the engine's scalar
    "chainrule": "from autograd import Value",
    "sorted floor": "from floor import SortedNode as Value",
}
PROGRAM = """
import gc, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {benchmarks!r})
{engine}
if {gc_off}:
    gc.disable()
def run(n):
    y = Value(0.5)
    for _ in range(n):
        {grow}
    y.backward()
run({n})
"""


def instructions(root: str, engine: str, grow: str, n: int, gc_off: bool) -> int:
    """All instructions callgrind counts for one run of PROGRAM."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        code = PROGRAM.format(root=root, benchmarks=str(ROOT / "benchmarks"), engine=ENGINES[engine], grow=grow,
                              n=n, gc_off=gc_off)
        result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                                 "-c", code], capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        sys.exit(f"callgrind failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="nodes per graph")
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose autograd is counted")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind); it counts the instructions")
    print(f"instructions per node, build + backward + free, {args.n:,} nodes, autograd from {args.root}")
    print("| graph | chainrule, collector off | on | sorted floor, off | on | chainrule / floor, off | on |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, grow in SHAPES.items():
        counts = {(engine, off): (instructions(args.root, engine, grow, args.n, off)
                                  - instructions(args.root, engine, grow, 0, off)) // args.n
                  for engine in ENGINES for off in (True, False)}
        ratios = [counts["chainrule", off] / counts["sorted floor", off] for off in (True, False)]
        print(f"| {name} | {counts['chainrule', True]:,} | {counts['chainrule', False]:,} "
              f"| {counts['sorted floor', True]:,} | {counts['sorted floor', False]:,} "
              f"| {ratios[0]:.2f}x | {ratios[1]:.2f}x |")


if __name__ == "__main__":
    main()
