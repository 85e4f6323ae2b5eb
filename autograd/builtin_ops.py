"""The built-in primitives: arithmetic, the elementary functions, activations and the n-ary sum and dot.

Every partial derivative below is written with arithmetic, comparisons and the helpers
``_exp``, ``_log``, ``_sin``, ``_cos``, ``_erf``, ``_sigmoid``, which work on floats and on
Values alike: called with floats they give numbers (ordinary backward); called with Values
they build a differentiable graph (``create_graph=True``), so higher derivatives come for free.
A rule branches only by comparing its arguments (never on ``.data``, ``float()`` or ``math``
on them): on Values a comparison is what ``autograd.record()`` keeps as a guard, so a compiled
gradient re-checks every branch its rules took. Where a derivative is infinite (sqrt at 0) or
overflows, a rule gives +-inf, on floats and on Values alike, as PyTorch does.
An input may be a constant in a node (``x * 2``); the rule still gives its derivative, unused.
The piecewise ops (abs, relu, leaky_relu, max, min, clamp) give a NaN input a NaN output, as PyTorch
does, and a NaN derivative: no branch hands it a made-up slope or share of the gradient.
"""

from __future__ import annotations

import math
import operator
from dataclasses import replace

from .ops import DomainError, Op, add_op

_INF = math.inf
_NAN = math.nan
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _is_number(x) -> bool:
    return x.__class__ is float or isinstance(x, (int, float))


def _either(method: str, on_floats, on_arrays=None):
    """``on_floats(x)`` for a number, ``x.<method>()`` for a Value, ``on_arrays(x)`` for a numpy array (the tape)."""
    on_arrays = on_arrays or (lambda x: getattr(_np, method)(x))
    return lambda x: (on_floats(x) if _is_number(x)
                      else on_arrays(x) if x.__class__.__module__ == "numpy" else getattr(x, method)())


class _LazyNumpy:
    """numpy, imported on first use: only the tape needs it, and the interpreter stays pure Python."""

    def __getattr__(self, name: str):  # runs once per name: the attribute is kept for later lookups
        import numpy

        value = getattr(numpy, name)
        setattr(self, name, value)
        return value


_np = _LazyNumpy()


def _sigmoid_float(x: float) -> float:
    # Two branches so exp never overflows: exact and finite for every float input.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sigmoid_arrays(x):
    # The two branches of _sigmoid_float, elementwise: the same operations, so the same numbers.
    e = _np.exp(-_np.abs(x))
    return _np.divide(_np.where(x >= 0.0, 1.0, e), 1.0 + e)


def _erf_arrays(x):
    # numpy has no erf; math.erf per element keeps the tape's numbers the interpreter's.
    return _np.asarray(_np.frompyfunc(math.erf, 1, 1)(x), dtype=float)


_exp = _either("exp", math.exp)
_log = _either("log", math.log)
_sin = _either("sin", math.sin)
_cos = _either("cos", math.cos)
_erf = _either("erf", math.erf, _erf_arrays)
_sigmoid = _either("sigmoid", _sigmoid_float, _sigmoid_arrays)


def _side(x) -> int:
    """-1, 0 or 1: which side of 0 x is on (comparisons of a Value compare its data)."""
    return (x > 0.0) - (x < 0.0)


def _sign(x) -> float:
    """-1.0, 0.0 or 1.0 as _side, and nan for a nan: abs's derivative."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0 if x >= 0.0 else _NAN


def _is_zero(x) -> bool:
    """x == 0 for a float or a Value: one comparison, of |x|, that stays the same for every x != 0.

    Not ``x == 0.0``: a Value's == is identity. On a Value the comparison is kept as a guard
    inside autograd.record(), and it flips only where the branch it decides does.
    """
    return abs(x) <= 0.0


def _is_constant_of_a_value_call(x, other) -> bool:
    """Whether x is a constant input of a rule called on Values (create_graph): its derivative is never used.

    Such a derivative is skipped rather than computed: its branches would be guards (and its
    errors failures) about a derivative nobody reads.
    """
    return _is_number(x) and not _is_number(other)


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
# |x ** (y - 1)| is within rounding of |out / x|, so it cannot overflow while |out / x| is below this
_SAFE_POWER = 1e300


def _pow_dx(out, x, y):
    """d/dx x ** y = y * x ** (y - 1), with PyTorch's values where that has none.

    0 for y = 0 (x ** 0 is 1 everywhere); +inf at x = 0 for 0 < y < 1 (as sqrt); where
    x ** (y - 1) overflows, y * out / x, which is then +-inf with its sign. Only y < 1 can reach
    those cases (x ** (y - 1) is finite wherever out is, for y >= 1), so x ** 2 branches on nothing.
    """
    if _is_constant_of_a_value_call(x, y):
        return 0.0
    if not y < 1.0:
        return y * x ** (y - 1.0)
    if _is_zero(y):
        return 0.0
    if _is_zero(x):  # here 0 < y < 1: the forward refuses 0 to a negative power
        return _INF
    ratio = out / x  # x ** (y - 1), but as a float division: inf where it overflows, never an error
    if abs(ratio) < _SAFE_POWER:
        return y * x ** (y - 1.0)
    return y * ratio


def _pow_dy(out, x, y):
    """d/dy x ** y = x ** y * log(x): nan where log(x) is undefined, 0 at x = 0 (as PyTorch)."""
    if _is_constant_of_a_value_call(y, x):
        return 0.0
    if x > 0.0:
        return out * _log(x)
    return 0.0 if _is_zero(x) else _NAN


def _tie_split(x, y) -> tuple:
    """(d/dx, d/dy) of max(x, y); at a tie each input gets half, as PyTorch's maximum does; nan for a nan."""
    if x > y:
        return 1.0, 0.0
    if x < y:
        return 0.0, 1.0
    return (0.5, 0.5) if x >= y else (_NAN, _NAN)


