"""A model recorded once on one sample's input leaves, compiled into tapes and replayed batched over rows.

nn's own modules (Neuron, Layer, MLP) have no control flow that depends on the numbers (an
activation is an op of the table), so one recording holds for every input and every value of
the parameters: the parameters are leaves of the tape, read at each replay, and the inputs are
replayed as arrays over the rows. A tape has one root, so each output (each neuron, for the
per-layer view) is its own tape.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

import numpy as np

from autograd import Value, enable_grad, record

from .labels import input_label
from .layers import MLP, Layer, Neuron

STATIC = (Neuron, Layer, MLP)


def is_static(model: object) -> bool:
    """True for nn's own modules, whose recorded graph is the same for every input: Neuron, Layer and MLP
    themselves, not a subclass, whose code may branch on the numbers."""
    return type(model) in STATIC


def structure(model, params: list[Value]) -> tuple:
    """What a recording of an nn model depends on: each neuron's inputs, activation and graph, layer by
    layer (the neurons may differ, as they may not in a config), and its parameter objects (their numbers
    are read at each replay). A recording stays valid while this is the same."""
    if isinstance(model, Neuron):
        layers = [[model]]
    else:
        layers = [layer.neurons for layer in (model.layers if isinstance(model, MLP) else [model])]
    return tuple(tuple((n.nin, n.activation, n.graph) for n in layer) for layer in layers), tuple(map(id, params))


def input_leaves(nin: int, row: Sequence[float] | None = None) -> list[Value]:
    """One sample's inputs as leaves labelled x[i] (holding ``row``'s numbers, or 0)."""
    row = [0.0] * nin if row is None else [float(v) for v in row]
    return [Value(v, input_label(i)) for i, v in enumerate(row)]


class Replay:
    """Tapes of a model's outputs (and of every neuron of ``layers``) over one sample's input leaves.

    ``model`` is called once on ``nin`` input leaves (default ``model.nin``) holding ``row``'s
    numbers; ``layers``, callables each taking the previous one's outputs (a model's layers, in
    order), are called after it on the same leaves, for their neurons' outputs.
    """

    def __init__(self, model: Callable, *, nin: int | None = None, layers: Sequence[Callable] = (),
                 row: Sequence[float] | None = None) -> None:
        self.inputs = input_leaves(model.nin if nin is None else nin, row)
        # A recording needs its graph, also under no_grad; comparisons on Values become guards.
        with enable_grad(), record() as scope:
            out = model(self.inputs)
            nodes = []
            x = self.inputs
            for layer in layers:
                y = layer(x)
                x = [y] if isinstance(y, Value) else list(y)
                nodes.append(x)
        self.single = isinstance(out, Value)
        self.outputs = [scope.compile(o) for o in ([out] if self.single else out)]
        self._at: dict = {}  # tape -> (positions of the inputs in its leaves, their columns of X)
        self.layers = [[scope.compile(v) for v in layer] for layer in nodes]

    def _run(self, tape, X: np.ndarray) -> np.ndarray:
        at = self._at.get(tape)
        if at is None:  # where the inputs are among the tape's leaves, and which column of X each takes
            column = {leaf: i for i, leaf in enumerate(self.inputs)}
            pairs = [(k, column[leaf]) for k, leaf in enumerate(tape.leaves) if leaf in column]
            at = self._at[tape] = tuple(np.array(v, dtype=np.intp) for v in zip(*pairs)) if pairs else None
        data = np.array([leaf.data for leaf in tape.leaves])[:, None]  # the parameters' numbers now
        # The replay holds a row per node over the rows it is given: in chunks of rows, that array stays
        # within REPLAY_NUMBERS (an MLP(2, [64, 64, 64, 1]) over 40,000 rows took 27.7 s whole, 1.2 s so).
        chunk = max(1, REPLAY_NUMBERS // len(tape.nodes))
        outs = []
        for start in range(0, len(X), chunk):
            rows = X[start:start + chunk]
            values = np.repeat(data, len(rows), axis=1)  # one row per leaf: its number, or an input's column
            if at is not None:
                values[at[0]] = rows[:, at[1]].T
            with np.errstate(all="ignore"):
                out = tape.forward(values)
            outs.append(np.broadcast_to(np.asarray(out, dtype=float), (len(rows),)))
        return outs[0] if len(outs) == 1 else np.concatenate(outs)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """The model's outputs for the rows of X (n, nin): (n,) for a one-Value output, else (n, k)."""
        X = np.asarray(X, dtype=float)
        columns = [self._run(t, X) for t in self.outputs]
        return columns[0].copy() if self.single else np.column_stack(columns)

    def layer_outputs(self, X: np.ndarray) -> list[np.ndarray]:
        """Each of ``layers``' outputs (n, width) for the rows of X."""
        X = np.asarray(X, dtype=float)
        return [np.column_stack([self._run(t, X) for t in layer]) for layer in self.layers]


REPLAY_NUMBERS = 1 << 22  # at most this many numbers (32 MiB) in one batched replay of a tape (Replay._run)


# nn models' Replays, kept while the model lives: model -> {number of layers replayed: (structure, Replay)}
_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def replay_of(model: Callable, *, nin: int | None = None, layers: Sequence[Callable] = (),
              row: Sequence[float] | None = None) -> Replay:
    """``Replay(model, ...)``, recorded once for nn's own models and kept while their structure is the same
    (predict, evaluate, fit and the pictures each replay a model many times); any other model is recorded
    afresh, since its code may change in ways its config does not show."""
    if not is_static(model):
        return Replay(model, nin=nin, layers=layers, row=row)
    key = structure(model, model.parameters())
    kept = _KEPT.setdefault(model, {})
    hit = kept.get(len(layers))
    if hit is not None and hit[0] == key:  # (a kept Replay holds the old parameters: ids are not reused)
        return hit[1]
    replay = Replay(model, nin=nin, layers=layers, row=row)
    kept[len(layers)] = (key, replay)
    return replay
