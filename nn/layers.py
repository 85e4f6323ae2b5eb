"""Neuron, Layer and MLP: weighted sums with a bias and an activation, stacked into a network.

A neuron computes z = w·x + b (its weighted-sum node, labelled ``z[...]``) and a = act(z)
(labelled ``a[...]``; a linear neuron's output is its z node). With ``graph='dot'`` (the
default) w·x is one n-ary ``dot`` node over (w_0, ..., w_n-1) and (x_0, ..., x_n-1), and z adds
the bias to it; with ``graph='elementary'`` z is the chain b + w_0*x_0 + w_1*x_1 + ... of ``*``
and ``+`` nodes, micrograd's graph, for drawing each step. The two add the same terms in a
different order, so they agree to rounding; the dot graph is much faster.

Parameters and nodes are labelled by position for drawings, by ``nn.labels`` (which also reads
the labels back): ``w[l,n,i]`` and ``b[l,n]`` in an MLP (layer l, neuron n, input i), ``w[n,i]``
and ``b[n]`` in a lone Layer, ``w[i]`` and ``b`` in a lone Neuron; input leaves made from
numbers are labelled ``x[i]``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from autograd import OPS, Value, dot

from ._arguments import choice, integer, real
from .init import INITS, Seed, draw_weights, make_rng
from .labels import bias_label, input_label, output_label, sum_label, weight_label
from .module import Module

# The op table's activations (relu, tanh, ... each with its default params), and "linear" for none.
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", *(n for n, op in OPS.items()
                                                     if op.activation and n not in ("relu", "tanh", "sigmoid")))
GRAPHS = ("dot", "elementary")


def as_inputs(x, nin: int, who: str) -> list[Value]:
    """One sample's inputs as a list of ``nin`` Values: a number becomes a leaf labelled ``x[i]``."""
    if hasattr(x, "tolist") and not isinstance(x, Value):  # a numpy array or scalar: plain Python numbers
        x = x.tolist()
    if isinstance(x, Value) or (isinstance(x, numbers.Real) and not isinstance(x, bool)):
        if nin != 1:
            raise ValueError(f"{who}: expected {nin} inputs, got the single number {x!r}")
        x = [x]
    if not isinstance(x, (list, tuple)):
        raise TypeError(f"{who}: inputs must be a list or array of {nin} numbers or Values, got {type(x).__name__}")
    if len(x) != nin:
        shown = repr(x) if len(x) <= 8 else f"[{len(x)} items]"
        raise ValueError(f"{who}: expected {nin} inputs, got {len(x)}: {shown}")
    out = []
    for i, v in enumerate(x):
        if v.__class__ is Value:
            out.append(v)
        elif v.__class__ is float and math.isfinite(v):
            out.append(Value(v, input_label(i)))
        else:
            out.append(Value(real(v, f"{who}: input {i}"), input_label(i)))
    return out


