"""Optimisers on plain NumPy arrays: Adam and L-BFGS, both written out in NumPy.

Nothing here knows about KANs. Adam updates a list of parameter arrays in place from a
list of gradients of the same shapes; `lbfgs` minimises a function of one flat vector
theta (P,) that returns its loss and analytic gradient. The training loop (`training.py`)
turns a model into these forms.

Letters: P the number of scalar parameters in the flat vector theta.
"""

import math
import numbers
from typing import NamedTuple

import numpy as np

from kan_np import checks
from kan_np import lbfgs as algorithm

SMALL = 1 << 15  # Adam updates arrays with fewer entries together (see `Adam`)


def adam_update(p, g, m, v, t, lr, beta1, beta2, eps, out=None):
    r"""One Adam step for one parameter array (new arrays, or written into `out`).

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
        out: None, or three arrays of shape S for (p_new, m_new, v_new); they may be p, m
            and v themselves (`Adam.step` updates in place that way). Same numbers.

    Returns:
        (p_new, m_new, v_new): new arrays of shape S, or the arrays of `out`.
    """
    shapes = [np.shape(a) for a in (p, g, m, v)]
    if any(shape != shapes[0] for shape in shapes):
        raise ValueError(f"adam_update needs p, g, m, v of one shape; got {shapes}")
    if t < 1:
        raise ValueError(f"t counts steps from 1 (the bias correction divides by 1 - b^t); got {t}")
    p_new, m_new, v_new = (
        (np.empty_like(p), np.empty_like(m), np.empty_like(v)) if out is None else out
    )
    np.multiply(beta1, m, out=m_new)
    m_new += (1.0 - beta1) * g  # S, running mean of g: beta1 m + (1 - beta1) g
    np.multiply(beta2, v, out=v_new)
    v_new += (1.0 - beta2) * g * g  # S, running mean of g^2
    # m and v start at 0, so early on they underestimate; dividing by 1 - b^t undoes that.
    m_hat = m_new / (1.0 - beta1**t)  # S
    v_hat = v_new / (1.0 - beta2**t)  # S
    np.subtract(p, lr * m_hat / (np.sqrt(v_hat) + eps), out=p_new)  # S
    return p_new, m_new, v_new


