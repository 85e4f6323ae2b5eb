"""chainrule's neural networks: neurons, layers, MLPs, losses, optimizers, training and toy data sets.

Built only from ``autograd``'s public names. Submodules: ``nn.datasets`` (toy data sets),
``nn.schedules`` (learning-rate schedules), ``nn.metrics``, ``nn.init``, ``nn.labels`` (the
labels of a model's nodes, ``w[l,n,i]``, ``b[l,n]``, ..., made and read back).
"""

from . import datasets, init, labels, metrics, schedules
from .history import EarlyStopping, History
from .layers import ACTIVATIONS, GRAPHS, MLP, Layer, Neuron
from .losses import (
    LOSSES,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    get_loss,
    hinge,
    l1,
    l2,
    mse,
    softmax,
)
from .module import Module
from .optim import SGD, Adam, AdamW, Optimizer
from .train import DivergedError, evaluate, fit, predict, steps_per_epoch

__all__ = [
    "ACTIVATIONS", "GRAPHS", "LOSSES", "MLP", "SGD", "Adam", "AdamW", "DivergedError", "EarlyStopping", "History",
    "Layer", "Module", "Neuron", "Optimizer", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "datasets", "evaluate", "fit", "get_loss", "hinge", "init", "l1", "l2", "labels", "metrics", "mse",
    "predict", "schedules", "softmax", "steps_per_epoch",
]
