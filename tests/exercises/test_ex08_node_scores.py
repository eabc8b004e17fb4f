"""Checker for exercise 08.1 (tutorials/exercises/ex08_node_scores.py): the node scores.

Plain `pytest` (CI) checks the library's reference, which proves the checker; with
KAN_NP_EXERCISES=student it checks the student's stub (tests/exercises/conftest.py).
"""

import numpy as np
import pytest

from kan_np import pruning


@pytest.fixture
def incoming_outgoing(exercise):
    return exercise("ex08_node_scores", pruning.incoming_outgoing)


@pytest.fixture
def paper_node_scores(exercise):
    return exercise("ex08_node_scores", pruning.paper_node_scores)


pytestmark = pytest.mark.ex08_1

# a [2, 3, 1] network: A_0 (2, 3), A_1 (3, 1)
EDGE = [np.array([[0.5, 0.0, 0.2], [0.1, 0.003, 0.4]]), np.array([[0.7], [0.9], [0.001]])]


def test_incoming_and_outgoing_by_hand(incoming_outgoing):
    incoming, outgoing = incoming_outgoing(EDGE)
    assert incoming[0] is None and outgoing[2] is None
    np.testing.assert_array_equal(incoming[1], [0.5, 0.003, 0.4])
    np.testing.assert_array_equal(incoming[2], [0.9])
    np.testing.assert_array_equal(outgoing[0], [0.5, 0.4])
    np.testing.assert_array_equal(outgoing[1], [0.7, 0.9, 0.001])


def test_node_scores_by_hand(paper_node_scores):
    scores = paper_node_scores(EDGE)
    assert len(scores) == 3
    np.testing.assert_array_equal(scores[0], [0.5, 0.4])
    np.testing.assert_array_equal(scores[1], [0.5, 0.003, 0.001])
    np.testing.assert_array_equal(scores[2], [0.9])
    alive = scores[1] > 1e-2  # the paper's rule keeps only hidden node 0
    np.testing.assert_array_equal(alive, [True, False, False])


def test_matches_the_definition_on_a_deeper_network(paper_node_scores):
    rng = np.random.default_rng(0)
    edge = [rng.random((3, 4)), rng.random((4, 2)), rng.random((2, 1))]
    scores = paper_node_scores(edge)
    assert [s.shape for s in scores] == [(3,), (4,), (2,), (1,)]
    for l in (1, 2):
        hand = [min(edge[l - 1][:, i].max(), edge[l][i, :].max()) for i in range(edge[l].shape[0])]
        np.testing.assert_allclose(scores[l], hand)
