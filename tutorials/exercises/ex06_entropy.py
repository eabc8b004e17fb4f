r"""Exercise 06.1: the gradient of a layer's entropy, by the quotient rule.

Read tutorials/06_regularization.md up to "The gradients" first, and stop there: the
chapter derives the answer right after the exercise. Fill in the two bodies, then run

    KAN_NP_EXERCISES=student pytest -m ex06_1 tests/exercises

NumPy only; the reference is `kan_np.regularization.entropy` and `entropy_backward`, do
not import it. `entropy` is the definition, a warm-up. `entropy_backward` is the real
exercise: work out dS/dA_k on paper first. S depends on A only through the shares
p = A / sum(A), and every share depends on every A_k through the sum.
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
    r"""dA, the loss gradient with respect to every edge magnitude, from dS: (I, O).

    Like every backward in kan_np, it takes the upstream gradient first: dS = dL/dS (a
    number) is given, and dA = dS * (the derivative of S with respect to A). The
    derivative of S is what you derive. Mind the two corners of the definition above: a
    share below eps enters S as -p log(eps) (so its own derivative is different there),
    and when \sum A = 0 (S is 0 on that whole ray) return zeros.

    Args:
        dS: the loss gradient with respect to S (a number; 1.0 gives the plain derivative).
        A: (I, O) non-negative edge magnitudes.
        eps: as in `entropy`.
    Returns:
        (I, O) array dA.
    """
    raise NotImplementedError("exercise 06.1: see tutorials/06_regularization.md")
