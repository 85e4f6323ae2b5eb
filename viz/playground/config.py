"""The playground's settings as one checked, immutable Config; a bad entry raises a ValueError a learner can read."""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import nn

from .features import FEATURES, USES_X2, feature_name

# name -> (kind, make(n, noise, seed)); "regression" sets have one input coordinate, the others two.
DATASETS = {
    "moons": ("classification", lambda n, noise, seed: nn.datasets.moons(n, noise=noise, seed=seed)),
    "circles": ("classification", lambda n, noise, seed: nn.datasets.circles(n, noise=noise, seed=seed)),
    "xor": ("classification", lambda n, noise, seed: nn.datasets.xor(n, noise=noise, seed=seed)),
    "spiral": ("classification", lambda n, noise, seed: nn.datasets.spiral(n, k=2, noise=noise, seed=seed)),
    "blobs": ("classification", lambda n, noise, seed: nn.datasets.blobs(n, k=3, noise=noise, seed=seed)),
    "line": ("regression", lambda n, noise, seed: nn.datasets.line(n, noise=noise, seed=seed)),
    "sine": ("regression", lambda n, noise, seed: nn.datasets.sine(n, noise=noise, seed=seed)),
}
_SHOWN_AS = {"blobs": "blobs (3 classes)"}  # how the menu and the picture's title name a set, where not by its name


def dataset_title(name: str) -> str:
    """How the panel's menu and the picture name a data set: 'blobs (3 classes)', else the name itself."""
    return _SHOWN_AS.get(name, name)


_TF_MENU = ("tanh", "relu", "sigmoid", "linear")  # TensorFlow Playground's activations, tanh its default
ACTIVATIONS = (*_TF_MENU, *(name for name in nn.ACTIVATIONS if name not in _TF_MENU))  # then nn's others (gelu, ...)
REGULARIZATIONS = ("none", "L1", "L2")
# TensorFlow Playground's menus.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS, MAX_NEURONS = 6, 8
HIDDEN_HINT = f"write up to {MAX_LAYERS} layer sizes of 1 to {MAX_NEURONS} separated by commas, e.g. 8, 8 " \
              "(empty: no hidden layer)"
# Settings that change the data or the network start a new run; the others apply from the next epoch on.
LIVE = frozenset({"lr", "batch_size", "regularization", "reg_rate"})


def parse_hidden(text: str | Sequence[int]) -> tuple[int, ...]:
    """'8, 8' -> (8, 8); '' -> () (no hidden layer); a list of sizes is checked the same way."""
    if isinstance(text, str):
        parts = text.replace(",", " ").split()
        sizes = []
        for part in parts:
            if not part.isdigit():
                raise ValueError(f"hidden layers: {part!r} is not a whole number; {HIDDEN_HINT}")
            sizes.append(int(part))
    else:
        sizes = list(text)
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral):
                raise ValueError(f"hidden layers: {size!r} is not a whole number; {HIDDEN_HINT}")
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"hidden layers: at most {MAX_LAYERS} layers, got {len(sizes)}; {HIDDEN_HINT}")
    for i, size in enumerate(sizes, 1):
        if not 1 <= size <= MAX_NEURONS:
            raise ValueError(f"hidden layers: layer {i} has {size} neurons; {HIDDEN_HINT}")
    return tuple(int(size) for size in sizes)


def _number(value, name: str, low: float, high: float, integral: bool = False) -> float:
    kind = numbers.Integral if integral else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        what = "a whole number" if integral else "a number"
        raise ValueError(f"{name}: must be {what} from {low:g} to {high:g}, got {value!r}")
    return int(value) if integral else float(value)


def _one_of(value, name: str, options: Sequence) -> None:
    if value not in options:
        raise ValueError(f"{name}: choose one of {', '.join(map(str, options))}; got {value!r}")


@dataclass(frozen=True)
class Config:
    """One playground setting; ``hidden`` may be given as text ('8, 8'), ``features`` in any order."""

    dataset: str = "moons"
    n: int = 200
    noise: float = 0.2
    train_ratio: float = 0.7
    batch_size: int = 10
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    lr: float = 0.03
    regularization: str = "none"
    reg_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        _one_of(self.dataset, "data set", list(DATASETS))
        _number(self.n, "points", 20, 2000, integral=True)
        object.__setattr__(self, "noise", _number(self.noise, "noise", 0.0, 1.0))
        object.__setattr__(self, "train_ratio", _number(self.train_ratio, "ratio of training data", 0.1, 0.9))
        _number(self.batch_size, "batch size", 1, 1000, integral=True)
        if isinstance(self.features, str) or not isinstance(self.features, Sequence):
            raise ValueError(f"input features: a list of names such as ['x1', 'x2'], got {self.features!r}")
        chosen = {feature_name(name) for name in self.features}
        object.__setattr__(self, "features", tuple(name for name in FEATURES if name in chosen))
        if not self.inputs:
            usable = [name for name in FEATURES if name not in USES_X2] if self.kind == "regression" else FEATURES
            raise ValueError(f"input features: choose at least one of {', '.join(usable)}"
                             + (f" ({self.dataset} has one input, x1)" if self.kind == "regression" else ""))
        object.__setattr__(self, "hidden", parse_hidden(self.hidden))
        _one_of(self.activation, "activation", ACTIVATIONS)
        if isinstance(self.lr, bool) or not isinstance(self.lr, numbers.Real) or not 0 < self.lr <= 100:
            raise ValueError(f"learning rate: must be a number above 0 and at most 100, got {self.lr!r}")
        _one_of(self.regularization, "regularization", REGULARIZATIONS)
        object.__setattr__(self, "reg_rate", _number(self.reg_rate, "regularization rate", 0.0, 100.0))
        _number(self.seed, "seed", 0, 2**32 - 1, integral=True)

    @property
    def kind(self) -> str:
        """'classification' or 'regression'."""
        return DATASETS[self.dataset][0]

    @property
    def inputs(self) -> tuple[str, ...]:
        """The features the model reads: the chosen ones the data set can give (a 1-D set has no x2)."""
        if self.kind == "regression":
            return tuple(name for name in self.features if name not in USES_X2)
        return self.features

    @property
    def penalties(self) -> tuple[float, float]:
        """(l1, l2) strengths for nn.fit."""
        return (self.reg_rate if self.regularization == "L1" else 0.0,
                self.reg_rate if self.regularization == "L2" else 0.0)

    def replace(self, **changes) -> Config:
        """A checked copy with some settings changed."""
        names = [f.name for f in dataclasses.fields(self)]
        unknown = [name for name in changes if name not in names]
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; the settings are {', '.join(names)}")
        return dataclasses.replace(self, **changes)

    def restarts(self, other: Config) -> bool:
        """True when going from this setting to ``other`` needs new data or a new network."""
        changed = {f.name for f in dataclasses.fields(self) if getattr(self, f.name) != getattr(other, f.name)}
        return bool(changed - LIVE)
