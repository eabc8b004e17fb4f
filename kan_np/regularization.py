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

`penalty_and_grad` is what `KAN.loss_and_grad` calls when lamb > 0.
"""

import numpy as np

from kan_np import checks, symbolic_edges

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


def entropy_backward(A, eps=ENTROPY_EPS):
    r"""dS/dA (I, O) for `entropy`.

    With g_j = dS/dp_j = -log p_j - 1 (where p_j >= eps; -log eps below, where the term is
    the linear -p_j log eps) and, by the quotient rule, dp_j/dA_k = (\delta_{jk} - p_j) / T
    (T = \sum A):  dS/dA_k = (g_k - \sum_j g_j p_j) / T.
    """
    total = A.sum()
    if total <= 0:
        return np.zeros_like(A)  # S is 0 on the whole ray A = 0; take the zero subgradient
    p = A / total  # (I, O)
    g = -np.log(np.maximum(p, eps)) - (p >= eps)  # (I, O)   d(-p log p)/dp = -log p - 1
    return (g - np.sum(g * p)) / total  # (I, O)


def paper_penalty(acts, mu_1=1.0, mu_2=1.0):
    r"""\mu_1 \sum_l |\Phi_l|_1 + \mu_2 \sum_l S(\Phi_l), and d/d acts.

    Args:
        acts: list of L arrays (N, I_l, O_l), every layer's per-edge activations.
    Returns:
        penalty (float) and dacts: list of L arrays (N, I_l, O_l).
    """
    total, dacts = 0.0, []
    for a in acts:
        A = edge_l1(a)  # (I, O)
        total += mu_1 * A.sum() + mu_2 * entropy(A)
        dA = mu_1 + mu_2 * entropy_backward(A)  # (I, O)  d|Phi|_1 / dA = 1
        dacts.append(edge_l1_backward(dA, a))
    return float(total), dacts


# ---------------------------------------------------------------------- pykan's terms
def std(a):
    """Sample standard deviation over axis 0 (ddof = 1): (N, ...) -> (...)."""
    return np.std(a, axis=0, ddof=1)


def std_backward(ds, a, s):
    r"""d/da from ds = d/d std: ds_n/da = (a_n - \bar a) / ((N - 1) s), 0 where s = 0."""
    safe = np.where(s > 0, s, 1.0)  # (...)
    return np.where(s > 0, ds / safe, 0.0) * (a - a.mean(axis=0)) / (a.shape[0] - 1)


def pykan_scale(acts, x):
    r"""V_{i,o} = std_n(\phi_{i,o}) / (std_n(x_i) + 0.1): (N, I, O), (N, I) -> (I, O)."""
    return std(acts) / (std(x)[:, None] + PYKAN_STD_EPS)  # (I, O)


def pykan_scale_backward(dV, acts, x):
    """Gradients of `pykan_scale`: returns (dacts (N, I, O), dx (N, I))."""
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


def pykan_entropy_backward(V, axis):
    """dH/dV (I, O) for `pykan_entropy`, by the same quotient rule as `entropy_backward`."""
    R = V.sum(axis=axis, keepdims=True) + 1.0  # (I, 1) or (1, O)
    p = V / R  # (I, O)
    g = -np.log2(p + PYKAN_LOG_EPS) - p / ((p + PYKAN_LOG_EPS) * np.log(2.0))  # dH/dp
    n_other = V.shape[1 - axis]  # the mean runs over the other axis
    return (g - np.sum(g * p, axis=axis, keepdims=True)) / R / n_other  # (I, O)


def coef_l1(coef):
    r"""\sum_{i,m} mean_o |c_{i,o,m}|, and its gradient sign(c) / O (I, O, M)."""
    O = coef.shape[1]
    return float(np.abs(coef).mean(axis=1).sum()), np.sign(coef) / O


def coef_diff_l1(coef):
    r"""\sum_{i,m} mean_o |c_{i,o,m+1} - c_{i,o,m}|, and its gradient (I, O, M)."""
    O = coef.shape[1]
    diff = np.diff(coef, axis=2)  # (I, O, M-1)
    s = np.sign(diff) / O  # (I, O, M-1)
    dcoef = np.zeros_like(coef)  # (I, O, M)
    dcoef[:, :, 1:] += s  # d(c_{m+1} - c_m)/dc_{m+1} = 1
    dcoef[:, :, :-1] -= s  # ... /dc_m = -1
    return float(np.abs(diff).mean(axis=1).sum()), dcoef


def _numeric_part(layer, x, a):
    """acts without the symbolic edges' c f(a x + b) + d, and the cache to undo its gradient."""
    if not layer.symbolic:
        return a, None
    cache = {"acts": np.zeros_like(a)}  # (N, I, O)
    symbolic_edges.forward(layer, x, cache)  # fills cache["acts"] with the symbolic values
    return a - cache["acts"], cache


