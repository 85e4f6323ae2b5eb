"""The training loop ``fit``, and ``predict`` / ``evaluate`` to run a model on a data set.

Each can run eagerly (a graph of Values per step, the reference) or through autograd's tape:
fit then records one step's loss graph per batch size, on leaves for the inputs, the targets
and the parameters, compiles it, and replays it forward and backward with each batch's numbers.
One step, either way, is nn/steps.py's; this module runs the epochs around it.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from autograd import DomainError, Value, no_grad

from . import losses
from ._arguments import integer, non_negative
from ._gc import gc_paused
from ._interrupts import CtrlC
from .data_checks import check_dataset, check_inputs
from .datasets import generator, split_sizes, train_val_split
from .history import EarlyStopping, History
from .layers import gives_one_output, output_count
from .metrics import Metric, get_metric
from .module import Module
from .optim import Adam, Optimizer
from .progress import progress as show_progress
from .replay import Replay, is_static, replay_of, structure
from .steps import Numbers, StepFailed, TapedLoss, compiled_step, data_of, eager_step, objective


class DivergedError(FloatingPointError):
    """Training met a non-finite loss or gradient; the parameters are as they were before that step.

    ``history`` holds the epochs completed before it, ``epoch`` and ``step`` say where it happened.
    """

    def __init__(self, message: str, history: History, epoch: int, step: int) -> None:
        super().__init__(message)
        self.history, self.epoch, self.step = history, epoch, step


def _batch_size(n: int, batch_size: int | None) -> int:
    """The samples per step fit uses for n training samples (None: all of them)."""
    return n if batch_size is None or batch_size >= n else batch_size


def steps_per_epoch(n: int, batch_size: int | None = None, validation: float | int | None = None) -> int:
    """How many optimizer steps one epoch of ``fit`` takes on n samples: what a schedule's length needs.

    ``validation`` is fit's fraction (or count) held out of the n samples, if any.
    """
    n_train = n if validation is None else split_sizes(n, validation, "steps_per_epoch: validation")[0]
    return math.ceil(n_train / _batch_size(n_train, batch_size))


def _mean_loss(step_losses: list[tuple[float, int]]) -> float:
    """The epoch's loss: the mean over its samples of each step's loss (exactly the loss for one step)."""
    if len(step_losses) == 1:
        return step_losses[0][0]
    return sum(value * size for value, size in step_losses) / sum(size for _, size in step_losses)


class _Compiled(NamedTuple):
    """What fit keeps to go through tapes: the steps' tapes by batch size, the inputs and each row's target
    numbers (losses.leaf_targets) as arrays, whether a target is one Value, the model's Replay, validation's
    loss, and the parameters' numbers the steps update (read again at each epoch's start)."""

    steps: dict
    inputs: np.ndarray
    leaf_rows: np.ndarray
    scalar: bool
    replay: Replay
    val_loss: TapedLoss | None
    numbers: Numbers


def _evaluate_rows(model, rows, targets, loss_fn, params, l1, l2, replay=None, loss=None) -> tuple[float, list]:
    """The loss and outputs on rows without a graph of the model: eager, or the outputs through a Replay
    and the loss through ``loss`` (a TapedLoss on these targets)."""
    with no_grad():
        preds = [model(x) for x in rows] if replay is None else replay(np.asarray(rows, dtype=float)).tolist()
        try:
            value = loss(preds) if loss is not None else objective(loss_fn, preds, targets, params, l1, l2).data
        except DomainError:  # e.g. a saturated wrong probability: the loss is infinite
            value = math.inf
        return value, (preds if replay is not None else [data_of(p) for p in preds])


def _run_epoch(epoch, model, rows, targets, rng, shuffle, size, loss_fn, params, optimizer, l1, l2,
               named_metrics, ctrl_c, history, tape=None) -> dict:
    """One pass over the training rows in batches of ``size``: the epoch's record (without validation)."""
    n = len(rows)
    # Shuffling a full batch would only reorder a sum, so it is skipped (and the numbers stay
    # those of micrograd's demo).
    order = rng.permutation(n) if shuffle and size < n else np.arange(n)
    lr = optimizer.lr
    step_losses, norms, outputs, batch_targets = [], [], [], []
    numbers = None if tape is None else tape.numbers  # the compiled steps' parameters
    if numbers is not None:
        numbers.load()
        ctrl_c.before_interrupt = numbers.flush
    try:
        for step, start in enumerate(range(0, n, size), 1):
            at = order[start:start + size]
            index = at.tolist()
            yb = [targets[i] for i in index]
            try:
                done = None
                if tape is not None:  # (a replay makes no Values: the cyclic collector has nothing to walk)
                    done = compiled_step(tape.steps, numbers, model, tape.inputs[at], tape.leaf_rows[at],
                                         tape.scalar, loss_fn, params, optimizer, l1, l2, bool(named_metrics))
                    if done is None:  # the eager step reads and writes the Values
                        numbers.flush()
                if done is None:
                    with gc_paused():
                        done = eager_step(model, [rows[i] for i in index], yb, loss_fn, params, optimizer, l1, l2)
                    if numbers is not None:
                        numbers.load()
                value, norm, out = done
            except StepFailed as exc:
                raise DivergedError(
                    f"fit: training diverged at epoch {epoch}, step {step}: {exc}. The parameters are left "
                    f"as they were before this step; try a smaller learning rate (this step's was {lr:.3g})",
                    history, epoch, step,
                ) from None
            step_losses.append((value, len(index)))
            norms.append(norm)
            outputs += out
            batch_targets += yb
            if ctrl_c.requested:  # Ctrl-C: end the epoch after this step
                break
    finally:
        if numbers is not None:
            numbers.flush()
            ctrl_c.before_interrupt = None
    record = dict(zip(COLUMNS, (epoch, _mean_loss(step_losses), None, lr, sum(norms) / len(norms))))
    for name, metric in named_metrics:
        record[name] = metric(np.asarray(outputs), np.asarray(batch_targets))
    return record


