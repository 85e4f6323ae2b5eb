"""A model's outputs on many inputs at once: its recorded graph compiled into a tape, replayed over all rows.

Any activation of the op table works, as the engine computes it: the numbers are the tape's
replay of the model's own graph, not a second forward written in numpy. A model without
parameters to read (a plain function) is called once per input instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from autograd import Value, no_grad
from nn.replay import Replay, replay_of


def layers_of(model: object, what: str = "model") -> list:
    """The model's layers (an MLP's ``layers``; a lone Layer or Neuron counts as one layer); ``what`` names it."""
    if hasattr(model, "layers"):
        return list(model.layers)
    if hasattr(model, "neurons"):
        return [model]
    if hasattr(model, "w") and hasattr(model, "b"):
        return [_OneNeuron(model)]
    raise TypeError(f"{what}: expected an nn MLP, Layer or Neuron (.layers, .neurons or .w, .b), "
                    f"got {type(model).__name__}")


class _OneNeuron:
    """A lone neuron seen as a layer of one: ``.neurons`` for its weights, called as the neuron."""

    def __init__(self, neuron) -> None:
        self.neurons = [neuron]

    def __call__(self, x):
        return self.neurons[0](x)


def weights(layer: object) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A layer's weight matrix (out, in), bias vector and activation names, read from its Values."""
    W = np.array([[float(w.data) for w in n.w] for n in layer.neurons], dtype=float)
    b = np.array([float(n.b.data) for n in layer.neurons], dtype=float)
    return W, b, [getattr(n, "activation", "linear") for n in layer.neurons]


def _replay(model: object, X: np.ndarray, per_layer: bool) -> Replay:
    layers = layers_of(model)
    nin = len(layers[0].neurons[0].w)
    if X.ndim != 2 or X.shape[1] != nin:
        raise ValueError(f"X has {X.shape[1] if X.ndim == 2 else X.shape} features but the layer takes {nin} inputs")
    return replay_of(model, nin=nin, layers=layers if per_layer else (), row=X[0] if len(X) else None)


def layer_outputs(model: object, X: ArrayLike) -> list[np.ndarray]:
    """Each layer's outputs (n, width) for the inputs X (n, nin), from one batched replay per neuron."""
    X = np.asarray(X, dtype=float)
    return _replay(model, X, per_layer=True).layer_outputs(X)


def model_outputs(model: object, X: ArrayLike, predict: Callable | None = None) -> np.ndarray:
    """The model's outputs for each row of X: shape (n,) for one output, (n, k) for k outputs."""
    X = np.asarray(X, dtype=float)
    if predict is not None:
        out = np.asarray(predict(X), dtype=float)
    elif _has_parameters(model):
        out = _replay(model, X, per_layer=False)(X)
    else:
        out = _call_each(model, X)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.shape[0] != X.shape[0]:
        raise ValueError(f"the model gave {out.shape[0]} outputs for {X.shape[0]} inputs")
    return out


def _has_parameters(model) -> bool:
    try:
        layers_of(model)
    except TypeError:
        return False
    return True


def _call_each(model, X: np.ndarray) -> np.ndarray:
    if not callable(model):
        raise TypeError(f"model must be callable or an nn model, got {type(model).__name__}")
    rows = []
    with no_grad():  # no graph is needed just to look at the outputs
        for x in X:
            out = model([float(v) for v in x])
            outs = out if isinstance(out, (list, tuple)) else [out]
            rows.append([float(o.data if isinstance(o, Value) else o) for o in outs])
    return np.array(rows, dtype=float)