class Adam:
    r"""Adam on a list of parameter arrays, updated in place.

    Per parameter array p with gradient g, at step t = 1, 2, ...:

    .. math::
        m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad v \leftarrow \beta_2 v + (1 - \beta_2) g^2,

        \hat m = m / (1 - \beta_1^t), \quad \hat v = v / (1 - \beta_2^t), \quad
        p \leftarrow p - \mathrm{lr}\, \hat m / (\sqrt{\hat v} + \epsilon)

    The arithmetic lives in `adam_update` (one source of truth); `step` has it write its
    results into the model's own arrays (``out=``), so nothing is rebound. Arrays with
    fewer than SMALL entries are updated together, laid end to end in one vector: for a
    small model the cost is the number of NumPy calls, not the arithmetic. Larger arrays are
    updated in place one by one, in pieces of SMALL entries (`_update_in_pieces`): copying
    them would cost more than the call, and in pieces the temporaries stay in the cache.
    (Elementwise operations: the same numbers either way.)
    At t = 1 the step is lr * g / (|g| + eps), about lr * sign(g) for every entry.

    Args:
        params: the model's own float arrays (not copies), any shapes.
        lr: step size, finite and > 0. May be changed between steps (``opt.lr = ...``).
        betas: (beta1, beta2), each in [0, 1).
        eps: finite, > 0; keeps 0 / 0 away when a gradient entry has always been 0.

    Attributes:
        m, v: lists of moment arrays, one per parameter array, same shapes.
        t: number of steps taken so far.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        if isinstance(params, np.ndarray) or not isinstance(params, list | tuple):
            raise TypeError(f"params must be a list of numpy arrays; got {type(params).__name__}")
        if len(params) == 0:
            raise ValueError("params is an empty list; Adam needs at least one array to update")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                kind = p.dtype if isinstance(p, np.ndarray) else type(p).__name__
                raise TypeError(
                    f"params[{i}] must be a float numpy array (updated in place); got {kind}"
                )
        checks.as_positive_float(lr, "lr")
        checks.as_positive_float(eps, "eps")
        if len(betas) != 2 or not all(isinstance(b, numbers.Real) and 0 <= b < 1 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1); got {betas!r}")
        self.params = list(params)
        self.lr = float(lr)
        self.beta1, self.beta2 = float(betas[0]), float(betas[1])
        self.eps = float(eps)
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self._small = [i for i, p in enumerate(self.params) if p.size < SMALL]
        ends = np.cumsum([0] + [self.params[i].size for i in self._small])  # in the vector
        self._slices = [slice(a, b) for a, b in zip(ends[:-1], ends[1:], strict=True)]
        self._m_small, self._v_small = np.zeros(ends[-1]), np.zeros(ends[-1])  # (P_small,)
        for i, part in zip(self._small, self._slices, strict=True):  # m, v: views into them
            self.m[i] = self._m_small[part].reshape(self.params[i].shape)
            self.v[i] = self._v_small[part].reshape(self.params[i].shape)
        self.t = 0

    def step(self, grads):
        """Update every parameter array in place from `grads` (one array per parameter).

        All gradients are checked before any parameter changes, so a bad list (wrong
        length or shape, NaN or inf) raises ValueError and leaves the model as it was.
        """
        if len(grads) != len(self.params):
            raise ValueError(f"got {len(grads)} gradient arrays for {len(self.params)} parameters")
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if np.shape(g) != p.shape:
                raise ValueError(
                    f"grads[{i}] has shape {np.shape(g)} but params[{i}] has shape {p.shape}"
                )
        g_small = np.concatenate([np.ravel(grads[i]) for i in self._small] + [np.zeros(0)])
        suspects = [i for i in range(len(grads)) if i not in self._small]  # checked one by one
        if not np.all(np.isfinite(g_small)):  # the small ones at once, then which
            suspects += self._small
        bad = [i for i in suspects if not np.all(np.isfinite(grads[i]))]
        if bad:
            raise ValueError(f"grads[{min(bad)}] contains NaN or inf; parameters left unchanged")
        self.t += 1
        args = (self.t, self.lr, self.beta1, self.beta2, self.eps)
        for i, (p, g, m, v) in enumerate(zip(self.params, grads, self.m, self.v, strict=True)):
            if i not in self._small:
                _update_in_pieces(p, np.asarray(g), m, v, args)  # into the model's array
        if self._small:
            p_small = np.concatenate([self.params[i].ravel() for i in self._small])  # (P_small,)
            moments = (self._m_small, self._v_small)
            adam_update(p_small, g_small, *moments, *args, out=(p_small, *moments))
            for i, part in zip(self._small, self._slices, strict=True):
                self.params[i][...] = p_small[part].reshape(self.params[i].shape)  # no rebinding


def _update_in_pieces(p, g, m, v, args):
    """`adam_update` of one large array in place, SMALL entries at a time.

    The same elementwise arithmetic, so the same numbers; but each piece's temporaries
    (about ten of them) are small: they stay in the CPU's cache and never need fresh pages.
    Where freed memory goes back to the system, that is several times faster on arrays of
    a few hundred thousand entries; inside `training.fit`, which keeps freed memory
    (`allocator`), it is as fast as one whole-array update and lowers the peak memory.
    """
    if not (p.flags.c_contiguous and m.flags.c_contiguous and v.flags.c_contiguous):
        adam_update(p, g, m, v, *args, out=(p, m, v))  # views below would be copies
        return
    p, g, m, v = p.reshape(-1), g.reshape(-1), m.reshape(-1), v.reshape(-1)  # (size,) views
    for start in range(0, p.size, SMALL):
        part = slice(start, start + SMALL)
        adam_update(p[part], g[part], m[part], v[part], *args, out=(p[part], m[part], v[part]))


class LbfgsTracker:
    """What `lbfgs` has seen so far: the best finite point, and whether anything broke.

    `lbfgs` fills it while it runs, so after a KeyboardInterrupt (which `lbfgs` lets
    propagate) the caller still holds the best parameters found:

        tracker = LbfgsTracker()
        try:
            result = lbfgs(fun, theta0, tracker=tracker)
        except KeyboardInterrupt:
            theta = tracker.best_theta        # None if no finite loss was ever seen

    Write best_theta back into the model yourself: the model holds whatever trial point
    fun was last called with.

    Attributes:
        best_theta: (P,) copy of the point with the lowest finite loss, or None.
        best_loss: that loss (inf until one is seen).
        best_grad: (P,) the gradient there, or None.
        worst_loss: the highest finite loss seen (sets the stand-in for non-finite values).
        n_evals: number of calls to fun.
        n_nonfinite: how many of them returned a non-finite loss or gradient.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        """Forget everything (`lbfgs` calls this when it starts)."""
        self.best_theta = None
        self.best_loss = math.inf
        self.best_grad = None
        self.worst_loss = -math.inf
        self.n_evals = 0
        self.n_nonfinite = 0

    def wrap(self, fun):
        """Return fun as L-BFGS should see it: finite values only, every point recorded."""

        def tracked(theta):  # theta (P,)
            """fun(theta), remembering the best finite point and hiding non-finite values."""
            loss, grad = fun(theta)
            grad = np.asarray(grad, dtype=np.float64)  # (P,)
            if grad.shape != theta.shape:
                raise ValueError(
                    f"fun returned a gradient of shape {grad.shape}; expected {theta.shape}"
                )
            loss = float(loss)
            self.n_evals += 1
            if not (math.isfinite(loss) and np.all(np.isfinite(grad))):
                self.n_nonfinite += 1
                # A finite value worse than every point seen makes the line search back
                # off. It must stay on the scale of real losses: 1e300 makes the cubic
                # interpolation pick a step of ~0 and the run stops early (tested).
                seen_finite = math.isfinite(self.worst_loss)
                stand_in = 2.0 * abs(self.worst_loss) + 1.0 if seen_finite else 1.0
                return stand_in, np.zeros_like(grad)  # nothing is known about the slope there
            self.worst_loss = max(self.worst_loss, loss)
            if loss < self.best_loss:
                self.best_loss, self.best_theta, self.best_grad = loss, theta.copy(), grad.copy()
            return loss, grad

        return tracked


