r"""Exercise 13.1: the gradient of the softmax cross-entropy. Read
tutorials/13_classification.md first (up to "Exercise 13.1"), then derive the gradient on
paper before you write a line.

    KAN_NP_EXERCISES=student pytest -m ex13_1 tests/exercises

NumPy only. The reference is `kan_np.losses.softmax_cross_entropy_backward`; do not import
it here (nor read its docstring: it states the answer).
"""

import numpy as np  # noqa: F401  (you will need it)


def softmax_cross_entropy_backward(dloss, logits, labels):
    r"""The gradient of the softmax cross-entropy with respect to the logits.

    The loss (the chapter's section "The loss") is

    .. math:: \ell(z) = -\frac{1}{N}\sum_{n=1}^{N} \log \mathrm{softmax}(z_n)_{c_n},
              \qquad \mathrm{softmax}(z_n)_j = \frac{e^{z_{n,j}}}{\sum_i e^{z_{n,i}}}.

    Return dloss * d\ell/dz, an array shaped like logits. Derive d\ell/dz_{n,j} yourself:
    write -\log softmax(z_n)_{c_n} as two terms, differentiate each with respect to one
    logit z_{n,j}, and treat j = c_n and j != c_n separately. Every step is the chain rule
    and d e^u / du = e^u.

    Your result must stay finite for logits as large as 1e4 (see "Why subtract the
    maximum"), and must not change `logits`.

    Args:
        dloss: the upstream gradient, a float (1.0 when the loss is the objective).
        logits: z, (N, C) floats.
        labels: c, (N,) integers in 0..C-1, the class of each row.
    Returns:
        (N, C) array, dloss * d\ell/dz.
    """
    raise NotImplementedError("exercise 13.1: see tutorials/13_classification.md")
