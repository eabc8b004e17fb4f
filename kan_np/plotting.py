r"""Drawing a KAN: nodes, every edge's activation curve, transparency tanh(beta A) (§2.5.2).

Paper §2.5.2: each activation phi_{l,i,o} is drawn with opacity

.. math:: \alpha_{l,i,o} = \tanh(\beta A_{l,i,o}), \qquad \beta = 3,
          \qquad A_{l,i,o} = |\phi_{l,i,o}|_1 = \frac{1}{N}\sum_n |\phi_{l,i,o}(x_{n,i})|,

so small functions fade out and the useful sub-network stands out after sparsification.

Layout (like pykan's): node layers are rows, inputs at the bottom. Between node rows l and
l+1 sits a row of I*O small boxes, one per edge, in (i, o) order; a line joins input node
i to the box and the box to output node o. Each box shows the edge's curve over the range
its input takes on the data, scaled to fill the box (the opacity, not the box, tells the
size). Masked edges are not drawn; symbolic edges are red with their function's name.
The three LineCollections of the Axes are labelled "wires", "boxes" and "curves" (one
entry per drawn edge, in (l, i, o) order, its RGBA colour carrying the opacity).

Speed: everything is drawn in one Axes with a few LineCollections (no inset Axes per
edge), and the curves come from one `activations` call per layer on P points per input.
matplotlib is imported inside the functions (so `import kan_np` stays fast); they build a
`matplotlib.figure.Figure` directly: no pyplot, no window, no file.
"""

import numpy as np

from kan_np import checks
from kan_np.regularization import edge_l1

CURVE_POINTS = 64  # samples per curve: smooth enough at inset size, cheap to draw
SYMBOLIC_COLOR = (0.85, 0.1, 0.1)
NUMERIC_COLOR = (0.0, 0.0, 0.0)
HISTORY_KEYS = ("loss", "train_loss", "test_loss", "train_rmse", "test_rmse", "reg")
NOT_CURVES = ("seconds",)  # history entries that are not losses


def _curves(layer, x):
    """Curves of every edge over its input's data range: (P, I) inputs and (P, I, O) phi."""
    lo, hi = x.min(axis=0), x.max(axis=0)  # (I,)
    t = np.linspace(0.0, 1.0, CURVE_POINTS)[:, None]  # (P, 1)
    xs = lo + t * (hi - lo)  # (P, I)
    return xs, layer.activations(xs)  # (P, I), (P, I, O)


def _scaled(values):
    """Each column of (P, E) mapped to [0, 1]; a flat curve becomes the line 0.5."""
    lo, hi = values.min(axis=0), values.max(axis=0)  # (E,)
    span = hi - lo  # (E,)
    flat = span <= 1e-12 * np.maximum(np.abs(hi), 1.0)
    return np.where(flat, 0.5, (values - lo) / np.where(flat, 1.0, span))  # (P, E)


def plot(model, x=None, beta=3.0, in_vars=None, out_vars=None, title=None):
    """Draw the network with each edge's activation curve; returns a matplotlib Figure.

    Args:
        model: a KAN.
        x: (N, n_0) data giving each edge's input range and A = |phi|_1; default: the
            training inputs of the last fit.
        beta: opacity = tanh(beta * A) (paper: 3).
        in_vars, out_vars: labels of the inputs / outputs (strings, e.g. "$x_1$").
        title: the figure title.
    Returns:
        matplotlib.figure.Figure (call fig.savefig(...) to write it).
    """
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    x = model.data_or_train_input(x)
    width = model.width
    for name, labels, n in (("in_vars", in_vars, width[0]), ("out_vars", out_vars, width[-1])):
        if labels is not None and len(labels) != n:
            raise ValueError(f"{name} needs {n} labels, got {len(labels)}")
    beta = checks.as_nonneg_float(beta, "beta")
    L = len(model.layers)
    node_x = [(np.arange(n) + 0.5) / n for n in width]  # per node layer, in [0, 1]
    widest = max(layer.in_dim * layer.out_dim for layer in model.layers)
    fig_w, fig_h = min(16.0, max(4.0, 0.3 * widest)), 1.0 + 2.0 * L  # inches
    ax_h = 0.9 if title else 0.96  # share of the figure height
    fig = Figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes((0.02, 0.02, 0.96, ax_h))
    ax.set_axis_off()
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(-0.25, L + 0.25)

    keys = ("wires", "wire_colors", "boxes", "box_colors", "curves", "curve_colors", "texts")
    parts = {key: [] for key in keys}
    square = 0.3 * (ax_h * fig_h / (L + 0.5)) / (0.96 * fig_w)  # width of a square box
    for l, (layer, x_l) in enumerate(zip(model.layers, model.layer_inputs(x), strict=True)):
        _draw_layer(parts, layer, x_l, l, node_x, beta, square)
    # labelled so that tests and chapters can find them: fig.axes[0].collections
    for name, colors, width_pt in (
        ("wires", "wire_colors", 0.8),
        ("boxes", "box_colors", 0.6),
        ("curves", "curve_colors", 1.2),
    ):
        ax.add_collection(
            LineCollection(parts[name], colors=parts[colors], linewidths=width_pt, label=name)
        )
    for tx, ty, label, color in parts["texts"]:
        ax.text(tx, ty, label, color=color, fontsize=7, ha="center", va="top")

    for l, xn in enumerate(node_x):
        ax.scatter(xn, np.full(xn.size, float(l)), s=40, c="black", zorder=3)
    for labels, l, va, dy in ((in_vars, 0, "top", -0.08), (out_vars, L, "bottom", 0.08)):
        for j, label in enumerate(labels or []):
            ax.text(node_x[l][j], l + dy, str(label), ha="center", va=va, fontsize=11)
    if title is not None:
        fig.suptitle(str(title))
    return fig


