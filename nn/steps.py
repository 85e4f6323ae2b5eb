"""One optimizer step on a batch: eagerly on a graph of Values, or replayed through a compiled tape."""

from __future__ import annotations

import math

import numpy as np

from autograd import DomainError, GuardError, Value, backprop, enable_grad, record

from . import losses
from .optim import Optimizer
from .replay import input_leaves


class StepFailed(Exception):
    """Internal: a step found a non-finite number; fit turns it into a DivergedError."""


def data_of(out) -> float | list[float]:
    return out.data if isinstance(out, Value) else [v.data for v in out]


def objective(loss_fn, preds, targets, params, l1: float, l2: float) -> Value:
    """The data loss plus the penalties l1 * sum|p| + l2 * sum p**2 (as micrograd's demo adds its 1e-4 term)."""
    total = loss_fn(preds, targets)
    if not isinstance(total, Value):
        raise TypeError(f"fit: the loss function must return a Value, got {type(total).__name__} {total!r}")
    if l2:
        total = total + l2 * losses.l2(params)
    if l1:
        total = total + l1 * losses.l1(params)
    return total


def _written(params: list, optimized: list) -> list:
    """The parameters whose .grad a step sets: the model's (for penalties) and the optimizer's, once each."""
    if optimized is params:
        return params
    seen = {id(p) for p in params}
    return [*params, *(p for p in optimized if id(p) not in seen)]


def eager_step(model, rows, targets, loss_fn, params, optimizer: Optimizer, l1: float, l2: float):
    """One update on a batch: (loss, gradient norm, outputs); raises StepFailed before changing anything."""
    try:
        preds = [model(x) for x in rows]
        total = objective(loss_fn, preds, targets, params, l1, l2)
        value = total.data
        if not math.isfinite(value):
            raise StepFailed(f"the loss is {value!r}")
        # backprop gives every node's gradient without writing .grad on the whole graph (which
        # is dropped after the step): only the parameters' gradients are set, as a fresh batch's.
        grads = backprop(total)
    except DomainError as exc:  # e.g. exp overflowing: the numbers have left the float range
        raise StepFailed(str(exc)) from None
    for p in _written(params, optimizer.params):
        p.grad = grads.get(p, 0.0)
    # The optimizer checks the gradients (one check, naming a non-finite one) before it changes
    # anything; its ValueError becomes StepFailed, then DivergedError.
    try:
        optimizer.step()
    except ValueError as exc:
        raise StepFailed(str(exc)) from None
    norm = math.sqrt(sum(float(p.grad) ** 2 for p in optimizer.params))
    return value, norm, [data_of(p) for p in preds]


class _CompiledStep:
    """One step's loss graph for one batch size, recorded on input, target and parameter leaves, as a tape.

    ``targets`` holds the batch's rows as its target leaves take them (``losses.leaf_targets``);
    ``scalar`` says whether a sample's target is one Value (else a list, as for several outputs).
    With ``outputs``, the replay also gives each sample's outputs (for the metrics), read from
    the forward's values (``tape.values_of``).
    """

    def __init__(self, model, rows, targets: list, scalar: bool, loss_fn, params, l1: float, l2: float,
                 outputs: bool):
        xs = [input_leaves(len(row), row) for row in rows]
        ts = [[Value(v, f"y[{i}]") for v in row] for i, row in enumerate(targets)]
        with enable_grad(), record() as scope:  # comparisons on Values become the tape's guards
            preds = [model(x) for x in xs]
            total = objective(loss_fn, preds, [t[0] if scalar else t for t in ts], params, l1, l2)
        outs = [[p] if isinstance(p, Value) else list(p) for p in preds]
        self.outs = tuple(o for row in outs for o in row) if outputs else ()  # every sample's outputs, in order
        self.width = len(outs[0]) if outs else 0  # outputs per sample
        self.tape = tape = scope.compile(total, also=self.outs)
        index = {leaf: k for k, leaf in enumerate(tape.leaves)}
        # The leaf values as one float array: the fixed leaves' numbers (constants) once, then per
        # step the parameters' numbers and the batch's, each written by one fancy index.
        self.values = np.array([leaf.data for leaf in tape.leaves], dtype=float)
        x = [(index[leaf], i * len(row) + j) for i, row in enumerate(xs) for j, leaf in enumerate(row) if leaf in index]
        t = [(index[leaf], i * len(row) + j) for i, row in enumerate(ts) for j, leaf in enumerate(row) if leaf in index]
        self.x_at, self.x_from = (np.array(v, dtype=np.intp) for v in zip(*x)) if x else (_NONE, _NONE)
        self.t_at, self.t_from = (np.array(v, dtype=np.intp) for v in zip(*t)) if t else (_NONE, _NONE)
        self.params = list({id(p): p for p in params}.values())
        self.reached = [p for p in self.params if p in index]  # the parameters the loss reaches: leaves
        self.p_at = np.array([index[p] for p in self.reached], dtype=np.intp)
        # The gradients asked of the tape (the inputs' and targets' are never read): the reached
        # parameters'; below, positions are in this list.
        self.wrt = tuple(index[p] for p in self.reached)
        at = {id(p): k for k, p in enumerate(self.reached)}
        self.position = {id(p): at.get(id(p), -1) for p in self.params}  # -1: not reached, gradient 0
        self.optimized = None  # the optimizer's parameters, and below their gradients' positions
        self.optimized_at = self.theirs_at = _NONE
        self.single = bool(preds) and isinstance(preds[0], Value)

    def gradients(self, rows, targets) -> tuple[float, list, list]:
        """The loss on this batch, the gradients ``wrt`` asks for (then a 0.0) and the outputs, at the parameters."""
        values = self.values.copy()
        values[self.p_at] = [p.data for p in self.reached]
        values[self.x_at] = np.asarray(rows, dtype=float).ravel()[self.x_from]
        values[self.t_at] = np.asarray(targets, dtype=float).ravel()[self.t_from]
        value, grads = self.tape.value_and_grad(values, wrt=self.wrt)
        outputs = self.tape.values_of(self.outs) if self.outs else []
        if not self.single:
            outputs = [outputs[i:i + self.width] for i in range(0, len(outputs), self.width)]
        grads.append(0.0)  # the gradient of a parameter the loss does not reach (position -1)
        return value, grads, outputs


