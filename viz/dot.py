"""DOT source for a computation graph: one record per Value, one small node per op, clusters per neuron."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd import Value

from . import style as S
from .fmt import escape_record, format_number, grad_of, quote
from .graphdata import GraphData, roots_of
from .neurons import label_kind, labelled_parameters, layer_of, neuron_name, outputs_of

RANKDIRS = ("LR", "TB", "RL", "BT")
NO_BACKWARD = "backward() not called yet: every grad is 0"
# Longest text drawn: dot refuses a label over 16,384 characters, and a long one is unreadable anyway.
MAX_LABEL, MAX_TITLE_LINE, MAX_TITLE_LINES = 60, 120, 12


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the cut shown by an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass
class Options:
    """What to draw and how; checked once, shared by to_dot, draw_graph and the step-through frames."""

    rankdir: str = "LR"
    show_data: bool = True
    show_grad: bool = True
    color_by: str = "kind"
    group: str | None = "auto"
    collapse: bool = False
    max_nodes: int = 300
    title: str | None = None
    model: object = None
    what: str = "to_dot"
    params: object = None

    def __post_init__(self) -> None:
        w = self.what
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"{w}: rankdir must be one of {RANKDIRS}, got {self.rankdir!r}")
        if self.color_by not in ("kind", "grad"):
            raise ValueError(f"{w}: color_by must be 'kind' or 'grad', got {self.color_by!r}")
        if self.group not in ("auto", None, "neuron", "layer"):
            raise ValueError(f"{w}: group must be 'auto', None, 'neuron' or 'layer', got {self.group!r}")
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int) or self.max_nodes < 1:
            raise ValueError(f"{w}: max_nodes must be a positive int, got {self.max_nodes!r}")
        if self.title is not None and not isinstance(self.title, str):
            raise TypeError(f"{w}: title must be a str or None, got {type(self.title).__name__} {self.title!r}")
        self.parameters = _parameter_names(self.model, self.params, w)

    def settle(self, nodes) -> None:
        """Decide, for this graph, which leaves are parameters when neither ``model`` nor ``params`` said:
        those labelled as nn labels them, in a graph with nn's weights (``neurons.labelled_parameters``)."""
        if self.parameters is None:
            self.parameters = labelled_parameters(nodes)

    def is_parameter(self, node: Value) -> bool:
        """Whether a leaf is drawn as a parameter: the model's or params', else as settled from the labels."""
        return node in self.parameters

    def parameter_name(self, node: Value) -> str | None:
        """A parameter's name (the model's name for it, or its label); None for any other node, or no name."""
        return self.parameters.get(node)


def _parameter_names(model: object, params: object, what: str) -> dict | None:
    """node -> name (or None) for every leaf to draw as a parameter; None when neither model nor params is given.

    ``model``: an nn Module, or anything with named_parameters(). ``params``: the parameters
    themselves, a list of Values (named by their labels) or a dict name -> Value.
    """
    if model is not None and params is not None:
        raise ValueError(f"{what}: give model or params, not both (model=m draws m's parameters)")
    if model is not None:
        named = getattr(model, "named_parameters", None)
        if not callable(named):
            raise TypeError(f"{what}: model must be an nn Module (or have named_parameters()), "
                            f"got {type(model).__name__} {model!r:.80}")
        pairs, given = named(), "model.named_parameters()"
    elif isinstance(params, dict):
        pairs, given = params.items(), "params"
    elif isinstance(params, (list, tuple)):
        pairs, given = [(None, p) for p in params], "params"
    elif params is None:
        return None
    else:
        raise TypeError(f"{what}: params must be a list of Values or a dict name -> Value, "
                        f"got {type(params).__name__} {params!r:.80}")
    names = {}
    for name, p in pairs:
        if not isinstance(p, Value):
            raise TypeError(f"{what}: {given} must give Values, got {name!r}: {p!r:.80}")
        names.setdefault(p, name)
    return names


