"""The state of one `training.fit`: history, progress bar, last good parameters, metrics.

`fit` runs the optimiser; after every step it hands the step's loss terms to `Run.record`,
which evaluates the train and test metrics, appends a row to the history, keeps a snapshot
of the parameters (to fall back on if training diverges), advances the progress bar and
calls the user's callback. `Diverged` is how a NaN or infinite value stops the loop.
"""

import math
import sys
import time

import numpy as np
from tqdm.auto import tqdm

from kan_np import losses

HISTORY_KEYS = ("loss", "reg", "train_rmse", "test_rmse", "seconds")
CLASSIFY_KEYS = ("loss", "reg", "train_loss", "test_loss", "train_acc", "test_acc", "seconds")


class Run:
    """The state of one `fit`: history, progress bar, last good parameters, callback."""

    def __init__(self, model, data, steps, lamb, progress, callback, opt, loss="mse"):
        self.model, self.data, self.steps = model, data, steps
        self.lamb, self.callback, self.loss = lamb, callback, loss
        self.keys = HISTORY_KEYS if loss == "mse" else CLASSIFY_KEYS
        self.history = {key: [] for key in self.keys}
        self.bar = tqdm(
            total=steps,
            disable=not progress,
            file=sys.stderr,
            unit="step",
            desc=f"fit {opt}",
            dynamic_ncols=True,
        )
        self.last_good = model.snapshot()  # parameters and grids of the last recorded step
        self.tracker = None  # the running L-BFGS call's tracker, for Ctrl-C
        self.started = time.perf_counter()
        self.same = data["test_input"] is data["train_input"]  # a tuple (x, y): test = train
        parts = [data["train_input"]] + ([] if self.same else [data["test_input"]])
        self.stacked = np.concatenate(parts)  # (N [+ N_test], n_0), one forward per step

    def evaluate(self, train_rmse=None):
        """(train RMSE, test RMSE) at the current parameters, by forward passes only; for a
        classification loss ((loss, accuracy) on train, the same on test).

        A train_rmse already known is not recomputed. Otherwise train and test inputs go
        through one forward pass together: much of a small forward is fixed per-call work.
        """
        d, n = self.data, self.data["train_input"].shape[0]
        if self.loss != "mse":
            pred = predict(self.model, self.stacked)  # (N [+ N_test], n_L)
            train = self.metrics(pred[:n], d["train_label"])
            return train, train if self.same else self.metrics(pred[n:], d["test_label"])
        if train_rmse is None:
            pred = predict(self.model, self.stacked)  # (N [+ N_test], n_L)
            train_rmse, test_pred = rmse_of(pred[:n], d["train_label"]), pred[n:]
        else:
            test_pred = None if self.same else predict(self.model, d["test_input"])
        return train_rmse, train_rmse if self.same else rmse_of(test_pred, d["test_label"])

    def metrics(self, pred, y):
        """(data loss, accuracy) of a classification loss."""
        return losses.PAIRS[self.loss][0](pred, y), losses.accuracy(self.loss, pred, y)

    @property
    def steps_done(self):
        """The number of recorded steps."""
        return len(self.history["loss"])

    def record(self, terms, x=None):
        """Append one step to the history (the model holds its parameters); True to stop.

        terms: the step's `network.Loss` on its batch. x: that batch, when terms were taken
        at the model's current parameters (then a full batch gives train_rmse for free).
        """
        loss, mse = terms.total, self.loss == "mse"
        known = math.sqrt(terms.data) if mse and x is self.data["train_input"] else None
        train, test = self.evaluate(known)  # RMSEs, or (loss, accuracy) pairs
        train_rmse, test_rmse = (train, test) if mse else (train[0], test[0])
        reg = terms.penalty if self.lamb > 0 else math.nan
        checked = (loss, train_rmse, test_rmse) + ((reg,) if self.lamb > 0 else ())
        if not all(math.isfinite(value) for value in checked):
            raise Diverged(
                f"step {self.steps_done}: a value became NaN or infinite (loss "
                f"{loss:.3g}, train RMSE {train_rmse:.3g}, test RMSE "
                f"{test_rmse:.3g})."
            )
        metrics = (train, test) if mse else (train[0], test[0], train[1], test[1])
        values = (loss, reg, *metrics, time.perf_counter() - self.started)
        for key, value in zip(self.keys, values, strict=True):
            self.history[key].append(value)
        self.last_good = self.model.snapshot()
        names = ("train_rmse", "test_rmse") if mse else ("train_loss", "test_loss")
        self.bar.set_postfix_str(summary(train_rmse, test_rmse, reg, names), refresh=False)
        self.bar.update(1)
        step = self.steps_done - 1
        return self.callback is not None and bool(self.callback(step, self.model, self.history))


class Diverged(Exception):
    """Raised inside the loop when a loss, gradient or RMSE is NaN or infinite."""


def predict(model, x):
    """KAN(x) without input checks (fit checked the data once): (N, n_0) -> (N, n_L)."""
    return model.forward(x, check=False)


def rmse_of(pred, y):
    """sqrt(mean((pred - y)^2)) of predictions (N, n_L) and labels (N, n_L)."""
    return math.sqrt(float(np.mean((pred - y) ** 2)))


def finite_or_inf(value):
    """value, or inf when it is NaN or infinite (so that min() finds the best finite one)."""
    return value if math.isfinite(value) else math.inf


def summary(train, test, reg, names=("train_rmse", "test_rmse")):
    """The text after the progress bar."""
    text = f"{names[0]} {train:.2e} | {names[1]} {test:.2e}"
    return text if math.isnan(reg) else f"{text} | reg {reg:.2e}"