class LbfgsResult(NamedTuple):
    """What `lbfgs` returns."""

    x: np.ndarray  # (P,) the best finite point evaluated (theta0 if none was finite)
    fun: float  # its loss (nan if none)
    jac: np.ndarray | None  # (P,) its gradient (None if none)
    nit: int  # iterations run
    nfev: int  # calls of fun
    message: str  # why it stopped
    success: bool  # a finite point was found
    nonfinite: bool  # fun returned NaN or inf at least once


def lbfgs(
    fun, theta0, maxiter=20, callback=None, history_size=10, tol=0.0, tracker=None, memory=None
):
    r"""Minimise fun(theta) with L-BFGS (`kan_np.lbfgs`) using the analytic gradient.

    L-BFGS keeps the last m = `history_size` pairs (s_j, y_j) = (theta change, gradient
    change) and moves along d = -H \nabla f, where H approximates the inverse Hessian from
    those pairs (the two-loop recursion), with a step length that satisfies the strong
    Wolfe conditions (Nocedal & Wright, Numerical Optimization, Alg. 7.4-7.5, 3.5-3.6). An
    iteration costs one or more evaluations of fun (usually one). One call runs up to
    `maxiter` iterations; torch's and pykan's LBFGS ``step`` is 20 of them (max_iter=20),
    and `training.fit` counts steps the same way.

    Tolerances: `tol` is both `gtol` (stop when max |gradient entry| <= tol) and `ftol`
    (stop when (f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= tol). The default 0 stops only
    when an iteration makes no progress at all (pykan: 1e-32): a KAN can fit a smooth target
    to a loss near 1e-30, far below where usual default tolerances would stop.

    Non-finite values: where fun returns NaN or inf (loss or gradient), the tracker reports
    a finite stand-in (twice the worst finite loss seen, plus 1) with a zero gradient, so
    the line search shortens the step instead of failing. The result is always the best
    finite point seen, never a trial point.

    Ctrl-C: a KeyboardInterrupt raised inside fun propagates to the caller; pass a
    `tracker` to read the best point seen before it (see `LbfgsTracker`).

    Args:
        fun: theta (P,) -> (loss: float, grad: (P,) array). Must be deterministic (full
            batch): "best point seen" compares losses across calls.
        theta0: (P,) starting point (not modified).
        maxiter: maximum number of L-BFGS iterations in this call, int >= 1.
        callback: optional callback(theta, loss), called after each iteration with the
            current iterate; raise StopIteration inside it to stop early.
        history_size: number of (s, y) pairs kept, int >= 1.
        tol: gradient and relative-decrease tolerance, >= 0 (see above).
        tracker: optional `LbfgsTracker`; reset, then filled while running.
        memory: optional `lbfgs.Pairs` for P parameters to start from and to fill (the
            pairs an earlier call left, used as they are; history_size is then its own);
            default: a new, empty memory.

    Returns:
        LbfgsResult; x is the best finite point seen, not the last trial point.
    """
    theta0 = np.array(theta0, dtype=np.float64)  # (P,), a copy: the start stays as it was
    if theta0.ndim != 1 or theta0.size == 0:
        raise ValueError(f"theta0 must be a non-empty 1-D array (P,); got shape {theta0.shape}")
    maxiter = checks.as_int(maxiter, "maxiter", 1)
    history_size = checks.as_int(history_size, "history_size", 1)
    tol = checks.as_nonneg_float(tol, "tol")
    if not callable(fun):
        raise TypeError(f"fun must be callable theta -> (loss, grad); got {type(fun).__name__}")
    if memory is not None and not (isinstance(memory, algorithm.Pairs) and memory.P == theta0.size):
        raise TypeError(f"memory must be an lbfgs.Pairs for {theta0.size} parameters")
    tracker = LbfgsTracker() if tracker is None else tracker
    tracker.reset()  # "best" must mean best in this call: P may differ from the last one
    *_, nit, message = algorithm.minimize(
        tracker.wrap(fun), theta0, maxiter, history_size, tol, callback, memory
    )
    nonfinite = tracker.n_nonfinite > 0
    if tracker.best_theta is None:  # not one finite loss: hand back the start unchanged
        return LbfgsResult(theta0, math.nan, None, nit, tracker.n_evals, message, False, nonfinite)
    return LbfgsResult(
        tracker.best_theta,
        tracker.best_loss,
        tracker.best_grad,
        nit,
        tracker.n_evals,
        message,
        True,
        nonfinite,
    )
