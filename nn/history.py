"""History, the per-epoch record of a training run, and EarlyStopping, which ends one at its best epoch."""

from __future__ import annotations

import csv
import io

from ._arguments import integer, non_negative
from .atomic import check_path, write_text
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

    @classmethod
    def read_csv(cls, path) -> History:
        """The History in a file ``to_csv`` wrote (``chainrule train``'s history.csv), to plot or compare runs.

        Every cell comes back as it was: ``epoch`` an int, an empty cell None, any other a
        float. The file must have ``epoch`` and ``train_loss`` columns, a number in both on every
        row, and the epochs 1, 2, 3, ...; anything else is a ValueError naming the file and line.
        ``stopped_early``, ``interrupted`` and ``best_epoch`` are not in the file: they start unset.
        """
        path = check_path(path, "History.read_csv")
        try:
            with open(path, newline="", encoding="utf-8") as f:
                rows = [(line, row) for line, row in enumerate(csv.reader(f), 1) if row]  # blank lines skipped
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ValueError(f"History.read_csv: {path!r} is not a CSV file of a history: {exc}") from None
        if len(rows) < 2:
            raise ValueError(f"History.read_csv: {path!r} has no epochs (to_csv writes a header and a row per epoch)")
        header = rows[0][1]
        if "epoch" not in header or "train_loss" not in header or len(set(header)) != len(header):
            raise ValueError(f"History.read_csv: {path!r} starts with {header!r}, not the header to_csv writes "
                             "(the record keys, each once, among them 'epoch' and 'train_loss')")
        history = cls()
        history.records = [_record(header, row, f"History.read_csv: {path!r}, line {line}", epoch)
                           for epoch, (line, row) in enumerate(rows[1:], 1)]
        return history

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


def _record(header: list, row: list, where: str, epoch: int) -> dict:
    """The record of epoch ``epoch`` from a row of a to_csv file under ``header``; ``where`` names the line."""
    if len(row) != len(header):
        raise ValueError(f"{where}: {len(row)} cells under a header of {len(header)}")
    record: dict = {}
    for key, cell in zip(header, row):
        try:
            record[key] = int(cell) if key == "epoch" else float(cell) if cell else None
        except ValueError:
            raise ValueError(f"{where}: {key} is {cell!r}, not {'an epoch number' if key == 'epoch' else 'a number'}"
                             ) from None
    if record["epoch"] != epoch or record["train_loss"] is None:
        raise ValueError(f"{where}: expected epoch {epoch} with a train_loss, got epoch {record['epoch']} "
                         f"and train_loss {record['train_loss']!r}")
    return record


class EarlyStopping:
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Losses improve downwards, accuracies (a name containing 'accuracy') upwards. With
    ``restore_best`` the model gets back the parameters of its best epoch when training ends,
    however it ends (stopped early, all epochs run, Ctrl-C); not when fit raises DivergedError.
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
