"""The project itself: the right `autograd` is imported, notebooks are committed clean, a learner's copies stay apart.

The notebooks' cleanliness is read from git (what is staged and committed), never from the working files, so
outputs JupyterLab autosaved into a working file cannot fail the tests; `make notebook` opens copies in runs/.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import repository_files, written

import autograd

ROOT = Path(__file__).resolve().parent.parent


def test_autograd_is_this_repos_package():
    # PyPI's `autograd` (HIPS) is another project; a user may have both installed.
    assert Path(autograd.__file__).resolve().parent == ROOT / "autograd"
    assert hasattr(autograd, "Value") and hasattr(autograd, "gradcheck")


def test_the_notebook_guard_sees_a_new_or_changed_file_but_not_pycache_runs_or_a_venv(tmp_path):
    (tmp_path / "kept.txt").write_text("a")
    before = repository_files(tmp_path)
    (tmp_path / "kept.txt").write_text("ab")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "model.json").write_text("{}")
    (tmp_path / "runs").mkdir()  # make demo's results and a learner's autosaved copies: not the tests' business
    (tmp_path / "runs" / "copy.ipynb").write_text("{}")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"")
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("")
    assert written(before, repository_files(tmp_path)) == ["kept.txt", os.path.join("notebooks", "model.json")]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def committed_notebooks(root: Path) -> dict[str, str]:
    """Every tracked notebook as git holds it, staged (':path') and committed ('HEAD:path'); the working files
    only outside a git checkout (an unpacked archive), where nothing else holds them."""
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True)
    if inside.returncode != 0:
        return {str(p.relative_to(root)): p.read_text() for p in sorted((root / "notebooks").glob("*.ipynb"))}
    paths = _git(root, "ls-files", "*.ipynb").split()
    return {f"{rev}:{path}": _git(root, "show", f"{rev}:{path}") for path in paths for rev in ("", "HEAD")}


def cells_with_outputs(text: str) -> list[int]:
    """Indexes of the notebook's cells that carry outputs or an execution count."""
    return [i for i, cell in enumerate(json.loads(text)["cells"])
            if cell.get("outputs") or cell.get("execution_count") is not None]


def test_committed_notebooks_have_no_outputs():
    held = committed_notebooks(ROOT)
    assert len(held) >= 7
    for name, text in held.items():
        dirty = cells_with_outputs(text)
        assert not dirty, f"{name}: cells {dirty} carry outputs; clear them before committing"


def _run_all_and_autosave(path: Path) -> None:
    """What JupyterLab writes after Run All: an execution count and outputs in every code cell."""
    notebook = json.loads(path.read_text())
    for k, cell in enumerate(c for c in notebook["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = k + 1
        cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                            "data": {"text/plain": ["<viz.graph.Drawing>"], "image/png": "iVBORw0KGgo="}}]
    path.write_text(json.dumps(notebook, indent=1))


def test_outputs_saved_into_a_working_notebook_do_not_fail_the_check(tmp_path):
    # A learner who opened notebooks/ directly and autosaved: the working file is dirty, git's copy is not.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--local", str(ROOT), str(clone)], check=True)
    working = clone / "notebooks" / "01_value_and_derivatives.ipynb"
    _run_all_and_autosave(working)
    assert cells_with_outputs(working.read_text())  # the working file now fails a check that read it
    held = committed_notebooks(clone)
    assert ":notebooks/01_value_and_derivatives.ipynb" in held
    assert all(not cells_with_outputs(text) for text in held.values())
    assert _git(clone, "status", "--porcelain").split() == ["M", "notebooks/01_value_and_derivatives.ipynb"]


def _make(*args: str) -> str:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_make_notebook_works_on_copies_made_only_when_missing(tmp_path):
    learner = tmp_path / "notebooks"
    name = "02_backprop_step_by_step.ipynb"
    original = (ROOT / "notebooks" / name).read_bytes()
    _make(f"LEARNER={learner}", str(learner / name))
    copy = learner / name
    assert copy.read_bytes() == original
    _run_all_and_autosave(copy)  # the learner runs everything; JupyterLab autosaves into the copy
    saved = copy.read_bytes()
    _make(f"LEARNER={learner}", str(learner / name))  # the next `make notebook` keeps the learner's copy
    assert copy.read_bytes() == saved and cells_with_outputs(saved.decode())
    assert (ROOT / "notebooks" / name).read_bytes() == original
    plan = _make("-n", "notebook", f"LEARNER={learner}").splitlines()
    assert f"cp notebooks/{name} {copy}" not in plan
    assert f"cp notebooks/01_value_and_derivatives.ipynb {learner}/01_value_and_derivatives.ipynb" in plan
    assert plan[-1].split()[-1] == str(learner)  # JupyterLab opens the copies, not notebooks/


