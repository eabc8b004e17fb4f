r"""Exercise 06.1: the entropy penalty of one layer and its gradient.

Read tutorials/06_regularization.md first. Fill in the two bodies, then run

    pytest -m ex06_1 tests/exercises

The reference is `kan_np.regularization.entropy` and `entropy_backward`: do not import it
here, write it yourself with NumPy.
"""

import numpy as np  # noqa: F401  (you will need it)

ENTROPY_EPS = 1e-12  # the log sees max(p, eps), so that p = 0 gives a finite gradient


def entropy(A, eps=ENTROPY_EPS):
    r"""S = -\sum_{i,o} p_{i,o} \log \max(p_{i,o}, eps), p = A / \sum A; 0 if \sum A = 0.

    Args:
        A: (I, O) non-negative edge magnitudes |phi|_1.
        eps: the smallest share the log sees (so that 0 log 0 = 0).
    Returns:
        S (float).
    """
    raise NotImplementedError("exercise 06.1: see tutorials/06_regularization.md")


def entropy_backward(dS, A, eps=ENTROPY_EPS):
    r"""dA = dS * dS/dA (I, O) for `entropy`, from dS = dL/dS (the upstream gradient).

    With g_j = dS/dp_j = -log p_j - 1 where p_j >= eps, and -log eps where p_j < eps (there
    the term is -p_j log eps), and dp_j/dA_k = (\delta_{jk} - p_j) / T (T = \sum A):
    dS/dA_k = (g_k - \sum_j g_j p_j) / T.  When \sum A = 0 return zeros.

    Args:
        dS: the loss gradient with respect to S (a number).
        A: (I, O) non-negative edge magnitudes.
        eps: as in `entropy`.
    Returns:
        (I, O) array, dS times the gradient of S with respect to A.
    """
    raise NotImplementedError("exercise 06.1: see tutorials/06_regularization.md")
