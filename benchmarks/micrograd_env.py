"""The interpreter the benchmarks run micrograd 0.1.0 in: its own venv, never this project's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-micrograd"


def micrograd_python(given: str | None = None) -> str:
    """The interpreter that has micrograd 0.1.0: the one given, or a venv made here on first use."""
    if given:
        return given
    python = VENV / "bin" / "python"
    if not python.exists():
        base = shutil.which("python3") or sys.executable
        print(f"creating {VENV} with micrograd==0.1.0 from PyPI", file=sys.stderr)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "micrograd==0.1.0"], check=True)
    return str(python)
