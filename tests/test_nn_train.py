"""nn.train: fit on micrograd's demo and the acceptance problems, its History, stops and errors; predict, evaluate."""

import math
import signal

import numpy as np
import pytest

import nn
from autograd import Value


def _micrograd_demo(graph="dot", epochs=100):
    X, y = nn.datasets.moons(100, noise=0.1, seed=1337)
    model = nn.MLP(2, [16, 16, 1], seed=1337, graph=graph)
    optimizer = nn.SGD(model.parameters(), lr=nn.schedules.linear(1.0, 0.1, 100))
    history = nn.fit(model, (X, y * 2 - 1), loss="hinge", optimizer=optimizer, epochs=epochs, l2=1e-4,
                     progress=False)
    return model, history


def test_micrograds_demo_is_reproduced():
    model, history = _micrograd_demo()
    # Acceptance: 100% accuracy and a final loss below 0.011.
    assert history["accuracy"][-1] == 1.0 and history["train_loss"][-1] < 0.011
    # The numbers micrograd's demo notebook prints: step 0 and step 99.
    assert history["train_loss"][0] == pytest.approx(0.8958441028683222, rel=1e-13)
    assert history["accuracy"][0] == 0.5
    assert history["train_loss"][-1] == pytest.approx(0.010978370135492717, rel=1e-9)
    assert history["lr"][:2] == [1.0, 1.0 - 0.9 * 1 / 100] and len(history) == 100
    X, y = nn.datasets.moons(100, noise=0.1, seed=1337)
    assert nn.evaluate(model, X, y * 2 - 1, loss="hinge")["accuracy"] == 1.0


def test_elementary_graph_trains_through_the_same_numbers():
    _, dot = _micrograd_demo("dot", epochs=4)
    _, elementary = _micrograd_demo("elementary", epochs=4)
    for a, b in zip(dot.records, elementary.records):
        for key in ("train_loss", "grad_norm", "accuracy"):
            assert a[key] == pytest.approx(b[key], rel=1e-12, abs=0.0)


def test_three_classes_with_cross_entropy_and_adam():
    X, y = nn.datasets.blobs(90, k=3, noise=0.5, seed=0)
    train, val = nn.datasets.train_val_split(X, y, val=0.3, seed=0)
    model = nn.MLP(2, [8, 3], seed=0)
    history = nn.fit(model, train, loss="ce", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=30,
                     validation=val, seed=0, progress=False)
    assert history["accuracy"][0] < 0.5 and history["accuracy"][-1] == 1.0 and history["val_accuracy"][-1] == 1.0
    assert history["val_loss"][-1] < 0.05 < history["val_loss"][0]
    outputs = nn.predict(model, val[0])
    assert outputs.shape == (len(val[0]), 3)
    assert np.array_equal(outputs.argmax(axis=1), val[1])


def test_regression_with_mse():
    X, y = nn.datasets.sine(40, noise=0.05, seed=1)
    model = nn.MLP(1, [8, 8, 1], activation="tanh", init="xavier", seed=0)
    history = nn.fit(model, (X, y), loss="mse", optimizer=nn.Adam(model.parameters(), lr=0.03), epochs=150,
                     progress=False)
    assert "accuracy" not in history.keys()
    assert history["train_loss"][-1] < 0.01 < 0.5 < history["train_loss"][0]
    grid = np.linspace(-2.5, 2.5, 11)
    assert np.max(np.abs(nn.predict(model, grid.reshape(-1, 1)) - np.sin(grid))) < 0.2


def test_overfitting_is_visible_in_the_history():
    train = nn.datasets.sine(8, noise=0.3, seed=2)
    val = nn.datasets.sine(30, noise=0.3, seed=3)
    model = nn.MLP(1, [16, 16, 1], activation="tanh", init="xavier", seed=0)
    history = nn.fit(model, train, loss="mse", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=300,
                     validation=val, progress=False)
    val_loss, train_loss = history["val_loss"], history["train_loss"]
    best = int(np.argmin(val_loss))
    assert best < 100
    assert val_loss[-1] > 2 * val_loss[best]  # validation loss rises after its best epoch ...
    assert train_loss[-1] < train_loss[best] / 10  # ... while training loss keeps falling


def test_records_and_mini_batches():
    X, y = nn.datasets.xor(30, seed=4)
    model = nn.MLP(2, [4, 1], output_activation="sigmoid", seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.5)
    history = nn.fit(model, (X.tolist(), y.tolist()), loss="bce", optimizer=optimizer, epochs=3, batch_size=8,
                     validation=0.2, seed=0, progress=False)
    assert optimizer.steps == 3 * 3  # 24 training samples in batches of 8
    assert history.keys() == ["epoch", "train_loss", "val_loss", "lr", "grad_norm", "accuracy", "val_accuracy"]
    assert history["epoch"] == [1, 2, 3] and all(v is not None for v in history["val_loss"])
    assert all(g > 0 for g in history["grad_norm"])


