"""`chainrule train`: its options (micrograd's demo by default) and the summary it prints of one training run."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_INTERRUPTED, counted, number
from .training_run import DATASETS, LOSSES, SCHEDULES, train_and_write


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, got {text!r}") from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1, got {text!r}")
    return sizes


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def cmd_train(args: argparse.Namespace) -> int:
    """Train (training_run), then print a summary and where the files are; 1 when training diverged, 130 for Ctrl-C."""
    import nn

    try:
        run = train_and_write(args)
    except nn.DivergedError as exc:
        print(f"chainrule train: training diverged: {exc}", file=sys.stderr)
        return 1
    model, history = run.model, run.history
    last = history.records[-1]
    shape = f"MLP({model.nin}, {model.nouts})"
    print(f"trained {shape} ({len(model.parameters())} parameters) on {args.n} {args.dataset} points "
          f"in {run.seconds:.1f} s, {counted(len(history), 'epoch')} ({'compiled tape' if args.compile else 'eager'})")
    summary = [f"train loss {last['train_loss']:.4g}"]
    if last.get("accuracy") is not None:
        summary.append(f"accuracy {last['accuracy']:.1%}")
    if last.get("val_loss") is not None:
        summary.append(f"val loss {last['val_loss']:.4g}")
    if last.get("val_accuracy") is not None:
        summary.append(f"val accuracy {last['val_accuracy']:.1%}")
    print("  " + ", ".join(summary))
    print(f"files in {run.out}/:")
    for name, path in run.files.items():
        print(f"  {name:<18} {path}")
    if history.interrupted:
        print(f"chainrule train: interrupted after {counted(len(history), 'epoch')}; the files hold the model as it "
              "was then", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def add_train_parser(sub: argparse._SubParsersAction, example: str) -> None:
    """Register the `train` subcommand (its defaults are micrograd's demo)."""
    train = sub.add_parser(
        "train", help="train an MLP on a toy data set and write pictures of it",
        description="Train a multi-layer perceptron with a progress bar, print a summary and write to --out: "
                    "loss.png, boundary.png (2-D classification), network.png, graph.svg (before training: the loss "
                    "of the worst-fitted sample with its gradients, one box per neuron), model.json (loadable with "
                    "nn.MLP.load), metrics.json (settings and final numbers) and history.csv (a row per epoch). "
                    "The defaults reproduce micrograd's demo: 100 moons, MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, "
                    "SGD with lr 1.0 - 0.9 * k / 100, 100 full-batch steps.",
        epilog="examples:\n  " + example.replace("\n", "\n  "), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("--dataset", choices=DATASETS, default="moons", help="the toy data set (default moons)")
    train.add_argument("--n", type=number(int, 1), default=100, help="number of points (default 100)")
    train.add_argument("--noise", type=number(float, 0), default=0.1, help="noise of the data set (default 0.1)")
    train.add_argument("--hidden", type=_hidden, default=[16, 16], help="hidden layer sizes (default 16,16)")
    from autograd import OPS  # the table's activations, without importing nn (numpy) to build the parser

    train.add_argument("--activation", choices=[n for n, op in OPS.items() if op.activation], default="relu",
                       help="hidden activation (default relu)")
    train.add_argument("--loss", choices=LOSSES, default=None,
                       help="default: hinge for two classes, ce for more, mse for regression")
    train.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd", help="default sgd")
    train.add_argument("--lr", type=number(float, 0, above=True), default=None,
                       help="learning rate (default 1.0, micrograd's; 0.02 for the regression sets line and sine)")
    train.add_argument("--schedule", choices=SCHEDULES, default="linear",
                       help="learning-rate schedule over all steps (default linear: lr down to lr/10)")
    train.add_argument("--epochs", type=number(int, 1), default=100, help="default 100")
    train.add_argument("--batch-size", type=number(int, 1), default=None, help="samples per step (default all)")
    train.add_argument("--val", type=_fraction, default=0.0, help="fraction held out for validation (default 0)")
    train.add_argument("--l2", type=number(float, 0), default=1e-4, help="L2 penalty strength (default 1e-4)")
    train.add_argument("--seed", type=number(int, 0, 2**32 - 1), default=1337,
                       help="seed of the data, the weights and shuffling (default 1337)")
    train.add_argument("--out", help="the folder to write (default runs/DATASET); created if missing; other files "
                       "in it are left alone")
    train.add_argument("--compile", action=argparse.BooleanOptionalAction, default=True,
                       help="train through a compiled tape, recorded once per batch size (default); --no-compile "
                       "builds a graph of Values every step (the same numbers, slower)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=cmd_train)
