"""The learning path's shape: eight notebooks, each opening with what you will learn and ending with what to try next.

Running them is nbmake's job (``pytest --nbmake notebooks/``); these checks are static and fast. They read only
the cells' sources, so outputs autosaved into a working file change nothing here; that the notebooks are committed
with outputs cleared is checked on git's copy, in test_project; that a notebook run writes no file into the
repository is checked around each nbmake run, in conftest.
"""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATH = [
    "01_value_and_derivatives",
    "02_backprop_step_by_step",
    "03_gradient_checking",
    "04_neurons_and_layers",
    "05_training_loop",
    "06_optimizers_and_generalization",
    "07_playground",
    "08_from_graph_to_tape",
]


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_learning_path_is_exactly_these_notebooks():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == PATH


@pytest.mark.parametrize("name", PATH)
def test_opens_with_what_you_will_learn_and_ends_with_what_to_try_next(name):
    cells = _load(name)["cells"]
    first, last = cells[0], cells[-1]
    assert first["cell_type"] == "markdown" and _source(first).startswith(f"# {name[:2]} ")
    assert "## What you will learn" in _source(first)
    assert last["cell_type"] == "markdown" and _source(last).startswith("## What to try next")


@pytest.mark.parametrize("name", PATH[:-1])
def test_each_notebook_points_to_the_next(name):
    following = PATH[PATH.index(name) + 1]
    assert following in _source(_load(name)["cells"][-1])


@pytest.mark.parametrize("name", PATH)
def test_code_is_plain_python_that_checks_its_claims(name):
    notebook = _load(name)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [_source(cell) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for source in code:
        ast.parse(source)  # no shell escapes or magics: every cell runs as Python
    asserts = sum(isinstance(node, ast.Assert) for source in code for node in ast.walk(ast.parse(source)))
    assert asserts >= 3, f"{name}: only {asserts} asserts; the claims should be checkable"
