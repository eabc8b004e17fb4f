r"""A multi-layer perceptron (MLP) baseline with analytic backprop, trained like a KAN.

The paper compares KANs with MLPs (§3): fixed activations on nodes, learnable linear
weights on edges. Layer l maps I inputs to O outputs,

.. math:: z = x W + b, \qquad y = \sigma(z) \ \text{(hidden layers)}, \qquad y = z \ \text{(last)},

with W (I, O), b (O,) and sigma = tanh or silu, and the loss is the KAN's mean squared error

.. math:: \ell = \frac{1}{N O}\sum_{n,o}(\mathrm{MLP}(x)_{n,o} - y_{n,o})^2 .

The model offers what `training.fit` calls on a KAN: `check_input`, `width`, `train_input`,
`parameters`, `get_flat`/`set_flat`/`flatten_grads`, `_loss_and_grad`, `update_grid` and
`layers[l].forward(x, need_dx=False)` / `layers[l].grid`. So ``training.fit(mlp, ds, ...)``
(or ``mlp.fit(ds, ...)``) trains it with the SAME Adam and L-BFGS code as a KAN. An MLP has
no knots: `update_grid` does nothing and each layer's `grid` is an empty (I, 0) array, so
fit's default grid schedule and its snapshots of the knots are no-ops. The sparsity
penalty is KAN-only: ``lamb > 0`` is a ValueError.

Initialisation (PyTorch's nn.Linear default, the usual baseline): W and b ~ U(-1/sqrt(I),
1/sqrt(I)).

Letters: N batch, I inputs of a layer, O outputs, L layers.
"""

import numpy as np
from scipy.special import expit

from kan_np import checks
from kan_np.flat import FlatParameters

PARAM_NAMES = ("weight", "bias")


def _tanh_pair(z):
    y = np.tanh(z)
    return y, 1.0 - y * y  # d tanh/dz = 1 - tanh^2


def _silu_pair(z):
    s = expit(z)
    return z * s, s * (1.0 + z * (1.0 - s))  # d silu/dz = s(z)(1 + z(1 - s(z)))


ACTIVATIONS = {"tanh": _tanh_pair, "silu": _silu_pair}  # name -> z -> (sigma(z), sigma'(z))


class DenseLayer:
    """One affine map z = x W + b, followed by an activation on hidden layers.

    Args:
        in_dim, out_dim: I and O.
        activation: "tanh", "silu", or None (the last layer: y = z).
        rng: a numpy.random.Generator for the initial weights.
    """

    def __init__(self, in_dim, out_dim, activation, rng):
        bound = 1.0 / np.sqrt(in_dim)
        self.weight = rng.uniform(-bound, bound, (in_dim, out_dim))  # (I, O)
        self.bias = rng.uniform(-bound, bound, out_dim)  # (O,)
        self.activation = activation
        # no knots; an empty array lets training.fit snapshot and restore "the grids"
        self.grid = np.empty((in_dim, 0))  # (I, 0)

    @property
    def in_dim(self):
        """I, the number of inputs."""
        return self.weight.shape[0]

    @property
    def out_dim(self):
        """O, the number of outputs."""
        return self.weight.shape[1]

    def forward(self, x, need_dx=True):
        r"""y = \sigma(x W + b) (or x W + b on the last layer).

        Args:
            x: (N, I) inputs.  need_dx: unused (kept so `training.fit` calls it like a
                KAN layer; the cache is the same either way).
        Returns:
            y (N, O) and a cache for `backward`.
        """
        z = x @ self.weight + self.bias  # (N, O)
        if self.activation is None:
            return z, {"x": x, "dsigma": None}
        y, dsigma = ACTIVATIONS[self.activation](z)  # (N, O), (N, O)
        return y, {"x": x, "dsigma": dsigma}

    def backward(self, dy, cache, need_dx=True):
        r"""Gradients through the layer, from dy = dl/dy (N, O).

        dz = dy \odot \sigma'(z), dW = x^T dz, db = \sum_n dz_n, dx = dz W^T.

        Returns:
            dx (N, I) (None unless need_dx) and {"weight": (I, O), "bias": (O,)}.
        """
        dsigma = cache["dsigma"]
        dz = dy if dsigma is None else dy * dsigma  # (N, O)  chain rule through sigma
        grads = {"weight": cache["x"].T @ dz, "bias": dz.sum(axis=0)}  # (I, O), (O,)
        dx = dz @ self.weight.T if need_dx else None  # (N, I)
        return dx, grads

    def copy(self):
        """An independent deep copy."""
        new = object.__new__(DenseLayer)
        new.__dict__ = {key: (value.copy() if isinstance(value, np.ndarray) else value)
                        for key, value in self.__dict__.items()}  # fmt: skip
        return new