def _draw_layer(parts, layer, x_l, l, node_x, beta, square):
    """Add layer l's wires, boxes, curves and symbol names (with colours) to `parts`."""
    I, O = layer.in_dim, layer.out_dim
    alpha = np.tanh(beta * edge_l1(layer.activations(x_l)))  # (I, O)
    xs, phi = _curves(layer, x_l)  # (P, I), (P, I, O)
    shape = _scaled(phi.reshape(CURVE_POINTS, I * O)).reshape(CURVE_POINTS, I, O)
    h = 0.3  # box height (node rows are 1 apart)
    w = min(0.8 / (I * O), square)  # box width, in axis units
    y0 = l + 0.5 - h / 2  # box bottom
    for i in range(I):
        for o in range(O):
            symbolic = (i, o) in layer.symbolic
            if layer.mask[i, o] == 0 and not symbolic:
                continue  # a masked edge is drawn as absent
            rgb = SYMBOLIC_COLOR if symbolic else NUMERIC_COLOR
            color = (*rgb, float(alpha[i, o]))
            cx = (i * O + o + 0.5) / (I * O)  # box centre
            parts["wires"] += [
                [(node_x[l][i], l), (cx, y0)],
                [(cx, y0 + h), (node_x[l + 1][o], l + 1)],
            ]
            x0 = cx - w / 2
            parts["boxes"].append(
                [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]
            )
            px = x0 + 0.1 * w + 0.8 * w * np.linspace(0.0, 1.0, CURVE_POINTS)  # (P,)
            py = y0 + 0.1 * h + 0.8 * h * shape[:, i, o]  # (P,)
            parts["curves"].append(np.column_stack([px, py]))  # (P, 2)
            for key in ("wire_colors", "wire_colors", "box_colors", "curve_colors"):
                parts[key].append(color)
            if symbolic:
                parts["texts"].append((cx, y0 - 0.02, layer.symbolic[(i, o)], color))


def plot_history(history, title=None):
    """Training curves on a log y axis; returns a matplotlib Figure.

    Args:
        history: dict of lists of numbers, one value per step, e.g. what `KAN.fit`
            returns ("loss", "reg", "train_rmse", "test_rmse"; "seconds" is not drawn).
            Every other list of numbers is drawn too (the known keys first); values <= 0
            or NaN (e.g. "reg" when lamb = 0) cannot show on a log axis and are left out.
        title: the axes title.
    """
    from matplotlib.figure import Figure

    if not hasattr(history, "items"):
        raise TypeError(f"history must be a dict of lists, got {type(history).__name__}")
    order = [k for k in HISTORY_KEYS if k in history]
    order += sorted(k for k in history if k not in HISTORY_KEYS + NOT_CURVES)
    series = {}
    for key in order:
        try:
            values = np.asarray(history[key], dtype=float)  # (steps,)
        except (TypeError, ValueError):
            continue  # not a list of numbers (e.g. a note or a nested record)
        if values.ndim == 1 and np.any(values > 0):
            series[key] = values
    if not series:
        raise ValueError(
            f"history has no list of positive numbers to draw; keys: {sorted(history)}"
        )
    fig = Figure(figsize=(6.0, 4.0))
    ax = fig.add_subplot()
    for key, values in series.items():
        steps = np.arange(values.size)  # (steps,)
        shown = values > 0  # a log axis cannot show <= 0
        ax.plot(steps[shown], values[shown], label=key)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.legend()
    if title is not None:
        ax.set_title(str(title))
    return fig
