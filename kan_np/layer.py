r"""One KAN layer: a learnable 1-D function on every edge, nodes only sum.

Paper §2.2. Layer l maps I inputs to O outputs,

.. math:: y_{n,o} = \sum_{i} \phi_{i,o}(x_{n,i}), \qquad
          \phi_{i,o}(x) = \mathrm{mask}_{i,o}\,\big(w^b_{i,o}\, b(x)
          + w^s_{i,o} \sum_m c_{i,o,m} B_m(x)\big) + \sigma_{i,o}(x),

with b the base function (silu by default), B_m the B-spline basis of input i's knots and
sigma_{i,o}(x) = c f(a x + b) + d on the edges snapped to a symbolic function f (zero on
numeric edges; see `symbolic_edges.py`).

Speed: the basis is built once per input value, (N, I, M), and the spline part of all I*O
edges is one matrix product (N, I*M) @ (I*M, O). No (N, I, O, M) array ever exists; the
per-edge activations (N, I, O) are built only when asked for (penalty, plots, scores).

Every per-edge array is stored in (I, O, ...) order: coef (I, O, M), scale_base (I, O),
scale_sp (I, O), mask (I, O), affine (I, O, 4). These arrays are the layer's own storage:
optimisers and grid updates change them in place.
"""

import numpy as np
from scipy.special import expit

from kan_np import bspline, symbolic_edges

PARAM_NAMES = ("coef", "scale_base", "scale_sp", "affine")


def silu(x):
    """b(x) = x sigmoid(x)."""
    return x * expit(x)


def dsilu(x):
    """b'(x) = s(x) (1 + x (1 - s(x))), s the logistic sigmoid."""
    s = expit(x)
    return s * (1.0 + x * (1.0 - s))


def _silu_pair(x, derivative):
    s = expit(x)  # computed once for both b and b'
    return x * s, (s * (1.0 + x * (1.0 - s)) if derivative else None)


BASE_FUNCTIONS = {  # name -> (x, derivative?) -> (b(x), b'(x) or None)
    "silu": _silu_pair,
    "identity": lambda x, derivative: (x, np.ones_like(x) if derivative else None),
    "zero": lambda x, derivative: (np.zeros_like(x), np.zeros_like(x) if derivative else None),
}


