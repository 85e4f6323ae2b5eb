"""The project itself: the right `autograd` is imported, notebooks are committed clean."""

import json
import subprocess
import sys
from pathlib import Path

import autograd

ROOT = Path(__file__).resolve().parent.parent


def test_autograd_is_this_repos_package():
    # PyPI's `autograd` (HIPS) is another project; a user may have both installed.
    assert Path(autograd.__file__).resolve().parent == ROOT / "autograd"
    assert hasattr(autograd, "Value") and hasattr(autograd, "gradcheck")


def _tracked_notebooks() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.split()]


def test_committed_notebooks_have_no_outputs():
    for path in _tracked_notebooks():
        notebook = json.loads(path.read_text())
        dirty = [i for i, cell in enumerate(notebook["cells"])
                 if cell.get("outputs") or cell.get("execution_count") is not None]
        assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"


def test_engine_core_imports_no_third_party_package():
    for path in (ROOT / "autograd").glob("*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("import ", "from ")) and not line.startswith(("from .", "from __future__")):
                module = line.split()[1].split(".")[0]
                assert module in sys.stdlib_module_names, f"{path.name}: {line}"
