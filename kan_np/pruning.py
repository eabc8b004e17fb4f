r"""Node and edge scores, and pruning a KAN to a smaller one (paper §2.5.3).

**Paper rule** (``method="paper"``, the default). With A_{l,i,o} = |\phi_{l,i,o}|_1 (the
mean |phi| over the samples, see `regularization.edge_l1`), hidden node i of node layer l
(inputs are node layer 0) has

.. math:: S^{in}_{l,i} = \max_a A_{l-1,a,i}, \qquad S^{out}_{l,i} = \max_b A_{l,i,b},

(a runs over the nodes of layer l-1, b over those of layer l+1) and is kept only if both
exceed \theta = 10^{-2}. Its node score is min(S^in, S^out), so "score > threshold" is
exactly that rule; inputs score S^out (they have no incoming edges), outputs S^in.

**Attribution** (``method="attribution"``, pykan 0.2's `attribute`). Start at the outputs
with S = identity (row q per final output); going back through layer l,

.. math:: E_{q,i,o} = S_{q,o}\,
          \frac{\mathrm{std}_n(\phi_{i,o})}{\mathrm{std}_n(x_{l+1,o}) + 10^{-4}},
          \qquad S_{q,i} = \sum_o E_{q,i,o},

(std with ddof = 1, x_{l+1,o} = \sum_i \phi_{i,o}, the node's value). Node scores are
mean_q S, edge scores mean_q E. pykan's thresholds: 1e-2 for nodes, 3e-2 for edges.

Scores are computed on x, or on the training inputs of the model's last `fit` when x is
None (`KAN.data_or_train_input`).
"""

import numpy as np

from kan_np import checks
from kan_np.regularization import edge_l1

METHODS = ("paper", "attribution")
ATTRIBUTION_EPS = 1e-4  # pykan's std(node) + 1e-4
EDGE_ARRAYS = ("coef", "scale_base", "scale_sp", "mask", "affine")  # (I, O, ...)
INPUT_ARRAYS = ("knots",)  # (I, ...)


def _attribution(model, x):
    """pykan's backward attribution: (edge scores list of L (I, O), node scores list L+1)."""
    if x.shape[0] < 2:
        raise ValueError(f"attribution scores need at least 2 samples (a std), got {x.shape[0]}")
    _, inputs, caches = model.forward_all(x, need_dx=False, want_acts=True)
    S = np.eye(model.width[-1])  # (Q, O_last)  one row per final output q
    edge, node = [], [S.mean(axis=0)]
    for l in reversed(range(len(model.layers))):
        acts = caches[l].acts  # (N, I, O)
        edge_std = np.std(acts, axis=0, ddof=1)  # (I, O)
        node_std = np.std(acts.sum(axis=1), axis=0, ddof=1)  # (O,)
        E = S[:, None, :] * edge_std / (node_std + ATTRIBUTION_EPS)  # (Q, I, O)
        S = E.sum(axis=2)  # (Q, I)
        edge.insert(0, E.mean(axis=0))
        node.insert(0, S.mean(axis=0))
    return edge, node


def edge_scores(model, x=None, method="paper"):
    """Per-edge scores, a list of L arrays (I_l, O_l).

    "paper": A = |phi|_1, the mean |phi| over the samples; "attribution": pykan's mean_q E.
    x defaults to the training inputs of the last fit.
    """
    checks.as_choice(method, "method", METHODS)
    x = model.data_or_train_input(x)
    if method == "attribution":
        return _attribution(model, x)[0]
    return [edge_l1(a) for a in model.activations(x)]


def incoming_outgoing(edge):
    """S^in and S^out of every node layer from edge scores (list of L arrays (I, O)).

    Returns:
        incoming, outgoing: lists of L+1 arrays (n_l,); incoming[0] and outgoing[L] are None
        (inputs have no incoming edges, outputs no outgoing ones).
    """
    incoming = [None] + [A.max(axis=0) for A in edge]  # max over the edges coming in
    outgoing = [A.max(axis=1) for A in edge] + [None]  # max over the edges going out
    return incoming, outgoing


