"""A model's outputs on many inputs at once: numpy from its parameters when possible, else one call per input."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from autograd import Value, no_grad

ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # exact, and never overflows
}


def layers_of(model: object) -> list:
    """The model's layers (an MLP's ``layers``; a lone Layer or Neuron counts as one layer)."""
    if hasattr(model, "layers"):
        return list(model.layers)
    if hasattr(model, "neurons"):
        return [model]
    if hasattr(model, "w") and hasattr(model, "b"):
        return [_OneNeuron(model)]
    raise TypeError(f"model: expected an nn MLP, Layer or Neuron (.layers, .neurons or .w, .b), "
                    f"got {type(model).__name__}")


class _OneNeuron:
    def __init__(self, neuron) -> None:
        self.neurons = [neuron]


def weights(layer: object) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A layer's weight matrix (out, in), bias vector and activation names, read from its Values."""
    W = np.array([[float(w.data) for w in n.w] for n in layer.neurons], dtype=float)
    b = np.array([float(n.b.data) for n in layer.neurons], dtype=float)
    return W, b, [getattr(n, "activation", "linear") for n in layer.neurons]


def layer_outputs(model: object, X: ArrayLike) -> list[np.ndarray] | None:
    """Each layer's outputs (n, width) for the inputs X (n, nin), or None if an activation is not one numpy knows."""
    A = np.asarray(X, dtype=float)
    outputs = []
    for layer in layers_of(model):
        W, b, acts = weights(layer)
        if any(a not in ACTIVATIONS for a in acts):
            return None
        if W.shape[1] != A.shape[1]:
            raise ValueError(f"X has {A.shape[1]} features but the layer takes {W.shape[1]} inputs")
        Z = A @ W.T + b
        A = np.column_stack([ACTIVATIONS[a](Z[:, j]) for j, a in enumerate(acts)])
        outputs.append(A)
    return outputs


def model_outputs(model: object, X: ArrayLike, predict: Callable | None = None) -> np.ndarray:
    """The model's outputs for each row of X: shape (n,) for one output, (n, k) for k outputs."""
    X = np.asarray(X, dtype=float)
    if predict is not None:
        out = np.asarray(predict(X), dtype=float)
    else:
        layers = layer_outputs(model, X) if _has_parameters(model) else None
        out = layers[-1] if layers is not None else _call_each(model, X)
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