@dataclass
class Frame:
    """What a step-through frame changes: gradients known so far, highlighted nodes and edges, a caption."""

    grads: dict  # node -> running d(root)/d(node); nodes not in it show 'grad ?'
    widths: dict  # node -> length of its longest grad text over all frames (keeps the layout still)
    roles: dict = field(default_factory=dict)  # node -> 'current' | 'receiver'
    edges: set = field(default_factory=set)  # (parent, node) pairs carrying a contribution now
    caption: str | None = None
    names: dict = field(default_factory=dict)  # node -> the name the captions call it (steps.node_names)


def to_dot(
    root: Value | Sequence[Value],
    *,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool = True,
    color_by: str = "kind",
    group: str | None = "auto",
    collapse: bool = False,
    max_nodes: int = 300,
    title: str | None = None,
    model: object = None,
    params: object = None,
) -> str:
    """DOT source of the graph behind ``root`` (a Value or a list of Values); needs no renderer.

    ``model`` (an nn Module): its ``named_parameters()`` say which leaves are parameters, and name
    those without a label. ``params`` says it for a graph built by hand: a list of Values
    (``[w1, w2, b]``) or a dict name -> Value. Without either, the leaves labelled as nn labels
    weights and biases are.
    """
    opts = Options(rankdir, show_data, show_grad, color_by, group, collapse, max_nodes, title, model, "to_dot",
                   params)
    return source(body_of(root, opts))


def body_of(root: Value | Sequence[Value], opts: Options) -> list[str]:
    """The body statements of the drawing of the graph behind ``root`` (shared by to_dot and draw_graph)."""
    return statements(GraphData.collect(roots_of(root, opts.what)), opts)


def source(lines: list[str]) -> str:
    """A complete DOT digraph from body statements."""
    return "digraph chainrule {\n" + "".join(lines) + "}\n"


def statements(data: GraphData, opts: Options, frame: Frame | None = None) -> list[str]:
    """The body statements of the drawing (each a tab-indented line), as graphviz.Digraph keeps them."""
    return _Emitter(data, opts, frame).run()


MANY_VIRTUAL_NODES = 2000  # more, and one network-simplex pass each for ranking and placing (_graph_attributes)

