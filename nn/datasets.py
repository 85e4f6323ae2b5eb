"""Small seeded toy data sets returning (X, y) numpy arrays, and a train/validation split.

Classification sets return X of shape (n, 2) and integer labels 0..k-1; the regression sets
``line`` and ``sine`` return X of shape (n, 1) and float targets. ``noise`` is the standard
deviation of the Gaussian noise; ``seed`` an int (or a ``numpy.random.Generator``) makes the
set reproducible, None makes it unpredictable.

``moons`` follows scikit-learn's ``make_moons`` exactly (same algorithm, same random numbers
in the same order), drawing from its own ``numpy.random.RandomState(seed)``: the numbers
``make_moons`` gives after ``np.random.seed(seed)``, as in micrograd's demo. The other sets
draw from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._arguments import integer, non_negative, real


def generator(seed, name: str) -> np.random.Generator:
    """A numpy Generator for ``seed``: a non-negative int seeds a new one, a Generator is used as it is (shared),
    None is fresh; anything else is an error naming ``name`` (``'fit: seed'``)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be None, a non-negative int or a numpy.random.Generator, "
                        f"got {type(seed).__name__} {seed!r:.80}")
    return np.random.default_rng(None if seed is None else integer(seed, name, 0))


def _counts(n: int, k: int) -> list[int]:
    """n samples over k classes, as evenly as possible (the first classes get the extra ones)."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def moons(n: int = 100, noise: float | None = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (labels 0 and 1), as scikit-learn's make_moons(n, noise=noise).

    The points are placed on the half circles, shuffled with ``RandomState.shuffle`` of their
    indices, then given noise from ``RandomState.normal`` (skipped when noise is None).
    """
    n = integer(n, "moons: n", 2)
    if noise is not None:
        noise = non_negative(noise, "moons: noise")
    rs = np.random.RandomState(None if seed is None else integer(seed, "moons: seed"))
    n_out = n // 2
    n_in = n - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.vstack([
        np.append(np.cos(outer), 1 - np.cos(inner)),
        np.append(np.sin(outer), 1 - np.sin(inner) - 0.5),
    ]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n)
    rs.shuffle(order)
    X, y = X[order], y[order]
    if noise is not None:
        X += rs.normal(scale=noise, size=X.shape)
    return X, y


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (label 0) around one of radius ``factor`` (label 1)."""
    n = integer(n, "circles: n", 2)
    noise = non_negative(noise, "circles: noise")
    factor = real(factor, "circles: factor")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles: factor must be between 0 and 1 (exclusive), got {factor!r}")
    rng = generator(seed, "circles: seed")
    n_out, n_in = n - n // 2, n // 2
    angles_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    angles_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(angles_out), np.sin(angles_out)]),
        factor * np.column_stack([np.cos(angles_in), np.sin(angles_in)]),
    ])
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = rng.permutation(n)
    X, y = X[order], y[order]
    return X + rng.normal(0.0, noise, X.shape), y


def xor(n: int = 100, noise: float = 0.0, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [-1, 1]^2, label 1 where exactly one coordinate is positive; noise moves them after."""
    n = integer(n, "xor: n", 1)
    noise = non_negative(noise, "xor: noise")
    rng = generator(seed, "xor: seed")
    X = rng.uniform(-1.0, 1.0, (n, 2))
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.intp)
    return X + rng.normal(0.0, noise, X.shape), y


def spiral(n: int = 300, k: int = 3, noise: float = 0.2, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """k interleaved spiral arms (labels 0..k-1) from the centre outwards; noise jitters the angle."""
    n = integer(n, "spiral: n", 1)
    k = integer(k, "spiral: k", 2)
    noise = non_negative(noise, "spiral: noise")
    rng = generator(seed, "spiral: seed")
    parts_X, parts_y = [], []
    for j, m in enumerate(_counts(n, k)):
        radius = np.linspace(0.0, 1.0, m)
        angle = np.linspace(j * 4.0, (j + 1) * 4.0, m) + rng.normal(0.0, noise, m)
        parts_X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        parts_y.append(np.full(m, j, dtype=np.intp))
    order = rng.permutation(n)
    return np.vstack(parts_X)[order], np.hstack(parts_y)[order]


def blobs(n: int = 150, k: int = 3, noise: float = 0.5, radius: float = 2.0,
          seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """k Gaussian clusters (labels 0..k-1) centred evenly on a circle of ``radius``; noise is their spread."""
    n = integer(n, "blobs: n", 1)
    k = integer(k, "blobs: k", 2)
    noise = non_negative(noise, "blobs: noise")
    radius = real(radius, "blobs: radius")
    rng = generator(seed, "blobs: seed")
    angles = 2 * np.pi * np.arange(k) / k
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.hstack([np.full(m, j, dtype=np.intp) for j, m in enumerate(_counts(n, k))])
    y = y[rng.permutation(n)]
    return centres[y] + rng.normal(0.0, noise, (n, 2)), y


def line(n: int = 100, noise: float = 0.1, slope: float = 2.0, intercept: float = -1.0,
         seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regression: x uniform in [-1, 1], y = slope * x + intercept + noise."""
    n = integer(n, "line: n", 1)
    noise = non_negative(noise, "line: noise")
    slope, intercept = real(slope, "line: slope"), real(intercept, "line: intercept")
    rng = generator(seed, "line: seed")
    x = rng.uniform(-1.0, 1.0, n)
    return x.reshape(-1, 1), slope * x + intercept + rng.normal(0.0, noise, n)


def sine(n: int = 100, noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regression: x uniform in [-pi, pi], y = sin(x) + noise."""
    n = integer(n, "sine: n", 1)
    noise = non_negative(noise, "sine: noise")
    rng = generator(seed, "sine: seed")
    x = rng.uniform(-np.pi, np.pi, n)
    return x.reshape(-1, 1), np.sin(x) + rng.normal(0.0, noise, n)


def split_sizes(n: int, val: float | int, name: str = "train_val_split: val") -> tuple[int, int]:
    """(training, validation) sample counts when ``val`` (a fraction or a count) of n is held out.

    The one place that rounds: ``train_val_split``, ``fit`` and ``nn.steps_per_epoch`` use it.
    An error names ``name``, the argument ``val`` came from.
    """
    if isinstance(val, numbers.Integral) and not isinstance(val, bool):
        n_val = int(val)
    else:
        share = real(val, name)
        if not 0.0 < share < 1.0:
            raise ValueError(f"{name} must be a fraction in (0, 1) or a count, got {val!r}")
        n_val = int(round(share * n))
    if not 1 <= n_val <= n - 1:
        raise ValueError(f"{name}={val!r} leaves {n_val} of {n} samples for validation; both parts need at least one")
    return n - n_val, n_val


def train_val_split(X, y, val: float = 0.2, seed: int | None = None) -> tuple[tuple, tuple]:
    """((X_train, y_train), (X_val, y_val)): a random ``val`` fraction (or count) of the samples held out."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_val_split: X has {len(X)} samples but y has {len(y)}")
    n = len(X)
    n_val = n - split_sizes(n, val)[0]
    order = generator(seed, "train_val_split: seed").permutation(n)
    held, kept = order[:n_val], order[n_val:]
    return (X[kept], y[kept]), (X[held], y[held])
