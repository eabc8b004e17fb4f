r"""Training: the loop around the optimisers, with the grid-update schedule (paper §2.4).

`fit` minimises the objective of `KAN.loss_and_grad` on the training set,

.. math:: \ell = \frac{1}{N O}\sum_{n,o}(\mathrm{KAN}(x)_{n,o} - y_{n,o})^2
          + \lambda\, \mathrm{penalty},

with Adam or L-BFGS (`optim.py`), and every few steps moves each layer's knots to where its
inputs are (`KAN.update_grid`). After every step it records

    loss        the objective above, as the optimiser saw it (on the step's batch)
    reg         the penalty (without lambda); nan when lamb = 0 (neither computed nor used)
    train_rmse  sqrt(mean squared error) on all training samples, after the step
    test_rmse   the same on the test samples (a forward pass only)
    seconds     wall time of the step, grid update and evaluation included

With loss="cross_entropy" or "binary_cross_entropy" (`losses.py`) that loss replaces the
MSE, and train_loss, test_loss (the data loss), train_acc, test_acc (the share of correct
class decisions) replace train_rmse, test_rmse.

pykan's `fit` stores these two RMSEs as "train_loss" and "test_loss"; here they are named
what they are.

Steps. One Adam step is one update. One L-BFGS step is 20 L-BFGS iterations, the work of
one step of pykan's torch LBFGS (max_iter=20): 50 steps here are pykan's 50 steps. Like
torch's LBFGS, the curvature memory is kept from step to step: the steps between two grid
updates are one `optim.lbfgs` call, recorded every 20 iterations. A grid update changes
what every coefficient means, so by default the next call starts with an empty memory;
`lbfgs_memory="keep"` carries the pairs over, as pykan does (the README compares them).
kan_np keeps 100 (s, y) pairs by default where pykan keeps 10 (option `lbfgs_history`;
`benchmarks/grid_extension.py --history 10,20,50,100` compares them on the grid-extension
schedule).
Adam keeps its moments through grid updates (as pykan does): they describe the old
coefficients, but they re-adapt within about 1 / (1 - beta) steps.
"""

import contextlib
import math
import time
import warnings

import numpy as np

from kan_np import allocator, checks, fit_options, losses, optim
from kan_np.datasets import Batches
from kan_np.fit_run import Diverged, Run, finite_or_inf
from kan_np.flat import TrainedArrays
from kan_np.lbfgs import Pairs

LBFGS_ITERATIONS = 20  # L-BFGS iterations per step, pykan's max_iter
# Measured (benchmarks/grid_extension.py --history 10,20,50,100, and --steps 200 --history
# 100,10): 100 pairs is the most accurate at every stage of both schedules; since the L-BFGS
# is kan_np's own (lbfgs.py), the memory costs no time there (2.5 s for 50 steps with any).
LBFGS_HISTORY = 100  # (s, y) pairs kept (pykan: 10); fewer above 50,000 parameters