def node_scores(model, x=None, method="paper"):
    """Node scores, a list of L+1 arrays (n_l,), inputs first (module docstring).

    "paper": min(incoming, outgoing) for hidden nodes, outgoing for inputs, incoming for
    outputs; "attribution": pykan's mean_q S. x defaults to the training inputs of the
    last fit.
    """
    checks.as_choice(method, "method", METHODS)
    x = model.data_or_train_input(x)
    if method == "attribution":
        return _attribution(model, x)[1]
    return paper_node_scores(edge_scores(model, x))


def paper_node_scores(edge):
    """The paper's node scores from edge scores A (list of L arrays (I, O)): L+1 arrays.

    min(S^in, S^out) for hidden nodes, S^out for inputs, S^in for outputs (module docstring).
    """
    incoming, outgoing = incoming_outgoing(edge)
    scores = [outgoing[0]]
    scores += [np.minimum(i, o) for i, o in zip(incoming[1:-1], outgoing[1:-1], strict=True)]
    return scores + [incoming[-1]]


def nodes_to_keep(model, threshold=1e-2, x=None, method="paper", prune_inputs=False):
    """Indices of the nodes `prune` keeps: a list of L+1 int arrays, inputs first.

    A hidden node is kept if its score exceeds threshold; when none of a layer's nodes
    does, the best-scoring one is kept anyway, so the network stays connected (a KAN layer
    needs at least one node). Outputs are always kept; inputs too unless prune_inputs, and
    then also at least one.
    """
    threshold = checks.as_nonneg_float(threshold, "threshold")
    scores = node_scores(model, x, method)
    keep = []
    for l, s in enumerate(scores):
        if l == len(scores) - 1 or (l == 0 and not prune_inputs):
            keep.append(np.arange(s.size))
            continue
        kept = np.flatnonzero(s > threshold)
        keep.append(kept if kept.size else np.array([int(np.argmax(s))]))
    return keep


def _as_kept(indices, n, name):
    """indices as a 1-D, strictly increasing int array within 0..n-1 (the kept nodes)."""
    kept = np.asarray(indices)
    if kept.ndim != 1 or not (kept.size == 0 or np.issubdtype(kept.dtype, np.integer)):
        raise TypeError(f"{name} must be a 1-D integer array, got {kept.dtype} {kept.shape}")
    if kept.size and (kept[0] < 0 or kept[-1] >= n or np.any(np.diff(kept) <= 0)):
        raise ValueError(f"{name} must increase strictly within 0..{n - 1}, got {kept}")
    return kept.astype(int)


def sliced_layer(layer, rows, cols):
    r"""A copy of `layer` that keeps only the inputs `rows` and the outputs `cols`.

    The surgery of pruning: the new layer's edge (r, c) is the old edge (rows[r], cols[c]),

    .. math:: \phi'_{r,c} = \phi_{\mathrm{rows}[r],\,\mathrm{cols}[c]},

    so every per-edge array (I, O, ...) (coef, scale_base, scale_sp, mask, affine) keeps
    the block [rows][:, cols], the per-input knots (I, G + 2k + 1) keep the rows `rows`,
    and the snapped edges of `symbolic` are renumbered, those touching a removed node
    dropped. Removing hidden node j of a network therefore slices two layers: column j of
    the layer that outputs it, row j of the layer that reads it (`prune` calls this once
    per layer with the kept nodes of node layers l and l + 1).

    Args:
        layer: a KANLayer with I inputs and O outputs (not modified).
        rows: the I' inputs to keep, a strictly increasing int array within 0..I-1.
        cols: the O' outputs to keep, a strictly increasing int array within 0..O-1.
    Returns:
        a new KANLayer with I' inputs and O' outputs that shares no array with `layer`.
    """
    rows = _as_kept(rows, layer.in_dim, "rows")  # (I',)
    cols = _as_kept(cols, layer.out_dim, "cols")  # (O',)
    known = set(EDGE_ARRAYS) | set(INPUT_ARRAYS)
    others = [k for k, v in vars(layer).items() if isinstance(v, np.ndarray) and k not in known]
    if others:  # a per-node array we do not know how to slice: fail loudly, not silently
        raise RuntimeError(f"pruning does not know how to slice layer arrays {others}")
    new = layer.copy()
    for name in EDGE_ARRAYS:
        setattr(new, name, getattr(layer, name)[np.ix_(rows, cols)].copy())  # (I', O', ...)
    for name in INPUT_ARRAYS:
        setattr(new, name, getattr(layer, name)[rows].copy())  # (I', ...)
    new_row = {int(old): j for j, old in enumerate(rows)}
    new_col = {int(old): j for j, old in enumerate(cols)}
    new.symbolic = {
        (new_row[i], new_col[o]): name
        for (i, o), name in layer.symbolic.items()
        if i in new_row and o in new_col
    }
    return new


