"""One optimizer step on a batch: eagerly on a graph of Values, or replayed through a compiled tape."""

from __future__ import annotations

import math

import numpy as np

from autograd import DomainError, GuardError, Value, backprop, enable_grad, record

from . import losses
from ._interrupts import sigint_deferred
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
    return value, grad_norm([float(p.grad) for p in optimizer.params]), [data_of(p) for p in preds]


def grad_norm(grads: list[float]) -> float:
    """The gradients' Euclidean norm: sqrt of the sum of squares, as the compiled step computes it, or
    where a square overflows (a finite gradient above about 1e154) math.hypot, which does not."""
    squares = sum(g * g for g in grads)
    return math.sqrt(squares) if math.isfinite(squares) else math.hypot(*grads)


class _LeafValues:
    """A tape's leaf values as one float array, for each replay: the fixed leaves' numbers once, then
    the parameters' current numbers and each group's rows (leaves per row, e.g. a batch's inputs),
    each written by one fancy index. Leaves the tape does not have are skipped."""

    def __init__(self, tape, params, *groups: list[list[Value]]) -> None:
        self.index = index = {leaf: k for k, leaf in enumerate(tape.leaves)}
        self.fixed = np.array([leaf.data for leaf in tape.leaves], dtype=float)
        self.params = list({id(p): p for p in params}.values())  # each once
        self.reached = [p for p in self.params if p in index]  # the parameters the tape reads: its leaves
        self.p_at = np.array([index[p] for p in self.reached], dtype=np.intp)
        self.groups = []  # per group: (positions in the tape's leaves, positions in the group's flat rows)
        for rows in groups:
            pairs = [(index[leaf], k) for k, leaf in enumerate(v for row in rows for v in row) if leaf in index]
            self.groups.append(tuple(np.array(v, dtype=np.intp) for v in zip(*pairs)) if pairs else (_NONE, _NONE))

    def __call__(self, *rows, numbers: np.ndarray | None = None) -> np.ndarray:
        """The values for these rows (one list or array of rows per group) and the parameters' numbers:
        ``numbers``, lined up with ``reached`` (None: their Values' numbers now)."""
        values = self.fixed.copy()
        values[self.p_at] = [p.data for p in self.reached] if numbers is None else numbers
        for (at, taken), group_rows in zip(self.groups, rows):
            values[at] = np.asarray(group_rows, dtype=float).ravel()[taken]
        return values


class Numbers:
    """The numbers of the parameters fit's compiled steps read and write (the model's, then the optimizer's
    others), as one array while those steps run, instead of each step reading and writing every Value.

    Each step replaces ``data`` as its update commits (``commit``) and keeps its gradients;
    ``flush`` writes both to the Values (``.data``, ``.grad``), whole, with Ctrl-C held back:
    fit flushes before an eager step, when the epoch ends or stops for any reason, and before a
    second Ctrl-C interrupts it (``CtrlC.before_interrupt``). ``load`` reads the Values again.
    """

    def __init__(self, params: list, optimizer: Optimizer) -> None:
        self.params = _written(params, optimizer.params)
        at = {id(p): k for k, p in enumerate(self.params)}
        mine = [at[id(p)] for p in optimizer.params]
        # the optimizer's parameters' positions (None: all of them, in order, the common case)
        self.mine = None if mine == list(range(len(self.params))) else np.array(mine, dtype=np.intp)
        self.data = self.grads = None  # read by load(), which fit calls at each epoch's start
        self.unwritten = False

    def load(self) -> None:
        self.data = np.array([p.data for p in self.params], dtype=float)
        self.grads = None  # the last step's gradients, lined up with params, until flushed
        self.unwritten = False  # whether data or grads hold numbers the Values do not

    def optimized(self, values: np.ndarray) -> np.ndarray:
        """values (lined up with params) of the optimizer's parameters, in its order."""
        return values if self.mine is None else values[self.mine]

    def keep_grads(self, grads: np.ndarray) -> None:
        self.grads, self.unwritten = grads, True

    def commit(self, new: np.ndarray) -> None:
        """The optimizer's new numbers for its parameters (Optimizer._advance's commit_data)."""
        if self.mine is None:
            self.data = new
        else:
            data = self.data.copy()
            data[self.mine] = new
            self.data = data
        self.unwritten = True

    def flush(self) -> None:
        if not self.unwritten:
            return
        with sigint_deferred():
            for p, value in zip(self.params, self.data.tolist()):
                p.data = value
            if self.grads is not None:
                for p, g in zip(self.params, self.grads.tolist()):
                    p.grad = g
            self.unwritten = False


