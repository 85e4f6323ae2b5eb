"""Same scalar program, several engines: one 1,000-step chain differentiated by chainrule and its peers, in one run.

The program (PROGRAM below, the one copy every engine runs): ``y = x``, then 1,000 times
``y = relu(y * a_i + b_i) * 0.9 + x * 0.1``; 6,000 nodes, 2,001 leaves (x, a_0.., b_0..) drawn
from a seeded generator. One gradient is d(y)/d(every leaf), timed from the first node built to
the last gradient, with the leaves made beforehand (they are the program's inputs). Engines: chainrule
eager (this repo), micrograd 0.1.0, PyTorch on 0-d float64 tensors with one thread, JAX eager
(float64, 0-d arrays) and ``jax.jit`` of the same gradient over the same 2,001 0-d arrays (its
first call, tracing and compiling, apart from its per-call time, which passing 2,001 arguments
dominates).
Each peer runs in its own venv (peers.py); one that cannot be made is left out with one line.
Beside them run nn_step.py's two sorted floors (toys, not engines) on the same program text:
micrograd's time over theirs bounds what a pure-Python engine can reach here, with a parent per
slot (floor_mlp.py) and with a node's parents in one tuple (floor_tuple.py, issue 10's node).

Every engine is set up once in its own process and checks its value and gradients against
chainrule's (to 1e-9) before any timing; then the engines take turns, round by round, each
measuring for about --seconds per round; medians over all rounds, ratios from this run.

    python benchmarks/same_program.py [--rounds 5] [--seconds 0.5] [--steps 1000] [--seed 0]

Other benchmarks import ``leaf_values`` and ``chainrule_chain`` to build the same chain.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
from pathlib import Path

import floor_mlp
import floor_tuple
import peers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

STEPS = 1000
SEED = 0
TOLERANCE = 1e-9  # |their gradient - chainrule's| <= TOLERANCE * max(1, |chainrule's|), for every leaf
TARGET = 4.0  # issue 10: chainrule eager at least 4x faster than micrograd and than PyTorch

# The program, as every engine runs it: Values, tensors or arrays with * and +, and the engine's relu.
PROGRAM = '''
def chain(x, a, b, relu):
    y = x
    for ai, bi in zip(a, b):
        y = relu(y * ai + bi) * 0.9 + x * 0.1
    return y
'''
_namespace: dict = {}
exec(PROGRAM, _namespace)  # chain() here is made from the same text the peers run
chain = _namespace["chain"]


def leaf_values(steps: int = STEPS, seed: int = SEED) -> tuple[float, list[float], list[float]]:
    """The chain's leaf values (x, a, b), drawn from ``random.Random(seed)``.

    Ranges chosen so that no gradient is lost: with seed 0 every relu is active (an inactive one
    would zero the gradient of every leaf before it) and 0.9 * a_i is about 1 on average, so
    the gradients neither vanish nor blow up along the chain.
    """
    rng = random.Random(seed)
    x = rng.uniform(0.2, 1.0)
    a = [rng.uniform(0.75, 1.45) for _ in range(steps)]
    b = [rng.uniform(-0.2, 0.3) for _ in range(steps)]
    return x, a, b


def chainrule_leaves(x: float, a: list[float], b: list[float]) -> list:
    """The chain's leaves as chainrule Values, in the order [x, *a, *b]."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import autograd

    return [autograd.Value(v) for v in (x, *a, *b)]


def chainrule_chain(leaves: list) -> object:
    """The chain built with chainrule's Values over ``leaves`` ([x, *a, *b], see chainrule_leaves): its root."""
    import autograd

    n = (len(leaves) - 1) // 2
    return chain(leaves[0], leaves[1:n + 1], leaves[n + 1:], autograd.relu)


# Each engine's worker (peers.Worker): setup(job) makes the leaves (once: they are the program's inputs,
# not its work) and returns the value, the gradients and the version; measure(seconds) times gradients
# for about that long, at least one. Where gradients accumulate into the leaves, they are reset untimed.
_TIMER = '''
import time

def _time(one, seconds, reset=lambda: None):
    times, start = [], time.perf_counter()
    while not times or time.perf_counter() - start < seconds:
        reset()
        t0 = time.perf_counter()
        one()
        times.append(time.perf_counter() - t0)
    return times
'''

