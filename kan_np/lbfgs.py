r"""L-BFGS written out in NumPy: the two-loop recursion and a strong-Wolfe line search.

Nocedal & Wright, *Numerical Optimization* (2nd ed.), Algorithms 7.4-7.5 (L-BFGS) and
3.5-3.6 (line search). `optim.lbfgs` is the entry point; this module is the algorithm.

One iteration at the point theta with gradient g:

1. **Direction** d = -H g, where H approximates the inverse Hessian from the last m pairs
   s_j = theta_{j+1} - theta_j, y_j = g_{j+1} - g_j (`two_loop`; `Pairs` computes the same
   vector with a few matrix products).
2. **Step length** alpha along d that satisfies the strong Wolfe conditions (`line_search`):

   .. math:: f(\theta + \alpha d) \le f(\theta) + c_1 \alpha\, g^\top d, \qquad
             |\nabla f(\theta + \alpha d)^\top d| \le c_2 |g^\top d|

   (enough decrease, and the slope flattened), c1 = 1e-4, c2 = 0.9. The second condition
   makes s^T y > 0, so every new pair keeps H positive definite. L-BFGS's own scaling makes
   alpha = 1 the usual answer: then the iteration costs one evaluation.
3. **Memory**: theta moves to theta + alpha d; the pair (s, y) replaces the oldest of m.

Letters: P the number of parameters, m the pairs kept, n <= m the pairs held now.
"""

import math
from typing import NamedTuple

import numpy as np
from scipy.linalg import solve_triangular

C1, C2 = 1e-4, 0.9  # the Wolfe constants (sufficient decrease, curvature)
MAX_EVALS = 20  # evaluations one line search may spend
EPS = np.finfo(np.float64).eps


def two_loop(g, S, Y):
    r"""H g by the two-loop recursion (Nocedal & Wright, Algorithm 7.4): the definition.

    With rho_j = 1 / (y_j^T s_j) and the pairs in S, Y oldest first:

        q = g
        for j = newest ... oldest:  alpha_j = rho_j s_j^T q;  q = q - alpha_j y_j
        r = gamma q,  gamma = s^T y / y^T y of the newest pair   (H_0 = gamma I)
        for j = oldest ... newest:  beta_j = rho_j y_j^T r;   r = r + (alpha_j - beta_j) s_j

    and r = H g. `Pairs.times_inverse_hessian` computes the same vector faster.

    Args:
        g: (P,) gradient.
        S, Y: (n, P) the pairs s_j, y_j, oldest first, n >= 1, every y_j^T s_j > 0.
    Returns:
        (P,) H g.
    """
    rho = 1.0 / np.einsum("jp,jp->j", S, Y)  # (n,)
    alpha = np.zeros(len(S))  # (n,)
    q = g.copy()  # (P,)
    for j in reversed(range(len(S))):
        alpha[j] = rho[j] * (S[j] @ q)
        q -= alpha[j] * Y[j]
    r = (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]) * q  # (P,)
    for j in range(len(S)):
        beta = rho[j] * (Y[j] @ r)
        r += (alpha[j] - beta) * S[j]
    return r


