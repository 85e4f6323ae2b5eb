"""Playground: the data, the network and the epochs trained so far for one Config; step() trains one epoch."""

from __future__ import annotations

import math

import numpy as np

import nn
from autograd import DomainError, no_grad

from ..forward import model_outputs
from .config import DATASETS, Config
from .features import feature_matrix


class Playground:
    """One run: training and test points, an MLP over the chosen features, Adam, and one record per epoch.

    ``start`` holds the losses before training (epoch 0), ``records`` one dict per epoch trained since.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else Config()
        if not isinstance(self.config, Config):
            raise TypeError(f"Playground: config must be a viz.playground.Config, got {type(self.config).__name__}")
        self._make_data()
        self.reset()

    def _make_data(self) -> None:
        c = self.config
        X, y = DATASETS[c.dataset][1](c.n, c.noise, c.seed)
        (self.X_train, self.y_train), (self.X_test, self.y_test) = nn.datasets.train_val_split(
            X, y, val=1.0 - c.train_ratio, seed=c.seed)
        self.classes = 0 if c.kind == "regression" else int(y.max()) + 1
        self.loss = "mse" if c.kind == "regression" else ("bce_logits" if self.classes == 2 else "ce")

    def reset(self) -> None:
        """Back to epoch 0: the network's first weights (the same seed), a fresh optimizer, no history."""
        c = self.config
        outputs = self.classes if self.classes > 2 else 1
        self.model = nn.MLP(len(c.inputs), [*c.hidden, outputs], activation=c.activation, seed=c.seed)
        self.optimizer = nn.Adam(self.model.parameters(), lr=c.lr)
        self.records: list[dict] = []
        self._inputs = (feature_matrix(self.X_train, c.inputs), feature_matrix(self.X_test, c.inputs))
        self.start = self._losses(0)

    def _losses(self, epoch: int) -> dict:
        """The whole sets' losses (without the penalty, as TensorFlow Playground shows them) and accuracies.

        The outputs come from the numpy forward pass of viz.forward (the picture's), the losses from nn's own
        loss functions on those numbers: the same values as nn.evaluate, at a fraction of its cost per frame.
        """
        record = {"epoch": epoch}
        loss_fn = nn.losses.get_loss(self.loss)
        accuracy = nn.metrics.get_metric("accuracy", self.loss) if self.classes else None
        for name, inputs, targets in (("train", self._inputs[0], self.y_train), ("test", self._inputs[1], self.y_test)):
            outputs = model_outputs(self.model, inputs)
            try:
                with no_grad():
                    record[f"{name}_loss"] = loss_fn(outputs.tolist(), targets.tolist()).data
            except DomainError:   # e.g. a probability of exactly 0 for the right class: infinitely wrong
                record[f"{name}_loss"] = math.inf
            record[f"{name}_accuracy"] = accuracy(outputs, targets) if accuracy else None
        return record

    def configure(self, config: Config) -> bool:
        """Take a new setting: new data and network if it needs them (returns True), else from the next epoch on."""
        if not isinstance(config, Config):
            raise TypeError(f"Playground.configure: expected a Config, got {type(config).__name__}")
        restart = self.config.restarts(config)
        self.config = config
        if restart:
            self._make_data()
            self.reset()
        else:
            self.optimizer.lr = config.lr
        return restart

    @property
    def epoch(self) -> int:
        """Epochs trained since the last reset."""
        return len(self.records)

    def step(self) -> dict:
        """Train one epoch (nn.fit, mini-batches, shuffled) and return its record with the training and test loss.

        A step that diverges raises nn.DivergedError and leaves the network as it was before that step.
        """
        c = self.config
        l1, l2 = c.penalties
        epoch = self.epoch + 1
        # A seed per epoch: each epoch deals the batches differently, and a replay deals them the same.
        nn.fit(self.model, (self._inputs[0], self.y_train), loss=self.loss, optimizer=self.optimizer, epochs=1,
               batch_size=c.batch_size, seed=c.seed * 100_003 + epoch, l1=l1, l2=l2, progress=False)
        record = self._losses(epoch)
        self.records.append(record)
        return record

    def run(self, epochs: int) -> list[dict]:
        """Train ``epochs`` more epochs; their records."""
        return [self.step() for _ in range(epochs)]

    def column(self, name: str) -> np.ndarray:
        """One column from epoch 0 (before training) to the last epoch, as floats (e.g. 'train_loss')."""
        return np.array([r[name] for r in [self.start, *self.records]], dtype=float)

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """The network's outputs at raw points X (features computed first): (n,) or (n, k)."""
        return model_outputs(self.model, feature_matrix(X, self.config.inputs))

    @property
    def points(self) -> np.ndarray:
        """Every point, training and test, raw (for the picture's extent)."""
        return np.vstack([self.X_train, self.X_test])
