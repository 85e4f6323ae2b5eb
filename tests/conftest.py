"""Shared test setup: the oracle helpers on sys.path, and the rule for tests that need Graphviz's `dot`.

Tests marked ``needs_dot`` render with the system Graphviz. Where `dot` is not on PATH they are
deselected and one line of the summary says so (``make test`` on a fresh machine renders with
graphviz-pure); with ``CHAINRULE_REQUIRE_DOT=1`` (set by ``.ci/run``) a missing `dot` fails them.
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
