r"""The KAN model: a stack of KAN layers (paper §2.2, Eq. 2.6).

.. math:: \mathrm{KAN}(x) = (\Phi_{L-1} \circ \cdots \circ \Phi_1 \circ \Phi_0)(x)

The Kolmogorov–Arnold representation theorem (§2.1, Eq. 2.1),

.. math:: f(x_1, \dots, x_n) = \sum_{q=1}^{2n+1} \Phi_q\Big(\sum_{p=1}^{n} \phi_{q,p}(x_p)\Big),

is exactly a KAN of width [n, 2n+1, 1]: layer 0 holds the inner functions phi_{q,p} on its
n (2n+1) edges, its nodes sum them, and layer 1 holds the outer functions Phi_q.

Backpropagation runs the layers' `backward` in reverse order; the mean squared error
l = (1 / (N O)) \sum_{n,o} (KAN(x)_{n,o} - y_{n,o})^2 starts it with
dl/dKAN(x) = 2 (KAN(x) - y) / (N O) (the other losses of `losses.py` give their own).
"""

import copy
from typing import NamedTuple

import numpy as np

from kan_np import bspline_fast, checks, losses, plotting, pruning, regularization, symbolic
from kan_np.flat import FlatParameters
from kan_np.layer import PARAM_NAMES, KANLayer


class Loss(NamedTuple):
    """One evaluation of the training objective and its gradient."""

    total: float  # data + lamb * penalty
    data: float  # the data term: the mean squared error, or the classification loss
    penalty: float  # the penalty without lamb (0.0 when lamb = 0: not computed)
    grads: list  # per layer {parameter name: gradient}, shaped like the parameters


def _no_penalty(L):
    """The PenaltyGrad of lamb = 0: nothing to add anywhere."""
    return regularization.PenaltyGrad(
        0.0, [None] * L, [None] * L, [None] * L, [{} for _ in range(L)]
    )


