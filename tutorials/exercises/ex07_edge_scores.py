r"""Exercise 07.1: the edge sizes that set every edge's opacity in a plot.

Read tutorials/07_visualization.md ("The transparency rule") first. Fill in the body, then
run

    KAN_NP_EXERCISES=student pytest -m ex07_1 tests/exercises

The reference is `kan_np.pruning.edge_scores` with method="paper"; do not import it. You
may call the model's methods (`model.activations(x)` gives each layer's per-edge values).
"""

import numpy as np  # noqa: F401  (you will need it)


def edge_scores(model, x=None, method="paper"):
    r"""A_{l,i,o} = |phi_{l,i,o}|_1 for every edge: a list of L arrays (I_l, O_l).

    The plot draws edge (l, i, o) with opacity tanh(beta * A_{l,i,o}).

    Args:
        model: a kan_np.KAN.
        x: (N, n_0) data; when None, the training inputs of the model's last `fit`
            (`model.train_input`).
        method: only "paper" is asked for here (pykan's "attribution" is in chapter 08);
            raise ValueError for anything else.
    Returns:
        list of L arrays, layer l's of shape (I_l, O_l).
    """
    raise NotImplementedError("exercise 07.1: see tutorials/07_visualization.md")
