"""chainrule's scalar reverse-mode autograd engine: Value, backward, grad, no_grad and gradient checks."""

from .anomaly import AnomalyError, detect_anomaly
from .engine import backprop
from .funccheck import gradcheck
from .functional import grad, value_and_grad
from .functions import cos, dot, exp, leaky_relu, log, register_op, relu, sigmoid, sin, sqrt, sum, tanh
from .mode import enable_grad, is_grad_enabled, no_grad
from .nodecheck import check_graph, check_op, check_ops
from .ops import OPS, DomainError, Op, get_op
from .report import CheckReport, CheckRow, GradcheckError
from .value import Value

__all__ = [
    "AnomalyError", "CheckReport", "CheckRow", "DomainError", "GradcheckError", "OPS", "Op", "Value",
    "backprop", "check_graph", "check_op", "check_ops", "cos", "detect_anomaly", "dot", "enable_grad", "exp",
    "get_op", "grad", "gradcheck", "is_grad_enabled", "leaky_relu", "log", "no_grad", "register_op", "relu", "sigmoid",
    "sin", "sqrt", "sum", "tanh", "value_and_grad",
]
