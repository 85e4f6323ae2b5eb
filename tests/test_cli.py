"""The `chainrule` command, run as a subprocess: files written, numbers sane, bad input refused in one line."""

import csv
import json
import math
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nn
from autograd import register_op
from viz.cli import main

ROOT = Path(__file__).resolve().parent.parent


ENV = {"PATH": "/usr/bin:/bin", "TQDM_DISABLE": "1", "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}


def chainrule(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viz.cli", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd or ROOT, env=ENV)


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
    with open(tmp_path / "history.csv", newline="") as f:  # the numbers behind loss.png, a row per epoch
        rows = list(csv.DictReader(f))
    assert [int(row["epoch"]) for row in rows] == list(range(1, 41))
    assert {key: float(value) for key, value in rows[-1].items() if key != "epoch"} == final


def test_train_compiled_and_eager_give_the_same_run(tmp_path):
    runs = []
    for flag in ("--compile", "--no-compile"):
        out = tmp_path / flag
        run = chainrule("train", "--n", "30", "--hidden", "6", "--epochs", "5", "--batch-size", "8", flag,
                        "--out", str(out))
        assert run.returncode == 0, run.stderr
        assert ("compiled tape" if flag == "--compile" else "eager") in run.stdout
        runs.append(json.loads((out / "metrics.json").read_text()))
    assert [r["compile"] for r in runs] == [True, False]
    assert runs[0]["final"].keys() == runs[1]["final"].keys()
    for key, value in runs[1]["final"].items():
        assert runs[0]["final"][key] == (None if value is None else pytest.approx(value, rel=1e-9, abs=1e-12)), key


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
    # no verdict is no pass: a kink within eps, or x +- eps outside the domain (a smaller eps checks it)
    assert main(["gradcheck", "abs(x) + y", "x=0", "y=2"]) == 1
    assert "passed, 1 not differentiable here" in capsys.readouterr().out
    assert main(["gradcheck", "log(x)", "x=1e-7"]) == 1
    assert "x +- eps leaves f's domain, so there is no central difference (a smaller eps" in capsys.readouterr().out
    assert main(["gradcheck", "log(x)", "x=1e-7", "--eps", "1e-9"]) == 0


DEEP = 1200
# Hostile input through the real command: (name, arguments, exit status, what the one stderr line says).
# In the arguments, {tmp} is a folder prepared by `hostile_runs`: dir.svg/ and run/model.json/ are
# directories, file.txt is a file, full.svg and full/loss.png lead to /dev/full (every write: ENOSPC).
HOSTILE = [
    ("constant", ["graph", "1+2", "--out", "{tmp}/c.svg"], 0, None),
    ("constant gradcheck", ["gradcheck", "2"], 2, "'2' has no variables"),
    ("1,000 terms", ["gradcheck", "x" + "+x" * 1000, "x=1"], 2, "too deeply nested"),
    ("power tower", ["graph", "x" + "**x" * 999, "x=1"], 2, "too deeply nested"),
    ("1,200 unary minus", ["graph", "-" * DEEP + "x", "x=1"], 2, "too deeply nested"),
    ("--x is an option", ["graph", "--x", "x=1"], 2, "unrecognized arguments: --x (a formula starting with '-'"),
    ("400-digit integer", ["graph", "1" * 400 + "*x", "x=1"], 2, "is not a finite float"),
    ("17,000 characters", ["graph", "x+0." + "1" * 17_000, "x=1", "--out", "{tmp}/long.svg"], 0, None),
    ("17,000-character name", ["graph", "y" * 17_000, "y" * 17_000 + "=1", "--out", "{tmp}/name.svg"], 0, None),
    ("SyntaxWarning", ["graph", "2if x else x", "x=1"], 2, "IfExp is not allowed"),
    ("leading minus", ["graph", "-x*y", "x=1", "y=2", "--out", "{tmp}/minus.svg"], 0, None),
    ("leading minus after --", ["gradcheck", "--eps", "1e-6", "--", "-x*y", "x=1", "y=2"], 0, None),
    ("1e999", ["graph", "1e999*x", "x=1"], 2, "the number 1e999 is not a finite float"),
    ("x=inf", ["graph", "x", "x=inf"], 2, "x=inf is not a finite number"),
    ("sin(1e400)", ["graph", "sin(1e400)+x", "x=1"], 2, "the number 1e400 is not a finite float"),
    ("sin of an overflow", ["graph", "sin(1e308*10)+x", "x=1"], 2, "sin: not defined at [inf]"),
    ("unknown function", ["gradcheck", "foo(x)", "x=1"], 2, "unknown function 'foo'"),
    ("no code run", ["gradcheck", "__import__('os').getcwd()"], 2, "unknown function '__import__("),
    ("missing value", ["gradcheck", "x*y", "x=1"], 2, "missing value for y"),
    ("not a number", ["gradcheck", "x", "x=abc"], 2, "x=abc is not a number"),
    ("not name=value", ["gradcheck", "x", "x1"], 2, "expected name=value"),
    ("domain", ["graph", "log(x)", "x=-1"], 2, "log: input must be > 0"),
    ("odd dot", ["graph", "dot(x, y, z)", "x=1", "y=2", "z=3"], 2, "dot: takes an even number of inputs"),
    ("a value for a constant", ["graph", "e**x", "x=1", "e=2"], 2, "e is a constant (2.718281828459045)"),
    ("a comment", ["graph", "x*2 # + y", "x=1"], 2, "'#' is not allowed in an expression"),
    ("5,000 digits", ["graph", "1" * 5000 + "*x", "x=1"], 2, "has more digits than Python reads; it is not a finite"),
    ("no --params", ["graph", "x", "x=1", "--params", ","], 2, "--params ',' names no variable"),
    ("graph under a file", ["graph", "x", "x=1", "--out", "{tmp}/file.txt/g.svg"], 1,
     "cannot write {tmp}/file.txt/g.svg: {tmp}/file.txt is a file, not a folder"),
    ("full-width name", ["graph", "\uff58+1", "\uff58=1", "--out", "{tmp}/wide.svg"], 0, None),
    ("too many for sum", ["graph", "sum(" + ", ".join(["x"] * 34) + ")", "x=1"], 2,
     "sum() takes 1 to 32 argument(s), got 34"),
    ("bad format", ["graph", "x", "x=1", "--out", "{tmp}/g.gif"], 2, "g.gif: .gif is not a format this command writes"),
    ("bad format option", ["graph", "x", "x=1", "--format", "gif"], 2, "argument --format: invalid choice: 'gif'"),
    ("not a regular file", ["graph", "x", "x=1", "--out", "/dev/null"], 2,
     "--out /dev/null is not a regular file (the drawing would go to /dev/null.svg)"),
    ("empty out", ["graph", "x", "x=1", "--out", ""], 2, "--out is empty"),
    ("too many nodes", ["graph", "x*y+x", "x=1", "y=2", "--max-nodes", "3"], 2,
     "the graph has 4 nodes, more than --max-nodes 3"),
    ("negative seed", ["train", "--seed", "-1"], 2, "argument --seed: expected an int from 0 to 4294967295, got '-1'"),
    ("nan l2", ["train", "--l2", "nan"], 2, "argument --l2: expected a float >= 0, got 'nan'"),
    ("val too large", ["train", "--n", "3", "--val", "0.9", "--out", "{tmp}/left/val"], 2,
     "--val=0.9 leaves 3 of 3 samples for validation"),
    ("wrong loss for the set", ["train", "--dataset", "line", "--loss", "hinge", "--out", "{tmp}/left/loss"], 2,
     "--dataset line is a regression set: use --loss mse"),
    ("graph outside the domain", ["graph", "log(x)", "x=-1", "--out", "{tmp}/left/g/g.svg", "--steps",
                                  "{tmp}/left/steps"], 2, "log: input must be > 0"),
    ("a frame's place taken", ["graph", "x*2", "x=1", "--out", "{tmp}/left/taken.svg", "--steps", "{tmp}/taken"], 1,
     "cannot write {tmp}/taken/backward.gif: it is a directory"),
    ("infinite eps", ["gradcheck", "x*x", "x=1", "--eps", "inf"], 2, "argument --eps: expected a float > 0, got 'inf'"),
    ("unknown option", ["train", "--colour", "red"], 2, "unrecognized arguments: --colour red"),
    ("wrong loss", ["train", "--dataset", "spiral", "--loss", "hinge"], 2, "use --loss ce"),
    ("bad fraction", ["train", "--val", "1.5"], 2, "fraction"),
    ("/proc", ["graph", "x", "x=1", "--out", "/proc/g.svg"], 1, "cannot write /proc/g.svg"),
    ("--out a directory", ["graph", "x", "x=1", "--out", "{tmp}/dir.svg"], 1, "dir.svg: it is a directory"),
    ("--out under a file", ["train", "--out", "{tmp}/file.txt/run"], 1, "cannot write {tmp}/file.txt/run"),
    ("model.json a directory", ["train", "--out", "{tmp}/run"], 1, "run/model.json: it is a directory"),
    ("disk full", ["graph", "x", "x=1", "--out", "{tmp}/full.svg"], 1, "full.svg: No space left on device"),
    ("disk full after training", ["train", "--n", "20", "--epochs", "2", "--quiet", "--out", "{tmp}/full"], 1,
     "full/loss.png: No space left on device"),
]
FULL = Path("/dev/full")  # Linux's always-full device: a real ENOSPC from the kernel, not a simulated one


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory):
    """Every HOSTILE case, run at once (they are independent processes): the folder and the runs by name."""
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "dir.svg").mkdir()
    (tmp / "file.txt").write_text("in the way")
    (tmp / "run" / "model.json").mkdir(parents=True)
    (tmp / "full").mkdir()
    (tmp / "taken" / "backward.gif").mkdir(parents=True)
    if FULL.exists():
        (tmp / "full.svg").symlink_to(FULL)
        (tmp / "full" / "loss.png").symlink_to(FULL)
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda case: chainrule(*(a.replace("{tmp}", str(tmp)) for a in case[1]), cwd=tmp),
                             HOSTILE))
    return tmp, dict(zip((case[0] for case in HOSTILE), runs))


