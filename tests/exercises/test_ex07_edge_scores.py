"""Checker for exercise 07.1 (tutorials/exercises/ex07_edge_scores.py): the edge sizes.

Plain `pytest` checks `kan_np.pruning.edge_scores`; with KAN_NP_EXERCISES=student the
student's `edge_scores`. The expected values are computed here edge by edge, in loops, from
each layer's `KANLayer.activations`.
"""

import numpy as np
import pytest

import kan_np as kn
from kan_np import pruning

pytestmark = pytest.mark.ex07_1
READ = "tutorials/07_visualization.md, 'The transparency rule'"


@pytest.fixture
def edge_scores(exercise):
    return exercise("ex07_edge_scores", pruning.edge_scores)


def by_loops(model, x):
    """A_{l,i,o} = mean_n |phi_{l,i,o}(x_{l,i,n})|, one edge at a time."""
    scores = []
    for layer in model.layers:
        acts = layer.activations(x)  # (N, I, O)
        A = np.zeros(acts.shape[1:])  # (I, O)
        for i in range(A.shape[0]):
            for o in range(A.shape[1]):
                A[i, o] = np.mean(np.abs(acts[:, i, o]))
        scores.append(A)
        x = acts.sum(axis=1)  # (N, O)  the next layer's inputs
    return scores


MODEL = kn.KAN(width=[2, 3, 2, 1], grid=4, k=3, seed=3)
X = np.random.default_rng(0).uniform(-1, 1, (50, 2))  # (N, 2)


def test_every_edge(edge_scores, assert_close, require):
    scores = edge_scores(MODEL, X)
    require(isinstance(scores, list) and len(scores) == 3, "return a list with one array per "
            f"layer (3 here), got {type(scores).__name__}", read=READ)  # fmt: skip
    for l, (ours, expected) in enumerate(zip(scores, by_loops(MODEL, X), strict=True)):
        assert_close(ours, expected, f"layer {l}'s A (mean |phi| over the samples)",
                     rtol=1e-12, atol=1e-15, read=READ)  # fmt: skip


def test_default_is_the_training_input(edge_scores, assert_close):
    model = MODEL.copy()
    model.train_input = X[:20]  # what `fit` sets
    for l, (ours, expected) in enumerate(zip(edge_scores(model), by_loops(model, X[:20]),
                                             strict=True)):  # fmt: skip
        assert_close(ours, expected, f"layer {l}'s A with x=None (use model.train_input)",
                     rtol=1e-12, atol=1e-15, read=READ)  # fmt: skip


def test_unknown_method(edge_scores, require):
    try:
        edge_scores(MODEL, X, method="opacity")
    except ValueError:
        return
    require(False, "edge_scores(model, x, method='opacity') must raise ValueError", read=READ)
