"""KANRegressor / KANClassifier: scikit-learn's own estimator checks, and the workflow."""

import warnings

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from kan_np import KANClassifier, KANRegressor

TINY = {"steps": 3, "grid": 3, "opt": "lbfgs"}  # enough for the checks' accuracy floors, fast


@parametrize_with_checks([KANRegressor(**TINY), KANClassifier(**TINY)])
def test_sklearn_check_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check(estimator)


def _blobs(n=60, seed=0):
    """Three well separated classes in 2-D, with string labels."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    labels = rng.integers(0, 3, n)  # (n,)
    X = centres[labels] + rng.normal(0.0, 0.5, (n, 2))  # (n, 2)
    return X, np.array(["a", "b", "c"])[labels]


def test_classifier_learns_and_predicts_its_own_labels():
    X, y = _blobs()
    clf = KANClassifier(steps=5, grid=3).fit(X, y)
    assert list(clf.classes_) == ["a", "b", "c"] and clf.n_features_in_ == 2
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) == 1.0
    assert clf.model_.width == [2, 3]
    assert "train_acc" in clf.history_ and "test_acc" in clf.history_


def test_dataframe_names_and_the_sklearn_tools():
    pd = pytest.importorskip("pandas")
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.uniform(-1, 1, (40, 2)), columns=["age", "dose"])
    y = np.sin(2 * X["age"]) + X["dose"] ** 2
    reg = KANRegressor(steps=4, grid=3, opt="lbfgs").fit(X, y)
    assert list(reg.feature_names_in_) == ["age", "dose"]
    assert reg.score(X, y) > 0.9
    with pytest.raises(ValueError, match="feature names should match"):
        reg.predict(X.rename(columns={"dose": "weight"}))
    assert cross_val_score(KANRegressor(steps=2, grid=3), X, y, cv=2).shape == (2,)
    pipe = make_pipeline(StandardScaler(), KANRegressor(steps=2, grid=3, hidden=()))
    search = GridSearchCV(pipe, {"kanregressor__grid": [2, 3]}, cv=2).fit(X, y)
    assert search.best_params_["kanregressor__grid"] in (2, 3)


def test_early_stopping_keeps_the_best_validation_step():
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (30, 3))
    y = X[:, 0] + rng.normal(0, 0.3, 30)  # noisy: a grid of 10 overfits 27 points
    reg = KANRegressor(grid=10, steps=30, opt="lbfgs", early_stopping=True, patience=3).fit(X, y)
    losses = reg.history_["test_rmse"]  # the validation RMSE, one per step
    assert len(losses) <= reg.best_step_ + 1 + 3
    assert losses[reg.best_step_] == min(losses)
    with pytest.raises(ValueError, match="validation_fraction"):
        KANRegressor(early_stopping=True, validation_fraction=1.5).fit(X, y)


def test_no_sklearn_or_pandas_import_at_run_time():
    """Only `__sklearn_tags__`, which scikit-learn alone calls, may import scikit-learn."""
    import ast
    from pathlib import Path

    import kan_np

    for path in Path(kan_np.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        allowed = {id(node) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                   and f.name == "__sklearn_tags__" for node in ast.walk(f)}  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in allowed:
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                bad = [n for n in names if n.split(".")[0] in ("sklearn", "pandas", "torch")]
                assert not bad, f"{path.name}:{node.lineno} imports {bad}"