def fit(
    model,
    dataset,
    *,
    opt="lbfgs",
    steps=100,
    lr=None,
    batch=-1,
    lamb=0.0,
    reg_metric="paper",
    update_grid=True,
    grid_update_num=10,
    stop_grid_update_step=50,
    grid_eps=0.02,
    grid_margin=0.01,
    seed=0,
    progress=True,
    callback=None,
    blas_threads=1,
    loss="mse",
    train=None,
    lbfgs_history=LBFGS_HISTORY,
    lbfgs_memory="reset",
    **reg_options,
):
    r"""Train `model` in place on `dataset` and return the history of every step.

    Per step: (grid update, on schedule) -> optimiser step on a batch -> record loss, reg,
    train_rmse, test_rmse, seconds (module docstring) -> progress bar -> callback.

    Args:
        model: a `KAN`. Its parameters change in place; `model.train_input` is set to the
            training inputs (refine, prune and plot use them when x is omitted), and
            `model.input_names` to their column names when they are a DataFrame.
        dataset: a dict with train_input (N, n_0), train_label (N, n_L), test_input,
            test_label, or a tuple (x, y) (then "test" means the training data again).
        opt: "lbfgs" (default) or "adam"; case is ignored, so pykan's "LBFGS" works.
        steps: number of steps, int >= 0: Adam updates, or L-BFGS steps of 20 iterations.
        lr: Adam's step size, > 0; default 1e-2 (pykan's default lr=1 is meant for its
            LBFGS and makes Adam diverge). L-BFGS chooses its step length by a line search
            whose first trial step is 1: lr must be None or 1 (pykan's value) there.
        batch: -1 for the full training set (default); b > 0 for b random samples per step
            (without replacement, a new draw each step; b >= N means all). L-BFGS then
            runs one call per step on its batch, so its line search compares like with like.
        lamb: lambda >= 0, the weight of the sparsity penalty (0: no penalty).
        reg_metric: "paper" (L1 + entropy, §2.5.1) or "pykan"; see `regularization.py`.
        **reg_options: the metric's weights, passed on to `KAN.loss_and_grad`:
            mu_1, mu_2 ("paper"); lamb_l1, lamb_entropy, lamb_coef, lamb_coefdiff
            ("pykan"). Any other keyword is a ValueError listing the valid names.
        update_grid: adapt the grids to the data during the first steps (§2.4).
        grid_update_num, stop_grid_update_step: update every
            max(1, stop_grid_update_step // grid_update_num) steps while
            step < stop_grid_update_step (pykan's schedule: steps 0, 5, ..., 45), always
            from all training inputs (pykan uses the step's batch), layer by layer.
        grid_eps: the uniform share of the updated grids, in [0, 1].
        grid_margin: the updated grids span the training range widened by this on each
            side (the paper's code, 0.01; 0 reproduces pykan 0.2.8).
        seed: seed of the Generator that draws minibatches (nothing else is random).
        progress: show a tqdm bar on stderr with the step, train/test RMSE and penalty.
        callback: optional callback(step, model, history), called after each recorded
            step (step counts from 0); return True to stop training there.
        loss: "mse" (default), "cross_entropy" (labels: one class number 0..n_L-1 per row,
            (N,) or (N, 1); the outputs are logits) or "binary_cross_entropy" (targets in
            [0, 1]; the outputs are logits); see `losses.py` and the module docstring.
        train: which parameter arrays change: None (all), or names among "coef",
            "scale_base", "scale_sp", "affine" (every layer), or (l, name) pairs, e.g.
            ("coef",) for the paper's continual-learning setting. The others stay equal bit
            for bit; grid updates refit coef and move the knots, so they run only when every
            layer's coef trains.
        blas_threads: BLAS threads while fit runs (restored afterwards), or None to leave
            BLAS alone. The default 1 makes results identical on every machine (threaded
            sums round differently) and avoids threaded BLAS on small matrices, which
            spins idle cores on a busy machine.
        lbfgs_history: the (s, y) pairs L-BFGS keeps, int >= 1 (pykan: 10); fewer above
            50,000 parameters (they take 2.5 m P numbers).
        lbfgs_memory: "reset" (default) starts L-BFGS's memory afresh after every grid
            update; "keep" carries the pairs over, as pykan's torch LBFGS does (module
            docstring).

    Returns:
        history: dict of lists, one entry per recorded step (keys: module docstring).
        "loss" and "reg" are taken on the step's batch: for L-BFGS at the parameters after
        the step, for Adam where the step's gradient was taken (before the update).

    Stopping early (a warning says which, and the history up to there is returned):
        divergence: a NaN or infinite loss, gradient or RMSE stops training and restores
            the parameters (and grids) of the last recorded step, the last finite ones.
            L-BFGS first tries to recover: non-finite trial points make its line search
            back off; only a call without a single finite point stops training.
        Ctrl-C (KeyboardInterrupt): the interrupted step is not recorded; the model keeps
            the last recorded step's parameters, or with L-BFGS the best point the
            interrupted call evaluated (its loss is at most the last recorded one).
    """
    fit_options.check_reg_options(reg_metric, reg_options)
    opt, lr = fit_options.check_opt_lr(opt, lr)
    steps = checks.as_int(steps, "steps", 0)
    lbfgs_history = checks.as_int(lbfgs_history, "lbfgs_history", 1)
    keep = checks.as_choice(lbfgs_memory, "lbfgs_memory", ("reset", "keep")) == "keep"
    lamb = checks.as_nonneg_float(lamb, "lamb")
    grid_steps = fit_options.grid_schedule(update_grid, grid_update_num, stop_grid_update_step)
    grid_options = checks.as_grid_options(grid_eps, grid_margin, "grid_margin")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable(step, model, history), got {callback!r}")
    names = fit_options.input_names(dataset)  # before the arrays lose their column names
    data = fit_options.check_data(model, dataset, losses.check_name(loss))
    batches = Batches(data, batch, seed)
    trainable = TrainedArrays(model, train, zero_free=opt == "adam")
    grid_steps = grid_steps if trainable.all_coef else set()  # a grid update refits coef

    model.train_input = data["train_input"].copy()  # the model's own, not the caller's array
    model.input_names = names or getattr(model, "input_names", None)  # a DataFrame's columns
    loss_options = {"lamb": lamb, "reg_metric": reg_metric, "loss": loss, **reg_options}
    run = Run(model, data, steps, lamb, progress, callback, opt, loss)
    run.trainable = trainable
    try:
        # NaN/inf are detected and reported by `fit_run.Run.record`; NumPy's own overflow warnings
        # on the way there would only repeat that, once per array.
        # allocator.retained: freed memory is reused, not faulted in again (see there)
        errstate = np.errstate(over="ignore", invalid="ignore", divide="ignore")
        with errstate, _blas(blas_threads), allocator.retained():
            if opt == "adam":
                _train_adam(run, batches, grid_steps, grid_options, loss_options, lr)
            else:
                memory = (lbfgs_history, keep)
                _train_lbfgs(run, batches, grid_steps, grid_options, loss_options, memory)
    except Diverged as err:
        model.restore(run.last_good)
        kept = "of the last one" if run.steps_done else "it had before fit"
        message = (
            f"{err} Training stopped after {run.steps_done} recorded steps; the model "
            f"keeps the parameters {kept} (the last finite ones). Try a smaller lr or "
            "lamb."
        )
        warnings.warn(message, RuntimeWarning, stacklevel=3)  # fit <- KAN.fit <- user's line
    except KeyboardInterrupt:
        if run.tracker is not None and run.tracker.best_theta is not None:
            run.trainable.set_flat(run.tracker.best_theta)  # the best point L-BFGS saw
        else:
            model.restore(run.last_good)
        message = (
            f"fit interrupted (KeyboardInterrupt) after {run.steps_done} recorded "
            "steps; the model and the history up to there are kept."
        )
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    finally:
        run.bar.close()
    return run.history


