r"""KANRegressor and KANClassifier: KANs in scikit-learn's conventions.

They follow scikit-learn's estimator contract (constructor parameters stored unchanged,
`fit` returns self, learned attributes end in `_`, `get_params` / `set_params`), so they
work in `Pipeline`, `cross_val_score`, `GridSearchCV` and pass scikit-learn's own
`check_estimator` (tests/test_estimators.py). They never import scikit-learn: the protocol
it expects is written out in `sklearn_api.py`.

What `fit` does, in order:

1. inputs X (N, D) are standardised, x' = (x - mean) / std per column (std 0 -> 1), and the
   regression target too (y' = (y - mean_y) / std_y), so the default grid range [-1, 1]
   and one learning rate suit any units; predictions undo it;
2. with early_stopping, a validation_fraction of the rows is held out at random;
3. a `KAN([D, *hidden, O])` (`model_`) is trained by `KAN.fit` with the mean squared error
   (regressor) or the softmax cross-entropy over the C = len(classes_) outputs
   (classifier; the outputs are logits, predict_proba = softmax);
4. with early_stopping, the validation score (RMSE; accuracy for the classifier) is
   measured after every step; training stops when it has not improved for `patience`
   steps, and the model of the best step is kept.

`model_` sees standardised inputs: formulas and plots of it are in those units; its input
names are the DataFrame's columns when X had any (`feature_names_in_`).
"""

import warnings

import numpy as np

from kan_np import checks, losses
from kan_np.network import KAN
from kan_np.sklearn_api import DataConversionWarning, Protocol, sklearn_class, store


class _KANEstimator(Protocol):
    """What the regressor and the classifier share: scikit-learn's protocol (`sklearn_api`)
    and the training."""

    def _standardised(self, X):
        return (X - self.x_mean_) / self.x_scale_  # (N, D)

    # ---------------------------------------------------------------------- training
    def _train(self, X, y, outputs):
        """Standardise X, build `model_` with `outputs` outputs and train it on (X, y)."""
        self.x_mean_ = X.mean(axis=0)  # (D,)
        self.x_scale_ = _scale(X)  # (D,)
        Xs = self._standardised(X)  # (N, D)
        seed = _seed(self.random_state)
        hidden = [self.hidden] if isinstance(self.hidden, int) else self.hidden  # 5 = (5,)
        hidden = [checks.as_int(h, "hidden width", 1) for h in hidden]
        model = KAN([X.shape[1], *hidden, outputs], grid=self.grid, k=self.k, seed=seed)
        if hasattr(self, "feature_names_in_"):  # formulas and plots of model_ use them
            model.input_names = list(self.feature_names_in_)
        options = {
            "opt": self.opt,
            "steps": self.steps,
            "lr": self.lr,
            "lamb": self.lamb,
            "batch": self.batch,
            "update_grid": self.update_grid,
            "seed": seed,
            "loss": self._loss,
            "progress": False,
        }
        if self.early_stopping:
            self.model_, self.history_ = self._fit_early_stopping(model, Xs, y, seed, options)
        else:
            self.history_ = model.fit((Xs, y), **options)
            self.model_ = model
        return self

    def _fit_early_stopping(self, model, Xs, y, seed, options):
        """Train on a random split, keep the model of the best validation score."""
        fraction = float(self.validation_fraction)
        if not 0 < fraction < 1:
            raise ValueError(f"validation_fraction must be in (0, 1), got {fraction}")
        patience = checks.as_int(self.patience, "patience", 1)
        N = Xs.shape[0]
        n_val = int(np.ceil(fraction * N))
        if n_val < 1 or N - n_val < 2:
            raise ValueError(
                f"early_stopping needs more samples: {N} samples leave "
                f"{N - n_val} for training and {n_val} for validation"
            )
        order = np.random.default_rng(seed).permutation(N)  # (N,)
        val, train = order[:n_val], order[n_val:]
        data = {
            "train_input": Xs[train],
            "train_label": y[train],
            "test_input": Xs[val],
            "test_label": y[val],
        }
        best = {"score": (-np.inf,), "model": model.copy(), "step": -1}

        def stop_when_stale(step, current, history):
            """fit's callback: keep the best validation step; True stops after `patience`."""
            score = self._validation_score(history)
            if score > best["score"]:
                best.update(score=score, model=current.copy(), step=step)
            return step - best["step"] >= patience

        history = model.fit(data, callback=stop_when_stale, **options)
        self.best_step_ = best["step"]
        return best["model"], history


