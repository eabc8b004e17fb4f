"""scikit-learn's estimator protocol without importing scikit-learn (for `estimators.py`).

What scikit-learn expects of an estimator (its developer guide, "Rolling your own
estimator"): constructor arguments stored unchanged and returned by `get_params`,
`set_params`, learned attributes ending in `_` and set by `fit`, `n_features_in_` and
`feature_names_in_` checked at predict time with its own wording, NotFittedError before
fit, and `__sklearn_tags__` describing the estimator. Where scikit-learn is already loaded,
its own `NotFittedError` and `DataConversionWarning` are raised, so code catching them
works; otherwise the look-alike classes below.
"""

import inspect
import sys
import warnings

import numpy as np
import scipy.sparse

from kan_np import checks


class NotFittedError(ValueError, AttributeError):
    """predict / score before fit (scikit-learn's own class is raised when it is loaded)."""


class DataConversionWarning(UserWarning):
    """A column vector y was turned into a 1-D array (scikit-learn's own class if loaded)."""


def sklearn_class(name, fallback):
    """scikit-learn's exception class `name` if scikit-learn is loaded, else our fallback."""
    module = sys.modules.get("sklearn.exceptions")
    return getattr(module, name, fallback) if module is not None else fallback


class Protocol:
    """get_params / set_params / repr / tags, and the checks of X, for a subclass whose
    __init__ stores its arguments (`store`); `_loss` "mse" makes it a regressor."""

    _loss = "mse"

    @classmethod
    def _defaults(cls):
        """{parameter name: default} from the subclass's constructor signature."""
        parameters = inspect.signature(cls.__init__).parameters
        return {name: p.default for name, p in parameters.items() if name != "self"}

    @classmethod
    def _param_names(cls):
        return list(cls._defaults())

    def get_params(self, deep=True):
        """The constructor parameters by name (scikit-learn's `get_params`)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set constructor parameters by name; returns self."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; "
                    f"valid parameters: {valid}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = self._defaults()
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if value != defaults[name]
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def __sklearn_tags__(self):
        # only scikit-learn calls this, so scikit-learn is loaded already
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        classifier = self._loss != "mse"
        return Tags(
            estimator_type="classifier" if classifier else "regressor",
            target_tags=TargetTags(required=True, multi_output=not classifier),
            transformer_tags=None,
            regressor_tags=None if classifier else RegressorTags(),
            classifier_tags=ClassifierTags(multi_class=True) if classifier else None,
        )

    # ------------------------------------------------------------------------ inputs
    def _check_X(self, X, fitting=False):
        """X as a float64 (N, D) array; remembers D and the column names when fitting."""
        if scipy.sparse.issparse(X):
            raise TypeError(
                "sparse input is not supported by kan_np estimators; pass a "
                "dense array (X.toarray())"
            )
        names = checks.column_names(X)
        arr = np.asarray(X)
        if np.iscomplexobj(arr):
            raise ValueError("Complex data not supported: X must hold real numbers")
        if arr.dtype == object:
            arr = arr.astype(np.float64)  # strings or dicts raise TypeError/ValueError here
        if arr.ndim == 1:
            raise ValueError(
                f"X must be 2-D (samples, features), got shape {arr.shape}. Reshape "
                "your data with X.reshape(-1, 1) for a single feature."
            )
        if arr.ndim == 2 and arr.shape[1] == 0:
            raise ValueError(f"0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
        arr = checks.as_float_matrix(arr, "X")
        if fitting:
            self.n_features_in_ = arr.shape[1]
            if names is not None:
                self.feature_names_in_ = np.asarray(names, dtype=object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return arr
        self._check_fitted()
        self._check_names(names)
        if arr.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {arr.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        return arr

    def _check_names(self, names):
        fitted = getattr(self, "feature_names_in_", None)
        if names is None and fitted is not None:
            warnings.warn(
                f"X does not have valid feature names, but {type(self).__name__} "
                "was fitted with feature names",
                UserWarning,
                stacklevel=4,
            )
        elif names is not None and fitted is None:
            warnings.warn(
                f"X has feature names, but {type(self).__name__} was fitted without feature names",
                UserWarning,
                stacklevel=4,
            )
        elif names is not None and list(names) != list(fitted):
            raise ValueError(
                "The feature names should match those that were passed during "
                f"fit: expected {list(fitted)}, got {list(names)}"
            )

    def _check_fitted(self):
        if not hasattr(self, "model_"):
            error = sklearn_class("NotFittedError", NotFittedError)
            raise error(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )


def store(estimator, arguments):
    """Keep every constructor argument unchanged, as scikit-learn requires (no checks:
    `fit` validates them)."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
