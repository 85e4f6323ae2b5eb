"""Saving and loading models: exact round trips, atomic writes, and every kind of bad file refused."""

import hashlib
import json
import os

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
    (lambda d: d["parameters"].pop("layers.2.neurons.0.b"), "missing 'layers.2.neurons.0.b'"),
    (lambda d: d["parameters"].update(extra=1.0), "unexpected 'extra'"),
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