def test_deterministic_for_a_seed():
    X, y = nn.datasets.circles(40, seed=1)

    def run(seed):
        model = nn.MLP(2, [6, 1], seed=0)
        nn.fit(model, (X, y), loss="bce_logits", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=3,
               batch_size=10, seed=seed, progress=False)
        return model.state_dict()

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_divergence_stops_with_the_epoch_and_leaves_the_last_good_parameters():
    X, y = nn.datasets.line(50, seed=0)
    model = nn.MLP(1, [8, 1], seed=0)
    snapshots = [model.state_dict()]
    with pytest.raises(nn.DivergedError, match=r"diverged at epoch \d+, step 1: .*smaller learning rate") as info:
        nn.fit(model, (X, y), loss="mse", optimizer=nn.SGD(model.parameters(), lr=100.0), epochs=200,
               progress=False, callbacks=[lambda record, m: snapshots.append(m.state_dict())])
    error = info.value
    assert error.step == 1 and len(error.history) == error.epoch - 1
    assert model.state_dict() == snapshots[-1]
    assert all(math.isfinite(v) for v in model.state_dict().values())


def test_ctrl_c_stops_after_the_current_step_and_returns_the_history():
    X, y = nn.datasets.moons(40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    before = signal.getsignal(signal.SIGINT)

    def press_ctrl_c(record, m):
        if record["epoch"] == 2:
            signal.raise_signal(signal.SIGINT)

    history = nn.fit(model, (X, y * 2 - 1), loss="hinge", epochs=10, callbacks=[press_ctrl_c], progress=False)
    # the signal arrives after epoch 2's record; epoch 3's step completes, then training stops
    assert history.interrupted and len(history) == 3
    assert signal.getsignal(signal.SIGINT) is before

    def interrupt(record, m):
        raise KeyboardInterrupt

    history = nn.fit(model, (X, y * 2 - 1), loss="hinge", epochs=10, callbacks=[interrupt], progress=False)
    assert history.interrupted and len(history) == 1


def test_callbacks_and_early_stopping():
    X, y = nn.datasets.blobs(60, k=2, seed=1)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, (X, y), loss="bce_logits", epochs=50, progress=False,
                     callbacks=[lambda record, m: record["epoch"] == 4])
    assert len(history) == 4 and history.stopped_early

    train = nn.datasets.sine(8, noise=0.3, seed=2)
    val = nn.datasets.sine(30, noise=0.3, seed=3)
    model = nn.MLP(1, [16, 16, 1], activation="tanh", init="xavier", seed=0)
    stopper = nn.EarlyStopping("val_loss", patience=5)
    history = nn.fit(model, train, loss="mse", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=300,
                     validation=val, early_stopping=stopper, progress=False)
    best = int(np.argmin(history["val_loss"]))
    assert history.stopped_early and len(history) == best + 1 + 5 and history.best_epoch == best + 1
    # the model is back at its best epoch: evaluate gives that epoch's validation loss
    assert nn.evaluate(model, *val)["loss"] == pytest.approx(history["val_loss"][best], rel=1e-12)


def test_l1_and_l2_penalties_are_part_of_the_loss():
    X, y = nn.datasets.line(10, seed=0)
    model = nn.MLP(1, [3, 1], seed=0)
    plain = nn.evaluate(model, X, y)["loss"]
    squares = sum(p.data ** 2 for p in model.parameters())
    absolutes = sum(abs(p.data) for p in model.parameters())
    assert nn.evaluate(model, X, y, l2=0.1, l1=0.01)["loss"] == pytest.approx(plain + 0.1 * squares + 0.01 * absolutes)
    history = nn.fit(model, (X, y), optimizer=nn.SGD(model.parameters(), lr=1e-9), epochs=1, l2=0.1,
                     validation=(X, y), progress=False)
    assert history["train_loss"][0] == pytest.approx(plain + 0.1 * squares)
    assert history["val_loss"][0] == pytest.approx(plain + 0.1 * squares, rel=1e-6)


def test_progress_bar_and_tqdm_disable(capsys, monkeypatch):
    X, y = nn.datasets.line(5, seed=0)
    nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=2)
    assert "fit" in capsys.readouterr().err
    nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("TQDM_DISABLE", "1")
    nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=2)
    assert capsys.readouterr().err == ""


