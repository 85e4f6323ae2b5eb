"""Stand-ins that follow nn's documented interface (attributes, History; labels made by nn.labels), for viz's tests."""

from __future__ import annotations

import math
import random

import matplotlib.image as mpimg
import numpy as np

from autograd import Value, dot
from nn.labels import Label, bias_label, output_label, parse_label, sum_label, weight_label


def in_order() -> dict[str, Value]:
    """The teacher's case, every node labelled: s = p - e with e = exp(q), d = s / p (read top to bottom,
    a drawing with e above p reads as e - p, the wrong sign)."""
    p, q = Value(1.0, label="p"), Value(5.0, label="q")
    e = q.exp()
    e.label = "e"
    s = p - e
    s.label = "s"
    d = s / p
    d.label = "d"
    return {"p": p, "q": q, "e": e, "s": s, "d": d}


def neuron() -> Value:
    """micrograd's neuron o = tanh(x1*w1 + x2*w2 + b), every node labelled, its output o (before backward)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    p1, p2 = x1 * w1, x2 * w2
    p1.label, p2.label = "x1w1", "x2w2"
    s = p1 + p2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


class Neuron:
    """w (list of Values), b, activation; labelled by nn.labels at ``key`` ((l, n), (n,) or ()), as nn does."""

    def __init__(self, nin: int, activation: str, rng: random.Random, key: tuple = ()) -> None:
        self.w = [Value(rng.uniform(-1, 1), label=weight_label(key, i)) for i in range(nin)]
        self.b = Value(rng.uniform(-0.5, 0.5), label=bias_label(key))
        self.activation = activation
        self.key = key

    def __call__(self, x):
        z = dot(self.w, x) + self.b
        z.label = sum_label(self.key)
        if self.activation == "linear":
            return z  # a linear neuron's output is its z node
        a = getattr(z, self.activation)()
        a.label = output_label(self.key)
        return a


class Layer:
    def __init__(self, nin: int, nout: int, activation: str, rng: random.Random, layer: int) -> None:
        self.neurons = [Neuron(nin, activation, rng, (layer, n)) for n in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]


class MLP:
    """MLP(nin, nouts): hidden layers use ``activation``, the last layer ``output``."""

    def __init__(self, nin: int, nouts: list[int], seed: int = 0, activation: str = "tanh",
                 output: str = "linear") -> None:
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.nin, self.nouts = nin, list(nouts)
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else output, rng, i)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        x = [v if isinstance(v, Value) else Value(float(v)) for v in x]
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x


class History:
    """records: per-epoch dicts with nn's keys; history[key] gives the column."""

    def __init__(self, train, val=None, lr: float = 0.1) -> None:
        val = val if val is not None else [None] * len(train)
        self.records = [
            {"epoch": e + 1, "train_loss": t, "val_loss": v, "lr": lr, "grad_norm": 1.0, "accuracy": None,
             "val_accuracy": None}
            for e, (t, v) in enumerate(zip(train, val))
        ]

    def __getitem__(self, key: str) -> list:
        return [r[key] for r in self.records]


def overfitting_history(epochs: int = 40) -> History:
    """Training keeps falling; validation bottoms out at epoch 20 and then rises."""
    train = [math.exp(-e / 8) + 0.05 for e in range(1, epochs + 1)]
    val = [0.9 * math.exp(-e / 8) + 0.1 + (0.02 * (e - 20) if e > 20 else 0.0) for e in range(1, epochs + 1)]
    return History(train, val)


def check_image(path, min_size: tuple[int, int] = (100, 80), min_colours: int = 8) -> np.ndarray:
    """Decode an image file and check it is a real picture: big enough, more than a few colours, not blank."""
    image = mpimg.imread(str(path))
    assert image.ndim == 3 and image.shape[0] >= min_size[1] and image.shape[1] >= min_size[0], image.shape
    pixels = image[..., :3].reshape(-1, 3)
    colours = np.unique((pixels * 255).round().astype(int) if pixels.dtype != np.uint8 else pixels, axis=0)
    assert len(colours) >= min_colours, len(colours)
    assert pixels.std() > 0.02
    return image


# --- the stand-ins themselves follow the interface nn promises ---

def test_stub_mlp_labels_and_outputs_follow_the_nn_interface():
    model = MLP(2, [3, 1], seed=1)
    out = model([0.5, -1.0])
    assert isinstance(out, Value) and parse_label(out.label) == Label("z", 1, 0, None)  # linear: its z node
    assert [parse_label(w.label) for w in model.layers[0].neurons[2].w] == [Label("w", 0, 2, 0), Label("w", 0, 2, 1)]
    assert parse_label(model.layers[0].neurons[2].b.label) == Label("b", 0, 2, None)
    hidden = model.layers[0].neurons[0]
    z = hidden.w[0].data * 0.5 + hidden.w[1].data * -1.0 + hidden.b.data
    assert math.isclose(hidden([Value(0.5), Value(-1.0)]).data, math.tanh(z), rel_tol=1e-12)
    assert isinstance(MLP(2, [4, 3])([0.0, 1.0]), list)


def test_stub_history_columns():
    h = History([3.0, 2.0], [3.5, None])
    assert h["train_loss"] == [3.0, 2.0] and h["val_loss"] == [3.5, None] and h.records[1]["epoch"] == 2


def test_check_image_rejects_a_blank_picture(tmp_path):
    path = tmp_path / "blank.png"
    mpimg.imsave(str(path), np.ones((100, 120, 3)))
    try:
        check_image(path)
    except AssertionError:
        return
    raise AssertionError("a blank image passed check_image")
