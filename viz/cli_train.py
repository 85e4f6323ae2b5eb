"""`chainrule train`: train an MLP on a toy data set with a progress bar and write its pictures and files."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

from .cli_common import EXIT_INTERRUPTED, UsageError, writable_path, writing

DATASETS = ("moons", "circles", "xor", "spiral", "blobs", "line", "sine")
REGRESSION = ("line", "sine")
MULTICLASS = ("spiral", "blobs")
LOSSES = ("hinge", "mse", "bce", "ce")
SCHEDULES = ("constant", "linear", "step", "cosine")


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, got {text!r}") from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be >= 1, got {text!r}")
    return sizes


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}") from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    return parse


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def _data(args):
    """(X, y, loss name, number of outputs, output activation) for the chosen data set and loss."""
    import nn

    make = getattr(nn.datasets, args.dataset)
    X, y = make(n=args.n, noise=args.noise, seed=args.seed)
    k = int(y.max()) + 1 if args.dataset not in REGRESSION else 1
    loss = args.loss or ("mse" if args.dataset in REGRESSION else "ce" if args.dataset in MULTICLASS else "hinge")
    if args.dataset in REGRESSION and loss != "mse":
        raise UsageError(f"--dataset {args.dataset} is a regression set: use --loss mse")
    if args.dataset not in REGRESSION and loss == "mse":
        raise UsageError(f"--loss mse is for the regression sets (line, sine), not {args.dataset}")
    if k > 2 and loss != "ce":
        raise UsageError(f"--dataset {args.dataset} has {k} classes: use --loss ce")
    if loss == "hinge":
        return X, 2 * y - 1, loss, 1, "linear"  # labels +-1, scores
    if loss == "bce":
        return X, y, loss, 1, "sigmoid"  # probabilities
    if loss == "ce":
        return X, y, loss, k, "linear"  # logits
    return X, y, loss, 1, "linear"


def _optimizer(args, params):
    import nn

    steps_per_epoch = 1 if not args.batch_size else math.ceil(args.n * (1 - args.val) / args.batch_size)
    total = max(1, args.epochs * steps_per_epoch)
    lr = {
        "constant": lambda: nn.schedules.constant(args.lr),
        "linear": lambda: nn.schedules.linear(args.lr, 0.1, total),  # micrograd's 1.0 - 0.9 * k / 100
        "step": lambda: nn.schedules.step(args.lr, 0.5, max(1, total // 4)),
        "cosine": lambda: nn.schedules.cosine(args.lr, total),
    }[args.schedule]()
    if args.optimizer == "adam":
        return nn.Adam(params, lr=lr)
    return nn.SGD(params, lr=lr)


def _one_sample_graph(model, X, y, loss: str, path: Path) -> None:
    """Before training: the loss of the worst-fitted sample, after backward, one box per neuron.

    Drawn before training because that is when backward has something to say: once the demo
    has learned, every sample lies beyond the hinge margin, its loss is 0 and so is every gradient.
    """
    import nn
    from autograd import no_grad

    from .graph import draw_graph

    loss_fn = nn.get_loss(loss)

    def sample_loss(i: int):
        target = int(y[i]) if loss == "ce" else float(y[i])
        return loss_fn([model([float(v) for v in X[i]])], [target])

    with no_grad():
        worst = max(range(len(X)), key=lambda i: sample_loss(i).data)
    graph_loss = sample_loss(worst)
    graph_loss.label = "loss"
    graph_loss.backward()
    title = f"before training: the {loss} loss of sample {worst} (the worst fitted) and its gradients"
    draw_graph(graph_loss, collapse=True, title=title).save(path)
    model.zero_grad()


def cmd_train(args: argparse.Namespace) -> int:
    """Train, print a summary and write the plots, the graph, the model and metrics.json to --out."""
    import matplotlib

    matplotlib.use("Agg")
    import nn

    from .boundary import plot_decision_boundary
    from .loss import plot_loss
    from .network import plot_network

    out = writable_path(Path(args.out or f"runs/{args.dataset}"), "folder")
    X, y, loss, k, output_activation = _data(args)
    files = {"loss curves": out / "loss.png"}
    if args.dataset not in REGRESSION and X.shape[1] == 2:
        files["decision boundary"] = out / "boundary.png"
    files.update({"network": out / "network.png", "graph": out / "graph.svg", "model": out / "model.json",
                  "metrics": out / "metrics.json"})
    for path in files.values():  # a folder where a file goes is refused before training, not after
        writable_path(path, "file")
    model = nn.MLP(X.shape[1], [*args.hidden, k], activation=args.activation,
                   output_activation=output_activation, seed=args.seed)
    optimizer = _optimizer(args, model.parameters())
    with writing(files["graph"]):
        _one_sample_graph(model, X, y, loss, files["graph"])
    started = time.perf_counter()
    try:
        history = nn.fit(model, (X, y), loss=loss, optimizer=optimizer, epochs=args.epochs, batch_size=args.batch_size,
                         validation=args.val or None, seed=args.seed, l2=args.l2, progress=not args.quiet,
                         compile=args.compile)
    except nn.DivergedError as exc:
        print(f"chainrule train: training diverged: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    if not history.records:
        raise KeyboardInterrupt  # Ctrl-C within the first epoch: no trained model to write
    last = history.records[-1]
    metrics = {
        "dataset": args.dataset, "n": args.n, "noise": args.noise, "seed": args.seed, "hidden": args.hidden,
        "activation": args.activation, "loss": loss, "optimizer": args.optimizer, "lr": args.lr,
        "schedule": args.schedule, "epochs_run": len(history), "batch_size": args.batch_size, "val": args.val,
        "l2": args.l2, "compile": args.compile, "parameters": len(model.parameters()), "seconds": round(seconds, 3),
        "final": {key: value for key, value in last.items() if key != "epoch"},
        "interrupted": history.interrupted,
    }
    # The model and its numbers first: a disk that fills up while the pictures are drawn loses only pictures.
    with writing(files["model"]):
        model.save(files["model"])
    with writing(files["metrics"]):
        _write_json(files["metrics"], metrics)
    with writing(files["loss curves"]):
        plot_loss(history, log=True, title=f"{args.dataset}: loss per epoch").savefig(files["loss curves"], dpi=110)
    if "decision boundary" in files:
        with writing(files["decision boundary"]):
            plot_decision_boundary(model, X, y, title=f"{args.dataset}: what the model predicts").savefig(
                files["decision boundary"], dpi=110)
    with writing(files["network"]):
        plot_network(model, heatmaps=X.shape[1] == 2, X=X).savefig(files["network"], dpi=110)
    shape = f"MLP({model.nin}, {model.nouts})"
    print(f"trained {shape} ({len(model.parameters())} parameters) on {args.n} {args.dataset} points "
          f"in {seconds:.1f} s, {len(history)} epochs ({'compiled tape' if args.compile else 'eager'})")
    summary = [f"train loss {last['train_loss']:.4g}"]
    if last.get("accuracy") is not None:
        summary.append(f"accuracy {last['accuracy']:.1%}")
    if last.get("val_loss") is not None:
        summary.append(f"val loss {last['val_loss']:.4g}")
    if last.get("val_accuracy") is not None:
        summary.append(f"val accuracy {last['val_accuracy']:.1%}")
    print("  " + ", ".join(summary))
    print(f"files in {out}/:")
    for name, path in files.items():
        print(f"  {name:<18} {path}")
    if history.interrupted:
        print(f"chainrule train: interrupted after {len(history)} epochs; the files hold the model as it was then",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _write_json(path: Path, data: dict) -> None:
    """Write atomically: a crash or a full disk never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, default=float) + "\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written temporary behind
        raise


