r"""One KAN layer: a learnable 1-D function on every edge, nodes only sum.

Paper §2.2. Layer l maps I inputs to O outputs,

.. math:: y_{n,o} = \sum_{i} \phi_{i,o}(x_{n,i}), \qquad
          \phi_{i,o}(x) = \mathrm{mask}_{i,o}\,\big(w^b_{i,o}\, b(x)
          + w^s_{i,o} \sum_m c_{i,o,m} B_m(x)\big) + \sigma_{i,o}(x),

with b the base function (silu by default), B_m the B-spline basis of input i's knots and
sigma_{i,o}(x) = c f(a x + b) + d on the edges snapped to a symbolic function f (zero on
numeric edges; see `symbolic_edges.py`).

The numeric part is the pair `layer_forward` / `layer_backward` (CS231n style: forward
returns (y, cache), backward takes dy first). With the masked scales
w~b = mask w^b, w~s = mask w^s, and Wc_{i,o,m} = w~s_{i,o} c_{i,o,m}:

.. math:: y = B W + b(x)\, \tilde w^b, \qquad W = Wc \text{ as an } (I M, O) \text{ matrix},

so the basis is built once per input value, (N, I, M), and the spline part of all I*O
edges is one matrix product (N, I*M) @ (I*M, O). No (N, I, O, M) array ever exists; the
per-edge activations (N, I, O) are built only when asked for (`edges.py`).

`KANLayer` holds the arrays and composes three pairs: this numeric one, the per-edge
activations (`edges.edge_acts` / `edge_acts_backward`, for the penalty) and the symbolic
edges (`symbolic_edges.forward` / `backward`); the results add up.

Every per-edge array is stored in (I, O, ...) order: coef (I, O, M), scale_base (I, O),
scale_sp (I, O), mask (I, O), affine (I, O, 4); the knots are (I, G+2k+1). These arrays are
the layer's own storage: optimisers and grid updates change them in place.
"""

import copy
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from kan_np import bspline, bspline_fast, checks, edges, symbolic_edges
from kan_np.bspline_fast import LocalBasis
from kan_np.symbolic_edges import SymbolicCache

PARAM_NAMES = ("coef", "scale_base", "scale_sp", "affine")


def _silu_pair(x, derivative):
    """b(x) = x s(x) and, if asked, b'(x) = s(x) (1 + x (1 - s(x))), s the logistic sigmoid."""
    s = expit(x)  # computed once for both b and b'
    return x * s, (s * (1.0 + x * (1.0 - s)) if derivative else None)


def silu(x):
    """b(x) = x sigmoid(x)."""
    return _silu_pair(x, False)[0]


def silu_prime(x):
    """b'(x) = s(x) (1 + x (1 - s(x))), s the logistic sigmoid."""
    return _silu_pair(x, True)[1]


BASE_FUNCTIONS = {  # name -> (x, derivative?) -> (b(x), b'(x) or None)
    "silu": _silu_pair,
    "identity": lambda x, derivative: (x, np.ones_like(x) if derivative else None),
    "zero": lambda x, derivative: (np.zeros_like(x), np.zeros_like(x) if derivative else None),
}


class LayerParams(NamedTuple):
    """Everything `layer_forward` reads (the arrays are the layer's own, not copies)."""

    knots: np.ndarray  # (I, G+2k+1)
    coef: np.ndarray  # (I, O, M), M = G + k
    scale_base: np.ndarray  # (I, O)  w^b
    scale_sp: np.ndarray  # (I, O)  w^s
    mask: np.ndarray  # (I, O)  1 = numeric edge, 0 = off (pruned or symbolic)
    k: int  # spline order
    base_fun: str = "silu"  # a key of BASE_FUNCTIONS


class LayerCache(NamedTuple):
    """What `layer_backward` (and `edges`) need from the forward pass, nothing else."""

    x: np.ndarray  # (N, I)
    B: np.ndarray  # (N, I, M) basis values
    local: LocalBasis  # the k+1 local values; local.values_dx is None when dx is not needed
    base: np.ndarray  # (N, I) b(x)
    base_prime: np.ndarray | None  # (N, I) b'(x), None when dx is not needed
    W: np.ndarray  # (I*M, O) the masked spline weights as one matrix


def layer_forward(x, p, need_dx=True):
    r"""y_{n,o} = \sum_{i,m} B_m(x_{n,i}) Wc_{i,o,m} + \sum_i b(x_{n,i}) \tilde w^b_{i,o}.

    Args:
        x: (N, I) inputs.
        p: LayerParams.
        need_dx: keep b'(x) and dB/dx, so that `layer_backward` can return dx.
    Returns:
        y (N, O) and a LayerCache.
    """
    checks.expect_shape(x, (None, p.knots.shape[0]), "x", "(N, I)")
    local = bspline_fast.local_basis(x, p.knots, p.k, derivative=need_dx)
    B = bspline_fast.to_dense(local, p.coef.shape[2])  # (N, I, M)
    return layer_forward_on_basis(x, B, local, p, need_dx)