_NONE = np.zeros(0, dtype=np.intp)


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
        self.tape = scope.compile(total, also=self.outs)
        self.leaf_values = leaves = _LeafValues(self.tape, params, xs, ts)
        self.params, self.reached = leaves.params, leaves.reached
        # The gradients asked of the tape (the inputs' and targets' are never read): the reached
        # parameters'; below, positions are in this list.
        self.wrt = tuple(leaves.index[p] for p in self.reached)
        self.bound = None  # the Numbers' params that read_at and grad_at are for (set by _bind)
        self.read_at = self.grad_at = None
        self.single = bool(preds) and isinstance(preds[0], Value)

    def _bind(self, params: list) -> None:
        """Where the reached parameters are among ``params``, and where each of those finds its gradient
        in ``wrt``'s (then a 0.0, for a parameter the loss does not reach); both None when ``params`` are
        the reached parameters, in order (the common case: nothing to pick)."""
        self.bound = params
        if len(params) == len(self.reached) and all(p is q for p, q in zip(params, self.reached)):
            self.read_at = self.grad_at = None
            return
        at = {id(p): k for k, p in enumerate(params)}
        self.read_at = np.array([at[id(p)] for p in self.reached], dtype=np.intp)
        mine = {id(p): k for k, p in enumerate(self.reached)}
        self.grad_at = np.array([mine.get(id(p), len(self.reached)) for p in params], dtype=np.intp)

    def gradients(self, rows, targets, numbers: Numbers) -> tuple[float, np.ndarray, list]:
        """The loss on this batch, the gradients lined up with ``numbers.params`` and the outputs, at its numbers."""
        if self.bound is not numbers.params:
            self._bind(numbers.params)
        data = numbers.data if self.read_at is None else numbers.data[self.read_at]
        values = self.leaf_values(rows, targets, numbers=data)
        value, grads = self.tape.value_and_grad(values, wrt=self.wrt, array=True)
        outputs = self.tape.values_of(self.outs) if self.outs else []
        if not self.single:
            outputs = [outputs[i:i + self.width] for i in range(0, len(outputs), self.width)]
        return value, grads if self.grad_at is None else np.append(grads, 0.0)[self.grad_at], outputs


# A loss tape's forward over this many outputs or more runs faster in numpy than in Python (the bce_logits
# loss, measured in session 7: 28 and 30 µs at 25 outputs, 32 and 60 µs at 60, 26 and 118 µs at 200)
NUMPY_FORWARD_FROM = 25


class TapedLoss:
    """The objective on one set of targets (fit's validation set) at given outputs: replayed from a tape.

    The tape is recorded at the first outputs it is given, on leaves for the outputs (a list, or
    a list of rows for several outputs) with the targets as constants, then replayed forward:
    no graph of the loss is built again. Outputs the tape cannot take (a non-finite number) get
    the eager objective, and so does every call once the loss's code took another branch (a guard).
    """

    def __init__(self, targets: list, loss_fn, params, l1: float, l2: float) -> None:
        self.targets, self.loss_fn, self.params, self.l1, self.l2 = targets, loss_fn, params, l1, l2
        self.tape = self.leaf_values = self.path = None
        self.branches = False  # True once a replay flipped a guard: eager from then on

    def __call__(self, outputs: list) -> float:
        """The loss at these outputs and the parameters' current numbers (DomainError as the eager objective)."""
        if not self.branches:
            try:
                if self.tape is None:
                    self._record(outputs)
                return self.tape.forward(self.leaf_values(outputs), path=self.path)
            except GuardError:
                self.branches = True
            except DomainError:  # the eager objective decides, with its own error
                pass
        return objective(self.loss_fn, outputs, self.targets, self.params, self.l1, self.l2).data

    def _record(self, outputs: list) -> None:
        single = not outputs or not isinstance(outputs[0], list)
        rows = [[v] for v in outputs] if single else outputs
        leaves = [[Value(float(v), f"out[{i},{j}]") for j, v in enumerate(row)] for i, row in enumerate(rows)]
        with enable_grad(), record() as scope:
            total = objective(self.loss_fn, [row[0] for row in leaves] if single else leaves, self.targets,
                              self.params, self.l1, self.l2)
        tape = scope.compile(total)
        self.leaf_values = _LeafValues(tape, self.params, leaves)
        # forward alone: numpy from about 25 outputs (tape.forward's "auto" weighs a backward too)
        self.path = "numpy" if len(rows) >= NUMPY_FORWARD_FROM else "auto"
        self.tape = tape


def compiled_step(steps: dict, numbers: Numbers, model, rows, targets, scalar, loss_fn, params, optimizer, l1, l2,
                  outputs: bool):
    """eager_step through the tape, on ``numbers`` (the parameters' numbers, updated in place of the Values), or
    None for a batch the tape cannot take (a non-finite number, a flipped guard, a saturated label while
    recording): that step is taken eagerly, with eager's numbers or error."""
    try:
        step = steps.get(len(rows))
        if step is None:
            numbers.flush()  # the recording runs the model on the Values: at the parameters' numbers now
            step = steps[len(rows)] = _CompiledStep(model, rows, targets, scalar, loss_fn, params, l1, l2, outputs)
        value, grads, out = step.gradients(rows, targets, numbers)
    except (DomainError, GuardError):
        return None
    mine = numbers.optimized(grads)
    with np.errstate(over="ignore"):  # an overflowing sum of squares is found below
        squares = float(mine @ mine)
        every = squares if mine is grads else float(grads @ grads)  # (also the gradients the optimizer does not use)
    # a finite sum of squares has finite terms; an overflowing one, as a non-finite number, sends the step to eager
    if not (math.isfinite(value) and math.isfinite(squares) and math.isfinite(every)):
        return None
    numbers.keep_grads(grads)  # the .grad of every parameter the step writes, as eager's step sets them
    try:
        optimizer._advance(mine, numbers.optimized(numbers.data), numbers.commit)
    except ValueError as exc:
        raise StepFailed(str(exc)) from None
    return value, math.sqrt(squares), out
