"""Instructions per node (valgrind's callgrind) to build and run backward on a chain: a count that repeats.

Wall-clock times on a shared machine move by up to 2x between runs; the number of instructions
the interpreter executes for the same program does not. So a change to the engine's hot path can
be weighed here to a few instructions per node, where benchmarks/engine.py's times cannot tell it
from the machine's noise. The graphs are engine.py's shapes, built, run backward and freed once;
each count is that run less the same program without the graph (the interpreter's start, the
imports, the data), divided by N; with the cyclic collector on (as users run) and off (the
engine's own work). Each shape is counted on chainrule and on engine.py's sorted floor (floor.py's
SortedNode), so chainrule / floor, the ratio issue 10 bounds in time, comes out as a count that
repeats too.

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

from engine import SHAPES  # benchmarks/engine.py, next to this script

ROOT = Path(__file__).resolve().parent.parent
ENGINES = {  # name -> the import that binds Value and total (the n-ary sum) to the engine's
    "chainrule": "from autograd import Value, sum as total",
    "sorted floor": "from floor import SortedNode as Value, total",
}
# engine.py's shapes, built as engine.py builds them; with build False, the same program without
# the graph (the interpreter's start, the imports and the data), which each count subtracts.
PROGRAM = """
import gc, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {benchmarks!r})
from engine import SHAPES
{engine}
data = [float(i) for i in range({n})]
if {gc_off}:
    gc.disable()
if {build}:
    SHAPES[{shape!r}](Value, total, {n}, data).backward()
"""


def instructions(root: str, engine: str, shape: str, n: int, gc_off: bool, build: bool) -> int:
    """All instructions callgrind counts for one run of PROGRAM."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        code = PROGRAM.format(root=root, benchmarks=str(ROOT / "benchmarks"), engine=ENGINES[engine], shape=shape,
                              n=n, gc_off=gc_off, build=build)
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
    for name in SHAPES:
        counts = {(engine, off): (instructions(args.root, engine, name, args.n, off, True)
                                  - instructions(args.root, engine, name, args.n, off, False)) // args.n
                  for engine in ENGINES for off in (True, False)}
        ratios = [counts["chainrule", off] / counts["sorted floor", off] for off in (True, False)]
        print(f"| {name} | {counts['chainrule', True]:,} | {counts['chainrule', False]:,} "
              f"| {counts['sorted floor', True]:,} | {counts['sorted floor', False]:,} "
              f"| {ratios[0]:.2f}x | {ratios[1]:.2f}x |")


if __name__ == "__main__":
    main()
