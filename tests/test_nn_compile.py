"""nn through the tape: fit(compile=True) gives eager fit's History; predict and evaluate replay the model's tape.

The oracle is the eager engine (compile=False): the same model from the same seed, trained
or evaluated on the same data, must give the same numbers to rounding.
"""

import math
import re

import numpy as np
import pytest

import nn
from autograd import Value


def _records_close(a, b, tol=1e-9):
    assert len(a) == len(b)
    for ra, rb in zip(a.records, b.records):
        assert ra.keys() == rb.keys()
        for key, va in ra.items():
            vb = rb[key]
            if va is None or vb is None:
                assert va is vb, key
            else:
                assert vb == pytest.approx(va, rel=tol, abs=tol), (key, ra["epoch"])


def _data(loss, n=45, seed=3):
    if loss == "mse2":  # two outputs: a sample's target is a row
        X, y = nn.datasets.line(n, seed=seed)
        return X, np.column_stack([y, -0.5 * y])
    if loss == "ce":
        return nn.datasets.spiral(n, k=3, seed=seed)
    X, y = nn.datasets.moons(n, noise=0.15, seed=seed)
    return X, (2 * y - 1 if loss == "hinge" else y)


CONFIGS = [  # (loss, nouts, activation, output_activation, fit options)
    ("hinge", [6, 6, 1], "relu", "linear", dict(l2=1e-4, batch_size=None, shuffle=False)),
    ("hinge", [5, 1], "tanh", "linear", dict(l2=1e-3, batch_size=16)),  # 45 = 16 + 16 + 13: a partial batch
    ("mse2", [4, 2], "gelu", "linear", dict(l1=1e-3, batch_size=10)),
    ("ce", [6, 3], "tanh", "linear", dict(batch_size=20, validation=0.2, metrics=["accuracy"])),
    ("bce", [5, 1], "relu", "sigmoid", dict(batch_size=9, l2=1e-3)),
    ("bce_logits", [5, 1], "silu", "linear", dict(batch_size=15, validation=0.3)),
]


def _fit(compile, loss, nouts, act, out_act, options, optimizer="adam"):
    X, y = _data(loss)
    model = nn.MLP(X.shape[1], nouts, activation=act, output_activation=out_act, seed=11)
    opt = (nn.Adam(model.parameters(), lr=0.02) if optimizer == "adam"
           else nn.SGD(model.parameters(), lr=0.1, momentum=0.9))
    history = nn.fit(model, (X, y), loss="mse" if loss == "mse2" else loss, optimizer=opt, epochs=4, seed=5,
                     progress=False, compile=compile, **options)
    return model, history


@pytest.mark.parametrize("loss, nouts, act, out_act, options", CONFIGS)
def test_compiled_fit_gives_eager_fits_history(loss, nouts, act, out_act, options):
    eager_model, eager = _fit(False, loss, nouts, act, out_act, options)
    tape_model, taped = _fit(True, loss, nouts, act, out_act, options)
    _records_close(eager, taped)
    for (name, a), (_, b) in zip(eager_model.named_parameters(), tape_model.named_parameters()):
        assert b.data == pytest.approx(a.data, rel=1e-9, abs=1e-9), name


def test_micrograds_demo_through_the_tape_reaches_micrograds_numbers():
    X, y = nn.datasets.moons(100, noise=0.1, seed=1337)
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    optimizer = nn.SGD(model.parameters(), lr=nn.schedules.linear(1.0, 0.1, 100))
    history = nn.fit(model, (X, y * 2 - 1), loss="hinge", optimizer=optimizer, epochs=100, l2=1e-4,
                     progress=False, compile=True)
    # The numbers micrograd's demo notebook prints at step 0 and step 99 (as tests/test_nn_train.py).
    assert history["train_loss"][0] == pytest.approx(0.8958441028683222, rel=1e-12)
    assert history["train_loss"][-1] == pytest.approx(0.010978370135492717, rel=1e-9)
    assert history["accuracy"][-1] == 1.0