CHAINRULE = _TIMER + '''
import sys

def setup(job):
    global leaves, chainrule_chain
    sys.path[:0] = [job["root"], job["here"]]
    from same_program import chainrule_chain, chainrule_leaves
    leaves = chainrule_leaves(job["x"], job["a"], job["b"])
    chainrule_chain(leaves).backward()
    return {"engines": {"chainrule": {"value": chainrule_chain(leaves).data, "grads": [v.grad for v in leaves]}},
            "version": "this repo"}

def reset():
    for v in leaves:
        v.grad = 0.0

def one():
    root = chainrule_chain(leaves)
    root.backward()
    del root

def measure(seconds):
    return {"chainrule": _time(one, seconds, reset)}
'''

MICROGRAD = _TIMER + PROGRAM + '''
import sys
sys.setrecursionlimit(100000)  # micrograd's backward recurses once per node of the chain
import importlib.metadata
from micrograd.engine import Value

def setup(job):
    global leaves, n
    leaves = [Value(v) for v in [job["x"], *job["a"], *job["b"]]]
    n = len(job["a"])
    root = one()
    return {"engines": {"micrograd": {"value": root.data, "grads": [v.grad for v in leaves]}},
            "version": importlib.metadata.version("micrograd")}

def reset():
    for v in leaves:
        v.grad = 0.0

def one():
    root = chain(leaves[0], leaves[1:n + 1], leaves[n + 1:], lambda v: v.relu())
    root.backward()
    return root

def measure(seconds):
    return {"micrograd": _time(one, seconds, reset)}
'''

TORCH = _TIMER + PROGRAM + '''
import torch
torch.set_num_threads(1)

def setup(job):
    global leaves, n
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in [job["x"], *job["a"], *job["b"]]]
    n = len(job["a"])
    root, grads = one()
    return {"engines": {"pytorch": {"value": root.item(), "grads": [g.item() for g in grads]}},
            "version": torch.__version__}

def one():  # autograd.grad returns the gradients without accumulating them into .grad
    root = chain(leaves[0], leaves[1:n + 1], leaves[n + 1:], torch.relu)
    return root, torch.autograd.grad(root, leaves)

def measure(seconds):
    return {"pytorch": _time(one, seconds)}
'''

JAX = _TIMER + PROGRAM + '''
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp

f = lambda x, a, b: chain(x, a, b, jax.nn.relu)
eager = jax.grad(f, argnums=(0, 1, 2))

def setup(job):
    global args, jitted
    # 0-d float64 arrays, one per leaf, as the other engines have; jit takes the same 2,001 leaves as
    # arguments (a and b stacked into two arrays, sliced by the traced loop, compile for minutes).
    args = (jnp.asarray(job["x"], dtype=jnp.float64), [jnp.asarray(v) for v in job["a"]],
            [jnp.asarray(v) for v in job["b"]])
    jitted = jax.jit(jax.grad(f, argnums=(0, 1, 2)))
    start = time.perf_counter()
    jax.block_until_ready(jitted(*args))  # the first call traces and compiles (and runs once)
    compile_s = time.perf_counter() - start
    out = {}
    for name, g in (("jax eager", eager(*args)), ("jax.jit", jitted(*args))):
        gx, ga, gb = jax.block_until_ready(g)
        out[name] = {"value": float(f(*args)), "grads": [float(gx), *map(float, ga), *map(float, gb)]}
    return {"engines": out, "version": jax.__version__, "compile_s": compile_s}

def measure(seconds):
    return {"jax eager": _time(lambda: jax.block_until_ready(eager(*args)), seconds),
            "jax.jit": _time(lambda: jax.block_until_ready(jitted(*args)), seconds)}
'''

# nn_step.py's two sorted floors (toys, not engines; each module's NODE says what its node keeps) run the
# same text: their nodes have the chain's ops.
FLOORS = (floor_mlp, floor_tuple)
FLOOR_SCRIPT = _TIMER + PROGRAM + '''
import sys

def setup(job):
    global runs
    sys.path[:0] = [job["here"]]
    import importlib
    runs, out = {}, {}
    for name in job["floors"]:
        floor = importlib.import_module(name)
        leaves = [floor.Leaf(v) for v in [job["x"], *job["a"], *job["b"]]]
        n = len(job["a"])
        def one(floor=floor, leaves=leaves, n=n):
            root = chain(leaves[0], leaves[1:n + 1], leaves[n + 1:], lambda v: v.relu())
            floor.backward(root)
            return root
        def reset(leaves=leaves):
            for v in leaves:
                v.grad = 0.0
        root = one()
        out[name] = {"value": root.data, "grads": [v.grad for v in leaves]}
        reset()
        runs[name] = (one, reset)
    return {"engines": out, "version": "benchmarks/"}

def measure(seconds):
    return {name: _time(one, seconds, reset) for name, (one, reset) in runs.items()}
'''

PEER_SCRIPTS = {"micrograd": MICROGRAD, "torch": TORCH, "jax": JAX}


