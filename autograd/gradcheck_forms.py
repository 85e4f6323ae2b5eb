"""An op's numpy forms (what the compiled tape runs) against its float rules (what the interpreter runs).

The tape trusts ``numpy_forward`` and ``numpy_partials`` to give the float rules' numbers; a
form that does not makes a tape's results differ from the interpreter's with no other sign.
This reads only the public fields of the ``Op`` and calls each form as the tape does: one array
per argument, or, for a form marked ``stacked``, one array of all the arguments, argument-major.
"""

from __future__ import annotations

import math

from .gradcheck_report import FAIL, OK, CheckRow
from .ops import Op

# The forms are the float rules' operations on arrays: the same numbers to within a few ulp.
_RTOL = 1e-9
_ATOL = 1e-12


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= _ATOL + _RTOL * abs(b)


def _per_input(np, local, inputs: int, size: int):
    """A partials form's result as an (inputs, size) array, or None if it is not one derivative per input."""
    if not isinstance(local, (tuple, list)) or len(local) != inputs:
        return None
    return np.stack([np.broadcast_to(np.asarray(d, dtype=float), (size,)) for d in local])


def _stacked_per_input(np, local, inputs: int, size: int):
    """A stacked partials form's result (an array, a float for all, or row blocks in order) as (inputs, size)."""
    if isinstance(local, tuple):
        local = np.concatenate([np.broadcast_to(np.asarray(b, dtype=float), (len(b), size)) for b in local])
    return np.broadcast_to(np.asarray(local, dtype=float), (inputs, size))


def forms_rows(op: Op, points: list[list[float]], consts: list[float], where: str) -> list[CheckRow]:
    """Rows comparing the op's numpy forms with its float rules at these inputs (one row per point and form)."""
    forward, partials = op.numpy_forward, op.numpy_partials
    if (forward is None and partials is None) or not points:
        return []
    import numpy as np  # only here, and only for an op with numpy forms: the interpreter stays pure Python

    size, inputs = len(points), len(points[0])
    args = np.array([[*p, *consts] for p in points], dtype=float).T  # (arguments, points), as the tape's rows
    try:
        expected_out = [op.forward(*p, *consts) for p in points]
        expected_partials = [op.partials(o, *p, *consts) for o, p in zip(expected_out, points)]
    except (ArithmeticError, ValueError, TypeError):
        return []  # the float rules themselves fail: the rows of the derivative checks say so
    rows = []

    def fail(form: str, exc) -> list[CheckRow]:
        return [CheckRow(f"op '{op.name}'{where} {form}", points[0][0], math.nan, math.nan, FAIL, exc)]

    def compare(form: str, got, expected) -> None:
        for k, (g, e) in enumerate(zip(got, expected)):
            name = f"op '{op.name}'{where} {form}"
            rows.append(CheckRow(name, points[k][0], g, e, OK if _same(g, e) else FAIL,
                                 "" if _same(g, e) else "the numpy form (analytic) vs the float rule (numeric)"))

    out = np.array(expected_out, dtype=float)
    with np.errstate(all="ignore"):  # as the tape runs them: inf and nan propagate silently
        if forward is not None:
            try:
                got = forward(args) if getattr(forward, "stacked", False) else forward(*args)
                got = np.broadcast_to(np.asarray(got, dtype=float), (size,)).tolist()
            except (ArithmeticError, ValueError, TypeError) as exc:
                return fail("numpy_forward", f"numpy_forward failed inside the domain: {exc}")
            compare("numpy_forward", got, expected_out)
        if partials is not None:
            try:
                if getattr(partials, "stacked", False):
                    local = _stacked_per_input(np, partials(out, args), inputs, size)
                else:
                    local = _per_input(np, partials(out, *args), inputs, size)
            except (ArithmeticError, ValueError, TypeError) as exc:
                return rows + fail("numpy_partials", f"numpy_partials failed inside the domain: {exc}")
            if local is None:
                return rows + fail("numpy_partials", f"numpy_partials must give one derivative per input ({inputs})")
            for j in range(inputs):
                compare(f"numpy_partials input {j}", local[j].tolist(), [float(e[j]) for e in expected_partials])
    return rows
