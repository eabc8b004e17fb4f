r"""Exercise 08.1: the array surgery that removes pruned nodes from a layer.

Read tutorials/08_pruning.md up to "Pruning" first, and stop there: the chapter lists the
answer right after the exercise. Fill in the body, then run

    KAN_NP_EXERCISES=student pytest -m ex08_1 tests/exercises

NumPy only; the reference is the library's `kan_np.pruning.sliced_layer`, which `prune`
calls once per layer (layer l with the kept nodes of node layers l and l + 1); do not
import it here (nor read its docstring: it states the answer). Work out
first: removing hidden node j touches two layers; which array of which layer loses a row,
which a column, and which loses nothing?
"""

import numpy as np  # noqa: F401  (you will need it)


def sliced_layer(layer, rows, cols):
    r"""A copy of `layer` that keeps only the inputs `rows` and the outputs `cols`.

    A `kan_np.KANLayer` with I inputs and O outputs holds these arrays (chapter 03):
    knots (I, G + 2k + 1), coef (I, O, M), scale_base (I, O), scale_sp (I, O), mask (I, O),
    affine (I, O, 4), and the dict symbolic {(i, o): name} of its snapped edges (chapter
    09); k and base_fun are plain values. Start from `layer.copy()`.

    Args:
        layer: a KANLayer (must not be modified).
        rows: increasing int array, the indices of the inputs to keep (I' of them).
        cols: increasing int array, the indices of the outputs to keep (O' of them).
    Returns:
        a new KANLayer with I' inputs and O' outputs whose edge (r, c) is the old edge
        (rows[r], cols[c]), sharing no array with `layer`; its symbolic dict holds the kept
        snapped edges under their new indices.
    """
    raise NotImplementedError("exercise 08.1: see tutorials/08_pruning.md")
