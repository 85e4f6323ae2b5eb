"""Module: the base of every model, holding its parameters, their names, gradients and saved state."""

from __future__ import annotations

import abc
import functools
import os
import reprlib
from collections.abc import Mapping

from autograd import Value

from . import io
from ._arguments import real
from ._interrupts import sigint_deferred

# Module classes by name, so a model file (which stores the class name) can be rebuilt.
REGISTRY: dict[str, type[Module]] = {}


class _load_method:
    """``Cls.load(path)`` builds a new model from a file; ``model.load(path)`` loads a file into this model."""

    def __get__(self, instance, owner):
        if instance is None:
            return functools.partial(_load_new, owner)
        return functools.partial(_load_into, instance)


class Module(abc.ABC):
    """A model: call it on inputs; it owns named parameters that training adjusts.

    Subclasses implement ``__call__``, ``named_parameters`` and ``config`` (the constructor
    arguments that rebuild the same architecture, used by ``save`` and ``load``).
    """

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        REGISTRY.setdefault(cls.__name__, cls)  # a user's class never hides a built-in one of the same name

    @abc.abstractmethod
    def __call__(self, x):
        """The forward pass."""

    @abc.abstractmethod
    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a stable order, e.g. ('layers.0.neurons.3.w.1', Value)."""

    @abc.abstractmethod
    def config(self) -> dict:
        """The constructor arguments that rebuild this architecture (JSON-compatible)."""

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (gradients accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """name -> value of every parameter (plain floats, a snapshot)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from a name -> value mapping; checked in full before anything changes."""
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: state must be a mapping of name -> number, got {type(state).__name__}")
        named = self.named_parameters()
        names = {name for name, _ in named}
        missing = [name for name, _ in named if name not in state]
        unexpected = [name for name in state if name not in names]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {_few(missing)}")
            if unexpected:
                parts.append(f"unexpected {_few(unexpected)}")
            raise ValueError(
                f"load_state_dict: the state does not fit this {type(self).__name__} "
                f"({len(names)} parameters): {'; '.join(parts)}"
            )
        values = [real(state[name], f"load_state_dict: {name!r}") for name, _ in named]
        with sigint_deferred():  # all checked: now change everything, with no Ctrl-C halfway
            for (_, p), value in zip(named, values):
                p.data = value

    @classmethod
    def parameter_count(cls, config: dict) -> int | None:
        """How many parameters ``cls(**config)`` would have, computed without building it (None: not known).

        Loading a file compares it with the parameters the file holds before building anything,
        so a small file cannot make a huge model; a subclass that can say should.
        """
        return None

    def save(self, path) -> None:
        """Write architecture and parameters to ``path`` as JSON, atomically (never a half-written file)."""
        io.write_model(path, type(self).__name__, self.config(), self.state_dict())

    load = _load_method()

    def __repr__(self) -> str:
        return f"{self._describe()} with {len(self.parameters())} parameters"

    def _describe(self) -> str:
        try:
            config = self.config()
        except ValueError:  # e.g. neurons of one layer given different activations by hand
            return f"{type(self).__name__}(mixed settings)"
        args = ", ".join(f"{k}={v!r}" for k, v in config.items())
        return f"{type(self).__name__}({args})"


def _shown(path) -> str:
    return repr(os.fspath(path)) if isinstance(path, (str, os.PathLike)) else repr(path)


def _few(names: list[str], shown: int = 3) -> str:
    text = ", ".join(map(repr, names[:shown]))
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _invalid_config(path, name: str, config: dict, exc: Exception) -> ValueError:
    return ValueError(f"load: {_shown(path)} has an invalid {name} config {reprlib.repr(config)}: {exc}")


def _load_new(cls: type[Module], path) -> Module:
    """A new model built from the file's architecture, holding its parameters."""
    name, config, parameters = io.read_model(path)
    target = cls if cls.__name__ == name else REGISTRY.get(name)
    if target is None:
        raise ValueError(f"load: {_shown(path)} holds a {name!r}, which is no known Module class")
    if not issubclass(target, cls):
        raise ValueError(f"load: {_shown(path)} holds a {name}, not a {cls.__name__}")
    try:
        count = target.parameter_count(config)
    except (TypeError, ValueError) as exc:
        raise _invalid_config(path, name, config, exc) from None
    if count is not None and count != len(parameters):  # before building: a small file never makes a huge model
        raise ValueError(
            f"load: {_shown(path)}: its {name} config does not fit the stored parameters: the config makes "
            f"{count} parameters, the file holds {len(parameters)}"
        )
    try:
        model = target(**config)
    except (TypeError, ValueError) as exc:
        raise _invalid_config(path, name, config, exc) from None
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"load: {_shown(path)}: {exc}") from None
    return model


def _load_into(model: Module, path) -> Module:
    """Load the file's parameters into ``model`` (same class and architecture required); returns model."""
    name, config, parameters = io.read_model(path)
    if name != type(model).__name__:
        raise ValueError(f"load: {_shown(path)} holds a {name}, but this model is a {type(model).__name__}")
    if config != model.config():
        difference = io.describe_difference(model.config(), config)
        raise ValueError(f"load: {_shown(path)} holds another architecture ({difference})")
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"load: {_shown(path)}: {exc}") from None
    return model
