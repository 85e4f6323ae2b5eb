"""Instructions per node (valgrind's callgrind) to build and run backward on a chain: a count that repeats.

Wall-clock times on a shared machine move by up to 2x between runs; the number of instructions
the interpreter executes for the same program does not. So a change to the engine's hot path can
be weighed here to a few instructions per node, where benchmarks/engine.py's times cannot tell it
from the machine's noise. Each count is a run of N nodes less a run of 0 (the interpreter's start
and the imports), divided by N; with the cyclic collector on (as users run) and off (the engine's
own work).

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
PROGRAM = """
import gc, sys
sys.path.insert(0, {root!r})
from autograd import Value
if {gc_off}:
    gc.disable()
def run(n):
    y = Value(0.5)
    for _ in range(n):
        {grow}
    y.backward()
run({n})
"""


def instructions(root: str, grow: str, n: int, gc_off: bool) -> int:
    """All instructions callgrind counts for one run of PROGRAM."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        code = PROGRAM.format(root=root, grow=grow, n=n, gc_off=gc_off)
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
    print(f"instructions per node, build + backward, {args.n:,} nodes, autograd from {args.root}")
    print("| graph | collector off | collector on |")
    print("|---|---:|---:|")
    for name, grow in SHAPES.items():
        counts = [(instructions(args.root, grow, args.n, off) - instructions(args.root, grow, 0, off)) // args.n
                  for off in (True, False)]
        print(f"| {name} | {counts[0]:,} | {counts[1]:,} |")


if __name__ == "__main__":
    main()
