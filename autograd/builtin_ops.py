"""The built-in primitives: arithmetic, the elementary functions, activations and the n-ary sum and dot.

Every partial derivative below is written with arithmetic, comparisons and the helpers
``_exp``, ``_log``, ``_sin``, ``_cos``, ``_erf``, ``_sigmoid``, which work on floats and on
Values alike: called with floats they give numbers (ordinary backward); called with Values
they build a differentiable graph (``create_graph=True``), so higher derivatives come for free.
An input may be a constant in a node (``x * 2``); the rule still gives its derivative, unused.
"""

from __future__ import annotations

import math
import operator

from .ops import DomainError, Op, add_op

_INF = math.inf
_NAN = math.nan
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _is_number(x) -> bool:
    return x.__class__ is float or isinstance(x, (int, float))


def _data(x) -> float:
    return x if _is_number(x) else x.data


def _either(method: str, on_floats):
    """``on_floats(x)`` for a number, ``x.<method>()`` for a Value: one rule for both."""
    return lambda x: on_floats(x) if _is_number(x) else getattr(x, method)()


def _sigmoid_float(x: float) -> float:
    # Two branches so exp never overflows: exact and finite for every float input.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


_exp = _either("exp", math.exp)
_log = _either("log", math.log)
_sin = _either("sin", math.sin)
_cos = _either("cos", math.cos)
_erf = _either("erf", math.erf)
_sigmoid = _either("sigmoid", _sigmoid_float)


def _side(x) -> int:
    """-1, 0 or 1: which side of 0 x is on (comparisons of a Value compare its data)."""
    return (x > 0.0) - (x < 0.0)


def _recip_or_inf(scale, x):
    """scale / x, where x may be exactly 0 at the edge of the domain: the slope is then infinite."""
    if _is_number(x) and x == 0.0:
        return math.copysign(_INF, scale) if scale else _NAN
    return scale / x


# --- forward rules that refuse what has no real value ---
def _power(x: float, p: float) -> float:
    """x ** p for real numbers, refusing what has no real value instead of returning a complex."""
    if x < 0.0 and not float(p).is_integer():
        raise DomainError(f"pow: a negative base {x!r} to the fractional power {p!r} has no real value")
    if x == 0.0 and p < 0.0:
        raise DomainError(f"pow: 0.0 to the negative power {p!r} is a division by zero")
    try:
        return float(x**p)
    except OverflowError:
        raise DomainError(f"pow: {x!r} ** {p!r} overflows the float range") from None


def _div(x: float, y: float) -> float:
    if y == 0.0:
        raise DomainError(f"div: division by zero ({x!r} / {y!r})")
    return x / y