# fit's columns before the metrics': each epoch's record starts with these (evaluate's result with 'loss')
COLUMNS = ("epoch", "train_loss", "val_loss", "lr", "grad_norm")


def _metrics(metrics: Sequence, loss, who: str) -> list[tuple[str, Metric]]:
    """(name, metric) for each metric; a ValueError for a name whose column another already has."""
    if metrics is None:
        metrics = ("accuracy",) if isinstance(loss, str) and loss != "mse" else ()
    if isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    named = []
    reserved = set(COLUMNS) if who == "fit" else {"loss"}  # the columns fit (or evaluate) writes itself
    columns = set(reserved)
    for m in metrics:
        name = m if isinstance(m, str) else getattr(m, "__name__", type(m).__name__)
        named.append((name, get_metric(m, loss, f"{who}: metrics")))
        mine = (name, f"val_{name}") if who == "fit" else (name,)  # fit has a validation column per metric
        taken = [column for column in mine if column in columns]
        if taken:
            writer = who if taken[0] in reserved else "another metric"
            raise ValueError(f"{who}: metrics: {name!r} would write the column {taken[0]!r}, which {writer} "
                             "writes; give the function another name (def my_name(outputs, targets): ...)")
        columns.update(mine)
    return named


def _output_count(model: Module, row: list) -> int:
    """How many outputs the model gives per sample: nn's models say by their shape; any other is run once
    on ``row``, without a graph."""
    count = output_count(model) if is_static(model) else None  # (a subclass may change what it returns)
    if count is None:
        with no_grad():
            out = model(row)
        count = 1 if isinstance(out, Value) else len(out)
    return count


def _callbacks(callbacks) -> tuple:
    """fit's callbacks as a tuple: one callable is a tuple of one, as for metrics."""
    if callable(callbacks):
        return (callbacks,)
    try:
        return tuple(callbacks)
    except TypeError:
        raise TypeError(f"fit: callbacks must be a callable or a list of them, got {type(callbacks).__name__} "
                        f"{callbacks!r:.80}") from None


