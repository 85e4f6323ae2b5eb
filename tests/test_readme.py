"""The README's examples run as written: each ```python block, in a fresh interpreter, from an empty folder.

A block fenced ```python excerpt (a piece of the source shown in place) is not a program and is left out.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```$", README.read_text(), flags=re.S | re.M)


def test_the_readme_has_examples_and_excerpts_apart():
    assert len(BLOCKS) >= 5  # the engine, gradcheck, adding an op, the tape, nn, viz
    assert "```python excerpt\nOp(" in README.read_text()


@pytest.mark.parametrize("block", BLOCKS, ids=[b.splitlines()[0][:40] for b in BLOCKS])
def test_a_readme_example_runs(block, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "TQDM_DISABLE": "1"}
    result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
