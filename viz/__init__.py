"""chainrule's pictures: computation graphs (graphviz), backward step by step, and training plots (matplotlib)."""

from .activations import plot_activations
from .boundary import plot_decision_boundary
from .dot import to_dot
from .fmt import format_number
from .graph import Drawing, draw_graph
from .loss import overfit_region, plot_loss
from .lr import plot_lr_comparison, rate_runs
from .network import plot_network
from .player import StepThrough, step_through
from .render import RendererNotFoundError, RenderError, find_renderer, render_bytes, use_renderer
from .steps import Contribution, Step, backward_steps

__all__ = [
    "Contribution", "Drawing", "RenderError", "RendererNotFoundError", "Step", "StepThrough", "backward_steps",
    "draw_graph", "find_renderer", "format_number", "overfit_region", "plot_activations", "plot_decision_boundary",
    "plot_loss", "plot_lr_comparison", "plot_network", "rate_runs", "render_bytes", "step_through", "to_dot",
    "use_renderer",
]