def _disagreement(ours: dict, theirs: dict) -> float:
    """The largest gap between two engines' value and gradients, relative to max(1, |chainrule's|)."""
    pairs = [(ours["value"], theirs["value"]), *zip(ours["grads"], theirs["grads"], strict=True)]
    return max(abs(a - b) / max(1.0, abs(a)) for a, b in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="turns each engine takes, interleaved")
    parser.add_argument("--seconds", type=float, default=0.5, help="time each engine measures per round")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--seed", type=int, default=SEED)
    for name in peers.PEERS:
        parser.add_argument(f"--{name}-python", help=f"a Python with {name} installed (default: its own venv)")
    parser.add_argument("--without", default="", help="peers to leave out, comma-separated (e.g. jax)")
    args = parser.parse_args()

    x, a, b = leaf_values(args.steps, args.seed)
    job = {"x": x, "a": a, "b": b, "root": str(ROOT), "here": str(HERE), "floors": [f.__name__ for f in FLOORS]}
    workers = {"chainrule": peers.Worker(sys.executable, CHAINRULE, job),
               "floors": peers.Worker(sys.executable, FLOOR_SCRIPT, job)}
    left_out = [p for p in args.without.split(",") if p]
    for name, script in PEER_SCRIPTS.items():
        python = None if name in left_out else peers.python(name, getattr(args, f"{name}_python"))
        if python is not None:
            print(f"setting up {name} (imports, checks{', compiling jax.jit' if name == 'jax' else ''})",
                  file=sys.stderr, flush=True)
            workers[name] = peers.Worker(python, script, job)

    reference = workers["chainrule"].setup["engines"]["chainrule"]
    for worker in workers.values():
        for engine, result in worker.setup["engines"].items():
            gap = _disagreement(reference, result)
            if not gap <= TOLERANCE:
                sys.exit(f"{engine} disagrees with chainrule by {gap:.1e} (relative): not timing different programs")

    times: dict[str, list[float]] = {}
    order = list(workers)
    for turn in range(args.rounds):
        first = turn % len(order)  # who goes first rotates
        for name in order[first:] + order[:first]:
            for engine, samples in workers[name].measure(seconds=args.seconds).items():
                times.setdefault(engine, []).extend(samples)
    for worker in workers.values():
        worker.close()

    nodes, leaves = 6 * args.steps, 2 * args.steps + 1
    ours = statistics.median(times["chainrule"])
    print(f"Same scalar program: {args.steps:,}-step chain y = relu(y * a_i + b_i) * 0.9 + x * 0.1 "
          f"({nodes:,} nodes, {leaves:,} leaves, seed {args.seed}); one gradient = build + backward.")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus; "
          f"{args.rounds} interleaved rounds of about {args.seconds} s per engine; medians. Values and all "
          f"gradients agree with chainrule's to {TOLERANCE:g} (checked before timing).\n")
    print("| engine | version | gradients timed | median per gradient | chainrule is faster by |")
    print("|---|---|---:|---:|---:|")
    verdicts = []
    for name, worker in workers.items():
        if name == "floors":
            continue
        for engine in worker.setup["engines"]:
            median = statistics.median(times[engine])
            ratio = median / ours
            label = {"chainrule": "chainrule eager", "pytorch": "PyTorch, 0-d float64 tensors, 1 thread"}.get(
                engine, engine)
            if engine == "jax.jit":
                label += f" (after {worker.setup['compile_s']:.2f} s of compiling)"
            print(f"| {label} | {worker.setup['version']} | {len(times[engine])} | {_ms(median)} | {ratio:.2f}x |")
            if engine in ("micrograd", "pytorch"):
                verdicts.append(f"{ratio:.1f}x vs {engine} ({'holds' if ratio >= TARGET else 'FAILS'})")
    missing = [p for p in ("micrograd", "torch") if p not in workers]
    print(f"\nTarget (issue 10): chainrule eager >= {TARGET:g}x faster than micrograd and PyTorch: "
          + "; ".join(verdicts) + (f"; not measured: {', '.join(missing)}" if missing else ""))
    print("\nThe sorted floors (nn_step.py's toys, not engines) on the same program:")
    for floor in FLOORS:
        median = statistics.median(times[floor.__name__])
        bound = (f"; micrograd / floor {statistics.median(times['micrograd']) / median:.1f}x, the most a pure-Python "
                 "engine doing no more than it can reach" if "micrograd" in times else "")
        print(f"- {floor.__name__}.py, whose node keeps {floor.NODE}: {_ms(median)}, chainrule / floor "
              f"{ours / median:.2f}x{bound}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


if __name__ == "__main__":
    main()