def test_auto_compiles_nn_models_with_a_named_loss_and_gives_the_same_numbers():
    options = dict(batch_size=8, l2=1e-4)
    _, eager = _fit(False, "hinge", [4, 1], "tanh", "linear", options, optimizer="sgd")
    _, auto = _fit("auto", "hinge", [4, 1], "tanh", "linear", options, optimizer="sgd")
    _records_close(eager, auto)


def test_a_callable_loss_compiles_and_a_flipped_guard_steps_eagerly():
    X, y = nn.datasets.line(30, seed=2)

    def clipped(preds, targets):  # branches on a Value: the tape guards the comparison
        terms = []
        for p, t in zip(preds, targets):
            d = p - t
            terms.append(d * d if d > 0.0 else d * -0.5)
        return nn.losses._mean(terms)

    runs = []
    for compile in (False, True):
        model = nn.MLP(1, [4, 1], activation="tanh", seed=1)
        runs.append(nn.fit(model, (X, y), loss=clipped, optimizer=nn.SGD(model.parameters(), lr=0.05),
                           epochs=3, batch_size=7, seed=0, progress=False, compile=compile))
    _records_close(*runs)


def _clipped(preds, targets):  # branches on a Value: the tape guards the comparison, and flips send steps to eager
    terms = []
    for p, t in zip(preds, targets):
        d = p - t
        terms.append(d * d if d > 0.0 else d * -0.5)
    return nn.losses._mean(terms)


@pytest.mark.parametrize("loss", ["mse", _clipped])
def test_compiled_steps_leave_every_parameters_number_and_gradient_as_eager_steps_do(loss):
    # the compiled steps keep the parameters' numbers in one array and write them back when they
    # stop: after fit, .data and .grad (the last step's) are eager's, also for an optimizer over
    # some of the model's parameters and one Value the loss never reaches (its gradient 0)
    X, y = nn.datasets.line(30, seed=2)
    runs = []
    for compile in (False, True):
        model = nn.MLP(1, [4, 1], activation="tanh", seed=1)
        extra = Value(0.25, label="extra")
        optimizer = nn.SGD([*model.parameters()[3:], extra], lr=0.05, momentum=0.9)
        nn.fit(model, (X, y), loss=loss, optimizer=optimizer, epochs=3, batch_size=7, seed=0, progress=False,
               compile=compile)
        runs.append([v for p in [*model.parameters(), extra] for v in (p.data, p.grad)])
    eager, taped = runs
    assert taped == pytest.approx(eager, rel=1e-9, abs=1e-12)
    assert eager[-2:] == [0.25, 0.0] and any(g != 0.0 for g in eager[1:6:2])


