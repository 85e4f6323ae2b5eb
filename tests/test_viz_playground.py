"""viz.playground: settings checked with readable messages, one epoch per step, reset, features, pictures in place."""

import io
import math
import threading

import numpy as np
import pytest
from PIL import Image

import nn
from viz.playground import ACTIVATIONS, FEATURES, Config, Controller, Picture, Playground, feature_matrix, parse_hidden
from viz.playground.picture import _epoch_limit, region_colors


def test_parse_hidden_reads_sizes_and_explains_bad_entries():
    assert parse_hidden("8, 8") == (8, 8) and parse_hidden("4 2,1") == (4, 2, 1) and parse_hidden("") == ()
    assert parse_hidden([3, 5]) == (3, 5)
    with pytest.raises(ValueError, match=r"hidden layers: 'x' is not a whole number; write up to 6 layer sizes"):
        parse_hidden("8, x")
    with pytest.raises(ValueError, match=r"'-2' is not a whole number"):
        parse_hidden("-2")
    with pytest.raises(ValueError, match="at most 6 layers, got 7"):
        parse_hidden("1, 1, 1, 1, 1, 1, 1")
    with pytest.raises(ValueError, match="layer 2 has 9 neurons"):
        parse_hidden("8, 9")
    with pytest.raises(ValueError, match="layer 1 has 0 neurons"):
        parse_hidden("0")
    with pytest.raises(ValueError, match="2.5 is not a whole number"):
        parse_hidden([2.5])


def test_config_checks_every_setting_by_name():
    assert Config(hidden="4, 2").hidden == (4, 2)
    assert Config(features=["sin x2", "x1"]).features == ("x1", "sin x2")   # the model's input order is fixed
    bad = {
        "dataset": ("spirals", "data set: choose one of moons, circles"),
        "noise": (-0.1, "noise: must be a number from 0 to 1, got -0.1"),
        "train_ratio": (1.0, "ratio of training data: must be a number from 0.1 to 0.9"),
        "batch_size": (0, "batch size: must be a whole number from 1"),
        "features": ((), "input features: choose at least one of x1, x2"),
        "activation": ("swish", "activation: choose one of tanh, relu, sigmoid, linear, leaky_relu, .*, gelu"),
        "lr": (0, "learning rate: must be a number above 0"),
        "regularization": ("L3", "regularization: choose one of none, L1, L2"),
        "reg_rate": ("a lot", "regularization rate: must be a number"),
    }
    for name, (value, message) in bad.items():
        with pytest.raises(ValueError, match=message):
            Config(**{name: value})
    with pytest.raises(ValueError, match=r"unknown setting 'epochs'; the settings are dataset, n, noise"):
        Config().replace(epochs=3)
    with pytest.raises(ValueError, match=r"input features: choose one of x1, .*, sin x2 \(or as typed: .*\); got .x3."):
        Config(features=["x3"])
    typed = Config(features=["x1^2", "x2 ** 2", "x1 * x2", "sin(x1)"]).features  # as code types them
    assert typed == Config(features=["x1²", "x2²", "x1·x2", "sin x1"]).features == ("x1²", "x2²", "x1·x2", "sin x1")
    assert set(nn.ACTIVATIONS) <= set(ACTIVATIONS) and ACTIVATIONS[:4] == ("tanh", "relu", "sigmoid", "linear")
    Playground(Config(activation="gelu", n=50, hidden=(3,))).step()  # every one trains


def test_one_dimensional_sets_read_only_the_features_of_x1():
    config = Config(dataset="sine", features=["x1", "x2", "sin x1", "x1·x2"])
    assert config.kind == "regression" and config.inputs == ("x1", "sin x1")
    with pytest.raises(ValueError, match=r"choose at least one of x1, x1², sin x1 \(sine has one input, x1\)"):
        Config(dataset="sine", features=["x2"])


