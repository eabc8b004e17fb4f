r"""Symbolic snapping (paper §2.5.4): replace a network's spline edges by formulas.

Edge (l, i, j) is numeric (mask[i, j] = 1), symbolic (mask 0, layer.symbolic[(i, j)] =
name, layer.affine[i, j] = (a, b, c, d), evaluated by `symbolic_edges.py`) or pruned (mask
0, not symbolic: stays dead). A snap fits c·f(a·x + b) + d (`affine_fit.py`) to x = layer
l's input i and y = the edge's activation, on the data x=... or else model.train_input
(the last `fit`'s inputs). The formula of the whole network: `formula.py`.
"""

import numpy as np

from kan_np import checks
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


def auto_symbolic(model, lib=None, x=None, **options) -> list[tuple[int, int, int, str, float]]:
    """Snap every numeric edge to its best candidate (`suggest_symbolic`'s first), in place.

    Layer by layer: layer l's edges are fitted on the inputs the already-snapped layers
    produce (what each edge will really receive). Pruned and symbolic edges are skipped.

    Args:
        model: a KAN.  lib: the candidate names (default: all of LIBRARY).
        x: (N, n_0) data; default: the training inputs of the last `fit`.
        **options: as in `suggest_symbolic` (ranking and fit options).
    Returns:
        a report, one (l, i, j, name, r2) per snapped edge, in order.
    """
    x = model.data_or_train_input(x)
    if isinstance(lib, str | SymbolicFunction):
        raise TypeError(f"lib must be a list of names, not the single entry {lib!r}")
    lib, report = (None if lib is None else [as_function(f).name for f in lib]), []
    for l, layer in enumerate(model.layers):
        inputs, acts = x, layer.activations(x)  # (N, I), (N, I, O)
        for i, j in zip(*np.nonzero(layer.mask), strict=True):
            if (int(i), int(j)) in layer.symbolic:
                continue  # already snapped (a hand-set mask of 1 does not undo that)
            name, fit, _ = suggest_symbolic_from_samples(
                inputs[:, i], acts[:, i, j], lib, 1, **(MODEL_FIT_OPTIONS | options)
            )[0]
            fit = _snap(layer, i, j, name, fit)
            report.append((l, int(i), int(j), name, fit.r2))
        x, _ = layer.forward(inputs, need_dx=False)  # what the snapped layer now produces
    return report