class _Emitter:
    def __init__(self, data: GraphData, opts: Options, frame: Frame | None) -> None:
        self.data, self.opts, self.frame = data, opts, frame
        opts.settle(data.nodes)
        self.ids = {node: f"v{i}" for i, node in enumerate(data.nodes)}
        self.roots = set(data.roots)
        self.lines: list[str] = []
        self.kinds_seen: set = set()

    def run(self) -> list[str]:
        """Check the size, group, and emit graph attributes, header, nodes (in clusters) and edges."""
        data, opts = self.data, self.opts
        if not opts.collapse and len(data.nodes) > opts.max_nodes:
            raise ValueError(
                f"{opts.what}: the graph has {len(data.nodes)} nodes, more than max_nodes={opts.max_nodes}; "
                "pass collapse=True to draw one box per neuron (the w[l,n,i], b[l,n], z[l,n], a[l,n] labels "
                "nn gives), or draw a smaller graph, or raise max_nodes"
            )
        group = opts.group
        if group == "auto":
            group = ("layer" if opts.collapse else "neuron") if data.has_neurons() else None
        self.grouped = bool(group)
        if group or opts.collapse:
            data.group()
        self.boxes = dict(data.neuron) if opts.collapse else {}
        self.box_members: dict = {}
        for node, key in self.boxes.items():
            self.box_members.setdefault(key, []).append(node)
        shown = [n for n in data.nodes if n not in self.boxes]
        count = len(shown) + len(set(self.boxes.values()))
        if count > opts.max_nodes:
            raise ValueError(
                f"{opts.what}: even with one box per neuron the graph has {count} nodes, more than "
                f"max_nodes={opts.max_nodes}; draw a smaller graph (one sample's loss) or raise max_nodes"
            )
        self._emit_tree(self._clusters(shown, group))
        self._edges()
        # The header comes last: its legend lists only the kinds of node actually drawn.
        return [*self._graph_attributes(), f"\tlabel={self._header()}\n", *self.lines]

    # --- layout of the whole graph ---
    def _graph_attributes(self) -> list[str]:
        f = S.FONT
        collapse = self.opts.collapse
        return [
            f"\trankdir={self.opts.rankdir}\n",
            f'\tbgcolor="white" labelloc=t nodesep=0.25 ranksep={1.1 if collapse else 0.35} newrank=true\n',
            # Layers joined all-to-all leave crossing minimisation nothing to gain, but its passes still
            # rotate a layer (neurons 8-15 above 0-7); with almost none, boxes keep their first order. Neuron
            # clusters likewise ([0,1], [0,2], the inputs, then [0,0]); over 96 MLP drawings (2-layer and
            # 3-layer, LR and TB) this left 8 clusters out of order instead of 84, with as many crossings in all.
            *(["\tmclimit=0.01\n"] if collapse or self.grouped else []),
            # Edges that span many ranks (one x used all along a chain) become chains of virtual nodes that
            # network simplex ranks and places slowly: x + x + ... + x took 0.6 s at 40 uses, 8.5 s at 60 and
            # over a minute at 81; one pass of each (nslimit) takes 0.07 s and 0.4 s and draws the same rows.
            *(["\tnslimit=1 nslimit1=1\n"] if not collapse and self._virtual_nodes() > MANY_VIRTUAL_NODES else []),
            f'\tfontname="{f}"\n',
            f'\tnode [fontname="{f}" fontsize=11 penwidth=1.2]\n',
            f'\tedge [color="{S.EDGE}" arrowsize=0.7 penwidth=1.1]\n',
        ]

    def _virtual_nodes(self) -> int:
        """How many virtual nodes Graphviz makes for edges longer than one rank: a value's rank is 0 for a
        leaf, else its op's plus 1; an op's is its highest input's plus 1."""
        rank: dict = {}
        virtual = 0
        for node in self.data.nodes:  # parents before children
            parents = node.parents
            if not parents:
                rank[node] = 0
                continue
            op_rank = max(rank[p] for p in parents) + 1
            virtual += sum(op_rank - rank[p] - 1 for p in parents)
            rank[node] = op_rank + 1
        return virtual

    def _header(self) -> str:
        opts, frame = self.opts, self.frame
        title = opts.title
        if frame is None and opts.show_grad and all(grad_of(n) == 0.0 for n in self.data.nodes):
            title = f"{title}\n{NO_BACKWARD}" if title else NO_BACKWARD
        order = ["parameter", "input", "computed", "output", "neuron"]
        kinds = [k for k in order if k in self.kinds_seen]
        lines = (title or "").split("\n")
        if len(lines) > MAX_TITLE_LINES:
            lines = [*lines[: MAX_TITLE_LINES - 1], f"\u2026 ({len(lines) - MAX_TITLE_LINES + 1} more lines)"]
        lines += frame.caption.split("\n") if frame and frame.caption else []
        lines = [shorten(line, MAX_TITLE_LINE) for line in lines]
        caption = "\n".join(lines[1:]) or None
        return S.header(lines[0] or None, kinds, self._grad_scale() if self._by_grad() else None, caption)

    def _by_grad(self) -> bool:
        return self.opts.color_by == "grad" and self.frame is None

    def _grad_scale(self) -> float:
        if not hasattr(self, "_scale"):
            finite = [abs(g) for g in map(grad_of, self.data.nodes) if math.isfinite(g)]
            self._scale = max(finite, default=0.0)
        return self._scale

    # --- clusters ---
    def _clusters(self, shown: list, group: str | None) -> dict:
        """A tree of clusters: {'members': [...], 'children': {(kind, key): subtree}}; the root holds the rest."""
        tree: dict = {"members": [], "children": {}}
        neuron = self.data.neuron
        for node in shown:
            self._insert(tree, self._path(neuron.get(node) if group else None, group), node)
        # Graphviz starts a rank with its nodes in reverse order of declaration, and turns that order
        # around when it lays a graph out sideways (LR, RL): for TB and BT the boxes go in last-first.
        for key in sorted(set(self.boxes.values()), reverse=self.opts.rankdir in ("TB", "BT")):
            path = self._path(key, group)[:-1] if group else ()  # a collapsed neuron is one box, no cluster
            self._insert(tree, path, ("box", key))
        return tree

    @staticmethod
    def _insert(tree: dict, path: tuple, member) -> None:
        for step in path:
            tree = tree["children"].setdefault(step, {"members": [], "children": {}})
        tree["members"].append(member)

    @staticmethod
    def _path(key, group: str | None) -> tuple:
        if key is None:
            return ()
        layer = layer_of(key)
        if group == "layer" and layer is not None:
            return (("layer", layer), ("neuron", key))
        return (("neuron", key),)

    def _emit_tree(self, tree: dict, indent: str = "") -> None:
        """The members, then each child cluster (nesting is at most layer > neuron: no deep recursion)."""
        for member in tree["members"]:
            self.lines.extend(indent + line for line in self._node_lines(member))
        for (kind, key), child in tree["children"].items():
            name = f"cluster_{kind}_" + ("_".join(map(str, key)) if isinstance(key, tuple) else str(key))
            text = neuron_name(key) if kind == "neuron" else f"layer {key}"
            color = S.CLUSTER_NEURON if kind == "neuron" else S.CLUSTER_LAYER
            # A layer's edges in and out cover the middle of its sides, and a one-neuron layer's whole top: its
            # name goes to a corner they leave free (measured on 2-4 layer MLPs in all four rankdirs).
            place = ""
            if kind == "layer":
                place = " labelloc=b labeljust=l" if self.opts.rankdir in ("TB", "BT") else " labeljust=r"
            self.lines.append(
                f'{indent}\tsubgraph {name} {{\n{indent}\t\tlabel={quote(text)}{place} style="rounded,dashed" '
                f'color="{color}" fontcolor="#4b5563" fontsize=10\n'
            )
            self._emit_tree(child, indent + "\t")
            self.lines.append(f"{indent}\t}}\n")

    # --- nodes ---
    def _node_lines(self, member) -> list[str]:
        if isinstance(member, tuple):
            return [self._box_line(member[1])]
        node = member
        lines = [self._value_line(node)]
        if not node.is_leaf():
            lines.append(self._op_line(node))
        return lines

    def _kind(self, node) -> str:
        if node in self.roots:
            return "output"
        if node.is_leaf():
            return "parameter" if self.opts.is_parameter(node) else "input"
        return "computed"

    def _value_line(self, node) -> str:
        kind = self._kind(node)
        self.kinds_seen.add(kind)
        fill, border, _ = S.KINDS[kind]
        name = node.label or (self.opts.parameter_name(node) if kind == "parameter" else None)
        if self.frame and node in self.frame.names:
            name = self.frame.names[node]  # an unlabelled node too: the caption names it
        fields = [escape_record(shorten(name, MAX_LABEL))] if name else []
        if self.opts.show_data:
            fields.append("data " + format_number(node.data))
        if self.opts.show_grad:
            fields.append(self._grad_field(node))
        if not fields:
            fields = [escape_record(node.op or "leaf")]
        text = " | ".join(fields)
        label = f"{{ {text} }}" if self.opts.rankdir in ("LR", "RL") else text
        penwidth = 2.2 if kind == "output" else 1.2
        if self._by_grad():
            fill = S.grad_fill(grad_of(node), self._grad_scale())
        role = self.frame.roles.get(node) if self.frame else None
        if role == "current":
            fill, border, penwidth = S.HIGHLIGHT_FILL, S.HIGHLIGHT, 3.0
        elif role == "receiver":
            fill, border, penwidth = S.RECEIVER_FILL, S.RECEIVER, 2.6
        return (
            f'\t{self.ids[node]} [shape=record style="rounded,filled" fillcolor="{fill}" color="{border}" '
            f'penwidth={penwidth} label="{label}"]\n'
        )

    def _grad_field(self, node) -> str:
        frame = self.frame
        if frame is None:
            return "grad " + format_number(grad_of(node))
        text = format_number(frame.grads[node]) if node in frame.grads else "?"
        # Digits are twice as wide as a space in the usual fonts: padding keeps every frame's layout still.
        padding = 2 * max(0, frame.widths.get(node, 0) - len(text))
        return "grad " + escape_record(text) + "\\ " * padding

    def _op_line(self, node) -> str:
        text = shorten(S.op_text(node), MAX_LABEL)
        role = self.frame.roles.get(node) if self.frame else None
        fill, border = (S.HIGHLIGHT_FILL, S.HIGHLIGHT) if role == "current" else (S.OP_FILL, S.OP_BORDER)
        if len(text) <= 2:
            shape = 'circle fixedsize=true width=0.36 style="filled" fontsize=13'
        else:
            shape = 'box style="rounded,filled" height=0.3 fontsize=10'
        # Inputs in argument order (the first above in LR, left in TB), where the order changes the result.
        ordering = " ordering=in" if S.operand_order(node) else ""
        return (
            f'\to{self.ids[node][1:]} [shape={shape} fillcolor="{fill}" color="{border}" '
            f'margin="0.06,0.02"{ordering} label={quote(text)}]\n'
        )

    # --- collapsed neurons ---
    def _box_id(self, key) -> str:
        return "k_" + ("_".join(map(str, key)) or "n")

    def _box_line(self, key) -> str:
        self.kinds_seen.add("neuron")
        members = self.box_members[key]
        outs = outputs_of(members)
        activation = "linear"
        if outs and not outs[0].is_leaf() and label_kind(outs[0]) == "a":
            parents = outs[0].parents
            if len(parents) == 1 and self.boxes.get(parents[0]) == key:
                activation = S.op_text(outs[0])
        inner = []
        if len(outs) == 1:
            if self.opts.show_data:
                inner.append("out " + format_number(outs[0].data))
            if self.opts.show_grad:
                inner.append("grad " + format_number(grad_of(outs[0])))
        elif outs:
            inner.append(f"{len(outs)} uses")
        head = escape_record(f"{neuron_name(key)}\n{activation}")
        label = f"{head} | {{ {' | '.join(inner)} }}" if inner else head
        if self.opts.rankdir in ("LR", "RL"):
            label = f"{{ {label} }}"
        fill, border, _ = S.KINDS["neuron"]
        return (
            f'\t{self._box_id(key)} [shape=record style="rounded,filled" fillcolor="{fill}" color="{border}" '
            f'label="{label}"]\n'
        )

    # --- edges ---
    def _edges(self) -> None:
        boxes, ids = self.boxes, self.ids
        hot = self.frame.edges if self.frame else set()
        current = {n for n, role in self.frame.roles.items() if role == "current"} if self.frame else set()
        seen_box_edges = set()
        for node in self.data.nodes:
            if node.is_leaf():
                continue
            target = self._box_id(boxes[node]) if node in boxes else "o" + ids[node][1:]
            # Ordering alone cannot always be met (p - q beside q - p): the inputs are numbered too.
            numbered = node not in boxes and S.operand_order(node)
            positions = [i for i, a in enumerate(node.arguments, 1) if isinstance(a, Value)]  # 2 - x: x is 2nd
            for position, parent in zip(positions, node.parents):
                source = self._box_id(boxes[parent]) if parent in boxes else ids[parent]
                if node in boxes:
                    if source == target or (source, target) in seen_box_edges:
                        continue
                    seen_box_edges.add((source, target))
                attributes = [f'color="{S.RECEIVER}" penwidth=2.6'] if (parent, node) in hot else []
                if node in boxes:
                    attributes = [f'color="{S.EDGE_THIN}" penwidth=0.7']  # a whole layer's edges: keep them light
                if numbered:
                    attributes.append(f'headlabel="{position}" {S.OPERAND_LABEL}')
                style = f" [{' '.join(attributes)}]" if attributes else ""
                self.lines.append(f"\t{source} -> {target}{style}\n")
            if node not in boxes:
                style = f' [color="{S.HIGHLIGHT}" penwidth=2.6]' if node in current else ""
                self.lines.append(f"\to{ids[node][1:]} -> {ids[node]}{style}\n")
