r"""Symbolic snapping (paper §2.5.4): replace a network's spline edges by formulas.

Edge (l, i, j) is numeric (mask[i, j] = 1), symbolic (mask 0, layer.symbolic[(i, j)] =
name, layer.affine[i, j] = (a, b, c, d), evaluated by `symbolic_edges.py`) or pruned (mask
0, not symbolic: stays dead). A snap fits c·f(a·x + b) + d (`affine_fit.py`) to x = layer
l's input i and y = the edge's activation, on the data x=... or else model.train_input
(the last `fit`'s inputs). The formula of the whole network: `formula.py`.

`auto_symbolic` snaps every edge: by the fit to its spline alone, or, given a dataset, by
the network's loss after a few training steps with each candidate (the spline's own error
can hide the true f). `balance` rescales the hidden nodes of a snapped network so that its
constants a, b, c, d are well scaled for training, without changing its function.
"""

import warnings

import numpy as np

from kan_np import checks, fit_options
from kan_np.affine_fit import (  # noqa: F401 (re-exported: the array-level fit)
    AffineFit,
    as_function,
    fit_affine,
    suggest_symbolic_from_samples,
)
from kan_np.formula import canonical_affine, symbolic_formula  # noqa: F401 (KAN uses it)
from kan_np.functions import SymbolicFunction, get_function

# Model-level defaults (overridable): a coarser grid on fewer samples than pykan's, and
# only the 3 best grid fits refined: faster, and still exact on the walk-through edges.
MODEL_FIT_OPTIONS = {"grid_number": 31, "max_grid_samples": 128, "restarts": 2, "refine_top": 3}


def _check_edge(model, l, i, j):
    """The layer of edge (l, i, j), or a TypeError/ValueError naming the valid ranges."""
    checks.as_index(l, "layer index l", len(model.layers), "the number of layers is")
    layer = model.layers[l]
    checks.as_index(i, "input node i", layer.in_dim, f"layer {l}'s number of inputs is")
    checks.as_index(j, "output node j", layer.out_dim, f"layer {l}'s number of outputs is")
    return layer


def edge_samples(model, l, i, j, x=None):
    """The samples a snap of edge (l, i, j) fits: (layer l's input i, phi_{l,i,j}), each (N,).

    x: (N, n_0) model inputs; default: the training inputs of the last `fit`.
    """
    layer = _check_edge(model, l, i, j)
    x = model.data_or_train_input(x)
    for before in model.layers[:l]:
        x, _ = before.forward(x, need_dx=False)  # (N, I) the inputs of layer l
    return x[:, i], layer.activations(x)[:, i, j]  # (N,), (N,)


def _snap(layer, i, j, name, fit):
    """Make edge (i, j) symbolic: spline part off, the fit in canonical form; returns it."""
    fit = fit._replace(**dict(zip("abcd", canonical_affine(name, *fit[:4]), strict=True)))
    layer.mask[i, j] = 0.0
    layer.symbolic[(int(i), int(j))] = name  # plain ints: keys are saved and compared
    layer.affine[i, j] = fit[:4]
    return fit


def suggest_symbolic(model, l, i, j, lib=None, topk=5, x=None, **options):
    """Rank candidate functions for edge (l, i, j) on its samples (`edge_samples`).

    Args:
        model: a KAN.  l, i, j: layer, input node, output node.
        lib, topk: as in `suggest_symbolic_from_samples` (its ranking, documented there).
        x: (N, n_0) data; default: the training inputs of the last `fit`.
        **options: that function's and `fit_affine`'s; MODEL_FIT_OPTIONS are the defaults.
    Returns: up to topk tuples (name, AffineFit, score), best first.
    """
    xs, ys = edge_samples(model, l, i, j, x)
    return suggest_symbolic_from_samples(xs, ys, lib, topk, **(MODEL_FIT_OPTIONS | options))


def fix_symbolic(model, l, i, j, name, x=None, fit_params=True, **fit_options) -> AffineFit:
    r"""Snap edge (l, i, j) to \sigma(x) = c f(a x + b) + d with f = LIBRARY[name], in place.

    Args:
        model: a KAN.  l, i, j: layer, input node, output node.
        name: a library function name ("sin"; see `functions.py`, `add_function`).
        x: (N, n_0) data for the fit; default: the training inputs of the last `fit`.
        fit_params: True fits (a, b, c, d) to the edge's samples with `fit_affine`;
            False sets (1, 0, 1, 0) and needs no data (the returned r2 is then nan).
        **fit_options: passed to `fit_affine` (MODEL_FIT_OPTIONS' grid options default).
    Returns:
        the AffineFit written to layer.affine[i, j], in `canonical_affine` form. A symbolic
        edge is refitted to its own curve (to change f); a pruned edge is a ValueError.
    """
    layer = _check_edge(model, l, i, j)
    get_function(name)  # TypeError / ValueError listing the known names
    if layer.mask[i, j] == 0 and (i, j) not in layer.symbolic:
        raise ValueError(f"edge ({l}, {i}, {j}) is pruned (mask 0, not symbolic); it stays dead")
    if fit_params:
        options = {k: v for k, v in MODEL_FIT_OPTIONS.items() if k != "refine_top"}
        fit = fit_affine(*edge_samples(model, l, i, j, x), name, **(options | fit_options))
    else:
        fit = AffineFit(1.0, 0.0, 1.0, 0.0, float("nan"))
    return _snap(layer, i, j, name, fit)


