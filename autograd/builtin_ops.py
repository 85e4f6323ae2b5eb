"""The built-in primitives: arithmetic, the elementary functions and the n-ary sum and dot.

Every partial derivative below is written with arithmetic and the helpers ``_exp``, ``_log``,
``_sin``, ``_cos``, which work on floats and on Values alike: called with floats they give
numbers (ordinary backward); called with Values they build a differentiable graph
(``create_graph=True``), which is how higher-order derivatives come for free.
"""

from __future__ import annotations

import math
import operator

from .ops import DomainError, Op, add_op

_INF = math.inf
_NAN = math.nan


def _is_float(x) -> bool:
    return x.__class__ is float or isinstance(x, (int, float))


def _data(x) -> float:
    return x if x.__class__ is float else x.data


def _log(x):
    return math.log(x) if _is_float(x) else x.log()


def _sin(x):
    return math.sin(x) if _is_float(x) else x.sin()


def _cos(x):
    return math.cos(x) if _is_float(x) else x.cos()


def _recip_or_inf(scale, x):
    """scale / x, where x may be exactly 0 at the edge of the domain: the slope is then infinite."""
    if _data(x) == 0.0 and _is_float(x):
        return math.copysign(_INF, scale) if scale else _NAN
    return scale / x


def _power(x: float, p: float, name: str) -> float:
    """x ** p for real numbers, refusing what has no real value instead of returning a complex."""
    if x < 0.0 and not float(p).is_integer():
        raise DomainError(f"{name}: a negative base {x!r} to the fractional power {p!r} has no real value")
    if x == 0.0 and p < 0.0:
        raise DomainError(f"{name}: 0.0 to the negative power {p!r} is a division by zero")
    try:
        return float(x**p)
    except OverflowError:
        raise DomainError(f"{name}: {x!r} ** {p!r} overflows the float range") from None


def _power_slope(x, p):
    """d/dx x ** p = p * x ** (p - 1), infinite at x = 0 for 0 < p < 1 (as sqrt at 0)."""
    if p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    if _data(x) == 0.0 and p < 1.0 and _is_float(x):
        return _INF
    return p * x ** (p - 1.0)


def _log_base_slope(out, base):
    """d/dy base ** y = base ** y * log(base): nan where log(base) is undefined, 0 at base 0 (as PyTorch)."""
    b = _data(base)
    if b > 0.0:
        return out * _log(base)
    return 0.0 if b == 0.0 else _NAN


def _div(x: float, y: float) -> float:
    if y == 0.0:
        raise DomainError(f"div: division by zero ({x!r} / {y!r})")
    return x / y


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise DomainError(f"exp: overflow, exp({x!r}) exceeds the float range (inputs above 709.78 overflow)") from None


def _logf(x: float) -> float:
    if not x > 0.0:
        raise DomainError(f"log: input must be > 0, got {x!r}")
    return math.log(x)


def _sqrt(x: float) -> float:
    if not x >= 0.0:
        raise DomainError(f"sqrt: input must be >= 0, got {x!r}")
    return math.sqrt(x)


def _sigmoid(x: float) -> float:
    # Two branches so exp never overflows: exact and finite for every float input.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sign(x) -> float:
    # Comparisons of a Value compare its data, so this works on floats and Values alike.
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)


def _dot(*args: float) -> float:
    n = len(args) // 2
    return sum(map(operator.mul, args[:n], args[n:]))


def _dot_partials(out, *args):
    n = len(args) // 2
    return args[n:] + args[:n]  # d/dw_i = x_i, d/dx_i = w_i


_POSITIVE = ((0.2, 3.0),)
_ANY = ((-3.0, 3.0),)
_PAIR = ((-3.0, 3.0), (-3.0, 3.0))
_NONZERO_PAIR = ((-3.0, 3.0), (0.3, 3.0))