def test_which_changes_restart_and_the_penalties():
    base = Config()
    assert not base.restarts(base.replace(lr=0.3, batch_size=5, regularization="L2", reg_rate=0.01))
    for change in [{"hidden": (4,)}, {"dataset": "xor"}, {"noise": 0.3}, {"features": ("x1",)}, {"seed": 1}]:
        assert base.restarts(base.replace(**change)), change
    assert Config(regularization="L1", reg_rate=0.1).penalties == (0.1, 0.0)
    assert Config(regularization="L2", reg_rate=0.1).penalties == (0.0, 0.1)
    assert Config(regularization="none", reg_rate=0.1).penalties == (0.0, 0.0)


def test_features_against_hand_formulas():
    points = [(0.5, -2.0), (-1.5, 3.0), (0.0, 0.25)]
    expected = {
        "x1": lambda a, b: a, "x2": lambda a, b: b, "x1²": lambda a, b: a * a, "x2²": lambda a, b: b * b,
        "x1·x2": lambda a, b: a * b, "sin x1": lambda a, b: math.sin(a), "sin x2": lambda a, b: math.sin(b),
    }
    assert list(expected) == list(FEATURES)
    got = feature_matrix(np.array(points), list(FEATURES))
    assert got.shape == (3, 7)
    for i, (a, b) in enumerate(points):
        assert got[i].tolist() == pytest.approx([f(a, b) for f in expected.values()], abs=1e-15)
    one_d = feature_matrix(np.array([[2.0], [-1.0]]), ["sin x1", "x1²"])   # in FEATURES order: x1² first
    assert one_d.ravel().tolist() == pytest.approx([4.0, math.sin(2.0), 1.0, math.sin(-1.0)])
    with pytest.raises(ValueError, match="one coordinate"):
        feature_matrix(np.array([[2.0]]), ["x2"])


def test_a_step_trains_one_epoch_and_lowers_the_loss_on_an_easy_set():
    playground = Playground(Config(dataset="blobs", n=100, noise=0.3, batch_size=10))
    assert playground.loss == "ce" and playground.model.nouts[-1] == 3 and playground.epoch == 0
    before = playground.start["train_loss"]
    record = playground.step()
    assert playground.epoch == 1 and record["epoch"] == 1
    assert playground.optimizer.steps == math.ceil(len(playground.X_train) / 10)   # one pass, in batches of 10
    assert record["train_loss"] < before / 2 and record["test_loss"] < playground.start["test_loss"]
    # The recorded loss is the whole training set's, after the epoch, without the penalty.
    inputs = feature_matrix(playground.X_train, playground.config.inputs)
    evaluated = nn.evaluate(playground.model, inputs, playground.y_train, loss="ce")
    assert record["train_loss"] == pytest.approx(evaluated["loss"], rel=1e-12)
    assert record["train_accuracy"] == evaluated["accuracy"]
    assert list(playground.column("train_loss")) == [before, record["train_loss"]]


def test_reset_restores_the_first_weights_and_forgets_the_epochs():
    playground = Playground()
    first = playground.model.state_dict()
    start = playground.start
    playground.run(3)
    assert playground.model.state_dict() != first
    playground.reset()
    assert playground.model.state_dict() == first and playground.epoch == 0 and playground.start == start
    assert playground.optimizer.steps == 0


def test_live_settings_keep_training_and_others_start_again():
    playground = Playground()
    playground.run(2)
    weights = playground.model.state_dict()
    assert playground.configure(playground.config.replace(lr=0.1, regularization="L2", reg_rate=0.01)) is False
    assert playground.epoch == 2 and playground.model.state_dict() == weights and playground.optimizer.lr == 0.1
    assert playground.configure(playground.config.replace(hidden=(), features=("x1", "x2", "x1·x2"))) is True
    assert playground.epoch == 0 and playground.model.nouts == [1] and playground.model.nin == 3


def test_region_colors():
    white = [1.0, 1.0, 1.0]
    colors = region_colors(np.array([0.0, 50.0, -50.0]), 2)
    assert colors[0].tolist() == white                      # a logit of 0: unsure, white
    assert colors[1][0] > colors[1][2] and colors[2][2] > colors[2][0]   # confident: red for 1, blue for 0
    assert region_colors(np.array([[1.0, 1.0, 1.0]]), 3)[0].tolist() == pytest.approx(white)


