"""The `chainrule` command, run as a subprocess: files written, numbers sane, bad input refused in one line."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nn
from autograd import register_op
from viz.cli import main

ROOT = Path(__file__).resolve().parent.parent


def chainrule(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viz.cli", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd or ROOT, env={"PATH": "/usr/bin:/bin", "TQDM_DISABLE": "1", "MPLBACKEND": "Agg"})


def test_train_defaults_reproduce_micrograds_demo(tmp_path):
    out = tmp_path / "not" / "there" / "yet"
    run = chainrule("train", "--out", str(out))
    assert run.returncode == 0, run.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dataset"] == "moons" and metrics["hidden"] == [16, 16] and metrics["epochs_run"] == 100
    assert metrics["final"]["accuracy"] == 1.0 and metrics["final"]["train_loss"] < 0.011
    assert "accuracy 100.0%" in run.stdout and str(out) in run.stdout
    for name in ("loss.png", "boundary.png", "network.png"):
        with Image.open(out / name) as image:
            assert image.width > 300 and image.height > 200 and np.unique(np.asarray(image.convert("L"))).size > 20
    svg = (out / "graph.svg").read_text()
    assert svg.startswith("<?xml") and "neuron [2,0]" in svg and "grad" in svg
    model = nn.MLP.load(out / "model.json")
    X, y = nn.datasets.moons(100, noise=0.1, seed=1337)
    assert np.all(np.sign(nn.predict(model, X)) == 2 * y - 1)  # the saved model is the trained one


def test_train_three_classes_with_cross_entropy_and_validation(tmp_path):
    run = chainrule("train", "--dataset", "blobs", "--n", "90", "--optimizer", "adam", "--lr", "0.05",
                    "--schedule", "constant", "--epochs", "40", "--batch-size", "30", "--val", "0.2",
                    "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    final = json.loads((tmp_path / "metrics.json").read_text())["final"]
    assert final["accuracy"] >= 0.9 and final["val_accuracy"] >= 0.8
    assert math.isfinite(final["val_loss"]) and (tmp_path / "boundary.png").exists()


def test_train_regression_writes_no_boundary(tmp_path):
    run = chainrule("train", "--dataset", "sine", "--n", "40", "--hidden", "8", "--activation", "tanh",
                    "--optimizer", "adam", "--lr", "0.02", "--epochs", "60", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["loss"] == "mse" and metrics["final"]["train_loss"] < 0.3
    assert not (tmp_path / "boundary.png").exists() and (tmp_path / "loss.png").exists()


def test_graph_prints_gradients_and_renders_the_graph_and_steps(tmp_path):
    run = chainrule("graph", "tanh(w*x + b)", "x=0.5", "w=-1.2", "b=0.3", "--out", str(tmp_path / "g.png"),
                    "--steps", str(tmp_path / "frames"))
    assert run.returncode == 0, run.stderr
    t = math.tanh(-1.2 * 0.5 + 0.3)
    lines = dict(line.split(" = ") for line in run.stdout.splitlines() if line.startswith("  d/d"))
    assert math.isclose(float(lines["  d/dw"]), (1 - t * t) * 0.5, rel_tol=1e-5)
    assert math.isclose(float(lines["  d/dx"]), (1 - t * t) * -1.2, rel_tol=1e-5)
    with Image.open(tmp_path / "g.png") as image:
        assert image.format == "PNG" and image.width > 400
    frames = sorted((tmp_path / "frames").glob("step_*.png"))
    assert len(frames) == 4  # the seed, then one frame for each of the three ops
    with Image.open(tmp_path / "frames" / "backward.gif") as gif:
        assert gif.n_frames == 4


def test_graph_formats(tmp_path):
    for fmt in ("svg", "pdf"):
        run = chainrule("graph", "x*x + x", "x=3", "--format", fmt, "--out", str(tmp_path / "g"))
        assert run.returncode == 0, run.stderr
        data = (tmp_path / f"g.{fmt}").read_bytes()
        assert data.startswith(b"<?xml" if fmt == "svg" else b"%PDF")
    assert "d/dx = 7" in run.stdout


def test_gradcheck_exit_status_0_when_it_passes_1_when_it_does_not(capsys):
    run = chainrule("gradcheck", "x**3 / (1 + exp(-y))", "x=1.5", "y=0.2")
    assert run.returncode == 0, run.stderr
    assert "passed" in run.stdout and "analytic" in run.stdout
    register_op("cli_bad_square", lambda x: x * x, lambda out, x: (x,), replace=True)  # d/dx written as x
    assert main(["gradcheck", "cli_bad_square(x) + y", "x=1.5", "y=2"]) == 1
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["gradcheck", "foo(x)", "x=1"], "unknown function 'foo'"),
    (["gradcheck", "x*y", "x=1"], "missing value for y"),
    (["gradcheck", "x", "x=1", "y=2"], "value given for y"),
    (["gradcheck", "x", "x=abc"], "x=abc is not a number"),
    (["gradcheck", "x +", "x=1"], "syntax error"),
    (["gradcheck", "__import__('os').getcwd()"], "unknown function '__import__("),
    (["gradcheck", "x", "x1"], "expected name=value"),
    (["graph", "log(x)", "x=-1"], "log: input must be > 0"),
    (["graph", "x", "x=1", "--out", "g.gif"], None),
    (["train", "--dataset", "spiral", "--loss", "hinge"], "use --loss ce"),
    (["train", "--dataset", "sine", "--loss", "hinge"], "use --loss mse"),
    (["train", "--hidden", "16,x"], "expected sizes like 16,16"),
    (["train", "--val", "1.5"], "fraction"),
    (["train", "--lr", "-1"], "positive"),
])
def test_bad_input_is_one_line_and_exit_status_2(args, message, tmp_path):
    run = chainrule(*args, cwd=tmp_path)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    error = [line for line in run.stderr.splitlines() if "error" in line]
    assert len(error) == 1
    if message:
        assert message in error[0]


def test_out_in_a_place_that_cannot_be_a_folder(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("in the way")
    for args in (["train", "--out", str(blocker / "run")], ["graph", "x", "x=1", "--out", str(blocker / "g.svg")]):
        run = chainrule(*args)
        assert run.returncode == 2 and "cannot create" in run.stderr and "Traceback" not in run.stderr
    assert blocker.read_text() == "in the way"


@pytest.mark.parametrize("command", [[], ["train"], ["graph"], ["gradcheck"]])
def test_help_is_complete_and_shows_an_example(command):
    run = chainrule(*command, "--help")
    assert run.returncode == 0
    assert "example" in run.stdout and "chainrule" in run.stdout
    if command == ["train"]:
        for option in ("--dataset", "--hidden", "--loss", "--optimizer", "--schedule", "--batch-size", "--val",
                       "--seed", "--out"):
            assert option in run.stdout