def pykan_penalty(layers, inputs, acts, lamb_l1=1.0, lamb_entropy=2.0, lamb_coef=0.0,
                  lamb_coefdiff=0.0):  # fmt: skip
    """pykan's regulariser (module docstring) and its gradients, see `penalty_and_grad`.

    V is built from the numeric part of phi only, as in pykan: the symbolic edges' values
    are subtracted from acts, and the gradient that `KAN` would push through them via
    dacts is cancelled through dparams["affine"] and dinputs.
    """
    total, dacts, dinputs, dparams = 0.0, [], [], []
    for layer, x, a in zip(layers, inputs, acts, strict=True):
        if x.shape[0] < 2:
            raise ValueError(f"reg_metric='pykan' needs at least 2 samples, got {x.shape[0]}")
        numeric, sym_cache = _numeric_part(layer, x, a)  # (N, I, O)
        V = pykan_scale(numeric, x)  # (I, O)
        total += lamb_l1 * V.sum()
        total += lamb_entropy * (pykan_entropy(V, 0) + pykan_entropy(V, 1))
        dV = lamb_l1 + lamb_entropy * (pykan_entropy_backward(V, 0) + pykan_entropy_backward(V, 1))
        da, dx = pykan_scale_backward(dV, numeric, x)  # (N, I, O), (N, I)
        grads = {}
        if sym_cache is not None:
            # numeric = a - sigma: push -da through sigma to cancel what dacts adds there
            daffine = np.zeros_like(layer.affine)  # (I, O, 4)
            N, O = x.shape[0], layer.out_dim
            dx += symbolic_edges.backward(layer, np.zeros((N, O)), sym_cache, -da, daffine)
            grads["affine"] = daffine
        if lamb_coef > 0 or lamb_coefdiff > 0:
            c_val, dc = coef_l1(layer.coef)
            d_val, dd = coef_diff_l1(layer.coef)
            total += lamb_coef * c_val + lamb_coefdiff * d_val
            grads["coef"] = lamb_coef * dc + lamb_coefdiff * dd  # (I, O, M)
        dacts.append(da)
        dinputs.append(dx)
        dparams.append(grads)
    return float(total), dacts, dinputs, dparams


# --------------------------------------------------------------------------- dispatcher
def check_options(reg_metric, options):
    """The metric's full option dict (defaults filled in), or a ValueError naming valid ones."""
    if not isinstance(reg_metric, str) or reg_metric not in DEFAULTS:
        raise ValueError(f"reg_metric must be one of {sorted(DEFAULTS)}, got {reg_metric!r}")
    valid = DEFAULTS[reg_metric]
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ValueError(
            f"unknown option(s) {unknown} for reg_metric={reg_metric!r}; valid: {sorted(valid)}"
        )
    return {name: checks.as_nonneg_float(options.get(name, default), name)
            for name, default in valid.items()}  # fmt: skip


def penalty_and_grad(layers, inputs, acts, reg_metric="paper", **options):
    """The penalty of every layer and its gradients, in the form `KAN.loss_and_grad` uses.

    Args:
        layers: the L KANLayer objects.
        inputs: list of L arrays (N, I_l), every layer's input.
        acts: list of L arrays (N, I_l, O_l), phi_{i,o}(x_{n,i}) (masked edges 0,
            symbolic edges included).
        reg_metric: "paper" (options mu_1, mu_2) or "pykan" (lamb_l1, lamb_entropy,
            lamb_coef, lamb_coefdiff); see the module docstring.
    Returns:
        penalty (float);
        dacts: list of L arrays (N, I_l, O_l), d penalty / d acts;
        dinputs: list of L arrays (N, I_l) or None, d penalty / d input through paths other
            than acts (pykan's std(x)); entry 0 is for the data and unused by `KAN`;
        dparams: list of L dicts {parameter name: gradient} of the direct terms.
    """
    opts = check_options(reg_metric, options)
    if len(acts) != len(layers) or len(inputs) != len(layers):
        raise ValueError(
            f"need one entry per layer: {len(layers)} layers, {len(inputs)} inputs, "
            f"{len(acts)} acts"
        )
    if reg_metric == "paper":
        total, dacts = paper_penalty(acts, **opts)
        return total, dacts, [None] * len(layers), [{} for _ in layers]
    return pykan_penalty(layers, inputs, acts, **opts)


def penalty(model, x=None, reg_metric="paper", **options):
    """The penalty of `model` on x (default: the training inputs of its last fit), a float."""
    x = model.data_or_train_input(x)
    _, inputs, caches = model.forward_all(x, need_dx=False, want_acts=True)
    acts = [cache["acts"] for cache in caches]
    return penalty_and_grad(model.layers, inputs, acts, reg_metric, **options)[0]