def add_train_parser(sub, example: str) -> None:
    """Register the `train` subcommand (its defaults are micrograd's demo)."""
    train = sub.add_parser(
        "train", help="train an MLP on a toy data set and write pictures of it",
        description="Train a multi-layer perceptron with a progress bar, print a summary and write to --out: "
                    "loss.png, boundary.png (2-D classification), network.png, graph.svg (before training: the loss "
                    "of the worst-fitted sample with its gradients, one box per neuron), model.json (loadable with "
                    "nn.MLP.load) and metrics.json. "
                    "The defaults reproduce micrograd's demo: 100 moons, MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, "
                    "SGD with lr 1.0 - 0.9 * k / 100, 100 full-batch steps.",
        epilog="examples:\n  " + example.replace("\n", "\n  "), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("--dataset", choices=DATASETS, default="moons", help="the toy data set (default moons)")
    train.add_argument("--n", type=_positive(int), default=100, help="number of points (default 100)")
    train.add_argument("--noise", type=float, default=0.1, help="noise of the data set (default 0.1)")
    train.add_argument("--hidden", type=_hidden, default=[16, 16], help="hidden layer sizes (default 16,16)")
    from autograd import OPS  # the table's activations, without importing nn (numpy) to build the parser

    train.add_argument("--activation", choices=[n for n, op in OPS.items() if op.activation], default="relu",
                       help="hidden activation (default relu)")
    train.add_argument("--loss", choices=LOSSES, default=None,
                       help="default: hinge for two classes, ce for more, mse for regression")
    train.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd", help="default sgd")
    train.add_argument("--lr", type=_positive(float), default=1.0, help="learning rate (default 1.0)")
    train.add_argument("--schedule", choices=SCHEDULES, default="linear",
                       help="learning-rate schedule over all steps (default linear: lr down to lr/10)")
    train.add_argument("--epochs", type=_positive(int), default=100, help="default 100")
    train.add_argument("--batch-size", type=_positive(int), default=None, help="samples per step (default all)")
    train.add_argument("--val", type=_fraction, default=0.0, help="fraction held out for validation (default 0)")
    train.add_argument("--l2", type=float, default=1e-4, help="L2 penalty strength (default 1e-4)")
    train.add_argument("--seed", type=int, default=1337, help="seed of the data, the weights and shuffling")
    train.add_argument("--out", help="the folder to write (default runs/DATASET); created if missing; other files "
                       "in it are left alone")
    train.add_argument("--compile", action=argparse.BooleanOptionalAction, default=True,
                       help="train through a compiled tape, recorded once per batch size (default); --no-compile "
                       "builds a graph of Values every step (the same numbers, slower)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=cmd_train)
