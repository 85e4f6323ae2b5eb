"""Per-op checks: each node's local derivative rule against a central difference of its op alone.

``check_op`` also checks the rule's second derivatives (the rule run on Values, as
``create_graph`` runs it, differentiated, against central differences of the rule on floats)
and the op's numpy forms against its float rules (``gradcheck_forms``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from .engine import backprop, topological_order
from .gradcheck_forms import forms_rows
from .gradcheck_report import FAIL, KINK, CheckReport, CheckRow, verdict
from .ops import OPS, DomainError, Op, numbers_of
from .switches import enable_grad
from .value import Value, apply


def _local_rows(op: Op, inputs: list[float], consts: list[float], eps: float, atol: float, rtol: float,
                where: str, positions: Iterable[int]) -> list[CheckRow]:
    """Rows comparing op.partials with central differences of op.forward at these inputs (then params)."""
    out = op.forward(*inputs, *consts)
    try:
        analytic = op.partials(out, *inputs, *consts)
    except (ArithmeticError, ValueError) as exc:
        return [CheckRow(f"op '{op.name}'{where}", inputs[0] if inputs else math.nan, math.nan, math.nan, FAIL,
                         f"partials failed: {exc}")]
    if not isinstance(analytic, (tuple, list)) or len(analytic) != len(inputs):
        note = f"partials gave {analytic!r:.80} for {len(inputs)} input(s): one derivative per input is needed"
        return [CheckRow(f"op '{op.name}'{where}", inputs[0] if inputs else math.nan, math.nan, math.nan, FAIL, note)]
    rows = []
    for j in positions:
        name = f"op '{op.name}'{where} input {j}"
        a = float(analytic[j])
        shifted = [[*inputs[:j], inputs[j] + h, *inputs[j + 1 :], *consts] for h in (eps, -eps)]
        if op.piece is not None and len({op.piece(*args) for args in shifted} | {op.piece(*inputs, *consts)}) > 1:
            rows.append(CheckRow(name, inputs[j], a, math.nan, KINK, "at a kink of the op"))
            continue
        try:
            plus, minus = (op.forward(*args) for args in shifted)
        except (DomainError, ArithmeticError, ValueError) as exc:
            rows.append(CheckRow(name, inputs[j], a, math.nan, KINK, f"edge of the domain: {exc}"))
            continue
        numeric = (plus - minus) / (2.0 * eps)
        rows.append(CheckRow(name, inputs[j], a, numeric, verdict(a, numeric, atol, rtol)))
    return rows


def _second_rows(op: Op, inputs: list[float], consts: list[float], eps: float, atol: float, rtol: float,
                 where: str) -> list[CheckRow]:
    """Rows comparing the derivatives of op.partials run on Values with central differences of it on floats.

    A rule that gives the right numbers on floats but not a graph on Values (``math.cos(x)``,
    which reads a Value as its float) makes every higher derivative wrong; this is where it shows.
    """
    leaves = [Value(v) for v in inputs]
    try:
        with enable_grad():
            local = op.partials(apply(op, *leaves, *consts), *leaves, *consts)
    except (ArithmeticError, ValueError, TypeError, AttributeError) as exc:
        return [CheckRow(f"op '{op.name}'{where}", inputs[0], math.nan, math.nan, FAIL,
                         f"partials failed on Values (as create_graph runs them): {exc}")]
    if not isinstance(local, (tuple, list)) or len(local) != len(inputs):
        note = f"partials on Values gave {local!r:.80}: one derivative per input is needed"
        return [CheckRow(f"op '{op.name}'{where}", inputs[0], math.nan, math.nan, FAIL, note)]

    def first(args: list[float], j: int) -> float:
        return float(op.partials(op.forward(*args), *args)[j])

    rows = []
    for j, d in enumerate(local):
        second = backprop(d) if isinstance(d, Value) else {}
        for k in range(len(inputs)):
            name = f"op '{op.name}'{where} d(partial {j})/d(input {k})"
            analytic = float(second.get(leaves[k], 0.0))
            shifted = [[*inputs[:k], inputs[k] + h, *inputs[k + 1:], *consts] for h in (eps, -eps)]
            if op.piece is not None and len({op.piece(*args) for args in shifted} | {op.piece(*inputs, *consts)}) > 1:
                rows.append(CheckRow(name, inputs[k], analytic, math.nan, KINK, "at a kink of the op"))
                continue
            try:
                plus, minus = (first(args, j) for args in shifted)
            except (ArithmeticError, ValueError) as exc:
                rows.append(CheckRow(name, inputs[k], analytic, math.nan, KINK, f"edge of the domain: {exc}"))
                continue
            numeric = (plus - minus) / (2.0 * eps)
            result = verdict(analytic, numeric, atol, rtol)
            note = "" if result != FAIL else "the rule on Values differentiates to another number (math.* in it?)"
            rows.append(CheckRow(name, inputs[k], analytic, numeric, result, note))
    return rows


def _spread(n: int, most: int) -> list[int]:
    """Up to ``most`` positions spread evenly over range(n) (all of them when n is small)."""
    if n <= most:
        return list(range(n))
    return sorted({round(i * (n - 1) / (most - 1)) for i in range(most)})


def check_graph(root: Value, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                raise_exception: bool = True, max_inputs_per_node: int = 16) -> CheckReport:
    """Check every node's local derivative in root's graph, so a wrong rule is named by its op.

    An n-ary node (sum, dot) with many inputs is checked at up to ``max_inputs_per_node``
    evenly spread positions: its rule is the same for every position.
    """
    report = CheckReport("per-node check", "node")
    for node in topological_order(root):
        op = node.primitive
        if op is None:
            continue
        numbers = numbers_of(node.arguments)
        n = len(numbers) - len(op.params)
        inputs, consts = numbers[:n], numbers[n:]  # a constant input is checked as an input: its rule is the same
        where = f" (node '{node.label}')" if node.label else ""
        parents = [i for i, a in enumerate(node.arguments[:n]) if isinstance(a, Value)]
        positions = [parents[i] for i in _spread(len(parents), max_inputs_per_node)]
        report.rows += _local_rows(op, inputs, consts, eps, atol, rtol, where, positions)
    if raise_exception:
        report.raise_if_failed()
    return report


def check_op(op: Op | str, points: int = 5, seed: int = 0, eps: float = 1e-6, atol: float = 1e-5,
             rtol: float = 1e-3, raise_exception: bool = True) -> CheckReport:
    """Check one op at random points of its declared domain, for each sample constant.

    Its first derivatives against central differences of its forward, its second derivatives
    against central differences of its first, and its numpy forms (if any) against its float rules.
    """
    op = OPS[op] if isinstance(op, str) else op
    rng = random.Random(seed)
    report = CheckReport(f"check of op '{op.name}'", "op")
    n = op.arity if op.arity is not None else 4  # an n-ary op is checked with 4 inputs
    ranges = list(op.domain) if op.arity is not None else [op.domain[0]] * n
    for consts in op.samples:
        label = f" ({', '.join(f'{p}={c:g}' for p, c in zip(op.params, consts))})" if consts else ""
        at = [[rng.uniform(lo, hi) for lo, hi in ranges[:n]] for _ in range(points)]
        for inputs in at:
            report.rows += _local_rows(op, inputs, list(consts), eps, atol, rtol, label, range(n))
            report.rows += _second_rows(op, inputs, list(consts), eps, atol, rtol, label)
        report.rows += forms_rows(op, at, list(consts), label)
    if raise_exception:
        report.raise_if_failed()
    return report


def check_ops(names: Iterable[str] | None = None, **kwargs) -> dict[str, CheckReport]:
    """check_op for every registered op (or the named ones): the table checks itself."""
    return {name: check_op(OPS[name], **kwargs) for name in (names if names is not None else list(OPS))}