def _blas(threads):
    """A context limiting BLAS to `threads` threads (threadpoolctl), or doing nothing."""
    if threads is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=checks.as_int(threads, "blas_threads", 1), user_api="blas")


def _train_adam(run, batches, grid_steps, grid_options, loss_options, lr):
    """Adam: one update per step (the moments are kept through grid updates)."""
    model = run.model
    adam = optim.Adam(run.trainable.arrays, lr=lr)
    for step in range(run.steps):
        run.started = time.perf_counter()  # the step's clock
        if step in grid_steps:
            _update_grid(model, run.data["train_input"], grid_options)
        x, y = batches.draw()
        terms = model.loss_terms(x, y, check=False, **loss_options)
        flat = run.trainable.grads(terms.grads)
        if not (math.isfinite(terms.total) and all(np.isfinite(g).all() for g in flat)):
            raise Diverged(f"step {step}: the loss or its gradient is NaN or infinite.")
        adam.step(flat)
        if run.record(terms):  # measured before the update: train_rmse is not known
            return


def _train_lbfgs(run, batches, grid_steps, grid_options, loss_options, memory):
    """L-BFGS: one `optim.lbfgs` call per run of steps between grid updates (module
    docstring), or per step with minibatches (each call keeps its batch). memory:
    (lbfgs_history, keep); each call starts from the pairs the last one left if keep,
    else with none."""
    model = run.model
    lbfgs_history, keep = memory
    P = run.trainable.get_flat().size
    pairs = Pairs(min(lbfgs_history, max(10, 5 * 10**6 // P)), P)  # memory 2.5 m P
    step = 0
    while step < run.steps:
        run.started = time.perf_counter()  # the step's clock
        run.tracker = None  # Ctrl-C from here on restores the last recorded step
        if step in grid_steps:
            _update_grid(model, run.data["train_input"], grid_options)
        later = [s for s in grid_steps if s > step] + [run.steps]
        n_steps = 1 if batches.minibatch else min(later) - step
        x, y = batches.draw()
        if not keep:
            pairs.clear()
        if _lbfgs_steps(run, x, y, n_steps, loss_options, pairs):
            return
        step = run.steps_done


def _lbfgs_steps(run, x, y, n_steps, loss_options, pairs):
    """Up to n_steps L-BFGS steps on one batch in one `optim.lbfgs` call, continuing
    from `pairs` (an `lbfgs.Pairs`, filled in place); True to stop."""
    model = run.model
    done = {"iterations": 0, "steps": 0, "stop": False}
    seen = []  # (theta, Loss) of the last evaluations and of the best: L-BFGS reports those

    def evaluate(theta):  # theta (P,)
        """The Loss at theta, remembered in `seen`."""
        run.trainable.set_flat(theta)
        terms = model.loss_terms(x, y, check=False, **loss_options)
        entry = (theta.copy(), terms)
        best = min(seen[:1] + [entry], key=lambda point: finite_or_inf(point[1].total))
        seen[:] = [best, *seen[1:][-3:], entry]
        return terms

    def terms_at(theta):  # theta (P,)
        """The Loss at theta, from `seen` when the objective was evaluated there."""
        run.trainable.set_flat(theta)
        for point, terms in reversed(seen):
            if np.array_equal(point, theta):
                return terms
        return evaluate(theta)

    def objective(theta):  # theta (P,), a new trial point
        """Loss and flat gradient at theta (P,), for L-BFGS."""
        terms = evaluate(theta)
        return terms.total, run.trainable.flatten_grads(terms.grads)  # float, (P,)

    def after_iteration(theta, loss):  # theta (P,), the new iterate
        """Record a step every 20 iterations."""
        done["iterations"] += 1
        if done["iterations"] % LBFGS_ITERATIONS == 0:
            done["steps"] += 1
            done["stop"] = run.record(terms_at(theta)._replace(total=loss), x)  # as L-BFGS saw it
            if done["stop"]:
                raise StopIteration  # optim.lbfgs's way to end the call here
            run.started = time.perf_counter()  # the step's clock

    theta = run.trainable.get_flat()  # (P,) the trained arrays only
    run.tracker = optim.LbfgsTracker()  # so that Ctrl-C can keep the best point seen
    result = optim.lbfgs(
        objective,
        theta,
        maxiter=LBFGS_ITERATIONS * n_steps,
        callback=after_iteration,
        tracker=run.tracker,
        memory=pairs,  # its own history size
    )
    if run.tracker.best_theta is None:
        raise Diverged("L-BFGS found no point with a finite loss.")
    run.trainable.set_flat(result.x)  # the best point evaluated, not the last trial point
    if not done["stop"] and done["steps"] < n_steps:  # stopped early: record the partial step
        done["stop"] = run.record(terms_at(result.x), x)
    return done["stop"]


def _update_grid(model, x, grid_options):
    """`KAN.update_grid(x, grid_eps, margin)`; a failed least-squares fit is a divergence."""
    try:
        model.update_grid(x, *grid_options)
    except (np.linalg.LinAlgError, ValueError) as err:  # non-finite layer inputs
        raise Diverged(f"the grid update failed ({err}).") from None