@pytest.mark.parametrize("name, args, status, message", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_input_exit_status_and_one_line_never_a_traceback(hostile_runs, name, args, status, message):
    if name.startswith("disk full") and not FULL.exists():
        pytest.skip("needs /dev/full (Linux)")
    tmp, runs = hostile_runs
    run = runs[name]
    assert run.returncode == status, (run.stdout, run.stderr[-500:])
    assert "Traceback" not in run.stderr and "Warning" not in run.stderr
    if status == 0:
        assert run.stderr == ""
        return
    assert len(run.stderr.splitlines()) == 1 and run.stderr.endswith("\n"), run.stderr
    assert run.stderr.startswith(f"chainrule {args[0]}: error: ") and len(run.stderr) < 400
    assert message.replace("{tmp}", str(tmp)) in run.stderr


def test_hostile_successes_draw_what_they_say(hostile_runs):
    tmp, runs = hostile_runs
    assert runs["constant"].stdout.splitlines() == ["1+2 = 3", f"graph: {tmp}/c.svg"]
    assert (tmp / "c.svg").read_text().count('class="node"') == 1  # a constant is a one-node graph
    assert "d/dx = -2" in runs["leading minus"].stdout and "d/dy = -1" in runs["leading minus"].stdout
    assert "passed" in runs["leading minus after --"].stdout
    long_title = (tmp / "long.svg").read_text()
    assert "x+0.111" in long_title and "1" * 200 not in long_title and "\u2026" in long_title  # shortened to draw
    assert "y" * 200 not in (tmp / "name.svg").read_text()
    assert (tmp / "file.txt").read_text() == "in the way"
    assert not (tmp / "left").exists() and not (tmp / "runs").exists()  # a refused run made no folder, no file
    if FULL.exists():  # the model and metrics come before the pictures, and no temporary file is left
        written = {p.name for p in (tmp / "full").iterdir()}
        assert written == {"graph.svg", "model.json", "metrics.json", "history.csv", "loss.png"}


def test_stdout_that_cannot_be_written(tmp_path):
    if not FULL.exists():
        pytest.skip("needs /dev/full (Linux)")
    with FULL.open("w") as full:
        run = subprocess.run([sys.executable, "-m", "viz.cli", "graph", "x", "x=1", "--out", str(tmp_path / "g.svg")],
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, cwd=ROOT, env=ENV)
    assert run.returncode == 1 and run.stderr == "chainrule graph: error: No space left on device\n"


def test_an_option_before_the_command_is_named():
    run = chainrule("--bogus", "train")
    assert run.returncode == 2 and run.stderr == ("chainrule: error: unrecognized option '--bogus'; the command comes "
                                                  "first: chainrule {train,graph,gradcheck} [options]\n")


def test_stdout_whose_reader_has_gone_ends_quietly(tmp_path):
    # a reader that closes at once (as `| head -1` does after its line): status 1, and nothing said on stderr
    run = subprocess.Popen([sys.executable, "-m", "viz.cli", "gradcheck", "x*y", "x=1", "y=2"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    run.stdout.close()
    assert run.wait(timeout=300) == 1 and run.stderr.read() == b""


def test_ctrl_c_during_training_writes_the_model_so_far_and_exits_130(tmp_path):
    command = [sys.executable, "-m", "viz.cli", "train", "--epochs", "100000", "--quiet", "--out", str(tmp_path)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
    deadline = time.monotonic() + 120
    while not (tmp_path / "graph.svg").exists() and time.monotonic() < deadline:  # drawn just before training
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.startswith("chainrule train: interrupted after ") and len(stderr.splitlines()) == 1, stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["interrupted"] is True and 1 <= metrics["epochs_run"] < 100000
    assert len(nn.MLP.load(tmp_path / "model.json").parameters()) == metrics["parameters"]


def test_train_out_leaves_unrelated_files_alone(tmp_path):
    (tmp_path / "notes.txt").write_bytes(b"mine\n")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "model.json").write_text("{}")
    run = chainrule("train", "--n", "20", "--epochs", "2", "--quiet", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "notes.txt").read_bytes() == b"mine\n" and (tmp_path / "old" / "model.json").read_text() == "{}"
    written = {"loss.png", "boundary.png", "network.png", "graph.svg", "model.json", "metrics.json", "history.csv"}
    assert {p.name for p in tmp_path.iterdir()} == written | {"notes.txt", "old"}  # and no temporary file left


@pytest.mark.parametrize("command", [[], ["train"], ["graph"], ["gradcheck"]])
def test_help_is_complete_and_shows_an_example(command):
    run = chainrule(*command, "--help")
    assert run.returncode == 0
    assert "example" in run.stdout and "chainrule" in run.stdout
    if command == ["train"]:
        for option in ("--dataset", "--hidden", "--loss", "--optimizer", "--schedule", "--batch-size", "--val",
                       "--seed", "--out"):
            assert option in run.stdout


def test_version_is_the_installed_distributions():
    import importlib.metadata
    import re

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"$', pyproject, re.M).group(1)  # tomllib is Python 3.11+
    run = chainrule("--version")
    assert run.returncode == 0 and run.stdout == f"chainrule {declared}\n"
    assert importlib.metadata.version("chainrule") == declared


def test_gradcheck_and_help_start_without_the_slow_imports():
    """README: the command imports nn and matplotlib only for train (and importlib.metadata only for --version)."""
    code = ("import sys, contextlib, io\nfrom viz.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    main(['gradcheck', 'x*x', 'x=1'])\n"
            "print(sorted(m for m in ('nn', 'matplotlib', 'numpy', 'importlib.metadata') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == "[]\n", run.stdout + run.stderr


def test_graph_draws_as_parameters_exactly_the_variables_named_by_params(tmp_path):
    import re

    from viz.style import KINDS

    fill = KINDS["parameter"][0]
    drawn = {}
    for params in ("w,b", None):
        out = tmp_path / f"g{params is None}.svg"
        args = ["graph", "tanh(w*x + b)", "x=0.5", "w=-1.2", "b=0.3", "--out", str(out)]
        run = chainrule(*args, *(["--params", params] if params else []))
        assert run.returncode == 0, run.stderr
        svg = out.read_text()
        # each leaf is a record whose first cell is its label; a parameter's record has the parameter fill
        drawn[params] = {name for name in "wxb" if re.search(rf'fill="{fill}"[^>]*/>\s*<text[^>]*>{name}</text>',
                                                              svg)}
    assert drawn["w,b"] == {"w", "b"} and drawn[None] == set()  # no guessing from the labels
    bad = chainrule("graph", "x*y", "x=1", "y=2", "--params", "z")
    assert bad.returncode == 2 and "--params names z" in bad.stderr


def test_the_root_is_named_out_unless_a_variable_is(tmp_path):
    for formula, value, root in (("x*2", "x=3", "out"), ("out*2", "out=3", "result")):
        path = tmp_path / f"{root}.svg"
        run = chainrule("graph", formula, value, "--out", str(path))
        assert run.returncode == 0, run.stderr
        names = re.findall(r">(out|result)</text>", path.read_text())
        assert sorted(names) == sorted({"out", root}), names  # one box each: the variable's, the root's