def _check_base_fun(name):
    if not isinstance(name, str) or name not in BASE_FUNCTIONS:
        raise ValueError(f"base_fun must be one of {sorted(BASE_FUNCTIONS)}, got {name!r}")
    return name


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

    def __init__(self, in_dim, out_dim, grid=5, k=3, grid_range=(-1.0, 1.0), base_fun="silu",
                 init="pykan", noise_scale=0.3, rng=None):  # fmt: skip
        rng = np.random.default_rng(0) if rng is None else rng
        I, O, G = in_dim, out_dim, grid
        self.k = k
        self.base_fun = _check_base_fun(base_fun)
        self.grid = bspline.make_grid(G, k, grid_range, I=I)  # (I, G+2k+1)
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
            points = self.grid[:, k : k + G + 1].T  # (G+1, I)  the grid points
            noise = (rng.random((G + 1, I, O)) - 0.5) * noise_scale / G  # (G+1, I, O)
            self.coef = bspline.fit_coef(points, noise, self.grid, k)  # (I, O, M)
        else:
            raise ValueError(f"init must be 'pykan' or 'paper', got {init!r}")

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
        return self.grid.shape[1] - 1 - 2 * self.k

    def params(self):
        """The trainable arrays by name (the layer's own storage, not copies)."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    # ------------------------------------------------------------------ forward / backward
    def forward(self, x, need_dx=True, want_acts=False):
        r"""y_{n,o} = \sum_i \phi_{i,o}(x_{n,i}).

        Args:
            x: (N, I) inputs (already validated by the caller).
            need_dx: keep what `backward` needs for dx (the basis derivative).
            want_acts: also build the per-edge activations phi_{i,o}(x_{n,i}).
        Returns:
            y: (N, O), and a cache for `backward` (cache["acts"]: (N, I, O) when asked).
        """
        N, I = x.shape
        k, M, O = self.k, self.coef.shape[2], self.out_dim
        local = bspline.local_basis(x, self.grid, k, derivative=need_dx)
        B = bspline.to_dense(local, M)  # (N, I, M)
        w_b = self.mask * self.scale_base  # (I, O)
        w_s = self.mask * self.scale_sp  # (I, O)
        W = (w_s[:, :, None] * self.coef).transpose(0, 2, 1).reshape(I * M, O)  # (I*M, O)
        base, dbase = BASE_FUNCTIONS[self.base_fun](x, need_dx)  # (N, I) b(x) and b'(x)
        y = B.reshape(N, I * M) @ W + base @ w_b  # (N, O)
        cache = {"x": x, "local": local, "B": B, "W": W, "base": base, "dbase": dbase,
                 "w_b": w_b, "w_s": w_s}  # fmt: skip
        if want_acts:
            spline = np.einsum("nim,iom->nio", B, self.coef, optimize=True)  # (N, I, O)
            cache["spline"] = spline
            cache["acts"] = w_b * base[:, :, None] + w_s * spline  # (N, I, O)
        if self.symbolic:
            y += symbolic_edges.forward(self, x, cache)
        return y, cache

    def backward(self, dy, cache, dacts=None, need_dx=True):
        r"""Gradients of the loss through the layer.

        With \phi = w_b b(x) + w_s \sum_m c_m B_m(x) on each unmasked edge:
        dL/dc_{i,o,m} = w_s \sum_n dy_{n,o} B_m(x_{n,i}),
        dL/dw_s = \sum_{n,m} dy_{n,o} c_m B_m(x_{n,i}),   dL/dw_b = \sum_n dy_{n,o} b(x_{n,i}),
        dL/dx_{n,i} = \sum_o dy_{n,o} \phi'_{i,o}(x_{n,i}).
        `dacts` (N, I, O), the loss gradient w.r.t. the per-edge activations (from a
        penalty), adds to dy_{n,o} edge by edge.

        Returns:
            dx (N, I) (None unless need_dx) and a dict of gradients shaped like params().
        """
        x, B, W, base = cache["x"], cache["B"], cache["W"], cache["base"]
        w_b, w_s = cache["w_b"], cache["w_s"]
        N, I = x.shape
        M, O = B.shape[2], dy.shape[1]
        dW = (B.reshape(N, I * M).T @ dy).reshape(I, M, O).transpose(0, 2, 1)  # (I, O, M)
        if dacts is not None:
            dW += np.einsum("nio,nim->iom", dacts, B, optimize=True)  # same chain, per edge
        dcoef = w_s[:, :, None] * dW  # (I, O, M)   d(w_s c B)/dc = w_s B
        dscale_sp = self.mask * np.einsum("iom,iom->io", dW, self.coef)  # (I, O)
        dbase_edge = base.T @ dy  # (I, O)   sum_n b(x_ni) dy_no
        if dacts is not None:
            dbase_edge += np.einsum("nio,ni->io", dacts, base)
        dscale_base = self.mask * dbase_edge  # (I, O)
        grads = {"coef": dcoef, "scale_base": dscale_base, "scale_sp": dscale_sp,
                 "affine": np.zeros_like(self.affine)}  # fmt: skip

        dx = None
        if need_dx:
            local = cache["local"]
            dB_side = (dy @ W.T).reshape(N, I, M)  # (N, I, M)  sum_o dy_o w_s c_{i,o,m}
            dbase_side = dy @ w_b.T  # (N, I)        sum_o dy_o w_b_{i,o}
            if dacts is not None:
                dB_side += np.einsum("nio,iom->nim", dacts, w_s[:, :, None] * self.coef)
                dbase_side += np.einsum("nio,io->ni", dacts, w_b)
            # chain rule through the basis: only the k+1 local derivatives are non-zero
            picked = np.take(dB_side.reshape(-1), local.pos, mode="clip")  # (k+1, N, I)
            picked *= local.dvalues
            dx = picked.sum(axis=0) + cache["dbase"] * dbase_side  # (N, I)
        if self.symbolic:
            dx_sym = symbolic_edges.backward(self, dy, cache, dacts, grads["affine"])
            if need_dx:
                dx += dx_sym
        return dx, grads

    def activations(self, x):
        """Per-edge activations phi_{i,o}(x_{n,i}), (N, I) -> (N, I, O)."""
        return self.forward(x, need_dx=False, want_acts=True)[1]["acts"]

    # ------------------------------------------------------------------------------ grids
    def spline_values(self, x):
        """The spline part sum_m c_{i,o,m} B_m(x_{n,i}) of every edge, (N, I) -> (N, I, O)."""
        return bspline.evaluate(x, self.grid, self.coef, self.k)

    def _set_grid(self, points, x):
        """Move to new grid points (I, G'+1), refitting coef to keep the splines on x."""
        target = self.spline_values(x)  # (N, I, O)
        grid = bspline.extend_grid(points, self.k)  # (I, G'+2k+1)
        coef = bspline.fit_coef(x, target, grid, self.k)  # (I, O, G'+k)
        return grid, coef

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
        old = self.grid[:, self.k : self.k + self.G + 1]  # (I, G+1)
        keep = np.isnan(points).any(axis=1)  # (I,)  constant inputs keep grid and splines
        points[keep] = old[keep]
        grid, coef = self._set_grid(points, x)
        coef[keep] = self.coef[keep]
        self.grid[...] = grid
        self.coef[...] = coef

    def refined(self, new_G, x):
        """Grid extension (Eq. 2.16): a copy of this layer on a G'-interval grid.

        The new grid points interpolate the old ones linearly (a uniform grid stays uniform;
        when G' is a multiple of G the old knots are kept), and the new coefficients are the
        least-squares fit to the old splines at the samples x (N, I).
        """
        old = self.grid[:, self.k : self.k + self.G + 1]  # (I, G+1)
        where = np.linspace(0, self.G, new_G + 1)  # (G'+1,)
        points = np.stack([np.interp(where, np.arange(self.G + 1), row) for row in old])
        new = self.copy()
        new.grid, new.coef = self._set_grid(points, x)
        return new

    def copy(self):
        """An independent deep copy."""
        new = object.__new__(KANLayer)
        new.__dict__ = {
            key: (value.copy() if isinstance(value, np.ndarray | dict) else value)
            for key, value in self.__dict__.items()
        }
        return new