def unfix_symbolic(model, l, i, j):
    """Make symbolic edge (l, i, j) numeric again, in place: mask 1, affine 0.

    Its spline parameters were kept while it was symbolic, so the numeric function it had
    comes back. A numeric edge is left as it is; a pruned edge is a ValueError.
    """
    layer = _check_edge(model, l, i, j)
    if (i, j) in layer.symbolic:
        del layer.symbolic[(i, j)]
        layer.mask[i, j] = 1.0
        layer.affine[i, j] = 0.0
    elif layer.mask[i, j] == 0:
        raise ValueError(f"edge ({l}, {i}, {j}) is pruned (mask 0, not symbolic); it stays dead")


def _node_edges(layer, nxt, o):
    """Node o between `layer` and `nxt`: its incoming and outgoing symbolic edges, or None
    when a live edge of it is numeric (a spline cannot be rescaled exactly)."""
    ins = [(i, o) for i in range(layer.in_dim) if layer.mask[i, o] or (i, o) in layer.symbolic]
    outs = [(o, j) for j in range(nxt.out_dim) if nxt.mask[o, j] or (o, j) in nxt.symbolic]
    if not ins or not all(e in layer.symbolic for e in ins):
        return None
    return (ins, outs) if all(e in nxt.symbolic for e in outs) else None


def balance(model, x=None):
    r"""Rescale every all-symbolic hidden node to mean 0, std 1 on x; the function stays.

    A hidden node h = \sum_i (c_i f_i(a_i x_i + b_i) + d_i) whose live edges, in and out,
    are all symbolic becomes h' = (h - m) / s (m, s its mean and std over x): each incoming
    (c_i, d_i) is divided by s, the first d_i also loses m / s, and each outgoing edge
    g(a h + b) reads g((a s) h' + (a m + b)), then put in `canonical_affine` form. The
    network computes the same function (up to rounding), but a node the penalty shrank to
    a tiny range no longer needs a huge outer a and a tiny c (e.g. exp: c e^{71 h} with
    c ~ 1e-7), which L-BFGS cannot train: its first step along the gradient overshoots by
    orders of magnitude and the line search gives up. In place; returns the model.

    Args:
        model: a KAN.  x: (N, n_0) data; default: the training inputs of the last `fit`.
    """
    h = model.data_or_train_input(x)
    for layer, nxt in zip(model.layers[:-1], model.layers[1:], strict=True):
        h, _ = layer.forward(h, need_dx=False)  # (N, O) the node values
        for o in range(layer.out_dim):
            edges, m, s = _node_edges(layer, nxt, o), h[:, o].mean(), h[:, o].std()
            if edges is None or not s > 0:
                continue
            ins, outs = edges
            for e in ins:
                layer.affine[e][2:] /= s
            layer.affine[ins[0]][3] -= m / s
            for e in outs:  # g(a h + b) = g(a s h' + a m + b)
                a, b, c, d = nxt.affine[e]
                nxt.affine[e] = canonical_affine(nxt.symbolic[e], a * s, a * m + b, c, d)
            h[:, o] = (h[:, o] - m) / s  # what the next layer now reads
    return model


LOSS_TIE = 2.0  # trained losses within this factor of the lowest tie (the best score wins)
EXACT = 1e-20  # a loss below EXACT * mean(y^2) is rounding error: every such loss ties


def _set_edge(layer, i, j, name):
    """Put edge (i, j) back to numeric (name None: mask 1) or mark it symbolic `name`."""
    if name is None:
        layer.symbolic.pop((int(i), int(j)), None)
        layer.mask[i, j] = 1.0
    else:
        layer.symbolic[(int(i), int(j))] = name
        layer.mask[i, j] = 0.0


def _trained_loss(model, data, steps, floor):
    """Train `steps` L-BFGS steps with the grids kept; max(training MSE after them, floor)."""
    with warnings.catch_warnings():  # a poor candidate may overflow or stop early: it loses
        warnings.simplefilter("ignore", RuntimeWarning)
        history = model.fit(data, steps=steps, update_grid=False, progress=False)
    loss = history["train_rmse"][-1] ** 2 if history["train_rmse"] else np.inf
    return max(loss, floor) if np.isfinite(loss) else np.inf


