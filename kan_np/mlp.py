r"""A multi-layer perceptron (MLP) baseline with analytic backprop, trained like a KAN.

The paper compares KANs with MLPs (§3): fixed activations on nodes, learnable linear
weights on edges. Layer l maps I inputs to O outputs,

.. math:: z = x W + b, \qquad y = \sigma(z) \ \text{(hidden layers)}, \qquad y = z \ \text{(last)},

with W (I, O), b (O,) and sigma = tanh or silu, and the loss is the KAN's mean squared error

.. math:: \ell = \frac{1}{N O}\sum_{n,o}(\mathrm{MLP}(x)_{n,o} - y_{n,o})^2 .

The model offers what `training.fit` calls on a KAN: `check_input`, `width`, `train_input`,
`parameters`, `get_flat`/`set_flat`/`flatten_grads`, `snapshot`/`restore`,
`loss_terms(x, y, check=False)`, `forward(x, check=False)` and `update_grid`. So
``training.fit(mlp, ds, ...)`` (or ``mlp.fit(ds, ...)``) trains it with the SAME Adam and
L-BFGS code as a KAN. An MLP has no knots: `update_grid` does nothing, so fit's default
grid schedule is a no-op, and a snapshot is the parameter vector alone. The sparsity
penalty is KAN-only: ``lamb > 0`` is a ValueError.

Initialisation (PyTorch's nn.Linear default, the usual baseline): W and b ~ U(-1/sqrt(I),
1/sqrt(I)).

Letters: N batch, I inputs of a layer, O outputs, L layers.
"""

import copy

import numpy as np
from scipy.special import expit

from kan_np import checks, losses
from kan_np.flat import FlatParameters
from kan_np.network import Loss

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

    @property
    def in_dim(self):
        """I, the number of inputs."""
        return self.weight.shape[0]

    @property
    def out_dim(self):
        """O, the number of outputs."""
        return self.weight.shape[1]

    def forward(self, x):
        r"""y = \sigma(x W + b) (or x W + b on the last layer): (N, I) -> (N, O), and a cache."""
        z = x @ self.weight + self.bias  # (N, O)
        if self.activation is None:
            return z, {"x": x, "sigma_prime": None}
        y, sigma_prime = ACTIVATIONS[self.activation](z)  # (N, O) sigma(z), sigma'(z)
        return y, {"x": x, "sigma_prime": sigma_prime}

    def backward(self, dy, cache):
        r"""Gradients through the layer, from dy = dl/dy (N, O).

        dz = dy \odot \sigma'(z), dW = x^T dz, db = \sum_n dz_n, dx = dz W^T.

        Returns:
            dx (N, I) and {"weight": (I, O), "bias": (O,)}.
        """
        sigma_prime = cache["sigma_prime"]
        dz = dy if sigma_prime is None else dy * sigma_prime  # (N, O)  chain rule through sigma
        grads = {"weight": cache["x"].T @ dz, "bias": dz.sum(axis=0)}  # (I, O), (O,)
        return dz @ self.weight.T, grads  # dx (N, I)

    def copy(self):
        """An independent deep copy (every array, dict and attribute)."""
        return copy.deepcopy(self)


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
        self.layers = [
            DenseLayer(width[l], width[l + 1], activation if l < L - 1 else None, rng)
            for l in range(L)
        ]
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

    def forward(self, x, check=True):
        """MLP(x): (N, n_0) -> (N, n_L); check=False skips the input and overflow checks."""
        x = self.check_input(x) if check else x
        for layer in self.layers:
            x, _ = layer.forward(x)
        return checks.finite_output(x) if check else x

    __call__ = forward

    def loss_and_grad(
        self, x, y, lamb=0.0, reg_metric="paper", check=True, loss="mse", **reg_options
    ):
        r"""Mean squared error (or another loss) and its gradient w.r.t. every weight and bias.

        .. math:: \ell = \frac{1}{N O}\sum_{n,o}(\mathrm{MLP}(x)_{n,o} - y_{n,o})^2

        Args:
            x: (N, n_0) inputs.  y: (N, n_L) targets.
            lamb, reg_metric, reg_options: the KAN protocol's; an MLP has no per-edge
                functions to sparsify, so lamb > 0 is refused.
            check: validate x and y (False: the caller did).
            loss: "mse", "cross_entropy" or "binary_cross_entropy" (`losses.py`), as for a KAN.
        Returns:
            loss (float) and grads: a list over layers of {"weight": (I, O), "bias": (O,)}.
        """
        terms = self.loss_terms(x, y, lamb, reg_metric, check, loss, **reg_options)
        return terms.total, terms.grads

    def loss_terms(self, x, y, lamb=0.0, reg_metric="paper", check=True, loss="mse", **reg_options):
        """`loss_and_grad` as a `network.Loss` (penalty 0, the protocol `training.fit` uses)."""
        if lamb > 0:
            raise ValueError(
                "the sparsity penalty (lamb > 0) is defined for KANs only; an MLP has no "
                f"edge functions to penalise (got lamb={lamb})"
            )
        if check:
            x = self.check_input(x)
            y = losses.as_target(loss, y, self.width[-1])
            if y.shape[0] != x.shape[0]:
                raise ValueError(f"x has {x.shape[0]} rows but y has {y.shape[0]}")
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x)
            caches.append(cache)
        value, dy = losses.value_and_grad(loss, x, y)  # float, (N, n_L)  dy = dl/dpred
        grads = [None] * len(self.layers)
        for l in reversed(range(len(self.layers))):
            dy, grads[l] = self.layers[l].backward(dy, caches[l])
        if check:
            checks.finite_output(np.array([value]), "the loss")
        return Loss(value, value, 0.0, grads)

    # ------------------------------------------------------------------- parameter vector
    def parameters(self):
        """All trainable arrays in a fixed order: [(l, name, array), ...] (own storage)."""
        return [
            (l, name, getattr(layer, name))
            for l, layer in enumerate(self.layers)
            for name in PARAM_NAMES
        ]

    def copy(self):
        """An independent deep copy (every array, dict and attribute)."""
        return copy.deepcopy(self)

    # ---------------------------------------------------------------------------- training
    def update_grid(self, x=None, grid_eps=0.02, margin=0.01):
        """Nothing to do: an MLP has no knots (so `fit`'s grid schedule is a no-op)."""
        return self

    def fit(self, dataset, **options):
        """Train with `kan_np.training.fit` (Adam or L-BFGS; lamb must stay 0)."""
        from kan_np import training  # lazy: tqdm adds to start-up

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