class Pairs:
    r"""The last m pairs (s_j, y_j), and H g computed from them with matrix products.

    The loops of `two_loop` are triangular systems. Write A_{ij} = s_i^T y_j (pairs oldest
    first) and R for its upper triangle (diagonal included: R_ii = 1 / rho_i). The first
    loop reads alpha_i = rho_i s_i^T (g - sum_{j>i} alpha_j y_j), that is

    .. math:: R \alpha = S g, \qquad q = g - Y^\top \alpha

    and the second, with c_j = alpha_j - beta_j, reads beta_i = rho_i y_i^T (r_0 + sum_{j<i}
    c_j s_j), that is (A_{ji} = s_j^T y_i is R's entry above the diagonal)

    .. math:: R^\top \beta = Y r_0 + (R - \mathrm{diag}\,R)^\top \alpha, \qquad
              r = r_0 + S^\top (\alpha - \beta),

    with r_0 = gamma q. Four products with S or Y (n x P) and two triangular solves (n x n)
    replace 4 n vector operations in Python. Only R is needed, so a new pair adds one
    column, s_i^T y_new.

    Storage: the pairs are the rows start .. start + n - 1 of buffers with a few spare rows,
    oldest first. A new pair goes below the newest; when the buffers are full the window is
    copied back to row 0 (once every m // 4 pairs).

    Attributes:
        m, P: the pairs kept at most, and the length of each vector.
        n: pairs held (0 after `clear`); at most m.
        gamma: s^T y / y^T y of the newest pair (H_0 = gamma I).
    """

    def __init__(self, m, P):
        self.m, self.P = m, P
        rows = m + max(1, m // 4)
        self._S, self._Y = np.empty((rows, P)), np.empty((rows, P))  # (rows, P) each
        self._R = np.zeros((rows, rows))  # (rows, rows) R of the window, zero below the diagonal
        self.clear()

    def clear(self):
        """Forget every pair: H becomes the identity (the next direction is -g)."""
        self.start, self.n, self.gamma = 0, 0, 1.0

    def window(self):
        """(S, Y, R): (n, P), (n, P), (n, n) views of the pairs held, oldest first."""
        rows = slice(self.start, self.start + self.n)
        return self._S[rows], self._Y[rows], self._R[rows, rows]

    def push(self, s, y):
        """Keep the pair (s, y) if s^T y > 0 (within rounding); True if kept.

        The strong Wolfe step guarantees s^T y > 0 in exact arithmetic; a pair that fails
        it (rounding, or a line search that ran out of evaluations) would make H indefinite,
        so it is skipped, as in L-BFGS-B.
        """
        sy, yy = s @ y, y @ y
        if not sy > EPS * yy:
            return False
        if self.n == self.m:  # drop the oldest pair
            self.start, self.n = self.start + 1, self.n - 1
        if self.start + self.n == len(self._S):  # no row left below: slide back to row 0
            S, Y, R = self.window()
            self._S[: self.n], self._Y[: self.n], self._R[: self.n, : self.n] = S, Y, R
            self.start = 0
        new = self.start + self.n
        self._S[new], self._Y[new] = s, y
        self._R[self.start : new + 1, new] = self._S[self.start : new + 1] @ y  # s_i^T y_new
        self._R[new, self.start : new] = 0.0  # below the diagonal: stays 0
        self.n += 1
        self.gamma = sy / yy
        return True

    def times_inverse_hessian(self, g):
        """H g (P,): `two_loop`'s vector by the triangular solves above (g itself if n = 0)."""
        if self.n == 0:
            return g.copy()
        S, Y, R = self.window()  # (n, P), (n, P), (n, n)
        alpha = solve_triangular(R, S @ g, check_finite=False)  # (n,)  the first loop
        r = self.gamma * (g - alpha @ Y)  # (P,)  r_0 = H_0 q
        rhs = Y @ r + R.T @ alpha - R.diagonal() * alpha  # (n,)
        beta = solve_triangular(R, rhs, trans="T", check_finite=False)  # (n,)  the second loop
        r += (alpha - beta) @ S
        return r


class Point(NamedTuple):
    """A point on the search line theta + step d, with what f said there."""

    step: float
    theta: np.ndarray  # (P,)
    loss: float
    grad: np.ndarray  # (P,)
    slope: float  # grad^T d, the derivative of the loss along the line


def evaluate(f, start, d, step):
    """f at start.theta + step d, as a Point."""
    theta = start.theta + step * d  # (P,)
    loss, grad = f(theta)
    return Point(step, theta, loss, grad, float(grad @ d))


def line_search(f, start, d, step):
    """A step along d meeting the strong Wolfe conditions (Algorithm 3.5), or None.

    Tries `step`; while the loss still falls steeply there, doubles it. Once a trial has too
    little decrease, a higher loss than the last trial, or a rising slope, a minimiser lies
    between the last two trials and `zoom` narrows that interval. At most MAX_EVALS calls
    of f; if they run out, the lowest point found with enough decrease is returned (its
    pair may then be skipped), and None if there is none.

    Args:
        f: theta (P,) -> (loss, grad (P,)).
        start: the Point at step 0 (its slope must be negative).
        d: (P,) the search direction.
        step: the first step to try (> 0).
    """
    last = start
    for used in range(1, MAX_EVALS + 1):
        trial = evaluate(f, start, d, step)
        if not _decreases(start, trial) or (last is not start and trial.loss >= last.loss):
            return _zoom(f, start, d, last, trial, MAX_EVALS - used)
        if abs(trial.slope) <= -C2 * start.slope:
            return trial
        if trial.slope >= 0:
            return _zoom(f, start, d, trial, last, MAX_EVALS - used)
        last, step = trial, 2.0 * step
    return last if last is not start else None


def _decreases(start, trial):
    """The sufficient-decrease (Armijo) condition at trial."""
    return trial.loss <= start.loss + C1 * trial.step * start.slope


def _zoom(f, start, d, lo, hi, budget):
    """Algorithm 3.6: narrow [lo, hi] (lo: lowest point with enough decrease) to a Wolfe step.

    Each trial lies at the minimiser of the cubic through both ends' losses and slopes
    (bisection when that falls outside the middle 80% of the interval); the trial replaces
    hi when it is no better than lo, else it replaces lo (and hi moves to the old lo when the
    slope says the minimiser lies behind it).
    """
    for _ in range(budget):
        if abs(hi.step - lo.step) <= EPS * max(lo.step, hi.step):
            break  # the interval has shrunk to rounding
        trial = evaluate(f, start, d, _cubic_minimiser(lo, hi))
        if not _decreases(start, trial) or trial.loss >= lo.loss:
            hi = trial
            continue
        if abs(trial.slope) <= -C2 * start.slope:
            return trial
        if trial.slope * (hi.step - lo.step) >= 0:
            hi = lo
        lo = trial
    return lo if lo is not start else None


def _cubic_minimiser(lo, hi):
    """Step minimising the cubic that matches loss and slope at lo and hi (N&W eq. 3.59),
    kept inside the middle 80% of the interval, else the midpoint."""
    a, b = lo.step, hi.step
    d1 = lo.slope + hi.slope - 3.0 * (lo.loss - hi.loss) / (a - b)
    disc = d1 * d1 - lo.slope * hi.slope
    if disc >= 0.0:
        d2 = math.copysign(math.sqrt(disc), b - a)
        step = b - (b - a) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2.0 * d2)
        margin = 0.1 * abs(b - a)
        if min(a, b) + margin <= step <= max(a, b) - margin:  # False for NaN
            return step
    return 0.5 * (a + b)


