r"""The KAN model: a stack of KAN layers (paper §2.2, Eq. 2.6).

.. math:: \mathrm{KAN}(x) = (\Phi_{L-1} \circ \cdots \circ \Phi_1 \circ \Phi_0)(x)

The Kolmogorov–Arnold representation theorem (§2.1, Eq. 2.1),

.. math:: f(x_1, \dots, x_n) = \sum_{q=1}^{2n+1} \Phi_q\Big(\sum_{p=1}^{n} \phi_{q,p}(x_p)\Big),

is exactly a KAN of width [n, 2n+1, 1]: layer 0 holds the inner functions phi_{q,p} on its
n (2n+1) edges, its nodes sum them, and layer 1 holds the outer functions Phi_q.

Backpropagation runs the layers' `backward` in reverse order; the mean squared error
l = (1 / (N O)) \sum_{n,o} (KAN(x)_{n,o} - y_{n,o})^2 starts it with
dl/dKAN(x) = 2 (KAN(x) - y) / (N O).
"""

import numpy as np

from kan_np import checks
from kan_np.flat import FlatParameters
from kan_np.layer import PARAM_NAMES, KANLayer


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

    def __init__(self, width, grid=5, k=3, seed=0, grid_range=(-1.0, 1.0), base_fun="silu",
                 init="pykan", noise_scale=0.3):  # fmt: skip
        width = checks.as_width(width)
        grid = checks.as_int(grid, "grid (number of intervals G)", 1)
        k = checks.as_int(k, "k (spline order)", 1)
        grid_range = checks.as_range(grid_range)
        checks.as_choice(init, "init", ("pykan", "paper"))
        noise_scale = checks.as_nonneg_float(noise_scale, "noise_scale")
        seed = checks.as_int(seed, "seed", 0)
        rng = np.random.default_rng(seed)
        self.layers = [
            KANLayer(width[l], width[l + 1], grid, k, grid_range, base_fun, init, noise_scale, rng)
            for l in range(len(width) - 1)
        ]
        self.train_input = None  # (N, n_0) inputs of the last `fit`, used when x is omitted

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
        """x as a float64 (N, n_0) array, or a clear ValueError/TypeError."""
        return checks.as_float_matrix(x, name, columns=self.width[0])

    def forward(self, x):
        """KAN(x): (N, n_0) -> (N, n_L)."""
        x = self.check_input(x)
        for l, layer in enumerate(self.layers):
            x, _ = layer.forward(x, need_dx=False)
            checks.finite_output(x, f"the output of layer {l}")
        return x

    __call__ = forward

    def forward_all(self, x, need_dx=True, want_acts=False):
        """Forward pass keeping every layer's input and cache.

        A layer output that overflowed (inf or NaN) raises a ValueError: the next layer
        could not place it on its grid.

        Returns:
            y (N, n_L), inputs (a list of L arrays (N, n_l)), caches (a list of L dicts).
        """
        inputs, caches = [], []
        for l, layer in enumerate(self.layers):
            inputs.append(x)
            x, cache = layer.forward(x, need_dx=need_dx and l > 0, want_acts=want_acts)
            checks.finite_output(x, f"the output of layer {l}")
            caches.append(cache)
        return x, inputs, caches

    def activations(self, x=None):
        """Per-edge activations of every layer: a list of L arrays (N, n_l, n_{l+1}).

        x defaults to the training inputs of the last `fit`.
        """
        x = self.data_or_train_input(x)
        _, _, caches = self.forward_all(x, need_dx=False, want_acts=True)
        return [cache["acts"] for cache in caches]

    def layer_inputs(self, x=None):
        """The inputs of every layer, a list of L arrays (N, n_l); x defaults as above."""
        x = self.data_or_train_input(x)
        return self.forward_all(x, need_dx=False)[1]

    def loss_and_grad(self, x, y, lamb=0.0, reg_metric="paper", **reg_options):
        r"""Mean squared error (+ lamb * penalty) and its gradient w.r.t. every parameter.

        .. math:: \ell = \frac{1}{N O}\sum_{n,o}(\mathrm{KAN}(x)_{n,o} - y_{n,o})^2
                  + \lambda\, \mathrm{penalty}

        Args:
            x: (N, n_0) inputs.  y: (N, n_L) targets.
            lamb: lambda >= 0; the penalty (see `regularization.py`) is added when > 0.
            reg_metric: "paper" (L1 + entropy of §2.5.1) or "pykan".
            reg_options: the metric's weights (mu_1, mu_2; or lamb_l1, lamb_entropy, ...).
        Returns:
            loss (float) and grads: a list over layers of {"coef", "scale_base", "scale_sp",
            "affine"} arrays shaped like the layer's own.
        """
        x = self.check_input(x)
        y = checks.as_float_matrix(y, "y", columns=self.width[-1])
        if y.shape[0] != x.shape[0]:
            raise ValueError(f"x has {x.shape[0]} rows but y has {y.shape[0]}")
        lamb = checks.as_nonneg_float(lamb, "lamb")
        loss, grads = self._loss_and_grad(x, y, lamb, reg_metric, **reg_options)
        checks.finite_output(np.array([loss]), "the loss")
        return loss, grads

    def _loss_and_grad(self, x, y, lamb=0.0, reg_metric="paper", **reg_options):
        """`loss_and_grad` without the input checks (the training loop checks once)."""
        regularize = lamb > 0
        try:
            pred, inputs, caches = self.forward_all(x, want_acts=regularize)
        except checks.NonFiniteError:  # diverged parameters overflowed: a NaN loss, no crash
            return float("nan"), [{name: np.full_like(arr, np.nan) for name, arr in
                                   layer.params().items()} for layer in self.layers]  # fmt: skip
        diff = pred - y  # (N, n_L)
        loss = float(np.mean(diff**2))
        dy = 2.0 * diff / diff.size  # (N, n_L)   d mean(diff^2) / d pred
        L = len(self.layers)
        dacts, dinputs, dparams = [None] * L, [None] * L, [{} for _ in range(L)]
        if regularize:
            from kan_np import regularization

            acts = [cache["acts"] for cache in caches]
            penalty, dacts, dinputs, dparams = regularization.penalty_and_grad(
                self.layers, inputs, acts, reg_metric=reg_metric, **reg_options
            )
            loss += lamb * penalty
            dacts = [None if d is None else lamb * d for d in dacts]
            dinputs = [None if d is None else lamb * d for d in dinputs]
            dparams = [{name: lamb * g for name, g in d.items()} for d in dparams]
        grads = [None] * L
        for l in reversed(range(L)):
            dx, grads[l] = self.layers[l].backward(dy, caches[l], dacts[l], need_dx=l > 0)
            for name, g in dparams[l].items():
                grads[l][name] += g
            if l > 0:
                dy = dx if dinputs[l] is None else dx + dinputs[l]
        return loss, grads

    # ------------------------------------------------------------------- parameter vector
    def parameters(self):
        """All trainable arrays in a fixed order: [(l, name, array), ...] (own storage)."""
        return [(l, name, getattr(layer, name))
                for l, layer in enumerate(self.layers) for name in PARAM_NAMES]  # fmt: skip

    # ---------------------------------------------------------------------------- helpers
    def data_or_train_input(self, x):
        """x checked, or the training inputs of the last `fit` when x is None."""
        if x is None:
            if self.train_input is None:
                raise ValueError("no data: pass x=..., or call fit first (its inputs are used)")
            return self.train_input
        return self.check_input(x)

    def copy(self):
        """An independent deep copy."""
        new = object.__new__(KAN)
        new.__dict__.update(self.__dict__)
        new.layers = [layer.copy() for layer in self.layers]
        return new

    # ------------------------------------------------------------------------------ grids
    def update_grid(self, x=None, grid_eps=0.02, margin=0.01):
        """Grid update from samples (§2.4), layer by layer, in place.

        Each layer's grid adapts to its inputs as produced by the already-updated layers
        before it (their functions are unchanged on x, so are its inputs). x defaults to the
        training inputs of the last `fit`. The grids span each input's sample range widened
        by `margin` on both sides (the paper's code; 0 reproduces pykan 0.2.8).
        """
        x = self.data_or_train_input(x)
        grid_eps = checks.as_nonneg_float(grid_eps, "grid_eps")
        if grid_eps > 1:
            raise ValueError(f"grid_eps must be in [0, 1], got {grid_eps}")
        margin = checks.as_nonneg_float(margin, "margin")
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
        new = self.copy()
        for l, layer in enumerate(self.layers):
            new.layers[l] = layer.refined(new_grid, x)
            x, _ = layer.forward(x, need_dx=False)
        return new

    # ------------------------------------------------ workflow (implemented in their modules)
    def fit(self, dataset, **options):
        """Train the model; see `kan_np.training.fit` for every option."""
        from kan_np import training

        return training.fit(self, dataset, **options)

    def node_scores(self, x=None, method="paper"):
        """Importance of every node; see `kan_np.pruning.node_scores`."""
        from kan_np import pruning

        return pruning.node_scores(self, x=x, method=method)

    def prune(self, threshold=1e-2, x=None, method="paper", **options):
        """A new, smaller KAN without unimportant nodes; see `kan_np.pruning.prune`."""
        from kan_np import pruning

        return pruning.prune(self, threshold=threshold, x=x, method=method, **options)

    def plot(self, x=None, beta=3, in_vars=None, out_vars=None, title=None, **options):
        """The network drawing as a matplotlib Figure; see `kan_np.plotting.plot`."""
        from kan_np import plotting

        return plotting.plot(self, x=x, beta=beta, in_vars=in_vars, out_vars=out_vars,
                             title=title, **options)  # fmt: skip

    def suggest_symbolic(self, l, i, j, **options):
        """Rank candidate formulas for edge (l, i, j); see `kan_np.symbolic.suggest_symbolic`."""
        from kan_np import symbolic

        return symbolic.suggest_symbolic(self, l, i, j, **options)

    def fix_symbolic(self, l, i, j, name, x=None, **options):
        """Snap edge (l, i, j) to a library function; see `kan_np.symbolic.fix_symbolic`."""
        from kan_np import symbolic

        return symbolic.fix_symbolic(self, l, i, j, name, x=x, **options)

    def unfix_symbolic(self, l, i, j):
        """Make edge (l, i, j) numeric again; see `kan_np.symbolic.unfix_symbolic`."""
        from kan_np import symbolic

        return symbolic.unfix_symbolic(self, l, i, j)

    def auto_symbolic(self, lib=None, x=None, **options):
        """Snap every numeric edge to its best candidate; see `kan_np.symbolic.auto_symbolic`."""
        from kan_np import symbolic

        return symbolic.auto_symbolic(self, lib=lib, x=x, **options)

    def symbolic_formula(self, var_names=None, digits=4):
        """The outputs as sympy expressions; see `kan_np.symbolic.symbolic_formula`."""
        from kan_np import symbolic

        return symbolic.symbolic_formula(self, var_names=var_names, digits=digits)
