"""The result table of a gradient check: one row per checked derivative, as text and as HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

OK = "ok"
FAIL = "FAIL"
KINK = "not differentiable here"


class GradcheckError(Exception):
    """A gradient check failed; ``.report`` holds the whole table."""

    def __init__(self, message: str, report: CheckReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class CheckRow:
    """One compared derivative: what was differentiated, both numbers, their errors and the verdict."""

    name: str
    at: float
    analytic: float
    numeric: float
    verdict: str
    note: str = ""

    @property
    def abs_error(self) -> float:
        return abs(self.analytic - self.numeric)

    @property
    def rel_error(self) -> float:
        scale = max(abs(self.analytic), abs(self.numeric))
        return self.abs_error / scale if scale > 0.0 else 0.0


def fmt(x: float) -> str:
    """A number in 6 significant digits, scientific where needed."""
    return f"{x:.6g}"


@dataclass
class CheckReport:
    """All rows of one check; prints as a text table, shows as an HTML table in Jupyter."""

    title: str
    subject: str  # header of the first column: "input" or "node"
    rows: list[CheckRow] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when no row failed (rows at a kink are neither passes nor failures)."""
        return not self.failures

    @property
    def confirmed(self) -> bool:
        """True when every row passed: none failed, and none went without a verdict (a kink, a domain edge)."""
        return self.passed and not any(r.verdict == KINK for r in self.rows)

    @property
    def failures(self) -> list[CheckRow]:
        return [r for r in self.rows if r.verdict == FAIL]

    def _cells(self) -> list[list[str]]:
        return [
            [r.name, fmt(r.at), fmt(r.analytic), fmt(r.numeric), fmt(r.abs_error), fmt(r.rel_error),
             r.verdict + (f" ({r.note})" if r.note else "")]
            for r in self.rows
        ]

    def _header(self) -> list[str]:
        return [self.subject, "at", "analytic", "numeric", "abs error", "rel error", "verdict"]

    def __str__(self) -> str:
        table = [self._header()] + self._cells()
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return f"{self.title}: {self.status}\n" + "\n".join(lines)

    @property
    def status(self) -> str:
        """'passed', 'FAILED (k of n)', and how many rows had no verdict (at a kink or domain edge)."""
        kinks = sum(r.verdict == KINK for r in self.rows)
        if self.failures:
            status = f"FAILED ({len(self.failures)} of {len(self.rows)})"
        elif kinks == len(self.rows):
            return "no verdict: not differentiable here"
        else:
            status = "passed"
        return status + (f", {kinks} not differentiable here" if kinks else "")

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self._header())
        body = "".join(
            f"<tr style='color:{'#b00' if row.verdict == FAIL else 'inherit'}'>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + "</tr>"
            for row, cells in zip(self.rows, self._cells())
        )
        caption = html.escape(f"{self.title}: {self.status}")
        return f"<p><b>{caption}</b></p><table><tr>{head}</tr>{body}</table>"

    __repr__ = __str__

    def raise_if_failed(self) -> CheckReport:
        """Raise GradcheckError naming the first failed row and showing both numbers."""
        if self.failures:
            r = self.failures[0]
            raise GradcheckError(
                f"{self.title}: wrong derivative for {r.name} at {fmt(r.at)}: analytic {r.analytic!r} vs numeric "
                f"{r.numeric!r} (abs error {fmt(r.abs_error)}, rel error {fmt(r.rel_error)})"
                + (f"; {len(self.failures) - 1} more failure(s)" if len(self.failures) > 1 else "")
                + f"\n{self}",
                self,
            )
        return self


def verdict(analytic: float, numeric: float, atol: float, rtol: float) -> str:
    """ok when |analytic - numeric| <= atol + rtol * |numeric| (as numpy.allclose), else FAIL."""
    close = abs(analytic - numeric) <= atol + rtol * abs(numeric)
    return OK if close else FAIL
