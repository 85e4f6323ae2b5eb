"""chainrule's scalar reverse-mode autograd engine: Value, backward, grad, no_grad, gradient checks and the
compiled tape (``compile``).

Every op of the table that is not an operator is also a free function here (``autograd.exp``,
``autograd.clamp`` ...), taken from ``FUNCTIONS``, so a new op needs no line in this file.
"""

from .anomaly import AnomalyError, detect_anomaly
from .engine import backprop, topological_order
from .functional import grad, value_and_grad
from .functions import FUNCTIONS, dot, function_of, register_op, sum
from .gradcheck_function import gradcheck
from .gradcheck_nodes import check_graph, check_op, check_ops
from .gradcheck_report import CheckReport, CheckRow, GradcheckError
from .ops import OPS, DomainError, Op, get_op
from .switches import enable_grad, is_grad_enabled, no_grad
from .tape import Tape, compile
from .tape_guards import GuardError, record
from .value import Value, apply, as_number

globals().update({name: f for name, f in FUNCTIONS.items() if name not in ("sum", "dot")})

__all__ = [
    "AnomalyError", "CheckReport", "CheckRow", "DomainError", "FUNCTIONS", "GradcheckError", "OPS", "Op", "Value",
    "apply", "as_number", "backprop", "check_graph", "check_op", "check_ops", "detect_anomaly", "dot",
    "enable_grad", "function_of", "get_op", "grad", "gradcheck", "GuardError", "Tape", "compile", "record",
    "is_grad_enabled", "no_grad", "register_op", "sum", "topological_order", "value_and_grad",
]
__all__ += [name for name in FUNCTIONS if name not in __all__]
