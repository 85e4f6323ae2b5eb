"""An op's numpy forms applied to one call of the numpy replay (the loop's and its written-out source's):
where the op has none, or its form fails or gives other than one derivative per input, the op's float
rule element by element, which gives the same numbers and names the failing node (and sample)."""

from __future__ import annotations

import numpy as np

from .ops import DomainError
from .tape_text import node_name
from .value import as_number


def forward_of(tape, call, a, batch: int | None) -> np.ndarray:
    """The op's numpy forward on a call's arguments (one array for a stacked form, else a list of rows);
    the float rule element by element where it has none or fails (which names the culprit)."""
    form = call.op.numpy_forward
    try:
        if form is None:
            return each_forward(tape, call, a, batch)
        return form(a) if call.stacked else form(*a)
    except (ArithmeticError, ValueError):
        return each_forward(tape, call, a, batch)


def partials_of(tape, call, out: np.ndarray, a: list):
    """The op's numpy partials on a call's outputs and argument rows: one derivative per input."""
    form = call.op.numpy_partials
    local = form(out, *a) if form is not None else None
    if not isinstance(local, (tuple, list)) or len(local) != call.inputs:
        local = each_partials(tape, call, out, a)
    return local


def as_array(values: list) -> np.ndarray:
    """The python replay's gradients (floats) as the float array ``backward(array=True)`` gives."""
    return np.array(values, dtype=float)


def _elements(a) -> list:
    """The call's arguments per element (node-major, then sample), as lists of floats."""
    return np.array(a).reshape(len(a), -1).T.tolist()


def each_forward(tape, call, a, batch: int | None) -> np.ndarray:
    """The op's float forward on every element: exact, and the interpreter's error with the node and sample."""
    forward, name = call.op.forward, call.op.name
    out = []
    for e, args in enumerate(_elements(a)):
        try:
            out.append(as_number(forward(*args), f"{name}: forward result"))
        except (ArithmeticError, ValueError) as exc:
            message = str(exc) if isinstance(exc, DomainError) else f"{name}: {exc} for inputs {args!r}"
            node, sample = divmod(e, batch) if batch is not None else (e, None)
            where = f"tape node {node_name(tape, call.nodes[node])}" + ("" if sample is None else f", sample {sample}")
            raise DomainError(f"{message} ({where})") from None
    return np.array(out).reshape(np.shape(a[0]))


def each_partials(tape, call, out: np.ndarray, a) -> list:
    """The op's float partials on every element, stacked as (inputs, *shape)."""
    partials, name = call.op.partials, call.op.name
    rows = []
    for o, args in zip(out.ravel().tolist(), _elements(a)):
        try:
            local = partials(o, *args)
        except (ArithmeticError, ValueError) as exc:
            raise DomainError(f"{name}: derivative rule failed at inputs {args!r}: {exc}") from None
        if not isinstance(local, (tuple, list)) or len(local) != call.inputs:
            raise TypeError(f"{name}: partials must return a tuple of {call.inputs} derivative(s), one per input, "
                            f"got {local!r:.200}")
        rows.append(local)
    return list(np.array(rows, dtype=float).T.reshape(call.inputs, *out.shape))
