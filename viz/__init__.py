"""chainrule's pictures: computation graphs (graphviz), backward step by step, and training plots (matplotlib)."""

from __future__ import annotations

import importlib

# Where each public name lives. Each is imported on first use, so that `chainrule gradcheck`, an error
# or --help starts without loading matplotlib (about a second).
_HOME = {
    "plot_activations": "activations", "plot_decision_boundary": "boundary", "to_dot": "dot",
    "format_number": "fmt", "Drawing": "graph", "draw_graph": "graph", "overfit_region": "loss",
    "plot_loss": "loss", "plot_lr_comparison": "lr", "rate_runs": "lr", "plot_network": "network",
    "StepThrough": "player", "step_through": "player", "RendererNotFoundError": "render", "RenderError": "render",
    "find_renderer": "render", "render_bytes": "render", "use_renderer": "render", "Contribution": "steps",
    "Step": "steps", "backward_steps": "steps",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    """The public name ``name``, imported from its module the first time it is asked for."""
    if name not in _HOME:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
