"""gradcheck: a function's backward gradients against central differences in float64."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from .engine import backprop, topological_order
from .functions import signature_takes
from .gradcheck_report import KINK, CheckReport, CheckRow, verdict
from .ops import DomainError, numbers_of
from .value import Value, as_number


def _names(f: Callable, inputs: Sequence) -> list[str]:
    """Each input's name: its label, else f's parameter name, else its index."""
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value) and x.label:
            names.append(x.label)
        elif i < len(params):
            names.append(params[i])
        else:
            names.append(f"inputs[{i}]")
    return names


def _pieces(root: Value) -> tuple:
    """Which smooth piece every node of a piecewise op sits on (relu: the side of 0 its input is on)."""
    signature = []
    for node in topological_order(root):
        op = node.primitive
        if op is not None and op.piece is not None:
            signature.append((op.name, op.piece(*numbers_of(node.arguments))))
    return tuple(signature)  # in walk order, which is the same for graphs of the same shape


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> CheckReport:
    """Compare backward's gradient of f at inputs with central differences, input by input.

    An input whose perturbation by +-eps moves some relu/abs-like node across its kink (or out
    of f's domain) is reported as "not differentiable here", neither a pass nor a failure.
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be callable, got {type(f).__name__}")
    if isinstance(inputs, (Value, int, float)):
        inputs = [inputs]
    points = [as_number(x.data if isinstance(x, Value) else x, f"gradcheck: inputs[{i}]")
              for i, x in enumerate(inputs)]
    if not signature_takes(f, len(points)):
        raise TypeError(f"gradcheck: f{inspect.signature(f)} cannot take the {len(points)} input(s) given; "
                        "give one input per parameter of f")
    if not (isinstance(eps, float) and eps > 0.0):
        raise ValueError(f"gradcheck: eps must be a positive float, got {eps!r}")
    names = _names(f, inputs)

    def run(values: list[float]) -> tuple[Value, list[Value]]:
        leaves = [Value(v, label=n) for v, n in zip(values, names)]
        out = f(*leaves)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__} {out!r}")
        return out, leaves

    out, leaves = run(points)
    grads = backprop(out)
    base_pieces = _pieces(out)
    report = CheckReport(f"gradcheck of {getattr(f, '__name__', 'f')}", "input")
    for i, (name, leaf) in enumerate(zip(names, leaves)):
        analytic = float(grads.get(leaf, 0.0))
        try:
            plus, _ = run(points[:i] + [points[i] + eps] + points[i + 1:])
            minus, _ = run(points[:i] + [points[i] - eps] + points[i + 1:])
        except DomainError as exc:
            note = f"x +- eps leaves f's domain, so there is no central difference (a smaller eps may give one): {exc}"
            report.rows.append(CheckRow(name, points[i], analytic, float("nan"), KINK, note))
            continue
        numeric = (plus.data - minus.data) / (2.0 * eps)
        if not (_pieces(plus) == base_pieces == _pieces(minus)):
            report.rows.append(CheckRow(name, points[i], analytic, numeric, KINK, "a kink lies within eps"))
            continue
        report.rows.append(CheckRow(name, points[i], analytic, numeric, verdict(analytic, numeric, atol, rtol)))
    if raise_exception:
        report.raise_if_failed()
    return report
