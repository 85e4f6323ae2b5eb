"""Time the playground while it plays: picture updates per second and the time from play to the first new picture.

At the default setting (moons, 200 points, 70% for training, hidden [8, 8] tanh, batch 10, Adam lr 0.03), a
Controller plays as the notebook's panel does: each epoch trains with nn.fit, redraws the one figure in place
and encodes a PNG, handed to a callback that notes the time (the panel's callback only sets an Image widget's
value). Headless (matplotlib's Agg canvas, no pyplot). Each run starts from a fresh Controller; medians over runs.

    python benchmarks/playground.py [--runs 5] [--frames 30]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from viz.playground import Config, Controller  # noqa: E402  (the project root is put on the path first)


def one_run(frames: int) -> tuple[float, float, int]:
    """(seconds from play() to the first new picture, pictures per second while playing, epochs played)."""
    times: list[float] = []
    enough = threading.Event()

    def on_frame(png: bytes) -> None:
        times.append(time.perf_counter())
        if len(times) >= frames:
            enough.set()

    controller = Controller(Config(), on_frame=on_frame)
    times.clear()   # the picture drawn on construction (epoch 0) is not a played frame
    pressed = time.perf_counter()
    controller.play()
    if not enough.wait(timeout=120):
        raise RuntimeError(f"only {len(times)} frames in 120 s")
    controller.pause()
    played = times[:frames]
    rate = (len(played) - 1) / (played[-1] - played[0])
    return played[0] - pressed, rate, controller.playground.epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh controllers, each played for --frames pictures")
    parser.add_argument("--frames", type=int, default=30, help="pictures timed per run")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, matplotlib {matplotlib.__version__} ({matplotlib.get_backend()}), "
          f"{args.runs} runs x {args.frames} pictures, default setting {Config()}")
    firsts, rates = [], []
    for run in range(1, args.runs + 1):
        first, rate, epochs = one_run(args.frames)
        firsts.append(first)
        rates.append(rate)
        print(f"run {run}: first picture {first * 1000:.0f} ms after play, {rate:.1f} pictures/s ({epochs} epochs)")
    print(f"median: first picture {statistics.median(firsts) * 1000:.0f} ms after play (target < 500 ms), "
          f"{statistics.median(rates):.1f} pictures/s while playing (target >= 5)")


if __name__ == "__main__":
    main()