def _early_stopping(early_stopping, has_validation: bool, named_metrics: list) -> EarlyStopping | None:
    """The EarlyStopping for fit's argument (a patience makes one), its monitor checked against the columns."""
    if early_stopping is None:
        return None
    if not isinstance(early_stopping, EarlyStopping):
        patience = integer(early_stopping, "fit: early_stopping (a patience or an EarlyStopping)", 1)
        return EarlyStopping("val_loss" if has_validation else "train_loss", patience)
    names = [name for name, _ in named_metrics]
    columns = [c for c in (*COLUMNS[1:], *names) if has_validation or c != "val_loss"]
    columns += [f"val_{name}" for name in names] if has_validation else []
    if early_stopping.monitor not in columns:
        hint = "; it needs validation=(X_val, y_val) or a fraction" if early_stopping.monitor.startswith("val_") else ""
        raise ValueError(f"fit: early_stopping monitors {early_stopping.monitor!r}, which this fit does not "
                         f"record{hint}; it records {', '.join(map(repr, columns))}")
    return early_stopping


def fit(
    model: Module,
    train: tuple,
    *,
    loss: str | Callable = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 10,
    batch_size: int | None = None,
    shuffle: bool = True,
    validation: tuple | float | int | None = None,
    metrics: Sequence | None = None,
    seed: int | None = None,
    callbacks: Sequence[Callable] = (),
    early_stopping: int | EarlyStopping | None = None,
    progress: bool = True,
    l1: float = 0.0,
    l2: float = 0.0,
    compile: bool | str = "auto",
) -> History:
    """Train ``model`` on ``train = (X, y)`` and return its History (one record per epoch).

    ``loss``: 'mse', 'bce', 'bce_logits', 'ce', 'hinge' or a callable ``(preds, targets) -> Value``.
    ``optimizer``: an Optimizer over ``model.parameters()`` (default ``Adam(lr=0.01)``).
    ``batch_size``: samples per step (None: the whole set, one step per epoch, no shuffling).
    ``validation``: ``(X_val, y_val)``, or a fraction (or a count) of ``train`` to hold out.
    ``metrics``: names ('accuracy', 'mae') or callables ``(outputs, targets) -> float``; default
    accuracy for classification losses. ``seed`` fixes shuffling and the validation split.
    ``callbacks``: ``callback(record, model)`` (one, or a list) after each epoch; returning True stops training.
    ``early_stopping``: a patience (epochs without improvement of val_loss, or train_loss
    without validation) or an EarlyStopping. ``l1`` / ``l2``: penalty strengths on the sum of
    |parameters| / of squared parameters, added to the losses. ``progress``: a tqdm bar, or a line per
    epoch where stderr is a file or a pipe (off with TQDM_DISABLE=1 too). A non-finite loss or
    gradient raises DivergedError; Ctrl-C stops after the current step and returns the history so
    far; a second Ctrl-C stops at once, though never halfway through a step's writes (each step is
    applied whole or not at all).
    ``compile``: True to run each step through a compiled tape (recorded once per batch size),
    False for the eager graph of Values, 'auto' (default) for the tape when the model is one of
    nn's own (Neuron, Layer, MLP themselves: a subclass may branch on the numbers) and the loss
    a built-in name. Both give the same History. Every label is checked before the first step.
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn Module (Neuron, Layer, MLP, ...), got {type(model).__name__}")
    use_tape = _use_tape(compile, model, loss, "fit")
    nin = getattr(model, "nin", None)
    one = gives_one_output(model)
    X, y = check_dataset(train, nin, "fit: train", one)
    loss_fn = losses.get_loss(loss, "fit")
    named_metrics = _metrics(metrics, loss, "fit")
    epochs = integer(epochs, "fit: epochs", 1)
    if batch_size is not None:
        batch_size = integer(batch_size, "fit: batch_size", 1)
    if not isinstance(shuffle, bool):
        raise TypeError(f"fit: shuffle must be True or False, got {shuffle!r}")
    l1, l2 = non_negative(l1, "fit: l1"), non_negative(l2, "fit: l2")
    rng = generator(seed, "fit: seed")
    if isinstance(validation, numbers.Real) and not isinstance(validation, bool):  # a fraction or a count of train
        split_sizes(len(X), validation, "fit: validation")
        (X, y), (X_val, y_val) = train_val_split(X, y, val=validation, seed=rng)
    elif validation is not None:
        X_val, y_val = check_dataset(validation, nin, "fit: validation", one)
    params = model.parameters()
    if optimizer is None:
        optimizer = Adam(params, lr=0.01)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an nn Optimizer (SGD, Adam, AdamW), got {type(optimizer).__name__}")
    elif not {id(p) for p in params} & {id(p) for p in optimizer.params}:
        raise ValueError("fit: the optimizer updates none of the model's parameters; build it with model.parameters()")
    stopper = _early_stopping(early_stopping, validation is not None, named_metrics)
    if stopper is not None:
        stopper.reset()
    callbacks = _callbacks(callbacks)
    for i, callback in enumerate(callbacks):
        if isinstance(callback, EarlyStopping):  # Keras's way: callbacks=[EarlyStopping(...)]
            raise TypeError(f"fit: callbacks[{i}] is an EarlyStopping; pass it as early_stopping={callback!r}")
        if not callable(callback):
            raise TypeError(f"fit: callbacks[{i}] must be callable, got {callback!r}")

    rows, targets = X.tolist(), y.tolist()
    val_rows, val_targets = (X_val.tolist(), y_val.tolist()) if validation is not None else (None, None)
    n = len(rows)
    size = _batch_size(n, batch_size)
    # Every label is checked here, before any step, as each step would check its batch's.
    nout = _output_count(model, rows[0])
    leaf_rows = losses.leaf_targets(loss_fn, y, nout, "fit: train")
    if validation is not None:
        losses.leaf_targets(loss_fn, y_val, nout, "fit: validation")
    tape = None
    if use_tape:
        scalar = y.ndim == 1 and loss_fn is not losses.cross_entropy
        steps, replay, val_losses = _recorded(model, params, loss_fn, l1, l2, scalar, bool(named_metrics), rows[0])
        val_loss = None
        if validation is not None:  # the validation loss's tape, kept for the same targets
            val_key = (y_val.shape, y_val.dtype.str, y_val.tobytes())
            val_loss = val_losses.get(val_key)
            if val_loss is None:
                val_losses.clear()  # one set of validation targets kept at a time
                val_loss = val_losses[val_key] = TapedLoss(val_targets, loss_fn, params, l1, l2)
        tape = _Compiled(steps, X.astype(float), leaf_rows, scalar, replay, val_loss,
                         Numbers(params, optimizer))
    history = History()
    shown = show_progress(epochs, progress)
    ctrl_c = CtrlC()
    try:
        with ctrl_c:
            for epoch in range(1, epochs + 1):
                record = _run_epoch(epoch, model, rows, targets, rng, shuffle, size, loss_fn, params, optimizer,
                                    l1, l2, named_metrics, ctrl_c, history, tape)
                if validation is not None:
                    val_in, val_replay, val_taped = ((X_val, tape.replay, tape.val_loss) if tape
                                                     else (val_rows, None, None))
                    record["val_loss"], val_out = _evaluate_rows(model, val_in, val_targets, loss_fn, params, l1, l2,
                                                                 val_replay, val_taped)
                for name, metric in named_metrics:
                    record[f"val_{name}"] = metric(np.asarray(val_out), y_val) if validation is not None else None
                history.records.append(record)
                if shown is not None:
                    shown.epoch(record)
                if ctrl_c.requested:
                    history.interrupted = True
                    break
                stop = [bool(callback(record, model)) for callback in callbacks]
                if any(stop):
                    history.stopped_early = True
                    break
                if stopper is not None and stopper.update(record, model):
                    history.stopped_early = True
                    break
            if ctrl_c.requested:  # also a Ctrl-C that came after the last epoch's check, during its callbacks
                history.interrupted = True
    except KeyboardInterrupt:  # a second Ctrl-C (held back until a step's writes are done), or one off the main thread
        history.interrupted = True
    finally:
        ctrl_c.restore()  # (a second Ctrl-C landing in CtrlC's __exit__ would leave its handler behind)
        if shown is not None:
            shown.close()
    if stopper is not None and stopper.restore_best and history.records:  # however training ended
        _restore_best(stopper, model, history)
    return history


def _restore_best(stopper: EarlyStopping, model: Module, history: History) -> None:
    """Give the model back the parameters of the monitored value's best epoch, if that was not the last."""
    if stopper.best_state is not None and stopper.best_epoch != history.records[-1]["epoch"]:
        model.load_state_dict(stopper.best_state)
        history.best_epoch = stopper.best_epoch


