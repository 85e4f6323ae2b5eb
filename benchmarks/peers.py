"""The peer engines the benchmarks compare chainrule with, each in its own virtual environment, never this project's.

A peer's venv is created under benchmarks/ (git-ignored) the first time a benchmark asks for it,
from Python 3.11 with the pinned requirements below; a stamp file marks a finished install, so an
interrupted one is made again. A peer runs as a subprocess in its venv: a small script reading a
JSON job on stdin and writing JSON results on stdout (``run``), or a long-lived ``Worker`` that is
set up once and then measures one round at a time, so that engines can take turns. When a venv
cannot be made (no network, no Python 3.11), ``python()`` says so in one line on stderr and
returns None, and the benchmark goes on with the other engines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Peer:
    """A peer engine: the pip requirements of its venv, and the directory that venv lives in."""

    name: str
    requirements: tuple[str, ...]
    check: str  # run in the venv after installing: fails if the install is not the one we want

    @property
    def venv(self) -> Path:
        """Where the peer's venv lives (git-ignored)."""
        return HERE / f".venv-{self.name}"


PEERS = {
    "micrograd": Peer("micrograd", ("micrograd==0.1.0",), "import micrograd.engine"),
    # torch==2.13.0 exactly: on this machine pip takes its CPU build from the local wheel directory,
    # where a looser pin would pull a CUDA build of several GB. The check refuses a CUDA build.
    "torch": Peer("torch", ("torch==2.13.0",),
                  "import torch, sys; sys.exit(f'a CUDA build: {torch.version.cuda}' if torch.version.cuda else 0)"),
    "jax": Peer("jax", ("jax", "jaxlib"), "import jax; jax.config.update('jax_platforms', 'cpu'); jax.numpy.zeros(1)"),
}

BASE_PYTHON = "python3.11"  # torch 2.13.0's CPU wheel here is for CPython 3.11; every peer uses the same
_STAMP = ".installed"
_failed: dict[str, str] = {}  # peers whose venv could not be made in this process, and why


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def python(name: str, given: str | None = None) -> str | None:
    """The interpreter that has peer ``name``: the one given, its venv (made on first use), or None if unavailable."""
    if given:
        return given
    peer = PEERS[name]
    interpreter = peer.venv / "bin" / "python"
    stamp = peer.venv / _STAMP
    if stamp.exists() and stamp.read_text() == "\n".join(peer.requirements):
        return str(interpreter)
    if name in _failed:
        return None
    base = shutil.which(BASE_PYTHON)
    if base is None:
        return _unavailable(name, f"no {BASE_PYTHON} on PATH to make its venv with")
    if peer.venv.exists():  # an interrupted or outdated install: start again
        shutil.rmtree(peer.venv)
    _say(f"creating {peer.venv} with {' '.join(peer.requirements)} (once)")
    steps = [[base, "-m", "venv", str(peer.venv)],
             [str(interpreter), "-m", "pip", "install", "--quiet", *peer.requirements],
             [str(interpreter), "-c", peer.check]]
    for cmd in steps:
        out = subprocess.run(cmd, capture_output=True, text=True, env=_clean_env())
        if out.returncode != 0:
            last = (out.stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]
            return _unavailable(name, f"`{' '.join(cmd[-3:])}` failed: {last}")
    stamp.write_text("\n".join(peer.requirements))
    return str(interpreter)


def _unavailable(name: str, why: str) -> None:
    _failed[name] = why
    _say(f"{name}: left out, its venv could not be made ({why})")
    return None


def _clean_env() -> dict[str, str]:
    # The peer must not see this project on its path, nor look for accelerators.
    return {**os.environ, "PYTHONPATH": "", "JAX_PLATFORMS": "cpu"}


def run(python_path: str, script: str, job: dict) -> dict:
    """Run ``script`` with the peer's interpreter, the job as JSON on stdin; its JSON stdout, parsed."""
    out = subprocess.run([python_path, "-c", script], input=json.dumps(job), capture_output=True, text=True,
                         env=_clean_env())
    if out.returncode != 0:
        raise RuntimeError(f"peer run with {python_path} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def version(python_path: str, module: str) -> str:
    """The installed version of ``module`` in that interpreter (for the benchmark's header)."""
    code = f"import importlib.metadata as m; print(m.version({module!r}))"
    out = subprocess.run([python_path, "-c", code], capture_output=True, text=True, env=_clean_env())
    return out.stdout.strip() or "?"


# Appended to a worker's script, which defines setup(job) -> dict and measure(**request) -> dict.
_DRIVER = r"""
import json as _json, sys as _sys
_out = setup(_json.loads(_sys.stdin.readline()))
print(_json.dumps(_out), flush=True)
for _line in _sys.stdin:
    print(_json.dumps(measure(**_json.loads(_line))), flush=True)
"""


class Worker:
    """A peer's long-lived process: ``setup(job)`` once (imports, checks, compiling), then ``measure()`` per round."""

    def __init__(self, python_path: str, script: str, job: dict) -> None:
        self._log = tempfile.TemporaryFile(mode="w+")  # stderr goes to a file: a full pipe would block the peer
        self._proc = subprocess.Popen([python_path, "-c", script + _DRIVER], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=self._log, text=True, env=_clean_env())
        self.python = python_path
        self.setup = self._ask(job)

    def measure(self, **request) -> dict:
        """One round of measurements, as the script's measure(**request) returns them."""
        return self._ask(request)

    def _ask(self, message: dict) -> dict:
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait()
            self._log.seek(0)
            raise RuntimeError(f"peer worker {self.python} failed:\n{self._log.read()}")
        return json.loads(line)

    def close(self) -> None:
        """End the peer's process (it exits when its stdin closes)."""
        self._proc.stdin.close()
        self._proc.wait()
        self._log.close()
