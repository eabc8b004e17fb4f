r"""Exercise 00.1 (a warm-up for the exercise workflow): the tour's target function.

Read tutorials/00_quick_tour.md ("The data") first. Fill in the body, then run

    KAN_NP_EXERCISES=student pytest -m ex00_1 tests/exercises

and read what the checker says. Every exercise works like this: a stub with the signature
of a library function (here `kan_np.datasets.exp_sin_sq`; do not import it), a checker in
tests/exercises/, and the variable KAN_NP_EXERCISES=student that makes the checker test
YOUR file instead of the library.
"""

import numpy as np  # noqa: F401  (you will need it)


def exp_sin_sq(x):
    r"""f(x_1, x_2) = exp(sin(pi x_1) + x_2^2) on every sample.

    Args:
        x: (N, 2) samples, one row per point (x_1, x_2).
    Returns:
        (N, 1): one column, like every label array in kan_np (a KAN with one output
        returns (N, 1), not (N,)).
    """
    raise NotImplementedError("exercise 00.1: see tutorials/00_quick_tour.md")
