r"""Exercise 12.1: two examples of §4.1 as KANs built by hand, with no training.

Read tutorials/12_interpretability.md first. Fill in the two bodies, then run

    KAN_NP_EXERCISES=student pytest -m ex12_1 tests/exercises

Each function returns a `kan_np.KAN` whose every edge is symbolic: make an edge
symbolic with `model.fix_symbolic(l, i, j, name, fit_params=False)` and then choose its
affine parameters by writing `model.layers[l].affine[i, j] = (a, b, c, d)`, so that the
edge computes c·f(a·x + b) + d. The work is deciding the functions and the sixteen or so
numbers on paper: which edge carries the minus sign, where the constant goes.

These are design exercises: there is no library function to copy (the signatures are
those of the reference constructions in the checker), and the checker tests only your
models' behaviour (width, every edge symbolic, the output against the formula), so any
correct choice of edges and parameters passes.
"""

import kan_np as kn  # noqa: F401  (you will need it)


def division_kan():
    r"""A [2, 1, 1] KAN computing x_1 / x_2 for x_1, x_2 > 0 (§4.1 (b)).

    .. math:: \frac{x_1}{x_2} = \exp(\log x_1 - \log x_2)

    Returns:
        a KAN of width [2, 1, 1] with the three edges symbolic.
    """
    raise NotImplementedError("exercise 12.1: see tutorials/12_interpretability.md")


def phase_transition_kan():
    r"""A [3, 1, 1] KAN computing the phase transition of §4.1 (e).

    .. math:: f(x_1, x_2, x_3) = \tfrac12 \left(1 + \tanh\left(5 (x_1^4 + x_2^4 + x_3^4 - 1)
              \right)\right)

    Returns:
        a KAN of width [3, 1, 1] with the four edges symbolic.
    """
    raise NotImplementedError("exercise 12.1: see tutorials/12_interpretability.md")
