"""Optimizers: SGD (with momentum and weight decay), Adam and AdamW, each updating parameters in place.

``step()`` is all or nothing: it reads every gradient, refuses a non-finite one (or an update
that would make a parameter non-finite) with a ValueError naming the parameter, and only then
writes the new values and its own state, with Ctrl-C held back until every write is done (a
signal never leaves some parameters updated and the others not). ``lr`` is a float or a schedule (``nn.schedules``),
evaluated at the number of steps already taken.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from autograd import Value

from ._arguments import non_negative, positive, real
from ._interrupts import sigint_deferred


def _param_name(p: Value, i: int) -> str:
    return f"parameter {i}" + (f" ({p.label!r})" if p.label is not None else "")


class Optimizer(abc.ABC):
    """Base class: holds the parameters, the learning rate (or schedule) and the step count."""

    def __init__(self, params: Iterable[Value], lr: float | Callable[[int], float]) -> None:
        who = type(self).__name__
        if isinstance(params, Value) or not isinstance(params, Iterable):
            raise TypeError(f"{who}: params must be an iterable of Values (e.g. model.parameters()), got {params!r}")
        params = list(params)
        if not params:
            raise ValueError(f"{who}: params is empty; pass model.parameters()")
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{who}: params[{i}] must be a Value, got {type(p).__name__} {p!r}")
            if id(p) in seen:  # it would be updated twice per step
                raise ValueError(f"{who}: params[{i}] ({p.label or p!r}) appears more than once")
            seen.add(id(p))
        self.params: list[Value] = params
        if callable(lr):
            self._schedule = lr
            self._lr = None
        else:
            self._schedule = None
            self._lr = positive(lr, f"{who}: lr")
        self.steps = 0  # how many updates step() has made

    @property
    def lr(self) -> float:
        """The learning rate the next step() uses (the schedule's value at the current step count)."""
        if self._schedule is None:
            return self._lr
        lr = self._schedule(self.steps)
        return non_negative(lr, f"{type(self).__name__}: lr schedule at step {self.steps}")

    @lr.setter
    def lr(self, value: float | Callable[[int], float]) -> None:
        if callable(value):
            self._schedule, self._lr = value, None
        else:
            self._schedule, self._lr = None, positive(value, f"{type(self).__name__}: lr")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0."""
        for p in self.params:
            p.grad = 0.0

    def _grads(self) -> np.ndarray:
        """Every parameter's gradient as a float, checked: a ValueError names the first non-finite one."""
        # float() of each: an int, or a Value after backward(create_graph=True), is read as its number
        grads = np.array([p.grad for p in self.params], dtype=float)
        if not np.isfinite(grads).all():
            i = int(np.flatnonzero(~np.isfinite(grads))[0])
            raise ValueError(
                f"{type(self).__name__}.step: the gradient of {_param_name(self.params[i], i)} is "
                f"{float(grads[i])!r}; nothing was updated (try a smaller learning rate)"
            )
        return grads

    def step(self) -> None:
        """Update every parameter from its gradient (all or nothing), then count the step.

        The arithmetic runs on numpy arrays, one element per parameter: float64 operations round
        as Python's floats do, so the numbers are those of the same formula written per parameter.
        """
        self._step(self._grads())

    def _step(self, grads: np.ndarray) -> None:
        """step() from these gradients (finite, lined up with params)."""
        self._advance(grads, np.array([p.data for p in self.params]), self._write)

    def _write(self, new_data: np.ndarray) -> None:
        for p, value in zip(self.params, new_data.tolist()):
            p.data = value

    def _advance(self, grads: np.ndarray, datas: np.ndarray, commit_data: Callable[[np.ndarray], None]) -> None:
        """One update from the gradients and the parameters' numbers (arrays lined up with params): the new
        numbers are checked whole, then handed to ``commit_data`` (``_write``, or a compiled fit's array of
        them) together with the optimizer's state and the count, under one held Ctrl-C: all or none."""
        new_data, commit_state = _quietly(self._update, grads, datas, self.lr)
        finite = np.isfinite(new_data)
        if not finite.all():  # name the culprit
            i = int(np.flatnonzero(~finite)[0])
            raise ValueError(
                f"{type(self).__name__}.step: the update would make {_param_name(self.params[i], i)} "
                f"{float(new_data[i])!r}; nothing was updated (try a smaller learning rate)"
            )
        with sigint_deferred():  # the commit: every parameter, the optimizer's state and the count, or none
            commit_data(new_data)
            commit_state()
            self.steps += 1

    @abc.abstractmethod
    def _update(self, grads: np.ndarray, datas: np.ndarray, lr: float) -> tuple[np.ndarray, Callable[[], None]]:
        """The new parameter values (from the gradients and the current values) and a function that
        stores the new optimizer state."""

    def __repr__(self) -> str:
        lr = self._schedule if self._schedule is not None else self._lr
        return f"{type(self).__name__}({len(self.params)} parameters, lr={lr!r})"


@np.errstate(all="ignore")  # an overflow is found after the update and named, as a float's would be
def _quietly(update, grads, datas, lr):
    """An optimizer's update with numpy's floating-point warnings off (as a decorator errstate costs half)."""
    return update(grads, datas, lr)


class SGD(Optimizer):
    """Gradient descent: v = momentum * v + (g + weight_decay * p); p -= lr * v (plain p -= lr * g by default)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Callable[[int], float] = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = non_negative(momentum, "SGD: momentum")
        if self.momentum >= 1.0:
            raise ValueError(f"SGD: momentum must be < 1, got {self.momentum!r}")
        self.weight_decay = non_negative(weight_decay, "SGD: weight_decay")
        self.velocity = np.zeros(len(self.params))

    def _update(self, grads, datas, lr):
        wd, mu = self.weight_decay, self.momentum
        if wd:
            grads = grads + wd * datas
        if not mu:
            return datas - lr * grads, lambda: None
        velocity = mu * self.velocity + grads

        def commit() -> None:
            self.velocity = velocity

        return datas - lr * velocity, commit


class Adam(Optimizer):
    """Adam: bias-corrected running means of g and g**2; weight_decay adds weight_decay * p to g (L2)."""

    decoupled = False
    default_weight_decay = 0.0  # what weight_decay=None means; the one thing AdamW changes besides `decoupled`

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Callable[[int], float] = 0.001,
        betas: Sequence[float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(params, lr)
        who = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(real(b, f"{who}: betas[{i}]") for i, b in enumerate(betas))
        for i, b in enumerate(self.betas):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"{who}: betas[{i}] must be in [0, 1), got {b!r}")
        self.eps = positive(eps, f"{who}: eps")
        if weight_decay is None:
            weight_decay = self.default_weight_decay
        self.weight_decay = non_negative(weight_decay, f"{who}: weight_decay")
        self.m = np.zeros(len(self.params))
        self.v = np.zeros(len(self.params))

    def _update(self, grads, datas, lr):
        b1, b2 = self.betas
        wd, eps = self.weight_decay, self.eps
        t = self.steps + 1
        correction1, correction2 = 1.0 - b1**t, 1.0 - b2**t
        if wd and not self.decoupled:
            grads = grads + wd * datas
        m = b1 * self.m + (1.0 - b1) * grads
        v = b2 * self.v + (1.0 - b2) * grads * grads
        if wd and self.decoupled:
            datas = datas - lr * wd * datas  # AdamW: decay the weights, not the gradient
        new = datas - lr * (m / correction1) / (np.sqrt(v / correction2) + eps)

        def commit() -> None:
            self.m, self.v = m, v

        return new, commit


class AdamW(Adam):
    """Adam with decoupled weight decay: p -= lr * weight_decay * p, apart from the gradient step (0.01 by default)."""

    decoupled = True
    default_weight_decay = 0.01
