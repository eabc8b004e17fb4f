r"""Exercise 05.2: the two-loop recursion of L-BFGS (Nocedal & Wright, Algorithm 7.4).

Read tutorials/05_training.md first ("L-BFGS"). Fill in the body, then check it with

    KAN_NP_EXERCISES=student pytest -m ex05_2 tests/exercises

Use NumPy only; do not call the reference, `kan_np.lbfgs.two_loop`. Work out on paper
first: with one pair (s, y), what is H y? (The checker tests your answer: for the newest
pair, H y = s exactly, the secant condition, whatever the older pairs are.)
"""

import numpy as np  # noqa: F401  (you will need it)


def two_loop(g, S, Y):
    r"""H g, the L-BFGS inverse-Hessian approximation applied to g, without forming H.

    With rho_j = 1 / (y_j^T s_j) and the pairs oldest first, H is defined by

        H_0 = gamma I,  gamma = s^T y / y^T y of the newest pair,
        H_{j+1} = (I - rho_j s_j y_j^T) H_j (I - rho_j y_j s_j^T) + rho_j s_j s_j^T,

    and H = H_n. Compute H g with two loops over the pairs (newest to oldest, then oldest to
    newest), O(n P) work, never a P x P matrix.

    Args:
        g: (P,) gradient.
        S, Y: (n, P) the pairs s_j, y_j, oldest first, n >= 1, every y_j^T s_j > 0.
    Returns:
        (P,) H g.
    """
    raise NotImplementedError("exercise 05.2: see tutorials/05_training.md")
