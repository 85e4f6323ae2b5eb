"""plot_activations: activation functions and their derivatives, both computed by the engine, side by side."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from autograd import OPS, Value, apply, backprop

from ._figure import new_figure

FUNCTION, DERIVATIVE = "#2563eb", "#dc2626"
PER_ROW = 4  # panels per row: more would shrink each to a strip


def _function(item, what: str) -> tuple[str, Callable[[Value], Value], Callable | None]:
    """(name, Value -> Value, piece) for an activation name or a callable (whose piece is unknown)."""
    if callable(item):
        return getattr(item, "__name__", "f"), item, None
    if item == "linear":
        return "linear", lambda v: v, None
    op = OPS.get(item) if isinstance(item, str) else None
    if op is None or op.arity != 1 or len(op.defaults) != len(op.params):
        raise ValueError(f"{what}: unknown activation {item!r}; use 'linear', a one-input op such as "
                         f"{', '.join(n for n, o in OPS.items() if o.activation)}, or a function of a Value")
    # The op's params (leaky_relu's slope) take their defaults, as a neuron's activation does.
    return item, lambda v: apply(op, v), (lambda x: op.piece(x, *op.defaults)) if op.piece else None


def _kinks(piece: Callable | None, xs: np.ndarray) -> list[float]:
    """Where along xs the op changes smooth piece: the points where it is not differentiable."""
    if piece is None:
        return []
    kinks = []
    for a, b in zip(xs[:-1], xs[1:]):
        lo, hi = float(a), float(b)
        if piece(lo) == piece(hi):
            continue
        while hi - lo > 1e-12:  # bisect down to the point itself, then round off the bisection's last bits
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if piece(mid) == piece(lo) else (lo, mid)
        kink = round(0.5 * (lo + hi), 9) + 0.0
        if not kinks or kinks[-1] != kink:  # a grid point on the kink itself is seen from both sides
            kinks.append(kink)
    return kinks


def _jump(fn: Callable[[Value], Value], k: float, step: float = 1e-6) -> tuple[float, float] | None:
    """f' just left and right of k, if f' jumps there (relu's does at 0; elu's, alpha 1, only bends), else None."""
    _, (left, right) = curve(fn, [k - step, k + step])
    if abs(right - left) > 1e-3 * max(1.0, abs(left), abs(right)):
        return round(float(left), 9) + 0.0, round(float(right), 9) + 0.0
    return None


def _broken(xs: np.ndarray, ds: np.ndarray, jumps: dict) -> tuple[np.ndarray, np.ndarray]:
    """f' as a line cut at each jump k: it runs to the limit from each side at k, with a gap between."""
    px, py = [], []
    for x, d in zip(xs, ds):
        for k in [k for k in jumps if k <= x and (not px or px[-1] < k)]:
            left, right = jumps[k]
            px += [k, k, k]
            py += [left, np.nan, right]
        if x not in jumps:  # the grid point on a jump itself is the engine's value: the filled dot
            px.append(x)
            py.append(d)
    return np.array(px), np.array(py)


def curve(fn: Callable[[Value], Value], xs: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) at each x, from the engine's forward and backward."""
    ys, ds = [], []
    for x in xs:
        v = Value(float(x))
        out = fn(v)
        ys.append(out.data)
        ds.append(float(backprop(out).get(v, 0.0)))
    return np.array(ys), np.array(ds)


def plot_activations(
    names: Sequence = ("relu", "tanh", "sigmoid", "linear"),
    *,
    x_range: tuple[float, float] = (-4.0, 4.0),
    points: int = 401,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """One panel per activation (4 to a row, each with its own y scale): the function (solid) and its
    derivative (dashed). Where f' jumps (relu's kink at 0; not elu's, whose f' is continuous) its line
    breaks, a filled dot marks the value the engine takes and an open dot the limit it does not take."""
    if isinstance(names, str) or callable(names):
        names = [names]
    items = [_function(n, "plot_activations") for n in names]
    if not items:
        raise ValueError("plot_activations: names is empty")
    lo, hi = map(float, x_range)
    if not lo < hi:
        raise ValueError(f"plot_activations: x_range must be (low, high) with low < high, got {x_range!r}")
    if axes is None:
        columns = min(len(items), PER_ROW)
        rows = -(-len(items) // columns)
        fig = new_figure((3.0 * columns, 2.8 * rows))
        grid = fig.subplots(rows, columns, squeeze=False).ravel()
        for spare in grid[len(items):]:
            spare.remove()
        axes = grid[:len(items)]
    else:
        axes = list(axes)
        if len(axes) != len(items) or not all(isinstance(a, Axes) for a in axes):
            raise ValueError(f"plot_activations: axes must be {len(items)} matplotlib Axes, got {axes!r:.80}")
        fig = axes[0].figure
    xs = np.linspace(lo, hi, points)
    for ax, (name, fn, piece) in zip(axes, items):
        ys, ds = curve(fn, xs)
        jumps = {k: jump for k in _kinks(piece, xs) if lo <= k <= hi and (jump := _jump(fn, k)) is not None}
        ax.axhline(0, color="#9ca3af", lw=0.8)
        ax.axvline(0, color="#9ca3af", lw=0.8)
        ax.plot(xs, ys, color=FUNCTION, lw=2, label="f(x)")
        ax.plot(*_broken(xs, ds, jumps), color=DERIVATIVE, lw=2, ls="--", label="f'(x)")
        for k, sides in jumps.items():
            _, (taken,) = curve(fn, [k])
            for limit in sorted({v for v in sides if v != taken}):  # where f' tends to but is not: an open dot
                ax.plot([k], [limit], "o", ms=6, mfc="white", mec=DERIVATIVE, mew=1.5, zorder=3, label="_open")
            ax.plot([k], [taken], "o", ms=6, color=DERIVATIVE, zorder=4, label=f"f'({k:g}) taken as {taken:g}")
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig
