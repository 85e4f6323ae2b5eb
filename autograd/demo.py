"""A short engine demo: one neuron's expression, its backward pass and its gradient check."""

from __future__ import annotations

from . import Value, gradcheck


def neuron(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
    """tanh(x1*w1 + x2*w2 + b): the neuron of the classic backpropagation walk-through."""
    return (x1 * w1 + x2 * w2 + b).tanh()


def main() -> None:
    """Print the neuron's output, every input's gradient and the gradient-check table."""
    inputs = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.881373587019543}
    leaves = {name: Value(v, label=name) for name, v in inputs.items()}
    out = neuron(**leaves)
    out.backward()
    print(f"o = tanh(x1*w1 + x2*w2 + b) = {out.data:.4f}")
    for name, leaf in leaves.items():
        print(f"  do/d{name} = {leaf.grad:+.4f}")
    print()
    print(gradcheck(neuron, list(leaves.values())))


if __name__ == "__main__":
    main()
