"""How the numpy replay's backward adds a call's contributions onto the adjoints of its argument slots.

A call's argument rows are cut into blocks of rows whose slots recur alike across its nodes (a
weight once per sample, a sample's input once per neuron): a block's derivatives and the call's
adjoints are multiplied and summed over the repeat by one ``einsum``, leaving one contribution
per distinct slot. Slots that recur otherwise (``x * x``) are summed per slot by one
``bincount`` (one sample) or ``reduceat`` (a batch); distinct ones take one ``+=``.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def reader(r: np.ndarray):
    """How to read the slots r: a slice when they are consecutive (a view, no copy), else the index array."""
    if len(r) == 1 or (r[-1] - r[0] == len(r) - 1 and (np.diff(r) == 1).all()):
        return slice(int(r[0]), int(r[0]) + len(r))
    return r


def _add_onto(adj: np.ndarray, target, c) -> None:
    """adj[target] += c for distinct targets; on a slice, in the view itself (no write back of the view)."""
    if target.__class__ is slice:
        view = adj[target]
        view += c
    else:
        adj[target] += c


class Flat:
    """Adds contributions (k[, batch]) onto the adjoint rows of the k slots ``targets``.

    Distinct targets take one (fancy or sliced) ``+=``; recurring ones are summed per slot first,
    in their order, by ``bincount`` for one sample or ``reduceat`` over a batch.
    """

    __slots__ = ("target", "unique", "inverse", "order", "starts")

    def __init__(self, targets: np.ndarray) -> None:
        order = np.argsort(targets, kind="stable")
        ordered = targets[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        if first.all():
            self.target, self.unique = reader(targets), True
            self.inverse = self.order = self.starts = None
        else:
            self.unique = False
            self.starts = np.flatnonzero(first)
            self.target = ordered[self.starts]
            self.inverse = np.empty_like(order)  # each target's position among the distinct ones
            self.inverse[order] = np.cumsum(first) - 1
            self.order = order

    def add(self, adj: np.ndarray, contribution: np.ndarray) -> None:
        if self.unique:
            _add_onto(adj, self.target, contribution)
        elif adj.ndim == 1:
            adj[self.target] += np.bincount(self.inverse, contribution, len(self.target))
        else:
            adj[self.target] += np.add.reduceat(contribution[self.order], self.starts, axis=0)


@functools.lru_cache(maxsize=64)
def divisors(n: int) -> list[int]:
    """n's divisors above 1, largest first (the repeats a row of n targets can have)."""
    small = [d for d in range(2, math.isqrt(n) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small), *([n] if n > 1 else [])}, reverse=True)


def _repeat(row: np.ndarray) -> tuple:
    """How a row of targets repeats: (shape, axis) to sum it over, the widest repeat, or (None, None).

    Across the nodes of a call the same slot recurs in a pattern: a weight once per sample (the
    row is R copies of one block), a sample's input once per neuron (each slot R times in a run).
    Summing the reshaped contributions over that axis leaves one per distinct slot, at numpy speed.
    """
    n = len(row)
    for r in divisors(n):
        blocks = row.reshape(r, n // r)
        if (blocks == blocks[0]).all():
            return (r, n // r), 0
        runs = row.reshape(n // r, r)
        if (runs == runs[:, :1]).all():
            return (n // r, r), 1
    return None, None


class _Block:
    """Argument rows [start, stop) of a call whose slots repeat alike: their contributions, summed over the repeat.

    Without a repeat a contribution is derivative * adjoint, one per target. With one, the
    products are summed over the repeat by one ``einsum`` (or the adjoints alone, for a
    derivative that is one float), leaving one contribution per distinct slot.
    """

    __slots__ = ("start", "stop", "rows", "shape", "axis", "spec", "flat", "direct")

    def __init__(self, start: int, stop: int, shape, axis, targets: np.ndarray, single: bool = False) -> None:
        self.start, self.stop, self.rows = start, stop, stop - start
        self.shape, self.axis = shape, axis
        if shape is not None:
            targets = targets.reshape(self.rows, *shape)
            targets = targets[:, 0] if axis == 0 else targets[:, :, 0]
        self.spec = None if shape is None else ("krp...,rp...->kp..." if axis == 0 else "kpr...,pr...->kp...")
        self.flat = Flat(targets.ravel())
        # one input's row (d is (nodes[, batch]) or a float), no repeat, distinct slots: the most
        # common block, one multiply and one add
        self.direct = self.flat.target if single and shape is None and self.flat.unique else None

    def add(self, adj: np.ndarray, d, upstream: np.ndarray) -> None:
        """d: the rows' derivatives, (rows, nodes[, batch]) or (nodes[, batch]) for one row, or one float for all."""
        if self.direct is not None:
            _add_onto(adj, self.direct, upstream if d.__class__ is float and d == 1.0 else d * upstream)
            return
        rest = upstream.shape[1:]
        if self.shape is None:
            c = upstream if d.__class__ is float and d == 1.0 else d * upstream
        elif d.__class__ is float:  # one derivative for every row and node: sum the adjoints alone
            c = np.add.reduce(upstream.reshape(*self.shape, *rest), axis=self.axis)
            c = c if d == 1.0 else d * c
        else:
            full = (self.rows, *upstream.shape)
            if d.shape != full:
                d = np.broadcast_to(d, full)
            c = np.einsum(self.spec, d.reshape(self.rows, *self.shape, *rest), upstream.reshape(*self.shape, *rest))
        # c: (rows, targets[, batch]), or without the rows axis when every row gets the same
        if c.ndim == len(rest) + 2:
            c = c[0] if self.rows == 1 else c.reshape(-1, *rest)
        elif self.rows > 1:
            c = c[None].repeat(self.rows, axis=0).reshape(-1, *rest)
        self.flat.add(adj, c)


def blocks_of(targets: np.ndarray, needed: np.ndarray, single: bool = False) -> list[_Block]:
    """A call's argument rows (rows, nodes) as blocks of rows that repeat alike, leaving out
    those none of whose slots needs an adjoint (constants, and leaves whose gradients are not asked for).
    ``single``: targets is one input's row, whose derivatives come without the rows axis."""
    keys = [_repeat(row) for row in targets]
    blocks = []
    start = 0
    for k in range(1, len(keys) + 1):
        if k < len(keys) and keys[k] == keys[start]:
            continue
        if needed[targets[start:k]].any():
            blocks.append(_Block(start, k, *keys[start], targets[start:k], single))
        start = k
    return blocks


def rows_of(local, start: int, stop: int):
    """Rows [start, stop) of the derivatives: a float as it is, else a view (a copy only across a tuple's blocks)."""
    if local.__class__ is float:
        return local
    if not isinstance(local, tuple):
        return local[start:stop]
    pieces, offset = [], 0
    for block in local:
        lo, hi = max(start - offset, 0), min(stop - offset, len(block))
        if lo < hi:
            pieces.append(block[lo:hi])
        offset += len(block)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