# The step tapes, the Replay and validation's loss tape that fit recorded for an nn model, kept while
# the model lives, for the next fit of the same model (the playground trains one epoch per fit):
# model -> (key, steps, replay, validation losses).
_RECORDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _recorded(model, params, loss_fn, l1, l2, scalar: bool, outputs: bool, row) -> tuple[dict, Replay, dict]:
    """The step tapes (by batch size, filled as fit meets them), the model's Replay and the validation
    losses (by their targets, filled by fit): an earlier fit's when everything a recording depends on is
    the same (the model's config and parameter objects, the loss and its penalties, the targets' form,
    whether outputs are read), else new ones."""
    if not is_static(model):  # a custom module may change in ways its config does not show
        return {}, replay_of(model, row=row), {}  # (recorded afresh)
    key = (structure(model, params), loss_fn, l1, l2, scalar, outputs)
    kept = _RECORDED.get(model)
    if kept is not None and kept[0] == key:  # (the kept tapes hold the old parameters: ids are not reused)
        return kept[1], kept[2], kept[3]
    steps, replay, val_losses = {}, replay_of(model, row=row), {}
    _RECORDED[model] = (key, steps, replay, val_losses)
    return steps, replay, val_losses


def _use_tape(compile, model, loss, who: str) -> bool:
    """Whether to go through the tape: compile=True/False, or 'auto': nn's own model and a built-in loss."""
    if compile == "auto":
        return is_static(model) and (loss is None or isinstance(loss, str))
    if not isinstance(compile, bool):
        raise TypeError(f"{who}: compile must be True, False or 'auto', got {compile!r}")
    if compile and not hasattr(model, "nin"):
        raise ValueError(f"{who}: compile=True needs a model with an nin attribute (its inputs), "
                         f"and {type(model).__name__} has none")
    return compile


def predict(model: Module, X, *, compile: bool | str = "auto") -> np.ndarray:
    """The model's outputs for each row of X, without building a graph per row: shape (n,) or (n, k).

    ``compile``: through one batched replay of the model's tape (True; 'auto' for nn's own
    models), or one eager call per row (False).
    """
    if not isinstance(model, Module):
        raise TypeError(f"predict: model must be an nn Module, got {type(model).__name__}")
    use_tape = _use_tape(compile, model, None, "predict")
    X = check_inputs(X, getattr(model, "nin", None), "predict")
    if use_tape:
        return replay_of(model, row=X[0])(X)
    with no_grad():
        return np.array([data_of(model(x)) for x in X.tolist()], dtype=float)


def evaluate(
    model: Module,
    X,
    y,
    *,
    loss: str | Callable = "mse",
    metrics: Sequence | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
    compile: bool | str = "auto",
) -> dict[str, float]:
    """{'loss': ..., <metric>: ...} of the model on (X, y), computed as fit computes its val_ columns.

    ``compile`` as for ``predict``: the outputs through the model's tape, the loss on those numbers.
    """
    if not isinstance(model, Module):
        raise TypeError(f"evaluate: model must be an nn Module, got {type(model).__name__}")
    X, y = check_dataset((X, y), getattr(model, "nin", None), "evaluate", gives_one_output(model))
    loss_fn = losses.get_loss(loss, "evaluate")
    named_metrics = _metrics(metrics, loss, "evaluate")
    l1, l2 = non_negative(l1, "evaluate: l1"), non_negative(l2, "evaluate: l2")
    replay = replay_of(model, row=X[0]) if _use_tape(compile, model, None, "evaluate") else None
    value, outputs = _evaluate_rows(model, X.tolist(), y.tolist(), loss_fn, model.parameters(), l1, l2, replay)
    result = {"loss": value}
    for name, metric in named_metrics:
        result[name] = metric(np.asarray(outputs), y)
    return result
