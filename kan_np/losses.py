r"""Losses: what training minimises, each as a value / backward pair.

A loss compares the network's outputs `pred` (N, O) with targets and returns one number.
Its backward takes the upstream gradient `dloss` first (1.0 when the loss is the objective,
lamb-free) and returns `dpred`, the gradient of the objective with respect to `pred`,
shaped like `pred`. The network's backward pass starts from that `dpred`.

mean squared error (regression), targets y (N, O):

.. math:: \ell = \frac{1}{N O}\sum_{n,o} (p_{n,o} - y_{n,o})^2, \qquad
          \frac{\partial \ell}{\partial p_{n,o}} = \frac{2 (p_{n,o} - y_{n,o})}{N O}

softmax cross-entropy (C classes, the outputs are logits z (N, C)), labels c_n in {0..C-1}:

.. math:: \ell = -\frac{1}{N}\sum_n \log \mathrm{softmax}(z_n)_{c_n}, \qquad
          \frac{\partial \ell}{\partial z_{n,j}} = \frac{\mathrm{softmax}(z_n)_j
          - [j = c_n]}{N}

binary cross-entropy on logits (O independent yes/no outputs), targets t (N, O) in [0, 1]:

.. math:: \ell = \frac{1}{N O}\sum_{n,o} \big[\log(1 + e^{z_{n,o}}) - t_{n,o} z_{n,o}\big],
          \qquad \frac{\partial \ell}{\partial z_{n,o}} = \frac{\sigma(z_{n,o}) - t_{n,o}}{N O}

(the usual -t log sigma(z) - (1 - t) log(1 - sigma(z)), rewritten so it never takes the log
of 0). The derivation of the softmax gradient is chapter 13 (tutorials/13_classification.md).

Numerics: softmax and log-softmax subtract each row's maximum first (softmax(z) =
softmax(z - max z)), so e^z never overflows; log(1 + e^z) is `np.logaddexp(0, z)`.
"""

import numpy as np

from kan_np import checks

LOSS_NAMES = ("mse", "cross_entropy", "binary_cross_entropy")


# ------------------------------------------------------------------------- helpers
def softmax(z):
    r"""softmax(z)_j = e^{z_j} / \sum_i e^{z_i}, row by row: (N, C) -> (N, C)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))  # (N, C), largest entry 1: no overflow
    return e / e.sum(axis=1, keepdims=True)  # (N, C)


def log_softmax(z):
    r"""log softmax(z)_j = z_j - \log\sum_i e^{z_i}, computed stably: (N, C) -> (N, C)."""
    shifted = z - z.max(axis=1, keepdims=True)  # (N, C)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C)


def sigmoid(z):
    r"""sigma(z) = 1 / (1 + e^{-z}), without overflow for large |z|: any shape."""
    e = np.exp(-np.abs(z))  # in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ------------------------------------------------------------- mean squared error
def mse(pred, y):
    r"""\ell = mean((pred - y)^2). pred, y (N, O) -> float."""
    return float(np.mean((pred - y) ** 2))


def mse_backward(dloss, pred, y):
    r"""d\ell/dpred = dloss * 2 (pred - y) / (N O). Returns (N, O)."""
    return dloss * 2.0 * (pred - y) / pred.size  # (N, O)  d(mean of squares) = 2 diff / count


# ---------------------------------------------------------- softmax cross-entropy
def softmax_cross_entropy(logits, labels):
    r"""\ell = -(1/N) \sum_n log softmax(z_n)_{c_n}. logits (N, C), labels (N,) int -> float."""
    N = logits.shape[0]
    logp = log_softmax(logits)  # (N, C)
    return float(-np.mean(logp[np.arange(N), labels]))


def softmax_cross_entropy_backward(dloss, logits, labels):
    r"""d\ell/dz = dloss * (softmax(z) - onehot(c)) / N. Returns (N, C)."""
    N = logits.shape[0]
    dlogits = softmax(logits)  # (N, C)  d(log sum_i e^{z_i}) / dz_j = softmax(z)_j
    dlogits[np.arange(N), labels] -= 1.0  # d(-z_c)/dz_j = -[j = c]
    return dloss * dlogits / N  # (N, C)


# ------------------------------------------------------ binary cross-entropy (logits)
def binary_cross_entropy(logits, targets):
    r"""\ell = mean(log(1 + e^z) - t z). logits, targets (N, O) -> float."""
    return float(np.mean(np.logaddexp(0.0, logits) - targets * logits))


def binary_cross_entropy_backward(dloss, logits, targets):
    r"""d\ell/dz = dloss * (sigma(z) - t) / (N O). Returns (N, O)."""
    # d log(1 + e^z)/dz = e^z / (1 + e^z) = sigma(z)
    return dloss * (sigmoid(logits) - targets) / logits.size  # (N, O)


PAIRS = {
    "mse": (mse, mse_backward),
    "cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_backward),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_backward),
}


# ------------------------------------------------- used by the network and training
def check_name(loss):
    """The loss name itself, or a ValueError listing the valid ones."""
    return checks.as_choice(loss, "loss", LOSS_NAMES)


def as_target(loss, y, outputs, name="y"):
    """The targets of `loss` checked against a model with `outputs` outputs.

    mse: (N, O) floats. cross_entropy: class labels, (N,) or (N, 1) whole numbers in
    [0, outputs), returned as (N,) int64 (needs outputs >= 2). binary_cross_entropy:
    (N, O) numbers in [0, 1].
    """
    check_name(loss)
    if loss != "cross_entropy":
        y = checks.as_float_matrix(y, name, columns=outputs)
        if loss == "binary_cross_entropy" and (y.min() < 0 or y.max() > 1):
            raise ValueError(
                f"{name} for binary_cross_entropy must lie in [0, 1], got values "
                f"from {y.min():g} to {y.max():g}"
            )
        return y
    if outputs < 2:
        raise ValueError(
            "loss='cross_entropy' needs a model with one output per class (>= 2 "
            f"outputs), got {outputs}; for a yes/no target use "
            "loss='binary_cross_entropy'"
        )
    arr = np.asarray(y)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    labels = checks.as_float_matrix(arr, name, columns=1)[:, 0]  # (N,)
    if np.any(labels != np.round(labels)) or labels.min() < 0 or labels.max() >= outputs:
        raise ValueError(
            f"{name} for cross_entropy must hold class numbers 0..{outputs - 1} "
            f"(one per row), got values from {labels.min():g} to "
            f"{labels.max():g}"
        )
    return labels.astype(np.int64)  # (N,)


def value_and_grad(loss, pred, y):
    """(value, dpred) of the named loss; y as returned by `as_target`."""
    value, backward = PAIRS[loss]
    return value(pred, y), backward(1.0, pred, y)


def predict_labels(loss, pred):
    """Class decisions from outputs: argmax (cross_entropy), z > 0 (binary): (N,) or (N, O)."""
    if loss == "cross_entropy":
        return pred.argmax(axis=1)  # (N,)
    return (pred > 0).astype(np.float64)  # (N, O)  sigma(z) > 1/2  <=>  z > 0


def accuracy(loss, pred, y):
    """The share of correct decisions (every output counted for binary_cross_entropy)."""
    return float(np.mean(predict_labels(loss, pred) == np.round(y)))
