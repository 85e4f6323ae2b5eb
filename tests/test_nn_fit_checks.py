"""fit's edges: overflow on the way to divergence, models the tape may not take, restoring the best epoch,
the forms of its arguments, and its progress in a terminal and in a log."""

import warnings

import numpy as np
import pytest

import nn
import nn.progress


@pytest.mark.parametrize("compile", [False, True])
def test_a_gradient_whose_square_overflows_still_ends_in_diverged_error(compile):
    # d/dw of (w * 1e77)**2 at w = 1 is 2e154: finite, but its square (for the norm) is not a float
    model = nn.Neuron(1, "linear", weights=[1.0], bias=0.0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings too
        with pytest.raises(nn.DivergedError) as info:
            nn.fit(model, ([[1e77]], [0.0]), optimizer=optimizer, epochs=5, progress=False, compile=compile)
    # step 1 is finite (w = 1 - 0.1 * 2e154); step 2's loss is (w * 1e77)**2 = inf: refused, w kept
    assert info.value.epoch == 2 and optimizer.steps == 1
    w = model.parameters()[0].data
    assert w == pytest.approx(1.0 - 0.1 * 2e154, rel=1e-12)
    assert info.value.history["grad_norm"] == [pytest.approx(2e154, rel=1e-12)]


class Clipped(nn.MLP):
    """A subclass whose forward branches on the numbers: no recording holds for every input."""

    def __call__(self, x):
        out = super().__call__(x)
        return out if out.data > 0 else out * 0.0


def test_a_subclass_of_an_nn_model_runs_eagerly_unless_compile_is_true():
    X, y = nn.datasets.moons(40, seed=0)
    model = Clipped(2, [3, 1], seed=0)
    eager = nn.predict(model, X, compile=False)
    assert (eager == 0.0).any() and (eager > 0.0).any()  # both branches are taken
    assert nn.predict(model, X).tolist() == eager.tolist()
    assert nn.evaluate(model, X, y)["loss"] == nn.evaluate(model, X, y, compile=False)["loss"]
    runs = [nn.fit(Clipped(2, [3, 1], seed=0), (X, y), epochs=3, progress=False, compile=c) for c in ("auto", False)]
    assert runs[0].records == runs[1].records


def test_a_model_with_mixed_activations_goes_through_the_tape_and_is_recorded_again_when_one_changes():
    X, y = nn.datasets.moons(30, seed=1)
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[0].activation = "tanh"
    with pytest.raises(ValueError, match="different activations"):
        model.config()  # (it cannot be saved)
    assert nn.predict(model, X) == pytest.approx(nn.predict(model, X, compile=False), abs=1e-15)
    model.layers[0].neurons[0].activation = "sigmoid"  # a new recording, not the tanh one
    assert nn.predict(model, X) == pytest.approx(nn.predict(model, X, compile=False), abs=1e-15)
    assert nn.evaluate(model, X, y)["loss"] == pytest.approx(nn.evaluate(model, X, y, compile=False)["loss"])
    twin = nn.MLP(2, [3, 1], seed=0)
    twin.layers[0].neurons[0].activation = "sigmoid"
    taped = nn.fit(model, (X, y), epochs=3, progress=False)
    eager = nn.fit(twin, (X, y), epochs=3, progress=False, compile=False)
    assert taped["train_loss"] == pytest.approx(eager["train_loss"], rel=1e-9)


def test_restore_best_also_when_every_epoch_runs():
    train = nn.datasets.sine(8, noise=0.3, seed=2)  # 8 samples for 16 + 16 neurons: it overfits
    val = nn.datasets.sine(30, noise=0.3, seed=3)
    model = nn.MLP(1, [16, 16, 1], activation="tanh", init="xavier", seed=0)
    stopper = nn.EarlyStopping(patience=100)  # more than the epochs: it never stops the run
    history = nn.fit(model, train, loss="mse", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=40,
                     validation=val, early_stopping=stopper, progress=False)
    best = int(np.argmin(history["val_loss"]))
    assert len(history) == 40 and not history.stopped_early
    assert best + 1 < 40, "the run's last epoch should not be its best, or there is nothing to restore"
    assert history.best_epoch == best + 1 == stopper.best_epoch
    assert nn.evaluate(model, *val)["loss"] == pytest.approx(history["val_loss"][best], rel=1e-12)


def test_one_callback_and_validation_as_a_count():
    X, y = nn.datasets.line(20, seed=0)
    seen = []
    history = nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=2, progress=False, validation=5,
                     callbacks=lambda record, model: seen.append(record["epoch"]))
    assert seen == [1, 2] and history["val_loss"][0] is not None
    assert nn.steps_per_epoch(20, 4, 5) == 4  # 15 training samples in batches of 4
    fraction = nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=1, progress=False, validation=np.float32(0.25))
    assert fraction["val_loss"][0] is not None


@pytest.mark.parametrize("loss, y", [
    ("mse", [0.5, -1.0, 2.0, 0.0]), ("bce_logits", [1, 0, 1, 0]), ("hinge", [1, -1, 1, -1]),
])
@pytest.mark.parametrize("column", [False, True])
def test_a_layer_of_one_neuron_trains_on_one_number_per_sample(loss, y, column):
    X = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.1], [-0.2, 0.3]]
    y = np.array(y).reshape(-1, 1) if column else np.array(y)
    runs = [nn.fit(nn.Layer(2, 1, activation="tanh", seed=0), (X, y), loss=loss, epochs=3, progress=False,
                   compile=c) for c in (True, False)]
    assert runs[0]["train_loss"] == pytest.approx(runs[1]["train_loss"], rel=1e-9)
    # the same numbers as the Neuron it holds, whose output is the Value itself
    single = nn.fit(nn.Neuron(2, "tanh", seed=0), (X, y), loss=loss, epochs=3, progress=False, compile=False)
    assert runs[1]["train_loss"] == pytest.approx(single["train_loss"], rel=1e-12)


def test_progress_is_a_line_per_epoch_in_a_log_and_a_bar_in_a_terminal(capsys, monkeypatch):
    X, y = nn.datasets.line(5, seed=0)
    nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=3)  # stderr is captured: not a terminal
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("  ")[0] for line in lines] == ["fit: epoch 1/3", "fit: epoch 2/3", "fit: epoch 3/3"]
    assert all("train_loss=" in line and "\r" not in line for line in lines)
    monkeypatch.setattr(nn.progress, "_is_terminal", lambda stream: True)
    nn.fit(nn.MLP(1, [2, 1], seed=0), (X, y), epochs=3)
    err = capsys.readouterr().err
    assert "\r" in err and "3/3" in err and "fit: epoch" not in err  # tqdm's bar
