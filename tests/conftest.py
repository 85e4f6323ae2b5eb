"""Shared test setup: the oracle helpers on sys.path, and the rule for tests that need Graphviz's `dot`.

Tests marked ``needs_dot`` render with the system Graphviz. Where `dot` is not on PATH they are
deselected and one line of the summary says so (``make test`` on a fresh machine renders with
graphviz-pure); with ``CHAINRULE_REQUIRE_DOT=1`` (set by ``.ci/run``) a missing `dot` fails them.

A notebook run by nbmake in the same session fails if it left a file in the repository (it must write
under a temporary folder): the repository's files are listed before and after it.
"""

import os
import sys
from pathlib import Path

import pytest

# Lets test modules import the shared oracle helpers as `oracle`.
sys.path.insert(0, str(Path(__file__).parent))

REQUIRE_DOT = "CHAINRULE_REQUIRE_DOT"
_not_run = pytest.StashKey[int]()


def dot_missing() -> str | None:
    """Why Graphviz `dot` cannot be used (the renderer lookup's own answer, which honours PATH), or None."""
    from viz.render import RendererNotFoundError, find_renderer

    try:
        find_renderer("dot")
    except RendererNotFoundError:
        return "`dot` (Graphviz) is not on PATH"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_dot: renders with the system Graphviz `dot`")
    # Registered as a plugin, not as this conftest's own hook, so that it also sees the items in notebooks/.
    config.pluginmanager.register(NotebookWrites(Path(config.rootpath)), "chainrule-notebook-writes")


# Not the notebooks' to write, but written by others while the tests run: git, caches of Python
# and the tools, and runs/ (make demo's results, and the copies a learner's JupyterLab autosaves).
_NOT_WATCHED = frozenset({".git", "__pycache__", ".ruff_cache", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
                          "runs"})


def repository_files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under root as (modification time, size), leaving out _NOT_WATCHED and virtual environments."""
    files = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in _NOT_WATCHED
                         and not (Path(folder, d) / "pyvenv.cfg").exists()]
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            files[os.path.relpath(os.path.join(folder, name), root)] = (stat.st_mtime_ns, stat.st_size)
    return files


def written(before: dict, after: dict) -> list[str]:
    """The files that are new or changed in ``after``."""
    return sorted(path for path, stamp in after.items() if before.get(path) != stamp)


class NotebookWrites:
    """Fails a notebook test whose run created or changed a file in the repository."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        if not str(item.path).endswith(".ipynb"):
            return (yield)
        before = repository_files(self.root)
        result = yield
        changed = written(before, repository_files(self.root))
        assert not changed, f"{item.path.name} wrote {changed} into the repository; write under tempfile.mkdtemp()"
        return result


def pytest_collection_modifyitems(config, items):
    needing = [item for item in items if item.get_closest_marker("needs_dot")]
    why = dot_missing() if needing else None
    if why is None:
        return
    if os.environ.get(REQUIRE_DOT) == "1":
        return  # they stay, and pytest_runtest_setup fails each one
    config.hook.pytest_deselected(items=needing)
    left_out = set(needing)
    items[:] = [item for item in items if item not in left_out]
    config.stash[_not_run] = len(needing)


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_dot") and os.environ.get(REQUIRE_DOT) == "1":
        why = dot_missing()
        if why:
            pytest.fail(f"{REQUIRE_DOT}=1 but {why}: install Graphviz (apt-get install graphviz)", pytrace=False)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = config.stash.get(_not_run, 0)
    if count:
        terminalreporter.write_line(
            f"Graphviz `dot` renderer tests not run: {count}, because {dot_missing()}; graphviz-pure rendered "
            f"the rest. Install Graphviz to run them, as .ci/run does ({REQUIRE_DOT}=1 makes them required)."
        )
