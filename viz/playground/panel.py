"""playground_panel: ipywidgets controls (as TensorFlow Playground has them) on top of a Controller."""

from __future__ import annotations

import html

from .config import (
    ACTIVATIONS,
    DATASETS,
    LEARNING_RATES,
    MAX_LAYERS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    Config,
    dataset_title,
    parse_hidden,
)
from .controller import Controller
from .features import FEATURES, USES_X2


def _with(options, value) -> list:
    return sorted(set(options) | {value})


def playground_panel(config: Config | None = None):
    """The interactive playground as an ipywidgets VBox (its Controller is ``.controller``); needs ipywidgets."""
    try:
        import ipywidgets as w
    except ImportError:
        raise ImportError("playground_panel needs ipywidgets: pip install 'chainrule[notebook]' "
                          "(`make notebook` installs it)") from None
    config = config if config is not None else Config()
    wide, narrow = {"description_width": "95px"}, {"description_width": "initial"}
    image = w.Image(format="png")
    status = w.HTML()
    play = w.Button(description="play", icon="play", button_style="success", tooltip="train epoch after epoch")
    step = w.Button(description="step", icon="step-forward", tooltip="train one epoch")
    reset = w.Button(description="reset", icon="undo", tooltip="back to epoch 0, the first weights")

    def show_playing(playing: bool) -> None:
        play.description, play.icon = ("pause", "pause") if playing else ("play", "play")

    def show_status(text: str) -> None:
        status.value = html.escape(text)
        if text.startswith(("diverged", "stopped")):   # the training thread stopped itself
            show_playing(False)

    controller = Controller(config, on_frame=lambda png: setattr(image, "value", png), on_status=show_status)

    controls = {
        "dataset": w.Dropdown(options=[(dataset_title(name), name) for name in DATASETS], value=config.dataset,
                              description="data set", style=wide),
        "n": w.IntSlider(value=config.n, min=50, max=500, step=50, description="points", style=wide),
        "train_ratio": w.IntSlider(value=round(100 * config.train_ratio), min=10, max=90, step=10,
                                   description="training %", style=wide),
        "noise": w.FloatSlider(value=config.noise, min=0.0, max=0.5, step=0.05, description="noise", style=wide),
        "batch_size": w.IntSlider(value=config.batch_size, min=1, max=30, description="batch size", style=wide),
        "hidden": w.Text(value=", ".join(map(str, config.hidden)), description="hidden layers", style=wide,
                         continuous_update=False, placeholder="e.g. 8, 8 (empty: none)"),
        "activation": w.Dropdown(options=ACTIVATIONS, value=config.activation, description="activation",
                                 style=narrow, layout=w.Layout(width="160px")),
        "lr": w.Dropdown(options=_with(LEARNING_RATES, config.lr), value=config.lr, description="learning rate",
                         style=narrow, layout=w.Layout(width="175px")),
        "regularization": w.Dropdown(options=REGULARIZATIONS, value=config.regularization,
                                     description="regularization", style=narrow, layout=w.Layout(width="170px")),
        "reg_rate": w.Dropdown(options=_with(REGULARIZATION_RATES, config.reg_rate), value=config.reg_rate,
                               description="rate", style=narrow, layout=w.Layout(width="110px")),
    }
    features = {name: w.ToggleButton(value=name in config.features, description=name,
                                     layout=w.Layout(width="64px")) for name in FEATURES}
    show_test = w.Checkbox(value=False, description="show test data", indent=False)
    add_layer = w.Button(description="+ layer", layout=w.Layout(width="80px"))
    remove_layer = w.Button(description="− layer", layout=w.Layout(width="80px"))

    def on_change(name):
        def handler(change):
            value = change["new"] / 100 if name == "train_ratio" else change["new"]
            controller.apply(**{name: value})
        return handler

    for name, control in controls.items():
        control.observe(on_change(name), names="value")
    for toggle in features.values():
        toggle.observe(lambda _: controller.apply(features=tuple(n for n, t in features.items() if t.value)),
                       names="value")
    show_test.observe(lambda change: controller.set_show_test(change["new"]), names="value")

    def features_of_the_data(_=None) -> None:   # a 1-D set has no x2: its buttons are greyed out
        one_d = controller.playground.config.kind == "regression"
        for name, toggle in features.items():
            toggle.disabled = one_d and name in USES_X2

    controls["dataset"].observe(features_of_the_data, names="value")
    features_of_the_data()

    def change_layers(delta: int) -> None:
        try:
            sizes = list(parse_hidden(controls["hidden"].value))
        except ValueError as error:
            show_status(str(error))
            return
        if delta > 0 and len(sizes) < MAX_LAYERS:
            sizes.append(sizes[-1] if sizes else 4)
        elif delta < 0 and sizes:
            sizes.pop()
        controls["hidden"].value = ", ".join(map(str, sizes))

    def on_play(_):
        if controller.playing:
            controller.pause()
            show_status(f"paused at epoch {controller.playground.epoch}")
        else:
            controller.play()
        show_playing(controller.playing)

    play.on_click(on_play)
    def on_step(_):
        controller.step()
        show_playing(False)

    step.on_click(on_step)
    reset.on_click(lambda _: controller.reset())
    add_layer.on_click(lambda _: change_layers(+1))
    remove_layer.on_click(lambda _: change_layers(-1))

    def column(title, *children):
        return w.VBox([w.HTML(f"<b>{title}</b>"), *children], layout=w.Layout(margin="0 14px 0 0"))

    top = w.HBox([play, step, reset, controls["lr"], controls["activation"], controls["regularization"],
                  controls["reg_rate"]])
    data = column("Data", controls["dataset"], controls["n"], controls["train_ratio"], controls["noise"],
                  controls["batch_size"], show_test)
    inputs = column("Input features", w.HBox(list(features.values())[:4]), w.HBox(list(features.values())[4:]),
                    w.HTML("<b>Hidden layers</b> (0 to 6 layers of 1 to 8 neurons)"),
                    controls["hidden"], w.HBox([add_layer, remove_layer]))
    box = w.VBox([top, w.HBox([data, inputs]), image, status])
    box.controller = controller
    show_status("press play (or step) to train")
    return box
