"""fit's progress: a tqdm bar in a terminal or a notebook, one line per epoch in a log file or pipe.

A bar redraws itself with carriage returns, which a file keeps: a log of 1,000 epochs would get
one line of 1,000 redraws. So where stderr is no terminal (and no notebook shows the bar),
each epoch gets a line of its own, as Keras's ``verbose=2`` prints.
"""

from __future__ import annotations

import os
import sys


def tqdm_disabled() -> bool:
    """TQDM_DISABLE=1 in the environment, read now (tqdm itself reads it once, when it is imported)."""
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no")


def progress(total: int, enabled: bool) -> Bar | Lines | None:
    """What shows fit's ``total`` epochs: a Bar, Lines where a bar would be unreadable, or None (off)."""
    if not enabled or tqdm_disabled():
        return None
    # tqdm.autonotebook picks the notebook widget inside Jupyter; it warns at import time in a
    # Jupyter without ipywidgets, so it is only imported when a bar is asked for.
    from tqdm.autonotebook import tqdm as auto
    from tqdm.std import tqdm as text

    if auto is text and not _is_terminal(sys.stderr):
        return Lines(total, sys.stderr)
    return Bar(auto(total=total, desc="fit", unit="epoch"))


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _postfix(record: dict) -> dict[str, str]:
    """The record's numbers, 4 significant digits each, for the bar or a line (the epoch is shown apart)."""
    return {k: f"{v:.4g}" for k, v in record.items() if k != "epoch" and v is not None}


class Bar:
    """A tqdm bar advanced once per epoch, showing the epoch's record."""

    def __init__(self, bar) -> None:
        self.bar = bar

    def epoch(self, record: dict) -> None:
        self.bar.update(1)
        self.bar.set_postfix(_postfix(record))

    def close(self) -> None:
        self.bar.close()


class Lines:
    """One line per epoch on ``stream``: ``fit: epoch 3/100  train_loss=0.4121  lr=0.01 ...``."""

    def __init__(self, total: int, stream) -> None:
        self.total, self.stream = total, stream

    def epoch(self, record: dict) -> None:
        numbers = "  ".join(f"{k}={v}" for k, v in _postfix(record).items())
        print(f"fit: epoch {record['epoch']}/{self.total}  {numbers}", file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to close: each line is complete when written."""