def test_predict_and_evaluate():
    model = nn.MLP(2, [3, 1], seed=0)
    X = [[0.5, 1.0], [-1.0, 2.0]]
    out = nn.predict(model, X)
    assert out.shape == (2,) and out.dtype == float
    assert out.tolist() == [model(x).data for x in X]
    assert nn.predict(nn.Layer(2, 2, seed=0), X).shape == (2, 2)
    result = nn.evaluate(model, X, [1, -1], loss="hinge", metrics=["accuracy", "mae"])
    assert set(result) == {"loss", "accuracy", "mae"}
    assert result["mae"] == pytest.approx(np.mean(np.abs(out - [1, -1])))
    assert result["loss"] == pytest.approx(np.mean(np.maximum(0, 1 - out * [1, -1])))
    with pytest.raises(ValueError, match="evaluate: metrics must be one of 'accuracy', 'mae'; got 'f1'"):
        nn.evaluate(model, X, [1, -1], loss="hinge", metrics=["f1"])


def test_a_column_of_targets_is_read_as_its_numbers_for_a_model_of_one_output():
    X, labels = nn.datasets.moons(40, noise=0.1, seed=3)
    y = 2 * labels - 1
    flat = nn.fit(nn.MLP(2, [4, 1], seed=0), (X, y), loss="hinge", epochs=2, validation=(X, y), progress=False)
    column = nn.fit(nn.MLP(2, [4, 1], seed=0), (X, y[:, None]), loss="hinge", epochs=2,
                    validation=(X, y[:, None]), progress=False)  # y of shape (n, 1), as Keras users keep it
    assert column.records == flat.records
    model = nn.Neuron(2, activation="linear", seed=0)
    assert nn.evaluate(model, X, y[:, None], loss="mse") == nn.evaluate(model, X, y, loss="mse")
    with pytest.raises(ValueError, match="mse: the model has 2 outputs but each target has 1 value"):
        nn.fit(nn.MLP(2, [4, 2], seed=0), (X, y[:, None]), loss="mse", epochs=1, progress=False)  # 2 outputs: no


class _Recorded(nn.MLP):
    """An MLP that keeps every output it returns, to see what predict built."""

    def __call__(self, x):
        out = super().__call__(x)
        self.seen.append(out)
        return out


def test_predict_eagerly_builds_no_graph():
    model = _Recorded(2, [3, 1], seed=0)
    model.seen = []
    predicted = nn.predict(model, [[1.0, 2.0], [-1.0, 0.5]], compile=False)
    assert len(model.seen) == 2 and all(not out.parents for out in model.seen)  # each output a leaf: no graph
    recorded = [model([1.0, 2.0]), model([-1.0, 0.5])]  # recording is back on after predict
    assert all(out.parents for out in recorded)
    assert predicted.tolist() == [out.data for out in recorded]  # and the numbers are the graph's own


def test_predict_through_the_tape_records_one_sample_whatever_the_rows():
    model = _Recorded(2, [3, 1], seed=0)
    model.seen = []
    rows = [[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3], [2.0, -2.0]]
    predicted = nn.predict(model, rows, compile=True)
    assert len(model.seen) == 1 and model.seen[0].parents  # one graph, of one sample, to compile
    eager = [model(r).data for r in rows]
    assert np.allclose(predicted, eager, rtol=1e-12, atol=0.0)


