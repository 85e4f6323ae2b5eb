"""One run of `chainrule train`: the data set, loss, model and optimizer its options ask for, trained by nn.fit,
and every file it writes (the graph before training, the model, metrics.json, the plots)."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

from .common import UsageError, writable_paths, writing

DATASETS = ("moons", "circles", "xor", "spiral", "blobs", "line", "sine")
REGRESSION = ("line", "sine")
MULTICLASS = ("spiral", "blobs")
LOSSES = ("hinge", "mse", "bce", "ce")
SCHEDULES = ("constant", "linear", "step", "cosine")
# --lr's default: micrograd's 1.0 for the classification sets; SGD at 1.0 diverges on the regression sets
# (line: loss 5e14 after 100 epochs; sine: inf), where 0.02 fits them (loss 0.034 and 0.089, noise 0.1)
DEFAULT_LR = 1.0
REGRESSION_LR = 0.02


def learning_rate(args) -> float:
    """--lr, or its default for the data set."""
    if args.lr is not None:
        return args.lr
    return REGRESSION_LR if args.dataset in REGRESSION else DEFAULT_LR


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


def _optimizer(args, params, n: int):
    import nn

    total = args.epochs * nn.steps_per_epoch(n, args.batch_size, args.val or None)  # as fit will count them
    start = learning_rate(args)
    lr = {
        "constant": lambda: nn.schedules.constant(start),
        "linear": lambda: nn.schedules.linear(start, 0.1, total),  # micrograd's 1.0 - 0.9 * k / 100
        "step": lambda: nn.schedules.step(start, 0.5, max(1, total // 4)),
        "cosine": lambda: nn.schedules.cosine(start, total),
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

    from ..graph import draw_graph

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


@dataclass
class Run:
    """What one training run made: where its files are, the trained model and its history."""

    out: Path
    files: dict[str, Path]
    model: object
    history: object
    seconds: float


def train_and_write(args: argparse.Namespace) -> Run:
    """Try every output path, draw the graph before training, train with nn.fit, then write the model, metrics.json
    and the plots (nn.DivergedError when training diverges; KeyboardInterrupt when stopped in the first epoch)."""
    import matplotlib

    matplotlib.use("Agg")
    import nn
    from nn.atomic import write_text

    from ..boundary import plot_decision_boundary
    from ..loss import plot_loss
    from ..network import plot_network

    # Everything the options make is made (and so checked) before a folder is created or a file tried.
    X, y, loss, k, output_activation = _data(args)
    if args.val:
        nn.datasets.split_sizes(len(X), args.val, "--val")
    model = nn.MLP(X.shape[1], [*args.hidden, k], activation=args.activation,
                   output_activation=output_activation, seed=args.seed)
    optimizer = _optimizer(args, model.parameters(), len(X))
    out = Path(args.out or f"runs/{args.dataset}")
    files = {"loss curves": out / "loss.png"}
    if args.dataset not in REGRESSION and X.shape[1] == 2:
        files["decision boundary"] = out / "boundary.png"
    files.update({"network": out / "network.png", "graph": out / "graph.svg", "model": out / "model.json",
                  "metrics": out / "metrics.json", "history": out / "history.csv"})
    # a folder where a file goes is refused before training, not after, and before the folder is made
    writable_paths((out, "folder"), *((path, "file") for path in files.values()))
    with writing(files["graph"]):
        _one_sample_graph(model, X, y, loss, files["graph"])
    started = time.perf_counter()
    history = nn.fit(model, (X, y), loss=loss, optimizer=optimizer, epochs=args.epochs, batch_size=args.batch_size,
                     validation=args.val or None, seed=args.seed, l2=args.l2, progress=not args.quiet,
                     compile=args.compile)
    seconds = time.perf_counter() - started
    if not history.records:
        raise KeyboardInterrupt  # Ctrl-C within the first epoch: no trained model to write
    last = history.records[-1]
    metrics = {
        "dataset": args.dataset, "n": args.n, "noise": args.noise, "seed": args.seed, "hidden": args.hidden,
        "activation": args.activation, "loss": loss, "optimizer": args.optimizer, "lr": learning_rate(args),
        "schedule": args.schedule, "epochs_run": len(history), "batch_size": args.batch_size, "val": args.val,
        "l2": args.l2, "compile": args.compile, "parameters": len(model.parameters()), "seconds": round(seconds, 3),
        "final": {key: value for key, value in last.items() if key != "epoch"},
        "interrupted": history.interrupted,
    }
    # The model and its numbers first: a disk that fills up while the pictures are drawn loses only pictures.
    with writing(files["model"]):
        model.save(files["model"])
    with writing(files["metrics"]):
        write_text(files["metrics"], json.dumps(metrics, indent=2, default=float) + "\n", "metrics", "JSON file",
                   "metrics.json")
    with writing(files["history"]):
        history.to_csv(files["history"])
    with writing(files["loss curves"]):
        plot_loss(history, log=True, title=f"{args.dataset}: loss per epoch").savefig(files["loss curves"], dpi=110)
    if "decision boundary" in files:
        with writing(files["decision boundary"]):
            plot_decision_boundary(model, X, y, title=f"{args.dataset}: what the model predicts").savefig(
                files["decision boundary"], dpi=110)
    with writing(files["network"]):
        plot_network(model, heatmaps=X.shape[1] == 2, X=X).savefig(files["network"], dpi=110)
    return Run(out, files, model, history, seconds)