def minimize(f, theta, maxiter, history_size, tol, callback=None, pairs=None):
    """Algorithm 7.5: up to `maxiter` L-BFGS iterations from theta (see `optim.lbfgs`).

    `pairs`: the memory to start from and to fill (a `Pairs` for theta's size), e.g. the
    one an earlier call left; default a new, empty one of `history_size` pairs.

    Stops when max |g| <= tol, when an iteration's relative decrease
    (f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) is <= tol, when the line search fails twice
    in a row (the second time along -g, the memory cleared), or when `callback` raises
    StopIteration.

    Returns:
        (theta, loss, grad, iterations, message) at the last iterate.
    """
    loss, grad = f(theta)
    pairs = Pairs(history_size, theta.size) if pairs is None else pairs
    nit, message = 0, "maximum number of iterations reached"
    while nit < maxiter:
        if np.max(np.abs(grad)) <= tol:
            message = "max |gradient| <= tol"
            break
        d = -pairs.times_inverse_hessian(grad)  # (P,)
        if not grad @ d < 0:  # rounding made H indefinite: start again from -g
            pairs.clear()
            d = -grad
        step = 1.0 if pairs.n else min(1.0, 1.0 / np.linalg.norm(grad))
        new = line_search(f, Point(0.0, theta, loss, grad, float(grad @ d)), d, step)
        if new is None:
            if pairs.n:  # retry once along -g
                pairs.clear()
                continue
            message = "the line search found no lower point"
            break
        pairs.push(new.theta - theta, new.grad - grad)
        decrease = (loss - new.loss) / max(abs(loss), abs(new.loss), 1.0)
        theta, loss, grad = new.theta, new.loss, new.grad
        nit += 1
        if callback is not None:
            try:
                callback(theta.copy(), loss)
            except StopIteration:
                message = "stopped by the callback"
                break
        if decrease <= tol:
            message = "relative decrease <= tol"
            break
    return theta, loss, grad, nit, message