class KANRegressor(_KANEstimator):
    """A KAN regressor with scikit-learn's interface (fit / predict / score = R^2).

    Args:
        hidden: tuple of hidden layer widths (an int for one layer); () for none: a
            [D, O] KAN, an additive model.
        grid, k: G grid intervals and spline order of every edge.
        steps, opt, lr, lamb, batch, update_grid: passed to `KAN.fit` (see there).
        early_stopping: hold out validation_fraction of the rows and stop when the
            validation RMSE has not improved for `patience` steps; keep the best model.
        random_state: int seed for the initial parameters, the validation split and
            minibatches; None means 0 (kan_np never draws from global random state).

    Attributes after fit: model_ (the KAN, on standardised data), n_features_in_,
    feature_names_in_ (DataFrame input only), x_mean_, x_scale_, y_mean_, y_scale_,
    history_ (of `KAN.fit`), best_step_ (early stopping only).

    Defaults: a hidden layer of 5 (interactions such as friedman1's sin(pi x1 x2) need
    one; () makes an additive model) and Adam for 1000 steps, so that early stopping
    checks the validation set after every small step (one L-BFGS step of 20 iterations
    already overfits a few hundred rows). benchmarks/sklearn_datasets.py compares.
    """

    def __init__(
        self,
        hidden=(5,),
        grid=5,
        k=3,
        steps=1000,
        opt="adam",
        lr=None,
        lamb=0.0,
        batch=-1,
        update_grid=True,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        random_state=None,
    ):
        store(self, locals())

    @staticmethod
    def _validation_score(history):
        """Larger is better: minus the validation RMSE of the last step."""
        return (-history["test_rmse"][-1],)

    def fit(self, X, y):
        """Standardise X and y, train `model_`; returns self."""
        X = self._check_X(X, fitting=True)
        y = _target(y, X.shape[0])
        self._y_1d = y.ndim == 1
        Y = y.reshape(X.shape[0], -1).astype(np.float64)  # (N, O)
        self.y_mean_, self.y_scale_ = Y.mean(axis=0), _scale(Y)  # (O,), (O,)
        return self._train(X, (Y - self.y_mean_) / self.y_scale_, Y.shape[1])

    def predict(self, X):
        """Predictions (N,) (or (N, O) for a 2-D target), in the target's units."""
        X = self._check_X(X)
        Y = self.model_(self._standardised(X)) * self.y_scale_ + self.y_mean_  # (N, O)
        return Y[:, 0] if self._y_1d else Y

    def score(self, X, y):
        r"""R^2 = 1 - \sum (y - \hat y)^2 / \sum (y - \bar y)^2 (averaged over outputs)."""
        pred = self.predict(X).reshape(len(X), -1)  # (N, O)
        Y = np.asarray(y, dtype=np.float64).reshape(pred.shape)  # (N, O)
        residual = ((Y - pred) ** 2).sum(axis=0)  # (O,)
        total = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)  # (O,)
        constant = total == 0  # a constant target: 1 if predicted exactly, else 0
        r2 = np.where(constant, (residual == 0) * 1.0, 1 - residual / np.where(constant, 1, total))
        return float(r2.mean())


class KANClassifier(_KANEstimator):
    """A KAN classifier with scikit-learn's interface (fit / predict / predict_proba / score).

    One output per class (logits), trained with the softmax cross-entropy; predict_proba is
    the softmax of the outputs, predict the class with the largest one. Parameters and
    attributes as for `KANRegressor` (early stopping watches the validation cross-entropy),
    plus classes_ (the sorted class labels). Without a target scale: no y_mean_, y_scale_.
    Early stopping keeps the step of the best validation accuracy (ties: lower
    cross-entropy), as scikit-learn's MLPClassifier watches accuracy.

    Defaults: no hidden layer (one spline per input and class, summed into the logits)
    and L-BFGS for 100 steps: the best of the settings benchmarks/sklearn_datasets.py
    tried on digits.
    """

    _loss = "cross_entropy"

    def __init__(
        self,
        hidden=(),
        grid=5,
        k=3,
        steps=100,
        opt="lbfgs",
        lr=None,
        lamb=0.0,
        batch=-1,
        update_grid=True,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        random_state=None,
    ):
        store(self, locals())

    @staticmethod
    def _validation_score(history):
        """Larger is better: the validation accuracy, then minus the cross-entropy."""
        return (history["test_acc"][-1], -history["test_loss"][-1])

    def fit(self, X, y):
        """Standardise X, encode the labels as 0..C-1, train `model_`; returns self."""
        X = self._check_X(X, fitting=True)
        y = _target(y, X.shape[0])
        if y.ndim == 2 and y.shape[1] == 1:
            warning = sklearn_class("DataConversionWarning", DataConversionWarning)
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please "
                "change the shape of y to (n_samples,), for example using ravel().",
                warning,
                stacklevel=2,
            )
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D class labels (one per row), got shape {y.shape}")
        if y.dtype.kind == "f" and np.any(y != np.round(y)):
            raise ValueError(
                "Unknown label type: continuous. KANClassifier needs class "
                "labels; for a continuous target use KANRegressor"
            )
        self.classes_, labels = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"KANClassifier needs at least 2 classes, got 1 class ({self.classes_[0]!r})"
            )
        return self._train(X, labels.astype(np.int64), len(self.classes_))

    def logits(self, X):
        """The model's outputs z (N, C), one column per class of classes_."""
        X = self._check_X(X)
        return self.model_(self._standardised(X))  # (N, C)

    def predict_proba(self, X):
        """Class probabilities (N, C), softmax(z); columns in the order of classes_."""
        return losses.softmax(self.logits(X))  # (N, C)

    def predict(self, X):
        """The most probable class of each row (N,), as labels from classes_."""
        z = self.logits(X)  # (N, C)
        return self.classes_[z.argmax(axis=1)]  # (N,)

    def score(self, X, y):
        """Accuracy: the share of rows whose predicted class is y."""
        return float(np.mean(self.predict(X) == np.asarray(y).reshape(-1)))


# --------------------------------------------------------------------------- helpers
def _target(y, N):
    """y as an array with N rows (1-D or 2-D), or a clear ValueError."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    y = np.asarray(y)
    if y.ndim == 0 or y.ndim > 2 or y.shape[0] != N:
        raise ValueError(
            f"y must have one entry (or row) per sample of X ({N}), got shape {y.shape}"
        )
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise ValueError("Input y contains NaN or infinity")
    if N < 2:
        raise ValueError(f"need at least 2 samples to fit, got n_samples = {N}")
    return y


def _scale(A):
    """Per-column standard deviation (D,), with 1 where a column is constant."""
    std = A.std(axis=0)  # (D,)
    return np.where(std > 0, std, 1.0)


def _seed(random_state):
    """An int seed: random_state itself, or 0 for None."""
    if random_state is None:
        return 0
    return checks.as_int(random_state, "random_state", 0)
