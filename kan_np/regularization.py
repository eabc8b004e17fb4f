r"""The sparsity penalty (paper §2.5.1) and pykan's variant, each term with its gradient.

**Paper** (``reg_metric="paper"``, the default). For layer l with per-edge activations
phi_{i,o}(x_{n,i}) on N samples (Eqs. 2.17–2.20):

.. math::
    |\phi_{i,o}|_1 = \frac{1}{N}\sum_n |\phi_{i,o}(x_{n,i})|, \qquad
    |\Phi|_1 = \sum_{i,o} |\phi_{i,o}|_1,

    S(\Phi) = -\sum_{i,o} p_{i,o} \log p_{i,o}, \quad p_{i,o} = |\phi_{i,o}|_1 / |\Phi|_1,

    \mathrm{penalty} = \mu_1 \sum_l |\Phi_l|_1 + \mu_2 \sum_l S(\Phi_l),
    \qquad \mu_1 = \mu_2 = 1 \text{ by default.}

**pykan 0.2** (``reg_metric="pykan"``; its ``edge_forward_spline_n``). Per layer,
V_{i,o} = std_n(phi_{i,o}) / (std_n(x_i) + 0.1) (ddof = 1, phi without the symbolic part):

.. math::
    \mathrm{reg} = \sum_l \lambda_{l1} \sum V + \lambda_{ent} (H_{in} + H_{out})
        + \lambda_{coef} \sum_{i,m} \overline{|c_{i,:,m}|}
        + \lambda_{coefdiff} \sum_{i,m} \overline{|c_{i,:,m+1} - c_{i,:,m}|},

H_in = -mean_o sum_i p log2(p + 1e-4), p = V / (sum_i V + 1) (pykan's "row"), H_out the
same with i and o swapped, the bars means over o. Defaults 1, 2, 0, 0 as in pykan's `fit`.

Conventions at the non-smooth points (both metrics), so a penalty and its gradient are
finite everywhere, e.g. for a fully masked layer:

- d|a|/da = sign(a) with sign(0) = 0 (the smallest subgradient);
- the paper's entropy is computed as -sum p log(max(p, ENTROPY_EPS)), ENTROPY_EPS =
  1e-12: the textbook value whenever every share p >= 1e-12 (and 0 log 0 = 0), while the
  gradient stays finite as p -> 0 (the textbook one diverges like log p); a layer with
  |Phi|_1 = 0 has S = 0 and a zero gradient;
- a standard deviation of 0 has gradient 0 (pykan's would be NaN there).

Every term is a pair: the value `f(...)` and `f_backward(d_out, ...)`, which takes the
upstream gradient first and returns gradients shaped like f's inputs.
`penalty_and_grad` composes them; it is what `KAN.loss_and_grad` calls when lamb > 0.
"""

from typing import NamedTuple

import numpy as np

from kan_np import checks

ENTROPY_EPS = 1e-12  # inside the paper's log, see the module docstring
PYKAN_LOG_EPS = 1e-4  # pykan's log2(p + 1e-4)
PYKAN_STD_EPS = 0.1  # pykan's std(phi) / (std(x) + 0.1)

DEFAULTS = {
    "paper": {"mu_1": 1.0, "mu_2": 1.0},
    "pykan": {"lamb_l1": 1.0, "lamb_entropy": 2.0, "lamb_coef": 0.0, "lamb_coefdiff": 0.0},
}


# --------------------------------------------------------------------- the paper's terms
def edge_l1(acts):
    r"""|\phi_{i,o}|_1 = (1/N) \sum_n |\phi_{i,o}(x_{n,i})| for every edge, (N, I, O) -> (I, O)."""
    return np.mean(np.abs(acts), axis=0)  # (I, O)


def edge_l1_backward(dA, acts):
    """d penalty / d acts from dA = d penalty / d|phi|_1: (I, O), (N, I, O) -> (N, I, O)."""
    # d|a|/da = sign(a), with sign(0) = 0
    return np.sign(acts) * dA / acts.shape[0]  # (N, I, O)


