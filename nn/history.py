"""History, the per-epoch record of a training run, and EarlyStopping, which ends one at its best epoch."""

from __future__ import annotations

import csv
import io

from ._arguments import integer, non_negative
from .atomic import write_text
from .module import Module


class History:
    """One dict per epoch in ``records``; ``history['train_loss']`` gives that column as a list.

    Every record has ``epoch`` (from 1), ``train_loss``, ``val_loss`` (None without
    validation data), ``lr`` (the learning rate of the epoch's first step), ``grad_norm`` (the
    mean over the epoch's steps of the gradient's Euclidean norm) and, per metric, e.g.
    ``accuracy`` and ``val_accuracy``. ``stopped_early`` says early stopping ended the run,
    ``interrupted`` that Ctrl-C did, ``best_epoch`` the epoch early stopping restored.
    """

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.stopped_early = False
        self.interrupted = False
        self.best_epoch: int | None = None

    def keys(self) -> list[str]:
        """The record keys (the same for every epoch)."""
        return list(self.records[0]) if self.records else []

    def __getitem__(self, key: str) -> list:
        if self.records and key not in self.records[0]:
            raise KeyError(f"History has no {key!r}; its keys are {', '.join(self.keys())}")
        return [record[key] for record in self.records]

    def __len__(self) -> int:
        return len(self.records)

    def to_csv(self, path) -> None:
        """Write the records to ``path`` as CSV: a header of the keys, then a row per epoch.

        A None (``val_loss`` without validation data) is an empty cell; a number is written as
        Python prints it, every digit kept, so ``float(cell)`` gives it back exactly. Written
        atomically (``nn.atomic``): a failed write leaves no half file and no old one damaged.
        """
        if not self.records:
            raise ValueError("History.to_csv: the history has no epochs yet (the run ended before its first)")
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=self.keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.records)
        write_text(path, text.getvalue(), "History.to_csv", "CSV file", "history.csv")

    def __repr__(self) -> str:
        if not self.records:
            return "History(no epochs)"
        first, last = self.records[0], self.records[-1]
        parts = [f"{len(self)} epochs", f"train_loss {first['train_loss']:.4g} -> {last['train_loss']:.4g}"]
        if last.get("val_loss") is not None:
            parts.append(f"val_loss {first['val_loss']:.4g} -> {last['val_loss']:.4g}")
        for flag in ("stopped_early", "interrupted"):
            if getattr(self, flag):
                parts.append(flag)
        return f"History({', '.join(parts)})"


class EarlyStopping:
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Losses improve downwards, accuracies (a name containing 'accuracy') upwards. With
    ``restore_best`` the model gets back the parameters of its best epoch when training ends.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be a record key such as 'val_loss', got {monitor!r}")
        self.monitor = monitor
        self.patience = integer(patience, "EarlyStopping: patience", 1)
        self.min_delta = non_negative(min_delta, "EarlyStopping: min_delta")
        if not isinstance(restore_best, bool):
            raise TypeError(f"EarlyStopping: restore_best must be True or False, got {restore_best!r}")
        self.restore_best = restore_best
        self.mode = "max" if "accuracy" in monitor else "min"
        self.reset()

    def reset(self) -> None:
        """Forget earlier runs (fit calls it at the start)."""
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict | None = None
        self.waited = 0

    def update(self, record: dict, model: Module) -> bool:
        """Take one epoch's record; True when training should stop."""
        if self.monitor not in record or record[self.monitor] is None:
            available = [k for k, v in record.items() if v is not None]
            raise ValueError(f"EarlyStopping: monitor {self.monitor!r} is not recorded; available: {available}")
        value = record[self.monitor]
        sign = 1.0 if self.mode == "min" else -1.0
        if self.best is None or sign * (self.best - value) > self.min_delta:
            self.best, self.best_epoch, self.waited = value, record["epoch"], 0
            if self.restore_best:
                self.best_state = model.state_dict()
            return False
        self.waited += 1
        return self.waited >= self.patience

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best})")
