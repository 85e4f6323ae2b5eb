"""Saving and loading models: exact round trips, atomic writes, and every kind of bad file refused."""

import hashlib
import json
import os
import signal
import subprocess
import sys

import pytest

import nn


def _model():
    return nn.MLP(2, [4, 3, 1], activation="tanh", seed=0)


def _resign(document):
    """Recompute the checksum the documented way, as someone editing the file carefully would."""
    body = {key: document[key] for key in ("module", "config", "parameters")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    document["sha256"] = hashlib.sha256(canonical.encode()).hexdigest()
    return document


def _write(path, document):
    path.write_text(json.dumps(document))
    return path


def test_round_trip_gives_identical_predictions(tmp_path):
    model = _model()
    path = tmp_path / "model.json"
    model.save(path)
    X = [[0.1, 0.2], [-1.5, 3.0], [1e-3, -7.0]]
    for loaded in (nn.MLP.load(path), nn.Module.load(str(path)), _model_with_other_weights().load(path)):
        assert type(loaded) is nn.MLP and loaded.config() == model.config()
        assert loaded.state_dict() == model.state_dict()
        assert nn.predict(loaded, X).tolist() == nn.predict(model, X).tolist()
    assert [p.label for p in nn.MLP.load(path).parameters()] == [p.label for p in model.parameters()]


def _model_with_other_weights():
    return nn.MLP(2, [4, 3, 1], activation="tanh", seed=1)


@pytest.mark.parametrize("model", [nn.Neuron(3, "sigmoid", seed=0), nn.Layer(2, 3, "tanh", seed=0, graph="elementary")])
def test_round_trip_of_neurons_and_layers(tmp_path, model):
    path = tmp_path / "m.json"
    model.save(path)
    loaded = type(model).load(path)
    assert loaded.state_dict() == model.state_dict() and loaded.config() == model.config()


def test_the_file_is_readable_json(tmp_path):
    path = tmp_path / "model.json"
    _model().save(path)
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule.nn" and document["version"] == 1 and document["module"] == "MLP"
    assert document["config"]["nouts"] == [4, 3, 1]
    assert "layers.0.neurons.3.w.1" in document["parameters"]


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    _model().save(path)
    original = path.read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        _model_with_other_weights().save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_non_finite_parameters_are_not_saved(tmp_path):
    model = _model()
    model.layers[1].neurons[2].b.data = float("inf")
    with pytest.raises(ValueError, match="'layers.1.neurons.2.b' is inf"):
        model.save(tmp_path / "model.json")
    assert not os.listdir(tmp_path)


def _saved(tmp_path):
    path = tmp_path / "model.json"
    _model().save(path)
    return path, json.loads(path.read_text())


def test_truncated_file(tmp_path):
    path, _ = _saved(tmp_path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match="not valid JSON .* truncated"):
        nn.MLP.load(path)


def test_hand_edited_value(tmp_path):
    path, document = _saved(tmp_path)
    document["parameters"]["layers.0.neurons.0.w.0"] += 0.1
    with pytest.raises(ValueError, match="fails its checksum.*hand-edited"):
        nn.MLP.load(_write(path, document))


@pytest.mark.parametrize("edit, match", [
    (lambda d: d.update(format="pickle"), "not a chainrule model file"),
    (lambda d: d.update(version=2), "format version 2"),
    (lambda d: d.pop("config"), "lacks the key"),
    (lambda d: d.update(comment="hi"), "unexpected key"),
    (lambda d: d["parameters"].pop("layers.2.neurons.0.b"), "makes 31 parameters, the file holds 30"),
    (lambda d: d["parameters"].update(extra=1.0), "makes 31 parameters, the file holds 32"),
    (lambda d: d["parameters"].update(extra=d["parameters"].pop("layers.2.neurons.0.b")),
     "missing 'layers.2.neurons.0.b'; unexpected 'extra'"),
    (lambda d: d["parameters"].update({"layers.0.neurons.0.w.0": "0.5"}), "is '0.5', not a number"),
    (lambda d: d["parameters"].update({"layers.0.neurons.0.w.0": True}), "is True, not a number"),
    (lambda d: d["config"].update(nouts=[4, 3, 2]), "does not fit"),
    (lambda d: d["config"].update(nin=-1), "invalid MLP config"),
    (lambda d: d["config"].update(activation="swish"), "invalid MLP config"),
    (lambda d: d.update(module="Transformer"), "no known Module class"),
    (lambda d: d.update(parameters=[1.0, 2.0]), "'parameters' must be an object"),
])
def test_bad_files_are_refused_with_the_reason(tmp_path, edit, match):
    path, document = _saved(tmp_path)
    edit(document)
    _write(path, _resign(document) if "config" in document else document)
    with pytest.raises(ValueError, match=match):
        nn.MLP.load(path)


def test_nan_in_a_file(tmp_path):
    path, document = _saved(tmp_path)
    text = path.read_text().replace(repr(document["parameters"]["layers.0.neurons.0.b"]), "NaN", 1)
    path.write_text(text)
    with pytest.raises(ValueError, match="non-standard JSON number NaN"):
        nn.MLP.load(path)


def test_not_an_object(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("[1, 2, 3]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        nn.MLP.load(path)


def test_loading_into_another_architecture_or_class(tmp_path):
    path, _ = _saved(tmp_path)
    expected = r"another architecture \(nouts: this model has \[4, 1\], the file \[4, 3, 1\]"
    with pytest.raises(ValueError, match=expected):
        nn.MLP(2, [4, 1], activation="tanh").load(path)
    with pytest.raises(ValueError, match="holds a MLP, not a Layer"):
        nn.Layer.load(path)
    with pytest.raises(ValueError, match="holds a MLP, but this model is a Neuron"):
        nn.Neuron(2).load(path)
    model = nn.MLP(2, [4, 3, 1], activation="relu", seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match="activation: this model has 'relu', the file 'tanh'"):
        model.load(path)
    assert model.state_dict() == before


def test_paths():
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        _model().save(42)
    with pytest.raises(FileNotFoundError):
        nn.MLP.load("/nonexistent/model.json")


# Hostile files: each is refused quickly with a ValueError naming the file and what is wrong.

def test_a_nesting_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match=r"bomb.json' is nested too deeply"):
        nn.MLP.load(path)


def test_nesting_that_json_can_parse_is_refused_too(tmp_path):
    path, document = _saved(tmp_path)
    deep = 1
    for _ in range(200):  # well within the parser's limit, far beyond any model's config
        deep = [deep]
    document["config"]["graph"] = deep
    with pytest.raises(ValueError, match="model.json' is nested too deeply"):
        nn.MLP.load(_write(path, _resign(document)))


def test_a_small_file_claiming_a_huge_model_is_refused_before_building_it(tmp_path, monkeypatch):
    path, document = _saved(tmp_path)
    document["config"]["nouts"] = [3000, 3000, 1]
    _write(path, _resign(document))
    assert path.stat().st_size < 3000

    def never(*args, **kwargs):
        raise AssertionError("a model was built from the file")

    monkeypatch.setattr(nn.MLP, "__init__", never)
    count = 3000 * (2 + 1) + 3000 * (3000 + 1) + 1 * (3000 + 1)  # each neuron: its weights and a bias
    with pytest.raises(ValueError, match=r"model.json': its MLP config does not fit the stored parameters: "
                                         rf"the config makes {count} parameters, the file holds 31"):
        nn.MLP.load(path)


@pytest.mark.parametrize("model, edit, count", [
    (nn.Layer(2, 3, seed=0), lambda c: c.update(nout=10**6), 3 * 10**6),
    (nn.Neuron(3, seed=0), lambda c: c.update(nin=10**9), 10**9 + 1),
])
def test_layers_and_neurons_are_counted_before_they_are_built(tmp_path, model, edit, count):
    path = tmp_path / "m.json"
    model.save(path)
    document = json.loads(path.read_text())
    edit(document["config"])
    with pytest.raises(ValueError, match=f"makes {count} parameters, the file holds {len(model.parameters())}"):
        type(model).load(_write(path, _resign(document)))


def test_too_many_parameters_are_refused(tmp_path, monkeypatch):
    path, _ = _saved(tmp_path)
    monkeypatch.setattr(nn.io, "MAX_PARAMETERS", 30)
    with pytest.raises(ValueError, match="holds 31 parameters, more than the 30 this chainrule loads"):
        nn.MLP.load(path)


def test_too_large_a_file_is_refused(tmp_path, monkeypatch):
    path, _ = _saved(tmp_path)
    monkeypatch.setattr(nn.io, "MAX_BYTES", 100)
    with pytest.raises(ValueError, match="model.json' is larger than 100 bytes"):
        nn.MLP.load(path)


def test_invalid_utf8_is_refused_naming_the_file(tmp_path):
    path, _ = _saved(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[:40] + b"\xff\xfe" + raw[40:])
    with pytest.raises(ValueError, match=r"model.json' is not UTF-8 text \(byte 40: invalid start byte\)"):
        nn.MLP.load(path)


@pytest.mark.parametrize("text, shown", [
    ("1e999", "the number 1e999, out of the float range"),
    ("-1e999", "the number -1e999, out of the float range"),
    (str(10**400), r"the number 10000000000000000000\.\.\.000000 \(401 characters\), out of the float range"),
    ("9" * 5000, r"the number 99999999999999999999\.\.\.999999 \(5000 characters\), out of the float range"),
    ("Infinity", "the non-standard JSON number Infinity"),
])
def test_a_number_no_float_holds_is_refused_naming_the_parameter(tmp_path, text, shown):
    path, document = _saved(tmp_path)
    name = "layers.1.neurons.2.w.0"
    if text.isdigit() and len(text) < 4000:  # an integer Python reads: re-signed as a careful forger would
        document["parameters"][name] = int(text)
        canonical = json.dumps({key: document[key] for key in ("module", "config", "parameters")},
                               sort_keys=True, separators=(",", ":"))
        document["sha256"] = hashlib.sha256(canonical.encode()).hexdigest()
        body = json.dumps(document)
    else:  # no float holds it, so no checksum can be computed for it: written as text
        document["parameters"][name] = "PLACEHOLDER"
        body = json.dumps(document).replace('"PLACEHOLDER"', text)
    path.write_text(body)
    expected = rf"model.json': \['parameters'\]\['{name}'\] is {shown}; a model file holds finite numbers only"
    with pytest.raises(ValueError, match=expected):
        nn.MLP.load(path)


def test_a_number_out_of_range_in_the_config_is_refused_too(tmp_path):
    path, document = _saved(tmp_path)
    document["config"]["nin"] = "PLACEHOLDER"
    path.write_text(json.dumps(document).replace('"PLACEHOLDER"', "2e400"))
    with pytest.raises(ValueError, match=r"\['config'\]\['nin'\] is the number 2e400, out of the float range"):
        nn.MLP.load(path)


@pytest.mark.parametrize("version", [True, 1.0, "1", None])
def test_the_version_must_be_the_integer_1(tmp_path, version):
    path, document = _saved(tmp_path)
    document["version"] = version
    expected = rf"model.json' has format version {version!r}; this chainrule reads version 1"
    with pytest.raises(ValueError, match=expected):
        nn.MLP.load(_write(path, document))


def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "model.json"
    folder.mkdir()
    for load in (nn.MLP.load, _model().load):
        with pytest.raises(ValueError, match="model.json' is a directory, not a model file"):
            load(folder)


def test_a_save_to_a_path_it_cannot_write_names_that_path_and_leaves_nothing(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a_file").write_text("x")
    refused = [
        (str(tmp_path / "folder"), ValueError, r"save: '.*folder' is a directory, not a model file; "
                                               r"give a file path such as '.*folder/model.json'"),
        (f"{tmp_path}/new/", ValueError, r"save: '.*new/' names a directory"),
        ("", ValueError, "save: the path is empty; give a file path such as 'model.json'"),
        (tmp_path / "missing" / "m.json", FileNotFoundError,
         r"save: cannot write '.*missing/m.json': its folder '.*missing' does not exist"),
        (tmp_path / "a_file" / "m.json", NotADirectoryError,
         r"save: cannot write '.*a_file/m.json': its folder '.*a_file' is not a directory"),
    ]
    for path, error, message in refused:
        with pytest.raises(error, match=message):
            _model().save(path)
    assert sorted(os.listdir(tmp_path)) == ["a_file", "folder"] and os.listdir(tmp_path / "folder") == []


# The saved file: usual permissions, and no temporary left for good by a killed save.

@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_usual_mode(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        _model().save(tmp_path / "model.json")
    finally:
        os.umask(previous)
    assert (tmp_path / "model.json").stat().st_mode & 0o777 == mode


def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "model.json"
    _model().save(path)
    path.chmod(0o640)
    _model_with_other_weights().save(path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert nn.MLP.load(path).state_dict() == _model_with_other_weights().state_dict()


# A child that saves a model and is stopped inside the write: killed (as kill -9 would) or left
# waiting (a save still in progress).
SAVER = r"""
import os, signal, sys, time
import nn

def stop(fd):
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    print("writing", flush=True)
    time.sleep(60)

os.fsync = stop
nn.MLP(2, [4, 3, 1], seed=0).save(sys.argv[1])
"""


def _saver(path, how):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return subprocess.Popen([sys.executable, "-c", SAVER, str(path), how], stdout=subprocess.PIPE, env=env)


def test_a_later_save_removes_what_killed_saves_left(tmp_path):
    target, other = tmp_path / "model.json", tmp_path / "other.json"
    for child in [_saver(target, "kill"), _saver(other, "kill")]:
        assert child.wait(timeout=60) == -signal.SIGKILL
    left = sorted(os.listdir(tmp_path))
    assert len(left) == 2 and all(name.startswith((".model.json.tmp-", ".other.json.tmp-")) for name in left)
    of_other = [name for name in left if name.startswith(".other.json")]
    unrelated = [".tmp-abc123.json", ".model.json.tmp-mine", "model.json.bak"]  # not the saver's names
    for name in unrelated:
        (tmp_path / name).write_text("keep me")
    writing = _saver(target, "wait")  # a save of the same target still in progress
    try:
        assert writing.stdout.readline() == b"writing\n"
        in_progress = set(os.listdir(tmp_path)) - set(left) - set(unrelated)
        assert len(in_progress) == 1
        _model().save(target)
        assert sorted(os.listdir(tmp_path)) == sorted(["model.json", *of_other, *unrelated, *in_progress])
    finally:
        writing.kill()
        writing.wait(timeout=60)
    _model().save(target)  # its writer is gone now: its temporary goes too
    assert sorted(os.listdir(tmp_path)) == sorted(["model.json", *of_other, *unrelated])
    assert nn.MLP.load(target).state_dict() == _model().state_dict()