def entropy(A, eps=ENTROPY_EPS):
    r"""S = -\sum_{i,o} p_{i,o} \log \max(p_{i,o}, eps), p = A / \sum A; 0 if \sum A = 0.

    Args:
        A: (I, O) non-negative edge magnitudes |phi|_1.
    Returns:
        S (float).
    """
    total = A.sum()
    if total <= 0:
        return 0.0
    p = A / total  # (I, O)
    S = float(-np.sum(p * np.log(np.maximum(p, eps))))
    return max(0.0, S)  # S >= 0; this also turns -0.0 (a single live edge) into 0.0


def entropy_backward(dS, A, eps=ENTROPY_EPS):
    r"""dA (I, O) from dS = dL/dS, for `entropy`.

    With g_j = dS/dp_j = -log p_j - 1 (where p_j >= eps; -log eps below, where the term is
    the linear -p_j log eps) and, by the quotient rule, dp_j/dA_k = (\delta_{jk} - p_j) / T
    (T = \sum A):  dS/dA_k = (g_k - \sum_j g_j p_j) / T, and dA = dS dS/dA.
    """
    total = A.sum()
    if total <= 0:
        return np.zeros_like(A)  # S is 0 on the whole ray A = 0; take the zero subgradient
    p = A / total  # (I, O)
    g = -np.log(np.maximum(p, eps)) - (p >= eps)  # (I, O)   d(-p log p)/dp = -log p - 1
    return dS * (g - np.sum(g * p)) / total  # (I, O)


def paper_penalty(acts, mu_1=1.0, mu_2=1.0):
    r"""\mu_1 \sum_l |\Phi_l|_1 + \mu_2 \sum_l S(\Phi_l) (a float).

    Args:
        acts: list of L arrays (N, I_l, O_l), every layer's per-edge activations.
    """
    total = 0.0
    for a in acts:
        A = edge_l1(a)  # (I, O)
        total += mu_1 * A.sum() + mu_2 * entropy(A)
    return float(total)


def paper_penalty_backward(dpenalty, acts, mu_1=1.0, mu_2=1.0):
    """dacts, a list of L arrays (N, I_l, O_l), from dpenalty = dL/d penalty."""
    dacts = []
    for a in acts:
        A = edge_l1(a)  # (I, O)
        dA = dpenalty * mu_1 + entropy_backward(dpenalty * mu_2, A)  # d|Phi|_1 / dA = 1
        dacts.append(edge_l1_backward(dA, a))
    return dacts


# ---------------------------------------------------------------------- pykan's terms
def std(a):
    """Sample standard deviation over axis 0 (ddof = 1): (N, ...) -> (...)."""
    return np.std(a, axis=0, ddof=1)


def std_backward(ds, a, s):
    r"""da from ds = dL/d std (s = std(a)): ds_n/da = (a_n - \bar a) / ((N - 1) s), 0 at s = 0."""
    safe = np.where(s > 0, s, 1.0)  # (...)
    return np.where(s > 0, ds / safe, 0.0) * (a - a.mean(axis=0)) / (a.shape[0] - 1)


def pykan_scale(acts, x):
    r"""V_{i,o} = std_n(\phi_{i,o}) / (std_n(x_i) + 0.1): (N, I, O), (N, I) -> (I, O)."""
    return std(acts) / (std(x)[:, None] + PYKAN_STD_EPS)  # (I, O)


def pykan_scale_backward(dV, acts, x):
    """Gradients of `pykan_scale` from dV (I, O): returns (dacts (N, I, O), dx (N, I))."""
    s_a, s_x = std(acts), std(x)  # (I, O), (I,)
    denom = s_x[:, None] + PYKAN_STD_EPS  # (I, 1)
    ds_a = dV / denom  # (I, O)    d(s_a / denom) / d s_a = 1 / denom
    ds_x = -np.sum(dV * s_a / denom**2, axis=1)  # (I,)   quotient rule
    return std_backward(ds_a, acts, s_a), std_backward(ds_x, x, s_x)