def _exp_forward(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise DomainError(f"exp: overflow, exp({x!r}) exceeds the float range (inputs above 709.78 overflow)") from None


def _log_forward(x: float) -> float:
    if not x > 0.0:
        raise DomainError(f"log: input must be > 0, got {x!r}")
    return math.log(x)


def _sqrt_forward(x: float) -> float:
    if not x >= 0.0:
        raise DomainError(f"sqrt: input must be >= 0, got {x!r}")
    return math.sqrt(x)


def _log1p_forward(x: float) -> float:
    if not x > -1.0:
        raise DomainError(f"log1p: input must be > -1, got {x!r}")
    return math.log1p(x)


def _clamp(x: float, lo: float, hi: float) -> float:
    if not lo <= hi:
        raise DomainError(f"clamp: lo must be <= hi, got lo={lo!r} and hi={hi!r}")
    return lo if x < lo else (hi if x > hi else x)


# --- derivative rules that need more than one line ---
def _pow_dx(x, y):
    """d/dx x ** y = y * x ** (y - 1): infinite at x = 0 for 0 < y < 1 (as sqrt), +-inf where it overflows."""
    if _data(y) == 0.0:
        return 0.0
    if _is_number(x) and _is_number(y):
        if x == 0.0:
            return 0.0 if y > 1.0 else (1.0 if y == 1.0 else _INF)
        try:
            return y * x ** (y - 1.0)
        except OverflowError:  # as PyTorch: the slope is infinite, with its sign, not an error
            negative = x < 0.0 and float(y - 1.0).is_integer() and int(y - 1.0) % 2 == 1
            return y * (-_INF if negative else _INF)
    return y * x ** (y - 1.0)


def _pow_dy(out, x):
    """d/dy x ** y = x ** y * log(x): nan where log(x) is undefined, 0 at x = 0 (as PyTorch)."""
    base = _data(x)
    if base > 0.0:
        return out * _log(x)
    return 0.0 if base == 0.0 else _NAN


def _tie_split(x, y) -> tuple:
    """(d/dx, d/dy) of max(x, y); at a tie each input gets half, as PyTorch's maximum does."""
    return (1.0, 0.0) if x > y else ((0.0, 1.0) if x < y else (0.5, 0.5))


def _softplus(x: float) -> float:
    # log(1 + e^x) without overflow: log1p(e^-|x|) + max(x, 0).
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


def _dot(*args: float) -> float:
    n = len(args) // 2
    return sum(map(operator.mul, args[:n], args[n:]))


def _dot_partials(out, *args):
    n = len(args) // 2
    return args[n:] + args[:n]  # d/dw_i = x_i, d/dx_i = w_i


_POSITIVE = ((0.2, 3.0),)
_PAIR = ((-3.0, 3.0), (-3.0, 3.0))

BUILTIN = [
    # --- arithmetic: either input may be a Value or a constant (x * 2, 2 ** x, 1 / x) ---
    Op("add", operator.add, lambda out, x, y: (1.0, 1.0), arity=2, domain=_PAIR, symbol="+", doc="x + y."),
    Op("sub", operator.sub, lambda out, x, y: (1.0, -1.0), arity=2, domain=_PAIR, symbol="-", doc="x - y."),
    Op("mul", operator.mul, lambda out, x, y: (y, x), arity=2, domain=_PAIR, symbol="*", doc="x * y."),
    Op("div", _div, lambda out, x, y: (1.0 / y, -out / y), arity=2, domain=((-3.0, 3.0), (0.3, 3.0)),
       symbol="/", doc="x / y (y must not be 0)."),
    Op("pow", _power, lambda out, x, y: (_pow_dx(x, y), _pow_dy(out, x)), arity=2,
       domain=((0.3, 3.0), (-2.0, 2.0)), symbol="**", doc="x ** y, for real results only."),
    Op("neg", operator.neg, lambda out, x: (-1.0,), symbol="-", doc="-x."),
    Op("abs", abs, lambda out, x: (_side(x),), piece=_side, doc="|x|; its derivative at 0 is taken as 0."),
    # --- elementary functions ---
    Op("exp", _exp_forward, lambda out, x: (out,), doc="e ** x."),
    Op("log", _log_forward, lambda out, x: (1.0 / x,), domain=_POSITIVE, doc="Natural logarithm (x > 0)."),
    Op("sqrt", _sqrt_forward, lambda out, x: (_recip_or_inf(0.5, out),), domain=_POSITIVE,
       doc="Square root (x >= 0)."),
    Op("log1p", _log1p_forward, lambda out, x: (1.0 / (1.0 + x),), domain=((-0.5, 3.0),),
       doc="log(1 + x), accurate near 0 (x > -1)."),
    Op("expm1", math.expm1, lambda out, x: (out + 1.0,), doc="e ** x - 1, accurate near 0."),
    Op("sin", math.sin, lambda out, x: (_cos(x),), doc="Sine."),
    Op("cos", math.cos, lambda out, x: (-_sin(x),), doc="Cosine."),
    Op("tan", math.tan, lambda out, x: (1.0 + out * out,), domain=((-1.2, 1.2),), doc="Tangent."),
    Op("atan", math.atan, lambda out, x: (1.0 / (1.0 + x * x),), doc="Arctangent."),
    Op("erf", math.erf, lambda out, x: (_TWO_OVER_SQRT_PI * _exp(-(x * x)),), doc="The error function."),
    # --- activations (offered to nn and the command line) ---
    Op("tanh", math.tanh, lambda out, x: (1.0 - out * out,), activation=True,
       doc="Hyperbolic tangent, exact and finite for every input."),
    Op("sigmoid", _sigmoid_float, lambda out, x: (out * (1.0 - out),), activation=True,
       doc="1 / (1 + e ** -x), computed without overflow for every input."),
    Op("relu", lambda x: x if x > 0.0 else 0.0, lambda out, x: (1.0 if x > 0.0 else 0.0,), piece=_side,
       activation=True, doc="max(0, x); its derivative at 0 is taken as 0."),
    Op("leaky_relu", lambda x, slope: x if x > 0.0 else slope * x,
       lambda out, x, slope: (1.0 if x > 0.0 else slope,), params=("slope",), defaults=(0.01,),
       samples=((0.01,), (0.2,)), piece=lambda x, slope: _side(x), activation=True,
       doc="x for x > 0, else slope * x."),
    Op("elu", lambda x, alpha: x if x > 0.0 else alpha * math.expm1(x),
       lambda out, x, alpha: (1.0 if x > 0.0 else out + alpha,), params=("alpha",), defaults=(1.0,),
       samples=((1.0,), (0.5,)), piece=lambda x, alpha: _side(x), activation=True,
       doc="x for x > 0, else alpha * (e ** x - 1)."),
    Op("softplus", _softplus, lambda out, x: (_sigmoid(x),), activation=True,
       doc="log(1 + e ** x), a smooth relu, without overflow."),
    Op("silu", lambda x: x * _sigmoid_float(x), lambda out, x: (_sigmoid(x) + out * (1.0 - _sigmoid(x)),),
       activation=True, doc="x * sigmoid(x) (also called swish)."),
    Op("gelu", lambda x: 0.5 * x * (1.0 + math.erf(x / _SQRT2)),
       lambda out, x: (0.5 * (1.0 + _erf(x / _SQRT2)) + x * _INV_SQRT_2PI * _exp(-0.5 * x * x),),
       activation=True, doc="x * Phi(x), Phi the normal distribution function (exact, through erf)."),
    # --- piecewise functions of several arguments ---
    Op("max", lambda x, y: x if x >= y else y, lambda out, x, y: _tie_split(x, y), arity=2, domain=_PAIR,
       piece=lambda x, y: _side(x - y), doc="The larger of x and y (at a tie each gets half the gradient)."),
    Op("min", lambda x, y: x if x <= y else y, lambda out, x, y: _tie_split(y, x), arity=2, domain=_PAIR,
       piece=lambda x, y: _side(x - y), doc="The smaller of x and y (at a tie each gets half the gradient)."),
    Op("clamp", _clamp, lambda out, x, lo, hi: (1.0 if lo <= x <= hi else 0.0,), params=("lo", "hi"),
       samples=((-1.0, 1.0), (0.0, 2.5)), piece=lambda x, lo, hi: (_side(x - lo), _side(x - hi)),
       doc="x limited to [lo, hi]."),
    # --- n-ary nodes: one node for a whole sum or weighted sum, not a deep chain of adds ---
    Op("sum", lambda *xs: float(sum(xs)), lambda out, *xs: (1.0,) * len(xs), arity=None,
       doc="The sum of the inputs, as one node."),
    Op("dot", _dot, _dot_partials, arity=None,
       doc="sum(w * x) of the first half of the inputs with the second, as one node."),
]

for _op in BUILTIN:
    add_op(_op)