class Neuron(Module):
    """One neuron: ``activation(b + sum_i w[i] * x[i])``, with weights ``w`` (list of Value) and bias ``b``.

    ``init`` ('uniform', 'xavier' or 'he') and ``seed`` (an int, a ``random.Random`` to draw
    from, or None for an unpredictable seed) choose the starting weights, unless ``weights``
    gives them; the bias starts at ``bias`` (0). ``graph`` is 'dot' or 'elementary'.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        init: str = "uniform",
        seed: Seed = None,
        graph: str = "dot",
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
    ) -> None:
        self.nin = integer(nin, "Neuron: nin", 1)
        self.activation = activation
        self.graph = graph
        choice(init, "Neuron: init", INITS)
        if weights is None:
            weights = draw_weights(init, self.nin, 1, make_rng(seed, "Neuron: seed"))
        else:
            if hasattr(weights, "tolist"):
                weights = weights.tolist()
            if not isinstance(weights, (list, tuple)) or len(weights) != self.nin:
                raise ValueError(f"Neuron: weights must be a list of nin={self.nin} numbers, got {weights!r}")
            weights = [real(v, f"Neuron: weights[{i}]") for i, v in enumerate(weights)]
        self.w = [Value(v) for v in weights]
        self.b = Value(real(bias, "Neuron: bias"))
        self._set_index(())

    @classmethod
    def parameter_count(cls, config: dict) -> int:
        """nin weights and a bias, read from a config without building the neuron."""
        return integer(config.get("nin"), "Neuron: nin", 1) + 1

    @property
    def activation(self) -> str:
        """One of nn.ACTIVATIONS: the op table's activations (relu, tanh, gelu, ...) or 'linear'."""
        return self._activation

    @activation.setter
    def activation(self, name: str) -> None:
        self._activation = choice(name, "Neuron: activation", ACTIVATIONS)
        # the op's Value method (x.relu(), x.leaky_relu() with its default slope): the shortest way to its node
        self._act = None if name == "linear" else getattr(Value, name)

    @property
    def graph(self) -> str:
        """'dot' (one n-ary node for the weighted sum) or 'elementary' (a chain of * and + nodes)."""
        return self._graph

    @graph.setter
    def graph(self, name: str) -> None:
        self._graph = choice(name, "Neuron: graph", GRAPHS)
        self._dot = name == "dot"

    def _set_index(self, index: tuple[int, ...]) -> None:
        """Label the parameters and forward nodes with this neuron's position in its model."""
        for i, w in enumerate(self.w):
            w.label = weight_label(index, i)
        self.b.label = bias_label(index)
        self._z_label = sum_label(index)
        self._a_label = output_label(index)

    def __call__(self, x) -> Value:
        """The neuron's output for one sample (a list or array of ``nin`` numbers or Values)."""
        return self._forward(as_inputs(x, self.nin, "Neuron"))

    def _forward(self, x: list[Value]) -> Value:
        """Forward on checked inputs ``x`` (a list of ``nin`` Values, shared by a layer's neurons)."""
        w = self.w
        if self._dot:
            z = dot(w, x) + self.b
        else:
            z = self.b + w[0] * x[0]
            for i in range(1, len(w)):
                z = z + w[i] * x[i]
        z.label = self._z_label
        act = self._act
        if act is None:
            return z
        a = act(z)  # the op's params, if any (leaky_relu's slope), take their defaults
        a.label = self._a_label
        return a

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('w.0', w[0]), ..., ('b', b): the weights, then the bias (micrograd's order)."""
        return [*((f"w.{i}", w) for i, w in enumerate(self.w)), ("b", self.b)]

    def config(self) -> dict:
        """{'nin', 'activation', 'graph'}."""
        return {"nin": self.nin, "activation": self.activation, "graph": self.graph}


def _shared(what: str, choices: tuple, parts: str) -> property:
    """A setting the model's parts (its ``parts`` attribute) must agree on: read from them, set on each."""

    def get(self) -> str:
        return _common([getattr(part, what) for part in getattr(self, parts)], what, type(self).__name__)

    def set_(self, name: str) -> None:
        choice(name, f"{type(self).__name__}: {what}", choices)
        for part in getattr(self, parts):
            setattr(part, what, name)

    return property(get, set_, doc=f"The {parts}' {what}; setting it sets every one's.")


def _common(values: list[str], what: str, owner: str) -> str:
    if any(v != values[0] for v in values):
        raise ValueError(
            f"{owner}: its parts have different {what}s {values}; set {what} on the {owner} to make them one "
            "(a model with mixed settings cannot be described by its constructor, so it cannot be saved)"
        )
    return values[0]


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; calling it returns a list of ``nout`` Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        init: str = "uniform",
        seed: Seed = None,
        graph: str = "dot",
    ) -> None:
        self.nin = integer(nin, "Layer: nin", 1)
        nout = integer(nout, "Layer: nout", 1)
        choice(activation, "Layer: activation", ACTIVATIONS)
        choice(init, "Layer: init", INITS)
        choice(graph, "Layer: graph", GRAPHS)
        rng = make_rng(seed, "Layer: seed")
        # Neuron after neuron, each drawing its weights (its bias draws nothing): micrograd's order.
        self.neurons = [
            Neuron(self.nin, activation, graph=graph, weights=draw_weights(init, self.nin, nout, rng))
            for _ in range(nout)
        ]
        self._set_index(())

    @classmethod
    def parameter_count(cls, config: dict) -> int:
        """nout neurons of nin weights and a bias, read from a config without building the layer."""
        nin = integer(config.get("nin"), "Layer: nin", 1)
        return integer(config.get("nout"), "Layer: nout", 1) * (nin + 1)

    @property
    def nout(self) -> int:
        """The number of neurons (outputs)."""
        return len(self.neurons)

    activation = _shared("activation", ACTIVATIONS, "neurons")
    graph = _shared("graph", GRAPHS, "neurons")  # 'dot' or 'elementary'

    def _set_index(self, prefix: tuple[int, ...]) -> None:
        for n, neuron in enumerate(self.neurons):
            neuron._set_index((*prefix, n))

    def __call__(self, x) -> list[Value]:
        """The layer's outputs for one sample: always a list, even for one neuron."""
        return self._forward(as_inputs(x, self.nin, "Layer"))

    def _forward(self, x: list[Value]) -> list[Value]:
        return [n._forward(x) for n in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('neurons.<n>.w.<i>', ...) and ('neurons.<n>.b', ...), neuron by neuron."""
        return [(f"neurons.{n}.{name}", p) for n, neuron in enumerate(self.neurons) for name, p in
                neuron.named_parameters()]

    def config(self) -> dict:
        """{'nin', 'nout', 'activation', 'graph'}."""
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation, "graph": self.graph}


def _mlp_sizes(nin, nouts) -> list[int]:
    """[nin, *nouts] checked: the sizes an MLP is built from (and counted from, when a file is loaded)."""
    nin = integer(nin, "MLP: nin", 1)
    if hasattr(nouts, "tolist"):
        nouts = nouts.tolist()
    if not isinstance(nouts, (list, tuple)) or not nouts:
        raise TypeError(f"MLP: nouts must be a non-empty list of layer sizes such as [16, 16, 1], got {nouts!r}")
    return [nin, *(integer(n, f"MLP: nouts[{i}]", 1) for i, n in enumerate(nouts))]


class MLP(Module):
    """A multilayer perceptron: layers of sizes ``nouts`` after ``nin`` inputs.

    Hidden layers use ``activation``, the last one ``output_activation``. Calling the model on
    one sample returns one Value when the last layer has one output, else a list of Values.
    ``init`` and ``seed`` as for ``Neuron``; one random stream is drawn layer after layer, so
    ``MLP(2, [16, 16, 1], seed=1337)`` starts where micrograd's demo does after ``random.seed(1337)``.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        *,
        init: str = "uniform",
        seed: Seed = None,
        graph: str = "dot",
    ) -> None:
        sizes = _mlp_sizes(nin, nouts)
        self.nin = sizes[0]
        nouts = sizes[1:]
        choice(activation, "MLP: activation", ACTIVATIONS)
        choice(output_activation, "MLP: output_activation", ACTIVATIONS)
        choice(init, "MLP: init", INITS)
        choice(graph, "MLP: graph", GRAPHS)
        rng = make_rng(seed, "MLP: seed")
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[k], sizes[k + 1], output_activation if k == last else activation,
                  init=init, seed=rng, graph=graph)
            for k in range(len(nouts))
        ]
        self._hidden_activation = activation  # kept for a one-layer MLP, which has no hidden layer
        for k, layer in enumerate(self.layers):
            layer._set_index((k,))

    @classmethod
    def parameter_count(cls, config: dict) -> int:
        """Each layer's nout * (nin + 1), read from a config without building the network."""
        sizes = _mlp_sizes(config.get("nin"), config.get("nouts"))
        return sum(nout * (nin + 1) for nin, nout in zip(sizes, sizes[1:]))

    @property
    def nouts(self) -> list[int]:
        """The layer sizes (a new list)."""
        return [layer.nout for layer in self.layers]

    @property
    def activation(self) -> str:
        """The hidden layers' activation; setting it sets every hidden neuron's."""
        hidden = self.layers[:-1]
        if not hidden:
            return self._hidden_activation
        return _common([layer.activation for layer in hidden], "activation", "MLP")

    @activation.setter
    def activation(self, name: str) -> None:
        choice(name, "MLP: activation", ACTIVATIONS)
        self._hidden_activation = name
        for layer in self.layers[:-1]:
            layer.activation = name

    @property
    def output_activation(self) -> str:
        """The last layer's activation."""
        return self.layers[-1].activation

    @output_activation.setter
    def output_activation(self, name: str) -> None:
        self.layers[-1].activation = name

    graph = _shared("graph", GRAPHS, "layers")  # 'dot' or 'elementary' for every neuron

    def __call__(self, x) -> Value | list[Value]:
        """The output for one sample: one Value if the last layer has one neuron, else a list."""
        return self._forward(as_inputs(x, self.nin, "MLP"))

    def _forward(self, x: list[Value]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer._forward(x)
        return x[0] if len(x) == 1 else x

    def named_parameters(self) -> list[tuple[str, Value]]:
        """('layers.<l>.neurons.<n>.w.<i>', ...), layer by layer."""
        return [(f"layers.{k}.{name}", p) for k, layer in enumerate(self.layers) for name, p in
                layer.named_parameters()]

    def config(self) -> dict:
        """{'nin', 'nouts', 'activation', 'output_activation', 'graph'}."""
        return {
            "nin": self.nin,
            "nouts": self.nouts,
            "activation": self.activation,
            "output_activation": self.output_activation,
            "graph": self.graph,
        }

    def __repr__(self) -> str:
        lines = [f"MLP(nin={self.nin}, nouts={self.nouts}) with {len(self.parameters())} parameters"]
        for k, layer in enumerate(self.layers):
            lines.append(f"  layers.{k}: {layer!r}")
        return "\n".join(lines)


def gives_one_output(model: object) -> bool:
    """Whether the model gives one Value per sample (a Neuron; an MLP ending in one neuron), not a list."""
    return isinstance(model, Neuron) or (isinstance(model, MLP) and model.nouts[-1] == 1)


def output_count(model: object) -> int | None:
    """How many outputs nn's own model gives per sample, read from its shape; None for any other module."""
    if isinstance(model, Neuron):
        return 1
    if isinstance(model, Layer):
        return model.nout
    if isinstance(model, MLP):
        return model.nouts[-1]
    return None