def pykan_entropy(V, axis):
    r"""H = -mean_{other} \sum_{axis} p \log_2(p + 10^{-4}), p = V / (\sum_{axis} V + 1).

    axis=0 sums over inputs for each output (pykan's "row" entropy), axis=1 over outputs.
    """
    p = V / (V.sum(axis=axis, keepdims=True) + 1.0)  # (I, O)
    return float(-np.mean(np.sum(p * np.log2(p + PYKAN_LOG_EPS), axis=axis)))


def pykan_entropy_backward(dH, V, axis):
    """dV (I, O) from dH = dL/dH, by the same quotient rule as `entropy_backward`."""
    R = V.sum(axis=axis, keepdims=True) + 1.0  # (I, 1) or (1, O)
    p = V / R  # (I, O)
    g = -np.log2(p + PYKAN_LOG_EPS) - p / ((p + PYKAN_LOG_EPS) * np.log(2.0))  # dH/dp
    n_other = V.shape[1 - axis]  # the mean runs over the other axis
    return dH * (g - np.sum(g * p, axis=axis, keepdims=True)) / R / n_other  # (I, O)


def coef_l1(coef):
    r"""\sum_{i,m} mean_o |c_{i,o,m}| (a float), coef (I, O, M)."""
    return float(np.abs(coef).mean(axis=1).sum())


def coef_l1_backward(dvalue, coef):
    """dcoef (I, O, M) from dvalue = dL/d coef_l1: dvalue sign(c) / O."""
    return dvalue * np.sign(coef) / coef.shape[1]


def coef_diff_l1(coef):
    r"""\sum_{i,m} mean_o |c_{i,o,m+1} - c_{i,o,m}| (a float), coef (I, O, M)."""
    return float(np.abs(np.diff(coef, axis=2)).mean(axis=1).sum())


def coef_diff_l1_backward(dvalue, coef):
    """dcoef (I, O, M) from dvalue = dL/d coef_diff_l1."""
    s = dvalue * np.sign(np.diff(coef, axis=2)) / coef.shape[1]  # (I, O, M-1)
    dcoef = np.zeros_like(coef)  # (I, O, M)
    dcoef[:, :, 1:] += s  # d(c_{m+1} - c_m)/dc_{m+1} = 1
    dcoef[:, :, :-1] -= s  # ... /dc_m = -1
    return dcoef


def _pykan_layer(coef, x, a, lamb_l1, lamb_entropy, lamb_coef, lamb_coefdiff):
    """One layer's pykan penalty, and V (I, O) for the backward pass."""
    if x.shape[0] < 2:
        raise ValueError(f"reg_metric='pykan' needs at least 2 samples, got {x.shape[0]}")
    V = pykan_scale(a, x)  # (I, O)
    value = lamb_l1 * V.sum() + lamb_entropy * (pykan_entropy(V, 0) + pykan_entropy(V, 1))
    return value + lamb_coef * coef_l1(coef) + lamb_coefdiff * coef_diff_l1(coef), V


def pykan_penalty(
    coefs, inputs, acts, lamb_l1=1.0, lamb_entropy=2.0, lamb_coef=0.0, lamb_coefdiff=0.0
):
    """pykan's regulariser (module docstring), a float.

    Args:
        coefs: list of L arrays (I_l, O_l, M), every layer's coefficients.
        inputs: list of L arrays (N, I_l), every layer's input.
        acts: list of L arrays (N, I_l, O_l), the numeric part of phi (no symbolic edges).
    """
    weights = (lamb_l1, lamb_entropy, lamb_coef, lamb_coefdiff)
    return float(
        sum(_pykan_layer(c, x, a, *weights)[0] for c, x, a in zip(coefs, inputs, acts, strict=True))
    )