def test_custom_loss_and_metric():
    X, y = nn.datasets.line(20, seed=0)
    model = nn.MLP(1, [4, 1], seed=0)

    def mean_abs(preds, targets):
        return nn.l1([p - t for p, t in zip(preds, targets)]) * (1.0 / len(preds))

    def max_error(outputs, targets):
        return float(np.max(np.abs(outputs - targets)))

    history = nn.fit(model, (X, y), loss=mean_abs, metrics=[max_error], epochs=20, progress=False)
    assert history["max_error"][-1] < history["max_error"][0]
    with pytest.raises(ValueError, match="'accuracy' needs a classification loss"):
        nn.fit(model, (X, y), loss=mean_abs, metrics=["accuracy"], progress=False)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(train=([[1.0, 2.0]], [1.0])), ValueError, "X has 2 columns but the model takes 1 inputs"),
    (dict(train=([[1.0], [2.0]], [1.0])), ValueError, "X has 2 samples but y has 1"),
    (dict(train=([[1.0]], ["a"])), TypeError, "y must be an array of numbers"),
    (dict(train=([[float("nan")]], [1.0])), ValueError, r"X\[0, 0\] is nan"),
    (dict(train=[[1.0]]), TypeError, r"train must be a pair \(X, y\)"),
    (dict(loss="mse", metrics=["accuracy"]), ValueError, "fit: metrics: 'accuracy' needs a classification loss"),
    (dict(metrics=["f1"]), ValueError, "fit: metrics must be one of 'accuracy', 'mae'; got 'f1'"),
    (dict(epochs=0), ValueError, "epochs must be >= 1"),
    (dict(batch_size=0), ValueError, "batch_size must be >= 1"),
    (dict(validation=1.5), ValueError, r"fit: validation must be a fraction in \(0, 1\) or a count, got 1.5"),
    (dict(optimizer="adam"), TypeError, "optimizer must be an nn Optimizer"),
    (dict(optimizer=nn.SGD([Value(1.0)], lr=0.1)), ValueError, "updates none of the model's parameters"),
    (dict(callbacks=[1]), TypeError, r"callbacks\[0\] must be callable"),
    (dict(callbacks=[nn.EarlyStopping("train_loss")]), TypeError,  # as Keras takes it
     r"fit: callbacks\[0\] is an EarlyStopping; pass it as early_stopping=EarlyStopping\(monitor='train_loss'"),
    (dict(l2=-1.0), ValueError, "l2 must be >= 0"),
    (dict(loss="l1"), ValueError, "^fit: loss must be a callable or one of"),
    # every label is checked before the first step, the validation set's too, eager or compiled
    (dict(train=([[1.0], [2.0]], [1.0, 0.5]), loss="hinge", batch_size=1, compile=False), ValueError,
     r"fit: train: hinge: targets\[1\] = 0.5; hinge labels are -1 or \+1"),
    (dict(train=([[1.0], [2.0]], [1.0, -1.0]), loss="hinge", validation=([[1.0]], [0.0])), ValueError,
     r"fit: validation: hinge: targets\[0\] = 0.0"),
    (dict(train=([[1.0], [2.0]], [1, 0]), loss="bce_logits", validation=([[1.0]], [2]), compile=False), ValueError,
     r"fit: validation: binary_cross_entropy_with_logits: targets\[0\] = 2.0 is out of range"),
    # a metric's column may not overwrite another's
    (dict(metrics=[lambda o, t: 1.0, lambda o, t: 2.0]), ValueError,
     "fit: metrics: '<lambda>' would write the column '<lambda>', which another metric writes"),
    (dict(metrics=[nn.metrics.mae, "mae"]), ValueError, "'mae' would write the column 'mae'"),
    (dict(metrics=[type("train_loss", (), {"__call__": lambda self, o, t: 0.0})()]), ValueError,
     "'train_loss' would write the column 'train_loss', which fit writes"),
    (dict(metrics=[nn.metrics.mae, type("loss", (), {"__call__": lambda self, o, t: 0.0})()]), ValueError,
     "'loss' would write the column 'val_loss', which fit writes"),
    (dict(metrics=[lambda out: 0.0]), TypeError, r"fit: metrics: '<lambda>' must take \(outputs, targets\)"),
    (dict(early_stopping=nn.EarlyStopping()), ValueError,
     r"fit: early_stopping monitors 'val_loss', which this fit does not record; it needs validation="),
    (dict(early_stopping=nn.EarlyStopping("val_mae"), metrics=["mae"], validation=([[1.0]], [1.0])), None, None),
    (dict(early_stopping=nn.EarlyStopping("accuracy")), ValueError, "records 'train_loss', 'lr', 'grad_norm'$"),
    (dict(seed=-1), ValueError, "fit: seed must be >= 0, got -1"),
    (dict(seed=1.5), TypeError, "fit: seed must be None, a non-negative int or a numpy.random.Generator, got float"),
    (dict(callbacks=5), TypeError, "fit: callbacks must be a callable or a list of them, got int 5"),
    (dict(validation=2), ValueError, r"fit: validation=2 leaves 2 of 2 samples for validation"),
])
def test_bad_arguments(kwargs, error, match):
    arguments = dict(train=([[1.0], [2.0]], [1.0, 2.0]), progress=False)
    arguments.update(kwargs)
    model = nn.MLP(1, [2, 1], seed=0)
    before = model.state_dict()
    if error is None:  # the same arguments, right: fit trains
        nn.fit(model, arguments.pop("train"), **arguments)
        assert model.state_dict() != before
        return
    with pytest.raises(error, match=match):
        nn.fit(model, arguments.pop("train"), **arguments)
    assert model.state_dict() == before
    with pytest.raises(TypeError, match="model must be an nn Module"):
        nn.fit(lambda x: x, ([[1.0]], [1.0]))


@pytest.mark.parametrize("n, batch_size, validation", [
    (100, None, None), (100, 32, None), (100, 10, None), (100, 30, 0.2), (101, 16, 0.25), (7, 3, 0.3), (50, 100, 0.5),
])
def test_steps_per_epoch_is_what_fit_takes(n, batch_size, validation):
    X, y = nn.datasets.line(n, seed=0)
    model = nn.MLP(1, [2, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.01)
    nn.fit(model, (X, y), optimizer=optimizer, epochs=2, batch_size=batch_size, validation=validation,
           progress=False, compile=False)
    assert optimizer.steps == 2 * nn.steps_per_epoch(n, batch_size, validation)