def layer_forward_on_basis(x, B, local, p, need_dx=True, base=None):
    """`layer_forward` once the basis of x is built: B (N, I, M) and its LocalBasis, and
    optionally (b(x), b'(x)) as `base`.

    `KANLayer.forward` calls it directly with a basis kept from an earlier call on the same
    inputs and knots (`bspline_fast.BasisCache`, the first layer in full-batch training).
    """
    N, I = x.shape
    O, M = p.coef.shape[1], p.coef.shape[2]
    w_b_masked = p.mask * p.scale_base  # (I, O)
    Wc = (p.mask * p.scale_sp)[:, :, None] * p.coef  # (I, O, M)
    W = Wc.transpose(0, 2, 1).reshape(I * M, O)  # (I*M, O)  row i*M + m is Wc[i, :, m]
    if base is None:
        base = BASE_FUNCTIONS[p.base_fun](x, need_dx)
    base, base_prime = base  # (N, I) b(x), b'(x)
    y = B.reshape(N, I * M) @ W + base @ w_b_masked  # (N, O)
    return y, LayerCache(x, B, local, base, base_prime, W)


def layer_backward(dy, cache, p):
    r"""Gradients of the loss through `layer_forward`, from dy = dL/dy (N, O).

    .. math::
        dWc_{i,o,m} = \sum_n dy_{n,o} B_m(x_{n,i}), \qquad
        dc = \tilde w^s\, dWc, \qquad dw^s = \mathrm{mask} \sum_m dWc\, c,

        dw^b_{i,o} = \mathrm{mask}_{i,o} \sum_n dy_{n,o} b(x_{n,i}), \qquad
        dx_{n,i} = \sum_m dB_{n,i,m} B'_m(x_{n,i}) + b'(x_{n,i})\, dbase_{n,i},

    with dB = dy W^T (N, I, M) and dbase = dy (\tilde w^b)^T (N, I).

    Returns:
        dx (N, I), or None when the forward ran with need_dx=False, and
        {"coef": (I, O, M), "scale_base": (I, O), "scale_sp": (I, O)}.
    """
    N, I, M = cache.B.shape
    checks.expect_shape(dy, (N, p.coef.shape[1]), "dy", "(N, O)")
    O = dy.shape[1]
    dWc = (cache.B.reshape(N, I * M).T @ dy).reshape(I, M, O).transpose(0, 2, 1)  # (I, O, M)
    grads = {
        "coef": (p.mask * p.scale_sp)[:, :, None] * dWc,  # (I, O, M)
        "scale_base": p.mask * (cache.base.T @ dy),  # (I, O)
        "scale_sp": p.mask * np.einsum("iom,iom->io", dWc, p.coef),  # (I, O)
    }
    if cache.local.values_dx is None:
        return None, grads
    dbase = _times_transpose(dy, p.mask * p.scale_base)  # (N, I)
    if O == 1:  # dB = dy W^T is an outer product: read W at the k+1 local functions only
        dx_spline = bspline_fast.chain_dx_outer(dy, cache.W[:, 0], cache.local)  # (N, I)
    else:
        dB = (dy @ cache.W.T).reshape(N, I, M)  # (N, I, M)
        dx_spline = bspline_fast.chain_dx(dB, cache.local)  # (N, I)
    dx = dx_spline + cache.base_prime * dbase  # (N, I)
    return dx, grads


def _times_transpose(dy, W):
    """dy @ W.T for dy (N, O) and W (J, O). With O = 1 this is an outer product, computed
    here by broadcasting: the same numbers, and OpenBLAS's matrix product with an inner
    dimension of 1 takes 2-3 times longer."""
    return dy * W.T if dy.shape[1] == 1 else dy @ W.T


class KANLayerCache(NamedTuple):
    """The caches of the pairs `KANLayer.forward` composed."""

    numeric: LayerCache
    symbolic: SymbolicCache | None  # None without symbolic edges
    acts: np.ndarray | None  # (N, I, O) phi of every edge (numeric + symbolic), if asked
    acts_symbolic: np.ndarray | None  # (N, I, O) the symbolic part of acts, if any