def pykan_penalty_backward(
    dpenalty, coefs, inputs, acts, lamb_l1=1.0, lamb_entropy=2.0, lamb_coef=0.0, lamb_coefdiff=0.0
):
    """Gradients of `pykan_penalty` from dpenalty: lists dacts, dinputs, dcoefs (per layer)."""
    dacts, dinputs, dcoefs = [], [], []
    for coef, x, a in zip(coefs, inputs, acts, strict=True):
        _, V = _pykan_layer(coef, x, a, lamb_l1, lamb_entropy, lamb_coef, lamb_coefdiff)
        dH = dpenalty * lamb_entropy
        dV = (
            dpenalty * lamb_l1 + pykan_entropy_backward(dH, V, 0) + pykan_entropy_backward(dH, V, 1)
        )
        da, dx = pykan_scale_backward(dV, a, x)  # (N, I, O), (N, I)
        dcoef = coef_l1_backward(dpenalty * lamb_coef, coef)  # (I, O, M)
        dcoef += coef_diff_l1_backward(dpenalty * lamb_coefdiff, coef)
        dacts.append(da)
        dinputs.append(dx)
        dcoefs.append(dcoef)
    return dacts, dinputs, dcoefs


# --------------------------------------------------------------------------- dispatcher
def check_options(reg_metric, options):
    """The metric's full option dict (defaults filled in), or a ValueError naming valid ones."""
    checks.as_choice(reg_metric, "reg_metric", sorted(DEFAULTS))
    valid = DEFAULTS[reg_metric]
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ValueError(
            f"unknown option(s) {unknown} for reg_metric={reg_metric!r}; valid: {sorted(valid)}"
        )
    return {
        name: checks.as_nonneg_float(options.get(name, default), name)
        for name, default in valid.items()
    }


class PenaltyGrad(NamedTuple):
    """The penalty and its gradients, per layer (L entries each), as `KAN` consumes them."""

    value: float
    dacts: list  # (N, I_l, O_l) or None: d penalty / d phi (numeric and symbolic edges)
    dacts_numeric: list  # (N, I_l, O_l) or None: d penalty / d the numeric part of phi
    dinputs: list  # (N, I_l) or None: d penalty / d layer input along other paths (std(x))
    dparams: list  # {parameter name: gradient} of the direct terms (pykan's coef terms)


def penalty_and_grad(layers, inputs, acts, reg_metric="paper", acts_symbolic=None, **options):
    """The penalty of every layer and its gradients (a PenaltyGrad), for `KAN.loss_and_grad`.

    Args:
        layers: the L KANLayer objects (their coef, for pykan's coefficient terms).
        inputs: list of L arrays (N, I_l), every layer's input.
        acts: list of L arrays (N, I_l, O_l), phi_{i,o}(x_{n,i}) (masked edges 0,
            symbolic edges included).
        reg_metric: "paper" (options mu_1, mu_2) or "pykan" (lamb_l1, lamb_entropy,
            lamb_coef, lamb_coefdiff); see the module docstring.
        acts_symbolic: list of L arrays (N, I_l, O_l) or None, the symbolic part of acts;
            pykan's metric uses acts - acts_symbolic.
    """
    opts = check_options(reg_metric, options)
    L = len(layers)
    acts_symbolic = [None] * L if acts_symbolic is None else acts_symbolic
    if not len(acts) == len(inputs) == len(acts_symbolic) == L:
        raise ValueError(
            f"need one entry per layer: {L} layers, {len(inputs)} inputs, {len(acts)} acts"
        )
    none = [None] * L
    if reg_metric == "paper":
        value = paper_penalty(acts, **opts)
        return PenaltyGrad(
            value, paper_penalty_backward(1.0, acts, **opts), none, none, [{} for _ in layers]
        )
    numeric = [a if s is None else a - s for a, s in zip(acts, acts_symbolic, strict=True)]
    coefs = [layer.coef for layer in layers]
    value = pykan_penalty(coefs, inputs, numeric, **opts)
    dnumeric, dinputs, dcoefs = pykan_penalty_backward(1.0, coefs, inputs, numeric, **opts)
    return PenaltyGrad(value, none, dnumeric, dinputs, [{"coef": d} for d in dcoefs])


def penalty(model, x=None, reg_metric="paper", **options):
    """The penalty of `model` on x (default: the training inputs of its last fit), a float."""
    x = model.data_or_train_input(x)
    _, inputs, caches = model.forward_all(x, need_dx=False, want_acts=True)
    acts = [cache.acts for cache in caches]
    acts_symbolic = [cache.acts_symbolic for cache in caches]
    return penalty_and_grad(model.layers, inputs, acts, reg_metric, acts_symbolic, **options).value
