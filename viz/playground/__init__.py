"""The playground: a TensorFlow-Playground-like trainer whose one picture updates in place while it plays.

``Config`` checks the settings, ``Playground`` holds the data, the model and the epochs trained (nn.fit,
one epoch per step), ``Picture`` draws them on one figure made once, ``Controller`` plays, pauses, steps
and resets in a background thread, and ``playground_panel`` puts ipywidgets controls on top.
"""

from .config import ACTIVATIONS, DATASETS, LEARNING_RATES, REGULARIZATIONS, Config, parse_hidden
from .controller import Controller
from .features import FEATURES, feature_matrix
from .panel import playground_panel
from .picture import Picture
from .session import Playground

__all__ = [
    "ACTIVATIONS", "DATASETS", "FEATURES", "LEARNING_RATES", "REGULARIZATIONS", "Config", "Controller", "Picture",
    "Playground", "feature_matrix", "parse_hidden", "playground_panel",
]