BUILTIN = [
    # --- arithmetic between two Values ---
    Op("add", operator.add, lambda out, x, y: (1.0, 1.0), arity=2, domain=_PAIR, symbol="+"),
    Op("sub", operator.sub, lambda out, x, y: (1.0, -1.0), arity=2, domain=_PAIR, symbol="-"),
    Op("mul", operator.mul, lambda out, x, y: (y, x), arity=2, domain=_PAIR, symbol="*"),
    Op("div", _div, lambda out, x, y: (1.0 / y, -out / y), arity=2, domain=_NONZERO_PAIR, symbol="/"),
    Op(
        "pow",
        lambda x, y: _power(x, y, "pow"),
        lambda out, x, y: (y * x ** (y - 1.0) if _data(x) != 0.0 else _power_slope(x, _data(y)),
                           _log_base_slope(out, x)),
        arity=2,
        domain=((0.3, 3.0), (-2.0, 2.0)),
        symbol="**",
    ),
    # --- arithmetic with a constant (the constant is a parameter of the node, not an input) ---
    Op("add_const", operator.add, lambda out, x, c: (1.0,), params=("c",), samples=((2.5,),), symbol="+"),
    Op("rsub_const", lambda x, c: c - x, lambda out, x, c: (-1.0,), params=("c",), samples=((2.5,),),
       symbol="c -"),
    Op("mul_const", operator.mul, lambda out, x, c: (c,), params=("c",), samples=((-1.5,),), symbol="*"),
    Op("div_const", _div, lambda out, x, c: (1.0 / c,), params=("c",), samples=((4.0,),), symbol="/"),
    Op("rdiv_const", lambda x, c: _div(c, x), lambda out, x, c: (-out / x,), params=("c",),
       domain=((0.3, 3.0),), samples=((2.0,),), symbol="c /"),
    Op("pow_const", lambda x, c: _power(x, c, "pow"), lambda out, x, c: (_power_slope(x, c),),
       params=("c",), domain=((0.2, 3.0),), samples=((2.0,), (3.0,), (0.5,), (-1.5,)), symbol="**"),
    Op("rpow_const", lambda x, c: _power(c, x, "pow"), lambda out, x, c: (_log_base_slope(out, c),),
       params=("c",), domain=((-2.0, 2.0),), samples=((2.0,), (0.5,)), symbol="c **"),
    # --- one-input functions ---
    Op("neg", operator.neg, lambda out, x: (-1.0,), symbol="-"),
    Op("abs", abs, lambda out, x: (_sign(x),), kinks=(0.0,)),
    Op("exp", _exp, lambda out, x: (out,)),
    Op("log", _logf, lambda out, x: (1.0 / x,), domain=_POSITIVE),
    Op("sqrt", _sqrt, lambda out, x: (_recip_or_inf(0.5, out),), domain=_POSITIVE),
    Op("tanh", math.tanh, lambda out, x: (1.0 - out * out,)),
    Op("sigmoid", _sigmoid, lambda out, x: (out * (1.0 - out),)),
    Op("relu", lambda x: x if x > 0.0 else 0.0, lambda out, x: (1.0 if x > 0.0 else 0.0,), kinks=(0.0,)),
    Op("leaky_relu", lambda x, slope: x if x > 0.0 else slope * x,
       lambda out, x, slope: (1.0 if x > 0.0 else slope,),
       params=("slope",), kinks=(0.0,), samples=((0.01,), (0.2,))),
    Op("sin", math.sin, lambda out, x: (_cos(x),)),
    Op("cos", math.cos, lambda out, x: (-_sin(x),)),
    # --- n-ary nodes: one node for a whole sum or weighted sum, not a deep chain of adds ---
    Op("sum", lambda *xs: float(sum(xs)), lambda out, *xs: (1.0,) * len(xs), arity=None, domain=_ANY,
       symbol="sum"),
    Op("dot", _dot, _dot_partials, arity=None, domain=_ANY, symbol="dot"),
]

for _op in BUILTIN:
    add_op(_op)

ADD, SUB, MUL, DIV, POW = (BUILTIN[i] for i in range(5))
(ADD_CONST, RSUB_CONST, MUL_CONST, DIV_CONST, RDIV_CONST, POW_CONST, RPOW_CONST) = BUILTIN[5:12]
NEG, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY_RELU, SIN, COS = BUILTIN[12:23]
SUM, DOT = BUILTIN[23:25]