def _choose(model, l, i, j, tries, data, steps, floor):
    """Try each (name, fit) on edge (l, i, j), train, keep the choice `auto_symbolic` says.

    fit None: refit c f(a x + b) + d to the edge's current curve (the edge's own name: keep
    its parameters). A trial at the floor ends the search: no later one can be preferred.
    The model ends as the chosen trial left it; returns (name, r2).
    """
    x = data["train_input"]
    layer, start, before = model.layers[l], model.snapshot(), model.layers[l].symbolic.get((i, j))
    trials = []
    for name, fit in tries:
        model.restore(start)
        _set_edge(layer, i, j, before)
        if fit is None and name != before:
            fit = fix_symbolic(model, l, i, j, name, x=x)
        elif fit is not None:
            fit = _snap(layer, i, j, name, fit)
        loss = _trained_loss(balance(model, x), data, steps, floor)
        trials.append((loss, name, float("nan") if fit is None else fit.r2, model.snapshot()))
        if loss <= floor:
            break
    best = min(trial[0] for trial in trials)
    _, name, r2, trained = next(t for t in trials if t[0] <= LOSS_TIE * best)
    _set_edge(layer, i, j, name)
    model.restore(trained)
    return name, r2


def auto_symbolic(
    model, lib=None, x=None, dataset=None, topk=5, steps=3, **options
) -> list[tuple[int, int, int, str, float]]:
    """Snap every numeric edge to its best candidate, in place.

    Layer by layer: layer l's edges are fitted on the inputs the already-snapped layers
    produce (what each edge will really receive). Pruned and symbolic edges are skipped.

    Without `dataset`, an edge takes `suggest_symbolic`'s first candidate: the best fit of
    c f(a x + b) + d to its spline, traded against complexity. With `dataset`, the network's
    loss decides instead, as a spline's error (~1e-3) can hide the difference between the
    true f and a look-alike on a narrow input range (c/(a x + b) + d for sqrt or log):

    1. each edge tries its `topk` best candidates in score order: snap, `balance`, train
       `steps` L-BFGS steps (every trainable parameter: the splines still numeric and all
       a, b, c, d; grids kept) and record the training MSE. Losses below EXACT = 1e-20
       times mean(y^2) count as that floor (rounding error). The edge keeps the first
       candidate whose loss is at most LOSS_TIE = 2 times the lowest, with its trained
       parameters, so the next edges are fitted on the trained network;
    2. once every edge is snapped the formula is complete, and a true f trains down to
       rounding error where a look-alike stalls: unless the loss is at the floor already,
       each edge tries its other candidates of step 1 once more (refitted to the edge's
       current curve) after its current function, under the same rule.

    Args:
        model: a KAN.  lib: the candidate names (default: all of LIBRARY).
        x: (N, n_0) data for the snaps; default: the training inputs of the last `fit`.
            With dataset, its training inputs are used.
        dataset: what `KAN.fit` takes (dict or (x, y)); None snaps by score alone.
        topk, steps: candidates per edge and training steps per trial (with dataset).
        **options: as in `suggest_symbolic` (ranking and fit options).
    Returns:
        a report, one (l, i, j, name, r2) per snapped edge, in order (r2: the snap's R²
        on the curve it replaced; nan when step 2 changed the function).
    """
    data = None if dataset is None else fit_options.check_data(model, dataset)
    x = model.data_or_train_input(x if data is None else data["train_input"])
    if isinstance(lib, str | SymbolicFunction):
        raise TypeError(f"lib must be a list of names, not the single entry {lib!r}")
    lib, report, tried = (None if lib is None else [as_function(f).name for f in lib]), [], []
    topk, steps = checks.as_int(topk, "topk", 1), checks.as_int(steps, "steps", 1)
    floor = 0.0 if data is None else EXACT * float(np.mean(data["train_label"] ** 2))
    for l, layer in enumerate(model.layers):
        for i, j in zip(*np.nonzero(layer.mask), strict=True):
            if (int(i), int(j)) in layer.symbolic:
                continue  # already snapped (a hand-set mask of 1 does not undo that)
            xs, ys = edge_samples(model, l, i, j, x)  # (N,) each, after the snaps before
            ranked = suggest_symbolic_from_samples(
                xs, ys, lib, 1 if data is None else topk, **(MODEL_FIT_OPTIONS | options)
            )
            if data is None:
                name, r2 = ranked[0][0], _snap(layer, i, j, *ranked[0][:2]).r2
            else:
                tries = [(name, fit) for name, fit, _ in ranked]
                name, r2 = _choose(model, l, i, j, tries, data, steps, floor)
                tried.append([name for name, _, _ in ranked])
            report.append((l, int(i), int(j), name, r2))
    if tried and _trained_loss(model.copy(), data, 1, floor) > floor:  # step 2
        for n, ((l, i, j, current, _), names) in enumerate(zip(report, tried, strict=True)):
            others = [(name, None) for name in names if name != current]
            name, _ = _choose(model, l, i, j, [(current, None), *others], data, steps, floor)
            report[n] = report[n] if name == current else (l, i, j, name, float("nan"))
    return report
