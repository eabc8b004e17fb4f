r"""Exercise 05.1: one Adam step. Read tutorials/05_training.md first.

Write `adam_update` below, then check it:

    KAN_NP_EXERCISES=student pytest -m ex05_1 tests/exercises

NumPy only: every operation is elementwise, so the same lines work for a scalar, a vector
and a (I, O, M) coefficient array. The reference is `kan_np.optim.adam_update`; do not
import it here.
"""

import numpy as np  # noqa: F401  (you will need it)


def adam_update(p, g, m, v, t, lr, beta1, beta2, eps):
    r"""One Adam step for one parameter array, without touching the inputs.

    .. math::
        m_t = \beta_1 m + (1 - \beta_1) g, \qquad v_t = \beta_2 v + (1 - \beta_2) g^2,

        \hat m = m_t / (1 - \beta_1^t), \qquad \hat v = v_t / (1 - \beta_2^t),

        p_t = p - \mathrm{lr}\, \hat m / (\sqrt{\hat v} + \epsilon)

    (Kingma & Ba 2015, Algorithm 1; all operations elementwise.)

    Args:
        p: parameter array, any shape S.
        g: gradient d loss / d p, shape S.
        m, v: first and second moment estimates before this step, shape S (zeros at start).
        t: the number of this step, counting from 1 (the bias corrections need t >= 1).
        lr, beta1, beta2, eps: step size, moment decay rates, and the guard against 0 / 0.

    Returns:
        (p_new, m_new, v_new), each a new array of shape S.
    """
    raise NotImplementedError("exercise 05.1: see tutorials/05_training.md")