def prune(model, threshold=1e-2, x=None, method="paper", prune_inputs=False, edge_threshold=None):
    """A NEW, smaller KAN without the nodes whose score is not above threshold.

    Removing node j of node layer l deletes column j of layer l-1's per-edge arrays and row
    j of layer l's (coef, scale_base, scale_sp, mask, affine, and layer l's knot row);
    symbolic edges are renumbered. On the kept nodes the function is unchanged, except
    for the removed nodes' own (small) contributions.

    Args:
        model: a KAN (not modified).
        threshold: node threshold theta (paper: 1e-2).
        x: (N, n_0) data for the scores; default: the training inputs of the last fit.
        method: "paper" (incoming and outgoing max of |phi|_1) or "attribution" (pykan).
        prune_inputs: also remove input nodes (the new model then takes only the kept
            input columns: see `nodes_to_keep(...)[0]`); by default inputs are never removed.
        edge_threshold: if given, afterwards mask the edges of the pruned model whose edge
            score (same method, same x) is below it (`prune_edges`).
    Returns:
        the pruned KAN; its train_input keeps only the kept input columns. With
        prune_inputs it remembers them (`kept_inputs`, `n_original_inputs`): it then takes
        either the original columns or the kept ones, and its input_names and input
        normalisation (if any) are those of the kept columns.
    """
    x = model.data_or_train_input(x)
    keep = nodes_to_keep(model, threshold, x, method, prune_inputs)
    new = model.copy()
    new.layers = [sliced_layer(layer, keep[l], keep[l + 1]) for l, layer in enumerate(model.layers)]
    if model.train_input is not None:
        new.train_input = model.train_input[:, keep[0]]  # (N, n_0')
    if prune_inputs:
        _remember_inputs(model, new, keep[0])
    if edge_threshold is not None:
        new = prune_edges(new, edge_threshold, x[:, keep[0]], method)
    return new


def _remember_inputs(model, new, keep):
    """Record which original inputs `new` kept; slice names and input normalisation."""
    original = getattr(model, "kept_inputs", None)
    new.kept_inputs = keep if original is None else original[keep]  # (n_0',) original ids
    new.n_original_inputs = getattr(model, "n_original_inputs", model.width[0])
    if getattr(model, "input_names", None) is not None:
        new.input_names = [model.input_names[int(j)] for j in keep]
    norm = dict(getattr(model, "normalization", None) or {})
    for key in ("mean_input", "std_input"):
        if key in norm:
            norm[key] = np.asarray(norm[key])[keep]  # (n_0',)
    if norm:
        new.normalization = norm


def prune_edges(model, threshold, x=None, method="paper"):
    """A NEW KAN whose edges with score below threshold are switched off through the mask.

    A switched-off edge also loses its symbolic function (mask only gates the spline part)
    and its affine parameters, so it contributes exactly 0. x defaults to the training
    inputs of the last fit; method as in `edge_scores`.
    """
    threshold = checks.as_nonneg_float(threshold, "threshold")
    scores = edge_scores(model, x, method)
    new = model.copy()
    for layer, s in zip(new.layers, scores, strict=True):
        off = s < threshold  # (I, O)
        layer.mask[off] = 0.0
        layer.affine[off] = 0.0
        layer.symbolic = {e: f for e, f in layer.symbolic.items() if not off[e]}
    return new