_NONE = np.zeros(0, dtype=np.intp)


class FixedTargetsLoss:
    """The objective on one set of rows' targets (fit's validation set) as a tape over the outputs and parameters.

    Recorded once with leaves for the outputs (``outputs``: the first numbers they take, a list,
    or a list of rows for several outputs) and the targets as constants, then replayed forward
    each epoch: no graph of the loss is built again. Raises DomainError for a loss that is not
    finite there and GuardError when its code took another branch (the caller computes it eagerly).
    """

    def __init__(self, outputs: list, targets: list, loss_fn, params, l1: float, l2: float) -> None:
        single = not outputs or not isinstance(outputs[0], list)
        rows = [[v] for v in outputs] if single else outputs
        leaves = [[Value(float(v), f"out[{i},{j}]") for j, v in enumerate(row)] for i, row in enumerate(rows)]
        with enable_grad(), record() as scope:
            total = objective(loss_fn, [row[0] for row in leaves] if single else leaves, targets, params, l1, l2)
        self.tape = tape = scope.compile(total)
        index = {leaf: k for k, leaf in enumerate(tape.leaves)}
        self.values = np.array([leaf.data for leaf in tape.leaves], dtype=float)
        o = [(index[leaf], k) for k, leaf in enumerate(v for row in leaves for v in row) if leaf in index]
        self.o_at, self.o_from = (np.array(v, dtype=np.intp) for v in zip(*o)) if o else (_NONE, _NONE)
        self.reached = [p for p in {id(p): p for p in params}.values() if p in index]
        self.p_at = np.array([index[p] for p in self.reached], dtype=np.intp)

    def __call__(self, outputs) -> float:
        """The loss at these outputs (as given to the constructor) and the parameters' current numbers."""
        values = self.values.copy()
        values[self.p_at] = [p.data for p in self.reached]
        values[self.o_at] = np.asarray(outputs, dtype=float).ravel()[self.o_from]
        return self.tape.forward(values)


def compiled_step(steps: dict, model, rows, targets, scalar, loss_fn, params, optimizer, l1, l2, outputs: bool):
    """eager_step through the tape, or None for a batch the tape cannot take (a non-finite number, a flipped
    guard, a saturated label while recording): that step is taken eagerly, with eager's numbers or error."""
    try:
        step = steps.get(len(rows))
        if step is None:
            step = steps[len(rows)] = _CompiledStep(model, rows, targets, scalar, loss_fn, params, l1, l2, outputs)
        value, grads, out = step.gradients(rows, targets)
    except (DomainError, GuardError):
        return None
    if step.optimized is not optimizer.params:  # where the optimizer's parameters' gradients are
        step.optimized = optimizer.params
        step.optimized_at = np.array([step.position.get(id(p), -1) for p in optimizer.params], dtype=np.intp)
        step.theirs_at = np.array(list(step.position.values()), dtype=np.intp)
        # the optimizer's parameters that are not the loss's leaves (their gradient is 0)
        step.unreached = [p for p in optimizer.params if id(p) not in step.position]
    grads = np.array(grads)
    mine = grads[step.optimized_at]
    squares = float(mine @ mine)
    theirs = grads[step.theirs_at]
    # an overflowing sum of squares, as a non-finite number, sends the step to eager
    if not (math.isfinite(value) and math.isfinite(squares) and np.isfinite(theirs).all()):
        return None
    for p, g in zip(step.params, theirs.tolist()):  # each gradient written once
        p.grad = g
    for p in step.unreached:
        p.grad = 0.0
    try:
        optimizer.step()
    except ValueError as exc:
        raise StepFailed(str(exc)) from None
    return value, math.sqrt(squares), out
