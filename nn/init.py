"""Weight initialization: a neuron's starting weights drawn from an explicit random source.

``'uniform'`` draws each weight from uniform(-1, 1) with ``random.Random.uniform``, one neuron
after the other (its weights, then its bias, which is 0 and draws nothing): micrograd's order,
so ``MLP(2, [16, 16, 1], seed=1337)`` starts from the numbers micrograd's demo gets after
``random.seed(1337)``. ``'xavier'`` (Glorot uniform, for tanh and sigmoid) draws from
uniform(-a, a) with a = sqrt(6 / (fan_in + fan_out)); ``'he'`` (Kaiming normal, for relu) draws
from a normal with standard deviation sqrt(2 / fan_in). Biases always start at 0.
"""

from __future__ import annotations

import math
import random

from ._arguments import choice, integer

INITS = ("uniform", "xavier", "he")

Seed = int | random.Random | None


def make_rng(seed: Seed, name: str = "seed") -> random.Random:
    """A random.Random for ``seed``: an int seeds a new one, a Random is used as it is (shared), None is fresh."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()  # seeded from the OS: unpredictable, as asked
    return random.Random(integer(seed, name))


def draw_weights(init: str, fan_in: int, fan_out: int, rng: random.Random) -> list[float]:
    """``fan_in`` starting weights for one neuron of a layer of ``fan_out`` neurons."""
    choice(init, "init", INITS)
    fan_in = integer(fan_in, "fan_in", 1)
    fan_out = integer(fan_out, "fan_out", 1)
    if init == "uniform":
        return [rng.uniform(-1.0, 1.0) for _ in range(fan_in)]
    if init == "xavier":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return [rng.uniform(-limit, limit) for _ in range(fan_in)]
    std = math.sqrt(2.0 / fan_in)
    return [rng.gauss(0.0, std) for _ in range(fan_in)]
