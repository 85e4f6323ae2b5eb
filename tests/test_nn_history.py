"""nn.history: History columns and EarlyStopping's patience, direction and best state."""

import pytest

import nn


def _history(losses):
    h = nn.History()
    for epoch, loss in enumerate(losses, 1):
        h.records.append({"epoch": epoch, "train_loss": loss, "val_loss": None})
    return h


def test_columns_and_length():
    h = _history([3.0, 2.0, 1.0])
    assert h["train_loss"] == [3.0, 2.0, 1.0] and h["epoch"] == [1, 2, 3] and len(h) == 3
    assert h.keys() == ["epoch", "train_loss", "val_loss"]
    with pytest.raises(KeyError, match="no 'loss'; its keys are epoch, train_loss, val_loss"):
        h["loss"]
    assert repr(h) == "History(3 epochs, train_loss 3 -> 1)"
    assert repr(nn.History()) == "History(no epochs)" and len(nn.History()) == 0


class _Model:
    def __init__(self):
        self.value = 0.0

    def state_dict(self):
        return {"p": self.value}


def test_early_stopping_waits_patience_epochs_and_remembers_the_best():
    stop = nn.EarlyStopping("val_loss", patience=2, min_delta=0.01)
    model = _Model()
    decisions = []
    for epoch, loss in enumerate([1.0, 0.5, 0.495, 0.6, 0.4], 1):
        model.value = epoch
        decisions.append(stop.update({"epoch": epoch, "val_loss": loss}, model))
    # 0.495 is not better than 0.5 by more than min_delta: two epochs without improvement
    assert decisions == [False, False, False, True, False]
    assert stop.best_epoch == 5 and stop.best_state == {"p": 5}


def test_early_stopping_on_accuracy_looks_upwards():
    stop = nn.EarlyStopping("val_accuracy", patience=1)
    assert stop.mode == "max"
    assert not stop.update({"epoch": 1, "val_accuracy": 0.5}, _Model())
    assert not stop.update({"epoch": 2, "val_accuracy": 0.7}, _Model())
    assert stop.update({"epoch": 3, "val_accuracy": 0.6}, _Model())
    stop.reset()
    assert stop.best is None and stop.waited == 0


def test_early_stopping_bad_arguments():
    with pytest.raises(ValueError, match="patience must be >= 1"):
        nn.EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="monitor 'val_loss' is not recorded"):
        nn.EarlyStopping().update({"epoch": 1, "train_loss": 1.0, "val_loss": None}, _Model())