def test_epoch_limits_grow_in_round_steps():
    assert [_epoch_limit(e) for e in (0, 10, 11, 21, 51, 101, 201, 501)] == [10, 10, 20, 50, 100, 200, 500, 1000]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).size


def test_the_picture_updates_the_same_figure_and_artists_in_place():
    playground, picture = Playground(), Picture()
    picture.show(playground)
    first = picture.render()
    artists = [list(ax.get_children()) for ax in picture.figure.axes]
    before = picture.image.get_array().copy()
    playground.run(12)
    picture.show(playground, show_test=True)
    again = picture.render()
    assert [list(ax.get_children()) for ax in picture.figure.axes] == artists   # same objects, none added
    assert not np.array_equal(picture.image.get_array(), before) and first != again
    assert _png_size(again) == _png_size(first) == (800, 336)
    assert picture.test_points.get_visible() and len(picture.train_points.get_offsets()) == len(playground.X_train)
    assert list(picture.train_line.get_xdata()) == list(range(13))
    ticks = [t for t in picture.ax_loss.get_xticks() if 0 <= t <= 20]
    assert ticks and all(float(t).is_integer() for t in ticks)   # whole epochs on the loss axis
    assert picture.ax_loss.get_title().startswith("epoch 12:  training loss ")
    assert picture.ax_data.get_title().startswith(f"moons: {len(playground.X_train)} training points, ")
    blobs = Playground(Config(dataset="blobs", n=50, hidden=(2,)))
    picture.show(blobs)
    assert picture.ax_data.get_title().startswith("blobs (3 classes): ")  # the name says how many classes


def test_regression_draws_the_network_as_a_curve():
    playground, picture = Playground(Config(dataset="line", hidden=(), features=("x1",))), Picture()
    playground.run(30)
    picture.show(playground)
    x, y = picture.curve.get_data()
    assert picture.curve.get_visible() and not picture.image.get_visible()
    assert np.allclose(y, 2.0 * np.asarray(x) - 1.0, atol=0.25)   # the line's slope 2 and intercept -1


class Sink:
    def __init__(self):
        self.frames, self.messages = [], []
        self.new_frame = threading.Event()

    def frame(self, png):
        self.frames.append(png)
        self.new_frame.set()

    def status(self, text):
        self.messages.append(text)


def test_controller_a_bad_entry_says_why_and_leaves_the_picture():
    sink = Sink()
    controller = Controller(on_frame=sink.frame, on_status=sink.status)
    assert len(sink.frames) == 1   # the picture at epoch 0
    assert controller.apply(hidden="8, x") is False
    assert "'x' is not a whole number" in sink.messages[-1] and len(sink.frames) == 1
    assert controller.playground.config.hidden == (8, 8)
    controller.step()
    assert controller.playground.epoch == 1 and len(sink.frames) == 2
    assert controller.apply(hidden="4") is True and controller.playground.epoch == 0 and len(sink.frames) == 3
    controller.reset()
    assert controller.playground.epoch == 0 and sink.messages[-1] == "reset: epoch 0"


def test_controller_plays_in_a_thread_until_paused():
    sink = Sink()
    controller = Controller(Config(n=60), on_frame=sink.frame, on_status=sink.status)
    controller.play()
    assert controller.playing
    for _ in range(3):   # the waits only guard against a hang; nothing here is timed
        sink.new_frame.clear()
        assert sink.new_frame.wait(timeout=60)
    controller.pause()
    assert not controller.playing
    epochs, frames = controller.playground.epoch, len(sink.frames)
    assert epochs >= 3 and frames == epochs + 1
    controller.apply(lr=0.1)   # a live setting while paused: redrawn, not trained
    assert controller.playground.epoch == epochs and len(sink.frames) == frames + 1


def test_controller_reports_divergence_and_stops():
    sink = Sink()
    controller = Controller(on_frame=sink.frame, on_status=sink.status)

    def diverge():
        raise nn.DivergedError("fit: training diverged", None, 1, 1)

    controller.playground.step = diverge
    controller.play()
    controller._thread.join(timeout=60)
    assert not controller.playing and "diverged at epoch 1" in sink.messages[-1]
    assert "lower the learning rate" in sink.messages[-1]