class KAN(FlatParameters):
    """A Kolmogorov–Arnold Network.

    Args:
        width: [n_0, n_1, ..., n_L], the number of nodes per layer (inputs first).
        grid: G, the number of grid intervals of every spline.
        k: spline order (3: cubic).
        seed: seed of the numpy.random.Generator used for the initial parameters.
        grid_range: (lo, hi) of the initial uniform grids.
        base_fun: "silu" (paper), "identity" or "zero".
        init: "pykan" (default) or "paper"; see `KANLayer`.
        noise_scale: amplitude of the "pykan" initial spline noise.
    """

    def __init__(
        self,
        width,
        grid=5,
        k=3,
        seed=0,
        grid_range=(-1.0, 1.0),
        base_fun="silu",
        init="pykan",
        noise_scale=0.3,
    ):
        width = checks.as_width(width)
        grid = checks.as_int(grid, "grid (number of intervals G)", 1)
        k = checks.as_int(k, "k (spline order)", 1)
        grid_range = checks.as_range(grid_range)
        checks.as_choice(init, "init", ("pykan", "paper"))
        noise_scale = checks.as_nonneg_float(noise_scale, "noise_scale")
        seed = checks.as_int(seed, "seed", 0)
        checks.check_size(width, grid, k)  # fail fast rather than exhaust memory
        rng = np.random.default_rng(seed)
        self.layers = [
            KANLayer(width[l], width[l + 1], grid, k, grid_range, base_fun, init, noise_scale, rng)
            for l in range(len(width) - 1)
        ]
        self.train_input = None  # (N, n_0) inputs of the last `fit`, used when x is omitted
        # layer 0's basis of the last inputs: full-batch training evaluates it once per grid
        # update instead of once per step (it checks inputs and knots, see BasisCache)
        self.input_basis = bspline_fast.BasisCache()

    @property
    def width(self):
        """[n_0, ..., n_L]."""
        return [self.layers[0].in_dim] + [layer.out_dim for layer in self.layers]

    @property
    def grid(self):
        """G of the first layer (every layer has the same G unless edited by hand)."""
        return self.layers[0].G

    @property
    def k(self):
        """The spline order."""
        return self.layers[0].k

    def __repr__(self):
        return f"KAN(width={self.width}, grid={self.grid}, k={self.k})"

    # ------------------------------------------------------------------ forward / backward
    def check_input(self, x, name="x"):
        """x as a float64 (N, n_0) array, or a clear ValueError/TypeError.

        A model pruned with prune_inputs=True also takes the original columns and keeps
        its own (`kept_inputs`, indices into the `n_original_inputs` original columns).
        """
        if getattr(self, "kept_inputs", None) is not None:
            return checks.kept_columns(x, name, self.kept_inputs, self.n_original_inputs)
        return checks.as_float_matrix(x, name, columns=self.width[0])

    def forward(self, x, check=True):
        """KAN(x): (N, n_0) -> (N, n_L); check=False skips the input and overflow checks."""
        x = self.check_input(x) if check else x
        for l, layer in enumerate(self.layers):
            x, _ = layer.forward(x, need_dx=False)
            if check:
                checks.finite_output(x, f"the output of layer {l}")
        return x

    __call__ = forward

    def forward_all(self, x, need_dx=True, want_acts=False):
        """Forward pass keeping every layer's input and cache.

        A layer output that overflowed (inf or NaN) raises a ValueError: the next layer
        could not place it on its grid.

        Returns:
            y (N, n_L), inputs (a list of L arrays (N, n_l)), and caches (a list of L
            `layer.KANLayerCache`).
        """
        inputs, caches = [], []
        for l, layer in enumerate(self.layers):
            inputs.append(x)
            need = need_dx and l > 0  # nothing needs d loss / d (the data)
            x, cache = layer.forward(x, need, want_acts, basis_cache=self._basis_cache(l))
            checks.finite_output(x, f"the output of layer {l}")
            caches.append(cache)
        return x, inputs, caches

    def _basis_cache(self, l):
        """The BasisCache layer l uses: the first layer's; later layers' inputs change.
        (A model unpickled from before the cache existed has none: no cache then.)"""
        return getattr(self, "input_basis", None) if l == 0 else None

    def activations(self, x=None):
        """Per-edge activations of every layer: a list of L arrays (N, n_l, n_{l+1}).

        x defaults to the training inputs of the last `fit`.
        """
        x = self.data_or_train_input(x)
        _, _, caches = self.forward_all(x, need_dx=False, want_acts=True)
        return [cache.acts for cache in caches]

    def layer_inputs(self, x=None):
        """The inputs of every layer, a list of L arrays (N, n_l); x defaults as above."""
        x = self.data_or_train_input(x)
        return self.forward_all(x, need_dx=False)[1]

    def loss_and_grad(
        self, x, y, lamb=0.0, reg_metric="paper", check=True, loss="mse", **reg_options
    ):
        r"""Data loss (+ lamb * penalty) and its gradient w.r.t. every parameter.

        .. math:: \ell = \mathrm{loss}(\mathrm{KAN}(x), y) + \lambda\, \mathrm{penalty}

        Args:
            x: (N, n_0) inputs.  y: (N, n_L) targets, or (N,) class labels for
                loss="cross_entropy" (see `losses.as_target`).
            loss: "mse" (default, the mean squared error), "cross_entropy" or
                "binary_cross_entropy": value/backward pairs in `losses.py`.
            lamb: lambda >= 0; the penalty (see `regularization.py`) is added when > 0.
            reg_metric: "paper" (L1 + entropy of §2.5.1) or "pykan".
            check: validate x, y and lamb (False: the caller did, as `training.fit` does
                once; an overflow then gives a NaN loss instead of a ValueError).
            reg_options: the metric's weights (mu_1, mu_2; or lamb_l1, lamb_entropy, ...).
        Returns:
            loss (float) and grads: a list over layers of {"coef", "scale_base", "scale_sp",
            "affine"} arrays shaped like the layer's own.
        """
        terms = self.loss_terms(x, y, lamb, reg_metric, check, loss, **reg_options)
        return terms.total, terms.grads

    def loss_terms(self, x, y, lamb=0.0, reg_metric="paper", check=True, loss="mse", **reg_options):
        """`loss_and_grad` with the data term and the penalty kept apart: a `Loss`."""
        if check:
            x = self.check_input(x)
            y = losses.as_target(loss, y, self.width[-1])
            if y.shape[0] != x.shape[0]:
                raise ValueError(f"x has {x.shape[0]} rows but y has {y.shape[0]}")
            lamb = checks.as_nonneg_float(lamb, "lamb")
        try:
            pred, inputs, caches = self.forward_all(x, want_acts=lamb > 0)
        except checks.NonFiniteError:  # diverged parameters overflowed: a NaN loss
            if check:
                raise
            nan = [
                {n: np.full_like(a, np.nan) for n, a in layer.params().items()}
                for layer in self.layers
            ]
            return Loss(float("nan"), float("nan"), float("nan"), nan)
        data, dy = losses.value_and_grad(loss, pred, y)  # float, (N, n_L)  dy = dl/dpred
        pen = _no_penalty(len(self.layers))
        if lamb > 0:
            acts = [cache.acts for cache in caches]
            acts_symbolic = [cache.acts_symbolic for cache in caches]
            pen = regularization.penalty_and_grad(
                self.layers, inputs, acts, reg_metric, acts_symbolic, **reg_options
            )
        grads = self._backward(dy, caches, pen, lamb)
        terms = Loss(data + lamb * pen.value, data, pen.value, grads)
        if check:
            checks.finite_output(np.array([terms.total]), "the loss")
        return terms

    def _backward(self, dy, caches, pen, lamb):
        """Backpropagation through the layers, from dy = dL/dKAN(x), adding lamb * penalty."""
        scaled = lambda d: None if d is None else lamb * d  # noqa: E731  dL/d = lamb d/d
        grads = [None] * len(self.layers)
        for l in reversed(range(len(self.layers))):
            dacts, dnumeric = scaled(pen.dacts[l]), scaled(pen.dacts_numeric[l])
            dx, grads[l] = self.layers[l].backward(dy, caches[l], dacts, dnumeric)
            for name, g in pen.dparams[l].items():
                grads[l][name] += lamb * g
            if l > 0:
                dy = dx if pen.dinputs[l] is None else dx + lamb * pen.dinputs[l]
        return grads

    # ------------------------------------------------------------------- parameter vector
    def parameters(self):
        """All trainable arrays in a fixed order: [(l, name, array), ...] (own storage)."""
        return [
            (l, name, getattr(layer, name))
            for l, layer in enumerate(self.layers)
            for name in PARAM_NAMES
        ]

    def trainable_parameters(self):
        """The arrays an optimiser changes: `parameters()` without the affine arrays of the
        layers that have no symbolic edge (their gradient is zero by construction)."""
        return [
            (l, name, arr)
            for l, name, arr in self.parameters()
            if name != "affine" or self.layers[l].symbolic
        ]

    def snapshot(self):
        """Copies of every parameter (P,) and every layer's knots, for `restore`."""
        return self.get_flat(), [layer.knots.copy() for layer in self.layers]

    def restore(self, snapshot):
        """Write a `snapshot` back into the model's own arrays (same grid sizes)."""
        theta, knots = snapshot
        self.set_flat(theta)
        for layer, saved in zip(self.layers, knots, strict=True):
            layer.knots[...] = saved

    # ---------------------------------------------------------------------------- helpers
    def data_or_train_input(self, x):
        """x checked, or the training inputs of the last `fit` when x is None."""
        if x is None:
            if self.train_input is None:
                raise ValueError("no data: pass x=..., or call fit first (its inputs are used)")
            return self.train_input
        return self.check_input(x)

    def copy(self):
        """An independent deep copy (every array, dict and attribute)."""
        return copy.deepcopy(self)

    def __getstate__(self):
        """What copies and pickles hold: everything but the kept basis (a cache)."""
        return {**self.__dict__, "input_basis": bspline_fast.BasisCache()}

    # ------------------------------------------------------------------------------ grids
    def update_grid(self, x=None, grid_eps=0.02, margin=0.01):
        """Grid update from samples (§2.4), layer by layer, in place.

        Each layer's grid adapts to its inputs as produced by the already-updated layers
        before it (their functions are unchanged on x, so are its inputs). x defaults to the
        training inputs of the last `fit`. The grids span each input's sample range widened
        by `margin` on both sides (the paper's code; 0 reproduces pykan 0.2.8).
        """
        x = self.data_or_train_input(x)
        grid_eps, margin = checks.as_grid_options(grid_eps, margin)
        for layer in self.layers:
            layer.update_grid(x, grid_eps, margin)
            x, _ = layer.forward(x, need_dx=False)
        return self

    def refine(self, new_grid, x=None):
        """Grid extension (Eq. 2.16): a new model with G' = new_grid intervals per spline.

        Each layer's new coefficients are the least-squares fit of its old splines on the
        layer's inputs for x; x defaults to the training inputs of the last `fit`. The
        function is kept on those samples (exactly when the new knots contain the old ones).
        """
        new_grid = checks.as_int(new_grid, "new_grid (number of intervals G)", 1)
        x = self.data_or_train_input(x)
        checks.check_size(self.width, new_grid, self.k, x.shape[0], what="refine")
        checks.refine_warnings(self.grid, new_grid, self.k, x.shape[0])
        new = self.copy()
        for l, layer in enumerate(self.layers):
            new.layers[l] = layer.refined(new_grid, x)
            x, _ = layer.forward(x, need_dx=False)
        return new

    # ------------------------------------------------ workflow (implemented in their modules)
    def fit(self, dataset, **options):
        """Train the model; see `kan_np.training.fit` for every option."""
        from kan_np import training  # lazy: tqdm adds to start-up

        return training.fit(self, dataset, **options)

    def node_scores(self, x=None, method="paper"):
        """Importance of every node; see `kan_np.pruning.node_scores`."""
        return pruning.node_scores(self, x=x, method=method)

    def prune(self, threshold=1e-2, x=None, method="paper", **options):
        """A new, smaller KAN without unimportant nodes; see `kan_np.pruning.prune`."""
        return pruning.prune(self, threshold=threshold, x=x, method=method, **options)

    def plot(self, x=None, beta=3, in_vars=None, out_vars=None, title=None, **options):
        """The network drawing as a matplotlib Figure; see `kan_np.plotting.plot`.

        in_vars / out_vars default to the model's input_names / output_names, if any (the
        columns of a DataFrame it was fitted on, or of a CSV file).
        """
        in_vars = getattr(self, "input_names", None) if in_vars is None else in_vars
        out_vars = getattr(self, "output_names", None) if out_vars is None else out_vars
        return plotting.plot(
            self, x=x, beta=beta, in_vars=in_vars, out_vars=out_vars, title=title, **options
        )

    def suggest_symbolic(self, l, i, j, **options):
        """Rank candidate formulas for edge (l, i, j); see `kan_np.symbolic.suggest_symbolic`."""
        return symbolic.suggest_symbolic(self, l, i, j, **options)

    def fix_symbolic(self, l, i, j, name, x=None, **options):
        """Snap edge (l, i, j) to a library function; see `kan_np.symbolic.fix_symbolic`."""
        return symbolic.fix_symbolic(self, l, i, j, name, x=x, **options)

    def unfix_symbolic(self, l, i, j):
        """Make edge (l, i, j) numeric again; see `kan_np.symbolic.unfix_symbolic`."""
        return symbolic.unfix_symbolic(self, l, i, j)

    def auto_symbolic(self, lib=None, x=None, **options):
        """Snap every numeric edge to its best candidate; see `kan_np.symbolic.auto_symbolic`."""
        return symbolic.auto_symbolic(self, lib=lib, x=x, **options)

    def symbolic_formula(self, var_names=None, digits=4):
        """The outputs as sympy expressions; see `kan_np.symbolic.symbolic_formula`."""
        return symbolic.symbolic_formula(self, var_names=var_names, digits=digits)