def test_a_tape_recorded_mid_epoch_sees_the_parameters_numbers_of_that_step(monkeypatch):
    # 45 samples in batches of 16: the last batch's tape is recorded after two compiled steps,
    # whose updates are still in fit's array of numbers; the recording must see them (its guards
    # and its domain checks run on the numbers it records)
    from nn import steps

    recorded, committed = [], []
    record, commit = steps._CompiledStep.__init__, steps.Numbers.commit

    def spying_record(self, model, rows, targets, scalar, loss_fn, params, *rest):
        recorded.append([p.data for p in params])
        record(self, model, rows, targets, scalar, loss_fn, params, *rest)

    def spying_commit(self, new):
        commit(self, new)
        committed.append(self.data.tolist())

    monkeypatch.setattr(steps._CompiledStep, "__init__", spying_record)
    monkeypatch.setattr(steps.Numbers, "commit", spying_commit)
    X, y = nn.datasets.moons(45, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    nn.fit(model, (X, y), loss="bce_logits", optimizer=nn.SGD(model.parameters(), lr=0.5), epochs=1,
           batch_size=16, progress=False, compile=True)
    assert len(recorded) == 2 and recorded[1] == committed[1]  # the numbers after the epoch's second step


def test_divergence_raises_as_eager_fit_does():
    errors = []
    for compile in (False, True):
        X, y = nn.datasets.line(50, seed=0)
        model = nn.MLP(1, [8, 1], seed=0)
        with pytest.raises(nn.DivergedError, match=r"diverged at epoch \d+, step 1: .*smaller learning rate") as info:
            nn.fit(model, (X, y), loss="mse", optimizer=nn.SGD(model.parameters(), lr=100.0), epochs=200,
                   progress=False, compile=compile)
        # the same message, up to the rounding of the overflowing number it quotes
        message = re.sub(r"\d\.\d+e\+\d+", "N", str(info.value))
        errors.append((info.value.epoch, info.value.step, message, model.state_dict()))
        assert all(math.isfinite(v) for v in model.state_dict().values())
    assert errors[0][:3] == errors[1][:3]
    assert errors[1][3] == pytest.approx(errors[0][3], rel=1e-9)


def test_bad_targets_and_options_are_refused_before_training():
    X, y = nn.datasets.moons(20, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"hinge: targets\[0\] = .*hinge labels are -1 or \+1"):
        nn.fit(model, (X, y * 0 + 0.5), loss="hinge", progress=False, compile=True)
    with pytest.raises(ValueError, match=r"cross_entropy: targets\[\d+\] = 3 is out of range for 2 classes"):
        nn.fit(nn.MLP(2, [3, 2], seed=0), (X, y * 3), loss="ce", progress=False, compile=True)
    with pytest.raises(TypeError, match="fit: compile must be True, False or 'auto', got 'yes'"):
        nn.fit(model, (X, y), loss="bce_logits", progress=False, compile="yes")
    assert model.state_dict() == before


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_predict_and_evaluate_through_the_tape_equal_the_eager_engine(activation):
    X, y = nn.datasets.spiral(30, k=3, seed=4)
    model = nn.MLP(2, [5, 3], activation=activation, seed=2)
    expected = np.array([[v.data for v in model([Value(a), Value(b)])] for a, b in X])
    got = nn.predict(model, X, compile=True)
    assert got.shape == (30, 3) and np.allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert np.allclose(nn.predict(model, X, compile=False), expected, rtol=1e-12, atol=1e-12)
    taped = nn.evaluate(model, X, y, loss="ce", l2=1e-3, compile=True)
    eager = nn.evaluate(model, X, y, loss="ce", l2=1e-3, compile=False)
    assert taped.keys() == eager.keys() and all(taped[k] == pytest.approx(eager[k], rel=1e-12) for k in eager)


def test_predict_keeps_the_shape_of_the_models_output():
    X = np.random.default_rng(0).normal(size=(7, 3))
    for model in (nn.Neuron(3, "tanh", seed=0), nn.Layer(3, 1, "relu", seed=0), nn.MLP(3, [2, 1], seed=0)):
        eager = nn.predict(model, X, compile=False)
        taped = nn.predict(model, X, compile=True)
        assert taped.shape == eager.shape and np.allclose(taped, eager, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [7, 40])  # below and above NUMPY_FORWARD_FROM: the Python and numpy replays
@pytest.mark.parametrize("name", ["mse", "bce", "bce_logits", "ce", "hinge"])
def test_the_validation_loss_tape_replays_the_eager_objective(name, n):
    from autograd import no_grad
    from nn.steps import NUMPY_FORWARD_FROM, TapedLoss, objective

    rng = np.random.default_rng(len(name))
    loss_fn = nn.losses.get_loss(name)
    model = nn.MLP(2, [3, 3 if name == "ce" else 1], seed=1)
    params = model.parameters()
    if name == "ce":
        targets, outputs = rng.integers(0, 3, n).tolist(), rng.normal(size=(n, 3)).tolist()
    elif name in ("bce", "bce_logits"):
        targets, outputs = rng.integers(0, 2, n).tolist(), rng.uniform(0.05, 0.95, n).tolist()
    else:
        targets, outputs = (2 * rng.integers(0, 2, n) - 1).tolist(), rng.normal(size=n).tolist()
    loss = TapedLoss(targets, loss_fn, params, 1e-3, 1e-2)
    loss(outputs)  # records the tape at the first outputs
    assert loss.tape is not None and not loss.branches
    assert loss.path == ("numpy" if n >= NUMPY_FORWARD_FROM else "auto")
    for _ in range(3):  # new outputs and new parameter values, as each epoch brings
        new = (rng.uniform(0.05, 0.95, n) if name == "bce" else rng.normal(size=np.shape(outputs))).tolist()
        for p in params:
            p.data = float(rng.normal())
        with no_grad():
            want = objective(loss_fn, new, targets, params, 1e-3, 1e-2).data
        assert loss.tape.forward(loss.leaf_values(new), path=loss.path) == pytest.approx(want, rel=1e-12)
        assert loss(new) == pytest.approx(want, rel=1e-12)


def test_a_model_fitted_again_reuses_its_tapes_until_its_structure_changes():
    from nn import train

    X, y = nn.datasets.moons(40, noise=0.2, seed=3)
    compiled, eager = (nn.MLP(2, [4, 1], activation="tanh", seed=5) for _ in range(2))
    opts = [nn.Adam(m.parameters(), lr=0.05) for m in (compiled, eager)]
    kept = []

    val_sets = [nn.datasets.moons(12, noise=0.2, seed=s) for s in (7, 7, 8, 8)]  # the same twice, then others

    def one_epoch(seed):
        val = val_sets[seed]
        got = nn.fit(compiled, (X, y), loss="bce_logits", optimizer=opts[0], epochs=1, batch_size=8, seed=seed,
                     validation=val, progress=False, compile=True)
        want = nn.fit(eager, (X, y), loss="bce_logits", optimizer=opts[1], epochs=1, batch_size=8, seed=seed,
                      validation=val, progress=False, compile=False)
        for key in ("train_loss", "grad_norm", "accuracy", "val_loss", "val_accuracy"):
            assert got[key] == pytest.approx(want[key], rel=1e-9), key
        kept.append(train._RECORDED[compiled][1])
        val_tapes.append(next(iter(train._RECORDED[compiled][3].values())))

    val_tapes = []
    for seed in range(3):  # the playground's way: one epoch per fit
        one_epoch(seed)
    assert kept[0] is kept[1] is kept[2]  # recorded once
    # validation's loss tape is kept for the same targets, and made again for others
    assert val_tapes[0] is val_tapes[1] is not val_tapes[2]
    for model in (compiled, eager):  # a new structure: a kept tape would still train with tanh
        model.activation = "relu"
    one_epoch(3)
    assert kept[3] is not kept[2]


def test_predict_and_the_pictures_replay_a_kept_recording_until_the_structure_changes():
    from nn import replay
    from viz.forward import model_outputs

    X = np.random.default_rng(4).uniform(-1, 1, (9, 2))
    model = nn.MLP(2, [3, 1], activation="tanh", seed=2)

    def eager():
        return nn.predict(model, X, compile=False)

    first = nn.predict(model, X)
    np.testing.assert_allclose(first, eager(), rtol=1e-12)
    kept = replay.replay_of(model)
    assert replay.replay_of(model) is kept  # recorded once
    model.parameters()[0].data += 0.5  # new numbers, the same structure: the kept tape reads them
    np.testing.assert_allclose(model_outputs(model, X), eager(), rtol=1e-12)
    assert replay.replay_of(model) is kept
    model.activation = "relu"  # a new structure: recorded again
    np.testing.assert_allclose(nn.predict(model, X), eager(), rtol=1e-12)
    assert replay.replay_of(model) is not kept


def test_a_replay_over_many_rows_goes_in_chunks_and_gives_every_rows_outputs(monkeypatch):
    import nn.replay

    model = nn.MLP(2, [3, 2], seed=0)
    X = np.random.default_rng(0).normal(size=(23, 2))
    eager = [[v.data for v in model(row)] for row in X.tolist()]
    replay = nn.replay.replay_of(model, row=X[0])
    nodes = len(replay.outputs[0].nodes)
    monkeypatch.setattr(nn.replay, "REPLAY_NUMBERS", 5 * nodes)  # chunks of 5 rows: 4 of them and 3 left
    assert np.allclose(replay(X), eager, rtol=1e-12, atol=0.0)
    monkeypatch.setattr(nn.replay, "REPLAY_NUMBERS", 1)  # at least one row at a time
    assert np.allclose(replay(X[:4]), eager[:4], rtol=1e-12, atol=0.0)
