"""KANRegressor / KANClassifier: scikit-learn's own estimator checks, and the workflow."""

import warnings

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from kan_np import KANClassifier, KANRegressor

TINY = {"steps": 3, "grid": 3}  # enough for the checks' accuracy floors, fast


@parametrize_with_checks([KANRegressor(**TINY), KANClassifier(**TINY)])
def test_sklearn_check_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check(estimator)
