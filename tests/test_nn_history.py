"""nn.history: History columns and EarlyStopping's patience, direction and best state."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# History.to_csv: the records as CSV, every number exact, written atomically.

def test_to_csv_writes_every_record_exactly(tmp_path):
    import csv

    X, y = nn.datasets.moons(40, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, (X, 2 * y - 1), loss="hinge", optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=3,
                     validation=0.25, seed=0, progress=False)
    history.records[0]["val_loss"] = None  # as a run without validation data records it
    history.records[1]["train_loss"] = 0.1 + 0.2  # 0.30000000000000004: a float str() of old Pythons rounded
    history.to_csv(tmp_path / "history.csv")
    with open(tmp_path / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == history.keys() and len(rows) == 3
    for row, record in zip(rows, history.records):
        for key, value in record.items():
            assert row[key] == ("" if value is None else repr(value))
            assert value is None or float(row[key]) == value


def test_to_csv_refuses_what_it_cannot_write_and_keeps_the_old_file(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="History.to_csv: the history has no epochs yet"):
        nn.History().to_csv(tmp_path / "h.csv")
    h = _history([3.0, 2.0])
    with pytest.raises(ValueError, match=r"History.to_csv: '.*' is a directory, not a CSV file; give a file path "
                                         r"such as '.*history.csv'"):
        h.to_csv(tmp_path)
    with pytest.raises(TypeError, match="History.to_csv: path must be a str or os.PathLike, got int 3"):
        h.to_csv(3)
    path = tmp_path / "h.csv"
    path.write_text("the old run\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        h.to_csv(path)
    assert path.read_text() == "the old run\n" and [p.name for p in tmp_path.iterdir()] == ["h.csv"]


def test_read_csv_gives_back_what_to_csv_wrote(tmp_path):
    h = _history([3.0, 0.1 + 0.2, 1e-300])
    h.records[1]["val_loss"] = 2.5
    h.to_csv(tmp_path / "h.csv")
    back = nn.History.read_csv(tmp_path / "h.csv")
    assert back.records == h.records and [type(e) for e in back["epoch"]] == [int, int, int]
    assert not back.stopped_early and not back.interrupted and back.best_epoch is None
    (tmp_path / "blank.csv").write_text("epoch,train_loss\n\n1,2.0\n\n")  # blank lines, as an editor may leave
    assert nn.History.read_csv(tmp_path / "blank.csv").records == [{"epoch": 1, "train_loss": 2.0}]


@pytest.mark.parametrize("text, message", [
    ("", "has no epochs"),
    ("epoch,train_loss\n", "has no epochs"),
    ("step,loss\n1,2.0\n", r"starts with \['step', 'loss'\], not the header to_csv writes"),
    ("epoch,train_loss,train_loss\n1,2,3\n", "not the header to_csv writes"),
    ("epoch,train_loss\n1,2.0,7\n", "line 2: 3 cells under a header of 2"),
    ("epoch,train_loss\n1,2.0\n2,lots\n", "line 3: train_loss is 'lots', not a number"),
    ("epoch,train_loss\n1.5,2.0\n", "line 2: epoch is '1.5', not an epoch number"),
    ("epoch,train_loss\n1,2.0\n3,1.0\n", "line 3: expected epoch 2 with a train_loss, got epoch 3"),
    ("epoch,train_loss\n1,\n", "line 2: expected epoch 1 with a train_loss, got epoch 1 and train_loss None"),
])
def test_read_csv_refuses_a_file_to_csv_did_not_write(tmp_path, text, message):
    path = tmp_path / "h.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"History.read_csv: '.*h.csv',? .*{message}"):
        nn.History.read_csv(path)


def test_read_csv_refuses_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"epoch,train_loss\n1,\xff\n")
    with pytest.raises(ValueError, match="is not a CSV file of a history: 'utf-8' codec can't decode"):
        nn.History.read_csv(path)
    with pytest.raises(FileNotFoundError):
        nn.History.read_csv(tmp_path / "missing.csv")


cell = st.one_of(st.none(), st.floats(allow_nan=False))  # what fit records: a float, or None


@given(st.lists(st.tuples(st.floats(allow_nan=False), cell, cell), min_size=1, max_size=5))
def test_every_float_survives_to_csv_and_read_csv(tmp_path_factory, rows):
    h = nn.History()
    h.records = [{"epoch": e, "train_loss": t, "val_loss": v, "lr": lr} for e, (t, v, lr) in enumerate(rows, 1)]
    path = tmp_path_factory.mktemp("csv") / "h.csv"
    h.to_csv(path)
    assert nn.History.read_csv(path).records == h.records