def _relu_partials(out, x) -> tuple:
    # the hot path of a relu network: one comparison for x > 0
    return (1.0 if x > 0.0 else (0.0 if x <= 0.0 else _NAN),)


def _clamp_partials(out, x, lo, hi) -> tuple:
    if lo <= x <= hi:
        return (1.0,)
    return (0.0 if x < lo or x > hi else _NAN,)


def _softplus(x: float) -> float:
    # log(1 + e^x) without overflow: log1p(e^-|x|) + max(x, 0).
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


def _dot(*args: float) -> float:
    n = len(args) // 2
    if len(args) != 2 * n:  # (the engine names the op and the inputs)
        raise ValueError(f"takes an even number of inputs, the ws then the xs, not {len(args)}")
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
    Op("pow", _power, lambda out, x, y: (_pow_dx(out, x, y), _pow_dy(out, x, y)), arity=2,
       domain=((0.3, 3.0), (-2.0, 2.0)), symbol="**", doc="x ** y, for real results only."),
    Op("neg", operator.neg, lambda out, x: (-1.0,), symbol="-", doc="-x."),
    Op("abs", abs, lambda out, x: (_sign(x),), piece=_side, doc="|x|; its derivative at 0 is taken as 0."),
    # --- elementary functions ---
    Op("exp", _exp_forward, lambda out, x: (out,), doc="e ** x."),
    Op("log", _log_forward, lambda out, x: (1.0 / x,), domain=_POSITIVE, doc="Natural logarithm (x > 0)."),
    Op("sqrt", _sqrt_forward, lambda out, x: (0.5 / out if out > 0.0 else _INF,), domain=_POSITIVE,
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
    Op("relu", lambda x: 0.0 if x <= 0.0 else x, _relu_partials, piece=_side,
       activation=True, doc="max(0, x); its derivative at 0 is taken as 0."),
    Op("leaky_relu", lambda x, slope: x if x > 0.0 else slope * x,
       lambda out, x, slope: (1.0 if x > 0.0 else (slope if x <= 0.0 else _NAN),), params=("slope",),
       defaults=(0.01,), samples=((0.01,), (0.2,)), piece=lambda x, slope: _side(x), activation=True,
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
    Op("max", lambda x, y: x if x >= y else (y if x < y else _NAN), lambda out, x, y: _tie_split(x, y),
       arity=2, domain=_PAIR, piece=lambda x, y: _side(x - y),
       doc="The larger of x and y (at a tie each gets half the gradient)."),
    Op("min", lambda x, y: x if x <= y else (y if x > y else _NAN), lambda out, x, y: _tie_split(y, x),
       arity=2, domain=_PAIR, piece=lambda x, y: _side(x - y),
       doc="The smaller of x and y (at a tie each gets half the gradient)."),
    Op("clamp", _clamp, _clamp_partials, params=("lo", "hi"),
       samples=((-1.0, 1.0), (0.0, 2.5)), piece=lambda x, lo, hi: (_side(x - lo), _side(x - hi)),
       doc="x limited to [lo, hi]."),
    # --- n-ary nodes: one node for a whole sum or weighted sum, not a deep chain of adds ---
    Op("sum", lambda *xs: float(sum(xs)), lambda out, *xs: (1.0,) * len(xs), arity=None,
       doc="The sum of the inputs, as one node."),
    Op("dot", _dot, _dot_partials, arity=None,
       doc="sum(w * x) of the first half of the inputs with the second, as one node."),
]



# --- the tape's forms of the rules above (autograd/tape.py), and the adjoint formulas print(tape) shows ---
def _refuse(bad, message: str) -> None:
    """Raise DomainError if any element is outside the domain (the tape then names the node and sample)."""
    if _np.any(bad):
        raise DomainError(message)


def _overflow_checked(name: str, f):
    def forward(*xs):
        out = f(*xs)
        _refuse(_np.isinf(out) & _np.all(_np.isfinite(xs), axis=0), f"{name}: overflow")
        return out
    return forward


def _power_arrays(x, p):
    _refuse((x < 0.0) & (p != _np.round(p)), "pow: a negative base to a fractional power has no real value")
    _refuse((x == 0.0) & (p < 0.0), "pow: 0.0 to a negative power is a division by zero")
    return _overflow_checked("pow", _np.power)(x, p)


def _pow_partials_arrays(out, x, y):
    # _pow_dx and _pow_dy elementwise: the same branches, in the same order, so the same numbers
    ratio = out / _np.where(x == 0.0, 1.0, x)
    small = ~(y < 1.0)
    dx = _np.where(small | (_np.abs(ratio) < _SAFE_POWER), y * _np.power(x, y - 1.0), y * ratio)
    dx = _np.where(small, dx, _np.where(y == 0.0, 0.0, _np.where(x == 0.0, _INF, dx)))
    dy = _np.where(x > 0.0, out * _np.log(_np.where(x > 0.0, x, 1.0)), _np.where(x == 0.0, 0.0, _NAN))
    return dx, dy


def _tie_split_arrays(x, y) -> tuple:
    above, below = _np.greater(x, y), _np.less(x, y)
    tie = _np.where(_np.greater_equal(x, y), 0.5, _NAN)  # neither above nor below: a tie, or a nan
    return _np.where(above, 1.0, _np.where(below, 0.0, tie)), _np.where(above, 0.0, _np.where(below, 1.0, tie))



def _clamp_arrays(x, lo, hi):
    _refuse(~(lo <= hi), "clamp: lo must be <= hi")
    return _np.where(x < lo, lo, _np.where(x > hi, hi, x))


def _checked(name: str, ok, message: str, f):
    def forward(x):
        _refuse(~ok(x), f"{name}: {message}")
        return f(x)
    return forward


def _step(x):
    return _np.greater(x, 0.0) * 1.0


def _step_or_nan(x, below=0.0):
    """1 for x > 0, ``below`` for x <= 0, nan for a nan: relu's and leaky_relu's float rules."""
    return _np.where(x > 0.0, 1.0, _np.where(x <= 0.0, below, _NAN))


def _stacked(f):
    """Mark a form as taking a call's arguments as one array, argument-major (the tape reads them in one gather).

    A stacked partials form returns every argument row's derivatives: an array, a float for all,
    or a tuple of row blocks in order (the tape reads each block as a view).
    """
    f.stacked = True
    return f


@_stacked
def _sum_arrays(a):
    return _np.add.reduce(a, axis=0)  # row after row, as the float rule adds them


@_stacked
def _sum_partials_arrays(out, a):
    return 1.0  # every input's derivative


@_stacked
def _dot_arrays(a):
    n = len(a) // 2
    return _np.einsum("ij...,ij...->j...", a[:n], a[n:])  # the products summed without an array of them


_dot_arrays.product = True  # a sum of products: a call whose nodes form a matrix product may run as one (the tape)


@_stacked
def _dot_partials_arrays(out, a):
    n = len(a) // 2
    return a[n:], a[:n]  # d/dw_i = x_i, d/dx_i = w_i: the rows as two blocks, not copied into one


def _add_arrays(x, y):
    return _np.add(x, y)


_add_arrays.plus = True  # x + y, derivatives 1 and 1: a matrix product's call may add a bias row itself (the tape)


# name -> (numpy forward, numpy partials or None when the float rule above works on arrays as written,
#          the partials as text: formulas in the names of the node's output and arguments)
_TAPE_FORMS = {
    "add": (_add_arrays, None, lambda o, x, y: ("1", "1")),
    "sub": (lambda x, y: _np.subtract(x, y), None, lambda o, x, y: ("1", "-1")),
    "mul": (lambda x, y: _np.multiply(x, y), None, lambda o, x, y: (y, x)),
    "div": (lambda x, y: (_refuse(y == 0.0, "div: division by zero"), _np.divide(x, y))[1], None,
            lambda o, x, y: (f"1/{y}", f"-{o}/{y}")),
    "pow": (_power_arrays, _pow_partials_arrays, lambda o, x, y: (f"{y} * {x}**({y} - 1)", f"{o} * log({x})")),
    "neg": (lambda x: _np.negative(x), None, lambda o, x: ("-1",)),
    "abs": (lambda x: _np.abs(x), lambda o, x: (_np.where(x >= 0.0, _step(x), _step_or_nan(x, -1.0)),),
            lambda o, x: (f"sign({x})",)),
    "exp": (_overflow_checked("exp", lambda x: _np.exp(x)), None, lambda o, x: (o,)),
    "log": (_checked("log", lambda x: x > 0.0, "input must be > 0", lambda x: _np.log(x)), None,
            lambda o, x: (f"1/{x}",)),
    "sqrt": (_checked("sqrt", lambda x: x >= 0.0, "input must be >= 0", lambda x: _np.sqrt(x)),
             lambda o, x: (0.5 / _np.abs(o),), lambda o, x: (f"0.5/{o}",)),  # abs: +inf at -0.0, as the float rule
    "log1p": (_checked("log1p", lambda x: x > -1.0, "input must be > -1", lambda x: _np.log1p(x)), None,
              lambda o, x: (f"1/(1 + {x})",)),
    "expm1": (_overflow_checked("expm1", lambda x: _np.expm1(x)), None, lambda o, x: (f"{o} + 1",)),
    "sin": (lambda x: _np.sin(x), None, lambda o, x: (f"cos({x})",)),
    "cos": (lambda x: _np.cos(x), None, lambda o, x: (f"-sin({x})",)),
    "tan": (lambda x: _np.tan(x), None, lambda o, x: (f"1 + {o}**2",)),
    "atan": (lambda x: _np.arctan(x), None, lambda o, x: (f"1/(1 + {x}**2)",)),
    "erf": (_erf_arrays, None, lambda o, x: (f"2/sqrt(pi) * exp(-{x}**2)",)),
    "tanh": (lambda x: _np.tanh(x), None, lambda o, x: (f"1 - {o}**2",)),
    "sigmoid": (_sigmoid_arrays, None, lambda o, x: (f"{o} * (1 - {o})",)),
    "relu": (lambda x: _np.where(x <= 0.0, 0.0, x), lambda o, x: (_step_or_nan(x),), lambda o, x: (f"({x} > 0)",)),
    "leaky_relu": (lambda x, slope: _np.where(x > 0.0, x, slope * x),
                   lambda o, x, slope: (_step_or_nan(x, slope),),
                   lambda o, x, slope: (f"1 if {x} > 0 else {slope}",)),
    "elu": (lambda x, alpha: _np.where(x > 0.0, x, alpha * _np.expm1(_np.minimum(x, 0.0))),
            lambda o, x, alpha: (_np.where(x > 0.0, 1.0, o + alpha),),
            lambda o, x, alpha: (f"1 if {x} > 0 else {o} + {alpha}",)),
    # logaddexp(0, x) is max(x, 0) + log1p(exp(-|x|)) (the float rule's operations) in one call; the
    # derivative sigmoid(x) = 1 - exp(-softplus(x)), from the output in two calls (within 2 ulp of the rule's)
    "softplus": (lambda x: _np.logaddexp(0.0, x), lambda o, x: (-_np.expm1(-o),),
                 lambda o, x: (f"sigmoid({x})",)),
    "silu": (lambda x: x * _sigmoid_arrays(x), None,
             lambda o, x: (f"sigmoid({x}) + {o} * (1 - sigmoid({x}))",)),
    "gelu": (lambda x: 0.5 * x * (1.0 + _erf_arrays(x / _SQRT2)), None,
             lambda o, x: (f"Phi({x}) + {x} * phi({x})",)),
    "max": (lambda x, y: _np.where(x >= y, x, _np.where(x < y, y, _NAN)), lambda o, x, y: _tie_split_arrays(x, y),
            lambda o, x, y: (f"({x} > {y})", f"({y} > {x})")),
    "min": (lambda x, y: _np.where(x <= y, x, _np.where(x > y, y, _NAN)), lambda o, x, y: _tie_split_arrays(y, x),
            lambda o, x, y: (f"({x} < {y})", f"({y} < {x})")),
    "clamp": (_clamp_arrays, lambda o, x, lo, hi: (_np.where((lo <= x) & (x <= hi), 1.0,
                                                             _np.where((x < lo) | (x > hi), 0.0, _NAN)),),
              lambda o, x, lo, hi: (f"({lo} <= {x} <= {hi})",)),
    "sum": (_sum_arrays, _sum_partials_arrays, lambda o, *xs: ("1",) * len(xs)),
    "dot": (_dot_arrays, _dot_partials_arrays, lambda o, *a: a[len(a) // 2:] + a[:len(a) // 2]),
}

for _op in BUILTIN:
    _forward, _partials, _text = _TAPE_FORMS[_op.name]
    add_op(replace(_op, numpy_forward=_forward, numpy_partials=_partials or _op.partials, partials_text=_text))
