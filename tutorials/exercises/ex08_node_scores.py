r"""Exercise 08.1: the paper's incoming and outgoing node scores.

Read tutorials/08_pruning.md first. Fill in the two bodies, then run

    KAN_NP_EXERCISES=student pytest -m ex08_1 tests/exercises

The reference is `kan_np.pruning.incoming_outgoing` and `paper_node_scores`: do not
import it here, write it yourself with NumPy.
"""

import numpy as np  # noqa: F401  (you will need it)


def incoming_outgoing(edge):
    r"""Incoming and outgoing scores of every node layer.

    I_{l,i} = \max_k A_{l-1,k,i}  and  O_{l,i} = \max_j A_{l,i,j}.

    Args:
        edge: list of L arrays A_l (I_l, O_l), the edge scores |phi|_1 of each layer.
    Returns:
        incoming, outgoing: lists of L+1 arrays (n_l,), one per node layer (inputs first);
        incoming[0] and outgoing[L] are None (inputs have no incoming edges, outputs no
        outgoing ones).
    """
    raise NotImplementedError("exercise 08.1: see tutorials/08_pruning.md")


def paper_node_scores(edge):
    """The paper's node scores: a list of L+1 arrays (n_l,).

    min(incoming, outgoing) for hidden nodes, outgoing for inputs, incoming for outputs,
    so that "score > threshold" is the paper's rule "both scores > threshold".

    Args:
        edge: list of L arrays (I_l, O_l), as in `incoming_outgoing`.
    """
    raise NotImplementedError("exercise 08.1: see tutorials/08_pruning.md")