class KANLayer:
    """A KAN layer with I inputs and O outputs (see the module docstring for phi).

    Args:
        in_dim, out_dim: I and O.
        grid: G, the number of grid intervals.
        k: spline order.
        grid_range: (lo, hi) of the initial uniform grid.
        base_fun: "silu" (paper), "identity" or "zero".
        init: "pykan" (default) or "paper".
            "paper":  w_s = 1, w_b ~ Xavier uniform U(+-sqrt(6 / (I + O))), c ~ N(0, 0.1^2).
            "pykan":  w_b ~ U(-1/sqrt(I), 1/sqrt(I)), w_s = 1/sqrt(I), and c fitted by least
            squares to uniform noise of amplitude noise_scale / (2G) at the grid points.
            The default is "pykan": the 1/sqrt(I) scales keep a node's sum of I activations
            of order one for any fan-in, the near-zero splines start every edge as its base
            function, and results stay comparable with the reference implementation.
        noise_scale: amplitude of the "pykan" initial spline noise.
        rng: a numpy.random.Generator.
    """

    def __init__(
        self,
        in_dim,
        out_dim,
        grid=5,
        k=3,
        grid_range=(-1.0, 1.0),
        base_fun="silu",
        init="pykan",
        noise_scale=0.3,
        rng=None,
    ):
        rng = np.random.default_rng(0) if rng is None else rng
        I, O, G = in_dim, out_dim, grid
        self.k = k
        self.base_fun = checks.as_choice(base_fun, "base_fun", sorted(BASE_FUNCTIONS))
        checks.as_choice(init, "init", ("pykan", "paper"))
        self.knots = bspline.make_grid(G, k, grid_range, I=I)  # (I, G+2k+1)
        self.mask = np.ones((I, O))  # (I, O)
        self.affine = np.zeros((I, O, 4))  # (I, O, 4)  a, b, c, d of symbolic edges
        self.symbolic = {}  # (i, o) -> function name, for the snapped edges
        if init == "paper":
            bound = np.sqrt(6.0 / (I + O))
            self.scale_base = rng.uniform(-bound, bound, (I, O))  # (I, O)
            self.scale_sp = np.ones((I, O))  # (I, O)
            self.coef = rng.normal(0.0, 0.1, (I, O, G + k))  # (I, O, M)
        elif init == "pykan":
            self.scale_base = rng.uniform(-1.0, 1.0, (I, O)) / np.sqrt(I)  # (I, O)
            self.scale_sp = np.full((I, O), 1.0 / np.sqrt(I))  # (I, O)
            points = self.knots[:, k : k + G + 1].T  # (G+1, I)  the grid points
            noise = (rng.random((G + 1, I, O)) - 0.5) * noise_scale / G  # (G+1, I, O)
            self.coef = bspline.fit_coef(points, noise, self.knots, k)  # (I, O, M)

    @property
    def in_dim(self):
        """I, the number of inputs."""
        return self.mask.shape[0]

    @property
    def out_dim(self):
        """O, the number of outputs."""
        return self.mask.shape[1]

    @property
    def G(self):
        """The number of grid intervals."""
        return self.knots.shape[1] - 1 - 2 * self.k

    def params(self):
        """The trainable arrays by name (the layer's own storage, not copies)."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    # ------------------------------------------------------------------ forward / backward
    def layer_params(self):
        """This layer's arrays as the LayerParams of `layer_forward` (own storage)."""
        return LayerParams(
            self.knots, self.coef, self.scale_base, self.scale_sp, self.mask, self.k, self.base_fun
        )

    def forward(self, x, need_dx=True, want_acts=False, basis_cache=None):
        r"""y = numeric edges (`layer_forward`) + symbolic edges (`symbolic_edges.forward`).

        Args:
            x: (N, I) inputs (already validated by the caller).
            need_dx: keep what `backward` needs for dx (the basis derivative).
            want_acts: also build the per-edge activations phi_{i,o}(x_{n,i}).
            basis_cache: an optional `bspline_fast.BasisCache` for the basis of x.
        Returns:
            y (N, O) and a KANLayerCache (cache.acts: (N, I, O) when asked for).
        """
        p = self.layer_params()
        if basis_cache is None:
            y, numeric = layer_forward(x, p, need_dx)
        else:  # the basis of x kept from an earlier call when x and the knots are unchanged
            local, B = basis_cache.get(x, p.knots, p.k, need_dx)
            b = BASE_FUNCTIONS[p.base_fun]  # b(x), b'(x) are kept beside the basis too
            base = basis_cache.derived((p.base_fun, need_dx), lambda: b(x, need_dx))
            y, numeric = layer_forward_on_basis(x, B, local, p, need_dx, base)
        acts = edges.edge_acts(numeric, p) if want_acts else None
        if not self.symbolic:
            return y, KANLayerCache(numeric, None, acts, None)
        y_sym, acts_sym, sym = symbolic_edges.forward(x, self.affine, self.symbolic, want_acts)
        if want_acts:
            acts = acts + acts_sym  # (N, I, O)
        return y + y_sym, KANLayerCache(numeric, sym, acts, acts_sym)

    def backward(self, dy, cache, dacts=None, dacts_numeric=None):
        """Gradients of the loss: the pairs' backward passes, added.

        Args:
            dy: (N, O) dL/dy.
            cache: the KANLayerCache of `forward`.
            dacts: (N, I, O) or None, dL/d cache.acts (a penalty on every edge's value).
            dacts_numeric: (N, I, O) or None, dL/d (acts - acts_symbolic) (a penalty on
                the numeric part only, as pykan's).
        Returns:
            dx (N, I) (None unless the forward ran with need_dx) and a dict of gradients
            shaped like params().
        """
        p = self.layer_params()
        dx, grads = layer_backward(dy, cache.numeric, p)
        d_edges = [d for d in (dacts, dacts_numeric) if d is not None]
        if d_edges:
            dx_edges, grads_edges = edges.edge_acts_backward(sum(d_edges), cache.numeric, p)
            grads = {name: grads[name] + grads_edges[name] for name in grads}
            dx = None if dx is None else dx + dx_edges
        grads["affine"] = np.zeros_like(self.affine)  # (I, O, 4)
        if cache.symbolic is not None:
            dx_sym, grads["affine"] = symbolic_edges.backward(dy, cache.symbolic, dacts)
            dx = None if dx is None else dx + dx_sym
        return dx, grads

    def activations(self, x):
        """Per-edge activations phi_{i,o}(x_{n,i}), (N, I) -> (N, I, O)."""
        return self.forward(x, need_dx=False, want_acts=True)[1].acts

    # ------------------------------------------------------------------------------ grids
    def spline_values(self, x):
        """The spline part sum_m c_{i,o,m} B_m(x_{n,i}) of every edge, (N, I) -> (N, I, O)."""
        return bspline.evaluate(x, self.knots, self.coef, self.k)

    def _set_grid(self, points, x):
        """Move to new grid points (I, G'+1), refitting coef to keep the splines on x."""
        target = self.spline_values(x)  # (N, I, O)
        knots = bspline.extend_grid(points, self.k)  # (I, G'+2k+1)
        coef = bspline.fit_coef(x, target, knots, self.k)  # (I, O, G'+k)
        return knots, coef

    def update_grid(self, x, grid_eps=0.02, margin=0.01):
        r"""Grid update from samples (§2.4), in place; the splines keep their values on x.

        New points = grid_eps * uniform + (1 - grid_eps) * adaptive, where adaptive are G+1
        sample quantiles of each input and uniform spans [min, max] evenly, both widened
        by `margin` on each side (0: pykan 0.2.8, `bspline.grid_from_samples`); then the
        coefficients are refitted by least squares to the old splines at the samples.
        Fallbacks (never NaN): an input whose samples are all equal keeps its old grid; if
        repeated values would make knots coincide, that input gets the uniform grid.

        Args:
            x: (N, I) samples of this layer's inputs.
            grid_eps: the uniform share, in [0, 1].
            margin: widening of the sample range on each side, >= 0.
        """
        points = bspline.grid_from_samples(x, self.G, grid_eps, margin)  # (I, G+1), NaN rows kept
        old = self.knots[:, self.k : self.k + self.G + 1]  # (I, G+1)
        keep = np.isnan(points).any(axis=1)  # (I,)  constant inputs keep grid and splines
        points[keep] = old[keep]
        knots, coef = self._set_grid(points, x)
        coef[keep] = self.coef[keep]
        self.knots[...] = knots
        self.coef[...] = coef

    def refined(self, new_G, x):
        """Grid extension (Eq. 2.16): a copy of this layer on a G'-interval grid.

        The new grid points interpolate the old ones linearly (a uniform grid stays uniform;
        when G' is a multiple of G the old knots are kept), and the new coefficients are the
        least-squares fit to the old splines at the samples x (N, I).
        """
        old = self.knots[:, self.k : self.k + self.G + 1]  # (I, G+1)
        where = np.linspace(0, self.G, new_G + 1)  # (G'+1,)
        points = np.stack([np.interp(where, np.arange(self.G + 1), row) for row in old])
        new = self.copy()
        new.knots, new.coef = self._set_grid(points, x)
        return new

    def copy(self):
        """An independent deep copy (every array, dict and attribute)."""
        return copy.deepcopy(self)