class MLP(FlatParameters):
    """A fully connected network of width [n_0, ..., n_L] (see the module docstring).

    Args:
        width: [n_0, n_1, ..., n_L], nodes per layer (inputs first); L >= 1 affine maps.
        activation: "tanh" (default) or "silu", on every hidden layer.
        seed: seed of the numpy.random.Generator used for the initial weights.
    """

    def __init__(self, width, activation="tanh", seed=0):
        width = checks.as_width(width)
        checks.as_choice(activation, "activation", tuple(ACTIVATIONS))
        seed = checks.as_int(seed, "seed", 0)
        rng = np.random.default_rng(seed)
        L = len(width) - 1
        self.activation = activation
        self.layers = [DenseLayer(width[l], width[l + 1], activation if l < L - 1 else None, rng)
                       for l in range(L)]  # fmt: skip
        self.train_input = None  # (N, n_0) inputs of the last `fit`

    @property
    def width(self):
        """[n_0, ..., n_L]."""
        return [self.layers[0].in_dim] + [layer.out_dim for layer in self.layers]

    def __repr__(self):
        return f"MLP(width={self.width}, activation={self.activation!r})"

    # ------------------------------------------------------------------ forward / backward
    def check_input(self, x, name="x"):
        """x as a float64 (N, n_0) array, or a clear ValueError/TypeError."""
        return checks.as_float_matrix(x, name, columns=self.width[0])

    def forward(self, x):
        """MLP(x): (N, n_0) -> (N, n_L)."""
        x = self.check_input(x)
        for layer in self.layers:
            x, _ = layer.forward(x)
        return checks.finite_output(x)

    __call__ = forward

    def loss_and_grad(self, x, y):
        r"""Mean squared error and its gradient w.r.t. every weight and bias.

        .. math:: \ell = \frac{1}{N O}\sum_{n,o}(\mathrm{MLP}(x)_{n,o} - y_{n,o})^2

        Args:
            x: (N, n_0) inputs.  y: (N, n_L) targets.
        Returns:
            loss (float) and grads: a list over layers of {"weight": (I, O), "bias": (O,)}.
        """
        x = self.check_input(x)
        y = checks.as_float_matrix(y, "y", columns=self.width[-1])
        if y.shape[0] != x.shape[0]:
            raise ValueError(f"x has {x.shape[0]} rows but y has {y.shape[0]}")
        loss, grads = self._loss_and_grad(x, y)
        checks.finite_output(np.array([loss]), "the loss")
        return loss, grads

    def _loss_and_grad(self, x, y, lamb=0.0, reg_metric="paper", **reg_options):
        """`loss_and_grad` without input checks; the signature `training.fit` calls.

        lamb, reg_metric and reg_options exist for fit's call only: an MLP has no
        per-edge functions to sparsify, so lamb > 0 is refused.
        """
        if lamb > 0:
            raise ValueError(
                "the sparsity penalty (lamb > 0) is defined for KANs only; an MLP has no "
                f"edge functions to penalise (got lamb={lamb})"
            )
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x)
            caches.append(cache)
        diff = x - y  # (N, n_L)
        loss = float(np.mean(diff**2))
        dy = 2.0 * diff / diff.size  # (N, n_L)   d mean(diff^2) / d pred
        grads = [None] * len(self.layers)
        for l in reversed(range(len(self.layers))):
            dy, grads[l] = self.layers[l].backward(dy, caches[l], need_dx=l > 0)
        return loss, grads

    # ------------------------------------------------------------------- parameter vector
    def parameters(self):
        """All trainable arrays in a fixed order: [(l, name, array), ...] (own storage)."""
        return [(l, name, getattr(layer, name))
                for l, layer in enumerate(self.layers) for name in PARAM_NAMES]  # fmt: skip

    def copy(self):
        """An independent deep copy."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.layers = [layer.copy() for layer in self.layers]
        return new

    # ---------------------------------------------------------------------------- training
    def update_grid(self, x=None, grid_eps=0.02, margin=0.01):
        """Nothing to do: an MLP has no knots (so `fit`'s grid schedule is a no-op)."""
        return self

    def fit(self, dataset, **options):
        """Train with `kan_np.training.fit` (Adam or L-BFGS; lamb must stay 0)."""
        from kan_np import training

        return training.fit(self, dataset, **options)


def width_for_parameters(n_in, n_out, depth, target):
    """The hidden width H whose MLP [n_in, H, ..., H, n_out] (depth affine maps) has about
    `target` parameters: (n_in + 1) H + (depth - 2)(H + 1) H + (H + 1) n_out.

    Args:
        n_in, n_out: input and output widths.  depth: number of affine maps, >= 2.
        target: the parameter count wanted, >= 1.
    Returns:
        H >= 1 (the count is increasing in H; the nearest one is chosen).
    """
    depth = checks.as_int(depth, "depth (number of affine maps)", 2)
    checks.as_int(target, "target (number of parameters)", 1)

    def count(H):
        """Weights and biases of [n_in, H, ..., H, n_out] with `depth` affine maps."""
        return (n_in + 1) * H + (depth - 2) * (H + 1) * H + (H + 1) * n_out

    H = 1
    while count(H + 1) <= target:
        H += 1
    return H + 1 if abs(count(H + 1) - target) < abs(count(H) - target) else H