def test_runs_folder_is_ignored_by_git():
    check = subprocess.run(["git", "check-ignore", "-q", "runs/notebooks/01_value_and_derivatives.ipynb"], cwd=ROOT)
    assert check.returncode == 0


@pytest.mark.parametrize(("user_id", "allowed"), [("0", True), ("1000", False), (None, os.geteuid() == 0)])
def test_make_notebook_allows_root_only_for_root(user_id, allowed):
    # JupyterLab exits as root without --allow-root; nobody else should get the flag.
    args = ["-n", "notebook"] + ([f"USER_ID={user_id}"] if user_id else [])
    lab = [line for line in _make(*args).splitlines() if "jupyter lab" in line]
    assert len(lab) == 1 and ("--allow-root" in lab[0].split()) == allowed


NUMPY_REPLAY = ("tape_numpy.py", "tape_numpy_adjoints.py", "tape_numpy_forms.py", "tape_numpy_source.py")


def test_engine_core_imports_no_third_party_package():
    # The tape's numpy replay (tape_numpy.py and its tape_numpy_*.py modules) is the
    # one exception, imported only when a tape replays (the next test checks that).
    for path in (ROOT / "autograd").glob("*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("import ", "from ")) and not line.startswith(("from .", "from __future__")):
                module = line.split()[1].split(".")[0]
                allowed = module == "numpy" and path.name in NUMPY_REPLAY
                assert allowed or module in sys.stdlib_module_names, f"{path.name}: {line}"


def test_importing_the_engine_and_compiling_a_tape_loads_no_numpy():
    code = ("import sys, autograd; x = autograd.Value(2.0); t = autograd.compile(x * x + 1); "
            "t.forward(path='python'); t.backward(); print(t); assert 'numpy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("required", [False, True])
def test_dot_tests_without_dot_are_left_out_in_one_line_or_fail_when_required(tmp_path, required):
    # tmp_path as PATH: a machine without Graphviz (graphviz-pure is still found next to the interpreter).
    env = {k: v for k, v in os.environ.items() if k != "CHAINRULE_REQUIRE_DOT"} | {"PATH": str(tmp_path)}
    if required:
        env["CHAINRULE_REQUIRE_DOT"] = "1"
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                          "tests/test_viz_render.py::test_each_renderer_is_installed"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    said = [line for line in run.stdout.splitlines() if "renderer tests not run" in line]
    if required:
        assert run.returncode == 1 and not said
        assert "1 passed, 1 error" in run.stdout
        assert "CHAINRULE_REQUIRE_DOT=1 but `dot` (Graphviz) is not on PATH" in run.stdout
    else:
        assert run.returncode == 0 and "1 passed, 1 deselected" in run.stdout
        assert said == ["Graphviz `dot` renderer tests not run: 1, because `dot` (Graphviz) is not on PATH; "
                        "graphviz-pure rendered the rest. Install Graphviz to run them, as .ci/run does "
                        "(CHAINRULE_REQUIRE_DOT=1 makes them required)."]


def _imports(package: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import in the package's files, at any depth."""
    import ast

    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((str(path.relative_to(ROOT)), node.module))
    return found


def test_imports_run_one_way_through_public_names():
    # viz -> nn -> autograd: autograd imports neither, nn never imports viz, and each package
    # reaches the others through their public names (the package, or nn's public modules).
    top = lambda module: module.split(".")[0]  # noqa: E731
    assert not [(f, m) for f, m in _imports("autograd") if top(m) in ("nn", "viz")]
    assert not [(f, m) for f, m in _imports("nn") if top(m) == "viz"]
    public_nn = {"nn", "nn.labels", "nn.replay", "nn.datasets", "nn.schedules", "nn.losses", "nn.metrics", "nn.atomic"}
    for package in ("nn", "viz"):
        reaching = [(f, m) for f, m in _imports(package) if top(m) in ("autograd", "nn") and top(m) != package]
        assert all(m == "autograd" or m in public_nn for _, m in reaching), reaching


def test_the_code_passes_ruff():
    """`make lint` as part of `make test`, so a commit that breaks it fails CI, not only a manual run."""
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
